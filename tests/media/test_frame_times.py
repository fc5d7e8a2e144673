"""Frames to milliseconds and back, exactly, at awkward rates and with variable frame rates."""

from __future__ import annotations

import random

import pytest

from emosign_desktop.media.frame_times import (
    frame_at_ms,
    frames_of_span,
    nominal_starts_ms,
    span_to_ms,
)


@pytest.mark.parametrize("fps", [25.0, 30000 / 1001, 60000 / 1001, 12.0, 29.917])
def test_every_span_round_trips(fps):
    starts = nominal_starts_ms(fps, 400)
    for a in range(0, 400, 7):
        for b in (a, min(a + 1, 399), min(a + 13, 399)):
            begin, end = span_to_ms(starts, a, b)
            assert frames_of_span(starts, begin, end) == (a, b)
            assert frame_at_ms(starts, begin) == a


def test_variable_frame_rate_round_trips():
    rng = random.Random(3)
    starts = [0.0]
    for _ in range(300):
        starts.append(starts[-1] + rng.choice([16.683, 33.367, 41.708, 100.1]))
    for a in range(0, 300, 5):
        b = min(a + rng.randrange(10), 299)
        assert frames_of_span(starts, *span_to_ms(starts, a, b)) == (a, b)


def test_rounding_to_the_nearest_ms_would_be_wrong_somewhere():
    """Why the ends are rounded inward: nearest-ms rounding moves some segment a frame."""
    starts = nominal_starts_ms(30000 / 1001, 400)
    wrong = 0
    for a in range(399):
        begin, end = round(starts[a]), round(starts[a + 1])
        wrong += frames_of_span(starts, begin, end) != (a, a)
    assert wrong > 0
