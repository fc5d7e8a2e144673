"""Extraction: row i belongs to frame i, the cache, resuming after a kill, the CLI."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import emosign_desktop.landmarks.extract as extract_module
from emosign_desktop.landmarks.extract import extract
from emosign_desktop.landmarks.track import cache_path, load_cached
from emosign_desktop.media.fingerprint import fingerprint
from emosign_desktop.resources import resource_dir
from tests.media.clips import SPECS, decode_index, make_clip

DEMO_CLIP = resource_dir() / "demo" / "pose_test_video.mp4"


class FakeHolistic:
    """Stands in for MediaPipe: 'finds' a face whose x is the frame's own encoded index."""

    calls = 0
    rotation = 0  # of the clip: the picture is shown rotated

    def __init__(self, **_kwargs) -> None:
        pass

    def process(self, rgb: np.ndarray):
        FakeHolistic.calls += 1
        index = decode_index(rgb, FakeHolistic.rotation)  # the picture says which frame
        point = SimpleNamespace(x=index / 1000, y=0.5, z=0.0, visibility=1.0)
        face = SimpleNamespace(landmark=[point] * 478)
        return SimpleNamespace(face_landmarks=face, left_hand_landmarks=None,
                               right_hand_landmarks=None, pose_landmarks=None)

    def close(self) -> None:
        pass


@pytest.fixture
def fake_model(monkeypatch):
    import mediapipe as mp

    FakeHolistic.calls = 0
    monkeypatch.setattr(FakeHolistic, "rotation", 0)
    monkeypatch.setattr(mp.solutions.holistic, "Holistic", FakeHolistic)
    return FakeHolistic


@pytest.mark.parametrize("kind", ["h264_vfr", "h264_long_gop_bframes", "h264_nonzero_start",
                                  "vp9_webm", "h264_rotated_90"])
def test_row_i_is_frame_i(tmp_path, fake_model, monkeypatch, kind):
    spec = SPECS[kind]
    clip = make_clip(spec, tmp_path)
    monkeypatch.setattr(FakeHolistic, "rotation", spec.rotation % 360)
    track = extract(clip)
    assert track.frame_count == spec.frames
    rows = np.round(track.face[:, 0, 0] * 1000).astype(int)
    assert rows.tolist() == list(range(spec.frames))


def test_cached_track_is_reused_and_compact(tmp_path, fake_model):
    clip = make_clip(SPECS["h264_29.97"], tmp_path)
    extract(clip)
    calls = fake_model.calls
    again = extract(clip)
    assert fake_model.calls == calls  # nothing recomputed
    path = cache_path(fingerprint(clip))
    assert path.stat().st_size < 60 * 478 * 3 * 2  # float16, compressed
    cached = load_cached(fingerprint(clip))
    assert np.allclose(cached.face, again.face, equal_nan=True, atol=1e-3)
    assert set(cached.edges) >= {"face_oval", "face_lips", "hand", "pose", "face_mesh"}


def test_a_killed_run_resumes_from_its_checkpoint(tmp_path, fake_model, monkeypatch):
    clip = make_clip(SPECS["h264_60fps"], tmp_path)
    monkeypatch.setattr(extract_module, "CHECKPOINT_FRAMES", 10)

    def killed(done: int, _total: int) -> None:
        if done == 35:
            raise KeyboardInterrupt  # as good as a kill for the file on disk

    with pytest.raises(KeyboardInterrupt):
        extract(clip, progress=killed)
    assert load_cached(fingerprint(clip)) is None  # not complete
    fake_model.calls = 0
    track = extract(clip)
    assert fake_model.calls == 90 - 30  # resumed after the checkpoint at frame 30
    rows = np.round(track.face[:, 0, 0] * 1000).astype(int)
    assert rows.tolist() == list(range(90))


@pytest.fixture(scope="module")
def demo_track(tmp_path_factory):
    """Real MediaPipe on a real clip of a signer (58 frames, about 5 s)."""
    import os

    os.environ["EMOSIGN_CACHE_DIR"] = str(tmp_path_factory.mktemp("lmcache"))
    try:
        return extract(DEMO_CLIP)
    finally:
        del os.environ["EMOSIGN_CACHE_DIR"]


@pytest.mark.slow  # the real MediaPipe model
def test_real_model_finds_the_signer(demo_track):
    assert demo_track.frame_count == 58
    assert demo_track.present("face").all()
    assert demo_track.present("pose").all()
    assert demo_track.present("right_hand").sum() + demo_track.present("left_hand").sum() > 5


@pytest.mark.slow  # the real MediaPipe model
def test_drawn_face_points_fall_on_the_face(demo_track, qtbot):
    """The overlay's face points, mapped back to the picture, lie inside the face that an
    independent detector (OpenCV's Haar cascade) finds in the same frame."""
    import cv2

    from emosign_desktop.services.review_session import ReviewSession
    from emosign_desktop.ui.player.overlay import LandmarkOverlay
    from emosign_desktop.ui.player.player_widget import PlayerWidget

    player = PlayerWidget(ReviewSession(), cache_mb=32)
    qtbot.addWidget(player)
    player.resize(700, 600)
    player.show()
    player.open(DEMO_CLIP)
    overlay = LandmarkOverlay()
    overlay.track = demo_track
    player.view.overlays.append(overlay)
    detector = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
    checked = 0
    for frame in (0, 20, 40):
        player.playhead.seek(frame)
        rgb = np.ascontiguousarray(player.view.rgb())
        grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        faces = detector.detectMultiScale(grey, 1.1, 5, minSize=(80, 80))
        if len(faces) == 0:
            continue
        x, y, w, h = max(faces, key=lambda f: f[2] * f[3])
        rect = player.view.image_rect()
        pts = overlay.points_in(rect, frame, "face_lips")
        px = (pts[:, 0] - rect.x()) / rect.width() * rgb.shape[1]
        py = (pts[:, 1] - rect.y()) / rect.height() * rgb.shape[0]
        inside = (px >= x) & (px <= x + w) & (py >= y) & (py <= y + h)
        assert inside.mean() > 0.95, f"frame {frame}: lips drawn off the face"
        checked += 1
        player.view.grab()  # paints, overlay included, without error
    assert checked >= 2
    player.close_media()


@pytest.mark.slow  # the real MediaPipe model, through the command line
def test_cli_landmarks_and_signals(tmp_path):
    env_cache = tmp_path / "cache"
    folder = tmp_path / "p"
    shutil.copytree(resource_dir() / "demo", tmp_path / "clips")
    broken = tmp_path / "clips" / "broken.mp4"
    small = tmp_path / "clips" / "pose_sample_video.mp4"

    def emosign(*args: object) -> subprocess.CompletedProcess[str]:
        import os

        env = dict(os.environ, EMOSIGN_CACHE_DIR=str(env_cache))
        return subprocess.run([sys.executable, "-m", "emosign_desktop", *map(str, args)],
                              capture_output=True, text=True, timeout=600, env=env)

    assert emosign("init", folder).returncode == 0
    assert emosign("add", folder, small, tmp_path / "clips" / "signbank_ns_1m.mp4").returncode == 0
    Path(broken).write_bytes(small.read_bytes())
    assert emosign("add", folder, broken, "--allow-duplicate").returncode == 0
    broken.write_text("damaged after it was added")
    r = emosign("landmarks", folder, "--workers", "2")
    assert r.returncode == 2
    assert "pose_sample_video: landmarks done" in r.stdout
    assert "signbank_ns_1m: landmarks done" in r.stdout
    assert "broken: the media file changed since it was added" in r.stderr
    assert "frames/s" in r.stderr
    r = emosign("landmarks", folder, "--video", "pose_sample_video")
    assert r.returncode == 0 and "already cached" in r.stdout
    out = tmp_path / "s.csv"
    r = emosign("signals", folder, "pose_sample_video", "-o", out)
    assert r.returncode == 0, r.stderr
    rows = list(csv.reader(out.open()))
    assert rows[0][:3] == ["frame", "time_s", "brow_raise_left"] and len(rows) == 10
    assert rows[1][0] == "0" and rows[2][1] == f"{1 / 24:.6f}"
    assert rows[1][2] != ""  # the face was found
    assert emosign("add", folder, tmp_path / "clips" / "signbank_ns_011-019.mp4").returncode == 0
    r = emosign("signals", folder, "signbank_ns_011-019", "-o", out)
    assert r.returncode == 2 and "no landmarks yet" in r.stderr
