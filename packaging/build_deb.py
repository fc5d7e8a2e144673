"""Turn the bundle (dist/emosign-desktop) into a Debian package with dpkg-deb: ``make deb``.

    python packaging/build_deb.py [--bundle dist/emosign-desktop] [--out dist]

The package installs the bundle under /opt/emosign-desktop and adds
  /usr/bin/emosign-desktop, /usr/bin/emosign     symlinks into /opt/emosign-desktop
  /usr/share/applications/emosign-desktop.desktop the menu entry (opens project.emosign)
  /usr/share/icons/hicolor/*/apps/emosign-desktop  the icon, 16-512 px and SVG
  /usr/share/mime/packages/emosign-desktop.xml    the project file's MIME type
  /usr/share/doc/emosign-desktop/copyright        the licences
Its Depends are found like dpkg-shlibdeps would: the libraries the bundle's files need that
the bundle does not carry, and the Debian packages that hold them here; and libpq5, which
the bundle's psycopg loads by name (LOADED_BY_NAME).  Nothing is
downloaded; no maintainer scripts (Debian's triggers update the menu, MIME and icon caches).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

PACKAGE = "emosign-desktop"
PREFIX = Path("opt") / PACKAGE
MIME_TYPE = "application/x-emosign-project"

DESKTOP = f"""[Desktop Entry]
Type=Application
Version=1.4
Name=EmoSign Desktop
GenericName=Sign-language emotion annotation
Comment=Annotate and review sign-language video for emotion, frame by frame
Exec=emosign-desktop %f
TryExec=emosign-desktop
Icon=emosign-desktop
Terminal=false
Categories=Science;Languages;
Keywords=ASL;sign language;emotion;annotation;ELAN;video;
MimeType={MIME_TYPE};
StartupWMClass=emosign-desktop
"""

MIME = f"""<?xml version="1.0" encoding="UTF-8"?>
<mime-info xmlns="http://www.freedesktop.org/standards/shared-mime-info">
  <mime-type type="{MIME_TYPE}">
    <comment>EmoSign project</comment>
    <sub-class-of type="application/vnd.sqlite3"/>
    <generic-icon name="emosign-desktop"/>
    <glob pattern="project.emosign" weight="90"/>
    <glob pattern="*.emosign"/>
  </mime-type>
</mime-info>
"""

#: Libraries the bundle may use from the system without a Depends line for each: the C
#: library and the loader come with every Debian system.
ESSENTIAL = {"libc6", "libgcc-s1", "libstdc++6"}

#: Packages the bundle loads at run time by name (ctypes), which ldd cannot see: psycopg's
#: pure-Python implementation loads the system's libpq where the bundle leaves out
#: psycopg_binary (Linux; see bundle_config).
LOADED_BY_NAME = {"libpq5": "psycopg_binary"}


def loaded_by_name(bundle: Path) -> list[str]:
    """The packages of LOADED_BY_NAME the bundle needs: those whose bundled alternative
    (a folder in _internal) is not there."""
    internal = bundle / "_internal"
    return sorted(pkg for pkg, alternative in LOADED_BY_NAME.items()
                  if not (internal / alternative).exists())


def run(cmd: list[str], **kw: object) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout  # type: ignore[call-overload]


def elf_files(folder: Path) -> list[Path]:
    out = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as fh:
                if fh.read(4) == b"\x7fELF":
                    out.append(path)
    return out


def system_dependencies(bundle: Path) -> tuple[list[str], list[str]]:
    """(Debian packages, libraries not found) that the bundle's ELF files need from the
    system."""
    internal = bundle / "_internal"
    env = dict(os.environ, LD_LIBRARY_PATH=f"{internal}:{internal / 'PySide6' / 'Qt' / 'lib'}")
    outside: set[str] = set()
    missing: set[str] = set()
    for path in elf_files(bundle):
        result = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env)
        for line in result.stdout.splitlines():
            m = re.match(r"\s*(\S+) => (\S+)", line)
            if not m:
                continue
            name, where = m.groups()
            if where == "not":
                # libraries a plugin needs that no one here has are reported, not required
                missing.add(name)
            elif not where.startswith(str(bundle)):
                outside.add(os.path.realpath(where))
    packages: set[str] = set()
    for lib in sorted(outside):
        result = subprocess.run(["dpkg", "-S", lib], capture_output=True, text=True)
        if result.returncode != 0:  # /lib is /usr/lib on a merged-/usr system
            alt = lib.replace("/usr/lib/", "/lib/", 1) if lib.startswith("/usr/lib/") else \
                lib.replace("/lib/", "/usr/lib/", 1)
            result = subprocess.run(["dpkg", "-S", alt], capture_output=True, text=True)
        for line in result.stdout.splitlines():
            packages.add(line.split(":")[0].strip())
    return sorted(packages - ESSENTIAL), sorted(missing)


def version() -> str:
    from emosign_desktop import __version__

    return __version__


def stage(bundle: Path, root: Path) -> None:
    if root.exists():
        shutil.rmtree(root)
    opt = root / PREFIX
    opt.parent.mkdir(parents=True)
    shutil.copytree(bundle, opt, symlinks=True)
    bin_dir = root / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("emosign-desktop", "emosign"):
        (bin_dir / name).symlink_to(f"/{PREFIX}/{name}")
    apps = root / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    (apps / f"{PACKAGE}.desktop").write_text(DESKTOP, encoding="utf-8")
    mime = root / "usr" / "share" / "mime" / "packages"
    mime.mkdir(parents=True)
    (mime / f"{PACKAGE}.xml").write_text(MIME, encoding="utf-8")
    icons = ROOT / "build" / "bundle" / "icons" / "hicolor"
    if not icons.is_dir():
        subprocess.run([sys.executable, str(HERE / "make_icons.py"),
                        str(icons.parent)], check=True)
    shutil.copytree(icons, root / "usr" / "share" / "icons" / "hicolor")
    doc = root / "usr" / "share" / "doc" / PACKAGE
    doc.mkdir(parents=True)
    notices = (bundle / "THIRD-PARTY-NOTICES.txt").read_text(encoding="utf-8")
    (doc / "copyright").write_text(
        "EmoSign Desktop is released under the MIT licence.\n"
        "It carries third-party software under its own licences, collected below (also in\n"
        f"/{PREFIX}/THIRD-PARTY-NOTICES.txt and shown by Help > About).\n\n" + notices,
        encoding="utf-8")
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        if path.is_dir():
            path.chmod(0o755)
        else:
            executable = path.stat().st_mode & 0o111
            path.chmod(0o755 if executable else 0o644)


def control(root: Path, depends: list[str]) -> str:
    arch = run(["dpkg", "--print-architecture"]).strip()
    size_kb = sum(p.stat().st_size for p in root.rglob("*")
                  if p.is_file() and not p.is_symlink()) // 1024
    return (f"Package: {PACKAGE}\n"
            f"Version: {version()}\n"
            f"Architecture: {arch}\n"
            "Maintainer: EmoSign Desktop developers <emosign-desktop@users.noreply.github.com>\n"
            f"Installed-Size: {size_kb}\n"
            f"Depends: {', '.join(depends)}\n"
            "Recommends: shared-mime-info, desktop-file-utils, hicolor-icon-theme\n"
            "Section: science\n"
            "Priority: optional\n"
            "Homepage: https://arxiv.org/abs/2505.17090\n"
            "Description: annotate sign-language video for emotion, offline\n"
            " EmoSign Desktop lets Deaf signers and researchers rate the sentiment and\n"
            " emotions of sign-language clips frame by frame, mark cues in time, merge\n"
            " several annotators' work and compute their agreement. Everything works\n"
            " offline: Python, Qt, FFmpeg, libVLC and MediaPipe's models are included\n"
            " under /opt/emosign-desktop.\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the .deb from the bundle.")
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / PACKAGE)
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "deb")
    args = parser.parse_args(argv)
    if not (args.bundle / PACKAGE).is_file():
        print(f"{args.bundle}: no bundle here; run 'make bundle' first", file=sys.stderr)
        return 2
    for tool in ("dpkg-deb", "dpkg", "ldd"):
        if shutil.which(tool) is None:
            print(f"{tool} not found: building a .deb needs a Debian system", file=sys.stderr)
            return 2
    root = args.work / "root"
    stage(args.bundle, root)
    depends, missing = system_dependencies(args.bundle)
    depends = sorted(set(depends) | set(loaded_by_name(args.bundle)))
    if missing:
        print(f"note: libraries no installed package provides (plugins that will not load): "
              f"{', '.join(missing)}")
    (root / "DEBIAN").mkdir()
    (root / "DEBIAN" / "control").write_text(control(root, depends), encoding="utf-8")
    arch = run(["dpkg", "--print-architecture"]).strip()
    deb = args.out / f"{PACKAGE}_{version()}_{arch}.deb"
    args.out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "-z6", "--build", str(root),
                    str(deb)], check=True)
    print(f"built {deb}: {deb.stat().st_size / 1e6:.0f} MB\nDepends: {', '.join(depends)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
