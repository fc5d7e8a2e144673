"""The bundle's one entry script: ``emosign-desktop`` (the window) or ``emosign`` (the
command line), chosen by the name the executable was started as.

``--install-menu`` and ``--uninstall-menu`` (the portable tarball's: a copy unpacked in any
folder) add or remove the menu entry, the icon and the project file's MIME type for the
current user only, under $XDG_DATA_HOME (~/.local/share); see desktop_menu.py."""

import multiprocessing
import os
import sys
from pathlib import Path

MENU_FLAGS = ("--install-menu", "--uninstall-menu")


def _menu(flag: str) -> int:
    """Install or remove this copy's menu entry for the current user."""
    import desktop_menu

    if getattr(sys, "frozen", False):  # the bundle: its own executable and icons
        command = [sys.executable]
        icons = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "resources" / "icons"
        svg = icons / "emosign-desktop.svg"
    else:  # a source checkout: this script, run by this Python
        here = Path(__file__).resolve().parent
        command = [sys.executable, str(Path(__file__).resolve())]
        icons = here.parent / "build" / "bundle" / "icons"
        svg = here / "icons" / "emosign-desktop.svg"
    data = desktop_menu.data_home()
    if flag == "--install-menu":
        written = desktop_menu.install_menu(command, icons, svg, data)
        print(f"EmoSign Desktop is in your applications menu (for you only): "
              f"{len(written)} files under {data}; it runs {command[-1]}")
        print("To take it out again: emosign-desktop --uninstall-menu")
    else:
        removed = desktop_menu.uninstall_menu(data)
        print(f"removed the menu entry, icons and MIME type: {len(removed)} files under {data}"
              if removed else f"no menu entry of EmoSign Desktop under {data}: nothing removed")
    return 0


def _entry() -> int:
    multiprocessing.freeze_support()  # landmark workers are spawned as this executable
    # Alembic runs the migration scripts from the (read-only, package-owned) install folder:
    # no __pycache__ may be left there
    sys.dont_write_bytecode = True
    flags = [a for a in sys.argv[1:] if a in MENU_FLAGS]
    if flags:
        return _menu(flags[0])
    name = os.path.basename(sys.argv[0] if sys.argv else "").lower()
    if name.endswith(".exe"):
        name = name[:-4]
    if name == "emosign" and "--self-test" not in sys.argv[1:]:
        from emosign_desktop.cli import main
    else:
        from emosign_desktop.app import main
    return int(main() or 0)


if __name__ == "__main__":
    sys.exit(_entry())
