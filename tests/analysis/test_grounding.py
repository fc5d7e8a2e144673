"""Cue grounding scores (analysis/grounding.py), computed by hand."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from emosign_desktop.analysis.grounding import (
    boundaries,
    box_iou,
    grounding_scores,
    match_boundaries,
    match_segments,
    temporal_iou,
)
from emosign_desktop.core.model import Region


@dataclass(frozen=True)
class Span:
    start_frame: int
    end_frame: int
    region: Region | None = None


def test_temporal_iou_counts_frames_inclusively():
    assert temporal_iou(0, 9, 0, 9) == 1.0
    assert temporal_iou(0, 9, 5, 14) == pytest.approx(5 / 15)
    assert temporal_iou(0, 4, 5, 9) == 0.0  # adjacent, no shared frame
    assert temporal_iou(3, 3, 3, 3) == 1.0
    assert temporal_iou(0, 9, 9, 9) == pytest.approx(1 / 10)


def test_box_iou():
    a, b = Region(0, 0, 0.5, 0.5), Region(0.25, 0.25, 0.5, 0.5)
    assert box_iou(a, b) == pytest.approx(0.0625 / 0.4375)
    assert box_iou(a, a) == pytest.approx(1.0)
    assert box_iou(a, Region(0.5, 0.5, 0.5, 0.5)) == 0.0


def test_greedy_matching_takes_the_best_pairs_first_one_to_one():
    pred = [Span(0, 9), Span(10, 19)]
    human = [Span(0, 10), Span(8, 20)]
    # IoUs: p0-h0 10/11, p0-h1 2/21, p1-h0 1/20, p1-h1 10/13
    assert match_segments(pred, human) == [(0, 0, pytest.approx(10 / 11)),
                                           (1, 1, pytest.approx(10 / 13))]
    # two predictions want the same human segment: only the better one gets it
    assert match_segments([Span(2, 9), Span(0, 9)], [Span(0, 9)]) == [(1, 0, 1.0)]
    assert match_segments([Span(0, 3)], [Span(5, 9)]) == []


def test_boundaries_and_their_matching():
    assert boundaries([Span(0, 9), Span(10, 14)]) == [0, 10, 15]
    assert match_boundaries([0, 10], [2, 13], 2) == 1
    assert match_boundaries([0, 10], [2, 13], 3) == 2
    assert match_boundaries([0, 1], [0], 2) == 1  # one-to-one
    assert match_boundaries([], [4], 2) == 0


def test_scores_pooled_over_pairs_by_hand():
    r = Region(0, 0, 0.5, 0.5)
    pairs = [
        # video 1, one annotator: p0-h0 IoU 10/11 (boxes 1/7), p1 unmatched
        ([Span(0, 9, r), Span(30, 39)], [Span(0, 10, Region(0.25, 0.25, 0.5, 0.5))]),
        # video 2: IoU 5/15, no regions
        ([Span(0, 9)], [Span(5, 14)]),
        # video 3: the model predicted nothing here
        ([], [Span(0, 4)]),
    ]
    g = grounding_scores(pairs, k=2)
    assert g["pairs"] == 3 and g["predicted_segments"] == 3 and g["human_segments"] == 3
    assert g["matched"] == 2
    assert g["mean_tiou"] == round(100 * (10 / 11 + 5 / 15) / 2, 2)
    assert g["boxes"] == 1 and g["mean_box_iou"] == round(100 * 0.0625 / 0.4375, 2)
    # boundaries: v1 pred {0,10,30,40} vs human {0,11}: 0-0, 10-11 -> 2 of 4 and 2 of 2
    # v2 pred {0,10} vs {5,15}: none within 2; v3 pred {} vs {0,5}: none
    # precision 2/6, recall 2/6 -> F1 1/3
    assert g["boundary_precision"] == 33.33 and g["boundary_recall"] == 33.33
    assert g["boundary_f1"] == 33.33
    assert g["boundary_frames"] == 2


def test_a_wider_tolerance_matches_more():
    pairs = [([Span(0, 9)], [Span(5, 14)])]
    assert grounding_scores(pairs, k=4)["boundary_f1"] == 0.0
    assert grounding_scores(pairs, k=5)["boundary_f1"] == 100.0


def test_nothing_to_score():
    g = grounding_scores([], k=2)
    assert g["pairs"] == 0 and g["mean_tiou"] is None and g["boundary_f1"] is None
    g = grounding_scores([([], [Span(0, 4)])], k=2)
    assert g["boundary_recall"] == 0.0 and g["boundary_f1"] == 0.0
    assert g["boundary_precision"] is None
    with pytest.raises(ValueError):
        grounding_scores([], k=-1)
