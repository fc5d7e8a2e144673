"""Videos and annotators: reads, and their part of applying a change set."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, Row, bindparam, delete, exists, select
from sqlalchemy.exc import DBAPIError

from emosign_desktop.core.changeset import AnnotatorEdit, VideoEdit
from emosign_desktop.core.errors import EmoSignError, ProjectError, StaleChangeError
from emosign_desktop.core.media_check import MediaLink, MediaStamp
from emosign_desktop.core.model import (
    Annotator,
    AnnotatorId,
    AnnotatorKind,
    MediaInfo,
    Video,
    VideoId,
)
from emosign_desktop.storage import tables as t
from emosign_desktop.storage.base import LogLine, StoreBase
from emosign_desktop.storage.engine import WRITE

_MEDIA = ("fps", "frame_count", "width", "height", "duration", "codec", "declared_frames")
_log = logging.getLogger(__name__)
_STAMP_UPDATE = t.video.update().where(
    t.video.c.id == bindparam("vid"), t.video.c.media_path == bindparam("path"),
    t.video.c.fingerprint == bindparam("fp")).values(
    media_size=bindparam("size"), media_mtime=bindparam("mtime"))


def _video(row: Row[tuple[object, ...]]) -> Video:
    m = row._mapping
    media = None
    if m["fps"] is not None:
        media = MediaInfo(
            fps=m["fps"],
            frame_count=m["frame_count"],
            width=m["width"],
            height=m["height"],
            duration=m["duration"],
            codec=m["codec"] or "",
            declared_frames=m["declared_frames"],
        )
    return Video(VideoId(m["id"]), m["name"], m["media_path"], m["fingerprint"], media)


def _annotator(row: Row[tuple[object, ...]]) -> Annotator:
    m = row._mapping
    return Annotator(AnnotatorId(m["id"]), m["name"], AnnotatorKind(m["kind"]))


def _media_values(media: MediaInfo | None) -> dict[str, object]:
    if media is None:
        return dict.fromkeys(_MEDIA)
    return {"fps": media.fps, "frame_count": media.frame_count, "width": media.width,
            "height": media.height, "duration": media.duration, "codec": media.codec,
            "declared_frames": media.declared_frames}


class VideoStore(StoreBase):
    """Videos (possibly by name only) and annotators."""

    # -- reads ---------------------------------------------------------------------------------
    def video(self, video_id: VideoId) -> Video:
        """The video with this id."""
        with self._read() as conn:
            row = conn.execute(select(t.video).where(t.video.c.id == video_id)).first()
        if row is None:
            raise ProjectError(f"no video with id {video_id}")
        return _video(row)

    def video_by_name(self, name: str) -> Video | None:
        """The video with this name, if any."""
        with self._read() as conn:
            row = conn.execute(select(t.video).where(t.video.c.name == name)).first()
        return _video(row) if row else None

    def videos_by_fingerprint(self, fingerprint: str) -> list[Video]:
        """Videos whose media has this content fingerprint."""
        with self._read() as conn:
            rows = conn.execute(select(t.video).where(t.video.c.fingerprint == fingerprint))
            return [_video(r) for r in rows]

    def videos(self) -> list[Video]:
        """Every video, in the order they were added."""
        with self._read() as conn:
            return [_video(r) for r in conn.execute(select(t.video).order_by(t.video.c.id))]

    def video_keys(self) -> list[tuple[VideoId, str, str | None]]:
        """Every video's id, name and fingerprint (the cheap read behind matching)."""
        v = t.video
        with self._read() as conn:
            return [(VideoId(i), n, f) for i, n, f in conn.execute(
                select(v.c.id, v.c.name, v.c.fingerprint).order_by(v.c.id))]

    # -- media stamps (a cache of the last check: no edit, no undo, no edit-log line) ---------
    def media_stamps(self, ids: Iterable[VideoId]) -> dict[VideoId, MediaStamp]:
        """The stored size and time of these videos' files (those checked since linked)."""
        wanted = list(dict.fromkeys(ids))
        v = t.video
        found: dict[VideoId, MediaStamp] = {}
        with self._read() as conn:
            for i in range(0, len(wanted), 500):
                rows = conn.execute(select(v.c.id, v.c.media_size, v.c.media_mtime)
                                    .where(v.c.id.in_(wanted[i:i + 500])))
                found.update((VideoId(i), MediaStamp(size, mtime)) for i, size, mtime in rows
                             if size is not None and mtime is not None)
        return found

    def media_links(self, first_id: int, last_id: int) -> list[MediaLink]:
        """The linked file, fingerprint and stored stamp of the videos with ids
        ``first_id..last_id``, by id (only the columns a check reads)."""
        v = t.video
        with self._read() as conn:
            rows = conn.execute(select(v.c.id, v.c.media_path, v.c.fingerprint, v.c.media_size,
                                       v.c.media_mtime)
                                .where(v.c.id.between(first_id, last_id)).order_by(v.c.id))
            return [MediaLink(VideoId(i), path, fp, None if size is None or mtime is None
                              else MediaStamp(size, mtime))
                    for i, path, fp, size, mtime in rows]

    def set_media_stamps(self, links: Iterable[MediaLink]) -> None:
        """Store the stamps of files just found to match their videos' fingerprints, each
        only where the video is still linked to that file with that fingerprint (a check
        that raced a relink or an undo stores nothing); in the open write transaction, if
        any."""
        with self._write() as conn:
            self._store_stamps(conn, links)

    @staticmethod
    def _store_stamps(conn: Connection, links: Iterable[MediaLink]) -> None:
        rows = [{"vid": k.video_id, "path": k.media_path, "fp": k.fingerprint,
                 "size": k.stamp.size, "mtime": k.stamp.mtime_ns}
                for k in links if k.stamp is not None]
        if rows:
            conn.execute(_STAMP_UPDATE, rows)

    def remember_media_stamps(self, links: Iterable[MediaLink]) -> bool:
        """Store stamps as a check's cache: not an edit (no undo step, no edit-log line,
        not counted as an edit), and where failing is harmless: False, and nothing stored,
        when the project cannot be written now (read-only, busy, full); the next check
        reads those files again."""
        links = [k for k in links if k.stamp is not None]
        if not links:
            return True
        if self._tx is not None:
            self._store_stamps(self._tx, links)
            return True
        if self.read_only is not None:
            return False
        try:
            with self.engine.connect().execution_options(**WRITE) as conn, conn.begin():
                self._store_stamps(conn, links)
        except (DBAPIError, EmoSignError) as exc:  # (a server away, too)
            _log.info("media stamps not stored (%s): %s", type(exc).__name__, exc)
            return False
        return True

    def annotator_by_name(self, name: str) -> Annotator | None:
        """The annotator of this name, if any."""
        with self._read() as conn:
            row = conn.execute(select(t.annotator).where(t.annotator.c.name == name)).first()
        return _annotator(row) if row is not None else None

    def annotators(self) -> list[Annotator]:
        """Every annotator, in the order they were added."""
        with self._read() as conn:
            rows = conn.execute(select(t.annotator).order_by(t.annotator.c.id))
            return [_annotator(r) for r in rows]

    # -- applying: videos ------------------------------------------------------------------------
    def _verify_videos(self, conn: Connection, edits: Sequence[VideoEdit]) -> None:
        for e in edits:
            row = conn.execute(select(t.video).where(t.video.c.id == e.key)).first()
            found = _video(row) if row is not None else None
            if e.before is None and e.after is not None:
                clash = conn.execute(select(t.video.c.id).where(
                    t.video.c.name == e.after.name)).first()
                if found is not None or clash is not None:
                    raise StaleChangeError(f"the project has a video named '{e.after.name}' "
                                           "again; nothing was changed")
            elif found != e.before:
                assert e.before is not None
                what = "removed" if found is None else (
                    f"linked to {found.media_path}" if found.media_path != e.before.media_path
                    else "changed")
                raise StaleChangeError(f"video '{e.before.name}' was {what} since; "
                                       "nothing was changed")

    def _apply_videos(self, conn: Connection, edits: Sequence[VideoEdit], deleting: bool,
                      now: str, log: list[LogLine] | None) -> None:
        v = t.video
        inserts: list[dict[str, object]] = []
        for e in edits:
            if (e.after is None) != deleting:
                continue
            if e.after is None:
                assert e.before is not None
                vid = e.before.id
                used = any(conn.execute(select(exists().where(table.c.video_id == vid))).scalar()
                           for table in (t.video_annotation, t.segment, t.prediction,
                                         t.predicted_cue))
                if not used:  # kept while labels, segments or predictions refer to it
                    conn.execute(delete(v).where(v.c.id == vid))
            else:
                values = {"name": e.after.name, "media_path": e.after.media_path,
                          "fingerprint": e.after.fingerprint, **_media_values(e.after.media)}
                if e.before is None:
                    inserts.append({"id": e.after.id, "added_at": now, **values})
                else:
                    if (e.before.media_path, e.before.fingerprint) != (
                            e.after.media_path, e.after.fingerprint):
                        values.update(media_size=None, media_mtime=None)  # check it again
                    conn.execute(v.update().where(v.c.id == e.after.id).values(**values))
            if log is not None:
                old, new = e.before, e.after
                field = "add" if old is None else "remove" if new is None else "media_path"
                log.append(("video", field,
                            old.media_path if old and new else old.name if old else None,
                            new.media_path if old and new else new.name if new else None,
                            e.key, None))
        if inserts:
            conn.execute(v.insert(), inserts)  # one statement for any number

    # -- applying: annotators --------------------------------------------------------------------
    def _verify_annotators(self, conn: Connection, edits: Sequence[AnnotatorEdit]) -> None:
        for e in edits:
            row = conn.execute(select(t.annotator).where(t.annotator.c.id == e.key)).first()
            found = _annotator(row) if row is not None else None
            if e.before is None and e.after is not None:
                clash = conn.execute(select(t.annotator.c.id).where(
                    t.annotator.c.name == e.after.name)).first()
                if found is not None or clash is not None:
                    raise StaleChangeError(f"the project has an annotator '{e.after.name}' "
                                           "again; nothing was changed")
            elif found != e.before:
                assert e.before is not None
                raise StaleChangeError(f"annotator '{e.before.name}' was changed since; "
                                       "nothing was changed")

    def _apply_annotators(self, conn: Connection, edits: Sequence[AnnotatorEdit],
                          deleting: bool, log: list[LogLine] | None) -> None:
        a = t.annotator
        for e in edits:
            if (e.after is None) != deleting:
                continue
            if e.after is None:
                assert e.before is not None
                aid = e.before.id
                used = any(conn.execute(select(exists().where(
                    table.c.annotator_id == aid))).scalar()
                    for table in (t.video_annotation, t.segment))
                if not used:
                    conn.execute(delete(a).where(a.c.id == aid))
            elif e.before is None:
                conn.execute(a.insert().values(id=e.after.id, name=e.after.name,
                                               kind=e.after.kind.value))
            else:
                conn.execute(a.update().where(a.c.id == e.after.id).values(
                    name=e.after.name, kind=e.after.kind.value))
            if log is not None:
                log.append(("annotator", "add" if e.before is None else "remove"
                            if e.after is None else "update",
                            e.before.name if e.before else None,
                            e.after.name if e.after else None, None, e.key))
