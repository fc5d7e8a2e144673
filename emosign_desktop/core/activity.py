"""Time on task: active seconds per (video, annotator), recorded without asking.

Time counts while a video is selected, the window is active, and there was input (a key, a
click, a wheel turn) in the last :data:`IDLE_AFTER_S` seconds: an annotator who walks away
stops counting a minute after their last input, and picks up again at the next one.  The
clock is told what happens (:meth:`select`, :meth:`set_active`, :meth:`input`) and reads the
time from ``now`` (a scripted clock in tests); :meth:`take` hands over the seconds gathered
since it was last called, for the application to store.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable

IDLE_AFTER_S = 60.0


class ActivityClock:
    """Counts active time per key (the UI uses (video id, annotator name))."""

    def __init__(self, now: Callable[[], float] = time.monotonic,
                 idle_after_s: float = IDLE_AFTER_S) -> None:
        self._now = now
        self._idle = idle_after_s
        self._key: Hashable | None = None
        self._active = False
        self._last_input: float | None = None
        self._since = now()
        self._gathered: dict[Hashable, float] = {}

    def _credit(self) -> None:
        """Count the time from the last checkpoint to now that was active."""
        now = self._now()
        if self._key is not None and self._active and self._last_input is not None:
            end = min(now, self._last_input + self._idle)
            if end > self._since:
                self._gathered[self._key] = self._gathered.get(self._key, 0.0) + end - self._since
        self._since = now

    @property
    def key(self) -> Hashable | None:
        """What time is being counted for (None: nothing selected)."""
        return self._key

    def select(self, key: Hashable | None) -> None:
        """A video (and annotator) was selected; None when none is."""
        self._credit()
        self._key = key

    def set_active(self, active: bool) -> None:
        """The window became active (True) or went to the background (False)."""
        self._credit()
        self._active = active

    def input(self) -> None:
        """The annotator pressed a key, clicked or scrolled."""
        self._credit()
        self._last_input = self._now()

    def take(self) -> dict[Hashable, float]:
        """The seconds gathered per key since the last call (and forget them)."""
        self._credit()
        out, self._gathered = self._gathered, {}
        return {k: v for k, v in out.items() if v > 0}
