"""Detectors on synthetic signals with known spans."""

from __future__ import annotations

import numpy as np
import pytest

from emosign_desktop.analysis.proposals import (
    DETECTORS,
    LEGACY_DETECTORS,
    Baseline,
    DetectorSettings,
    baseline,
    detect,
    detector_signal,
    propose,
    settings_from_dict,
    settings_to_dict,
)
from emosign_desktop.core.errors import LabelValidationError
from emosign_desktop.landmarks.signals import _energy

FPS = 30.0
#: The mechanics of a detector are the same in every version: these tests run them on the
#: mesh brow signals of version 1 (the blendshape ones are in test_neutral_baseline.py).
V1 = LEGACY_DETECTORS


def _brows(n: int, spans: list[tuple[int, int]], level: float = 0.0, rise: float = 0.1,
           noise: float = 0.0, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.full(n, level) + rng.normal(0, noise, n) if noise else np.full(n, level)
    for a, b in spans:
        x[a:b + 1] += rise
    return {"brow_raise_left": x.copy(), "brow_raise_right": x.copy()}


def _spans(proposals: list) -> list[tuple[int, int]]:
    return [(p.start_frame, p.end_frame) for p in proposals]


def test_a_clean_raise_is_proposed_with_its_exact_frames() -> None:
    det = V1["brow_raise"]
    signals = _brows(300, [(100, 139), (200, 229)], noise=0.0)
    x = detector_signal(det, signals)
    assert x is not None
    # A signer's still face: the MAD is 0, so the detector's floor sets the scale.
    base = baseline([x])
    assert base is not None and base.scale == 0.0 and base.median == 0.0
    found = detect(det, x, FPS, base)
    assert _spans(found) == [(100, 139), (200, 229)]
    first = found[0]
    assert first.detector == "brow_raise" and first.version == det.version
    assert first.evidence.signal == "brow_raise_left+brow_raise_right"
    assert first.evidence.peak == pytest.approx(0.1)
    assert first.evidence.baseline == 0.0
    assert first.evidence.scale == det.floor
    assert first.evidence.threshold == pytest.approx(2.5 * det.floor)


def test_noise_moves_onsets_by_at_most_a_frame_or_two_and_proposes_nothing_else() -> None:
    det = V1["brow_raise"]
    truth = [(40, 79), (150, 190), (260, 300)]
    signals = _brows(400, truth, rise=0.12, noise=0.015, seed=3)
    x = detector_signal(det, signals)
    assert x is not None
    found = _spans(detect(det, x, FPS, baseline([x])))  # type: ignore[arg-type]
    assert len(found) == len(truth)
    for (a, b), (ta, tb) in zip(found, truth, strict=True):
        assert abs(a - ta) <= 2 and abs(b - tb) <= 2


def test_each_signer_is_measured_against_their_own_baseline() -> None:
    det = V1["brow_raise"]
    # Signer B's brows sit higher on the face all the time: not a raise.
    a_sig = detector_signal(det, _brows(200, [(50, 80)], level=0.00, noise=0.01, seed=1))
    b_sig = detector_signal(det, _brows(200, [(120, 160)], level=0.08, noise=0.01, seed=2))
    assert a_sig is not None and b_sig is not None
    base_a, base_b = baseline([a_sig]), baseline([b_sig])
    assert base_a is not None and base_b is not None
    # With signer A's baseline, all of B's video looks raised.
    assert _spans(detect(det, b_sig, FPS, base_a)) == [(0, 199)]
    b_found = _spans(detect(det, b_sig, FPS, base_b))
    assert len(b_found) == 1 and abs(b_found[0][0] - 120) <= 2 and abs(b_found[0][1] - 160) <= 2


def test_a_furrow_is_a_drop_of_the_inner_brow_distance() -> None:
    det = V1["brow_furrow"]
    x = np.full(200, 0.5)
    x[60:90] -= 0.08
    base = baseline([x])
    assert base is not None
    found = detect(det, x, FPS, base)
    assert _spans(found) == [(60, 89)]
    assert found[0].value == "brow furrow - wh-question"
    assert found[0].evidence.peak == pytest.approx(0.42)
    assert found[0].evidence.threshold < 0.5
    # The same drop read as a raise proposes nothing.
    assert detect(V1["brow_raise"], x, FPS, base) == []


def _shake_energy(n: int, a: int, b: int, amplitude: float = 15.0) -> np.ndarray:
    yaw = np.zeros(n)
    t = np.arange(b - a + 1) / FPS
    yaw[a:b + 1] = amplitude * np.sin(2 * np.pi * 2.5 * t)  # 2.5 shakes a second
    return _energy(yaw, FPS)


def test_head_shake_from_its_energy_signal_takes_off_the_energy_window() -> None:
    det = DETECTORS["head_shake"]
    energy = _shake_energy(240, 90, 149)
    base = baseline([energy])
    assert base is not None
    found = _spans(detect(det, energy, FPS, base))
    assert len(found) == 1
    a, b = found[0]
    assert abs(a - 90) <= 3 and abs(b - 149) <= 3
    # Without the trim, the span would run half a window (7-8 frames) further each side.
    untrimmed = _spans(detect(det.__class__(**{**det.__dict__, "trim_s": 0.0}), energy, FPS,
                              base))
    assert untrimmed[0][0] < a - 4 and untrimmed[0][1] > b + 4


def test_a_still_signer_gets_no_head_shakes_made_of_noise() -> None:
    det = DETECTORS["head_shake"]
    rng = np.random.default_rng(5)
    yaw = rng.normal(0, 0.3, 300)  # tracking jitter of a fraction of a degree
    energy = _energy(yaw, FPS)
    base = baseline([energy])
    assert base is not None
    assert detect(det, energy, FPS, base) == []
    # A real shake in the same video still is.
    energy2 = _energy(yaw + np.where((np.arange(300) >= 100) & (np.arange(300) < 160),
                                     15 * np.sin(2 * np.pi * 2.5 * np.arange(300) / FPS), 0),
                      FPS)
    assert len(detect(det, energy2, FPS, base)) == 1


def test_short_spans_are_dropped_and_near_ones_joined() -> None:
    det = V1["brow_raise"]
    x = np.zeros(300)
    x[10:13] = 0.1  # 3 frames: under 0.2 s
    x[50:70] = 0.1
    x[72:90] = 0.1  # a 2-frame dip: joined (max gap 0.1 s = 3 frames)
    x[150:170] = 0.1
    x[180:200] = 0.1  # 10 frames apart: kept apart
    base = Baseline(0.0, 0.0, 300)
    assert _spans(detect(det, x, FPS, base)) == [(50, 89), (150, 169), (180, 199)]
    longer = DetectorSettings(min_duration_s=1.0)
    assert _spans(detect(det, x, FPS, base, longer)) == [(50, 89)]
    assert detect(det, x, FPS, base, DetectorSettings(enabled=False)) == []


def test_hysteresis_widens_a_span_to_where_the_rise_began() -> None:
    det = V1["brow_raise"]
    x = np.zeros(100)
    x[30:70] = np.concatenate([np.linspace(0.0, 0.1, 10), np.full(20, 0.1),
                               np.linspace(0.1, 0.0, 10)])
    base = Baseline(0.0, 0.0, 100)
    (a, b), = _spans(detect(det, x, FPS, base))
    strict = _spans(detect(det, x, FPS, base, DetectorSettings(release=1.0)))[0]
    assert a < strict[0] and b > strict[1]


def test_missing_frames_never_start_a_span() -> None:
    det = DETECTORS["mouth_opening"]
    x = np.full(120, 0.02)
    x[40:60] = np.nan
    x[80:100] = 0.3
    base = baseline([x])
    assert base is not None and base.frames == 100
    assert _spans(detect(det, x, FPS, base)) == [(80, 99)]
    assert detector_signal(V1["brow_raise"], {"brow_raise_left": x}) is None


def test_propose_runs_every_detector_it_has_signals_and_a_baseline_for() -> None:
    n = 200
    raised = _brows(n, [(20, 60)])["brow_raise_left"]
    signals = {"inner_brow_raise": raised, "outer_brow_raise": raised.copy()}
    signals["mouth_opening"] = np.full(n, 0.02)
    signals["mouth_opening"][100:130] = 0.3
    bases = {name: baseline([x]) for name, det in DETECTORS.items()
             if (x := detector_signal(det, signals)) is not None}
    found = propose(signals, FPS, bases)
    assert [(p.detector, p.start_frame, p.end_frame) for p in found] == [
        ("brow_raise", 20, 60), ("mouth_opening", 100, 129)]
    assert propose(signals, FPS, bases, only=["mouth_opening"])[0].detector == "mouth_opening"
    off = {"brow_raise": DetectorSettings(enabled=False)}
    assert [p.detector for p in propose(signals, FPS, bases, off)] == ["mouth_opening"]


def test_settings_round_trip_and_refuse_nonsense_by_name() -> None:
    changed = {"brow_raise": DetectorSettings(threshold=3.5),
               "head_nod": DETECTORS["head_nod"].defaults}
    stored = settings_to_dict(changed)
    assert stored == {"brow_raise": {"threshold": 3.5}}
    assert settings_from_dict(stored)["brow_raise"].threshold == 3.5
    assert settings_from_dict(stored)["brow_raise"].min_duration_s == 0.2
    with pytest.raises(LabelValidationError, match="no detector named 'brow_up'"):
        settings_from_dict({"brow_up": {}})
    with pytest.raises(LabelValidationError, match="unknown setting"):
        settings_from_dict({"brow_raise": {"thresh": 2}})
    with pytest.raises(LabelValidationError, match="'brow_raise': threshold must be above 0"):
        settings_from_dict({"brow_raise": {"threshold": -1}})
    with pytest.raises(LabelValidationError, match="must be numbers"):
        settings_from_dict({"brow_raise": {"threshold": "high"}})
