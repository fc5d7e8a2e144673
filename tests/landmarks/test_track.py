"""The landmark track and its cache file: blendshapes and the face matrix beside the points,
their precision on disk, and files of an earlier version (no blendshapes)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from emosign_desktop.landmarks.track import (
    BLENDSHAPES,
    MODEL_KEY,
    OUTDATED_KEYS,
    LandmarkTrack,
    cache_path,
    has_outdated,
    load_cached,
    load_outdated,
    remove_outdated,
)

OLD_KEY = OUTDATED_KEYS[0]


def write_old_cache(path: Path, frames: int, frames_done: int | None = None) -> None:
    """A cache file as the version before face blendshapes wrote it (its very fields)."""
    rng = np.random.default_rng(7)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        path, model=OLD_KEY, size=np.array([640, 480]), fps=25.0,
        frames_done=frames if frames_done is None else frames_done,
        face=rng.uniform(0.3, 0.6, (frames, 478, 3)).astype(np.float16),
        left_hand=np.full((frames, 21, 3), np.nan, np.float16),
        right_hand=np.full((frames, 21, 3), np.nan, np.float16),
        pose=rng.uniform(0.2, 0.8, (frames, 33, 4)).astype(np.float16),
        **{f"edges_{part}": np.array([[0, 1], [1, 2]], np.int16) for part in (
            "face_brows", "face_eyes", "face_lips", "face_oval", "face_mesh", "hand", "pose")})


def test_blendshape_names_are_mediapipe_s_52_neutral_first():
    assert len(BLENDSHAPES) == 52 == len(set(BLENDSHAPES))
    assert BLENDSHAPES[:4] == ("_neutral", "browDownLeft", "browDownRight", "browInnerUp")
    assert BLENDSHAPES[-1] == "noseSneerRight"
    assert OLD_KEY != MODEL_KEY and cache_path("sha256:x") != cache_path("sha256:x", OLD_KEY)


def test_a_track_built_without_face_scores_has_nan_ones():
    """Code that builds a track from its points alone (positionally) still works: the
    blendshapes and matrix are NaN rows of the right shape (no face found)."""
    n = 12
    face = np.zeros((n, 478, 3), np.float32)
    hand = np.zeros((n, 21, 3), np.float32)
    track = LandmarkTrack(face, hand, hand.copy(), np.zeros((n, 33, 4), np.float32),
                          640, 480, 25.0)
    assert track.blendshapes.shape == (n, 52) and track.face_matrix.shape == (n, 4, 4)
    assert np.isnan(track.blendshapes).all() and np.isnan(track.face_matrix).all()
    assert not track.has_blendshapes().any() and not track.outdated
    empty = LandmarkTrack.empty(5, 640, 480, 25.0)
    assert empty.blendshapes.dtype == np.float32 and np.isnan(empty.face_matrix).all()


def test_face_scores_round_trip_exactly_in_float32(tmp_path):
    track = LandmarkTrack.empty(30, 640, 480, 25.0)
    rng = np.random.default_rng(3)
    track.blendshapes[:20] = rng.uniform(0, 1, (20, 52)).astype(np.float32)
    track.blendshapes[20:25] = 0.0071234  # a resting score float16 would move
    track.face_matrix[:25] = rng.normal(0, 30, (25, 4, 4)).astype(np.float32)
    path = tmp_path / "t.npz"
    track.save(path)
    loaded, done = LandmarkTrack.load(path)
    assert done == 30
    assert np.array_equal(loaded.blendshapes, track.blendshapes, equal_nan=True)
    assert np.array_equal(loaded.face_matrix, track.face_matrix, equal_nan=True)
    assert loaded.has_blendshapes().tolist() == [True] * 25 + [False] * 5
    assert np.float16(0.0071234) != np.float32(0.0071234)  # why float32


def test_a_current_file_without_face_scores_is_damaged(tmp_path):
    path = tmp_path / "t.npz"
    LandmarkTrack.empty(4, 640, 480, 25.0).save(path)
    with np.load(path) as data:
        fields = {k: data[k] for k in data.files if k != "blendshapes"}
    np.savez_compressed(path, **fields)
    assert LandmarkTrack.load(path) is None


def test_an_earlier_version_s_file_is_outdated_not_current():
    fp = "sha256:old1"
    old = cache_path(fp, OLD_KEY)
    write_old_cache(old, 20)
    assert load_cached(fp) is None  # never used as the current landmarks
    assert has_outdated(fp)
    track = load_outdated(fp)
    assert track is not None and track.outdated and track.model == OLD_KEY
    assert track.frame_count == 20 and track.present("face").all()  # its points are usable
    assert np.isnan(track.blendshapes).all() and track.blendshapes.shape == (20, 52)
    assert track.edges is not None and "hand" in track.edges
    assert not has_outdated("sha256:other") and load_outdated("sha256:other") is None
    remove_outdated(fp)
    assert not old.exists() and not has_outdated(fp) and load_outdated(fp) is None


def test_a_partial_old_file_is_not_shown():
    fp = "sha256:old2"
    write_old_cache(cache_path(fp, OLD_KEY), 20, frames_done=7)
    assert load_outdated(fp) is None
    assert has_outdated(fp)  # still there: a new extraction replaces it


def test_face_scores_of_the_wrong_shape_are_refused(tmp_path):
    track = LandmarkTrack.empty(4, 640, 480, 25.0)
    with pytest.raises(ValueError, match="for 4 frames"):
        LandmarkTrack(track.face, track.left_hand, track.right_hand, track.pose, 640, 480,
                      25.0, MODEL_KEY, None, np.zeros((3, 52), np.float32))
    path = tmp_path / "t.npz"
    track.save(path)
    with np.load(path) as data:
        fields = {k: data[k] for k in data.files}
    fields["face_matrix"] = np.zeros((4, 3, 3), np.float32)
    np.savez_compressed(path, **fields)
    assert LandmarkTrack.load(path) is None  # damaged
