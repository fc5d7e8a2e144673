"""Alpha equals the krippendorff package and Krippendorff's published worked example."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emosign_desktop.analysis.alpha import krippendorff_alpha

N = np.nan
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C: 4 observers
# x 12 units, values 1..5, missing data; published alphas below.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]


@pytest.mark.parametrize(("level", "published"), [
    ("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)])
def test_published_worked_example(level, published):
    result = krippendorff_alpha(np.array(KRIPPENDORFF_2011), level)
    assert round(result.alpha, 3) == published
    assert result.units == 11  # unit 12 has one value: not pairable
    assert result.annotators == 4


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), level=st.sampled_from(["nominal", "ordinal", "interval"]))
def test_equals_the_krippendorff_package(seed, level):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 4, size=30)
    data = np.array([np.where(rng.random(30) < 0.7, truth, rng.integers(0, 4, 30))
                     for _ in range(rng.integers(2, 6))], dtype=float)
    data[rng.random(data.shape) < 0.2] = np.nan
    ours = krippendorff_alpha(data, level, [0, 1, 2, 3])
    keep = (~np.isnan(data)).sum(axis=0) >= 2
    if ours.alpha is None:
        assert ours.reason
        return
    expected = krippendorff.alpha(reliability_data=data[:, keep], level_of_measurement=level,
                                  value_domain=None if level == "nominal" else [0, 1, 2, 3])
    assert ours.alpha == pytest.approx(expected, abs=1e-12)


def test_no_variation_is_undefined_with_a_reason():
    result = krippendorff_alpha(np.array([[1, 1, 1], [1, 1, N]]), "ordinal")
    assert result.alpha is None and "no variation" in result.reason
    assert result.to_json()["reason"].startswith("no variation")


def test_nobody_overlaps():
    result = krippendorff_alpha(np.array([[1, N], [N, 2]]), "nominal")
    assert result.alpha is None and result.units == 0 and "two or more" in result.reason


def test_bad_level():
    with pytest.raises(ValueError):
        krippendorff_alpha(np.ones((2, 2)), "ratio-ish")
