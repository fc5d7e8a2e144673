"""Face signals from MediaPipe's FaceLandmarker: its 52 blendshape scores and its facial
transformation matrix, one row per frame of the landmark track.

The blendshape scores are 0..1 activations ("how much of this movement"), measured by the
model on the whole face rather than from two points, so a turning or nodding head does not
move them the way it moves the 2D distances of ``landmarks.signals``.  Each signal below is a
blendshape or the mean of its left and right pair.  A frame the face was not found on is NaN.

**Blinks**: a closing eye pulls the brow blendshapes (browDown drops from 0.2-0.3 to about
0.1 in the blinks of slp_asl_different), so the three brow signals are a gap (NaN, never zero) on
frames where ``eye_blink`` is at or above :data:`BLINK_THRESHOLD`.

**Head angles** come from the rotation part R of the facial transformation matrix (canonical
face -> camera space: x to the picture's right, y up, z towards the camera; the camera
looks along -z).  The face's forward vector is f = R·(0, 0, 1) and its up vector
u = R·(0, 1, 0); then (degrees)

* pitch = atan2(f_y, hypot(f_x, f_z)), positive when the chin comes up (the face looks up);
* yaw = atan2(f_x, f_z), positive when the face turns to the picture's right (the signer's
  left);
* roll = atan2(-u_x, u_y), positive when the head tilts to the signer's right (the
  picture's left), as ``head_roll`` of the mesh signals.

Checked on a real clip (slp_asl_wrong_what, whose signer tilts the head down at about frames
31-40 and back at 73-82): the pitch falls from +8 to about 0 degrees and comes back to +5,
and the matrix's last row is (0, 0, 0, 1) with the translation (cm, z about -67) in its last
column, the layout read here.

Nod and shake energies are the mean squared angular speed of pitch and yaw over
``landmarks.energy.ENERGY_WINDOW_S`` around each frame (the same energy as the mesh ones).

A track extracted before FaceLandmarker ran (no ``blendshapes``) gives NaN for every signal
here: nothing is made up.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from emosign_desktop.landmarks.track import BLENDSHAPES, LandmarkTrack

#: The eyes count as closed (a blink) at or above this ``eye_blink`` score.  Chosen on the
#: shared clips (frame by frame, with the brow scores beside): the blinks of
#: slp_asl_different score 0.62-0.69 (both eyes shut, browDown dragged from 0.2-0.3 to
#: 0.06-0.12), while open eyes score up to 0.58 (slp_asl_wrong_what's signer narrows the eyes
#: through the question at 0.55-0.58 with the brows furrowed: not a blink, not to be cut).
BLINK_THRESHOLD = 0.6

#: name -> (the blendshapes averaged, is it a brow signal (a gap on blinks)).
_FROM_BLENDSHAPES: dict[str, tuple[tuple[str, ...], bool]] = {
    "brow_lowering": (("browDownLeft", "browDownRight"), True),
    "inner_brow_raise": (("browInnerUp",), True),
    "outer_brow_raise": (("browOuterUpLeft", "browOuterUpRight"), True),
    "eye_blink": (("eyeBlinkLeft", "eyeBlinkRight"), False),
    "eye_squint": (("eyeSquintLeft", "eyeSquintRight"), False),
    "jaw_open": (("jawOpen",), False),
    "lip_corners_up": (("mouthSmileLeft", "mouthSmileRight"), False),
    "lips_pressed": (("mouthPressLeft", "mouthPressRight"), False),
    "cheek_puff": (("cheekPuff",), False),
}

_BLINK_GAP = f"; a gap on blink frames (eye blink >= {BLINK_THRESHOLD})"

#: Every face signal: (name, unit, formula, label), in the order they are offered.
FACE_SIGNAL_SPECS: tuple[tuple[str, str, str, str], ...] = (
    ("brow_lowering", "score", "mean of blendshapes browDownLeft and browDownRight "
     "(furrow)" + _BLINK_GAP, "Brow lowering (furrow)"),
    ("inner_brow_raise", "score", "blendshape browInnerUp" + _BLINK_GAP,
     "Inner brow raise"),
    ("outer_brow_raise", "score", "mean of blendshapes browOuterUpLeft and "
     "browOuterUpRight" + _BLINK_GAP, "Outer brow raise"),
    ("eye_blink", "score", "mean of blendshapes eyeBlinkLeft and eyeBlinkRight",
     "Eye blink"),
    ("eye_squint", "score", "mean of blendshapes eyeSquintLeft and eyeSquintRight",
     "Eye squint"),
    ("jaw_open", "score", "blendshape jawOpen", "Jaw open"),
    ("lip_corners_up", "score", "mean of blendshapes mouthSmileLeft and "
     "mouthSmileRight", "Lip corners up (smile)"),
    ("lips_pressed", "score", "mean of blendshapes mouthPressLeft and mouthPressRight",
     "Lips pressed"),
    ("cheek_puff", "score", "blendshape cheekPuff", "Cheek puff"),
    ("head_pitch_deg", "degrees", "head pitch from the face transformation matrix's "
     "rotation R: atan2(f_y, hypot(f_x, f_z)) with f = R·(0,0,1) the face's forward "
     "vector (camera space: x right, y up, z to the camera); positive: chin up",
     "Head pitch (matrix)"),
    ("head_yaw_deg", "degrees", "head yaw from the face transformation matrix: "
     "atan2(f_x, f_z) with f = R·(0,0,1); positive: face turned to the picture's right "
     "(the signer's left)", "Head yaw (matrix)"),
    ("head_roll_deg", "degrees", "head roll from the face transformation matrix: "
     "atan2(-u_x, u_y) with u = R·(0,1,0) the face's up vector; positive: head tilted to "
     "the signer's right", "Head roll (matrix)"),
    ("head_nod_energy", "(deg/s)^2", "mean squared speed of head pitch (matrix) over "
     "0.5 s around the frame", "Head nod energy"),
    ("head_shake_energy", "(deg/s)^2", "mean squared speed of head yaw (matrix) over "
     "0.5 s around the frame", "Head shake energy"),
)
FACE_SIGNALS = tuple(spec[0] for spec in FACE_SIGNAL_SPECS)
#: The brow signals (a gap on blink frames).
BROW_SIGNALS = tuple(n for n, (_, brow) in _FROM_BLENDSHAPES.items() if brow)


def _array(track: LandmarkTrack, name: str, shape: tuple[int, ...]) -> NDArray[Any] | None:
    """The track's ``name`` array as float64 when it has one of the right shape."""
    raw = getattr(track, name, None)
    if raw is None:
        return None
    values = np.asarray(raw, dtype=np.float64)
    if values.shape != (track.frame_count, *shape):
        return None
    return values


def head_angles(matrix: NDArray[Any]) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]]:
    """Pitch, yaw and roll in degrees of (n, 4, 4) transformation matrices (see the
    module for the convention); NaN where a matrix is NaN."""
    forward = matrix[:, :3, 2]
    up = matrix[:, :3, 1]
    pitch = np.degrees(np.arctan2(forward[:, 1], np.hypot(forward[:, 0], forward[:, 2])))
    yaw = np.degrees(np.arctan2(forward[:, 0], forward[:, 2]))
    roll = np.degrees(np.arctan2(-up[:, 0], up[:, 1]))
    return pitch, yaw, roll


def face_signals(track: LandmarkTrack) -> dict[str, NDArray[np.float64]]:
    """Every face signal of the track, one value per frame (all NaN for a track without
    blendshapes or matrix)."""
    from emosign_desktop.landmarks.energy import angular_energy as _energy

    n = track.frame_count
    nan = np.full(n, np.nan)
    out: dict[str, NDArray[np.float64]] = {}
    shapes = _array(track, "blendshapes", (len(BLENDSHAPES),))
    with np.errstate(invalid="ignore"):
        for name, (parts, _brow) in _FROM_BLENDSHAPES.items():
            if shapes is None:
                out[name] = nan.copy()
                continue
            out[name] = shapes[:, [BLENDSHAPES.index(p) for p in parts]].mean(axis=1)
        blink = out["eye_blink"] >= BLINK_THRESHOLD
        for name in BROW_SIGNALS:
            out[name][blink] = np.nan
        matrix = _array(track, "face_matrix", (4, 4))
        if matrix is None:
            pitch, yaw, roll = nan.copy(), nan.copy(), nan.copy()
        else:
            pitch, yaw, roll = head_angles(matrix)
        fps = track.fps or 30.0
        out["head_pitch_deg"], out["head_yaw_deg"], out["head_roll_deg"] = pitch, yaw, roll
        out["head_nod_energy"] = np.asarray(_energy(pitch, fps), dtype=np.float64)
        out["head_shake_energy"] = np.asarray(_energy(yaw, fps), dtype=np.float64)
    return out

