"""The signer's neutral baseline and the face detectors of version 2, on synthetic face
signals with known spans."""

from __future__ import annotations

import numpy as np
import pytest

from emosign_desktop.analysis.proposals import (
    DETECTORS,
    EXPRESSION_SIGNALS,
    LEGACY_DETECTORS,
    NEUTRAL_FRACTION,
    SHORT_SIGNER_S,
    baseline,
    detect,
    detector_signal,
    neutral_frames,
    propose,
    settings_from_dict,
    signer_baselines,
)
from emosign_desktop.landmarks.signals import _energy

FPS = 25.0
LONG = int(SHORT_SIGNER_S * FPS) + 500  # enough of a signer for a steady baseline


def face(n: int, brow_rest: float = 0.05, furrows: tuple[tuple[int, int], ...] = (),
         depth: float = 0.3, noise: float = 0.01, seed: int = 0,
         blinks: tuple[int, ...] = ()) -> dict[str, np.ndarray]:
    """A signer's face signals: every expression signal near 0.05 (brow lowering near
    ``brow_rest``), the brows lowered by ``depth`` over ``furrows``, a gap in the brow
    signals on the ``blinks`` frames; the head still."""
    rng = np.random.default_rng(seed)
    out = {name: 0.05 + rng.normal(0, noise, n) for name in (*EXPRESSION_SIGNALS,
                                                             "inner_brow_raise")}
    out["brow_lowering"] += brow_rest - 0.05
    for a, b in furrows:
        out["brow_lowering"][a:b + 1] += depth
    out["eye_blink"] = np.full(n, 0.1)
    for f in blinks:
        out["eye_blink"][f] = 0.9
        for name in ("brow_lowering", "inner_brow_raise", "outer_brow_raise"):
            out[name][f] = np.nan
    still = _energy(rng.normal(0, 0.2, n), FPS)
    out["head_nod_energy"], out["head_shake_energy"] = still, still.copy()
    return out


def furrows_found(signals: dict[str, np.ndarray], signer: list[dict[str, np.ndarray]]
                  ) -> list[tuple[int, int]]:
    bases = signer_baselines([(v, FPS) for v in signer])
    return [(p.start_frame, p.end_frame) for p in propose(signals, FPS, bases,
                                                          only=["brow_furrow"])]


def near(found: list[tuple[int, int]], truth: list[tuple[int, int]], within: int = 2) -> bool:
    return len(found) == len(truth) and all(
        abs(a - ta) <= within and abs(b - tb) <= within
        for (a, b), (ta, tb) in zip(found, truth, strict=True))


def test_a_high_resting_brow_is_not_a_furrow_and_a_low_one_that_lowers_is():
    calm = face(LONG, brow_rest=0.45, noise=0.02, seed=1)  # rests with lowered brows
    assert furrows_found(calm, [calm]) == []
    low = face(LONG, brow_rest=0.007, furrows=((400, 700),), seed=2)
    assert near(furrows_found(low, [low]), [(400, 700)])
    # measured against the other signer's neutral face, the calm one is "furrowed" all along
    bases = signer_baselines([(low, FPS)])
    assert [(p.start_frame, p.end_frame) for p in propose(calm, FPS, bases,
                                                          only=["brow_furrow"])] == [
        (0, LONG - 1)]


def test_a_question_that_fills_most_of_the_clip_is_still_found():
    """The median of all frames would be the furrow itself; the neutral frames are not."""
    signals = face(LONG, furrows=((300, 300 + int(0.6 * LONG)),), seed=3)
    truth = [(300, 300 + int(0.6 * LONG))]
    assert near(furrows_found(signals, [signals]), truth)
    det = DETECTORS["brow_furrow"]
    x = detector_signal(det, signals)
    assert x is not None
    everything = baseline([x])
    assert everything is not None
    assert detect(det, x, FPS, everything) == []  # the old baseline over all frames


def test_the_neutral_frames_are_the_quiet_ones_and_leave_blinks_out():
    blinks = (50, 51, 52, 900, 901)
    signals = face(LONG, furrows=((200, 399),), blinks=blinks, seed=4)
    signals["jaw_open"][1000:1200] += 0.5  # mouthing
    found = neutral_frames([(signals, FPS)])
    assert found is not None
    [mask] = found.masks
    assert not mask[list(blinks)].any()
    assert not mask[200:400].any() and not mask[1000:1200].any()
    assert found.of == LONG - len(blinks)
    assert found.frames == pytest.approx(NEUTRAL_FRACTION * found.of, abs=2)
    assert not found.short and "most neutral frames" in found.note


def test_the_neutral_frames_come_from_all_the_signers_videos():
    busy = face(LONG, furrows=((0, LONG - 1),), seed=5)  # furrowed all through
    calm = face(LONG, seed=6)
    found = neutral_frames([(busy, FPS), (calm, FPS)])
    assert found is not None
    assert found.masks[0].sum() == 0 and found.masks[1].sum() == found.frames
    # alone, the busy video has no furrow; beside the signer's calm one, all of it is
    assert furrows_found(busy, [busy]) == []
    assert furrows_found(busy, [busy, calm]) == [(0, LONG - 1)]


def test_a_short_signer_gets_a_rough_baseline_and_it_is_said():
    short = face(100, furrows=((40, 70),), seed=7)
    bases = signer_baselines([(short, FPS)])
    base = bases["brow_furrow"]
    assert base is not None and base.short
    assert "rough baseline" in base.note and "4.0 s" in base.note
    found = propose(short, FPS, bases, only=["brow_furrow"])
    assert near([(p.start_frame, p.end_frame) for p in found], [(40, 70)])
    assert found[0].evidence.baseline_from == base.note
    assert "rough baseline" in str(found[0].evidence.as_dict()["baseline_from"])
    long = signer_baselines([(face(LONG, seed=8), FPS)])["brow_furrow"]
    assert long is not None and not long.short and "rough" not in long.note


def test_brow_raise_and_head_nod_come_from_the_face_signals():
    signals = face(LONG, seed=9)
    signals["inner_brow_raise"][500:600] += 0.3
    signals["outer_brow_raise"][500:600] += 0.3
    pitch = np.zeros(LONG)
    t = np.arange(50) / FPS
    pitch[1000:1050] = 10 * np.sin(2 * np.pi * 2 * t)  # two nods a second for 2 s
    signals["head_nod_energy"] = _energy(pitch + np.random.default_rng(1).normal(0, 0.2, LONG),
                                         FPS)
    bases = signer_baselines([(signals, FPS)])
    found = [(p.detector, p.version, p.start_frame, p.end_frame)
             for p in propose(signals, FPS, bases)]
    assert [f[:2] for f in found] == [("brow_raise", 2), ("head_nod", 2)]
    assert near([f[2:] for f in found], [(500, 599), (1000, 1049)], within=3)


def test_without_face_signals_the_face_detectors_have_no_baseline():
    mesh_only = {"brow_raise_left": np.zeros(200), "mouth_opening": np.full(200, 0.02)}
    bases = signer_baselines([(mesh_only, FPS)])
    assert bases["brow_furrow"] is None and bases["head_nod"] is None
    mouth = bases["mouth_opening"]
    assert mouth is not None and mouth.note == "all 200 frames of the signer's videos"
    assert propose(mesh_only, FPS, bases) == []


def test_the_face_detectors_are_a_new_version_under_the_same_names():
    for name in ("brow_raise", "brow_furrow", "head_nod", "head_shake"):
        old, new = LEGACY_DETECTORS[name], DETECTORS[name]
        assert (old.version, new.version) == (1, 2) and new.neutral and not old.neutral
        assert old.signals != new.signals and old.label == new.label
        assert old.tier_kind is new.tier_kind and old.value == new.value
    assert DETECTORS["brow_furrow"].signals == ("brow_lowering",)
    assert DETECTORS["brow_furrow"].direction == +1
    # settings stored under the old names still apply
    assert settings_from_dict({"brow_furrow": {"threshold": 3.0}})["brow_furrow"].threshold \
        == 3.0
