"""Aggregating several annotators' ratings of one label into one value.

The EmoSign rule (``majority``): the value most annotators gave; on a tie, the value of the
most confident annotator among those who gave a tied value (confidence for the task:
sentiment confidence for sentiment, emotion confidence for the emotions).  If they are equally
confident, the tied value nearest the mean of all ratings, then the lower one.  ``mean`` and
``median`` round half away from zero.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Sequence

METHODS = ("majority", "mean", "median")


def _round(x: float) -> int:
    return math.floor(abs(x) + 0.5) * (1 if x >= 0 else -1)


def aggregate(ratings: Sequence[tuple[int, int | None]], method: str = "majority") -> int | None:
    """One value from ``(value, confidence)`` pairs (confidence may be None)."""
    if not ratings:
        return None
    values = [v for v, _ in ratings]
    if method == "mean":
        return _round(statistics.fmean(values))
    if method == "median":
        return _round(statistics.median(values))
    if method != "majority":
        raise ValueError(f"aggregation must be one of {', '.join(METHODS)}")
    counts = Counter(values)
    top = max(counts.values())
    tied = sorted(v for v, n in counts.items() if n == top)
    if len(tied) == 1:
        return tied[0]
    best = max((c if c is not None else -1) for v, c in ratings if v in tied)
    confident = sorted({v for v, c in ratings if v in tied and (c if c is not None else -1)
                        == best})
    if len(confident) == 1:
        return confident[0]
    mean = statistics.fmean(values)
    return min(confident, key=lambda v: (abs(v - mean), v))
