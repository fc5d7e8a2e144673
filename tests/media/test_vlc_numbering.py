"""Which frame a libVLC picture is: frames are counted, and libVLC's coarse clock (which lags
the picture on screen, and tells the old time just after a seek) corrects the count when VLC
drops frames.  Driven here with a scripted clock, so each case is exact."""

from __future__ import annotations

import numpy as np
import pytest

from emosign_desktop.media.frame_index import build_index
from emosign_desktop.media.playback import vlc_available
from tests.media.clips import SPECS, make_clip

pytestmark = pytest.mark.skipif(not vlc_available(), reason="libVLC is not installed")


@pytest.fixture
def backend(tmp_path):
    from emosign_desktop.media.vlc_playback import VlcPlayback

    path = make_clip(SPECS["h264_long_gop_bframes"], tmp_path)
    shown: list[int] = []
    playback = VlcPlayback(path, build_index(path), lambda j, _picture: shown.append(j))
    playback._running = True
    playback.shown = shown
    yield playback
    playback._running = False
    playback.close()


def ms(playback, frame: int) -> int:
    """libVLC's time (ms) while it points at ``frame``."""
    return int((frame + 0.5) * 1000 / playback.index.fps)


def present(playback, clock_frames: list[int]) -> list[int]:
    """Present one picture per clock reading (the frame libVLC's clock points at)."""
    playback._surface.picture = lambda: np.zeros((2, 2, 4), np.uint8)
    for clock in clock_frames:
        playback._player.get_time = lambda c=clock: ms(playback, c)
        playback._on_display()
    return playback.shown[-len(clock_frames):]


def test_frames_are_counted_while_the_clock_lags(backend):
    lagging = [0, 0, 0, 3, 3, 3, 3, 7, 7, 7, 10, 10]
    assert present(backend, lagging) == list(range(12))
    assert backend.stats.dropped == 0


def test_a_clock_ahead_of_the_count_means_dropped_frames(backend):
    present(backend, [0, 0, 0, 0, 0, 0])  # shown 0..5
    assert present(backend, [8, 8, 8]) == [8, 9, 10]  # VLC dropped 6 and 7
    assert backend.stats.dropped == 2


def test_the_old_time_just_after_a_seek_is_ignored(backend):
    backend.stats.last = 99  # as start(100) or a loop restart leaves it
    backend._stale_ms = ms(backend, 400)  # where playback was before the seek
    # the clock still tells the old time, then catches up
    assert present(backend, [400, 400, 100, 100, 104, 104]) == [100, 101, 102, 103, 104, 105]
    assert backend.stats.dropped == 0


def test_a_late_start_is_caught_up_from_the_clock(backend):
    backend.stats.last = 59  # asked to start at 60; VLC, late at 2x, shows 82 first
    backend._stale_ms = ms(backend, 0)
    assert present(backend, [82, 82, 82]) == [82, 83, 84]
    assert backend.stats.dropped == 22


def start_at_60(backend, reader, truths: list[int]) -> list[int]:
    """VLC asked to start at frame 60 presents the pictures of ``truths``."""
    backend.reference = reader.frame
    backend._set_anchor(60)
    assert backend._anchor is not None
    backend.stats.last = 59
    for truth in truths:
        picture = reader.frame(truth)
        backend._surface.picture = lambda p=picture: p
        backend._player.get_time = lambda: ms(backend, 57)  # the clock lags
        backend._on_display()
    return backend.shown


@pytest.mark.parametrize(("truths", "labels"), [
    ([57, 58, 59, 60, 61, 62], [60, 61, 62]),  # starts three frames early: those are not shown
    ([61, 62, 63], [60, 61, 62]),  # starts one frame late: the clock catches that up later
    ([60, 61], [60, 61]),
])
def test_the_first_pictures_are_placed_by_their_content(backend, truths, labels):
    from emosign_desktop.media.reader import VideoReader

    with VideoReader(backend.path, backend.index, pixels="bgra") as reader:
        assert start_at_60(backend, reader, truths) == labels


def test_playing_from_mid_video_labels_each_picture_with_its_frame(tmp_path):
    """Real libVLC playback from frame 60: the pictures it presents carry the frame index in
    their pixels; the label given to each must match (after at most a short catch-up)."""
    import threading

    from emosign_desktop.media.reader import VideoReader
    from emosign_desktop.media.vlc_playback import VlcPlayback
    from tests.media.clips import decode_index

    path = make_clip(SPECS["h264_long_gop_bframes"], tmp_path)
    index = build_index(path)
    seen: list[tuple[int, int]] = []
    ended = threading.Event()
    with VideoReader(path, index, pixels="bgra") as reader:
        playback = VlcPlayback(path, index,
                               lambda j, p: seen.append((j, decode_index(p[:, :, 2::-1]))),
                               lambda _j: ended.set(), reader.frame)
        try:
            playback.start(60, 1.0)
            ended.wait(15)
        finally:
            playback.close()
    assert len(seen) >= 60
    assert seen[0][1] >= 60, "a picture from before the start frame was shown"
    assert all(label == truth for label, truth in seen[-30:]), seen[-30:]
