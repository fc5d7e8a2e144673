; Inno Setup script for EmoSign Desktop on Windows (written, not built here: see README).
; Build: python packaging\build_bundle.py   (dist\emosign-desktop, PyInstaller)
;        ISCC /DAppVersion=0.1.0 packaging\windows\emosign-desktop.iss
; Installs per user by default (no administrator needed), adds Start-menu entries, and opens
; project.emosign files by double-click.  Nothing is downloaded during setup or at run time.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "EmoSign Desktop"
#define Bundle "..\..\dist\emosign-desktop"

[Setup]
AppId={{6C1B5F3E-6B1E-4E8A-9D43-2E5C0F7A9B11}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=EmoSign Desktop developers
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=EmoSign-Desktop-{#AppVersion}-setup
SetupIconFile=..\..\build\bundle\icons\emosign-desktop.ico
UninstallDisplayIcon={app}\emosign-desktop.exe
LicenseFile={#Bundle}\THIRD-PARTY-NOTICES.txt
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\emosign-desktop.exe"
Name: "{group}\Licence notices"; Filename: "{app}\THIRD-PARTY-NOTICES.txt"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\emosign-desktop.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[Registry]
; double-clicking a project file (project.emosign) opens it
Root: HKA; Subkey: "Software\Classes\.emosign"; ValueType: string; ValueName: ""; ValueData: "EmoSignDesktop.Project"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\EmoSignDesktop.Project"; ValueType: string; ValueName: ""; ValueData: "EmoSign project"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\EmoSignDesktop.Project\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\emosign-desktop.exe,0"
Root: HKA; Subkey: "Software\Classes\EmoSignDesktop.Project\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\emosign-desktop.exe"" ""%1"""

[Run]
Filename: "{app}\emosign-desktop.exe"; Description: "Open EmoSign Desktop"; Flags: nowait postinstall skipifsilent
