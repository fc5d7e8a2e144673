"""Extraction: row i belongs to frame i (Holistic's points and FaceLandmarker's blendshapes
and matrix alike), the cache, resuming after a kill, earlier versions' caches, the CLI."""

from __future__ import annotations

import csv
import itertools
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import ClassVar

import numpy as np
import pytest

import emosign_desktop.landmarks.extract as extract_module
from emosign_desktop.landmarks.extract import extract
from emosign_desktop.landmarks.track import BLENDSHAPES, cache_path, load_cached
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


def no_face(index: int) -> bool:
    """The frames where the stand-in face landmarker finds no face."""
    return index % 7 == 3


def face_scores(index: int) -> np.ndarray:
    """The stand-in's 52 blendshape scores on frame ``index``: they say which frame."""
    return (index / 1000 + np.arange(len(BLENDSHAPES)) / 1e5).astype(np.float32)


class FakeFaceLandmarker:
    """Stands in for MediaPipe's FaceLandmarker (VIDEO mode): blendshapes and a matrix that
    encode the index the picture shows (no face on :func:`no_face` frames); it keeps the
    timestamps it was given and whether it was closed."""

    made: ClassVar[list[FakeFaceLandmarker]] = []
    rotation = 0

    def __init__(self) -> None:
        self.stamps: list[int] = []
        self.indices: list[int] = []
        self.closed = False
        FakeFaceLandmarker.made.append(self)

    def detect_for_video(self, image, timestamp_ms: int):
        assert not self.closed
        rgb = image.numpy_view()
        assert rgb.ndim == 3 and rgb.shape[2] == 3  # SRGB, as Holistic gets it
        index = decode_index(rgb, FakeFaceLandmarker.rotation)
        self.stamps.append(timestamp_ms)
        self.indices.append(index)
        if no_face(index):
            return SimpleNamespace(face_blendshapes=[], facial_transformation_matrixes=[])
        matrix = np.eye(4)
        matrix[2, 3] = -index  # a translation (cm): says which frame
        return SimpleNamespace(
            face_blendshapes=[[SimpleNamespace(score=float(v), category_name=name)
                               for v, name in zip(face_scores(index), BLENDSHAPES, strict=True)]],
            facial_transformation_matrixes=[matrix])

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def fake_model(monkeypatch):
    import mediapipe as mp

    import emosign_desktop.landmarks.face_model as face_model

    FakeHolistic.calls = 0
    FakeFaceLandmarker.made = []
    monkeypatch.setattr(FakeHolistic, "rotation", 0)
    monkeypatch.setattr(FakeFaceLandmarker, "rotation", 0)
    monkeypatch.setattr(mp.solutions.holistic, "Holistic", FakeHolistic)
    monkeypatch.setattr(face_model, "open_face_landmarker", lambda *a: FakeFaceLandmarker())
    return FakeHolistic


def assert_faces_of_their_frames(track, frames: int) -> None:
    """Blendshapes and matrix of row i are those of frame i; NaN where no face."""
    for i in range(frames):
        if no_face(i):
            assert np.isnan(track.blendshapes[i]).all() and np.isnan(track.face_matrix[i]).all()
        else:
            assert np.array_equal(track.blendshapes[i], face_scores(i)), f"row {i}"
            assert track.face_matrix[i, 2, 3] == -i and track.face_matrix[i, 0, 0] == 1


@pytest.mark.parametrize("kind", ["h264_vfr", "h264_long_gop_bframes", "h264_nonzero_start",
                                  "vp9_webm", "h264_rotated_90"])
def test_row_i_is_frame_i(tmp_path, fake_model, monkeypatch, kind):
    spec = SPECS[kind]
    clip = make_clip(spec, tmp_path)
    monkeypatch.setattr(FakeHolistic, "rotation", spec.rotation % 360)
    monkeypatch.setattr(FakeFaceLandmarker, "rotation", spec.rotation % 360)
    track = extract(clip)
    assert track.frame_count == spec.frames
    rows = np.round(track.face[:, 0, 0] * 1000).astype(int)
    assert rows.tolist() == list(range(spec.frames))
    assert_faces_of_their_frames(track, spec.frames)
    (landmarker,) = FakeFaceLandmarker.made  # one per run, closed at the end
    assert landmarker.closed and landmarker.indices == list(range(spec.frames))
    stamps = landmarker.stamps  # VIDEO mode: strictly increasing, the frames' own times
    assert all(b > a for a, b in itertools.pairwise(stamps))
    from emosign_desktop.media.frame_index import load_index

    index = load_index(clip, fingerprint(clip))
    for i in range(spec.frames):
        assert abs(stamps[i] - index.time_of(i) * 1000) <= 1  # whole ms (+1 past a clash)


def test_timestamps_strictly_increase_even_within_a_millisecond():
    assert extract_module.timestamps_ms([0.0, 0.0004, 0.0008, 0.040]) == [0, 1, 2, 40]
    assert extract_module.timestamps_ms([1.2, 1.2001], after=1199) == [1200, 1201]
    assert extract_module.timestamps_ms([1.0], after=1000) == [1001]


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
    assert cached.blendshapes.dtype == np.float32 and cached.blendshapes.shape == (60, 52)
    assert np.array_equal(cached.blendshapes, again.blendshapes, equal_nan=True)  # exact
    assert np.array_equal(cached.face_matrix, again.face_matrix, equal_nan=True)
    assert_faces_of_their_frames(cached, 60)
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
    first = FakeFaceLandmarker.made[0]
    assert first.closed  # closed on the way out of a killed run too
    fake_model.calls = 0
    track = extract(clip)
    assert fake_model.calls == 90 - 30  # resumed after the checkpoint at frame 30
    rows = np.round(track.face[:, 0, 0] * 1000).astype(int)
    assert rows.tolist() == list(range(90))
    resumed = FakeFaceLandmarker.made[1]  # a landmarker of its own, from frame 30 on
    assert resumed.indices == list(range(30, 90)) and resumed.closed
    assert resumed.stamps[0] == round(30 * 1000 / 60) and resumed.stamps[-1] == round(
        89 * 1000 / 60)
    assert_faces_of_their_frames(track, 90)


def test_an_earlier_version_s_cache_stays_until_the_new_one_is_complete(tmp_path,
                                                                         fake_model):
    """A video whose landmarks are of the version before face blendshapes: its old file is
    not the current landmarks, and stays (still shown) until a new run is complete, so a
    stopped run loses nothing; the complete new file replaces it."""
    from emosign_desktop.landmarks.extract import ExtractionStopped
    from emosign_desktop.landmarks.track import OUTDATED_KEYS, has_outdated, load_outdated
    from tests.landmarks.test_track import write_old_cache

    clip = make_clip(SPECS["h264_29.97"], tmp_path)
    fp = fingerprint(clip)
    old = cache_path(fp, OUTDATED_KEYS[0])
    write_old_cache(old, 60)
    assert load_cached(fp) is None and load_outdated(fp) is not None

    def stop_at_10(done: int, total: int) -> None:
        if done == 10:
            raise ExtractionStopped(done, total)

    with pytest.raises(ExtractionStopped):
        extract(clip, progress=stop_at_10)
    assert old.exists() and load_outdated(fp) is not None  # the old landmarks are kept
    assert load_cached(fp) is None
    track = extract(clip)
    assert not old.exists() and not has_outdated(fp)
    cached = load_cached(fp)
    assert cached is not None and not cached.outdated
    assert_faces_of_their_frames(cached, 60)
    assert_faces_of_their_frames(track, 60)


def test_a_missing_face_model_is_one_clear_error_and_writes_nothing(tmp_path, monkeypatch):
    import mediapipe as mp

    from emosign_desktop.core.errors import EmoSignError

    monkeypatch.setattr(mp.solutions.holistic, "Holistic", FakeHolistic)
    clip = make_clip(SPECS["h264_29.97"], tmp_path)
    monkeypatch.setenv("EMOSIGN_RESOURCES", str(tmp_path / "no-resources"))
    with pytest.raises(EmoSignError, match=r"face_landmarker\.task: the face landmarker model "
                                           r"is missing") as raised:
        extract(clip)
    assert "\n" not in str(raised.value)
    assert not cache_path(fingerprint(clip)).exists()


def test_cli_signals_of_an_earlier_version_says_extract_again(tmp_path):
    from emosign_desktop.landmarks.track import OUTDATED_KEYS
    from tests.cli.run import emosign
    from tests.landmarks.test_track import write_old_cache

    clip = make_clip(SPECS["h264_29.97"], tmp_path)
    folder = tmp_path / "p"
    assert emosign("init", folder).returncode == 0
    assert emosign("add", folder, clip).returncode == 0
    write_old_cache(cache_path(fingerprint(clip), OUTDATED_KEYS[0]), 60)
    r = emosign("signals", folder, clip.stem, "-o", tmp_path / "s.csv")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert "earlier version without face blendshapes" in r.stderr
    assert f"emosign landmarks {folder} --video {clip.stem}" in r.stderr
    assert not (tmp_path / "s.csv").exists()


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
    assert demo_track.has_blendshapes().all()  # FaceLandmarker found the face on every frame
    scores = demo_track.blendshapes
    assert ((scores >= 0) & (scores <= 1)).all()
    assert np.ptp(scores, axis=0).max() > 0.2  # the face moves: scores follow it frame by frame
    rotation = demo_track.face_matrix[:, :3, :3]
    product = np.einsum("nij,nkj->nik", rotation, rotation)  # R Rt: a rotation's is I
    assert np.allclose(product, np.eye(3), atol=0.05)
    assert (demo_track.face_matrix[:, 2, 3] < -10).all()  # the face in front of the camera
    assert (demo_track.face_matrix[:, 3] == [0, 0, 0, 1]).all()


@pytest.mark.slow  # the real face landmarker model
def test_blendshape_names_are_those_of_a_real_result():
    from emosign_desktop.landmarks.face_model import detect_face, open_face_landmarker
    from emosign_desktop.media.reader import VideoReader

    with VideoReader(DEMO_CLIP) as reader, open_face_landmarker() as landmarker:
        result = detect_face(landmarker, reader.frame(0), 0)
    assert tuple(c.category_name for c in result.face_blendshapes[0]) == BLENDSHAPES


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
    from emosign_desktop.landmarks.track import OUTDATED_KEYS
    from tests.landmarks.test_track import write_old_cache

    old = env_cache / "landmarks" / cache_path(fingerprint(small), OUTDATED_KEYS[0]).name
    write_old_cache(old, 9)  # this one's landmarks are of the version before blendshapes
    r = emosign("landmarks", folder, "--workers", "2")
    assert r.returncode == 2
    assert ("pose_sample_video: landmarks of an earlier version without face blendshapes; "
            "extracting again") in r.stdout
    assert not old.exists()  # replaced by the complete new file
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
