"""Build the one-folder bundle: ``make bundle`` runs this.

    python packaging/build_bundle.py [--dist dist] [--naive] [--max-glibc 2.31]

``make bundle`` runs it inside a Debian 11 chroot (packaging/portable_bundle.sh), so that the
bundle needs glibc 2.31 and the system base alone; ``make bundle-host`` runs it here.

1. collects the licence notices (packaging/notices.py) and makes the icons
   (packaging/make_icons.py);
2. runs PyInstaller on packaging/emosign-desktop.spec (output dist/emosign-desktop, work
   files in build/pyinstaller);
3. on Linux: strips the debug information from the files that carry it, except in ``*.libs/``
   folders (PyInstaller's --strip breaks SciPy's OpenBLAS), adds the Debian copyright files
   of the system libraries the bundle carries, and links ``emosign`` to the executable (it
   chooses the command line by that name);
4. measures the bundle, part by part, into dist/emosign-desktop.sizes.json and prints it.
Exits 1 if the bundle is larger than bundle_config.MAX_BUNDLE_MB (the ceiling), if a file in
it needs a library that is neither inside nor in the system base (bundle_config.SYSTEM_BASE),
or (``--max-glibc``) if one asks for a newer glibc; says how far it is over
bundle_config.TARGET_BUNDLE_MB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
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


def strip_debug(folder: Path, *, symbols: bool = False) -> tuple[int, int]:
    """Strip files with debug information outside ``*.libs`` folders, and with ``symbols``
    also the symbol tables of the shared objects there (``--strip-unneeded``: what the
    dynamic linker uses stays; 21 MB of the bundle); (files made smaller, bytes saved).  The
    executables are never stripped of more than debug information (PyInstaller's archive
    follows the bootloader)."""
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
        shared = symbols and ".so" in path.name and is_elf(path)
        if not shared and not has_debug_info(path):
            continue
        before = path.stat().st_size
        subprocess.run([strip, "--strip-unneeded" if shared else "--strip-debug", str(path)],
                       check=True)
        if path.stat().st_size < before:
            count += 1
            saved += before - path.stat().st_size
    return count, saved


# -- what the bundle needs from the system -----------------------------------------------------
def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(4) == b"\x7fELF"
    except OSError:
        return False


def elf_files(folder: Path) -> list[Path]:
    """The ELF files (executables, libraries, extension modules) in ``folder``."""
    return [p for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_symlink() and is_elf(p)]


def _readelf(args: list[str], path: Path) -> str:
    return subprocess.run(["readelf", "--wide", *args, str(path)], capture_output=True,
                          text=True, check=False).stdout


def elf_needed(path: Path) -> list[str]:
    """The sonames ``path`` names as DT_NEEDED (readelf -d)."""
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", _readelf(["-d"], path))


def glibc_versions(path: Path) -> set[tuple[int, ...]]:
    """The GLIBC_x.y symbol versions ``path`` asks for (readelf -V, its version needs)."""
    text = _readelf(["-V"], path)
    needs = text.split(".gnu.version_r", 1)[1] if ".gnu.version_r" in text else ""
    return {tuple(int(n) for n in v.split(".")) for v in
            re.findall(r"Name: GLIBC_([0-9]+(?:\.[0-9]+)+)", needs)}


def system_needs(bundle: Path) -> tuple[dict[str, list[str]], tuple[int, ...]]:
    """({soname the bundle needs from outside it: files needing it}, newest glibc asked)."""
    files = elf_files(bundle)
    inside = {p.name for p in bundle.rglob("*")}
    needs: dict[str, list[str]] = {}
    newest: tuple[int, ...] = (0,)
    for path in files:
        for name in elf_needed(path):
            if name not in inside:
                needs.setdefault(name, []).append(path.relative_to(bundle).as_posix())
        newest = max([newest, *glibc_versions(path)])
    return needs, newest


def check_self_contained(bundle: Path, max_glibc: tuple[int, ...] | None) -> list[str]:
    """The problems: libraries needed from outside the system base, a glibc too new."""
    needs, newest = system_needs(bundle)
    problems = [f"{name} (needed by {', '.join(users[:3])}) is neither in the bundle nor in "
                f"the system base (bundle_config.SYSTEM_BASE)"
                for name, users in sorted(needs.items()) if name not in cfg.SYSTEM_BASE]
    glibc = ".".join(map(str, newest))
    packages = sorted({cfg.SYSTEM_BASE[n].package for n in needs if n in cfg.SYSTEM_BASE})
    print(f"the bundle needs from the system: glibc {glibc} and {len(needs)} base libraries "
          f"({', '.join(packages)})")
    if max_glibc is not None and newest > max_glibc:
        problems.append(f"a file asks for glibc {glibc}, newer than "
                        f"{'.'.join(map(str, max_glibc))}")
    return problems


# -- stubs ---------------------------------------------------------------------------------
def _dyn_symbols(path: Path) -> list[tuple[str, str, int, bool]]:
    """(name, type, size, defined) of ``path``'s dynamic symbols (readelf --dyn-syms)."""
    out = []
    for line in _readelf(["--dyn-syms"], path).splitlines():
        parts = line.split()
        if len(parts) < 8 or not parts[0].rstrip(":").isdigit():
            continue
        _num, _value, size, kind, bind, _vis, ndx, name = parts[:8]
        if bind not in ("GLOBAL", "WEAK") or not name:
            continue
        size_n = int(size, 16) if size.startswith("0x") else int(size)
        out.append((name, kind, size_n, ndx != "UND"))
    return out


def stub_source(real: Path, users: list[Path]) -> tuple[str, str]:
    """(C source, version script) of a stub for ``real``: the symbols ``users`` take from
    it, functions that return 0 and zeroed data of the same size, under the same symbol
    versions (an empty script where it has none)."""
    defined: dict[str, tuple[str, int, str]] = {}
    for name, kind, size, is_defined in _dyn_symbols(real):
        if not is_defined:
            continue
        base, _sep, version = name.partition("@")
        version = version.lstrip("@")
        if base not in defined or "@@" in name:
            defined[base] = (kind, size, version)
    wanted = sorted({n.split("@")[0] for user in users
                     for n, _k, _size, d in _dyn_symbols(user) if not d} & set(defined))
    lines = [f"/* A stub of {real.name} (see packaging/bundle_config.py, STUBS). */"]
    versions: dict[str, list[str]] = {}
    for name in wanted:
        kind, size, version = defined[name]
        if kind == "OBJECT":
            lines.append(f"unsigned char {name}[{max(size, 1)}];")
        else:
            lines.append(f"void *{name}(void) {{ return 0; }}")
        if version:
            versions.setdefault(version, []).append(name)
    script = "".join(f"{v} {{ global: {'; '.join(names)};{' local: *;' if i == 0 else ''} }};\n"
                     for i, (v, names) in enumerate(sorted(versions.items())))
    return "\n".join(lines) + "\n", script


def stub_libraries(libs: Path, work: Path) -> list[tuple[str, int, int]]:
    """Replace the libraries ``bundle_config.STUBS`` names in ``libs`` (av.libs) by stubs,
    then remove the libraries there that nothing in the bundle needs any more; [(file,
    bytes before, bytes after: 0 when removed)]."""
    gcc = shutil.which("gcc") or shutil.which("cc")
    if gcc is None or not libs.is_dir():
        print("no C compiler (Debian: build-essential) or no av.libs: nothing stubbed")
        return []
    work.mkdir(parents=True, exist_ok=True)
    done = []
    for prefix in cfg.STUBS:
        found = sorted(libs.glob(prefix + "*"))
        if not found:
            continue
        real = found[0]
        users = [p for p in elf_files(libs.parent) if p != real and real.name in elf_needed(p)]
        soname = re.findall(r"\(SONAME\)\s+Library soname: \[([^\]]+)\]",
                            _readelf(["-d"], real))
        source, script = stub_source(real, users)
        c_file = work / f"{real.name}.stub.c"
        c_file.write_text(source, encoding="utf-8")
        args = [gcc, "-shared", "-fPIC", "-O2", "-s", "-o", str(work / real.name), str(c_file),
                f"-Wl,-soname,{soname[0] if soname else real.name}"]
        if script:
            map_file = work / f"{real.name}.map"
            map_file.write_text(script, encoding="utf-8")
            args.append(f"-Wl,--version-script={map_file}")
        subprocess.run(args, check=True)
        before = real.stat().st_size
        shutil.copyfile(work / real.name, real)
        done.append((real.name, before, real.stat().st_size))
    while True:  # what only the stubbed libraries needed
        needed = {n for p in elf_files(libs.parent.parent if libs.parent.name == "_internal"
                                       else libs.parent) for n in elf_needed(p)}
        orphans = [p for p in sorted(libs.iterdir()) if p.is_file() and p.name not in needed]
        if not orphans:
            break
        for path in orphans:
            done.append((path.name, path.stat().st_size, 0))
            path.unlink()
    for link in libs.parent.iterdir():  # PyInstaller's links to them, at the top
        if link.is_symlink() and not link.exists():
            link.unlink()
    return done


# -- the system libraries' copyright files -----------------------------------------------------
def debian_copyrights(internal: Path) -> list[Path]:
    """The Debian copyright files of the system libraries the bundle carries."""
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


OTHER_LIBRARIES = ("other shared libraries (Debian 11's OpenSSL 1.1, SQLite, libffi, xcb "
                   "utilities, ...)")


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
def build(dist: Path, work: Path, *, naive: bool) -> Path:
    inputs = work / "inputs"
    notices = inputs / "THIRD-PARTY-NOTICES.txt"
    run([sys.executable, str(HERE / "notices.py"), str(notices)])
    icons = work / "icons"
    run([sys.executable, str(HERE / "make_icons.py"), str(icons)])
    env = dict(os.environ, EMOSIGN_NOTICES=str(notices), EMOSIGN_ICONS=str(icons),
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
            for name, before, after in stub_libraries(internal / "av.libs", work / "stubs"):
                print(f"{name}: a stub of {after / 1e3:.0f} kB instead of {before / 1e6:.1f} MB"
                      if after else f"{name}: removed ({before / 1e6:.1f} MB), only stubs "
                      f"needed it")
            files, saved = strip_debug(bundle, symbols=True)
            print(f"stripped debug information and shared objects' symbol tables from {files} "
                  f"files: {saved / 1e6:.1f} MB saved")
        append_copyrights(internal / "resources" / "THIRD-PARTY-NOTICES.txt",
                          debian_copyrights(internal))
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
    parser.add_argument("--max-glibc", metavar="X.Y",
                        help="fail if a file in the bundle asks for a newer glibc (Linux)")
    parser.add_argument("--naive", action="store_true",
                        help="no exclusions and no stripping (to measure what they save)")
    parser.add_argument("--measure-only", type=Path, metavar="BUNDLE",
                        help="measure an existing bundle folder and exit")
    args = parser.parse_args(argv)
    if args.measure_only:
        print(report(measure(args.measure_only)))
        return 0
    started = time.monotonic()
    bundle = build(args.dist.resolve(), args.work.resolve(), naive=args.naive)
    seconds = time.monotonic() - started
    sizes = measure(bundle)
    info = {"seconds": round(seconds, 1), "platform": sys.platform, "naive": args.naive,
            "built_on": platform.platform(), "bytes": sizes}
    (bundle.parent / f"{NAME}.sizes.json").write_text(json.dumps(info, indent=1))
    print(f"built {bundle} in {seconds:.0f} s:\n{report(sizes)}")
    problems: list[str] = []
    if LINUX and not args.naive:
        floor = tuple(int(n) for n in args.max_glibc.split(".")) if args.max_glibc else None
        problems = check_self_contained(bundle, floor)
    total_mb = sizes["total"] / 1e6
    if total_mb > cfg.TARGET_BUNDLE_MB:
        print(f"note: {total_mb:.0f} MB is {total_mb - cfg.TARGET_BUNDLE_MB:.0f} MB over the "
              f"{cfg.TARGET_BUNDLE_MB} MB target (see BENCHMARKS.md, Bundle)")
    limit = cfg.MAX_BUNDLE_MB * 1e6
    if not args.naive and sizes["total"] > limit:
        print(f"the bundle is {sizes['total'] / 1e6:.0f} MB: more than "
              f"{cfg.MAX_BUNDLE_MB} MB", file=sys.stderr)
        return 1
    for problem in problems:
        print(f"not self-contained: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
