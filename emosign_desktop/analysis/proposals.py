"""Cue segments proposed from the landmark signals, for a person to accept or reject.

Each **detector** watches one signal (or the mean of two, e.g. the inner and outer brow
raise) and proposes the spans where it stands out from the signer's own **baseline**: the
median of that signer's frames, with the MAD (median absolute deviation, times 1.4826 so it
estimates a standard deviation for normal data) as the scale.

The face detectors (brow raise, brow furrow, head nod and shake, version 2: from the
blendshape and face-matrix signals of ``landmarks.face_signals``) take that baseline over the
signer's **most neutral frames** across all their videos, since signers rest with very
different faces (the resting browDown of the shared clips' four signers differs sixty-fold)
and a question may fill most of a clip.  A frame's **expression energy** is the sum, over the
expression signals (:data:`EXPRESSION_SIGNALS`: the seven whose activation means expression,
the inner brow raise left out), of how far the signal is above the signer's
own 10th percentile of it, in units of the signer's resting spread of it (the 20th minus the
5th percentile, / 0.8: the standard deviation of normal values, taken from the low end so
that a clip that is mostly a question does not count its expression as spread; at least
0.01), negatives counted as 0; blink frames have none.  The :data:`NEUTRAL_FRACTION` of frames
with the lowest energy are the neutral frames, and the detector's median and scale are taken
over them.  A signer with less than :data:`SHORT_SIGNER_S` seconds of face frames in all
(typically one short clip) still gets a baseline from the quietest frames there are, and the
evidence says it is a rough one.  The other detectors use all the signer's frames.

On a signal ``x`` the score is

    z = direction * (x - median) / max(scale, floor)

with ``direction`` -1 for a detector of a *drop* (version 1's furrow: the inner brows come
together).
A span starts where ``z`` reaches the detector's ``threshold`` and is widened to where ``z``
falls below ``threshold * release`` on each side (hysteresis: the onset is where the rise
began, not where it crossed the high bar); spans closer than ``max_gap_s`` are joined, spans
shorter than ``min_duration_s`` dropped, and a span whose peak stays under ``min_peak`` (in
the signal's own unit, e.g. (deg/s)^2 for the energy signals) dropped too, so a signer who
hardly moves their head is not offered "head shakes" made of noise.  The energy signals are
means over a window centred on each frame, which widens a movement by half the window on each
side; those detectors take ``trim_s`` off both ends.

Nothing here is anyone's label: a proposal becomes a segment only when a person accepts it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from emosign_desktop.core.errors import LabelValidationError
from emosign_desktop.core.model import TierKind

#: MAD x this estimates the standard deviation of normally distributed values.
MAD_TO_SD = 1.4826


@dataclass(frozen=True)
class DetectorSettings:
    """The tunable part of a detector (kept in the project, editable and undoable)."""

    enabled: bool = True
    threshold: float = 2.5  # robust z (scales above the baseline) where a span starts
    release: float = 0.5  # the span runs while z >= threshold * release
    min_duration_s: float = 0.2
    max_gap_s: float = 0.1
    min_peak: float = 0.0  # the span's peak, in the signal's unit, must reach this

    def check(self, name: str) -> None:
        """Refuse settings no detector can run with, naming the detector."""
        problems = []
        if not (math.isfinite(self.threshold) and self.threshold > 0):
            problems.append("threshold must be above 0")
        if not (0 < self.release <= 1):
            problems.append("release must be within 0 (exclusive) and 1")
        if not (math.isfinite(self.min_duration_s) and self.min_duration_s >= 0):
            problems.append("minimum duration must be 0 s or more")
        if not (math.isfinite(self.max_gap_s) and self.max_gap_s >= 0):
            problems.append("maximum gap must be 0 s or more")
        if not math.isfinite(self.min_peak):
            problems.append("minimum peak must be a number")
        if problems:
            raise LabelValidationError(f"detector '{name}': " + "; ".join(problems))


@dataclass(frozen=True)
class Detector:
    """What a detector watches and where its proposals go."""

    name: str  # snake_case key: "brow_raise"
    version: int  # bumped when the method changes (rejections are per version)
    label: str  # what people read: "Brow raise"
    signals: tuple[str, ...]  # averaged when more than one
    direction: int  # +1: proposes rises above the baseline, -1: drops below it
    tier_kind: TierKind
    value: str  # the tier value it proposes ("" when the detector cannot tell which)
    floor: float  # the smallest scale used, in the signal's unit (a still signer's MAD ~ 0)
    defaults: DetectorSettings = field(default_factory=DetectorSettings)
    trim_s: float = 0.0
    what: str = ""  # one line for the README and the settings dialog
    neutral: bool = False  # the baseline is taken over the signer's most neutral frames


#: Half of the energy signals' window (landmarks.energy.ENERGY_WINDOW_S = 0.5 s).
_ENERGY_TRIM_S = 0.25

_DETECTORS_V1 = (
    Detector("brow_raise", 1, "Brow raise", ("brow_raise_left", "brow_raise_right"), +1,
             TierKind.FACIAL_GRAMMAR, "", 0.01,
             DetectorSettings(threshold=2.5, min_duration_s=0.2),
             what="both brows above the signer's usual height (yes/no question, topic)"),
    Detector("brow_furrow", 1, "Brow furrow", ("inner_brow_distance",), -1,
             TierKind.FACIAL_GRAMMAR, "brow furrow - wh-question", 0.01,
             DetectorSettings(threshold=2.5, min_duration_s=0.2),
             what="inner brows closer together than usual (wh-question)"),
    Detector("head_shake", 1, "Head shake", ("head_shake_energy_mesh",), +1,
             TierKind.FACIAL_GRAMMAR, "headshake - negation", 50.0,
             DetectorSettings(threshold=3.0, min_duration_s=0.3, max_gap_s=0.15,
                              min_peak=1500.0),
             trim_s=_ENERGY_TRIM_S, what="side-to-side head turning (negation)"),
    Detector("head_nod", 1, "Head nod", ("head_nod_energy_mesh",), +1,
             TierKind.FACIAL_GRAMMAR, "head nod - assertion", 50.0,
             DetectorSettings(threshold=3.0, min_duration_s=0.3, max_gap_s=0.15,
                              min_peak=1500.0),
             trim_s=_ENERGY_TRIM_S, what="up-and-down head movement (assertion)"),
)
#: The face detectors as they were before the blendshape signals (version 1, from the face
#: mesh), kept so benchmarks can set them beside the current ones; projects only propose
#: with :data:`DETECTORS`.
LEGACY_DETECTORS: dict[str, Detector] = {d.name: d for d in _DETECTORS_V1}

DETECTORS: dict[str, Detector] = {d.name: d for d in (
    Detector("brow_raise", 2, "Brow raise", ("inner_brow_raise", "outer_brow_raise"), +1,
             TierKind.FACIAL_GRAMMAR, "", 0.01,
             DetectorSettings(threshold=3.0, min_duration_s=0.2),
             what="inner and outer brows raised above the signer's neutral face (yes/no "
                  "question, topic)", neutral=True),
    Detector("brow_furrow", 2, "Brow furrow", ("brow_lowering",), +1,
             TierKind.FACIAL_GRAMMAR, "brow furrow - wh-question", 0.01,
             DetectorSettings(threshold=3.0, min_duration_s=0.2),
             what="brows lowered below the signer's neutral face (wh-question)",
             neutral=True),
    Detector("head_shake", 2, "Head shake", ("head_shake_energy",), +1,
             TierKind.FACIAL_GRAMMAR, "headshake - negation", 50.0,
             DetectorSettings(threshold=3.0, min_duration_s=0.3, max_gap_s=0.15,
                              min_peak=1500.0),
             trim_s=_ENERGY_TRIM_S, what="side-to-side head turning (negation)",
             neutral=True),
    Detector("head_nod", 2, "Head nod", ("head_nod_energy",), +1,
             TierKind.FACIAL_GRAMMAR, "head nod - assertion", 50.0,
             DetectorSettings(threshold=3.0, min_duration_s=0.3, max_gap_s=0.15,
                              min_peak=1500.0),
             trim_s=_ENERGY_TRIM_S, what="up-and-down head movement (assertion)",
             neutral=True),
    Detector("mouth_opening", 1, "Mouth opening", ("mouth_opening",), +1,
             TierKind.FACIAL_GRAMMAR, "", 0.01,
             DetectorSettings(threshold=3.0, min_duration_s=0.15, min_peak=0.05),
             what="the mouth open wider than usual (mouth morphemes, surprise)"),
    Detector("fast_signing", 1, "Fast signing", ("wrist_speed",), +1,
             TierKind.EMOTION_CUE, "faster signing", 0.1,
             DetectorSettings(threshold=2.0, min_duration_s=0.15, max_gap_s=0.15),
             what="a wrist moving faster than the signer usually moves"),
    Detector("large_signing", 1, "Large signing", ("signing_extent",), +1,
             TierKind.EMOTION_CUE, "larger signs", 0.02,
             DetectorSettings(threshold=2.0, min_duration_s=0.25, max_gap_s=0.15),
             what="the hands further from the body than the signer usually signs"),
)}

#: The signals whose activation makes a frame less neutral.  The inner brow raise is left
#: out: a furrow lowers it as much as a raise lifts it (slp_asl_wrong_what's question takes
#: it from 0.12 to 0.02), so "above the signer's low end" would call the furrow the quieter
#: face; the brow lowering and the outer brow raise tell furrow and raise apart.
EXPRESSION_SIGNALS = ("brow_lowering", "outer_brow_raise", "eye_squint", "jaw_open",
                      "lip_corners_up", "lips_pressed", "cheek_puff")
#: The share of a signer's frames (lowest expression energy first) that are their neutral ones.
NEUTRAL_FRACTION = 0.3
#: A signer with fewer seconds of face frames than this in all their videos gets a rough
#: baseline (from the quietest frames of what there is), and the evidence says so.
SHORT_SIGNER_S = 60.0
#: The smallest spread of an expression signal in the energy (scores 0..1).
_SPREAD_FLOOR = 0.01
#: The 20th minus the 5th percentile of normal values, in standard deviations.
_P5_P20_SD = 0.8



@dataclass(frozen=True)
class Baseline:
    """A signer's usual value of a detector's signal: median and robust scale (MAD-based),
    over ``frames`` frames where the signal was found; ``note`` says which frames (the
    neutral ones, or a rough baseline: ``short``)."""

    median: float
    scale: float
    frames: int
    note: str = ""
    short: bool = False  # a signer with little video: a rough baseline


@dataclass(frozen=True)
class Evidence:
    """Why a span was proposed, in the signal's own unit."""

    signal: str
    threshold: float  # the value where a span starts (baseline + threshold x scale)
    baseline: float
    scale: float
    peak: float
    peak_frame: int
    baseline_from: str = ""  # which of the signer's frames the baseline came from

    def as_dict(self) -> dict[str, float | int | str]:
        """For storage and the CSV export."""
        return asdict(self)


@dataclass(frozen=True)
class Proposal:
    """A proposed span of ``start_frame..end_frame`` (inclusive) from one detector."""

    detector: str
    version: int
    start_frame: int
    end_frame: int
    value: str
    evidence: Evidence

    @property
    def region(self) -> None:
        """Proposals span the whole picture (scored like a segment without a region)."""
        return None


def detector_signal(detector: Detector, signals: Mapping[str, NDArray[Any]]) -> NDArray[Any] | None:
    """The detector's signal from a video's signals (the mean of its parts, frame by frame,
    NaN where any part is missing), or None when the signals lack a part."""
    parts = [signals.get(name) for name in detector.signals]
    if any(p is None for p in parts):
        return None
    stacked = np.vstack([np.asarray(p, dtype=np.float64) for p in parts if p is not None])
    mean: NDArray[Any] = stacked.mean(axis=0)
    return mean


def baseline(values: Iterable[NDArray[Any]]) -> Baseline | None:
    """The median and MAD-based scale over the found frames of all ``values`` (one array per
    video of the signer); None when no frame has a value."""
    arrays = [np.asarray(v, dtype=np.float64) for v in values]
    found = np.concatenate([a[np.isfinite(a)] for a in arrays]) if arrays else np.array([])
    if found.size == 0:
        return None
    median = float(np.median(found))
    mad = float(np.median(np.abs(found - median)))
    return Baseline(median, MAD_TO_SD * mad, int(found.size))


def expression_energy(videos: Sequence[Mapping[str, NDArray[Any]]]
                      ) -> list[NDArray[np.float64]] | None:
    """Per video of one signer, each frame's expression energy (see the module), or None
    when the signals have no face signals.  NaN where the face was not found and on blink
    frames (the brow signals are a gap there)."""
    if not videos or any(n not in v for v in videos for n in EXPRESSION_SIGNALS):
        return None
    energies = [np.zeros(len(v[EXPRESSION_SIGNALS[0]])) for v in videos]
    for name in EXPRESSION_SIGNALS:
        arrays = [np.asarray(v[name], dtype=np.float64) for v in videos]
        found = np.concatenate([a[np.isfinite(a)] for a in arrays])
        if found.size == 0:
            return None
        p5, low, p20 = (float(v) for v in np.percentile(found, [5, 10, 20]))
        spread = max((p20 - p5) / _P5_P20_SD, _SPREAD_FLOOR)
        for k, a in enumerate(arrays):
            with np.errstate(invalid="ignore"):
                energies[k] = energies[k] + np.clip((a - low) / spread, 0.0, None)
    return energies


@dataclass(frozen=True)
class NeutralFrames:
    """A signer's most neutral frames: one mask per video, and what they were taken from."""

    masks: list[NDArray[np.bool_]]
    frames: int  # neutral frames
    of: int  # frames with an expression energy (the face found, no blink)
    seconds: float  # ``of`` in seconds

    @property
    def short(self) -> bool:
        """Too little of this signer for a steady baseline."""
        return self.seconds < SHORT_SIGNER_S

    @property
    def note(self) -> str:
        """Which frames the baseline came from, in words."""
        pct = round(100 * NEUTRAL_FRACTION)
        if self.short:
            return (f"the quietest {pct} % of the only {self.seconds:.1f} s of this "
                    f"signer's face (under {SHORT_SIGNER_S:.0f} s: a rough baseline; more "
                    "videos of this signer make it steadier)")
        return (f"the signer's {pct} % most neutral frames ({self.frames} of {self.of}, "
                "blinks left out)")


def neutral_frames(videos: Sequence[tuple[Mapping[str, NDArray[Any]], float]]
                   ) -> NeutralFrames | None:
    """The most neutral frames of one signer's videos (signals and frame rate of each):
    the :data:`NEUTRAL_FRACTION` with the lowest expression energy; None without face
    signals."""
    energies = expression_energy([signals for signals, _ in videos])
    if energies is None:
        return None
    found = np.concatenate([e[np.isfinite(e)] for e in energies])
    if found.size == 0:
        return None
    cut = float(np.quantile(found, NEUTRAL_FRACTION))
    masks = [np.isfinite(e) & (e <= cut) for e in energies]
    seconds = sum(int(np.isfinite(e).sum()) / (fps if fps > 0 else 30.0)
                  for e, (_, fps) in zip(energies, videos, strict=True))
    return NeutralFrames(masks, int(sum(int(m.sum()) for m in masks)), int(found.size),
                         seconds)


def signer_baselines(videos: Sequence[tuple[Mapping[str, NDArray[Any]], float]],
                     detectors: Mapping[str, Detector] | None = None,
                     between: Callable[[int], None] | None = None
                     ) -> dict[str, Baseline | None]:
    """Each detector's baseline over one signer's videos (signals and frame rate of each):
    over their most neutral frames for a face detector, over all their frames for the
    others; None where no frame has the detector's signal.  ``between(j)`` is called
    before the j-th detector (it may raise to stop)."""
    chosen = DETECTORS if detectors is None else detectors
    neutral = (neutral_frames(videos) if any(d.neutral for d in chosen.values()) else None)
    out: dict[str, Baseline | None] = {}
    for j, (name, detector) in enumerate(chosen.items()):
        if between is not None:
            between(j)
        parts = [detector_signal(detector, signals) for signals, _ in videos]
        if not detector.neutral:
            found = [x for x in parts if x is not None]
            base = baseline(found) if found else None
            out[name] = (replace(base, note=f"all {base.frames} frames of the signer's "
                                 "videos") if base is not None else None)
            continue
        if neutral is None:
            out[name] = None
            continue
        quiet = [x[m] for x, m in zip(parts, neutral.masks, strict=True) if x is not None]
        base = baseline(quiet) if quiet else None
        out[name] = (replace(base, note=neutral.note, short=neutral.short)
                     if base is not None else None)
    return out


def _runs(mask: NDArray[Any]) -> list[tuple[int, int]]:
    """Inclusive (start, end) of each run of True."""
    if not mask.any():
        return []
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def detect(detector: Detector, x: NDArray[Any], fps: float, base: Baseline,
           settings: DetectorSettings | None = None) -> list[Proposal]:
    """The spans of ``x`` (one video's detector signal) that stand out from ``base``."""
    s = settings or detector.defaults
    s.check(detector.name)
    if not s.enabled or len(x) == 0 or not fps > 0:
        return []
    x = np.asarray(x, dtype=np.float64)
    scale = max(base.scale, detector.floor)
    with np.errstate(invalid="ignore"):
        z = detector.direction * (x - base.median) / scale
    z = np.where(np.isfinite(z), z, -np.inf)
    high = z >= s.threshold
    low = z >= s.threshold * s.release
    spans = [(a, b) for a, b in _runs(low) if high[a:b + 1].any()]
    gap = round(s.max_gap_s * fps)
    joined: list[tuple[int, int]] = []
    for a, b in spans:
        if joined and a - joined[-1][1] - 1 <= gap:
            joined[-1] = (joined[-1][0], b)
        else:
            joined.append((a, b))
    trim = round(detector.trim_s * fps)
    min_frames = max(1, round(s.min_duration_s * fps))
    out = []
    for a, b in joined:
        if trim and b - a + 1 > 2 * trim:
            a, b = a + trim, b - trim
        if b - a + 1 < min_frames:
            continue
        window = x[a:b + 1]
        best = int(np.nanargmax(detector.direction * window)) + a
        peak = float(x[best])
        if detector.direction * peak < detector.direction * s.min_peak and s.min_peak:
            continue
        out.append(Proposal(detector.name, detector.version, a, b, detector.value, Evidence(
            signal="+".join(detector.signals),
            threshold=round(base.median + detector.direction * s.threshold * scale, 6),
            baseline=round(base.median, 6), scale=round(scale, 6),
            peak=round(peak, 6), peak_frame=best, baseline_from=base.note)))
    return out


def propose(signals: Mapping[str, NDArray[Any]], fps: float,
            baselines: Mapping[str, Baseline | None],
            settings: Mapping[str, DetectorSettings] | None = None,
            only: Sequence[str] | None = None,
            detectors: Mapping[str, Detector] | None = None) -> list[Proposal]:
    """Every enabled detector's proposals for one video, in frame order.  ``baselines``
    holds the signer's baseline per detector (see :func:`signer_baselines`); ``detectors``
    (default :data:`DETECTORS`) may be :data:`LEGACY_DETECTORS` to compare."""
    out: list[Proposal] = []
    for name, detector in (DETECTORS if detectors is None else detectors).items():
        if only is not None and name not in only:
            continue
        x = detector_signal(detector, signals)
        base = baselines.get(name)
        if x is None or base is None:
            continue
        out.extend(detect(detector, x, fps, base, (settings or {}).get(name)))
    return sorted(out, key=lambda p: (p.start_frame, p.detector))


def settings_from_dict(data: Mapping[str, Mapping[str, object]]) -> dict[str, DetectorSettings]:
    """Detector settings from their stored form (unknown detectors and keys are refused
    with a message naming them; missing keys keep the defaults)."""
    out: dict[str, DetectorSettings] = {}
    fields = set(DetectorSettings.__dataclass_fields__)
    for name, values in data.items():
        if name not in DETECTORS:
            raise LabelValidationError(f"no detector named '{name}' "
                                       f"(known: {', '.join(DETECTORS)})")
        unknown = set(values) - fields
        if unknown:
            raise LabelValidationError(f"detector '{name}': unknown setting(s) "
                                       f"{', '.join(sorted(unknown))}")
        try:
            kwargs: dict[str, Any] = {k: (bool(v) if k == "enabled" else float(v))  # type: ignore[arg-type]
                                      for k, v in values.items()}
        except (TypeError, ValueError) as exc:
            raise LabelValidationError(f"detector '{name}': settings must be numbers "
                                       f"({exc})") from None
        s = replace(DETECTORS[name].defaults, **kwargs)
        s.check(name)
        out[name] = s
    return out


def settings_to_dict(settings: Mapping[str, DetectorSettings]) -> dict[str, dict[str, object]]:
    """The stored form of detector settings (only what differs from each default)."""
    out: dict[str, dict[str, object]] = {}
    for name, s in settings.items():
        default = asdict(DETECTORS[name].defaults)
        diff = {k: v for k, v in asdict(s).items() if default[k] != v}
        if diff:
            out[name] = diff
    return out
