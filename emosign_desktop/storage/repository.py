"""The repository: the one door to the project's data.  Reads return core dataclasses; the
one write is :meth:`Repository.apply`, which applies a :class:`ChangeSet` in one transaction
(after checking, for undo and redo, that the project still holds its before-images)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import Connection, func, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from emosign_desktop.core.changeset import ChangeSet, MetaEdit
from emosign_desktop.core.errors import StaleChangeError
from emosign_desktop.core.schema import schema_from_dict
from emosign_desktop.storage import tables as t
from emosign_desktop.storage.annotations import AnnotationStore
from emosign_desktop.storage.base import LogLine, now_iso
from emosign_desktop.storage.merges import MergeStore
from emosign_desktop.storage.predictions import PredictionStore
from emosign_desktop.storage.segments import SegmentStore
from emosign_desktop.storage.videos import VideoStore

SCHEMA_KEY = "label_schema"


class Repository(VideoStore, AnnotationStore, SegmentStore, MergeStore, PredictionStore):
    """Videos, annotators, annotations, tiers, segments, predictions and project metadata."""

    def meta(self) -> dict[str, str]:
        """The project's metadata (format version, creator, schema as JSON...)."""
        with self._read() as conn:
            return {k: v for k, v in conn.execute(select(t.meta.c.key, t.meta.c.value))}

    def edit_count(self) -> int:
        """Number of lines in the edit log."""
        with self._read() as conn:
            return int(conn.execute(select(func.count()).select_from(t.edit_log)).scalar_one())

    def apply(self, changes: ChangeSet, *, verify: bool = False) -> None:
        """Apply ``changes`` in one transaction (the caller's, if one is open), with its lines
        in the edit log.  With ``verify`` (undo and redo), first check that every target still
        holds its before-image, and raise :class:`StaleChangeError` naming the first that does
        not: then nothing is written."""
        cs = changes
        now = now_iso()
        log: list[LogLine] | None = None if cs.log else []
        with self._write() as conn:
            if verify:
                self._verify_meta(conn, cs.meta)
                self._verify_annotators(conn, cs.annotators)
                self._verify_videos(conn, cs.videos)
                self._verify_tiers(conn, cs.tiers)
                self._verify_merges(conn, cs.merges)
                self._verify_annotations(conn, cs.annotations)
                self._verify_segments(conn, cs.segments)
                self._verify_predictions(conn, cs.predictions)
                self._verify_predicted_cues(conn, cs.predicted_cues)
            self._apply_meta(conn, cs.meta, log)
            self._apply_annotators(conn, cs.annotators, False, log)
            self._apply_videos(conn, cs.videos, False, now, log)
            self._apply_tiers(conn, cs.tiers, False, log)
            self._apply_merges(conn, cs.merges, False)
            self._apply_annotations(conn, cs.annotations, now, log)
            self._apply_segments(conn, cs.segments, now, log)
            self._apply_predictions(conn, cs.predictions)
            self._apply_predicted_cues(conn, cs.predicted_cues)
            self._apply_merges(conn, cs.merges, True)
            self._apply_tiers(conn, cs.tiers, True, log)
            self._apply_videos(conn, cs.videos, True, now, log)
            self._apply_annotators(conn, cs.annotators, True, log)
            self._write_log(conn, log if log is not None
                            else [("operation", "bulk", None, cs.log, None, None)], now)
        for edit in cs.meta:
            if edit.name == SCHEMA_KEY and edit.after is not None:

                self.schema = schema_from_dict(json.loads(edit.after))

    def _verify_meta(self, conn: Connection, edits: Sequence[MetaEdit]) -> None:
        for e in edits:
            found = conn.execute(select(t.meta.c.value).where(t.meta.c.key == e.name)).scalar()
            if found != e.before:
                raise StaleChangeError(f"the project setting '{e.name}' was changed since; "
                                       "nothing was changed")

    @staticmethod
    def _apply_meta(conn: Connection, edits: Sequence[MetaEdit], log: list[LogLine] | None
                    ) -> None:
        for e in edits:
            if e.after is None:
                conn.execute(t.meta.delete().where(t.meta.c.key == e.name))
            else:
                stmt = sqlite_insert(t.meta).values(key=e.name, value=e.after)
                conn.execute(stmt.on_conflict_do_update(index_elements=["key"],
                                                        set_={"value": e.after}))
            if log is not None:
                log.append(("project", e.name, e.before, e.after, None, None))
