"""Time on task: active seconds per video and annotator (format 8).

A measurement, not a label: it is only ever added to (one statement, ``seconds = seconds +
x``, so two windows adding at once both count), never edited or undone, and written outside
the edit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, select
from sqlalchemy.dialects import postgresql, sqlite

from emosign_desktop.core.model import VideoId
from emosign_desktop.storage import tables as t
from emosign_desktop.storage.base import StoreBase, now_iso


@dataclass(frozen=True)
class ActiveTime:
    """Seconds ``annotator`` was active on ``video_id`` (``updated_at``: last added)."""

    video_id: VideoId
    annotator: str
    seconds: float
    updated_at: str


class ActivityStore(StoreBase):
    """The ``activity`` table."""

    def add_active_seconds(self, video_id: VideoId, annotator: str,
                           seconds: float) -> None:
        """Add ``seconds`` (> 0) to the time ``annotator`` spent on ``video_id``."""
        if not seconds > 0:
            return
        a = t.activity
        now = now_iso()
        insert = postgresql.insert if self.is_pg else sqlite.insert
        stmt = insert(a).values(video_id=video_id, annotator=annotator,
                                seconds=seconds, updated_at=now)
        stmt = stmt.on_conflict_do_update(
            index_elements=["video_id", "annotator"],
            set_={"seconds": a.c.seconds + stmt.excluded.seconds, "updated_at": now})
        with self._write() as conn:
            conn.execute(stmt)

    def raise_active_seconds(self, video_id: VideoId, annotator: str,
                             seconds: float) -> None:
        """Make the time at least ``seconds`` (merging a pack: its figure is a total)."""
        a = t.activity
        now = now_iso()
        insert = postgresql.insert if self.is_pg else sqlite.insert
        stmt = insert(a).values(video_id=video_id, annotator=annotator,
                                seconds=max(0.0, seconds), updated_at=now)
        larger = case((stmt.excluded.seconds > a.c.seconds, stmt.excluded.seconds),
                      else_=a.c.seconds)
        stmt = stmt.on_conflict_do_update(index_elements=["video_id", "annotator"],
                                          set_={"seconds": larger, "updated_at": now})
        with self._write() as conn:
            conn.execute(stmt)

    def active_times(self, *, video_id: VideoId | None = None,
                     annotator: str | None = None) -> list[ActiveTime]:
        """Active time per video and annotator, optionally of one video or annotator."""
        a = t.activity
        query = select(a).order_by(a.c.video_id, a.c.annotator)
        if video_id is not None:
            query = query.where(a.c.video_id == video_id)
        if annotator is not None:
            query = query.where(a.c.annotator == annotator)
        with self._read() as conn:
            return [ActiveTime(VideoId(r.video_id), r.annotator, float(r.seconds), r.updated_at)
                    for r in conn.execute(query)]
