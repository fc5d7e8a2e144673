"""Frames and milliseconds, for files that count in milliseconds (ELAN, SignStream).

Frame ``i`` shows from ``t_i`` (its presentation time, counted from the first frame, so a
stream that does not start at 0 is handled) until ``t_{i+1}``.  A span of frames
``a..b`` is written as ``ceil(t_a)`` to ``floor(t_{b+1})`` milliseconds: both ends lie inside
the right frames, so reading them back with :func:`frames_of_span` gives ``a..b`` again
exactly, at 25, 29.97 or 59.94 fps and with variable frame rates (any frame longer than a
millisecond).  Rounding to the nearest millisecond instead is how events land a frame off.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence

from emosign_desktop.media.frame_index import FrameIndex


def frame_starts_ms(index: FrameIndex) -> list[float]:
    """Each frame's start in milliseconds from the first frame, and the end of the last."""
    starts = [index.time_of(i) * 1000.0 for i in range(index.frame_count)]
    return [*starts, index.duration * 1000.0]


def span_to_ms(starts: Sequence[float], first: int, last: int) -> tuple[int, int]:
    """Milliseconds (begin, end) for frames ``first..last`` (inclusive), given
    :func:`frame_starts_ms`: ELAN shows the segment from its first frame to after its last."""
    begin = math.ceil(starts[first] - 1e-6)
    end = math.floor(starts[last + 1] + 1e-6)
    return begin, max(end, begin + 1)


def frame_at_ms(starts: Sequence[float], ms: float) -> int:
    """The frame showing at ``ms`` (clamped to the video)."""
    i = bisect.bisect_right(starts, ms + 1e-6) - 1
    return min(max(i, 0), len(starts) - 2)


def frames_of_span(starts: Sequence[float], begin_ms: float, end_ms: float) -> tuple[int, int]:
    """The frames ``first..last`` a span of milliseconds covers: the frame showing at its
    begin, to the last frame that starts before its end."""
    first = frame_at_ms(starts, begin_ms)
    last = bisect.bisect_left(starts, end_ms - 1e-6) - 1
    last = min(max(last, first), len(starts) - 2)
    return first, last


def nominal_starts_ms(fps: float, frame_count: int) -> list[float]:
    """Frame starts at a constant rate, for a video known by name only (no media)."""
    return [i * 1000.0 / fps for i in range(frame_count + 1)]
