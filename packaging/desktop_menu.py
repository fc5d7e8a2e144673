"""The menu entry, the project file's MIME type and the icon, in freedesktop.org's formats.

The .deb installs them for everyone (``build_deb.py``: /usr/share/...).  The portable
tarball installs them for the current user only: ``./emosign-desktop --install-menu`` writes

    $XDG_DATA_HOME/applications/emosign-desktop.desktop  (Exec: this copy's executable)
    $XDG_DATA_HOME/mime/packages/emosign-desktop.xml
    $XDG_DATA_HOME/icons/hicolor/<n>x<n>/apps/emosign-desktop.png (and scalable/apps/*.svg)

($XDG_DATA_HOME is ~/.local/share when unset), then refreshes the user's MIME database and
caches with the system's tools where they are installed (update-mime-database,
update-desktop-database, gtk-update-icon-cache); ``--uninstall-menu`` removes exactly those
files and refreshes again.  Nothing outside $XDG_DATA_HOME is touched and no root is needed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

PACKAGE = "emosign-desktop"
MIME_TYPE = "application/x-emosign-project"
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)


def quote_exec(argument: str) -> str:
    """One argument of a desktop entry's Exec key (quoted where it must be; a literal % is
    written %%, as field codes start with it)."""
    argument = argument.replace("%", "%%")
    if argument and not any(c in argument for c in ' \t\n"\'\\><~|&;$*?#()`'):
        return argument
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in argument)
    return f'"{escaped}"'


def desktop_entry(command: Sequence[str] = (PACKAGE,)) -> str:
    """The menu entry that runs ``command`` (the .deb: ``emosign-desktop`` on the PATH;
    the tarball: the absolute path of its executable)."""
    exec_line = " ".join(quote_exec(a) for a in command)
    # the spec's escape of a backslash inside a string value: the key's value is unescaped
    # once before the Exec quoting rules apply
    exec_value = exec_line.replace("\\", "\\\\")
    return f"""[Desktop Entry]
Type=Application
Version=1.4
Name=EmoSign Desktop
GenericName=Sign-language emotion annotation
Comment=Annotate and review sign-language video for emotion, frame by frame
Exec={exec_value} %f
TryExec={command[0].replace(chr(92), chr(92) * 2)}
Icon={PACKAGE}
Terminal=false
Categories=Science;Languages;
Keywords=ASL;sign language;emotion;annotation;ELAN;video;
MimeType={MIME_TYPE};
StartupWMClass={PACKAGE}
"""


DESKTOP = desktop_entry()

MIME = f"""<?xml version="1.0" encoding="UTF-8"?>
<mime-info xmlns="http://www.freedesktop.org/standards/shared-mime-info">
  <mime-type type="{MIME_TYPE}">
    <comment>EmoSign project</comment>
    <sub-class-of type="application/vnd.sqlite3"/>
    <generic-icon name="{PACKAGE}"/>
    <glob pattern="project.emosign" weight="90"/>
    <glob pattern="*.emosign"/>
  </mime-type>
</mime-info>
"""


def data_home(environ: dict[str, str] | None = None) -> Path:
    """$XDG_DATA_HOME, or ~/.local/share (the XDG Base Directory default)."""
    env = os.environ if environ is None else environ
    value = env.get("XDG_DATA_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    return Path(env.get("HOME") or Path.home()) / ".local" / "share"


def user_files(data: Path) -> list[Path]:
    """Every file ``install_menu`` writes under ``data`` (and ``uninstall_menu`` removes)."""
    icons = data / "icons" / "hicolor"
    return [data / "applications" / f"{PACKAGE}.desktop",
            data / "mime" / "packages" / f"{PACKAGE}.xml",
            *(icons / f"{n}x{n}" / "apps" / f"{PACKAGE}.png" for n in ICON_SIZES),
            icons / "scalable" / "apps" / f"{PACKAGE}.svg"]


def _refresh(data: Path) -> list[str]:
    """Refresh the user's MIME database, menu cache and icon cache; the tools that ran."""
    ran = []
    steps = (("update-mime-database", [str(data / "mime")], data / "mime"),
             ("update-desktop-database", [str(data / "applications")], data / "applications"),
             ("gtk-update-icon-cache", ["-f", "-t", "-q", str(data / "icons" / "hicolor")],
              data / "icons" / "hicolor" / "index.theme"))
    for tool, args, needs in steps:
        path = shutil.which(tool)
        if path is None or not needs.exists():
            continue
        subprocess.run([path, *args], check=False, capture_output=True, timeout=120)
        ran.append(tool)
    return ran


def install_menu(command: Sequence[str], icons: Path | None, svg: Path | None,
                 data: Path | None = None) -> list[Path]:
    """Write the menu entry (running ``command``), the MIME type and the icons (PNGs from
    ``icons``/hicolor, and ``svg``) under ``data``; the files written."""
    data = data or data_home()
    entry, mime, *pngs, scalable = user_files(data)
    written = []
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_text(desktop_entry(command), encoding="utf-8")
    written.append(entry)
    mime.parent.mkdir(parents=True, exist_ok=True)
    mime.write_text(MIME, encoding="utf-8")
    written.append(mime)
    for size, target in zip(ICON_SIZES, pngs, strict=True):
        source = icons / "hicolor" / f"{size}x{size}" / "apps" / f"{PACKAGE}.png" if icons else None
        if source is not None and source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            written.append(target)
    if svg is not None and svg.is_file():
        scalable.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(svg, scalable)
        written.append(scalable)
    _refresh(data)
    return written


def uninstall_menu(data: Path | None = None) -> list[Path]:
    """Remove what ``install_menu`` wrote (nothing else); the files removed."""
    data = data or data_home()
    removed = []
    for path in user_files(data):
        if path.is_file() or path.is_symlink():
            path.unlink()
            removed.append(path)
    _refresh(data)
    return removed
