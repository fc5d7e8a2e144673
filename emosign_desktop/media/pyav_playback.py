"""Playback with PyAV, used where libVLC is not installed (or the video is rotated): decodes
in its own thread, times frames by their presentation times, and hands every frame it
presents to the sink as BGRA.  Frames that would be shown late are dropped, and counted."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import cast

import numpy as np

from emosign_desktop.media.backend import EndHandler, LoopRange, Picture, PlaybackStats, Sink
from emosign_desktop.media.decoder import configure, decode_packets
from emosign_desktop.media.frame_index import FrameIndex


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

        index = self.index
        rot = (index.rotation // 90) % 4
        with av.open(str(self.path)) as container:
            stream = container.streams.video[0]
            # a file cut short: frame threads would lose the frames in flight at the damage
            configure(stream, threads=index.short_by == 0)

            def seek(target: int) -> None:
                key = index.keyframe_at_or_before(target)
                container.seek(int(index.pts[key]), stream=stream, backward=True)

            seek(frame)
            start_frame = frame
            anchor_wall, anchor_media = time.monotonic(), index.time_of(frame)
            interval = 1.0 / (index.fps or 30.0)
            restarted_clock = False
            while not self._stop.is_set():
                restarted = False
                for decoded in decode_packets(container, stream):
                    if self._stop.is_set():
                        return
                    j = index.index_of_pts(decoded.pts) if decoded.pts is not None else None
                    if j is None or j < start_frame:
                        continue
                    loop = self._loop
                    if loop is not None and j > loop[1]:
                        start_frame = loop[0]
                        seek(start_frame)
                        anchor_wall, anchor_media = time.monotonic(), index.time_of(start_frame)
                        restarted = True
                        break
                    if self.stats.shown == 0 and not restarted_clock:
                        # start the clock at the first frame: decoder start-up is not lateness
                        anchor_wall, anchor_media = time.monotonic(), index.time_of(j)
                        restarted_clock = True
                    if self._retime.is_set() and self.stats.last is not None:
                        self._retime.clear()
                        anchor_wall = time.monotonic()
                        anchor_media = index.time_of(self.stats.last)
                    speed = self._speed
                    due = anchor_wall + (index.time_of(j) - anchor_media) / speed
                    now = time.monotonic()
                    if now > due + interval / speed and self.stats.shown:
                        self.stats.dropped += 1  # late: skip it (no colour conversion)
                        continue
                    if due > now and self._stop.wait(due - now):
                        return
                    # "bgra" is 8 bits a channel (PyAV's stubs name every possible dtype)
                    picture = cast(Picture, decoded.to_ndarray(format="bgra", threads=0))
                    if rot:
                        picture = np.ascontiguousarray(np.rot90(picture, k=rot))
                    self.sink(j, picture)
                    self.stats.shown += 1
                    self.stats.last = j
                    if self.stats.first is None:
                        self.stats.first = j
                if not restarted:
                    break
        if not self._stop.is_set() and self.on_end is not None and self.stats.last is not None:
            self.on_end(self.stats.last)
