"""Build the one-folder bundle: ``make bundle`` runs this.

    python packaging/build_bundle.py [--dist dist] [--no-vlc] [--naive]

1. collects the licence notices (packaging/notices.py) and makes the icons
   (packaging/make_icons.py);
2. runs PyInstaller on packaging/emosign-desktop.spec (output dist/emosign-desktop, work
   files in build/pyinstaller);
3. on Linux: strips the debug information from the files that carry it, except in ``*.libs/``
   folders (PyInstaller's --strip breaks SciPy's OpenBLAS), adds the Debian copyright files
   of the system libraries the bundle took (libVLC's), and links ``emosign`` to the
   executable (it chooses the command line by that name);
4. measures the bundle, part by part, into dist/emosign-desktop.sizes.json and prints it.
Exits 1 if the bundle is larger than bundle_config.MAX_BUNDLE_MB (the ceiling); says how far
it is over bundle_config.TARGET_BUNDLE_MB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import bundle_config as cfg  # noqa: E402

NAME = "emosign-desktop"
LINUX = sys.platform.startswith("linux")


def run(cmd: list[str], **kw: object) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, **kw)  # type: ignore[call-overload]


# -- stripping -----------------------------------------------------------------------------
def has_debug_info(path: Path) -> bool:
    """True for an ELF file with a .debug_info section (read from its section headers)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(64)
            if head[:4] != b"\x7fELF" or head[4] != 2 or head[5] != 1:  # 64-bit little endian
                return False
            shoff = int.from_bytes(head[0x28:0x30], "little")
            shentsize = int.from_bytes(head[0x3A:0x3C], "little")
            shnum = int.from_bytes(head[0x3C:0x3E], "little")
            shstrndx = int.from_bytes(head[0x3E:0x40], "little")
            if not shoff or not shnum or shstrndx >= shnum:
                return False
            fh.seek(shoff)
            table = fh.read(shentsize * shnum)
            names_hdr = table[shstrndx * shentsize:(shstrndx + 1) * shentsize]
            names_off = int.from_bytes(names_hdr[0x18:0x20], "little")
            names_size = int.from_bytes(names_hdr[0x20:0x28], "little")
            fh.seek(names_off)
            names = fh.read(names_size)
            return b".debug_info\x00" in names
    except OSError:
        return False


def strip_debug(folder: Path) -> tuple[int, int]:
    """Strip files with debug information outside ``*.libs`` folders; (files, bytes saved)."""
    strip = shutil.which("strip")
    if strip is None:
        print("strip not found (Debian package binutils): nothing stripped")
        return 0, 0
    count = saved = 0
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        if any(part.endswith(cfg.NO_STRIP_PARTS) for part in path.relative_to(folder).parts):
            continue
        if not has_debug_info(path):
            continue
        before = path.stat().st_size
        subprocess.run([strip, "--strip-debug", str(path)], check=True)
        count += 1
        saved += before - path.stat().st_size
    return count, saved


# -- the system libraries' copyright files -----------------------------------------------------
def debian_copyrights(internal: Path) -> list[Path]:
    """The Debian copyright files of the system libraries PyInstaller took (VLC's)."""
    if shutil.which("dpkg") is None:
        return []
    libs = sorted(p.name for p in internal.glob("*.so*") if not p.name.startswith("libpython"))
    packages: set[str] = set()
    for name in libs:
        out = subprocess.run(["dpkg", "-S", f"/{name}"], capture_output=True, text=True)
        for line in out.stdout.splitlines():
            packages.add(line.split(":")[0])
    found = []
    for package in sorted(packages):
        path = Path("/usr/share/doc") / package / "copyright"
        if path.is_file():
            found.append(path)
    return found


def append_copyrights(notices: Path, files: list[Path]) -> None:
    if not files:
        return
    rule = "=" * 78
    with notices.open("a", encoding="utf-8") as fh:
        for path in files:
            fh.write(f"\n\n{rule}\nSystem library (Debian package {path.parent.name}): {path}\n"
                     f"{rule}\n{path.read_text(encoding='utf-8', errors='replace').strip()}\n")


# -- measuring ---------------------------------------------------------------------------------
PARTS = {  # part -> folders or file prefixes in _internal (first match wins)
    "PySide6 (Qt)": ("PySide6", "shiboken6"),
    "PyAV and FFmpeg": ("av", "av.libs"),
    "MediaPipe": ("mediapipe",),
    "numpy": ("numpy", "numpy.libs"),
    "SciPy": ("scipy", "scipy.libs"),
    "scikit-learn": ("sklearn", "scikit_learn.libs"),
    "pandas": ("pandas", "pandas.libs"),
    "pyarrow": ("pyarrow", "pyarrow.libs"),
    "jax and jaxlib": ("jax", "jaxlib", "jaxlib.libs", "ml_dtypes"),
    "OpenCV": ("cv2", "opencv_contrib_python.libs", "opencv_python.libs",
               "opencv_python_headless.libs"),
    "matplotlib": ("matplotlib", "matplotlib.libs", "contourpy", "kiwisolver", "fontTools"),
    "PIL": ("PIL", "pillow.libs"),
    "libVLC plugins": ("vlc",),
    "libVLC": ("libvlc.so", "libvlccore.so", "libvlc.dll", "libvlccore.dll"),
    "PostgreSQL client (psycopg; psycopg_binary and its libpq)": (
        "psycopg", "psycopg_binary", "psycopg_binary.libs"),
    "cryptography (keyring's Secret Service backend)": ("cryptography",),
    "Python": ("libpython*", "base_library.zip", "lib-dynload", "python3"),
    "the app and its resources": ("resources", "emosign_desktop"),
}


OTHER_LIBRARIES = "other shared libraries (system libraries: X11 and xcb, glib, SQLite, ...)"


def size_of(path: Path) -> int:
    if path.is_symlink():
        return 0
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def measure(bundle: Path) -> dict[str, int]:
    internal = bundle / "_internal" if (bundle / "_internal").is_dir() else bundle
    sizes: dict[str, int] = dict.fromkeys(PARTS, 0)
    sizes["other Python packages"] = 0
    sizes[OTHER_LIBRARIES] = 0
    for entry in internal.iterdir():
        part = next((p for p, names in PARTS.items()
                     if entry.name in names or any(entry.name.startswith(n + ".") or
                                                   entry.name.startswith(n + "-") or
                                                   (n.endswith(".so") and
                                                    entry.name.startswith(n)) or
                                                   (n.endswith("*") and
                                                    entry.name.startswith(n[:-1]))
                                                   for n in names)), None)
        if part is None:
            part = (OTHER_LIBRARIES
                    if ".so" in entry.name or entry.suffix in (".dll", ".dylib")
                    else "other Python packages")
        sizes[part] += size_of(entry)
    outside = sum(size_of(p) for p in bundle.iterdir() if p != internal)
    sizes["executables and notices"] = outside
    sizes = {k: v for k, v in sizes.items() if v}
    sizes["total"] = sum(sizes.values())
    return sizes


def report(sizes: dict[str, int]) -> str:
    width = max(len(k) for k in sizes)
    return "\n".join(f"  {k:<{width}}  {v / 1e6:8.1f} MB" for k, v in
                     sorted(sizes.items(), key=lambda kv: (kv[0] == "total", -kv[1])))


# -- the build ---------------------------------------------------------------------------------
def libpq_note() -> str | None:
    """Linux: the bundle's psycopg uses the system's libpq (psycopg_binary is left out);
    a note when this machine has none (its self-test's postgresql check would fail)."""
    import ctypes.util

    if not LINUX or ctypes.util.find_library("pq"):
        return None
    return ("note: this machine has no libpq (Debian and Ubuntu: apt-get install libpq5). "
            "The bundle uses the system's libpq for PostgreSQL projects: they, and its "
            "self-test's 'postgresql' check, fail here until it is installed (the .deb "
            "depends on libpq5)")


def build(dist: Path, work: Path, *, vlc: bool, naive: bool) -> Path:
    note = None if naive else libpq_note()
    if note:
        print(note, flush=True)
    inputs = work / "inputs"
    notices = inputs / "THIRD-PARTY-NOTICES.txt"
    vlc_docs = [Path("/usr/share/doc/libvlc5/copyright"),
                Path("/usr/share/doc/libvlccore9/copyright")] if vlc and LINUX else []
    run([sys.executable, str(HERE / "notices.py"), str(notices),
         *[a for p in vlc_docs if p.is_file() for a in ("--vlc-copyright", str(p))]])
    icons = work / "icons"
    run([sys.executable, str(HERE / "make_icons.py"), str(icons)])
    env = dict(os.environ, EMOSIGN_NOTICES=str(notices), EMOSIGN_ICONS=str(icons),
               EMOSIGN_BUNDLE_VLC="auto" if vlc else "no",
               EMOSIGN_BUNDLE_NAIVE="1" if naive else "0")
    env.pop("QT_QPA_PLATFORM", None)
    run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(dist), "--workpath", str(work / "pyinstaller"),
         str(HERE / "emosign-desktop.spec")], env=env, cwd=ROOT)
    bundle = dist / NAME
    if sys.platform == "darwin":
        return bundle
    internal = bundle / "_internal"
    if LINUX:
        if not naive:
            files, saved = strip_debug(bundle)
            print(f"stripped debug information from {files} files: {saved / 1e6:.1f} MB saved")
        append_copyrights(internal / "resources" / "THIRD-PARTY-NOTICES.txt",
                          debian_copyrights(internal) if vlc else [])
        link = bundle / "emosign"
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(NAME)
    shutil.copy2(internal / "resources" / "THIRD-PARTY-NOTICES.txt",
                 bundle / "THIRD-PARTY-NOTICES.txt")
    return bundle


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the EmoSign Desktop bundle.")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bundle")
    parser.add_argument("--no-vlc", action="store_true",
                        help="leave libVLC out even where it is installed")
    parser.add_argument("--naive", action="store_true",
                        help="no exclusions and no stripping (to measure what they save)")
    parser.add_argument("--measure-only", type=Path, metavar="BUNDLE",
                        help="measure an existing bundle folder and exit")
    args = parser.parse_args(argv)
    if args.measure_only:
        print(report(measure(args.measure_only)))
        return 0
    started = time.monotonic()
    bundle = build(args.dist.resolve(), args.work.resolve(), vlc=not args.no_vlc,
                   naive=args.naive)
    seconds = time.monotonic() - started
    sizes = measure(bundle)
    info = {"seconds": round(seconds, 1), "platform": sys.platform, "vlc": not args.no_vlc,
            "naive": args.naive, "bytes": sizes}
    (bundle.parent / f"{NAME}.sizes.json").write_text(json.dumps(info, indent=1))
    print(f"built {bundle} in {seconds:.0f} s:\n{report(sizes)}")
    note = None if args.naive else libpq_note()
    if note:
        print(note)
    total_mb = sizes["total"] / 1e6
    if total_mb > cfg.TARGET_BUNDLE_MB:
        print(f"note: {total_mb:.0f} MB is {total_mb - cfg.TARGET_BUNDLE_MB:.0f} MB over the "
              f"{cfg.TARGET_BUNDLE_MB} MB target (see BENCHMARKS.md, Bundle)")
    limit = cfg.MAX_BUNDLE_MB * 1e6
    if not args.naive and sizes["total"] > limit:
        print(f"the bundle is {sizes['total'] / 1e6:.0f} MB: more than "
              f"{cfg.MAX_BUNDLE_MB} MB", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
