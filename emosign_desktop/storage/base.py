"""Transactions shared by the stores: one write transaction per call, or one around a block."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine

from emosign_desktop.core.schema import LabelSchema
from emosign_desktop.storage import tables as t
from emosign_desktop.storage.engine import WRITE


def now_iso() -> str:
    """The current UTC time, ISO 8601 with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class StoreBase:
    """Holds the engine and the schema; every write commits before the call returns."""

    def __init__(self, engine: Engine, schema: LabelSchema, folder: Path) -> None:
        self.engine = engine
        self.schema = schema
        self.folder = folder
        self._tx: Connection | None = None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run every write in the block in one transaction: all of it lands, or none."""
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

    def _log(
        self,
        conn: Connection,
        target: str,
        field: str,
        old: object,
        new: object,
        *,
        video_id: int | None = None,
        annotator_id: int | None = None,
    ) -> None:
        """Append one line to the edit log (same transaction as the edit)."""
        self._log_many(conn, target, [(field, old, new)], video_id=video_id,
                       annotator_id=annotator_id)

    def _log_many(
        self,
        conn: Connection,
        target: str,
        entries: list[tuple[str, object, object]],
        *,
        video_id: int | None = None,
        annotator_id: int | None = None,
    ) -> None:
        """Append ``(field, old, new)`` lines to the edit log in one statement."""
        at = now_iso()
        conn.execute(
            _LOG_INSERT,
            [
                {"at": at, "annotator_id": annotator_id, "video_id": video_id,
                 "target": target, "field": f, "old_value": json.dumps(o, default=str),
                 "new_value": json.dumps(n, default=str)}
                for f, o, n in entries
            ],
        )


_LOG_INSERT = t.edit_log.insert()
