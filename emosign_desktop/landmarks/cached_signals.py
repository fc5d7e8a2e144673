"""A video's cue signals, computed once per version of its landmark file and kept in memory.

Computing the signals means reading the landmark file (tens of MB of float16 for a long
clip) and deriving every signal from it; a proposal accepted or rejected, a panel redrawn,
needs the same signals again.  They depend on nothing but the landmark file, so they are
kept per file, keyed by what identifies its version: its path (the video's content
fingerprint and the landmark model), size, modification time and inode.  A new extraction
replaces the file (a new inode and time), so the next call computes afresh; a removed file
gives None.  The arrays handed out are read-only: a caller cannot change what the next one
gets.  A computation stopped part-way (``between`` raised: the user cancelled) keeps
nothing: only complete signals are ever kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from emosign_desktop.landmarks.signals import compute_signals
from emosign_desktop.landmarks.track import cache_path, load_cached

#: How many videos' signals are kept (the least recently used go first).  An hour of video
#: at 25 fps is about 14 MB of signals.
KEPT_VIDEOS = 8

#: What identifies one version of a landmark file: path, size, mtime (ns), inode.
FileVersion = tuple[str, int, int, int]


@dataclass(frozen=True)
class VideoSignals:
    """One video's signals (name -> one read-only value per frame), its frame rate, and the
    version of the landmark file they were computed from."""

    signals: Mapping[str, npt.NDArray[np.float64]]
    fps: float
    version: FileVersion


_kept: OrderedDict[str, VideoSignals] = OrderedDict()
_lock = threading.Lock()


def _version(fingerprint: str) -> FileVersion | None:
    path = cache_path(fingerprint)
    try:
        st = path.stat()
    except OSError:
        return None
    return (str(path), st.st_size, st.st_mtime_ns, st.st_ino)


def signals_for(fingerprint: str, between: Callable[[int, int], None] | None = None
                ) -> VideoSignals | None:
    """The signals of the video with this content fingerprint, from its complete landmark
    file (None when it has none yet); computed only when that file is new or changed.
    ``between(i, n)`` is called before each of the n signals computed (see
    :func:`~emosign_desktop.landmarks.signals.compute_signals`); kept ones call nothing."""
    version = _version(fingerprint)
    if version is None:
        return None
    with _lock:
        found = _kept.get(version[0])
        if found is not None and found.version == version:
            _kept.move_to_end(version[0])
            return found
    track = load_cached(fingerprint)
    if track is None:
        return None
    computed = compute_signals(track, between=between)
    for values in computed.values():
        values.setflags(write=False)
    result = VideoSignals(MappingProxyType(computed), track.fps, version)
    with _lock:
        _kept[version[0]] = result
        _kept.move_to_end(version[0])
        while len(_kept) > KEPT_VIDEOS:
            _kept.popitem(last=False)
    return result


def forget_signals() -> None:
    """Drop every kept signal (the next call computes afresh)."""
    with _lock:
        _kept.clear()
