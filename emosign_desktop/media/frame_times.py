"""Frames and milliseconds, for files that count in milliseconds (ELAN, SignStream).

Frame ``i`` shows from ``t_i`` (its presentation time, counted from the first frame, so a
stream that does not start at 0 is handled) until ``t_{i+1}``; its *middle* is halfway.

**The rule** (:func:`frames_in_span`, the one place milliseconds become frames): a frame
belongs to a span ``[begin, end)`` of milliseconds when the middle of its presentation
interval lies in it.  Each frame has its own interval, so a variable frame rate is handled;
two spans that share a boundary never share a frame, and a boundary rounded to the
millisecond (as ELAN writes them) lands on the same frames as the exact one, at any rate
where a frame lasts longer than two milliseconds.  A span that holds no frame's middle
(shorter than a frame) is kept as the one frame showing at its middle, a zero-length one as
the frame whose start is nearest (where ELAN puts a point it shows on that frame):
:func:`frames_of_annotation`, which says so, for the import's summary.

Writing, a span of frames ``a..b`` becomes ``ceil(t_a)`` to ``floor(t_{b+1})`` ms
(:func:`span_to_ms`): both ends lie inside the right frames (ELAN shows the segment from its
first frame to its last), and the rule reads them back as ``a..b`` exactly.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence

from emosign_desktop.media.frame_index import FrameIndex


def frame_starts_ms(index: FrameIndex) -> list[float]:
    """Each frame's start in milliseconds from the first frame, and the end of the last."""
    starts = [index.time_of(i) * 1000.0 for i in range(index.frame_count)]
    return [*starts, index.duration * 1000.0]


def frame_middles_ms(starts: Sequence[float]) -> list[float]:
    """The middle of each frame's presentation interval (ms), from :func:`frame_starts_ms`."""
    return [(a + b) / 2.0 for a, b in itertools.pairwise(starts)]


def frames_in_span(middles: Sequence[float], begin_ms: float,
                   end_ms: float) -> tuple[int, int] | None:
    """The frames ``first..last`` whose middle lies in ``[begin_ms, end_ms)``, or None when
    no frame's middle does.  ``middles`` from :func:`frame_middles_ms`."""
    first = bisect.bisect_left(middles, begin_ms)
    last = bisect.bisect_left(middles, end_ms) - 1
    return (first, last) if first <= last else None


def frames_of_annotation(starts: Sequence[float], middles: Sequence[float], begin_ms: float,
                         end_ms: float) -> tuple[int, int, bool]:
    """The frames of an annotation by :func:`frames_in_span`; one that holds no frame's
    middle is kept as the frame showing at its middle, one of zero length as the frame
    whose start is nearest.  Returns ``(first, last, kept)``, ``kept`` True in those cases."""
    found = frames_in_span(middles, begin_ms, end_ms)
    if found is not None:
        return found[0], found[1], False
    if end_ms <= begin_ms:
        frame = nearest_frame_start(starts, begin_ms)
    else:
        frame = frame_at_ms(starts, (begin_ms + end_ms) / 2.0)
    return frame, frame, True


def span_to_ms(starts: Sequence[float], first: int, last: int) -> tuple[int, int]:
    """Milliseconds (begin, end) for frames ``first..last`` (inclusive), given
    :func:`frame_starts_ms`: ELAN shows the segment from its first frame to after its last."""
    begin = math.ceil(starts[first] - 1e-6)
    end = math.floor(starts[last + 1] + 1e-6)
    return begin, max(end, begin + 1)


def boundary_ms(starts: Sequence[float], frame: int) -> int:
    """One millisecond value for the boundary before ``frame``, which the rule puts after
    frame ``frame - 1`` and before ``frame`` (for slots that two annotations share)."""
    return math.ceil(starts[frame] - 1e-6)


def frame_at_ms(starts: Sequence[float], ms: float) -> int:
    """The frame showing at ``ms`` (clamped to the video)."""
    i = bisect.bisect_right(starts, ms + 1e-6) - 1
    return min(max(i, 0), len(starts) - 2)


def nearest_frame_start(starts: Sequence[float], ms: float) -> int:
    """The frame whose start is nearest ``ms`` (the earlier on a tie), clamped to the video."""
    n = len(starts) - 1
    i = bisect.bisect_left(starts, ms, 0, n)
    if i > 0 and (i == n or ms - starts[i - 1] <= starts[i] - ms):
        i -= 1
    return min(max(i, 0), n - 1)


def nominal_starts_ms(fps: float, frame_count: int) -> list[float]:
    """Frame starts at a constant rate, for a video known by name only (no media)."""
    return [i * 1000.0 / fps for i in range(frame_count + 1)]
