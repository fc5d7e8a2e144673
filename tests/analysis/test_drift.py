"""Agreement over time on generated annotators whose accuracy changes halfway."""

from __future__ import annotations

import numpy as np
import pytest

from emosign_desktop.analysis.drift import rolling, window_figures

SENTIMENT = [-3, -2, -1, 0, 1, 2, 3]
N = 60


def _gold(seed: int = 0) -> dict[int, np.ndarray]:
    rng = np.random.default_rng(seed)
    out = {}
    for v in range(N):
        emotions = rng.integers(0, 4, 10) * (rng.random(10) < 0.3)
        out[v] = np.array([rng.integers(-3, 4), *emotions], dtype=float)
    return out


def _drifter(gold: dict[int, np.ndarray], seed: int = 1) -> list[tuple[int, np.ndarray]]:
    """Agrees with gold for the first half, then rates every video 2 points more positive
    (capped) and calls every emotion present."""
    rng = np.random.default_rng(seed)
    out = []
    for v in range(N):
        vec = gold[v].copy()
        if v >= N // 2:
            vec[0] = min(3.0, vec[0] + 2)
            vec[1:] = np.maximum(vec[1:], 1)
        elif rng.random() < 0.1:
            vec[0] = max(-3.0, min(3.0, vec[0] + rng.choice([-1, 1])))
        out.append((v, vec))
    return out


def test_a_drift_towards_positive_shows_in_bias_alpha_and_emotions() -> None:
    gold = _gold()
    mine = _drifter(gold)
    points = rolling(mine, {"gold": gold}, SENTIMENT, window=10)
    assert [p.index for p in points] == list(range(1, N + 1))
    assert all(p.compared == min(p.index, 10) for p in points)
    early, late = points[N // 2 - 1], points[-1]  # the window just before / well after
    assert early.sentiment_bias is not None and abs(early.sentiment_bias) < 0.3
    assert late.sentiment_bias is not None and late.sentiment_bias > 1.0
    assert early.sentiment_alpha is not None and early.sentiment_alpha > 0.85
    assert late.sentiment_alpha is not None and late.sentiment_alpha < early.sentiment_alpha - 0.3
    assert early.emotion_agreement == 100.0
    assert late.emotion_agreement is not None and late.emotion_agreement < 50
    # The change shows within a window of where it happened.
    first_biased = next(p.index for p in points if (p.sentiment_bias or 0) > 0.5)
    assert N // 2 < first_biased <= N // 2 + 5


def test_other_annotators_as_the_reference_average_their_pairs() -> None:
    gold = _gold()
    steady = {v: vec for v, vec in _drifter(gold, seed=5)[: N // 2]}  # only the first half
    faithful = dict(gold)
    mine = _drifter(gold)
    points = rolling(mine, {"b": faithful, "c": steady}, SENTIMENT, window=10)
    # In the second half only "b" labelled the videos; its alpha alone is the mean.
    late = points[-1]
    only_b = rolling(mine, {"b": faithful}, SENTIMENT, window=10)[-1]
    assert late.sentiment_alpha == pytest.approx(only_b.sentiment_alpha)
    assert late.compared == 10


def test_nothing_to_compare_gives_none_not_zero() -> None:
    mine = [(100, np.array([1.0, *[0.0] * 10]))]
    compared, alpha, bias, emotions = window_figures(mine, {"gold": {}}, SENTIMENT)
    assert (compared, alpha, bias, emotions) == (0, None, None, None)
    same = {100: np.array([1.0, *[0.0] * 10])}
    compared, alpha, bias, emotions = window_figures(mine, {"gold": same}, SENTIMENT)
    assert compared == 1 and alpha is None and bias == 0.0 and emotions == 100.0
    with pytest.raises(ValueError, match="at least 1"):
        rolling(mine, {}, SENTIMENT, window=0)
    assert rolling([], {"gold": same}, SENTIMENT) == []
