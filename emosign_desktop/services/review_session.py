"""The review session: the one owner of what is being reviewed now, namely the current video,
its media (the file, whether it may be shown beside the labels and, when not, why) and the
playhead (:class:`~emosign_desktop.media.playhead.Playhead`, the one current frame).

The workspace holds one (``workspace.review``) and shows the current video in it; the
player, its overlays, the signal plot, the segment rows, the tier editor and the cue
proposals receive it when they are made and follow it.  No widget reaches through another
for it.  Qt-free.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from emosign_desktop.core.errors import MediaError
from emosign_desktop.core.events import Signal
from emosign_desktop.core.media_check import MediaState
from emosign_desktop.core.model import Video, VideoId
from emosign_desktop.media.playhead import Playhead

if TYPE_CHECKING:
    from emosign_desktop.media.frame_index import FrameIndex
    from emosign_desktop.services.session import Session


@dataclass(frozen=True)
class ReviewMedia:
    """The media of the video under review.

    ``index`` is the frame index of the file when it is shown (``playable``); otherwise
    ``reason`` says in words why nothing is shown.  ``refused``: a file is there but it is not
    the one the labels were made on (or cannot be read), so it is never shown beside them;
    ``relinkable``: relinking (or, when ``changed``, accepting the file) would help."""

    video_id: VideoId | None = None
    path: Path | None = None
    fingerprint: str | None = None
    index: FrameIndex | None = None
    state: MediaState | None = None
    reason: str = ""
    refused: bool = False
    changed: bool = False
    relinkable: bool = False

    @property
    def playable(self) -> bool:
        """True when the file is shown (its frame index was read)."""
        return self.index is not None

    @property
    def frame_count(self) -> int:
        return self.index.frame_count if self.index is not None else 0

    @property
    def fps(self) -> float:
        return self.index.fps if self.index is not None else 0.0


#: No video under review.
NO_MEDIA = ReviewMedia()


def _media_key(video: Video | None) -> tuple[object, ...] | None:
    """What decides the media of ``video``: another link or content means another file."""
    return None if video is None else (video.id, video.media_path, video.fingerprint)


class ReviewSession:
    """The current video, its media and the playhead.

    :attr:`media_changed` is emitted (with no argument) after the video or its media
    changed, before the playhead is set to the new media (so whoever shows the picture has
    the file open when the playhead says "frame 0 of the new video")."""

    def __init__(self, playhead: Playhead | None = None) -> None:
        self.playhead = playhead if playhead is not None else Playhead()
        self.video: Video | None = None
        self.media: ReviewMedia = NO_MEDIA
        self.media_changed = Signal("media_changed")
        self._key: tuple[object, ...] | None = None

    def shows(self, video: Video | None) -> bool:
        """True when ``video`` (with its present link and content) is the one shown."""
        return _media_key(video) == self._key and (video is None) == (self.video is None)

    def show(self, video: Video | None, session: Session | None) -> ReviewMedia:
        """Review ``video`` of the project open in ``session`` (None: no video): check its
        file and, when it may be shown, read its frame index; the playhead goes to its
        first frame."""
        if video is None or session is None:
            return self._set(None, NO_MEDIA)
        return self._set(video, self._check(video, session))

    def open_file(self, path: str | Path, fingerprint: str | None = None) -> ReviewMedia:
        """Review a file that belongs to no project's video (the player on its own)."""
        media = self._read(ReviewMedia(path=Path(path), fingerprint=fingerprint))
        return self._set(None, media)

    def close(self) -> None:
        """Nothing under review."""
        self._set(None, NO_MEDIA)

    def _set(self, video: Video | None, media: ReviewMedia) -> ReviewMedia:
        self.playhead.set_playing(False)
        self.video, self.media = video, media
        self._key = _media_key(video)
        self.media_changed.emit()
        self.playhead.set_media(media.frame_count, media.fps)
        return media

    @staticmethod
    def _check(video: Video, session: Session) -> ReviewMedia:
        """The video's file checked (the same check as the media checker's), and read when
        it may be shown."""
        from emosign_desktop.services.media_check import check_video
        from emosign_desktop.services.videos import media_file

        check = check_video(session, video)
        media = ReviewMedia(
            video.id, None, video.fingerprint, None, check.state,
            "No media linked to this video." if check.state is MediaState.NOT_LINKED
            else check.reason,
            refused=check.changed or check.state is MediaState.UNREADABLE,
            changed=check.changed,
            relinkable=check.state in (MediaState.CHANGED, MediaState.MISSING))
        path = media_file(session.folder, video) if check.playable else None
        return media if path is None else ReviewSession._read(replace(media, path=path))

    @staticmethod
    def _read(media: ReviewMedia) -> ReviewMedia:
        """``media`` with its file's frame index, or with why it cannot be read."""
        from emosign_desktop.media.frame_index import load_index

        assert media.path is not None
        try:
            index = load_index(media.path, media.fingerprint)
        except MediaError as exc:
            return replace(media, reason=str(exc))
        return replace(media, index=index)
