"""The playback model: the one owner of "the current frame", playing state, speed and loop
range.  The slider, the timeline cursor, the plots and the video view all follow it."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from emosign_desktop.core.events import Signal

MIN_SPEED, MAX_SPEED = 0.1, 2.0


class PlayheadEvent(StrEnum):
    """What changed."""

    FRAME = "frame"
    PLAYING = "playing"
    SPEED = "speed"
    LOOP = "loop"
    MEDIA = "media"


class Playhead:
    """Current frame (0..frame_count-1), playing or not, speed (0.1x..2x), loop range.

    ``source`` tells listeners who moved the playhead: ``"user"`` (a key, the slider...) or
    ``"playback"`` (a playing backend presenting a frame it already decoded).
    :attr:`last_move` is the direction of the last move: -1 back, +1 forward, 0 none (a new
    video, or the same frame told again by another source).

    It is the one owner of :attr:`current`: move it with :meth:`seek` (or :meth:`step`),
    never by assigning, so listeners are told and :attr:`last_move` stays true.
    """

    def __init__(self, frame_count: int = 0, fps: float = 0.0) -> None:
        self.frame_count = frame_count
        self.fps = fps
        self.current = 0
        self.last_move = 0  # -1, 0 or +1: see seek()
        self.playing = False
        self.direction = 1  # +1 forward, -1 backward (J shuttle)
        self.speed = 1.0
        self.loop: tuple[int, int] | None = None
        self.last_source = "user"
        #: Emitted with the :class:`PlayheadEvent` after each change.
        self.changed = Signal("playhead")

    def subscribe(self, listener: Callable[[PlayheadEvent], None]
                  ) -> Callable[[PlayheadEvent], None]:
        """Call ``listener(event)`` after each change (``changed.connect``); returns it, to
        disconnect it with ``changed.disconnect``."""
        return self.changed.connect(listener)

    def _emit(self, event: PlayheadEvent) -> None:
        self.changed.emit(event)

    def set_media(self, frame_count: int, fps: float) -> None:
        """A new video: back to frame 0, stopped, no loop."""
        self.frame_count, self.fps = frame_count, fps
        self.current, self.playing, self.loop = 0, False, None
        self.last_move = 0
        self._emit(PlayheadEvent.MEDIA)

    def seek(self, frame: int, source: str = "user") -> None:
        """Move to ``frame`` (clamped to the video); records the direction in
        :attr:`last_move`."""
        frame = min(max(int(frame), 0), max(0, self.frame_count - 1))
        if frame == self.current and source == self.last_source:
            return
        self.last_move = (frame > self.current) - (frame < self.current)
        self.current = frame
        self.last_source = source
        self._emit(PlayheadEvent.FRAME)

    def step(self, frames: int) -> None:
        """Move by ``frames`` (negative: back)."""
        self.seek(self.current + frames)

    def step_seconds(self, seconds: float) -> None:
        """Move by a number of seconds at the nominal frame rate."""
        self.step(round(seconds * (self.fps or 30.0)))

    def set_playing(self, playing: bool, direction: int = 1) -> None:
        """Start or stop playback (``direction`` -1 plays backward)."""
        if playing and self.frame_count == 0:
            return
        if playing == self.playing and direction == self.direction:
            return
        self.playing, self.direction = playing, 1 if direction >= 0 else -1
        self._emit(PlayheadEvent.PLAYING)

    def toggle(self) -> None:
        self.set_playing(not self.playing, self.direction)

    def set_speed(self, speed: float) -> None:
        """Playback speed, clamped to 0.1x..2x."""
        speed = min(max(float(speed), MIN_SPEED), MAX_SPEED)
        if speed != self.speed:
            self.speed = speed
            self._emit(PlayheadEvent.SPEED)

    def set_loop(self, first: int | None, last: int | None = None) -> None:
        """Loop playback over ``first..last`` (inclusive); None clears the loop."""
        if first is None or last is None:
            self.loop = None
        else:
            a, b = sorted((int(first), int(last)))
            self.loop = (max(a, 0), min(b, self.frame_count - 1))
        self._emit(PlayheadEvent.LOOP)

    def next_in_playback(self, frame: int) -> int | None:
        """Where playback goes after ``frame`` (wrapping in a loop); None at the end."""
        step = self.direction
        lo, hi = self.loop if self.loop else (0, self.frame_count - 1)
        nxt = frame + step
        if lo <= nxt <= hi:
            return nxt
        if self.loop:
            return lo if step > 0 else hi
        return None
