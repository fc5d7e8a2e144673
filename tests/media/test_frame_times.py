"""Milliseconds to frames by one rule (a frame belongs to ``[begin, end)`` when its middle
does), and frames to milliseconds and back exactly: boundaries rounded to the millisecond
(as ELAN writes them) at 25, 29.97 and 59.94 fps and at a variable frame rate, neighbours
that share a boundary, zero-length and very short annotations."""

from __future__ import annotations

import itertools
import random

import pytest

from emosign_desktop.media.frame_times import (
    boundary_ms,
    frame_at_ms,
    frame_middles_ms,
    frames_in_span,
    frames_of_annotation,
    nearest_frame_start,
    nominal_starts_ms,
    span_to_ms,
)

RATES = [25.0, 30000 / 1001, 60000 / 1001, 12.0, 29.917]


def vfr_starts(n: int, seed: int = 3) -> list[float]:
    """Frame starts of a variable-frame-rate stream (irregular steps)."""
    rng = random.Random(seed)
    starts = [0.0]
    for _ in range(n):
        starts.append(starts[-1] + rng.choice([16.683, 33.367, 41.708, 100.1, 20.0]))
    return starts


@pytest.mark.parametrize("fps", RATES)
def test_every_span_round_trips(fps):
    starts = nominal_starts_ms(fps, 400)
    middles = frame_middles_ms(starts)
    for a in range(0, 400, 7):
        for b in (a, min(a + 1, 399), min(a + 13, 399)):
            begin, end = span_to_ms(starts, a, b)
            assert frames_in_span(middles, begin, end) == (a, b)
            assert frame_at_ms(starts, begin) == a


@pytest.mark.parametrize("rounding", [round, lambda t: int(t), lambda t: int(t) + 1])
@pytest.mark.parametrize("fps", RATES)
def test_boundaries_rounded_to_the_millisecond_land_on_their_frames(fps, rounding):
    """ELAN writes a frame boundary rounded (or cut) to the millisecond: every span of
    frames written so comes back as those frames, whichever way the boundary went."""
    starts = nominal_starts_ms(fps, 400)
    middles = frame_middles_ms(starts)
    for a in range(399):
        for b in (a, min(a + 5, 399)):
            begin, end = rounding(starts[a]), rounding(starts[b + 1])
            assert frames_in_span(middles, begin, end) == (a, b), (a, b, begin, end)


def test_variable_frame_rate_each_frame_its_own_interval():
    starts = vfr_starts(300)
    middles = frame_middles_ms(starts)
    rng = random.Random(5)
    for a in range(0, 300, 3):
        b = min(a + rng.randrange(10), 299)
        assert frames_in_span(middles, *span_to_ms(starts, a, b)) == (a, b)
        assert frames_in_span(middles, round(starts[a]), round(starts[b + 1])) == (a, b)
        # a span from the middle of one frame to just past the middle of another
        assert frames_in_span(middles, middles[a], middles[b] + 0.001) == (a, b)


@pytest.mark.parametrize("starts", [nominal_starts_ms(30000 / 1001, 300), vfr_starts(300)],
                         ids=["29.97", "vfr"])
def test_neighbours_that_share_a_boundary_never_share_a_frame(starts):
    middles = frame_middles_ms(starts)
    rng = random.Random(7)
    cuts = sorted(rng.sample(range(1, 300), 60))
    bounds = [0, *cuts, 300]
    covered: list[int] = []
    for a, b in itertools.pairwise(bounds):
        shared_begin, shared_end = round(starts[a]), round(starts[b])  # the same ms both sides
        found = frames_in_span(middles, shared_begin, shared_end)
        assert found == (a, b - 1)
        covered.extend(range(found[0], found[1] + 1))
    assert covered == list(range(300))  # every frame once: none shared, none lost


def test_the_issue_example_at_29_97():
    """Frames 10-20, 21-30, 45-46, 52-60, 61-75, 100-149 as ELAN writes them (rounded to
    the millisecond) come back exactly: the old rule gave 10-21, 21-30, 45-46, 51-60,
    60-76, 100-149."""
    starts = nominal_starts_ms(30000 / 1001, 300)
    middles = frame_middles_ms(starts)
    wanted = [(10, 20), (21, 30), (45, 46), (52, 60), (61, 75), (100, 149)]
    written = [(round(starts[a]), round(starts[b + 1])) for a, b in wanted]
    assert written[0] == (334, 701) and written[1] == (701, 1034)  # ELAN's milliseconds
    assert [frames_in_span(middles, b, e) for b, e in written] == wanted


def test_zero_length_and_short_annotations_are_kept_as_one_frame():
    starts = nominal_starts_ms(25.0, 100)  # 40 ms frames, middles at 20, 60, 100...
    middles = frame_middles_ms(starts)
    assert frames_in_span(middles, 400, 400) is None
    assert frames_of_annotation(starts, middles, 400, 400) == (10, 10, True)  # at its start
    assert frames_of_annotation(starts, middles, 399, 399) == (10, 10, True)  # rounded
    assert frames_of_annotation(starts, middles, 421, 439) == (10, 10, True)  # inside one
    assert frames_of_annotation(starts, middles, 400, 440) == (10, 10, False)
    assert frames_of_annotation(starts, middles, 0, 0) == (0, 0, True)
    assert frames_of_annotation(starts, middles, 4000, 4000) == (99, 99, True)  # the end
    # 29.97 fps: a point ELAN rounded down from frame 1's start (33.37 ms) is on frame 1
    ntsc = nominal_starts_ms(30000 / 1001, 10)
    assert frames_of_annotation(ntsc, frame_middles_ms(ntsc), 33, 33) == (1, 1, True)


def test_helpers():
    starts = nominal_starts_ms(30000 / 1001, 10)
    assert nearest_frame_start(starts, 33) == 1 and nearest_frame_start(starts, 16) == 0
    assert nearest_frame_start(starts, 1e9) == 9
    assert boundary_ms(starts, 3) == 101  # 100.1 ms: the first ms of frame 3
    assert frame_at_ms(starts, -5) == 0 and frame_at_ms(starts, 1e9) == 9
    assert frames_in_span(frame_middles_ms(starts), 0, 1e9) == (0, 9)  # cut at the end
