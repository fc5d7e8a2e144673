"""Whether a video's media file is still the file whose labels the project holds.

A video remembers the content fingerprint of its file (``media.fingerprint``) and, once a
check has found the file to match it, the file's size and modification time
(:class:`MediaStamp`).  A check costs a ``stat`` while those are unchanged; only a file whose
size or time differs is read again (its fingerprint) to tell a touched file from a changed
one.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from emosign_desktop.core.model import VideoId


@dataclass(frozen=True)
class MediaStamp:
    """A media file's size (bytes) and modification time (nanoseconds since the epoch)."""

    size: int
    mtime_ns: int


class MediaState(enum.StrEnum):
    """What a check found of a video's media file."""

    NOT_LINKED = "not linked"
    MISSING = "missing"
    UNREADABLE = "unreadable"
    CHANGED = "changed"
    FOUND = "found"


@dataclass(frozen=True)
class MediaCheck:
    """The outcome of checking one video's file; ``reason`` says in words what is wrong with
    it (naming the file), empty when it was found as added."""

    video_id: VideoId
    state: MediaState
    reason: str = ""

    @property
    def playable(self) -> bool:
        """True when the file may be shown beside the video's labels."""
        return self.state is MediaState.FOUND

    @property
    def changed(self) -> bool:
        """True when a file is there but it is not the file that was added."""
        return self.state is MediaState.CHANGED


@dataclass(frozen=True)
class MediaLink:
    """What a check needs of a video: its id, its linked file (relative to the project
    folder where possible), its content fingerprint and its file's stamp at the last check
    that found it (None: not checked since linked)."""

    video_id: VideoId
    media_path: str | None
    fingerprint: str | None
    stamp: MediaStamp | None = None
