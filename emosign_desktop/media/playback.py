"""Which real-time playback backend to use.  Each decodes in its own thread and hands every
frame it presents to a *sink* ``sink(index, picture)`` (``picture``: BGRA ``(h, w, 4)`` uint8
from both, the layout Qt paints without converting).  Frames that would be shown late are
dropped, and counted.

* :class:`~emosign_desktop.media.vlc_playback.VlcPlayback` uses libVLC (python-vlc) with
  video callbacks into our own buffer, so overlays can be drawn over the picture and no
  native window handle is needed.
* :class:`~emosign_desktop.media.pyav_playback.PyAVPlayback` decodes with PyAV; it is used
  where libVLC is not installed.

Both are :class:`~emosign_desktop.media.backend.PlaybackBackend` s.  Neither is trusted for
"frame N" once paused: the player shows the exact frame from
:class:`~emosign_desktop.media.reader.VideoReader` for the position it stopped at.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from emosign_desktop.media.backend import EndHandler, PlaybackBackend, Sink
from emosign_desktop.media.frame_index import FrameIndex
from emosign_desktop.media.pyav_playback import PyAVPlayback
from emosign_desktop.media.vlc_playback import Reference, VlcPlayback, vlc_instance


def vlc_available() -> bool:
    """True when python-vlc finds a working libVLC (``EMOSIGN_PLAYBACK=pyav`` turns it off)."""
    if os.environ.get("EMOSIGN_PLAYBACK", "").lower() == "pyav":
        return False
    return _libvlc_works()


@functools.cache
def _libvlc_works() -> bool:
    """Probe libVLC once per process."""
    try:
        instance = vlc_instance()  # (kept: the players share it)
    except (ImportError, OSError, NameError, AttributeError, SystemExit):
        return False  # python-vlc calls sys.exit when PYTHON_VLC_LIB_PATH cannot be loaded
    return instance is not None


def choose_backend(path: str | Path, index: FrameIndex, sink: Sink,
                   on_end: EndHandler | None = None,
                   reference: Reference | None = None) -> PlaybackBackend:
    """libVLC when it is installed and the video is not rotated; PyAV otherwise.
    ``reference(i)``, frame ``i`` exactly (BGRA), lets VLC playback start on the right frame."""
    backend: PlaybackBackend
    if index.rotation == 0 and vlc_available():
        backend = VlcPlayback(path, index, sink, on_end, reference)
    else:
        backend = PyAVPlayback(path, index, sink, on_end)
    return backend
