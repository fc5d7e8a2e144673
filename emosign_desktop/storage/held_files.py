"""The SQLite project files this process holds open, so that nothing else in it opens and
closes them behind SQLite's back.

Closing any descriptor of a file drops every POSIX lock the process holds on that file,
SQLite's included (SQLite's "How To Corrupt An SQLite Database File", 2.2).  A connection of
ours that lost its locks is invisible to other processes: one of them, closing last, may
delete the write-ahead log, or reset its shared index, under our open connection, and the
next read finds the database malformed.  So the project file is never opened by hand while
this process holds it: :func:`read_head` answers from here instead.  Writability is asked
without opening the file at all (``failures.write_refusal``).
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

#: The first 16 bytes of every SQLite database file.
SQLITE_MAGIC = b"SQLite format 3\x00"

_lock = threading.Lock()
_held: Counter[tuple[int, int]] = Counter()


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def hold(path: Path) -> Callable[[], None]:
    """Record that SQLite connections of this process are about to open ``path`` (before the
    first one opens); the function returned ends the record (after the last one closed; a
    second call does nothing)."""
    key = _identity(path)
    if key is None:
        return lambda: None
    with _lock:
        _held[key] += 1
    released = threading.Event()

    def release() -> None:
        with _lock:
            if released.is_set():
                return
            released.set()
            _held[key] -= 1
            if _held[key] <= 0:
                del _held[key]

    return release


def is_held(path: Path) -> bool:
    """True while SQLite connections of this process may have ``path`` open."""
    key = _identity(path)
    with _lock:
        return key is not None and key in _held


def read_head(path: Path, size: int) -> bytes:
    """The first ``size`` bytes of ``path``; for a file this process holds open in SQLite,
    the SQLite header alone, without opening the file (the read happens under the record's
    lock, so no connection opens while a descriptor of ours is open)."""
    key = _identity(path)
    with _lock:
        if key is not None and key in _held:
            return SQLITE_MAGIC[:size]
        with path.open("rb") as fh:
            return fh.read(size)
