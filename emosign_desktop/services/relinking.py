"""Linking one video's media file again, after checking its content.

A moved or renamed file with the content the video was added with is linked at once.  A
file with other content (another recording under the same name, a re-encoding, a trimmed
copy) is refused unless the user accepts it as the video's new content: its fingerprint,
stamp and probe (frame count, rate, size) are stored, in one undoable step.  Labels and
segments are never changed by it: segments that reach past the new last frame are kept as
they are and named, for the annotators to fix.  (Finding every missing file in a folder by
content is :func:`~emosign_desktop.services.videos.relink_missing`.)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from emosign_desktop.core.changeset import ChangeSet, VideoEdit
from emosign_desktop.core.errors import MediaError, ProjectError, StaleChangeError
from emosign_desktop.core.media_check import MediaLink
from emosign_desktop.core.model import Video
from emosign_desktop.media.frame_index import load_index
from emosign_desktop.media.probe import media_info
from emosign_desktop.services.handle import ProjectHandle as Session
from emosign_desktop.services.videos import stamp_and_fingerprint, stored_path
from emosign_desktop.storage.repository import Repository


class DifferentMediaError(MediaError):
    """A file given for a video has other content than the file the video's labels were made
    on; nothing was changed (accepting it as the video's new content is a choice)."""

    def __init__(self, message: str, video: str, path: Path) -> None:
        super().__init__(message)
        self.video = video
        self.path = path


#: Segments past a new last frame named in a message (the others are counted).
_PAST_END_NAMED = 10


@dataclass(frozen=True)
class Relinked:
    """What :func:`relink_video` did: the video before and after, and (new content that has
    fewer frames) the segments that now reach past its last frame, kept as they were."""

    before: Video
    video: Video
    past_end: tuple[str, ...] = ()  # "ana · cue 55-72", one per segment

    @property
    def new_content(self) -> bool:
        """True when the file's content was accepted as the video's new content."""
        return self.before.fingerprint not in (None, self.video.fingerprint)

    def lines(self) -> list[str]:
        """What happened, in a few lines."""
        v, m = self.video, self.video.media
        if self.before.fingerprint is None:  # known by name only: nothing to compare with
            lines = [f"linked {v.name} to {v.media_path}"]
        elif not self.new_content:
            lines = [f"relinked {v.name} to {v.media_path} (same content)"]
        else:
            old = self.before.media
            frames = f"{m.frame_count} frames" if m else "no frames"
            if old is not None and m is not None and old.frame_count != m.frame_count:
                frames += f" (was {old.frame_count})"
            lines = [f"{v.name}: took the new content of {v.media_path}: {frames}"
                     + (f", {m.fps:g} fps, {m.width}x{m.height}" if m else "")]
        if self.past_end and m is not None:
            named = ", ".join(self.past_end[:_PAST_END_NAMED])
            more = len(self.past_end) - _PAST_END_NAMED
            lines.append(f"{v.name}: {len(self.past_end)} segments reach past the new last "
                         f"frame {m.frame_count - 1} and are kept as they are: {named}"
                         + (f" and {more} more" if more > 0 else ""))
        return lines


def relink_video(session: Session, video: str, file: str | Path, *,
                 accept_changed: bool = False) -> Relinked:
    """Link the video called ``video`` to ``file`` (one undoable operation).

    A file with the content the video was added with (a moved or renamed file) is linked
    at once.  A file with other content raises :class:`DifferentMediaError` (nothing is
    changed) unless ``accept_changed``: then it becomes the video's new content (its
    fingerprint, frame count, rate and size are stored; labels and segments are kept as they
    are, and segments past a smaller last frame are listed in :attr:`Relinked.past_end`).  A
    file with the content of *another* video of the project is always refused.
    """
    repo = session._repo
    target = repo.video_by_name(video)
    if target is None:
        raise ProjectError(f"{repo.folder}: no video named '{video}'")
    path = Path(file)
    stamp, fp = stamp_and_fingerprint(path)
    same = fp == target.fingerprint
    if not same:
        others = [v for v in repo.videos_by_fingerprint(fp) if v.id != target.id]
        if others:
            raise MediaError(f"{path}: has the content of video '{others[0].name}', not of "
                             f"'{target.name}'; nothing was changed")
        if target.fingerprint is not None and not accept_changed:
            raise DifferentMediaError(
                f"{path}: not the file the labels of '{target.name}' were made on ("
                + ("the file is empty" if stamp.size == 0
                   else f"its content differs: {stamp.size:,} bytes")
                + "); nothing was changed",
                target.name, path)
    media = target.media
    if not same or media is None:
        media = media_info(load_index(path, fp))  # a video? its frames, for the new content
    after = dataclasses.replace(target, media_path=stored_path(repo.folder, path),
                                fingerprint=fp, media=media)
    label = (f"relink video {target.name}" if same
             else f"accept the new content of {target.name}")
    with session.writer.operation(label) as op:
        if repo.video(target.id) != target:
            raise StaleChangeError(f"video '{target.name}' was changed meanwhile; nothing "
                                   "was changed")
        op.apply(ChangeSet(videos=(VideoEdit(target, after),)))
        repo.set_media_stamps([MediaLink(target.id, after.media_path, fp, stamp)])
    return Relinked(target, after, _past_end(session._repo, after) if not same else ())


def accept_changed_media(session: Session, video: Video) -> Relinked:
    """Take the file now at the video's linked path as its new content (see
    :func:`relink_video`): "this is the same recording, re-encoded"."""
    if video.media_path is None:
        raise MediaError(f"{video.name}: no media file is linked; relink one first")
    path = Path(video.media_path)
    if not path.is_absolute():
        path = session._repo.folder / path
    return relink_video(session, video.name, path, accept_changed=True)


def _past_end(repo: Repository, video: Video) -> tuple[str, ...]:
    """The video's segments that end past its last frame, as "annotator · tier start-end"."""
    if video.media is None:
        return ()
    last = video.media.frame_count - 1
    names = {a.id: a.name for a in repo.annotators()}
    tiers = {t.id: t.name for t in repo.tiers()}
    return tuple(f"{names.get(s.annotator_id, '?')} · {tiers.get(s.tier_id, '?')} "
                 f"{s.start_frame}-{s.end_frame}"
                 for s in repo.segments(video_id=video.id) if s.end_frame > last)
