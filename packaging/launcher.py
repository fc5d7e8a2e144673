"""The bundle's one entry script: ``emosign-desktop`` (the window) or ``emosign`` (the
command line), chosen by the name the executable was started as."""

import multiprocessing
import os
import sys


def _entry() -> int:
    multiprocessing.freeze_support()  # landmark workers are spawned as this executable
    # Alembic runs the migration scripts from the (read-only, package-owned) install folder:
    # no __pycache__ may be left there
    sys.dont_write_bytecode = True
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
