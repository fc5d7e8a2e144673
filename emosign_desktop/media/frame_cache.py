"""A decoded-frame cache bounded in bytes.  When full it drops the frames farthest from the
playhead (its *focus*), which is what a viewer stepping or scrubbing needs next; plain LRU
would drop the not-yet-shown frames of a span decoded ahead of a backward step."""

from __future__ import annotations

import threading

import numpy as np
from numpy.typing import NDArray

DEFAULT_CACHE_MB = 512


class FrameCache:
    """Frame index -> read-only RGB array, thread-safe, never above ``capacity_bytes``."""

    def __init__(self, capacity_mb: float = DEFAULT_CACHE_MB) -> None:
        self.capacity_bytes = int(capacity_mb * 1024 * 1024)
        self._frames: dict[int, NDArray[np.uint8]] = {}
        self._bytes = 0
        self._focus = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def set_focus(self, index: int) -> None:
        """Tell the cache where the playhead is (eviction keeps frames near it)."""
        self._focus = index

    def get(self, index: int) -> NDArray[np.uint8] | None:
        """The cached frame, or None on a miss."""
        with self._lock:
            frame = self._frames.get(index)
            if frame is None:
                self.misses += 1
            else:
                self.hits += 1
            return frame

    def __contains__(self, index: int) -> bool:
        with self._lock:
            return index in self._frames

    def put(self, index: int, frame: NDArray[np.uint8]) -> None:
        """Store a frame; if over budget, drop the frames farthest from the focus."""
        size = frame.nbytes
        if size > self.capacity_bytes:
            return
        frame.setflags(write=False)  # shared between threads and views
        with self._lock:
            old = self._frames.pop(index, None)
            if old is not None:
                self._bytes -= old.nbytes
            self._frames[index] = frame
            self._bytes += size
            if self._bytes <= self.capacity_bytes:
                return
            focus = self._focus
            for victim in sorted(self._frames, key=lambda j: abs(j - focus), reverse=True):
                if self._bytes <= self.capacity_bytes:
                    break
                if victim != index:
                    self._bytes -= self._frames.pop(victim).nbytes

    def frames_that_fit(self, frame_bytes: int) -> int:
        """How many frames of this size the cache holds."""
        return max(1, self.capacity_bytes // max(1, frame_bytes))

    def cached_run(self, index: int, step: int, limit: int) -> int:
        """How many consecutive frames from ``index`` in direction ``step`` are cached."""
        with self._lock:
            n = 0
            while n < limit and (index + n * step) in self._frames:
                n += 1
            return n

    @property
    def nbytes(self) -> int:
        with self._lock:
            return self._bytes

    def __len__(self) -> int:
        with self._lock:
            return len(self._frames)

    def clear(self) -> None:
        with self._lock:
            self._frames.clear()
            self._bytes = 0
