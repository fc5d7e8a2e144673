"""Prefetch around the playhead in a background thread, so steps in either direction are
served from the cache.  Background work gives way at once to a foreground request."""

from __future__ import annotations

import threading

from emosign_desktop.media.reader import BACKWARD_SHARE, VideoReader

#: Frames decoded ahead of a forward-moving playhead.
AHEAD = 12


class Prefetcher:
    """Keeps frames around the playhead decoded; tell it where the playhead went."""

    def __init__(self, reader: VideoReader) -> None:
        self.reader = reader
        self._wanted: tuple[int, int] | None = None
        self._wake = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="frame-prefetch", daemon=True)
        self._thread.start()

    def hint(self, current: int, direction: int) -> None:
        """The playhead is at ``current`` and moving by ``direction`` (-1, 0 or +1)."""
        with self._wake:
            self._wanted = (current, direction)
            self._wake.notify()

    def close(self) -> None:
        """Stop the thread (waits for the frame being decoded)."""
        with self._wake:
            self._stopped = True
            self._wake.notify()
        self._thread.join(timeout=30)

    def _span(self) -> int:
        span = self.reader.cache.frames_that_fit(self.reader.frame_bytes)
        return max(2, int(span * BACKWARD_SHARE))

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._wanted is None and not self._stopped:
                    self._wake.wait()
                wanted = self._wanted
                if self._stopped or wanted is None:  # (only None when stopped)
                    return
                current, direction = wanted
                self._wanted = None
            if direction < 0:
                self._behind(current)
            elif direction > 0:
                self._ahead(current)

    def _behind(self, current: int) -> None:
        span = self._span()
        cached = self.reader.cache.cached_run(current, -1, span)
        bottom = current - cached + 1
        if cached < span // 2 and bottom > 0:
            self.reader.prefetch(bottom - 1, backward=True)

    def _ahead(self, current: int) -> None:
        last = min(self.reader.frame_count - 1, current + AHEAD)
        for j in range(current + 1, last + 1):
            if self._wanted is not None or self._stopped:
                return  # the playhead moved: start again from there
            if not self.reader.prefetch(j, backward=False):
                return
