"""The repository: the one door to the project's data.  Reads return core dataclasses; the
one write is :meth:`Repository.apply`, which applies a :class:`ChangeSet` in one transaction
(after checking, for undo and redo, that the project still holds its before-images).

Several clients may write at once (a project on a PostgreSQL server; on SQLite, other
processes or windows).  Three checks keep every write from overwriting what it did not see:

- undo and redo verify every before-image (``verify=True``);
- on PostgreSQL every write locks the annotations, segments and tiers it changes and checks
  their before-images under the lock, so two writers of the same row never interleave (on
  SQLite the write lock taken at ``BEGIN IMMEDIATE`` does the same for the whole file);
- an ordinary edit (logged field by field) of a row this client read earlier is refused when
  the row changed since (its version grew) in what the edit changes, naming both values.

:meth:`Repository.external_changes` tells what other clients changed since it was last asked
(PostgreSQL: LISTEN/NOTIFY; SQLite: the edit log, skipping this client's own lines).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from emosign_desktop.core.changes import EVERYTHING, Changes
from emosign_desktop.core.changeset import ChangeSet, MetaEdit
from emosign_desktop.core.errors import EmoSignError, StaleChangeError
from emosign_desktop.core.model import AnnotatorId, TierId, VideoId
from emosign_desktop.core.project_settings import setting_changes
from emosign_desktop.core.schema import LabelSchema, schema_from_dict
from emosign_desktop.storage import tables as t
from emosign_desktop.storage.activity import ActivityStore
from emosign_desktop.storage.annotations import AnnotationStore
from emosign_desktop.storage.base import LogLine, now_iso
from emosign_desktop.storage.engine import ServerSettings, listen_connection
from emosign_desktop.storage.listing import ListingStore
from emosign_desktop.storage.merges import MergeStore
from emosign_desktop.storage.predictions import PredictionStore
from emosign_desktop.storage.segments import SegmentStore
from emosign_desktop.storage.videos import VideoStore

SCHEMA_KEY = "label_schema"
#: The PostgreSQL notification channel on which every write names what it changed.
CHANNEL = "emosign_changes"
#: A notification carries at most this many annotation keys (else: "everything").
_NOTIFY_KEYS = 400
#: More edit-log lines than this since the last look: "everything changed".
_POLL_LINES = 5000
_FLAGS = {"t": "tiers", "v": "videos", "n": "annotators", "m": "merges", "p": "predictions",
          "g": "gold", "b": "blind", "d": "detector_settings", "S": "signers", "P": "project"}


class Repository(VideoStore, AnnotationStore, SegmentStore, MergeStore, PredictionStore,
                 ListingStore, ActivityStore):
    """Videos, annotators, annotations, tiers, segments, predictions and project metadata."""

    def __init__(self, engine: Engine, schema: LabelSchema, folder: Path,
                 server: ServerSettings | None = None) -> None:
        super().__init__(engine, schema, folder)
        self.server = server
        self._watching = False
        self._log_mark = 0
        self._listener: Any = None  # psycopg connection LISTENing (PostgreSQL)

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
        not: then nothing is written.  An ordinary edit (no bulk ``log``) of an annotation,
        segment or tier that changed since this client read it is refused the same way."""
        cs = changes
        now = now_iso()
        log: list[LogLine] | None = None if cs.log else []
        check = not verify and not cs.log
        lock = self.is_pg
        with self._write() as conn:
            if verify:
                self._verify_meta(conn, cs.meta)
                self._verify_annotators(conn, cs.annotators)
                self._verify_videos(conn, cs.videos)
            if verify or lock:
                self._verify_tiers(conn, cs.tiers, lock=lock)
            if verify:
                self._verify_merges(conn, cs.merges)
            if verify or lock:
                self._verify_annotations(conn, cs.annotations, lock=lock, undoing=verify)
                self._verify_segments(conn, cs.segments, lock=lock, undoing=verify)
            if verify:
                self._verify_predictions(conn, cs.predictions)
                self._verify_predicted_cues(conn, cs.predicted_cues)
            self._apply_meta(conn, cs.meta, log)
            self._apply_annotators(conn, cs.annotators, False, log)
            self._apply_videos(conn, cs.videos, False, now, log)
            self._apply_tiers(conn, cs.tiers, False, log, check)
            self._apply_merges(conn, cs.merges, False)
            self._apply_annotations(conn, cs.annotations, now, log, check)
            self._apply_segments(conn, cs.segments, now, log, check)
            self._apply_predictions(conn, cs.predictions)
            self._apply_predicted_cues(conn, cs.predicted_cues)
            self._apply_merges(conn, cs.merges, True)
            self._apply_tiers(conn, cs.tiers, True, log)
            self._apply_videos(conn, cs.videos, True, now, log)
            self._apply_annotators(conn, cs.annotators, True, log)
            self._write_log(conn, log if log is not None
                            else [("operation", "bulk", None, cs.log, None, None)], now)
            if self.is_pg:
                self._notify(conn, cs)
        for edit in cs.meta:
            if edit.name == SCHEMA_KEY and edit.after is not None:

                self.schema = schema_from_dict(json.loads(edit.after))

    # -- what other clients changed --------------------------------------------------------------
    def _notify(self, conn: Connection, cs: ChangeSet) -> None:
        """Tell every listening client what this transaction changes (delivered at commit)."""
        payload: dict[str, object] = {"c": self.client}
        if len(cs.annotations) > _NOTIFY_KEYS or len(cs.segments) > _NOTIFY_KEYS:
            payload["all"] = 1
        else:
            ch = cs.changes()
            payload["a"] = [[v, a] for v, a in ch.annotations]
            payload["s"] = sorted(ch.segments_of)
            payload["T"] = sorted(ch.segment_tiers)
            payload["r"] = sorted(ch.rejections_of)
            payload["f"] = "".join(k for k, name in _FLAGS.items() if getattr(ch, name))
        conn.execute(select(func.pg_notify(CHANNEL, json.dumps(payload, separators=(",", ":")))))

    def watch_external_changes(self) -> None:
        """Start noting what other clients change (see :meth:`external_changes`)."""
        if self._watching:
            return
        self._watching = True
        if self.is_pg:
            self._listen()
        else:
            with self._read() as conn:
                self._log_mark = int(conn.execute(select(func.max(t.edit_log.c.id))).scalar()
                                     or 0)

    def _listen(self) -> bool:
        assert self.server is not None
        try:
            conn = listen_connection(self.server)
            conn.execute(f"LISTEN {CHANNEL}")
        except EmoSignError:
            return False
        except Exception:  # psycopg's errors: the server is away
            return False
        self._listener = conn
        return True

    def stop_watching(self) -> None:
        """Stop noting what other clients change (closes the listening connection)."""
        self._watching = False
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(Exception):  # a connection the server dropped
                listener.close()

    def external_changes(self) -> Changes | None:
        """What other clients (annotators, windows, processes) changed since the last call
        (or since :meth:`watch_external_changes`), or None.  Cheap: meant to be called every
        second.  While the server is away this says None; once it is back, everything (what
        changed meanwhile is not known)."""
        if not self._watching:
            self.watch_external_changes()
            return None
        return self._pg_changes() if self.is_pg else self._log_changes()

    def _pg_changes(self) -> Changes | None:
        if self._listener is None:
            return EVERYTHING if self._listen() else None
        try:
            notes = list(self._listener.notifies(timeout=0))
        except Exception:  # the connection broke: listen again next time
            self.stop_watching()
            self._watching = True
            return None
        found = Changes()
        for note in notes:
            try:
                data = json.loads(note.payload)
            except ValueError:
                continue
            if not isinstance(data, dict) or data.get("c") == self.client:
                continue
            if data.get("all"):
                return EVERYTHING
            found |= Changes(
                annotations=frozenset((VideoId(v), AnnotatorId(a)) for v, a in data.get("a", [])),
                segments_of=frozenset(VideoId(v) for v in data.get("s", [])),
                segment_tiers=frozenset(TierId(i) for i in data.get("T", [])),
                rejections_of=frozenset(VideoId(v) for v in data.get("r", [])),
                **{name: k in data.get("f", "") for k, name in _FLAGS.items()})
        return found or None

    def _log_changes(self) -> Changes | None:
        el = t.edit_log
        with self._read() as conn:
            top = int(conn.execute(select(func.max(el.c.id))).scalar() or 0)
            if top <= self._log_mark:
                return None
            rows = conn.execute(
                select(el.c.target, el.c.field, el.c.video_id, el.c.annotator_id)
                .where(el.c.id > self._log_mark, el.c.id <= top,
                       or_(el.c.client.is_(None), el.c.client != self.client))
                .limit(_POLL_LINES + 1)).all()
        self._log_mark = top
        if len(rows) > _POLL_LINES:
            return EVERYTHING
        annotations: set[tuple[VideoId, AnnotatorId]] = set()
        segments: set[VideoId] = set()
        flags: set[str] = set()
        settings = Changes()
        for target, name, video_id, annotator_id in rows:
            if target == "annotation" and video_id is not None and annotator_id is not None:
                annotations.add((VideoId(video_id), AnnotatorId(annotator_id)))
            elif target == "segment" and video_id is not None:
                segments.add(VideoId(video_id))
            elif target in ("tier", "video", "annotator"):
                flags.add({"tier": "tiers", "video": "videos", "annotator": "annotators"}[target])
            elif target == "project":  # a setting: gold, blind mode... (or everything)
                settings |= setting_changes(str(name))
            else:  # a bulk operation: what it changed is not listed
                return EVERYTHING
        found = settings | Changes(annotations=frozenset(annotations),
                                   segments_of=frozenset(segments), tiers="tiers" in flags,
                                   videos="videos" in flags, annotators="annotators" in flags)
        return found or None

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
                insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
                stmt = insert(t.meta).values(key=e.name, value=e.after)
                conn.execute(stmt.on_conflict_do_update(index_elements=["key"],
                                                        set_={"value": e.after}))
            if log is not None:
                log.append(("project", e.name, e.before, e.after, None, None))
