"""Videos and annotators."""

from __future__ import annotations

from sqlalchemy import Row, select

from emosign_desktop.core.errors import ProjectError
from emosign_desktop.core.model import (
    Annotator,
    AnnotatorId,
    AnnotatorKind,
    MediaInfo,
    Video,
    VideoId,
)
from emosign_desktop.storage import tables as t
from emosign_desktop.storage.base import StoreBase, now_iso


def _video(row: Row) -> Video:
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
        )
    return Video(VideoId(m["id"]), m["name"], m["media_path"], m["fingerprint"], media)


def _media_values(media: MediaInfo | None) -> dict[str, object]:
    if media is None:
        return dict.fromkeys(("fps", "frame_count", "width", "height", "duration", "codec"))
    return {
        "fps": media.fps,
        "frame_count": media.frame_count,
        "width": media.width,
        "height": media.height,
        "duration": media.duration,
        "codec": media.codec,
    }


_VIDEO_INSERT = t.video.insert()


class VideoStore(StoreBase):
    """Videos (possibly by name only) and annotators."""

    def add_video(
        self,
        name: str,
        media_path: str | None = None,
        fingerprint: str | None = None,
        media: MediaInfo | None = None,
    ) -> Video:
        """Add a video; its name must be new to the project."""
        if not name or not name.strip():
            raise ProjectError("a video needs a name")
        with self._write() as conn:
            if conn.execute(select(t.video.c.id).where(t.video.c.name == name)).first():
                raise ProjectError(f"the project already has a video named '{name}'")
            vid = conn.execute(
                _VIDEO_INSERT,
                {"name": name, "media_path": media_path, "fingerprint": fingerprint,
                 "added_at": now_iso(), **_media_values(media)},
            ).inserted_primary_key[0]
            self._log(conn, "video", "add", None, name, video_id=vid)
        return Video(VideoId(vid), name, media_path, fingerprint, media)

    def link_media(
        self, video_id: VideoId, media_path: str, fingerprint: str, media: MediaInfo
    ) -> Video:
        """Attach (or re-attach) a media file to a video."""
        with self._write() as conn:
            conn.execute(
                t.video.update()
                .where(t.video.c.id == video_id)
                .values(media_path=media_path, fingerprint=fingerprint, **_media_values(media))
            )
            self._log(conn, "video", "media_path", None, media_path, video_id=video_id)
        return self.video(video_id)

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

    def ensure_annotator(
        self, name: str, kind: AnnotatorKind = AnnotatorKind.HUMAN
    ) -> Annotator:
        """The annotator of this name, created if new."""
        name = name.strip()
        if not name:
            raise ProjectError("an annotator needs a name")
        with self._write() as conn:
            row = conn.execute(select(t.annotator).where(t.annotator.c.name == name)).first()
            if row is not None:
                m = row._mapping
                return Annotator(AnnotatorId(m["id"]), m["name"], AnnotatorKind(m["kind"]))
            aid = conn.execute(
                t.annotator.insert().values(name=name, kind=kind.value)
            ).inserted_primary_key[0]
            self._log(conn, "annotator", "add", None, name, annotator_id=aid)
        return Annotator(AnnotatorId(aid), name, kind)

    def annotator_by_name(self, name: str) -> Annotator | None:
        """The annotator of this name, if any."""
        with self._read() as conn:
            row = conn.execute(select(t.annotator).where(t.annotator.c.name == name)).first()
        if row is None:
            return None
        m = row._mapping
        return Annotator(AnnotatorId(m["id"]), m["name"], AnnotatorKind(m["kind"]))

    def annotators(self) -> list[Annotator]:
        """Every annotator, in the order they were added."""
        with self._read() as conn:
            rows = conn.execute(select(t.annotator).order_by(t.annotator.c.id))
            return [
                Annotator(AnnotatorId(r.id), r.name, AnnotatorKind(r.kind)) for r in rows
            ]
