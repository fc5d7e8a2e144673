"""Agreement on tiers: alpha over frame-wise segment values, and boundary agreement."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from emosign_desktop.core.model import Segment


def frame_values(segments: Iterable[Segment], frames: int) -> NDArray[Any]:
    """Value codes of one annotator on one tier and video, per frame ("" = no segment)."""
    out = np.full(frames, "", dtype=object)
    for s in sorted(segments, key=lambda s: s.start_frame):
        out[s.start_frame:min(s.end_frame, frames - 1) + 1] = s.value or "(segment)"
    return out


def tier_matrix(by_video: Mapping[int, Mapping[int, list[Segment]]],
                frames_of: Mapping[int, int], annotators: Sequence[int]) -> NDArray[Any]:
    """Annotators x frames (all videos side by side); nan where an annotator did not work
    on the video.  ``by_video[video][annotator]`` lists that annotator's segments."""
    columns = []
    codes: dict[str, float] = {"": 0.0}
    for video, per in sorted(by_video.items()):
        n = frames_of[video]
        block = np.full((len(annotators), n), np.nan)
        for row, a in enumerate(annotators):
            if a in per:
                values = frame_values(per[a], n)
                block[row] = [codes.setdefault(v, float(len(codes))) for v in values]
        columns.append(block)
    if not columns:
        return np.full((len(annotators), 0), np.nan)
    return np.concatenate(columns, axis=1)


def boundary_f1(by_video: Mapping[int, Mapping[int, list[Segment]]], k: int) -> float | None:
    """How often a segment boundary (start, or end + 1) of one annotator has a boundary of the
    other within ``k`` frames: F1 over all pairs of annotators and videos."""
    matched = total = 0
    for per in by_video.values():
        bounds = {a: np.array(sorted({b for s in segs for b in (s.start_frame,
                                                                s.end_frame + 1)}))
                  for a, segs in per.items()}
        people = sorted(bounds)
        for i, a in enumerate(people):
            for b in people[i + 1:]:
                for x, y in ((bounds[a], bounds[b]), (bounds[b], bounds[a])):
                    total += len(x)
                    if len(x) and len(y):
                        d = np.abs(x[:, None] - y[None, :]).min(axis=1)
                        matched += int((d <= k).sum())
    return matched / total if total else None


def group_segments(segments: Iterable[Segment], annotators: set[int]
                   ) -> dict[int, dict[int, dict[int, list[Segment]]]]:
    """tier -> video -> annotator -> segments (only the given annotators)."""
    out: dict[int, dict[int, dict[int, list[Segment]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list)))
    for s in segments:
        if s.annotator_id in annotators:
            out[s.tier_id][s.video_id][s.annotator_id].append(s)
    return out
