"""Agreement over time: how one annotator's labels compare with a reference (gold labels, or
the other annotators) video by video, in the order they labelled, over a rolling window.

A label vector is ``[sentiment, emotion 1, ..., emotion n]`` (NaN = not rated).  At each
video the annotator labelled, the window is that video and the ``window - 1`` they labelled
before it; over the window's videos that have a reference:

* ``sentiment_alpha``: Krippendorff's alpha (interval) of the annotator's sentiment against
  each reference rater, averaged over the raters (gold is one rater);
* ``sentiment_bias``: the mean of (annotator's sentiment - the reference raters' mean
  sentiment) on each video: positive when the annotator rates more positively;
* ``emotion_agreement``: the percent of (video, rater, emotion) where the annotator and the
  rater agree on whether the emotion is present (intensity above 0).

Figures are None where the window has nothing to compare (alpha also when it is undefined,
e.g. every sentiment in the window is the same).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from emosign_desktop.analysis.alpha import krippendorff_alpha

DEFAULT_WINDOW = 10


@dataclass(frozen=True)
class DriftPoint:
    """The rolling figures at the ``index``-th video (1-based) an annotator labelled."""

    index: int
    video: int
    compared: int  # videos of the window with a reference
    sentiment_alpha: float | None
    sentiment_bias: float | None
    emotion_agreement: float | None

    def as_dict(self) -> dict[str, int | float | None]:
        """For JSON; figures rounded to 4 decimals (agreement in percent, 2 decimals)."""
        return {
            "index": self.index, "video": self.video, "compared": self.compared,
            "sentiment_alpha": None if self.sentiment_alpha is None
            else round(self.sentiment_alpha, 4),
            "sentiment_bias": None if self.sentiment_bias is None
            else round(self.sentiment_bias, 4),
            "emotion_agreement": None if self.emotion_agreement is None
            else round(self.emotion_agreement, 2),
        }


def _alpha(mine: list[float], theirs: list[float], domain: list[float]) -> float | None:
    matrix = np.array([mine, theirs], dtype=float)
    return krippendorff_alpha(matrix, "interval", domain).alpha


def window_figures(mine: Sequence[tuple[int, NDArray[Any]]],
                   reference: Mapping[str, Mapping[int, NDArray[Any]]],
                   sentiment_domain: Sequence[float]) -> tuple[int, float | None, float | None,
                                                               float | None]:
    """(compared, alpha, bias, emotion agreement) over ``mine`` (video, vector) pairs."""
    domain = [float(v) for v in sentiment_domain]
    compared = 0
    diffs: list[float] = []
    agree = total = 0
    alphas: list[float] = []
    for theirs in reference.values():
        pairs_m: list[float] = []
        pairs_t: list[float] = []
        for video, vec in mine:
            other = theirs.get(video)
            if other is None:
                continue
            if np.isfinite(vec[0]) and np.isfinite(other[0]):
                pairs_m.append(float(vec[0]))
                pairs_t.append(float(other[0]))
            both = np.isfinite(vec[1:]) & np.isfinite(other[1:])
            agree += int(((vec[1:] > 0) == (other[1:] > 0))[both].sum())
            total += int(both.sum())
        if pairs_m:
            a = _alpha(pairs_m, pairs_t, domain)
            if a is not None:
                alphas.append(a)
    for video, vec in mine:
        refs = [theirs[video][0] for theirs in reference.values() if video in theirs]
        if refs:
            compared += 1
        found = [r for r in refs if np.isfinite(r)]
        if found and np.isfinite(vec[0]):
            diffs.append(float(vec[0]) - float(np.mean(found)))
    return (compared, float(np.mean(alphas)) if alphas else None,
            float(np.mean(diffs)) if diffs else None,
            100.0 * agree / total if total else None)


def rolling(mine: Sequence[tuple[int, NDArray[Any]]],
            reference: Mapping[str, Mapping[int, NDArray[Any]]],
            sentiment_domain: Sequence[float], window: int = DEFAULT_WINDOW
            ) -> list[DriftPoint]:
    """One point per video of ``mine`` (in the order given: the order they labelled)."""
    if window < 1:
        raise ValueError("the window must hold at least 1 video")
    out = []
    for i in range(len(mine)):
        part = mine[max(0, i + 1 - window):i + 1]
        compared, alpha, bias, emotions = window_figures(part, reference, sentiment_domain)
        out.append(DriftPoint(i + 1, mine[i][0], compared, alpha, bias, emotions))
    return out
