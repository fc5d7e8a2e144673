"""Per-frame cue signals from landmarks: facial grammar and affect, head, hands, body.

Positions are taken in pixels of the picture as shown (x * width, y * height; z * width),
y pointing up, so "raise" is positive.  Facial distances are divided by the **face scale**,
the distance between the outer eye corners (MediaPipe face points 33 and 263), and body
distances by the **shoulder width** (pose points 11 and 12), so signers of any size and any
distance from the camera compare.  Speeds are per second (the video's frame rate).
A signal is NaN on frames where the parts it needs were not found.

The face signals from MediaPipe's blendshapes and face matrix (brow lowering, inner and outer
brow raise, eye blink, ..., head pitch/yaw/roll in degrees and their nod and shake energies)
are in ``landmarks.face_signals`` and registered here beside these mesh signals; the mesh
head energies are ``head_nod_energy_mesh`` and ``head_shake_energy_mesh``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from emosign_desktop.landmarks.energy import ENERGY_WINDOW_S as ENERGY_WINDOW_S
from emosign_desktop.landmarks.energy import angular_energy as _energy
from emosign_desktop.landmarks.track import LandmarkTrack

# MediaPipe face mesh points (the signer's right is the picture's left).
EYE_OUTER_R, EYE_OUTER_L = 33, 263
BROW_R, BROW_L = (70, 63, 105, 66, 107), (300, 293, 334, 296, 336)
BROW_INNER_R, BROW_INNER_L = 107, 336
LID_TOP_R, LID_BOTTOM_R, LID_TOP_L, LID_BOTTOM_L = 159, 145, 386, 374
LIP_INNER_TOP, LIP_INNER_BOTTOM, LIP_OUTER_TOP, LIP_OUTER_BOTTOM = 13, 14, 0, 17
MOUTH_CORNER_R, MOUTH_CORNER_L = 61, 291
FOREHEAD, CHIN = 10, 152
# Pose points.
SHOULDER_L, SHOULDER_R, EAR_L, EAR_R = 11, 12, 7, 8
WRIST_L, WRIST_R = 15, 16
#: A pose point counts as seen at or above this visibility.
VISIBLE = 0.5


@dataclass(frozen=True)
class SignalDef:
    """A signal: its name, unit and formula (shown in the app and the CSV header docs).

    ``name`` is the snake_case key used in data, CSV files (``emosign signals``) and
    settings; ``label`` is what people read in the app ("Brow raise (left)")."""

    name: str
    unit: str
    formula: str
    label: str = ""


def _xyz(points: NDArray[Any], width: int, height: int) -> NDArray[np.float64]:
    """Pixels, y up: (n, k, 3)."""
    out = np.empty((*points.shape[:-1], 3), np.float64)
    out[..., 0] = points[..., 0] * width
    out[..., 1] = -points[..., 1] * height
    out[..., 2] = -points[..., 2] * width
    return out


def _dist(a: NDArray[Any], b: NDArray[Any]) -> NDArray[np.float64]:
    out: NDArray[np.float64] = np.linalg.norm(a[..., :2] - b[..., :2], axis=-1)
    return out


class _Context:
    def __init__(self, track: LandmarkTrack) -> None:
        self.t = track
        self.face = _xyz(track.face, track.width, track.height)
        self.pose = _xyz(track.pose[..., :3], track.width, track.height)
        self.hands = {side: _xyz(getattr(track, f"{side}_hand"), track.width, track.height)
                      for side in ("left", "right")}
        f = self.face
        self.scale = _dist(f[:, EYE_OUTER_R], f[:, EYE_OUTER_L])
        self.shoulders = _dist(self.pose[:, SHOULDER_L], self.pose[:, SHOULDER_R])
        self.fps = track.fps or 30.0
        self._face: dict[str, NDArray[np.float64]] | None = None

    def face_signals(self) -> dict[str, NDArray[np.float64]]:
        """The blendshape and face-matrix signals (``landmarks.face_signals``), once."""
        if self._face is None:
            from emosign_desktop.landmarks.face_signals import face_signals

            self._face = face_signals(self.t)
        return self._face

    def y(self, i: int | tuple[int, ...]) -> NDArray[np.float64]:
        idx = [i] if isinstance(i, int) else list(i)
        out: NDArray[np.float64] = self.face[:, idx, 1].mean(axis=1)
        return out


def _angle(v_a: NDArray[Any], v_b: NDArray[Any]) -> NDArray[Any]:
    out: NDArray[Any] = np.degrees(np.arctan2(v_a, v_b))
    return out


def _hand_centres(c: _Context) -> dict[str, NDArray[Any]]:
    return {side: pts[:, :, :2].mean(axis=1) for side, pts in c.hands.items()}


def _hand_speeds(c: _Context) -> dict[str, NDArray[Any]]:
    out = {}
    for side, centre in _hand_centres(c).items():
        if len(centre) > 1:
            v = np.linalg.norm(np.gradient(centre, axis=0), axis=1) * c.fps
        else:
            v = np.full(len(centre), np.nan)
        out[side] = v / c.scale
    return out


def _dominant(c: _Context) -> tuple[str, str]:
    """The hand that travels further over the clip is the dominant one."""
    speeds = _hand_speeds(c)
    travel = {s: np.nansum(v) for s, v in speeds.items()}
    dom = max(travel, key=lambda s: travel[s])
    return dom, ("left" if dom == "right" else "right")


def _signing_extent(c: _Context) -> NDArray[Any]:
    mid = (c.pose[:, SHOULDER_L, :2] + c.pose[:, SHOULDER_R, :2]) / 2
    reach = np.stack([np.linalg.norm(centre - mid, axis=1)
                      for centre in _hand_centres(c).values()])
    with np.errstate(invalid="ignore"):
        far = np.where(np.isnan(reach).all(axis=0), np.nan,
                       np.nanmax(np.where(np.isnan(reach), -np.inf, reach), axis=0))
    extent: NDArray[Any] = far / c.shoulders
    return extent


#: How a signal is computed from a track's context.
SignalFn = Callable[[_Context], NDArray[Any]]
SIGNALS: dict[str, tuple[SignalDef, SignalFn]] = {}


def _signal(name: str, unit: str, formula: str, label: str) -> Callable[[SignalFn], SignalFn]:
    def register(fn: SignalFn) -> SignalFn:
        SIGNALS[name] = (SignalDef(name, unit, formula, label), fn)
        return fn
    return register


@_signal("brow_raise_left", "face scale", "(mean y of left brow points 300,293,334,296,336 "
         "- y of left upper lid 386) / face scale",
         label="Brow raise (left)")
def _brow_raise_left(c: _Context) -> NDArray[Any]:
    return (c.y(BROW_L) - c.y(LID_TOP_L)) / c.scale


@_signal("brow_raise_right", "face scale", "(mean y of right brow points 70,63,105,66,107 "
         "- y of right upper lid 159) / face scale",
         label="Brow raise (right)")
def _brow_raise_right(c: _Context) -> NDArray[Any]:
    return (c.y(BROW_R) - c.y(LID_TOP_R)) / c.scale


@_signal("inner_brow_distance", "face scale", "distance between inner brow points 107 and "
         "336 / face scale (a furrowed brow makes it smaller)",
         label="Inner brow distance (furrow)")
def _inner_brow(c: _Context) -> NDArray[Any]:
    return _dist(c.face[:, BROW_INNER_R], c.face[:, BROW_INNER_L]) / c.scale


@_signal("eye_aperture", "face scale", "mean over both eyes of the distance between upper "
         "and lower lid (159-145, 386-374) / face scale",
         label="Eye opening")
def _eye_aperture(c: _Context) -> NDArray[Any]:
    f = c.face
    return (_dist(f[:, LID_TOP_R], f[:, LID_BOTTOM_R])
            + _dist(f[:, LID_TOP_L], f[:, LID_BOTTOM_L])) / 2 / c.scale


@_signal("mouth_opening", "face scale", "distance between inner lip points 13 and 14 / "
         "face scale",
         label="Mouth opening")
def _mouth_opening(c: _Context) -> NDArray[Any]:
    return _dist(c.face[:, LIP_INNER_TOP], c.face[:, LIP_INNER_BOTTOM]) / c.scale


@_signal("mouth_corner_raise", "face scale", "(mean y of mouth corners 61, 291 - mean y of "
         "inner lip points 13, 14) / face scale (negative: corners down)",
         label="Mouth corner raise")
def _corners(c: _Context) -> NDArray[Any]:
    return (c.y((MOUTH_CORNER_R, MOUTH_CORNER_L)) - c.y((LIP_INNER_TOP, LIP_INNER_BOTTOM))
            ) / c.scale


@_signal("mouth_width", "face scale", "distance between mouth corners 61 and 291 / face "
         "scale (a pucker makes it smaller)",
         label="Mouth width (pucker)")
def _mouth_width(c: _Context) -> NDArray[Any]:
    return _dist(c.face[:, MOUTH_CORNER_R], c.face[:, MOUTH_CORNER_L]) / c.scale


@_signal("lip_thickness", "face scale", "(distance 0-17 between outer lip points - distance "
         "13-14 between inner ones) / face scale (pressed lips make it smaller)",
         label="Lip thickness (press)")
def _lip_thickness(c: _Context) -> NDArray[Any]:
    f = c.face
    return (_dist(f[:, LIP_OUTER_TOP], f[:, LIP_OUTER_BOTTOM])
            - _dist(f[:, LIP_INNER_TOP], f[:, LIP_INNER_BOTTOM])) / c.scale


@_signal("head_pitch", "degrees", "angle of the forehead (10) to chin (152) line out of the "
         "picture plane: atan2(depth change, height change); positive: chin towards camera",
         label="Head pitch (up/down)")
def _pitch(c: _Context) -> NDArray[Any]:
    v = c.face[:, CHIN] - c.face[:, FOREHEAD]
    return _angle(v[:, 2], -v[:, 1])


@_signal("head_yaw", "degrees", "angle of the outer-eye-corner line (33 to 263) out of the "
         "picture plane: atan2(depth change, horizontal change)",
         label="Head yaw (turn)")
def _yaw(c: _Context) -> NDArray[Any]:
    v = c.face[:, EYE_OUTER_L] - c.face[:, EYE_OUTER_R]
    return _angle(v[:, 2], v[:, 0])


@_signal("head_roll", "degrees", "angle of the outer-eye-corner line (33 to 263) in the "
         "picture: atan2(height change, horizontal change); positive: head tilted to the "
         "signer's right",
         label="Head roll (tilt)")
def _roll(c: _Context) -> NDArray[Any]:
    v = c.face[:, EYE_OUTER_L] - c.face[:, EYE_OUTER_R]
    return _angle(v[:, 1], v[:, 0])


@_signal("head_nod_energy_mesh", "(deg/s)^2", f"mean squared speed of head pitch (face "
         f"mesh) over {ENERGY_WINDOW_S} s around the frame",
         label="Head nod energy (mesh)")
def _nod(c: _Context) -> NDArray[Any]:
    return _energy(_pitch(c), c.fps)


@_signal("head_shake_energy_mesh", "(deg/s)^2", f"mean squared speed of head yaw (face "
         f"mesh) over {ENERGY_WINDOW_S} s around the frame",
         label="Head shake energy (mesh)")
def _shake(c: _Context) -> NDArray[Any]:
    return _energy(_yaw(c), c.fps)


@_signal("dominant_hand_speed", "face scale/s", "speed of the centre of the dominant hand's "
         "21 points / face scale (dominant: the hand that travels further in the clip)",
         label="Dominant hand speed")
def _dom_speed(c: _Context) -> NDArray[Any]:
    return _hand_speeds(c)[_dominant(c)[0]]


@_signal("nondominant_hand_speed", "face scale/s", "speed of the centre of the other hand's "
         "21 points / face scale",
         label="Non-dominant hand speed")
def _nondom_speed(c: _Context) -> NDArray[Any]:
    return _hand_speeds(c)[_dominant(c)[1]]


@_signal("wrist_speed", "shoulder widths/s", "speed of the faster of the two wrists of the "
         f"body pose (15, 16; where their visibility is at least {VISIBLE}) / shoulder width. "
         "The pose follows the wrists through the motion blur of fast signing, where the "
         "hand points are often lost",
         label="Wrist speed")
def _wrist_speed(c: _Context) -> NDArray[Any]:
    speeds = []
    for point in (WRIST_L, WRIST_R):
        xy = c.pose[:, point, :2].copy()
        xy[c.t.pose[:, point, 3] < VISIBLE] = np.nan
        if len(xy) > 1:
            speeds.append(np.linalg.norm(np.gradient(xy, axis=0), axis=1) * c.fps)
        else:
            speeds.append(np.full(len(xy), np.nan))
    both = np.stack(speeds)
    fastest = np.where(np.isnan(both).all(axis=0), np.nan,
                       np.nanmax(np.where(np.isnan(both), -np.inf, both), axis=0))
    out: NDArray[Any] = fastest / c.shoulders
    return out


@_signal("signing_extent", "shoulder widths", "largest distance of a hand centre from the "
         "midpoint of the shoulders (pose 11, 12) / shoulder width",
         label="Signing extent")
def _extent(c: _Context) -> NDArray[Any]:
    return _signing_extent(c)


@_signal("shoulder_raise", "shoulder widths", "-(mean y of ears 7, 8 - mean y of shoulders "
         "11, 12) / shoulder width + 1 (higher when the shoulders come up towards the ears)",
         label="Shoulder raise")
def _shoulders(c: _Context) -> NDArray[Any]:
    p = c.pose
    gap = (p[:, [EAR_L, EAR_R], 1].mean(axis=1) - p[:, [SHOULDER_L, SHOULDER_R], 1].mean(axis=1))
    raise_: NDArray[Any] = 1.0 - gap / c.shoulders
    return raise_


def _register_face_signals() -> None:
    """The face signals of ``landmarks.face_signals`` (blendshapes and the face matrix),
    computed together once per track and handed out one by one."""
    from emosign_desktop.landmarks.face_signals import FACE_SIGNAL_SPECS

    for name, unit, formula, label in FACE_SIGNAL_SPECS:
        def one(c: _Context, name: str = name) -> NDArray[Any]:
            return c.face_signals()[name]
        SIGNALS[name] = (SignalDef(name, unit, formula, label), one)


_register_face_signals()


def compute_signals(track: LandmarkTrack, names: list[str] | None = None,
                    between: Callable[[int, int], None] | None = None
                    ) -> dict[str, NDArray[Any]]:
    """The named signals (all by default), one value per frame.  ``between(i, n)`` is called
    before the i-th of the n signals (a long recording: it may report progress, or raise to
    stop; then nothing is returned)."""
    context = _Context(track)
    wanted = list(names or SIGNALS)
    out: dict[str, NDArray[Any]] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        for i, n in enumerate(wanted):
            if between is not None:
                between(i, len(wanted))
            out[n] = SIGNALS[n][1](context).astype(np.float64)
    return out


def signal_defs() -> list[SignalDef]:
    """Every signal's name, unit and formula."""
    return [d for d, _ in SIGNALS.values()]
