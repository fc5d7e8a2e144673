"""Turn the bundle (dist/emosign-desktop) into a Debian package with dpkg-deb: ``make deb``.

    python packaging/build_deb.py [--bundle dist/emosign-desktop] [--out dist]

The package installs the bundle under /opt/emosign-desktop and adds
  /usr/bin/emosign-desktop, /usr/bin/emosign     symlinks into /opt/emosign-desktop
  /usr/share/applications/emosign-desktop.desktop the menu entry (opens project.emosign)
  /usr/share/icons/hicolor/*/apps/emosign-desktop  the icon, 16-512 px and SVG
  /usr/share/mime/packages/emosign-desktop.xml    the project file's MIME type
  /usr/share/doc/emosign-desktop/copyright        the licences
Its Depends are the system base alone: the sonames the bundle's files need (DT_NEEDED) that
the bundle does not carry, each mapped to its package by bundle_config.SYSTEM_BASE (package
names that are the same in Debian 11, 12 and 13), and libc6 (>= the newest glibc a file asks
for).  A needed library outside the base stops the build: the bundle must carry it.  Nothing
is downloaded; no maintainer scripts (Debian's triggers update the menu, MIME and icon
caches).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
import build_bundle  # noqa: E402
import bundle_config as cfg  # noqa: E402
import desktop_menu  # noqa: E402

PACKAGE = desktop_menu.PACKAGE
PREFIX = Path("opt") / PACKAGE
MIME_TYPE = desktop_menu.MIME_TYPE

DESKTOP = desktop_menu.DESKTOP
MIME = desktop_menu.MIME


def run(cmd: list[str], **kw: object) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout  # type: ignore[call-overload]


def depends(bundle: Path) -> list[str]:
    """The Depends line's packages: the system base the bundle's files need, libc6 with the
    newest glibc they ask for.  Raises SystemExit naming a library outside the base."""
    needs, glibc = build_bundle.system_needs(bundle)
    outside = sorted(n for n in needs if n not in cfg.SYSTEM_BASE)
    if outside:
        raise SystemExit(f"the bundle needs libraries that are neither inside it nor in the "
                         f"system base (bundle_config.SYSTEM_BASE): {', '.join(outside)}")
    packages = {cfg.SYSTEM_BASE[n].package for n in needs} - {"libc6"}
    return [f"libc6 (>= {'.'.join(map(str, max(glibc, (2, 31))))})", *sorted(packages)]


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
    icons = bundle / "_internal" / "resources" / "icons" / "hicolor"
    if not icons.is_dir():
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


def control(root: Path, packages: list[str]) -> str:
    arch = run(["dpkg", "--print-architecture"]).strip()
    size_kb = sum(p.stat().st_size for p in root.rglob("*")
                  if p.is_file() and not p.is_symlink()) // 1024
    return (f"Package: {PACKAGE}\n"
            f"Version: {version()}\n"
            f"Architecture: {arch}\n"
            "Maintainer: EmoSign Desktop developers <emosign-desktop@users.noreply.github.com>\n"
            f"Installed-Size: {size_kb}\n"
            f"Depends: {', '.join(packages)}\n"
            "Recommends: shared-mime-info, desktop-file-utils, hicolor-icon-theme\n"
            "Suggests: libvlc5, vlc-plugin-base\n"
            "Section: science\n"
            "Priority: optional\n"
            "Homepage: https://arxiv.org/abs/2505.17090\n"
            "Description: annotate sign-language video for emotion, offline\n"
            " EmoSign Desktop lets Deaf signers and researchers rate the sentiment and\n"
            " emotions of sign-language clips frame by frame, mark cues in time, merge\n"
            " several annotators' work and compute their agreement. Everything works\n"
            " offline: Python, Qt, FFmpeg and MediaPipe's models are included under\n"
            " /opt/emosign-desktop. Videos play with the system's libVLC where VLC is\n"
            " installed, and with the included FFmpeg (PyAV) otherwise.\n")


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
    needed = depends(args.bundle)
    (root / "DEBIAN").mkdir()
    (root / "DEBIAN" / "control").write_text(control(root, needed), encoding="utf-8")
    arch = run(["dpkg", "--print-architecture"]).strip()
    deb = args.out / f"{PACKAGE}_{version()}_{arch}.deb"
    args.out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "-z6", "--build", str(root),
                    str(deb)], check=True)
    print(f"built {deb}: {deb.stat().st_size / 1e6:.0f} MB\nDepends: {', '.join(needed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
