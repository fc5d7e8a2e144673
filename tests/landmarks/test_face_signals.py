"""Face signals from synthetic blendshapes and transformation matrices with known values."""

from __future__ import annotations

import numpy as np
import pytest

from emosign_desktop.landmarks import face_signals as fs
from emosign_desktop.landmarks import signals as mesh
from emosign_desktop.landmarks.signals import compute_signals, signal_defs
from emosign_desktop.landmarks.track import BLENDSHAPES, LandmarkTrack
from tests.landmarks.test_signals import H, base_track

REST = 0.05  # every blendshape of the synthetic face at rest


def rotation(axis: str, degrees: float) -> np.ndarray:
    """A 4x4 transformation rotating about ``axis`` (right-handed: x right, y up, z to the
    camera), with the face 40 cm in front of the camera."""
    a = np.radians(degrees)
    c, s = np.cos(a), np.sin(a)
    r = {"x": [[1, 0, 0], [0, c, -s], [0, s, c]],
         "y": [[c, 0, s], [0, 1, 0], [-s, 0, c]],
         "z": [[c, -s, 0], [s, c, 0], [0, 0, 1]]}[axis]
    m = np.eye(4)
    m[:3, :3] = r
    m[:3, 3] = (0.0, 0.0, -40.0)
    return m


def face_track(frames: int = 100, fps: float = 25.0, rest: float = REST,
               brow_down: float | None = None, noise: float = 0.0,
               seed: int = 0) -> LandmarkTrack:
    """A still face looking at the camera, every blendshape at ``rest`` (browDown at
    ``brow_down`` when given), plus normal noise of ``noise``."""
    track = base_track(frames, fps)
    shapes = np.full((frames, len(BLENDSHAPES)), rest, np.float32)
    if noise:
        rng = np.random.default_rng(seed)
        shapes += rng.normal(0, noise, shapes.shape).astype(np.float32)
    if brow_down is not None:
        shapes[:, [BLENDSHAPES.index("browDownLeft"), BLENDSHAPES.index("browDownRight")]] = \
            brow_down
    track.blendshapes = shapes
    track.face_matrix = np.repeat(rotation("x", 0.0)[None], frames, axis=0).astype(np.float32)
    return track


def raise_brows(track: LandmarkTrack, start: int, end: int, by: float = 0.3) -> None:
    """Raise the brows over ``start..end``: 20 px on the face mesh (0.1 eye distances, for
    the mesh signals) and ``by`` on browInnerUp and both browOuterUp (the blendshapes)."""
    for i in (*mesh.BROW_R, *mesh.BROW_L):
        track.face[start:end + 1, i, 1] -= 20 / H
    for name in ("browInnerUp", "browOuterUpLeft", "browOuterUpRight"):
        track.blendshapes[start:end + 1, BLENDSHAPES.index(name)] += by


def set_shape(track: LandmarkTrack, name: str, frames: slice, value: float) -> None:
    track.blendshapes[frames, BLENDSHAPES.index(name)] = value


def test_each_signal_is_its_blendshapes_or_their_mean():
    track = face_track(10)
    set_shape(track, "browDownLeft", slice(2, 3), 0.6)
    set_shape(track, "browDownRight", slice(2, 3), 0.4)
    set_shape(track, "browInnerUp", slice(3, 4), 0.7)
    set_shape(track, "browOuterUpLeft", slice(4, 5), 0.3)
    set_shape(track, "jawOpen", slice(5, 6), 0.8)
    set_shape(track, "mouthSmileLeft", slice(6, 7), 0.25)
    set_shape(track, "mouthPressRight", slice(7, 8), 0.45)
    set_shape(track, "cheekPuff", slice(8, 9), 0.9)
    set_shape(track, "eyeSquintRight", slice(9, 10), 0.35)
    sig = compute_signals(track)
    assert sig["brow_lowering"][2] == pytest.approx(0.5)
    assert sig["brow_lowering"][0] == pytest.approx(REST)
    assert sig["inner_brow_raise"][3] == pytest.approx(0.7)
    assert sig["outer_brow_raise"][4] == pytest.approx((0.3 + REST) / 2)
    assert sig["jaw_open"][5] == pytest.approx(0.8)
    assert sig["lip_corners_up"][6] == pytest.approx((0.25 + REST) / 2)
    assert sig["lips_pressed"][7] == pytest.approx((0.45 + REST) / 2)
    assert sig["cheek_puff"][8] == pytest.approx(0.9)
    assert sig["eye_squint"][9] == pytest.approx((0.35 + REST) / 2)
    assert sig["eye_blink"][0] == pytest.approx(REST)


def test_brow_signals_are_a_gap_on_blink_frames_and_the_rest_are_not():
    track = face_track(20, brow_down=0.4)
    for side in ("eyeBlinkLeft", "eyeBlinkRight"):
        set_shape(track, side, slice(5, 8), 0.9)  # a blink over frames 5..7
    set_shape(track, "browDownLeft", slice(5, 8), 0.1)  # which drags the brow down
    set_shape(track, "browDownRight", slice(5, 8), 0.1)
    sig = compute_signals(track)
    for name in ("brow_lowering", "inner_brow_raise", "outer_brow_raise"):
        assert np.isnan(sig[name][5:8]).all(), name  # a gap, not zero
        assert np.isfinite(sig[name][:5]).all() and np.isfinite(sig[name][8:]).all()
    assert sig["brow_lowering"][4] == pytest.approx(0.4)
    assert sig["eye_blink"][6] == pytest.approx(0.9)
    for name in ("eye_blink", "jaw_open", "head_pitch_deg"):
        assert np.isfinite(sig[name]).all(), name


def test_a_half_closed_eye_below_the_blink_threshold_keeps_the_brows():
    track = face_track(5)
    for side in ("eyeBlinkLeft", "eyeBlinkRight"):
        set_shape(track, side, slice(2, 3), fs.BLINK_THRESHOLD - 0.05)
    assert np.isfinite(compute_signals(track)["brow_lowering"]).all()


@pytest.mark.parametrize("degrees", [12.0, -20.0])
def test_head_angles_and_their_signs(degrees):
    track = face_track(4)
    # about x: the forward vector (0, 0, 1) goes to (0, -sin, cos): the face looks down,
    # the chin goes down: pitch is the opposite
    track.face_matrix[1] = rotation("x", degrees)
    # about y: forward goes to (sin, 0, cos): the face turns to the picture's right
    track.face_matrix[2] = rotation("y", degrees)
    # about z: up (0, 1, 0) goes to (-sin, cos, 0): the head tilts to the picture's left,
    # the signer's right
    track.face_matrix[3] = rotation("z", degrees)
    sig = compute_signals(track)
    expected = {"head_pitch_deg": (0, -degrees, 0, 0), "head_yaw_deg": (0, 0, degrees, 0),
                "head_roll_deg": (0, 0, 0, degrees)}
    for name, values in expected.items():
        assert sig[name] == pytest.approx(values, abs=1e-3), name


def test_a_scaled_matrix_gives_the_same_angles():
    track = face_track(2)
    m = rotation("x", -15.0)
    m[:3, :3] *= 1.3  # a similarity transform (the face model scaled)
    track.face_matrix[1] = m
    assert compute_signals(track)["head_pitch_deg"][1] == pytest.approx(15.0, abs=1e-3)


def test_nod_energy_sees_a_nod_not_a_shake():
    track = face_track(75)
    for f in range(75):
        track.face_matrix[f] = rotation("x", 10 * np.sin(f / 3))
    sig = compute_signals(track)
    assert np.nanmean(sig["head_nod_energy"]) > 100.0
    assert np.nanmax(sig["head_shake_energy"]) < 1e-6
    # the energy of an angle a sin(t / 3) at 25 fps: mean of (a cos(t/3) / 3 * 25 deg/s)^2
    peak_speed = 10 * 25 / 3
    assert np.nanmean(sig["head_nod_energy"][10:-10]) == pytest.approx(peak_speed**2 / 2,
                                                                       rel=0.15)


def test_frames_without_a_face_are_nan_and_a_track_without_blendshapes_has_none():
    track = face_track(6)
    track.blendshapes[2] = np.nan
    track.face_matrix[2] = np.nan
    sig = compute_signals(track)
    for name in fs.FACE_SIGNALS:
        assert np.isnan(sig[name][2]), name
        assert np.isfinite(sig[name][0]), name
    old = base_track(6)  # extracted before FaceLandmarker: NaN blendshapes and matrix
    old_sig = compute_signals(old)
    for name in fs.FACE_SIGNALS:
        assert np.isnan(old_sig[name]).all(), name
    assert np.isfinite(old_sig["brow_raise_left"]).all()  # the mesh signals are still there


def test_face_signals_are_registered_with_formulas_and_labels():
    defs = {d.name: d for d in signal_defs()}
    assert set(fs.FACE_SIGNALS) <= set(defs)
    assert len(fs.FACE_SIGNALS) == 14
    for name in fs.FACE_SIGNALS:
        assert defs[name].formula and defs[name].unit and defs[name].label, name
    assert "browDownLeft" in defs["brow_lowering"].formula
    assert "gap on blink frames" in defs["brow_lowering"].formula
    assert "chin up" in defs["head_pitch_deg"].formula
    # the mesh head energies keep their own names beside the matrix ones
    assert {"head_nod_energy_mesh", "head_shake_energy_mesh"} <= set(defs)
