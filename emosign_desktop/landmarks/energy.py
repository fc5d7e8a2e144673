"""Head movement energy: how fast an angle changes over a short window (nods from the pitch,
shakes from the yaw), shared by the mesh signals and the face-matrix signals."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

ENERGY_WINDOW_S = 0.5


def angular_energy(angle: NDArray[Any], fps: float) -> NDArray[Any]:
    """Mean squared angular speed ((deg/s)^2) over a centred window of ENERGY_WINDOW_S."""
    speed = np.gradient(angle) * fps if len(angle) > 1 else np.zeros_like(angle)
    n = max(1, round(ENERGY_WINDOW_S * fps))
    sq = np.nan_to_num(speed**2, nan=0.0)
    valid = (~np.isnan(speed)).astype(float)
    kernel = np.ones(n)
    lo = (n - 1) // 2  # a centred window, whatever the clip's length
    num = np.convolve(sq, kernel, mode="full")[lo:lo + len(sq)]
    den = np.convolve(valid, kernel, mode="full")[lo:lo + len(sq)]
    with np.errstate(invalid="ignore", divide="ignore"):
        out: NDArray[Any] = num / den
    out[np.isnan(angle)] = np.nan
    return out
