"""Cue signals on synthetic landmarks with known geometry."""

from __future__ import annotations

import numpy as np
import pytest

from emosign_desktop.landmarks import signals as s
from emosign_desktop.landmarks.signals import SIGNALS, compute_signals, signal_defs
from emosign_desktop.landmarks.track import LandmarkTrack

W = H = 1000
SCALE_PX = 200.0  # outer eye corners 200 px apart


def base_track(frames: int = 5, fps: float = 25.0) -> LandmarkTrack:
    """A front-facing face (all points at depth 0), both hands and shoulders, in pixels."""
    t = LandmarkTrack.empty(frames, W, H, fps)
    rng = np.random.default_rng(0)
    face = np.zeros((478, 3))
    face[:, 0] = rng.uniform(400, 600, 478)
    face[:, 1] = rng.uniform(300, 500, 478)
    face[s.EYE_OUTER_R] = (400, 400, 0)
    face[s.EYE_OUTER_L] = (600, 400, 0)
    for i in s.BROW_R:
        face[i] = (450, 360, 0)
    for i in s.BROW_L:
        face[i] = (550, 360, 0)
    face[s.BROW_INNER_R], face[s.BROW_INNER_L] = (480, 360, 0), (520, 360, 0)
    face[s.LID_TOP_R], face[s.LID_BOTTOM_R] = (450, 390, 0), (450, 410, 0)
    face[s.LID_TOP_L], face[s.LID_BOTTOM_L] = (550, 390, 0), (550, 410, 0)
    face[s.LIP_INNER_TOP], face[s.LIP_INNER_BOTTOM] = (500, 500, 0), (500, 510, 0)
    face[s.LIP_OUTER_TOP], face[s.LIP_OUTER_BOTTOM] = (500, 490, 0), (500, 520, 0)
    face[s.MOUTH_CORNER_R], face[s.MOUTH_CORNER_L] = (450, 505, 0), (550, 505, 0)
    face[s.FOREHEAD], face[s.CHIN] = (500, 250, 0), (500, 600, 0)
    t.face[:] = (face / [W, H, W])[None]
    pose = np.zeros((33, 4))
    pose[:, 3] = 1
    pose[s.SHOULDER_L] = (700, 700, 0, 1)  # the signer's left shoulder is on the right
    pose[s.SHOULDER_R] = (300, 700, 0, 1)
    pose[s.EAR_L], pose[s.EAR_R] = (580, 450, 0, 1), (420, 450, 0, 1)
    t.pose[:] = (pose / [W, H, W, 1])[None]
    t.left_hand[:] = np.array([600, 800, 0]) / [W, H, W]
    t.right_hand[:] = np.array([400, 800, 0]) / [W, H, W]
    return t


def rotate(track: LandmarkTrack, axis: str, degrees: float, frame: int) -> None:
    """Rotate the face of ``frame`` about its centre (in pixels)."""
    pts = track.face[frame] * [W, H, W]
    centre = pts.mean(axis=0)
    p = pts - centre
    a = np.radians(degrees)
    c, si = np.cos(a), np.sin(a)
    x, y, z = p[:, 0].copy(), -p[:, 1].copy(), -p[:, 2].copy()  # y up, z towards camera
    if axis == "roll":
        x, y = c * x - si * y, si * x + c * y
    elif axis == "yaw":
        x, z = c * x - si * z, si * x + c * z
    else:  # pitch
        y, z = c * y - si * z, si * y + c * z
    track.face[frame] = (np.stack([x, -y, -z], axis=1) + centre) / [W, H, W]


def test_every_signal_is_documented():
    names = {d.name for d in signal_defs()}
    assert names == set(SIGNALS) and len(names) >= 17
    assert all(d.formula and d.unit for d in signal_defs())


def test_face_signals_at_rest():
    sig = compute_signals(base_track())
    assert sig["brow_raise_left"][0] == pytest.approx(30 / SCALE_PX)  # brow 30 px above lid
    assert sig["inner_brow_distance"][0] == pytest.approx(40 / SCALE_PX)
    assert sig["eye_aperture"][0] == pytest.approx(20 / SCALE_PX)
    assert sig["mouth_opening"][0] == pytest.approx(10 / SCALE_PX)
    assert sig["mouth_corner_raise"][0] == pytest.approx(0.0, abs=1e-9)
    assert sig["mouth_width"][0] == pytest.approx(100 / SCALE_PX)
    assert sig["lip_thickness"][0] == pytest.approx((30 - 10) / SCALE_PX)
    for angle in ("head_pitch", "head_yaw", "head_roll"):
        assert sig[angle][0] == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("d", [5.0, 12.0])
def test_raising_the_brow_by_d_raises_the_signal_by_d_over_face_scale(d):
    track = base_track()
    for i in s.BROW_L:
        track.face[2, i, 1] -= d / H
    sig = compute_signals(track)["brow_raise_left"]
    assert sig[2] - sig[0] == pytest.approx(d / SCALE_PX, rel=1e-3)  # float32 storage
    assert compute_signals(track)["brow_raise_right"][2] == pytest.approx(
        compute_signals(track)["brow_raise_right"][0])


def test_signals_do_not_depend_on_face_size():
    near, far = base_track(), base_track()
    centre = np.array([0.5, 0.4, 0.0])
    far.face[:] = (far.face - centre) * 0.5 + centre
    a, b = compute_signals(near), compute_signals(far)
    for name in ("brow_raise_left", "eye_aperture", "mouth_width", "inner_brow_distance"):
        assert a[name][0] == pytest.approx(b[name][0], rel=1e-3)


def test_mouth_corners_and_opening():
    track = base_track()
    track.face[1, [s.MOUTH_CORNER_R, s.MOUTH_CORNER_L], 1] -= 10 / H  # corners up: smile
    track.face[2, s.LIP_INNER_BOTTOM, 1] += 30 / H  # jaw drop
    sig = compute_signals(track)
    assert sig["mouth_corner_raise"][1] == pytest.approx(10 / SCALE_PX, rel=1e-3)
    assert sig["mouth_opening"][2] == pytest.approx(40 / SCALE_PX, rel=1e-3)


@pytest.mark.parametrize("axis", ["roll", "yaw", "pitch"])
@pytest.mark.parametrize("degrees", [10.0, -20.0])
def test_head_angles(axis, degrees):
    track = base_track()
    rotate(track, axis, degrees, 3)
    sig = compute_signals(track)
    # a positive pitch rotation here moves the forehead towards the camera (the head bows),
    # and head_pitch is positive when the chin comes towards the camera
    expected = -degrees if axis == "pitch" else degrees
    assert sig[f"head_{axis}"][3] == pytest.approx(expected, abs=0.1)
    others = {"roll", "yaw", "pitch"} - {axis}
    for other in others:
        assert sig[f"head_{other}"][3] == pytest.approx(0.0, abs=0.1)


def test_nod_energy_sees_a_nod_not_a_shake():
    track = base_track(frames=50, fps=25)
    for f in range(50):
        rotate(track, "pitch", 10 * np.sin(f / 3), f)
    sig = compute_signals(track)
    assert np.nanmean(sig["head_nod_energy_mesh"]) > 100 * (
        np.nanmean(sig["head_shake_energy_mesh"]) + 1e-9)


def test_hand_speed_dominance_extent_and_shoulders():
    track = base_track(frames=6, fps=25)
    for f in range(6):  # the right hand moves 10 px a frame, the left stays
        track.right_hand[f, :, 0] = (400 + 10 * f) / W
    sig = compute_signals(track)
    assert sig["dominant_hand_speed"][2] == pytest.approx(10 * 25 / SCALE_PX, rel=1e-3)
    assert sig["nondominant_hand_speed"][2] == pytest.approx(0.0, abs=1e-9)
    # both hands 100 px beside and 100 px below the shoulder midpoint (500, 700), shoulders
    # 400 px apart: reach sqrt(100^2 + 100^2) / 400 at frame 0
    assert sig["signing_extent"][0] == pytest.approx(np.hypot(100, 100) / 400, rel=1e-3)
    before = sig["shoulder_raise"][0]
    track.pose[4, [s.SHOULDER_L, s.SHOULDER_R], 1] -= 40 / H  # shrug
    assert compute_signals(track)["shoulder_raise"][4] - before == pytest.approx(40 / 400,
                                                                                   rel=1e-3)


def test_missing_parts_give_nan_not_errors():
    track = base_track()
    track.face[1] = np.nan
    track.left_hand[:] = np.nan
    track.right_hand[:] = np.nan
    sig = compute_signals(track)
    assert np.isnan(sig["brow_raise_left"][1]) and not np.isnan(sig["brow_raise_left"][0])
    assert np.isnan(sig["dominant_hand_speed"]).all()
    assert np.isnan(sig["signing_extent"]).all()


def test_signals_have_names_in_words_and_keep_their_keys():
    defs = signal_defs()
    keys = [d.name for d in defs]
    assert all(k.isidentifier() and k == k.lower() for k in keys)  # data and CSV names
    labels = {d.name: d.label for d in defs}
    assert labels["brow_raise_left"] == "Brow raise (left)"
    assert labels["mouth_opening"] == "Mouth opening"
    assert labels["head_nod_energy"] == "Head nod energy"
    assert len(set(labels.values())) == len(labels)
    for label in labels.values():
        assert label and label[0].isupper() and "_" not in label
    assert set(compute_signals(base_track())) == set(keys)


def test_wrist_speed_follows_the_faster_visible_wrist() -> None:
    t = base_track(frames=6, fps=25.0)
    for f in range(6):  # the right wrist moves 8 px a frame, the left one 2 px
        t.pose[f, s.WRIST_R, :2] = np.array([300 + 8 * f, 800]) / [W, H]
        t.pose[f, s.WRIST_L, :2] = np.array([700 + 2 * f, 800]) / [W, H]
    sig = compute_signals(t)["wrist_speed"]
    shoulders = 400.0
    assert sig[2] == pytest.approx(8 * 25 / shoulders)
    t.pose[:, s.WRIST_R, 3] = 0.2  # the right wrist is out of sight: the left one counts
    assert compute_signals(t)["wrist_speed"][2] == pytest.approx(2 * 25 / shoulders)
    t.pose[:, s.WRIST_L, 3] = 0.2
    assert np.isnan(compute_signals(t)["wrist_speed"]).all()
