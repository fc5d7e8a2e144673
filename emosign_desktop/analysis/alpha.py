"""Krippendorff's alpha on a reliability matrix, with an explanation when it is undefined."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, NotRequired, TypedDict

import numpy as np
from numpy.typing import NDArray

Level = Literal["nominal", "ordinal", "interval"]
LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval")


class AlphaJson(TypedDict):
    """:meth:`Alpha.to_json`: the reason only when alpha is undefined."""

    alpha: float | None
    level: str
    units: int
    annotators: int
    reason: NotRequired[str]


@dataclass(frozen=True)
class Alpha:
    """Alpha for one label (None when undefined, with the reason)."""

    alpha: float | None
    level: str
    units: int  # units (videos, frames) rated by at least two annotators
    annotators: int  # annotators who gave at least one pairable rating
    reason: str | None = None

    def to_json(self) -> AlphaJson:
        out: AlphaJson = {"alpha": self.alpha, "level": self.level, "units": self.units,
                          "annotators": self.annotators}
        if self.reason:
            out["reason"] = self.reason
        return out


def krippendorff_alpha(matrix: NDArray[Any], level: str,
                       value_domain: list[float] | None = None) -> Alpha:
    """Alpha of an annotators x units matrix (``nan`` = not rated)."""
    import krippendorff

    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}")
    data = np.asarray(matrix, dtype=float)
    if data.ndim != 2:
        raise ValueError("the reliability matrix must be annotators x units")
    rated = ~np.isnan(data)
    pairable = rated.sum(axis=0) >= 2
    units = int(pairable.sum())
    annotators = int((rated[:, pairable]).any(axis=1).sum()) if units else 0
    if units == 0:
        return Alpha(None, level, 0, annotators,
                     "no unit was rated by two or more annotators")
    values = np.unique(data[:, pairable][rated[:, pairable]])
    if len(values) < 2:
        return Alpha(None, level, units, annotators,
                     f"no variation: every rating is {values[0]:g}, so agreement by chance "
                     "cannot be told apart from real agreement")
    domain = value_domain if value_domain is not None and level != "nominal" else None
    if domain is not None:
        domain = sorted(set(domain) | {float(v) for v in values})
    result = float(krippendorff.alpha(reliability_data=data[:, pairable],
                                      level_of_measurement=level, value_domain=domain))
    if not np.isfinite(result):
        return Alpha(None, level, units, annotators, "alpha is undefined for these ratings")
    return Alpha(result, level, units, annotators)
