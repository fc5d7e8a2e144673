"""Turn the bundle (dist/emosign-desktop) into the portable tarball: ``make tarball``.

    python packaging/build_tarball.py [--bundle dist/emosign-desktop] [--out dist]

writes dist/emosign-desktop-VERSION-linux-x86_64.tar.gz: one folder,
emosign-desktop-VERSION/, that runs from wherever it is unpacked, without root:

    emosign-desktop-VERSION/emosign-desktop     the window (--self-test, --install-menu, ...)
    emosign-desktop-VERSION/emosign             the command line
    emosign-desktop-VERSION/_internal/          Python, Qt, FFmpeg, MediaPipe, ...
    emosign-desktop-VERSION/README.txt          how to start it, add it to the menu, remove it
    emosign-desktop-VERSION/THIRD-PARTY-NOTICES.txt

Members are owned by root (uid 0) with the bundle's modes and one date, so the tarball is
the same for the same bundle; unpacked by a user, the files are the user's.
"""

from __future__ import annotations

import argparse
import gzip
import io
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

README = """\
EmoSign Desktop {version} for Linux (x86_64): the portable copy
=================================================================

Runs from this folder, wherever it is, without installing anything and without root, on
any 64-bit Linux with glibc 2.31 or newer and a desktop (Debian 11 and later, Ubuntu 20.04
and later).  Everything it needs is in this folder except what every desktop has: the C
library, OpenGL, X11/xcb, xkbcommon, fontconfig/freetype, D-Bus, GLib and zlib.

Start it:                ./emosign-desktop
Add it to your menu:     ./emosign-desktop --install-menu
  (for you only: the menu entry, the icon and the project file type, under
  ~/.local/share; double-clicking a project.emosign file then opens it)
Take it out of the menu: ./emosign-desktop --uninstall-menu
Check it works:          ./emosign-desktop --self-test
The command line:        ./emosign --help

Remove it: ./emosign-desktop --uninstall-menu, then delete this folder.  Your projects,
settings (~/.config/EmoSign Desktop) and logs (~/.local/state/EmoSign Desktop) stay.

Videos play with VLC where VLC is installed on the system, and with the included FFmpeg
otherwise (Help > About says which).  Export to Parquet is not in this copy (.csv is).
"""


def version() -> str:
    from emosign_desktop import __version__

    return __version__


def build(bundle: Path, out: Path) -> Path:
    name = f"emosign-desktop-{version()}"
    target = out / f"{name}-linux-x86_64.tar.gz"
    out.mkdir(parents=True, exist_ok=True)
    mtime = int((bundle / "emosign-desktop").stat().st_mtime)
    readme = README.format(version=version()).encode("utf-8")

    def owned_by_root(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        info.mtime = mtime
        info.mode = (info.mode & 0o755) | (0o644 if info.isfile() else 0)
        if info.isfile() and info.mode & 0o100:
            info.mode |= 0o755
        return info

    partial = target.with_suffix(".partial")
    with gzip.GzipFile(partial, "wb", compresslevel=9, mtime=mtime) as gz, \
            tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
        root_info = owned_by_root(tar.gettarinfo(str(bundle), arcname=name))
        tar.addfile(root_info)
        for path in sorted(bundle.rglob("*")):
            arcname = f"{name}/{path.relative_to(bundle).as_posix()}"
            info = owned_by_root(tar.gettarinfo(str(path), arcname=arcname))
            if info.isfile():
                with path.open("rb") as fh:
                    tar.addfile(info, fh)
            else:
                tar.addfile(info)
        info = tarfile.TarInfo(f"{name}/README.txt")
        info.size, info.mtime, info.mode = len(readme), mtime, 0o644
        info.uname = info.gname = "root"
        tar.addfile(info, io.BytesIO(readme))
    partial.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the portable tarball from the bundle.")
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "emosign-desktop")
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    args = parser.parse_args(argv)
    if not (args.bundle / "emosign-desktop").is_file():
        print(f"{args.bundle}: no bundle here; run 'make bundle' first", file=sys.stderr)
        return 2
    started = time.monotonic()
    target = build(args.bundle, args.out)
    unpacked = sum(p.stat().st_size for p in args.bundle.rglob("*")
                   if p.is_file() and not p.is_symlink())
    print(f"built {target}: {target.stat().st_size / 1e6:.0f} MB ({unpacked / 1e6:.0f} MB "
          f"unpacked) in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
