"""Playback through libVLC (python-vlc) with video callbacks: VLC decodes and times the
frames, and writes each picture into our buffer; we hand it to the sink as BGRA."""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from emosign_desktop.core.errors import MediaError
from emosign_desktop.media.backend import EndHandler, LoopRange, Picture, PlaybackStats, Sink
from emosign_desktop.media.frame_index import FrameIndex

VLC_ARGS = ["--quiet", "--no-audio", "--intf=dummy", "--no-video-title-show"]
#: Frame ``i`` exactly, BGRA at the video's size (the player's PyAV reader).
Reference = Callable[[int], Picture]
#: A small signed copy of a picture, to compare pictures by content.
Thumb = NDArray[np.int16]
#: Pictures from before the start frame that VLC may present first (2-3 measured).
PREROLL = 8


def _thumb(picture: Picture) -> Thumb:
    return picture[::8, ::8, :3].astype(np.int16)


class VlcSurface:
    """A libVLC player that draws into our own BGRA buffer through video callbacks (no
    window): ``on_display()`` is called, on VLC's thread, for every picture it presents."""

    def __init__(self, width: int, height: int, on_display: Callable[[], None]) -> None:
        import vlc

        self.vlc = vlc
        self.shape = (height, width, 4)
        self.buffer = (ctypes.c_ubyte * (width * height * 4))()
        address = ctypes.addressof(self.buffer)

        def on_lock(_opaque: Any, planes: Any) -> None:
            planes[0] = address

        def on_unlock(_opaque: Any, _picture: Any, _planes: Any) -> None:
            return None

        def on_display_cb(_opaque: Any, _picture: Any) -> None:
            on_display()

        # ctypes function pointers (python-vlc is untyped: these are Any)
        decorators = vlc.CallbackDecorators
        lock = decorators.VideoLockCb(on_lock)
        unlock = decorators.VideoUnlockCb(on_unlock)
        display = decorators.VideoDisplayCb(on_display_cb)
        self._callbacks = (lock, unlock, display)  # keep them alive while VLC holds them
        self.instance = vlc.Instance(VLC_ARGS)
        self.player = self.instance.media_player_new()
        self.player.video_set_callbacks(lock, unlock, display, None)
        self.player.video_set_format("RV32", width, height, width * 4)

    def picture(self) -> Picture:
        """A copy of the last picture, BGRA."""
        return np.frombuffer(memoryview(self.buffer), dtype=np.uint8).reshape(self.shape).copy()

    def open(self, path: Path, start_s: float = 0.0) -> None:
        """Load ``path`` and start playing at ``start_s`` seconds."""
        media = self.instance.media_new(str(path))
        if start_s:
            media.add_option(f":start-time={start_s:.3f}")
        self.player.set_media(media)
        self.player.play()

    def release(self) -> None:
        self.player.stop()
        self.player.release()
        self.instance.release()


class VlcPlayback:
    """Real-time playback by libVLC, rendered through callbacks into our own view; a
    :class:`~emosign_desktop.media.backend.PlaybackBackend`."""

    name = "VLC"

    def __init__(self, path: str | Path, index: FrameIndex, sink: Sink,
                 on_end: EndHandler | None = None, reference: Reference | None = None) -> None:
        self.path, self.index, self.sink, self.on_end = Path(path), index, sink, on_end
        self.reference = reference
        self._anchor: tuple[Thumb, Thumb] | None = None  # frames start, start - 1
        self._preroll_left = 0
        self.stats = PlaybackStats()
        self._loop: LoopRange | None = None
        self._running = False
        self._watch: threading.Thread | None = None
        self._stop = threading.Event()
        self._stale_ms: int | None = None  # libVLC's time before a seek, until it moves
        self._surface = VlcSurface(index.width, index.height, self._on_display)
        self._player = self._surface.player
        self._vlc = self._surface.vlc

    def _on_display(self) -> None:
        if not self._running:
            return
        picture = self._surface.picture()
        if self._anchor is not None and self._before_start(picture):
            return
        # VLC presents frames in order, so they are counted.  Its clock is coarse: it lags the
        # frame on screen by up to half a second and never led it in our measurements (0.5x to
        # 2x, under load), except just after a seek, while it still tells the time from before
        # the seek.  So a clock ahead of the count means VLC dropped frames (under load, and
        # when it starts late, it does), and the count follows it.
        ms = self._player.get_time()
        clock = self.index.index_at(max(ms, 0) / 1000.0)
        last = self.stats.last
        j = 0 if last is None else last + 1
        if self._stale_ms is not None and ms == self._stale_ms:
            pass  # the seek has not reached the clock yet
        else:
            self._stale_ms = None
            if clock > j:
                self.stats.dropped += clock - j
                j = clock
        j = min(j, self.index.frame_count - 1)
        self.stats.shown += 1
        self.stats.last = j
        if self.stats.first is None:
            self.stats.first = j
        self.sink(j, picture)

    def _before_start(self, picture: Picture) -> bool:
        """True for a picture from before the start frame: VLC, asked to start mid-video,
        may first present a few earlier frames; they are not shown.  Told by comparing with
        the exact pictures of the start frame and the one before it.  A late start (VLC
        beginning after the start frame) is left to the clock, which catches it up."""
        if self._anchor is None:
            return False
        here, before = self._anchor
        thumb = _thumb(picture)
        if self._preroll_left > 0 and np.abs(thumb - before).mean() < np.abs(thumb - here).mean():
            self._preroll_left -= 1
            return True
        self._anchor = None
        return False

    def _set_anchor(self, frame: int) -> None:
        self._anchor = None
        if self.reference is None or frame == 0:
            return
        try:
            here, before = self.reference(frame), self.reference(frame - 1)
        except MediaError:
            return
        if here.shape == before.shape == self._surface.shape:
            self._anchor, self._preroll_left = (_thumb(here), _thumb(before)), PREROLL

    def start(self, frame: int, speed: float = 1.0, loop: LoopRange | None = None) -> None:
        """Play from ``frame`` at ``speed``."""
        self.stop()
        self._set_anchor(frame)
        self.stats = PlaybackStats(last=frame - 1 if frame > 0 else None)
        self._loop = loop
        self._stop.clear()
        self._stale_ms = self._player.get_time()
        self._player.set_rate(speed)
        ms = round(self.index.time_of(frame) * 1000)
        self._running = True
        if self._player.get_state() == self._vlc.State.Paused:
            self._player.set_time(ms)
            self._player.set_pause(0)
        else:  # stopped or never started: open the media at the start time
            self._surface.open(self.path, ms / 1000)
        self._watch = threading.Thread(target=self._watch_loop, daemon=True, name="vlc-watch")
        self._watch.start()

    def _watch_loop(self) -> None:
        """Loop ranges and the end of the video (libVLC may not be called from callbacks)."""
        ended = self._vlc.State.Ended
        while not self._stop.wait(0.01):
            last = self.stats.last
            if self._loop is not None and last is not None and last >= self._loop[1]:
                self._stale_ms = self._player.get_time()
                self.stats.last = self._loop[0] - 1
                self._player.set_time(int(self.index.time_of(self._loop[0]) * 1000))
            elif self._player.get_state() == ended:
                self._running = False
                if self.on_end is not None and last is not None:
                    self.on_end(last)
                return

    def set_speed(self, speed: float) -> None:
        self._player.set_rate(speed)

    def set_loop(self, loop: LoopRange | None) -> None:
        self._loop = loop

    def stop(self) -> int | None:
        """Pause; returns the index of the last frame presented."""
        self._running = False
        self._stop.set()
        if self._watch is not None and self._watch is not threading.current_thread():
            self._watch.join(timeout=5)
        self._watch = None
        if self._player.is_playing():
            self._player.set_pause(1)
        if self._player.get_state() == self._vlc.State.Ended:
            self._player.stop()
        return self.stats.last

    @property
    def running(self) -> bool:
        return self._running

    def close(self) -> None:
        self.stop()
        self._surface.release()
