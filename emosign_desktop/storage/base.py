"""Transactions shared by the stores: one write transaction per call, or one around a block;
the edit log; what this client has read (to refuse stale writes); small helpers.

Each repository remembers the version of every annotation, segment and tier it read outside
a write transaction (what the app shows), with the values it read.  An ordinary edit of a
row that has changed since (another annotator, window or process wrote it: its version grew)
is checked against those values and refused when it would overwrite something this client
never saw (see ``repository.py``).
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeAlias

from sqlalchemy import Connection, Engine, func, select

from emosign_desktop.core.errors import ReadOnlyProjectError
from emosign_desktop.core.per_thread import PerThread
from emosign_desktop.core.schema import LabelSchema
from emosign_desktop.storage import tables as t
from emosign_desktop.storage.engine import WRITE

#: One edit-log line: target, field, old value, new value, video id, annotator id.
LogLine = tuple[str, str, object, object, int | None, int | None]
#: What the client read of a row: ("a", (video, annotator)), ("s", segment id), ("t", tier id).
SeenKey: TypeAlias = tuple[str, object]
#: The version read (0: the row was absent) and the value read (a dict of annotation
#: fields, a Segment, a Tier; None when absent).
Seen: TypeAlias = tuple[int, object]
#: Reads of more rows than this are bulk reads (exports, reports), not what an editor shows:
#: they are not remembered.
SEEN_LIMIT = 512
#: Advisory-lock keys (PostgreSQL) guarding the id allocation of each table.
_ID_LOCKS = {name: 0x454D0000 + i for i, name in enumerate(
    ("video", "annotator", "tier", "segment", "pack_merge", "predicted_cue", "prediction",
     "video_annotation", "merge_conflict", "edit_log"))}


def now_iso() -> str:
    """The current UTC time, ISO 8601 with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def describe(value: object) -> str:
    """A value as a message shows it ("empty" for nothing)."""
    if value is None or value == "":
        return "empty"
    return repr(value) if isinstance(value, str) else str(value)


def driver_sql(conn: Connection, sql: str) -> str:
    """``sql`` written with ``?`` for each parameter, in the paramstyle of ``conn``'s
    driver."""
    if conn.dialect.paramstyle in ("format", "pyformat"):
        return sql.replace("?", "%s")
    return sql


class StoreBase:
    """Holds the engine and the schema; every write commits before the call returns."""

    #: This thread's open write transaction, and what it wrote (per thread: see ``_here``).
    _tx: PerThread[Connection] = PerThread()
    _pending: PerThread[dict[SeenKey, Seen | None]] = PerThread()

    def __init__(self, engine: Engine, schema: LabelSchema, folder: Path) -> None:
        self.engine = engine
        self.schema = schema
        self.folder = folder
        self.is_pg = engine.dialect.name == "postgresql"
        #: Marks this client's edit-log lines (and notifications): whoever polls for
        #: changes skips their own.
        self.client = uuid.uuid4().hex[:8]
        #: The open write transaction and what it wrote, per thread: the application writes
        #: on its background writer while its GUI thread reads on connections of its own.
        self._here = threading.local()
        #: Write transactions of this client begun and ended (each counts at both): a read
        #: that saw either happen, or began while one was open, may hold what the write
        #: changes, so it does not record what it saw.
        self._write_events = 0
        self._writes_open = 0
        self._seen: dict[SeenKey, Seen] = {}
        #: Guards the write counts with ``_seen``: a read's check-and-record and a write's
        #: count-and-record never interleave.
        self._seen_lock = threading.Lock()
        #: Why the project cannot be written (None: it can); every write is then refused
        #: before it starts.
        self.read_only: str | None = None
        #: True while the newest write transaction has not committed (it failed).
        self.last_write_failed = False
        #: Called after every committed write transaction (backups, journal checks).
        self.after_commit: list[Callable[[], None]] = []

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run everything in the block in one write transaction: all of it lands, or none.
        Reads inside the block see the transaction's own writes."""
        if self._tx is not None:
            yield
            return
        if self.read_only is not None:
            raise ReadOnlyProjectError(f"{self.where_name}: the project cannot be written: "
                                       f"{self.read_only}; nothing was changed")
        pending: dict[SeenKey, Seen | None] = {}
        self.last_write_failed = True  # until the commit returns
        with self._seen_lock:
            self._writes_open += 1
            self._write_events += 1
        committed = False
        try:
            with self.engine.connect().execution_options(**WRITE) as conn, conn.begin():
                self._tx, self._pending = conn, pending
                try:
                    yield
                finally:
                    self._tx, self._pending = None, None
            committed = True
        finally:
            with self._seen_lock:  # reads begun before now may be older than what it wrote
                self._writes_open -= 1
                self._write_events += 1
                if committed:
                    self._commit_seen(pending)
        self.last_write_failed = False
        for hook in list(self.after_commit):
            hook()

    @property
    def where_name(self) -> str:
        """The project file's name (or the server's database), for messages."""
        return "the project's database" if self.is_pg else "project.emosign"

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        if self._tx is not None:
            yield self._tx
            return
        with self.transaction():
            assert self._tx is not None
            yield self._tx

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        if self._tx is not None:
            yield self._tx
            return
        with self._seen_lock:
            self._here.read_began = None if self._writes_open else self._write_events
        with self.engine.connect() as conn, conn.begin():
            yield conn

    # -- what this client has read -------------------------------------------------------------
    @property
    def remembering(self) -> bool:
        """True when reads now are what the client shows (outside a write transaction)."""
        return self._tx is None

    def _saw(self, items: Sequence[tuple[SeenKey, Seen]]) -> None:
        """Remember what a read found, unless a write of this client was open while it
        read: the window's thread reads while the background writer writes, and what it
        found may then be older than what the client knows once that write commits (the
        write records what it wrote; the next read records again)."""
        if self._tx is not None or len(items) > SEEN_LIMIT:
            return
        with self._seen_lock:
            began = getattr(self._here, "read_began", self._write_events)
            if began is not None and began == self._write_events and not self._writes_open:
                self._seen.update(items)

    def _seen_now(self, key: SeenKey) -> Seen | None:
        """What this client knows of ``key``, counting the writes of the open transaction."""
        if self._pending is not None and key in self._pending:
            return self._pending[key]
        return self._seen.get(key)

    def _wrote(self, key: SeenKey, seen: Seen | None) -> None:
        """After this transaction commits, the client knows ``key`` as ``seen``."""
        if self._pending is not None:
            self._pending[key] = seen

    def _commit_seen(self, pending: dict[SeenKey, Seen | None]) -> None:
        for key, seen in pending.items():
            if seen is None:
                self._seen.pop(key, None)
            else:
                self._seen[key] = seen

    # -- ids -----------------------------------------------------------------------------------
    def next_id(self, table: str) -> int:
        """The next free row id of ``table`` (``video``, ``tier``, ``segment``, ...): ids are
        given out by the write path inside its transaction, so undo and redo keep them.  On
        PostgreSQL the allocation of the table's ids is locked until the transaction ends
        (an advisory lock), so two writers never give out the same id."""
        tab = t.metadata.tables[table]
        with self._read() as conn:
            if self.is_pg:
                conn.execute(select(func.pg_advisory_xact_lock(_ID_LOCKS.get(table, 0))))
            return int(conn.execute(select(func.max(tab.c.id))).scalar() or 0) + 1

    # -- the edit log --------------------------------------------------------------------------
    def _write_log(self, conn: Connection, lines: Sequence[LogLine], at: str) -> None:
        """Append lines to the edit log (same transaction as the edit)."""
        if lines:
            client = self.client
            conn.execute(_LOG_INSERT, [
                {"at": at, "target": target, "field": f, "old_value": json.dumps(o, default=str),
                 "new_value": json.dumps(n, default=str), "video_id": v, "annotator_id": a,
                 "client": client}
                for target, f, o, n, v, a in lines])

    @staticmethod
    def _video_name(conn: Connection, video_id: int) -> str:
        name = conn.execute(select(t.video.c.name).where(t.video.c.id == video_id)).scalar()
        return str(name) if name is not None else f"#{video_id}"

    @staticmethod
    def _annotator_name(conn: Connection, annotator_id: int) -> str:
        name = conn.execute(select(t.annotator.c.name)
                            .where(t.annotator.c.id == annotator_id)).scalar()
        return str(name) if name is not None else f"#{annotator_id}"


_LOG_INSERT = t.edit_log.insert()
