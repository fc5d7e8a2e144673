"""Prove that the installers' inputs exist: every runtime dependency, at the version
constraints.txt pins, has a wheel for each platform an installer is built on.

    python packaging/check_wheels.py [--only NAME ...] [--reports DIR]

For each target below, pip resolves the runtime dependencies of pyproject.toml (and the
``bundle`` extra: PyInstaller) with the project's pins, wheels only, for that platform and
Python 3.11, the version the recipes use:

    pip install --dry-run --ignore-installed --report FILE --only-binary=:all:
        --platform TAG ... --python-version 3.11 --implementation cp -c constraints.txt REQ ...

(--dry-run resolves from the wheels' metadata, which PyPI serves apart from the wheels
(PEP 658): nothing is downloaded but the metadata).  A target may lay its own pins over
constraints.txt (``overlay``): the Linux bundle's older Qt for glibc 2.31, Intel Macs'
jax/jaxlib.  A target that does not resolve, or resolves to a version other than the pin or
to a package constraints.txt does not pin, fails the run (exit 1).  The pip reports are
written to ``--reports`` (default build/check-wheels).  pip's configuration files are not
read (this machine's local wheel folders would hide what PyPI lacks); its certificate
setting is kept.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = "3.11"


def _manylinux(max_minor: int) -> tuple[str, ...]:
    """Every manylinux tag a system with glibc 2.``max_minor`` takes (pip does not widen
    --platform manylinux_2_N to the older ones itself)."""
    return (*(f"manylinux_2_{n}_x86_64" for n in range(max_minor, 4, -1)),
            "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64",
            "linux_x86_64")


@dataclass(frozen=True)
class Target:
    """A platform an installer is built on."""

    name: str
    platforms: tuple[str, ...]
    overlay: str | None = None  # pins laid over constraints.txt (a file in packaging/)
    note: str = ""


#: macOS: pip widens macosx_X_Y_ARCH to the older macOS versions and universal2 itself.  The
#: floor is macOS 14: PyAV 18.1's arm64 wheel is macosx_14_0 (PySide6 6.11 needs 13);
#: the .app says so (LSMinimumSystemVersion in the spec).
TARGETS: tuple[Target, ...] = (
    Target("windows-x86_64", ("win_amd64",), note="Inno Setup installer (.github workflow)"),
    Target("macos-arm64", ("macosx_14_0_arm64",), note="the .app and .dmg (.github workflow)"),
    Target("macos-x86_64", ("macosx_14_0_x86_64",), overlay="constraints-macos-x86_64.txt",
           note="Intel Macs: jax/jaxlib pinned back (constraints-macos-x86_64.txt)"),
    Target("linux-bundle", _manylinux(31), overlay="constraints-linux-bundle.txt",
           note="the Linux bundle, built on Debian 11 for glibc >= 2.31"),
)


#: Installed by pip's resolution but never pinned (``pip freeze``, which made constraints.txt,
#: leaves them out): PyInstaller needs setuptools.
UNPINNED_OK = frozenset({"setuptools", "pip", "wheel"})


def requirements() -> list[str]:
    """pyproject.toml's runtime dependencies and the bundle extra (PyInstaller)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["bundle"]]


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, tuple[str, str]]:
    """{canonical name: (line, version)} of ``name==version`` lines."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        m = re.match(r"^([A-Za-z0-9_.\-]+)\s*==\s*([^\s;]+)", line)
        if m:
            found[canonical(m.group(1))] = (line, m.group(2))
    return found


def merged_constraints(target: Target, out: Path) -> dict[str, str]:
    """constraints.txt with the target's overlay laid over it, written to ``out``;
    {canonical name: pinned version}."""
    base = pins(ROOT / "constraints.txt")
    if target.overlay:
        base.update(pins(HERE / target.overlay))
    out.write_text("\n".join(line for line, _ in base.values()) + "\n", encoding="utf-8")
    return {name: version for name, (_line, version) in base.items()}


def pip_environment() -> tuple[dict[str, str], list[str]]:
    """pip without this machine's configuration files (local wheel folders), keeping the
    certificate it trusts; (environment, extra arguments)."""
    cert = os.environ.get("PIP_CERT")
    if not cert:
        out = subprocess.run([sys.executable, "-m", "pip", "config", "get", "global.cert"],
                             capture_output=True, text=True, check=False).stdout.strip()
        cert = out or None
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1",
               PIP_DEFAULT_TIMEOUT=os.environ.get("PIP_DEFAULT_TIMEOUT", "60"))
    return env, (["--cert", cert] if cert and Path(cert).is_file() else [])


@dataclass
class Result:
    target: Target
    ok: bool
    seconds: float
    wheels: list[str]
    problems: list[str]


def check(target: Target, reports: Path) -> Result:
    reports.mkdir(parents=True, exist_ok=True)
    constraints = reports / f"{target.name}.constraints.txt"
    pinned = merged_constraints(target, constraints)
    report = reports / f"{target.name}.json"
    report.unlink(missing_ok=True)
    env, extra = pip_environment()
    cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed",
           "--quiet", "--report", str(report), "--only-binary=:all:",
           *(a for tag in target.platforms for a in ("--platform", tag)),
           "--python-version", PYTHON, "--implementation", "cp",
           "--index-url", "https://pypi.org/simple", *extra, "-c", str(constraints),
           *requirements()]
    started = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    seconds = time.monotonic() - started
    if done.returncode != 0 or not report.is_file():
        lines = [ln for ln in (done.stderr + done.stdout).splitlines()
                 if ln.startswith(("ERROR", "    ")) or "conflict" in ln]
        return Result(target, False, seconds, [], lines[:12] or [done.stderr[-800:]])
    installs = json.loads(report.read_text(encoding="utf-8"))["install"]
    wheels, problems = [], []
    for item in installs:
        name = canonical(item["metadata"]["name"])
        version = item["metadata"]["version"]
        url = item["download_info"]["url"]
        wheel = url.rsplit("/", 1)[-1]
        wheels.append(wheel)
        if not wheel.endswith(".whl"):
            problems.append(f"{name} {version}: not a wheel ({wheel})")
        if name in pinned and pinned[name] != version:
            problems.append(f"{name}: resolved {version}, pinned {pinned[name]}")
        elif name not in pinned and name not in UNPINNED_OK:
            problems.append(f"{name} {version}: not pinned in constraints.txt")
    return Result(target, not problems, seconds, sorted(wheels), problems)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=[t.name for t in TARGETS])
    parser.add_argument("--reports", type=Path, default=ROOT / "build" / "check-wheels")
    parser.add_argument("--list", action="store_true", help="print every wheel resolved")
    args = parser.parse_args(argv)
    failed = []
    started = time.monotonic()
    for target in TARGETS:
        if args.only and target.name not in args.only:
            continue
        result = check(target, args.reports)
        if result.ok:
            print(f"ok   {target.name}: {len(result.wheels)} wheels for "
                  f"{target.platforms[0]}, Python {PYTHON} ({result.seconds:.0f} s); "
                  f"{target.note}")
            if args.list:
                print("\n".join(f"       {w}" for w in result.wheels))
        else:
            failed.append(target.name)
            print(f"FAIL {target.name} ({target.platforms[0]}, Python {PYTHON}):")
            print("\n".join(f"       {p}" for p in result.problems))
    total = time.monotonic() - started
    if failed:
        print(f"check_wheels FAILED: {', '.join(failed)} ({total:.0f} s)")
        return 1
    print(f"check_wheels passed ({total:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
