"""Checking that each video's media file is still the file whose labels the project holds.

A file replaced by another under the same name, re-encoded, trimmed or emptied after it was
added has another content fingerprint: the check calls it *changed*, and the player refuses
to show it until the user relinks the right file or accepts the new content
(:func:`~emosign_desktop.services.videos.relink_video`).  Labels are never touched by a
check.

Cost: one ``stat`` per video while its file keeps the size and modification time the last
check stored; a file whose size or time differ (or never checked: videos of projects older
than format 10, files just relinked) is read for its fingerprint (at most 2 MiB).  A touched
file with the same content is found as before and its new time stored, quietly: that is a
cache, not an edit (no undo step, no edit-log line), and it is skipped when the project
cannot be written.

The application checks the rows of the video list a page at a time as they are shown, the
current video before the player shows it, and the whole project a part at a time after it
opens (:class:`MediaScan`): the project is read and written on the window's thread, a part
at a time, while the files of each part are looked at on a thread of their own
(:func:`check_links` touches no database).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from emosign_desktop.core.errors import MediaError
from emosign_desktop.core.media_check import MediaCheck, MediaLink, MediaStamp, MediaState
from emosign_desktop.core.model import Video, VideoId
from emosign_desktop.media.fingerprint import file_stamp, fingerprint
from emosign_desktop.services.handle import ProjectHandle as Session

#: Videos read from the project at a time by :class:`MediaScan`.
SCAN_CHUNK = 200
#: :class:`MediaScan` stores the stamps it found when it has this many, after this long, or
#: at its end: one small write (a commit) now and then rather than one a step.
SCAN_WRITE_ROWS = 400
SCAN_WRITE_SECONDS = 2.0


def _size(n: int) -> str:
    return f"{n:,} bytes"


def check_file(project_folder: str, link: MediaLink, *, read: bool = True
               ) -> tuple[MediaCheck | None, MediaStamp | None]:
    """Check one video's file against its stored stamp and fingerprint.  Returns the check
    and, when the file was read and matches, the stamp to store for the next check.  Without
    ``read`` a file that would have to be read is not: its check is None."""
    vid, shown = link.video_id, link.media_path
    if shown is None:
        return MediaCheck(vid, MediaState.NOT_LINKED), None
    path = os.path.join(project_folder, shown)  # (an absolute path stays as it is)
    try:
        now = file_stamp(path)
    except (FileNotFoundError, NotADirectoryError):
        return MediaCheck(vid, MediaState.MISSING, f"Media file missing: {shown}"), None
    except IsADirectoryError:
        return MediaCheck(vid, MediaState.MISSING,
                          f"Media file missing: {shown} is a folder, not a file"), None
    except OSError as exc:
        return MediaCheck(vid, MediaState.UNREADABLE,
                          f"{shown}: cannot read the file ({exc.strerror})"), None
    stamp = link.stamp
    if stamp == now or link.fingerprint is None:  # unchanged since checked; or nothing to
        return MediaCheck(vid, MediaState.FOUND), None  # compare with
    was = f", was {_size(stamp.size)}" if stamp is not None and stamp.size != now.size else ""
    if now.size == 0:
        return MediaCheck(vid, MediaState.CHANGED,
                          f"{shown} is not the file this video's labels were made on: the "
                          f"file is empty (0 bytes{was})"), None
    if not read:
        return None, None
    try:
        found = fingerprint(path)
    except MediaError as exc:
        return MediaCheck(vid, MediaState.UNREADABLE, str(exc)), None
    if found == link.fingerprint:
        return MediaCheck(vid, MediaState.FOUND), now
    return MediaCheck(vid, MediaState.CHANGED,
                      f"{shown} is not the file this video's labels were made on: its "
                      f"content differs (now {_size(now.size)}{was})"), None


def _links(session: Session, videos: Iterable[Video]) -> list[MediaLink]:
    """What a check needs of each video: its file, fingerprint and stored stamp (one query)."""
    videos = list(videos)
    stamps = session._repo.media_stamps(v.id for v in videos)
    return [MediaLink(v.id, v.media_path, v.fingerprint, stamps.get(v.id)) for v in videos]


def check_media(session: Session, videos: Iterable[Video]) -> dict[VideoId, MediaCheck]:
    """Check these videos' files (one query for their stamps, a ``stat`` each, a read of
    those whose size or time changed); stores the new stamps of files found unchanged."""
    folder = str(session.folder)
    checks: dict[VideoId, MediaCheck] = {}
    fresh: list[MediaLink] = []
    for link in _links(session, videos):
        check, stamp = check_file(folder, link)
        assert check is not None
        checks[link.video_id] = check
        if stamp is not None:
            fresh.append(replace(link, stamp=stamp))
    session._repo.remember_media_stamps(fresh)
    return checks


def quick_checks(session: Session, videos: Iterable[Video]
                 ) -> tuple[dict[VideoId, MediaCheck], list[MediaLink]]:
    """A ``stat`` of each video's file and no read: the checks of files unchanged since
    their last check (and of missing or unlinked ones), and the links of the files whose
    size or time changed, to be read (:func:`check_links`, on another thread, then
    :func:`store_found`)."""
    folder = str(session.folder)
    checks: dict[VideoId, MediaCheck] = {}
    to_read: list[MediaLink] = []
    for link in _links(session, videos):
        check, _stamp = check_file(folder, link, read=False)
        if check is None:
            to_read.append(link)
        else:
            checks[link.video_id] = check
    return checks, to_read


def store_found(session: Session,
                results: Iterable[tuple[MediaLink, MediaCheck, MediaStamp | None]]) -> None:
    """Store the stamps of the files :func:`check_links` read and found unchanged."""
    session._repo.remember_media_stamps(replace(link, stamp=stamp)
                                       for link, _c, stamp in results if stamp is not None)


def check_video(session: Session, video: Video) -> MediaCheck:
    """Check one video's file (before it is shown)."""
    return check_media(session, [video])[video.id]


def check_links(project_folder: str, links: Iterable[MediaLink]
                ) -> list[tuple[MediaLink, MediaCheck, MediaStamp | None]]:
    """Check these files (file work only, no database: safe on another thread); each with
    the stamp to store when the file was read and matches."""
    out: list[tuple[MediaLink, MediaCheck, MediaStamp | None]] = []
    for link in links:
        check, stamp = check_file(project_folder, link)
        assert check is not None
        out.append((link, check, stamp))
    return out


@dataclass
class MediaScan:
    """A check of every video of a project, a part at a time: :meth:`next_links` reads the
    next part (at most :data:`SCAN_CHUNK` videos), :func:`check_links` looks at its files
    (on any thread), :meth:`take` notes the outcome and stores the stamps found, a few
    hundred at a time.  :meth:`step` does all three."""

    project: Session
    checked: int = 0  # videos checked so far
    changed: list[MediaCheck] = field(default_factory=list)  # files not the ones added
    _next_id: int = 0
    _last_id: int = -1
    _out: int = 0  # videos handed out by next_links and not taken yet
    _fresh: list[MediaLink] = field(default_factory=list)
    _written: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        span = self.project._repo.video_id_span()
        if span is not None:
            self._next_id, self._last_id = span

    @property
    def done(self) -> bool:
        """True when every video has been checked (and taken)."""
        return self._next_id > self._last_id and not self._out

    def next_links(self) -> list[MediaLink]:
        """The next part's videos to check (empty when every video has been handed out)."""
        while self._next_id <= self._last_id:
            last = min(self._next_id + SCAN_CHUNK - 1, self._last_id)
            links = self.project._repo.media_links(self._next_id, last)
            self._next_id = last + 1
            if links:  # (ids of removed videos leave gaps)
                self._out += len(links)
                return links
        return []

    def take(self, results: Iterable[tuple[MediaLink, MediaCheck, MediaStamp | None]]
             ) -> list[tuple[MediaLink, MediaCheck]]:
        """Note the outcome of checking a part; stores the stamps found when there are
        enough of them, after a while, or at the end."""
        taken: list[tuple[MediaLink, MediaCheck]] = []
        for link, check, stamp in results:
            taken.append((link, check))
            if check.changed:
                self.changed.append(check)
            if stamp is not None:
                self._fresh.append(replace(link, stamp=stamp))
        self.checked += len(taken)
        self._out = max(0, self._out - len(taken))
        if self._fresh and (self.done or len(self._fresh) >= SCAN_WRITE_ROWS
                            or time.monotonic() - self._written > SCAN_WRITE_SECONDS):
            self.project._repo.remember_media_stamps(self._fresh)
            self._fresh, self._written = [], time.monotonic()
        return taken

    def step(self) -> list[tuple[MediaLink, MediaCheck]]:
        """Check the next part here and now; returns its videos (links) with their
        outcome (empty when :attr:`done`)."""
        links = self.next_links()
        return self.take(check_links(str(self.project.folder), links)) if links else []


def check_all(session: Session) -> MediaScan:
    """Check every video's file at once (the command line, tests; the window checks a part
    at a time)."""
    scan = MediaScan(session)
    while not scan.done:
        scan.step()
    return scan
