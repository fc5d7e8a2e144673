"""A decoded-frame cache bounded in bytes (least recently used frames go first)."""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

DEFAULT_CACHE_MB = 512


class FrameCache:
    """Frame index -> RGB array, thread-safe, never above ``capacity_bytes``."""

    def __init__(self, capacity_mb: float = DEFAULT_CACHE_MB) -> None:
        self.capacity_bytes = int(capacity_mb * 1024 * 1024)
        self._frames: OrderedDict[int, np.ndarray] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, index: int) -> np.ndarray | None:
        """The cached frame, marked as recently used; None on a miss."""
        with self._lock:
            frame = self._frames.get(index)
            if frame is None:
                self.misses += 1
                return None
            self._frames.move_to_end(index)
            self.hits += 1
            return frame

    def __contains__(self, index: int) -> bool:
        with self._lock:
            return index in self._frames

    def put(self, index: int, frame: np.ndarray, *, protect: frozenset[int] = frozenset()) -> None:
        """Store a frame, evicting the least recently used ones (except ``protect``)."""
        size = frame.nbytes
        if size > self.capacity_bytes:
            return
        frame.setflags(write=False)  # shared between threads and views: read-only
        with self._lock:
            old = self._frames.pop(index, None)
            if old is not None:
                self._bytes -= old.nbytes
            self._frames[index] = frame
            self._bytes += size
            if self._bytes > self.capacity_bytes:
                for victim in list(self._frames):
                    if self._bytes <= self.capacity_bytes:
                        break
                    if victim == index or victim in protect:
                        continue
                    self._bytes -= self._frames.pop(victim).nbytes

    def frames_that_fit(self, frame_bytes: int) -> int:
        """How many frames of this size the cache holds."""
        return max(1, self.capacity_bytes // max(1, frame_bytes))

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
