"""What a real-time playback backend is: the :class:`PlaybackBackend` protocol, its
statistics, and the callbacks it is given.  Both backends implement it structurally:

* :class:`~emosign_desktop.media.vlc_playback.VlcPlayback` (libVLC, python-vlc);
* :class:`~emosign_desktop.media.pyav_playback.PyAVPlayback` (PyAV), where libVLC is not
  installed or the video is rotated.

:func:`~emosign_desktop.media.playback.choose_backend` picks one.  This module imports
neither, so each backend depends on it alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

#: A picture as the backends present it: BGRA ``(h, w, 4)`` uint8, the layout Qt paints
#: without converting.
Picture = NDArray[np.uint8]
#: ``sink(index, picture)``: called on the backend's thread for every frame it presents.
Sink = Callable[[int, Picture], None]
#: ``on_end(last)``: called on the backend's thread when playback reaches the end.
EndHandler = Callable[[int], None]
#: A loop range, first and last frame (inclusive).
LoopRange = tuple[int, int]


@dataclass
class PlaybackStats:
    """What a run presented and what it dropped."""

    shown: int = 0
    dropped: int = 0
    first: int | None = None
    last: int | None = None


class PlaybackBackend(Protocol):
    """Plays a video in real time on its own thread, handing each presented frame to its
    sink.  Not trusted for "frame N" once paused: the player shows the exact frame from
    :class:`~emosign_desktop.media.reader.VideoReader` for the position it stopped at."""

    @property
    def name(self) -> str:
        """Shown to the user ("VLC", "PyAV")."""
        ...

    @property
    def stats(self) -> PlaybackStats:
        """Frames presented and dropped by the current (or last) run."""
        ...

    @property
    def running(self) -> bool:
        """True while playing."""
        ...

    def start(self, frame: int, speed: float = 1.0, loop: LoopRange | None = None) -> None:
        """Play from ``frame`` at ``speed`` (looping over ``loop`` if given)."""
        ...

    def stop(self) -> int | None:
        """Stop; returns the index of the last frame presented (None if none was)."""
        ...

    def set_speed(self, speed: float) -> None:
        """Change the speed while playing."""
        ...

    def set_loop(self, loop: LoopRange | None) -> None:
        """Change (or clear) the loop range while playing."""
        ...

    def close(self) -> None:
        """Stop and release what the backend holds; it is not used again."""
        ...
