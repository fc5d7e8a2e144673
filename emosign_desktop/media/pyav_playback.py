"""Playback with PyAV, used where libVLC is not installed (or the video is rotated): decodes
in its own thread, times frames by their presentation times, and hands every frame it
presents to the sink as BGRA.  Frames that would be shown late are dropped, and counted; the
video's last frame never is (playback ends on it)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np

from emosign_desktop.media.backend import EndHandler, LoopRange, Picture, PlaybackStats, Sink
from emosign_desktop.media.decoder import configure, decode_packets
from emosign_desktop.media.frame_index import FrameIndex

if TYPE_CHECKING:
    from av.container import InputContainer
    from av.video.frame import VideoFrame
    from av.video.stream import VideoStream


class PyAVPlayback:
    """Plays with PyAV in a thread, timing frames by their presentation times; a
    :class:`~emosign_desktop.media.backend.PlaybackBackend`."""

    name = "PyAV"

    def __init__(self, path: str | Path, index: FrameIndex, sink: Sink,
                 on_end: EndHandler | None = None) -> None:
        self.path, self.index, self.sink, self.on_end = Path(path), index, sink, on_end
        self.stats = PlaybackStats()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._speed = 1.0
        self._loop: LoopRange | None = None
        self._retime = threading.Event()

    def start(self, frame: int, speed: float = 1.0, loop: LoopRange | None = None) -> None:
        """Play from ``frame`` at ``speed`` (looping over ``loop`` if given)."""
        self.stop()
        self._stop.clear()
        self._speed, self._loop = speed, loop
        self.stats = PlaybackStats()
        self._thread = threading.Thread(target=self._run, args=(frame,), daemon=True,
                                        name="pyav-playback")
        self._thread.start()

    def set_speed(self, speed: float) -> None:
        self._speed = speed
        self._retime.set()

    def set_loop(self, loop: LoopRange | None) -> None:
        self._loop = loop

    def stop(self) -> int | None:
        """Stop; returns the index of the last frame presented (None if none was)."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)
        self._thread = None
        return self.stats.last

    def close(self) -> None:
        """Stop (the decoding thread opens and closes the file itself)."""
        self.stop()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self, frame: int) -> None:
        import av

        with av.open(str(self.path)) as container:
            stream = container.streams.video[0]
            # a file cut short: frame threads would lose the frames in flight at the damage
            configure(stream, threads=self.index.short_by == 0)
            if self._play(container, stream, frame):
                return
        if not self._stop.is_set() and self.on_end is not None and self.stats.last is not None:
            self.on_end(self.stats.last)

    def _play(self, container: InputContainer, stream: VideoStream, frame: int) -> bool:
        """Present the frames from ``frame`` on, each when due (looping over the loop range);
        True when stopped, False at the end of the video."""
        index = self.index
        rot = (index.rotation // 90) % 4
        self._seek(container, stream, frame)
        start_frame = frame
        clock = _Clock(index.time_of(frame))
        interval = 1.0 / (index.fps or 30.0)
        while not self._stop.is_set():
            restarted = False
            for decoded in decode_packets(container, stream):
                if self._stop.is_set():
                    return True
                j = index.index_of_pts(decoded.pts) if decoded.pts is not None else None
                if j is None or j < start_frame:
                    continue
                loop = self._loop
                if loop is not None and j > loop[1]:
                    start_frame = loop[0]
                    self._seek(container, stream, start_frame)
                    clock.anchor(index.time_of(start_frame))
                    restarted = True
                    break
                if self._present_when_due(j, decoded, clock, interval, rot):
                    return True
            if not restarted:
                break
        return False

    def _seek(self, container: InputContainer, stream: VideoStream, target: int) -> None:
        """Seek to the keyframe at or before frame ``target``."""
        key = self.index.keyframe_at_or_before(target)
        container.seek(int(self.index.pts[key]), stream=stream, backward=True)

    def _present_when_due(self, j: int, decoded: VideoFrame, clock: _Clock, interval: float,
                          rot: int) -> bool:
        """Wait until frame ``j`` is due and present it, or drop it when it is late; True when
        stopped while waiting."""
        index = self.index
        if self.stats.shown == 0 and not clock.started:
            # start the clock at the first frame: decoder start-up is not lateness
            clock.anchor(index.time_of(j))
            clock.started = True
        if self._retime.is_set() and self.stats.last is not None:
            self._retime.clear()
            clock.anchor(index.time_of(self.stats.last))
        speed = self._speed
        due = clock.due(index.time_of(j), speed)
        now = time.monotonic()
        final = j == index.frame_count - 1  # the picture playback stops on: always shown
        if now > due + interval / speed and self.stats.shown and not final:
            self.stats.dropped += 1  # late: skip it (no colour conversion)
            return False
        if due > now and self._stop.wait(due - now):
            return True
        self._present(j, decoded, rot)
        return False

    def _present(self, j: int, decoded: VideoFrame, rot: int) -> None:
        """Hand frame ``j`` to the sink as BGRA (turned ``rot`` quarter turns), and count it."""
        # "bgra" is 8 bits a channel (PyAV's stubs name every possible dtype)
        picture = cast(Picture, decoded.to_ndarray(format="bgra", threads=0))
        if rot:
            picture = np.ascontiguousarray(np.rot90(picture, k=rot))
        self.sink(j, picture)
        self.stats.shown += 1
        self.stats.last = j
        if self.stats.first is None:
            self.stats.first = j


class _Clock:
    """When frames are due: media time runs on from an anchor on the wall clock, at the
    playback speed."""

    def __init__(self, media: float) -> None:
        self.wall, self.media = time.monotonic(), media
        self.started = False  # re-anchored at the first frame presented

    def anchor(self, media: float) -> None:
        """Media time ``media`` is now."""
        self.wall, self.media = time.monotonic(), media

    def due(self, media: float, speed: float) -> float:
        """The wall-clock time at which media time ``media`` is shown."""
        return self.wall + (media - self.media) / speed
