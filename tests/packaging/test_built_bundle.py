"""The built bundle (``make bundle``): skipped when dist/ has none.

``.ci/run`` builds it after ``make test`` and runs these.  The self-test inside the bundle
is what justifies each exclusion: every check an exclusion names must pass there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.helpers import BUNDLE, EXECUTABLE, load

pytestmark = pytest.mark.skipif(
    not EXECUTABLE.is_file(),
    reason="no bundle in dist/emosign-desktop: run 'make bundle' first (.ci/run does)")

config = load("bundle_config")
INTERNAL = BUNDLE / "_internal"


def _env() -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp"), "LANG": "C.UTF-8",
            "QT_QPA_PLATFORM": "offscreen",
            **{k: v for k, v in os.environ.items() if k.startswith("EMOSIGN_")}}


@pytest.fixture(scope="module")
def self_test() -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EXECUTABLE), "--self-test"], env=_env(), capture_output=True,
                          text=True, timeout=600)


def test_the_bundle_fits_in_the_size_it_must(tmp_path):
    build = load("build_bundle")
    sizes = build.measure(BUNDLE)
    assert sizes["total"] <= config.MAX_BUNDLE_MB * 1e6, build.report(sizes)


def test_both_entry_points_are_executables_in_the_folder():
    for name, prog in (("emosign-desktop", "emosign-desktop"), ("emosign", "emosign")):
        path = BUNDLE / name
        assert os.access(path, os.X_OK)
        out = subprocess.run([str(path), "--version"], env=_env(), capture_output=True,
                             text=True, timeout=120)
        assert out.returncode == 0 and out.stdout.startswith(f"{prog} "), out


def test_the_command_line_works_inside_the_bundle(tmp_path):
    emosign = BUNDLE / "emosign"
    env = _env()
    subprocess.run([str(emosign), "init", str(tmp_path / "p")], env=env, check=True,
                   capture_output=True, timeout=120)
    info = subprocess.run([str(emosign), "info", str(tmp_path / "p"), "--json"], env=env,
                          capture_output=True, text=True, check=True, timeout=120)
    assert json.loads(info.stdout)["videos"] == [] or "videos" in info.stdout


def test_resources_models_and_notices_are_inside():
    resources = INTERNAL / "resources"
    demo = resources / "demo"
    assert list(demo.glob("*.csv")) and list(demo.glob("*.jsonl"))
    assert (demo / "NOTICE.md").is_file() and len(list(demo.glob("*.mp4"))) == 4
    notices = (resources / "THIRD-PARTY-NOTICES.txt").read_text(encoding="utf-8")
    assert "LGPL" in notices and "Apache License" in notices and "NOTICE.md" in notices
    assert (BUNDLE / "THIRD-PARTY-NOTICES.txt").is_file()
    mediapipe = INTERNAL / "mediapipe"
    models = sorted(p.relative_to(mediapipe).as_posix() for p in mediapipe.rglob("*")
                    if p.suffix in (".tflite", ".binarypb", ".txt"))
    assert models == sorted(config.HOLISTIC_MODELS)
    assert list((INTERNAL / "PySide6" / "Qt" / "plugins" / "platforms").glob("*offscreen*"))
    assert list((INTERNAL / "av.libs").glob("libavcodec*"))


def test_every_python_distribution_inside_has_its_licence_in_the_notices():
    from importlib.metadata import packages_distributions

    from PyInstaller.archive.readers import CArchiveReader

    archive = CArchiveReader(str(EXECUTABLE)).open_embedded_archive("PYZ.pyz")
    tops = {name.split(".")[0] for name in archive.toc}
    tops |= {p.name.split(".")[0].split("-")[0] for p in INTERNAL.iterdir()}
    owners = packages_distributions()
    inside = {d for top in tops for d in owners.get(top, ())} - {"emosign-desktop"}
    listed = {d.lower().replace("-", "_") for d in config.NOTICE_DISTRIBUTIONS}
    missing = sorted(d for d in inside if d.lower().replace("-", "_") not in listed)
    assert not missing, f"add to bundle_config.NOTICE_DISTRIBUTIONS: {missing}"


def test_what_is_excluded_is_not_inside():
    for exclusion in config.EXCLUDES:
        if not exclusion.applies(sys.platform):
            continue
        top = exclusion.module.split(".")[0]
        path = INTERNAL / Path(*exclusion.module.split("."))
        if top in ("PySide6", "mediapipe", "scipy", "pyqtgraph"):
            assert not path.exists() and not path.with_suffix(".abi3.so").exists(), exclusion
        else:
            assert not (INTERNAL / top).exists(), exclusion
            assert not (INTERNAL / f"{top}.libs").exists(), exclusion


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux bundle")
def test_what_is_left_to_the_system_is_not_inside():
    for name in config.LEFT_TO_THE_SYSTEM:
        assert not (INTERNAL / name).exists(), name


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux bundle")
def test_what_qt_leaves_out_is_not_inside():
    qt = INTERNAL / "PySide6" / "Qt"
    plugins = qt / "plugins"
    for prefix in config.QT_PLUGINS_LEFT_OUT:
        folder, _, start = prefix.rpartition("/")
        assert not list((plugins / folder).glob(f"{start}*")) if start else \
            not (plugins / folder).exists(), prefix
    for name in config.QT_DATA_LEFT_OUT:
        assert not (qt / name).exists(), name
    # the libraries only the plugins and modules left out need, and the links to them
    for lib in ("libQt6Network.so.6", "libQt6WaylandClient.so.6",
                "libQt6EglFSDeviceIntegration.so.6"):
        assert not (qt / "lib" / lib).exists() and not (INTERNAL / lib).is_symlink(), lib
    for kept in ("libQt6Core.so.6", "libQt6Gui.so.6", "libQt6OpenGL.so.6",
                 "libQt6XcbQpa.so.6", "libQt6DBus.so.6"):
        assert (qt / "lib" / kept).is_file(), kept
    assert list((qt / "lib").glob("libicudata.so.*"))
    assert not [p for p in INTERNAL.iterdir() if p.is_symlink() and not p.exists()]


def test_libvlc_and_its_plugins_are_inside_where_the_build_machine_has_them():
    system = Path("/usr/lib/x86_64-linux-gnu/libvlc.so.5")
    if not system.exists():
        assert not (INTERNAL / "libvlc.so.5").exists()
        pytest.skip("libVLC is not installed on this machine: the bundle plays with PyAV")
    assert (INTERNAL / "libvlc.so.5").is_file() and (INTERNAL / "libvlccore.so.9").is_file()
    for folder, names in config.VLC_PLUGINS.items():
        for name in names:
            assert (INTERNAL / "vlc" / "plugins" / folder / f"lib{name}_plugin.so").is_file()


def test_the_self_test_passes_inside_the_bundle(self_test):
    assert self_test.returncode == 0, self_test.stdout + self_test.stderr[-3000:]
    assert "self-test (bundle, linux" in self_test.stdout


def test_every_exclusion_is_justified_by_a_check_that_passed_inside(self_test):
    passed = {line.split(":")[0].split()[-1] for line in self_test.stdout.splitlines()
              if line.startswith("ok ")}
    for exclusion in config.EXCLUDES:
        if exclusion.applies(sys.platform):
            assert set(exclusion.checks) <= passed, (exclusion, self_test.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux bundle")
def test_vlc_plays_inside_the_bundle_where_the_system_has_its_codecs(self_test):
    needs = INTERNAL / "vlc" / "needs.txt"
    if not (INTERNAL / "libvlc.so.5").exists():
        pytest.skip("no libVLC in this bundle")
    line = next(ln for ln in self_test.stdout.splitlines() if "playback-vlc" in ln)
    assert line.startswith("ok   playback-vlc: VLC: played one second"), line
    assert needs.is_file()
