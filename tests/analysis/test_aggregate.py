from __future__ import annotations

import pytest

from emosign_desktop.analysis.aggregate import aggregate


def test_majority():
    assert aggregate([(2, 10), (2, 20), (-1, 99)]) == 2


def test_tie_goes_to_the_most_confident():
    assert aggregate([(1, 50), (3, 90)]) == 3
    assert aggregate([(1, 95), (3, 90)]) == 1
    assert aggregate([(1, 80), (2, 30), (3, 10)]) == 1


def test_tie_with_missing_confidence():
    assert aggregate([(0, None), (2, 40)]) == 2


def test_tie_equally_confident_goes_to_the_value_nearest_the_mean_then_lower():
    assert aggregate([(0, 50), (3, 50), (3, 50), (0, 50), (1, 10)]) == 0
    assert aggregate([(1, 70), (2, 70)]) == 1


def test_one_rater_and_none():
    assert aggregate([(-3, None)]) == -3
    assert aggregate([]) is None


def test_mean_and_median_round_half_away_from_zero():
    assert aggregate([(1, 0), (2, 0)], "mean") == 2
    assert aggregate([(-1, 0), (-2, 0)], "mean") == -2
    assert aggregate([(0, 0), (1, 0), (3, 0)], "median") == 1
    assert aggregate([(0, 0), (3, 0)], "median") == 2


def test_unknown_method():
    with pytest.raises(ValueError):
        aggregate([(1, 1)], "mode")
