"""Which frame a libVLC picture is.  libVLC does not say: :class:`Numbering` recognises the
start frame by its content, counts the pictures, tells VLC's repeats of a picture from new
frames by its clock (a picture is presented at its deadline), catches up dropped frames, and
checks the count against exact pictures decoded ahead.

Most cases are driven here with scripted pictures (pixel-coded, so each is distinct), times
and libVLC clock readings, so each is exact and needs no libVLC; the last ones play real
clips with libVLC and compare every label with the index coded in the picture."""

from __future__ import annotations

import threading
import time
from fractions import Fraction

import numpy as np
import pytest

from emosign_desktop.media.backend import PlaybackStats
from emosign_desktop.media.frame_index import FrameIndex, build_index
from emosign_desktop.media.playback import vlc_available
from emosign_desktop.media.vlc_playback import (
    AHEAD,
    HIDE_S,
    PREROLL,
    Numbering,
    _thumb,
    vlc_rate,
)
from tests.media.clips import SPECS, ClipSpec, decode_index, encode_index, make_clip

needs_vlc = pytest.mark.skipif(not vlc_available(), reason="libVLC is not installed")

W, H, FPS = 80, 60, 25
T0 = 100.0  # wall time (s) at which the start frame is due


def coded(i: int) -> np.ndarray:
    """Frame ``i`` as VLC hands it over: BGRA, the index coded in the pixels."""
    rgb = encode_index(i, W, H)
    return np.dstack([rgb[:, :, ::-1], np.full((H, W), 255, np.uint8)])


BROKEN = np.full((H, W, 4), 128, np.uint8)  # what VLC shows when it lost its references


def make_index(n: int = 150, fps: int = FPS, keyframes: tuple[int, ...] = (0, 120)) -> FrameIndex:
    return FrameIndex(np.arange(n, dtype=np.int64), np.array(keyframes, dtype=np.int64),
                      Fraction(1, fps), float(fps), W, H, 0, "h264")


class Script:
    """A numbering fed scripted pictures: ``show(frame, at)`` presents frame ``frame`` (or a
    picture) at ``at`` seconds after the start frame was due; returns the label (None: not
    shown)."""

    def __init__(self, start: int = 0, speed: float = 1.0, index: FrameIndex | None = None,
                 exact: bool = True, clock_ms: int = 0, frame=coded) -> None:
        self.index = index or make_index()
        self.stats = PlaybackStats()
        self.numbering = Numbering(self.index, self.stats)
        self.frame = frame  # frame i's exact picture
        refs = None
        if exact:
            frames = range(max(start - 1, 0), min(start + AHEAD + 1, self.index.frame_count))
            refs = {i: _thumb(frame(i)) for i in frames}
        self.numbering.restart(start, refs, clock_ms, speed)
        self.start, self.rate = start, vlc_rate(speed)
        self.clock_ms = clock_ms

    def due(self, frame: int) -> float:
        """When ``frame`` is due, seconds after the start frame was."""
        return (frame - self.start) / self.index.fps / self.rate

    def show(self, what: int | np.ndarray, at: float, clock_ms: int | None = None) -> int | None:
        picture = self.frame(what) if isinstance(what, int) else what
        if clock_ms is not None:
            self.clock_ms = clock_ms
        return self.numbering.place(T0 + at, picture, self.clock_ms)

    def play(self, frames: list[int], late: float = 0.0003) -> list[int | None]:
        """Present ``frames`` each on its deadline (``late`` after it)."""
        return [self.show(f, self.due(f) + late) for f in frames]

    def offer(self) -> None:
        """Decode what the numbering wants, as the watch thread does."""
        while (frame := self.numbering.wanted()) is not None:
            self.numbering.offer(frame, _thumb(self.frame(frame)))


# -- the start frame ----------------------------------------------------------------------
def test_pictures_from_before_the_start_frame_are_not_shown():
    """VLC asked to start at 75 presented 71 first (at once), then 75 on time.  71's pixels
    are nearer 75's than 74's, which made the count start at 71: every label one ahead."""
    s = Script(start=75)
    assert s.show(71, -0.15) is None
    assert s.play([75, 76, 77, 78]) == [75, 76, 77, 78]
    assert s.stats.first == 75 and s.stats.dropped == 0


def test_at_half_speed_vlc_shows_three_frames_before_the_start():
    """0.5x from 75: 71, 73, 74, then 75 (all labels were three ahead)."""
    s = Script(start=75, speed=0.5)
    assert [s.show(f, s.due(f)) for f in (71, 73, 74)] == [None, None, None]
    assert s.play(list(range(75, 85))) == list(range(75, 85))


def test_the_picture_it_was_paused_on_is_not_shown():
    """Resuming: VLC presents the picture it was paused on (frame 8, three times, for
    seconds at slow speeds), then a frame from before the start, then the start frame."""
    s = Script(start=75)
    for k in range(PREROLL + 4):  # repeats of one picture do not use up the search
        assert s.show(8, -3 + 0.057 * k) is None
    assert s.show(71, -0.1) is None
    assert s.play([75, 76]) == [75, 76]


def test_a_start_a_few_frames_late_is_placed_by_its_content():
    s = Script(start=60)
    assert s.play([62, 63, 64]) == [62, 63, 64]
    assert s.stats.dropped == 2


def test_frames_dropped_before_vlc_clock_can_tell_are_found_by_content():
    """Measured: VLC showed frame 0 (at once), then, late, 16 on its deadline.  With one
    picture there is no clock yet to see the drop, but the frames just after the start
    frame are checked against their exact pictures."""
    s = Script(start=0)
    assert s.show(0, -0.01) == 0
    labels = []
    for f in range(16, 40):
        labels.append(s.show(f, s.due(f)))
        s.offer()
    shown = [x for x in labels if x is not None]
    assert shown and shown == list(range(40 - len(shown), 40))


def test_the_first_frame_is_recognised_too():
    """Play from frame 0 after pausing elsewhere: the paused picture is not frame 0."""
    s = Script(start=0)
    assert s.show(40, -0.05) is None
    assert s.play([0, 1, 2]) == [0, 1, 2]


def test_a_late_start_is_not_shown_until_a_picture_is_recognised():
    """VLC asked for 75 at 2x lost its references: broken pictures, then it started at the
    keyframe 120.  No picture is shown with a label it does not have: once the start frame
    is given up, exact pictures ahead are decoded until one is recognised."""
    s = Script(start=75, speed=2.0)
    shown = [s.show(BROKEN, 0.0)]
    shown += [s.show(f, s.due(f) - 0.9) for f in range(120, 120 + PREROLL)]
    assert shown == [None] * (PREROLL + 1)
    labels = []
    for f in range(120 + PREROLL, 150):
        s.offer()
        clock = round((f - 3) * 1000 / FPS)  # libVLC's clock catches the count up, roughly
        labels.append((f, s.show(f, s.due(f) - 0.9, clock_ms=clock)))
    assert all(label in (None, f) for f, label in labels), labels
    assert [label for _f, label in labels if label is not None], "never recognised"


def test_unplaced_pictures_are_shown_after_a_while_without_exact_pictures_ahead():
    s = Script(start=75)
    for k in range(PREROLL + 1):
        s.show(BROKEN if k % 2 else coded(30), k * 0.04)
    assert s.show(coded(31), HIDE_S + 1) is not None


# -- counting, repeats, drops ---------------------------------------------------------------
def test_repeats_before_the_next_deadline_are_not_counted():
    """12 fps at 1x: VLC presents each frame, then the same picture again about 57 ms later
    (no new frame being due within its 80 ms).  Counting both ran the labels twice as fast."""
    s = Script(start=0, index=make_index(fps=12))
    labels = []
    for f in range(0, 30):
        labels.append(s.show(f, s.due(f) + 0.0003))
        labels.append(s.show(f, s.due(f) + 0.057))
    assert [x for x in labels if x is not None] == list(range(30))


def test_at_quarter_speed_every_frame_comes_many_times():
    s = Script(start=40, speed=0.25)
    labels = []
    for f in range(40, 60):
        labels += [s.show(f, s.due(f) + 0.0003 + 0.057 * k) for k in range(3)]
    assert [x for x in labels if x is not None] == list(range(40, 60))


def test_identical_frames_on_their_deadlines_are_counted():
    """A video whose frames come in identical pairs (made from 12.5 fps): the same picture
    on the next frame's deadline is that frame, not a repeat."""
    s = Script(start=0, frame=lambda i: coded(i // 2))
    assert s.play(list(range(40))) == list(range(40))


def test_frames_dropped_by_vlc_are_caught_up_at_once():
    s = Script(start=0, speed=2.0)
    frames = [0, 1, 2, 3, 6, 7, 8, 12, 13, 14, 15, 20]
    assert s.play(frames) == frames
    assert s.stats.dropped == 2 + 3 + 4


def test_a_frame_after_a_drop_may_come_late():
    """Measured at 2x: VLC, late, dropped 126 and presented 127 10 ms after its deadline."""
    s = Script(start=100, speed=2.0, index=make_index(fps=12))
    assert s.play(list(range(100, 126))) == list(range(100, 126))
    assert s.show(127, s.due(127) + 0.010) == 127
    assert s.play(list(range(128, 135))) == list(range(128, 135))


def test_a_picture_presented_late_is_not_a_drop():
    """Our callback held up (the GIL) more than a frame: that picture may be taken for the
    next frame, but the next picture is on its deadline and puts the count back."""
    s = Script(start=0)
    assert s.play(list(range(10))) == list(range(10))
    late = s.show(10, s.due(10) + 1.05 / FPS)
    assert late in (10, 11)
    assert s.play(list(range(11, 20))) == list(range(11, 20))


def test_a_clock_that_moved_later_is_followed():
    """VLC's clock moved later (it does when its input runs late): no jump (a move of more
    than half a frame more looks like a frame dropped; not seen)."""
    s = Script(start=0)
    assert s.play(list(range(10))) == list(range(10))
    assert s.play(list(range(10, 30)), late=0.017) == list(range(10, 30))
    assert s.play(list(range(30, 40)), late=0.017 + 0.45 / FPS) == list(range(30, 40))


def test_frames_are_counted_while_libvlc_clock_lags():
    s = Script(start=0)
    lagging = [0, 0, 0, 3, 3, 3, 3, 7, 7, 7, 10, 10]
    labels = [s.show(f, s.due(f) + 0.0003, clock_ms=round(c * 1000 / FPS))
              for f, c in enumerate(lagging)]
    assert labels == list(range(12))
    assert s.stats.dropped == 0


def test_a_sure_count_does_not_follow_libvlc_clock():
    """libVLC's clock led the picture by a third of a second just after a change of speed
    (it lags it otherwise): a count tied to a recognised picture does not follow it."""
    s = Script(start=0)
    assert s.play(list(range(6))) == list(range(6))
    ahead = round((6 + 0.35 * FPS) * 1000 / FPS)
    assert s.show(6, s.due(6) + 0.0003, clock_ms=ahead) == 6
    assert s.numbering.sure


def test_going_faster_vlc_skips_frames_which_are_found_by_their_content():
    """Asked for 2x at frame 25 (measured): VLC presents 25-35 at 1x (the pictures it had
    decoded, one of them twice), then skips to 48 and goes on at 2x.  The skip is seen on
    VLC's clock (48 comes before 36 was due); the pictures are not shown until one is
    recognised among the exact pictures decoded ahead."""
    s = Script(start=20)
    assert s.play(list(range(20, 25))) == list(range(20, 25))
    s.numbering.set_speed(2.0)
    labels = [s.show(25, s.due(25)), s.show(25, s.due(25) + 0.001)]
    labels += s.play(list(range(26, 36)))
    at = s.due(35) + 0.010
    labels.append(s.show(48, at))
    s.offer()
    for f in range(49, 70):
        at += 1 / FPS / 2
        labels.append(s.show(f, at))
        s.offer()
    shown = [x for x in labels if x is not None]
    assert shown[:11] == list(range(25, 36))
    assert shown[11:] == list(range(shown[11], 70)) and shown[11] <= 52


def test_going_slower_vlc_waits_and_the_count_goes_on():
    """Asked for 0.5x at 25: VLC presents 25-47 at 1x, 47 again every 65 ms, then 48 on at
    0.5x; and the model follows the new speed (a frame dropped after is caught up)."""
    s = Script(start=20)
    assert s.play(list(range(20, 25))) == list(range(20, 25))
    s.numbering.set_speed(0.5)
    labels = s.play(list(range(25, 48)))
    at = s.due(47)
    labels += [s.show(47, at + 0.065 * k) for k in range(1, 5)]
    at += 0.3
    frames = [f for f in range(48, 70) if f != 60]
    labels += [s.show(f, at + (f - 48) * 2 / FPS) for f in frames]
    assert [x for x in labels if x is not None] == list(range(25, 48)) + frames


def test_the_old_time_just_after_a_seek_is_ignored():
    s = Script(start=100, exact=False, clock_ms=round(400.5 * 1000 / FPS))
    clocks = [400, 400, 100, 100, 104, 104]
    labels = [s.show(100 + k, s.due(100 + k), clock_ms=round((c + 0.5) * 1000 / FPS))
              for k, c in enumerate(clocks)]
    assert labels == [100, 101, 102, 103, 104, 105]
    assert s.stats.dropped == 0


def test_without_exact_pictures_libvlc_clock_catches_a_late_start_up():
    s = Script(start=60, speed=2.0, exact=False)
    labels = [s.show(82 + k, k * 0.02, clock_ms=round(82.5 * 1000 / FPS)) for k in range(3)]
    assert labels == [82, 83, 84]
    assert s.stats.dropped == 22


def test_broken_pictures_just_after_the_start_are_not_shown():
    """VLC asked for 75 at 2x lost its references after showing 75: broken pictures on the
    frames' deadlines, then the keyframe 120.  The frames just after the start frame are
    checked: the broken ones are not shown, and the count is found again from 120."""
    s = Script(start=75, speed=2.0)
    assert s.play([75]) == [75]
    assert [s.show(BROKEN, s.due(f)) for f in range(76, 83)] == [None] * 7
    labels = []
    for f in range(120, 130):
        s.offer()
        labels.append(s.show(f, s.due(f - 37), clock_ms=round(f * 1000 / FPS)))
    shown = [x for x in labels if x is not None]
    assert shown and shown == list(range(130 - len(shown), 130))


def test_a_keyframe_ahead_puts_a_lost_count_right():
    """VLC lost at 2x after a while (broken pictures on the frames' deadlines), then shows
    the keyframe 120 while the count is at 96: the exact keyframe, decoded ahead, is
    recognised."""
    s = Script(start=75, speed=2.0)
    assert s.play(list(range(75, 90))) == list(range(75, 90))
    s.offer()  # keyframe 120, at least CHECK_S ahead
    broken = [s.show(BROKEN, s.due(f)) for f in range(90, 96)]
    assert broken == list(range(90, 96))  # what they are cannot be known (broken)
    labels = [s.show(f, s.due(f - 24)) for f in range(120, 130)]
    assert labels == list(range(120, 130))


def test_a_keyframe_that_is_not_where_the_count_says_unsettles_the_count():
    s = Script(start=80)
    assert s.play(list(range(80, 90))) == list(range(80, 90))
    s.offer()  # keyframe 120
    s.play(list(range(90, 120)))
    assert s.show(coded(60), s.due(120)) == 120  # labelled 120 but is not: not sure
    assert not s.numbering.sure


def test_vlc_rate_is_what_libvlc_plays_at():
    assert vlc_rate(1.0) == 1.0 and vlc_rate(2.0) == 2.0 and vlc_rate(0.5) == 0.5
    assert vlc_rate(0.75) == pytest.approx(1000 / 1333)


# -- real libVLC ----------------------------------------------------------------------------
CLIP_12FPS = ClipSpec("h264_12fps", ".mp4", "libx264", 36, rate=Fraction(12),
                      options={"bf": "2", "g": "24"})


def play_real(path, start: int, speed: float = 1.0, resume_from: int | None = None):
    """Play ``path`` with libVLC from ``start`` to the end; (label, coded index) of every
    picture the sink got, and the frame ``on_end`` was given."""
    from emosign_desktop.media.reader import VideoReader
    from emosign_desktop.media.vlc_playback import VlcPlayback

    index = build_index(path)
    seen: list[tuple[int, int]] = []
    ended: list[int] = []
    done = threading.Event()
    recording = resume_from is None

    def sink(j: int, picture: np.ndarray) -> None:
        if recording:
            seen.append((j, decode_index(picture[:, :, 2::-1])))

    def on_end(j: int) -> None:
        ended.append(j)
        done.set()

    with VideoReader(path, index, pixels="bgra") as reader:
        playback = VlcPlayback(path, index, sink, on_end, reader.frame)
        try:
            if resume_from is not None:  # play a little, pause, then play from ``start``
                playback.start(resume_from, speed)
                time.sleep(0.5)
                playback.stop()
                recording = True
            playback.start(start, speed)
            done.wait(index.duration / speed * 2 + 10)
        finally:
            playback.close()
    return seen, ended, index.frame_count


@needs_vlc
@pytest.mark.slow
@pytest.mark.parametrize("resume", [False, True], ids=["opened", "resumed from pause"])
def test_playing_from_mid_video_labels_every_picture_with_its_frame(tmp_path, resume):
    """Real libVLC playback from frame 75 (opened there, or resumed from a pause, which
    VLC does by a seek): the pictures carry their frame index in their pixels; the label of
    every one must be it (before: every label 1-2 ahead)."""
    path = make_clip(SPECS["h264_long_gop_bframes"], tmp_path)
    seen, ended, n = play_real(path, 75, resume_from=0 if resume else None)
    assert len(seen) >= 60
    wrong = [(label, truth) for label, truth in seen if label != truth]
    assert not wrong, wrong[:10]
    assert seen[0][1] >= 75, "a picture from before the start frame was shown"
    assert ended == [seen[-1][0]] and seen[-1][0] >= n - 2


@needs_vlc
@pytest.mark.slow
def test_a_12_fps_clip_labels_every_frame_once(tmp_path):
    """At 12 fps VLC presents every picture twice: each frame is labelled once, with its
    index (before: the labels ran ahead, twice as fast as the pictures)."""
    path = make_clip(CLIP_12FPS, tmp_path)
    seen, ended, n = play_real(path, 0)
    wrong = [(label, truth) for label, truth in seen if label != truth]
    assert not wrong, wrong[:10]
    labels = [label for label, _truth in seen]
    assert labels == sorted(set(labels)), "a frame was labelled twice"
    assert len(labels) >= n - 3
    assert ended == [labels[-1]]
