"""What went wrong with a project file, in plain words.

Every error SQLite (or the file system under it) reports is translated here, where storage
meets it, into one of the user's error types naming the file and the reason: a failed write
becomes :class:`NotSavedError` ("NOT saved"), a failed read a :class:`ProjectError`, and only
a file SQLite itself calls malformed a :class:`ProjectDamagedError`.  No SQL text or
parameters reach the message (the log keeps the original).

:func:`unwritable_reason` tells, before a project is opened, whether it can be written at all
(read-only file or folder, immutable file, read-only media, no permission), so such a project
opens read-only instead of failing on its first write.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import logging
import os
import sqlite3
import stat
import tempfile
from pathlib import Path

from emosign_desktop.core.errors import (
    NotSavedError,
    ProjectDamagedError,
    ProjectError,
)

log = logging.getLogger(__name__)

#: Suffixes of SQLite's side files in WAL mode.
SIDE_SUFFIXES = ("-wal", "-shm")

_ERRNO_REASONS = {
    errno.EROFS: "is on read-only media (a read-only disk or mount)",
    errno.EPERM: "is marked immutable (chattr +i), or the system forbids writing it",
    errno.EACCES: "is not yours to write (no write permission)",
    errno.ENOSPC: "is on a full disk",
    errno.EDQUOT: "is on a disk where your quota is used up",
}


def reason_of_errno(code: int | None, fallback: str) -> str:
    """What is wrong with a file or folder for an OS error number, as a predicate
    ("is on read-only media")."""
    return _ERRNO_REASONS.get(code or 0, f"cannot be written ({fallback})")


def sqlite_reason(exc: BaseException) -> tuple[str, bool]:
    """Plain words for an SQLite error, and whether it says the file is damaged."""
    text = str(exc).strip().splitlines()[0].lower() if str(exc).strip() else ""
    code = getattr(exc, "sqlite_errorcode", None)
    if "malformed" in text or "not a database" in text or code == sqlite3.SQLITE_CORRUPT:
        return f"the file is damaged ({text})", True
    if "readonly" in text or "read-only" in text:
        return "the file cannot be written (it, its folder or its disk is read-only)", False
    if "full" in text or code == sqlite3.SQLITE_FULL:
        return "the disk is full", False
    if "disk i/o" in text or code == sqlite3.SQLITE_IOERR:
        return ("a disk error (the disk may be full, removed or failing, or a file beside "
                "the project was changed by another program)"), False
    if "unable to open" in text or code == sqlite3.SQLITE_CANTOPEN:
        return "the file cannot be opened (no permission, or its folder is gone)", False
    if "locked" in text or "busy" in text:
        return "another window or program kept the file busy", False
    return text or type(exc).__name__, False


def translate(path: Path, exc: BaseException, *, writing: bool) -> ProjectError:
    """The user's error for an SQLite error met while reading or writing ``path``."""
    log.debug("project file %s: %s failed: %r", path, "write" if writing else "read", exc)
    reason, damaged = sqlite_reason(exc)
    if writing:
        return NotSavedError(f"{path.name}: the change was NOT saved: {reason}. The project "
                             "holds what it held before the change.")
    if damaged:
        return ProjectDamagedError(f"{path}: {reason}")
    return ProjectError(f"{path}: the project cannot be read: {reason}")


def write_refusal(path: Path) -> OSError | None:
    """Why ``path`` cannot be opened for writing (None when it can), asked of the system
    without opening it: closing a descriptor of the project file would drop SQLite's locks
    on it in this process (see ``held_files``).  The system's own answer (EACCES, EROFS,
    EPERM for an immutable file) where its C library can be asked, else the file mode's."""
    if os.name == "posix":
        libc = _libc()
        if libc is not None:
            if libc.access(os.fsencode(path), os.W_OK) == 0:
                return None
            code = ctypes.get_errno() or errno.EACCES
            return OSError(code, os.strerror(code), str(path))
    if os.access(path, os.W_OK):
        return None
    code = errno.ENOENT if not os.path.lexists(path) else errno.EACCES
    return OSError(code, os.strerror(code), str(path))


@functools.cache
def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


#: Bytes written (and removed) to tell that a folder's disk has room for SQLite's journal.
_ROOM_CHECK = 64 * 1024


def _try_write_in(folder: Path) -> OSError | None:
    try:
        fd, name = tempfile.mkstemp(prefix=".emosign-write-check-", dir=folder)
    except OSError as exc:
        return exc
    try:
        os.write(fd, b"\0" * _ROOM_CHECK)
        os.fsync(fd)
    except OSError as exc:
        return exc
    finally:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(name)
    return None


def _repair_side_file(side: Path, db: Path) -> bool:
    """Give a side file that we own the permissions of the project file (a read-only run of
    an older version left them read-only).  True when it can be written now."""
    try:
        if side.stat().st_uid != os.getuid():
            return False
        os.chmod(side, stat.S_IMODE(db.stat().st_mode) | stat.S_IWUSR)
    except OSError:
        return False
    return write_refusal(side) is None


def check_readable(path: Path) -> None:
    """Raise a ProjectError naming the folder or file when it cannot be read at all."""
    folder = path.parent
    if not os.access(folder, os.R_OK | os.X_OK):
        raise ProjectError(f"{folder}: the project folder cannot be read (you have no "
                           "permission to open it)")
    if not os.access(path, os.R_OK):
        raise ProjectError(f"{path}: the project file cannot be read (you have no "
                           "permission to read it)")


def unwritable_reason(path: Path) -> str | None:
    """Why the SQLite project file ``path`` cannot be written (None when it can): the file,
    its folder (where SQLite keeps its journal) and any journal files left beside it."""
    failure = write_refusal(path)
    if failure is not None:
        return f"the project file {reason_of_errno(failure.errno, failure.strerror or '')}"
    failure = _try_write_in(path.parent)
    if failure is not None:
        return f"its folder {path.parent} {reason_of_errno(failure.errno, failure.strerror or '')}"
    for suffix in SIDE_SUFFIXES:
        side = Path(str(path) + suffix)
        if side.exists() and write_refusal(side) is not None and not _repair_side_file(side, path):
            return (f"its journal file {side.name} cannot be written (it belongs to another "
                    "user or is read-only)")
    return None


def wal_has_content(path: Path) -> bool:
    """True when SQLite's write-ahead log beside ``path`` holds pages not yet in the file."""
    try:
        return Path(str(path) + "-wal").stat().st_size > 0
    except OSError:
        return False
