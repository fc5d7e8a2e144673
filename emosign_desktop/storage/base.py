"""Transactions shared by the stores: one write transaction per call, or one around a block;
the edit log; small helpers for messages."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, func, select

from emosign_desktop.core.schema import LabelSchema
from emosign_desktop.storage import tables as t
from emosign_desktop.storage.engine import WRITE

#: One edit-log line: target, field, old value, new value, video id, annotator id.
LogLine = tuple[str, str, object, object, int | None, int | None]


def now_iso() -> str:
    """The current UTC time, ISO 8601 with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def describe(value: object) -> str:
    """A value as a message shows it ("empty" for nothing)."""
    if value is None or value == "":
        return "empty"
    return repr(value) if isinstance(value, str) else str(value)


class StoreBase:
    """Holds the engine and the schema; every write commits before the call returns."""

    def __init__(self, engine: Engine, schema: LabelSchema, folder: Path) -> None:
        self.engine = engine
        self.schema = schema
        self.folder = folder
        self._tx: Connection | None = None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run everything in the block in one write transaction: all of it lands, or none.
        Reads inside the block see the transaction's own writes."""
        if self._tx is not None:
            yield
            return
        with self.engine.connect().execution_options(**WRITE) as conn, conn.begin():
            self._tx = conn
            try:
                yield
            finally:
                self._tx = None

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        if self._tx is not None:
            yield self._tx
            return
        with self.engine.connect().execution_options(**WRITE) as conn, conn.begin():
            yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        if self._tx is not None:
            yield self._tx
            return
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def next_id(self, table: str) -> int:
        """The next free row id of ``table`` (``video``, ``tier``, ``segment``, ...): ids are
        given out by the write path inside its transaction, so undo and redo keep them."""
        tab = t.metadata.tables[table]
        with self._read() as conn:
            return int(conn.execute(select(func.max(tab.c.id))).scalar() or 0) + 1

    @staticmethod
    def _write_log(conn: Connection, lines: Sequence[LogLine], at: str) -> None:
        """Append lines to the edit log (same transaction as the edit)."""
        if lines:
            conn.execute(_LOG_INSERT, [
                {"at": at, "target": target, "field": f, "old_value": json.dumps(o, default=str),
                 "new_value": json.dumps(n, default=str), "video_id": v, "annotator_id": a}
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
