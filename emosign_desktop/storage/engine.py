"""SQLite engine set up for a crash-safe desktop project: WAL, synchronous FULL, foreign keys,
busy timeout, and real transactions (``BEGIN`` issued by us, so DDL is transactional too)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import NullPool

BUSY_TIMEOUT_MS = 5000


def make_engine(path: Path, *, pooled: bool = True) -> Engine:
    """An engine on ``path``; writers should use :func:`write_options` to lock up front."""
    kwargs = {} if pooled else {"poolclass": NullPool}
    engine = create_engine(f"sqlite:///{path}", **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None  # we send BEGIN ourselves (see _on_begin)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        # FULL: a commit that returned survives power loss, not only a process crash.
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


#: Execution options for a write transaction: take the write lock at BEGIN, so the busy
#: timeout applies instead of a deadlock error when another process writes at the same time.
WRITE = {"sqlite_begin": "IMMEDIATE"}
