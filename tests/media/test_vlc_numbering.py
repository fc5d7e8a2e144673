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


def present(playback, clock_frames: list[int]) -> list[int]:
    """Present one picture per clock reading (the frame libVLC's clock points at)."""
    fps = playback.index.fps
    playback._surface.picture = lambda: np.zeros((2, 2, 4), np.uint8)
    for clock in clock_frames:
        playback._player.get_time = lambda c=clock: int((c + 0.5) * 1000 / fps)
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
    backend._clock_stale = True
    # the clock still tells where playback was before the seek, then catches up
    assert present(backend, [400, 400, 100, 100, 104, 104]) == [100, 101, 102, 103, 104, 105]
    assert backend.stats.dropped == 0
