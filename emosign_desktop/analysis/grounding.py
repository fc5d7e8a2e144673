"""Emotion cue grounding: a model's predicted cue segments scored against the segments
people marked on a tier of the same video.

For each pair (video, human annotator who marked segments on the tier), the predicted cues of
that video are compared with that annotator's segments:

* **temporal IoU**: segments are matched one-to-one, greedily by IoU (the pair with the
  highest IoU first; only overlapping pairs), and the IoU of each matched pair is averaged;
  frames are inclusive (``start..end``);
* **boundary F1 within ±k frames**: the boundaries of a set of segments are each start and
  each ``end + 1`` (distinct values); a predicted boundary and a human one match when they
  are at most ``k`` frames apart, one-to-one, greedily nearest first; precision is matched /
  predicted boundaries, recall matched / human boundaries;
* **box IoU**: the mean IoU of the regions of the matched pairs where both have a region.

Counts are pooled over all pairs before the ratios are taken.  Every figure is in percent,
2 decimals (None when there is nothing to compute it on).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, TypedDict

from emosign_desktop.analysis.metrics import percent
from emosign_desktop.core.model import Region


class SpanLike(Protocol):
    """A segment or a predicted cue: inclusive frames and an optional region."""

    @property
    def start_frame(self) -> int: ...

    @property
    def end_frame(self) -> int: ...

    @property
    def region(self) -> Region | None: ...


class GroundingScores(TypedDict):
    """What :func:`grounding_scores` returns."""

    pairs: int
    human_segments: int
    predicted_segments: int
    matched: int
    mean_tiou: float | None
    boundary_frames: int
    boundary_precision: float | None
    boundary_recall: float | None
    boundary_f1: float | None
    boxes: int
    mean_box_iou: float | None


def temporal_iou(a_start: int, a_end: int, b_start: int, b_end: int) -> float:
    """IoU of two inclusive frame spans."""
    inter = min(a_end, b_end) - max(a_start, b_start) + 1
    if inter <= 0:
        return 0.0
    union = (a_end - a_start + 1) + (b_end - b_start + 1) - inter
    return inter / union


def box_iou(a: Region, b: Region) -> float:
    """IoU of two regions (0..1 image coordinates)."""
    w = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
    h = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / (a.w * a.h + b.w * b.h - inter)


def match_segments(predicted: Sequence[SpanLike], human: Sequence[SpanLike]
                   ) -> list[tuple[int, int, float]]:
    """One-to-one greedy matching by temporal IoU: ``(predicted index, human index, IoU)``,
    highest IoU first (ties: lower predicted index, then lower human index); only pairs
    that overlap."""
    pairs = [(temporal_iou(p.start_frame, p.end_frame, h.start_frame, h.end_frame), i, j)
             for i, p in enumerate(predicted) for j, h in enumerate(human)]
    pairs.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_p: set[int] = set()
    used_h: set[int] = set()
    out: list[tuple[int, int, float]] = []
    for iou, i, j in pairs:
        if iou <= 0:
            break
        if i in used_p or j in used_h:
            continue
        used_p.add(i)
        used_h.add(j)
        out.append((i, j, iou))
    return out


def boundaries(segments: Iterable[SpanLike]) -> list[int]:
    """The distinct boundaries of segments: each start and each end + 1, sorted."""
    return sorted({b for s in segments for b in (s.start_frame, s.end_frame + 1)})


def match_boundaries(predicted: Sequence[int], human: Sequence[int], k: int) -> int:
    """How many boundaries match one-to-one within ``k`` frames (nearest pairs first)."""
    pairs = sorted((abs(p - h), i, j) for i, p in enumerate(predicted)
                   for j, h in enumerate(human) if abs(p - h) <= k)
    used_p: set[int] = set()
    used_h: set[int] = set()
    for _d, i, j in pairs:
        if i not in used_p and j not in used_h:
            used_p.add(i)
            used_h.add(j)
    return len(used_p)


def grounding_scores(pairs: Iterable[tuple[Sequence[SpanLike], Sequence[SpanLike]]],
                     k: int = 2) -> GroundingScores:
    """Scores over ``(predicted cues, one annotator's segments)`` pairs of the same video."""
    if k < 0:
        raise ValueError("the boundary tolerance must be 0 or more frames")
    n_pairs = n_pred = n_human = matched = boxes = 0
    tiou_sum = box_sum = 0.0
    b_pred = b_human = b_matched = 0
    for predicted, human in pairs:
        n_pairs += 1
        n_pred += len(predicted)
        n_human += len(human)
        for i, j, iou in match_segments(predicted, human):
            matched += 1
            tiou_sum += iou
            a, b = predicted[i].region, human[j].region
            if a is not None and b is not None:
                boxes += 1
                box_sum += box_iou(a, b)
        pb, hb = boundaries(predicted), boundaries(human)
        b_pred += len(pb)
        b_human += len(hb)
        b_matched += match_boundaries(pb, hb, k)
    precision = b_matched / b_pred if b_pred else None
    recall = b_matched / b_human if b_human else None
    f1: float | None = None
    if precision is not None and recall is not None:
        f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    elif recall is not None:
        f1 = 0.0  # people marked boundaries and the model predicted none here
    return {
        "pairs": n_pairs,
        "human_segments": n_human,
        "predicted_segments": n_pred,
        "matched": matched,
        "mean_tiou": percent(tiou_sum / matched) if matched else None,
        "boundary_frames": k,
        "boundary_precision": percent(precision),
        "boundary_recall": percent(recall),
        "boundary_f1": percent(f1),
        "boxes": boxes,
        "mean_box_iou": percent(box_sum / boxes) if boxes else None,
    }
