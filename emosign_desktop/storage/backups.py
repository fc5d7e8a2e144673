"""Backups of an SQLite project, integrity checks, and restoring a backup.

Backups are whole copies made with SQLite's online backup API (a consistent snapshot even
while the project is being written), kept in the project folder's ``backups/`` as
``project-<UTC time>-e<edit-log position>.emosign`` in rollback-journal mode (so reading one
leaves nothing beside it).  They are written under a temporary name and renamed when whole;
the newest :data:`KEEP` are kept.  :class:`AutoBackup` makes one when a project opens and its
newest backup is older than :data:`MAX_AGE_S` (and the project changed since), and again
after every :data:`EVERY_EDITS` edits, on a thread of its own.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from emosign_desktop.core.errors import ProjectError

log = logging.getLogger(__name__)

BACKUP_DIR = "backups"
#: Backups kept (the oldest beyond this are deleted).
KEEP = 10
#: A project opened with its newest backup older than this (seconds) is backed up.
MAX_AGE_S = 24 * 3600
#: Edits between two automatic backups.
EVERY_EDITS = 200
_NAME = re.compile(r"^project-(\d{8}T\d{6}\d{3})Z-e(\d+)\.emosign$")
#: Tables whose row counts a restore compares (what a person would miss).
COMPARED = (("video", "videos"), ("annotator", "annotators"),
            ("video_annotation", "video annotations"), ("tier", "tiers"),
            ("segment", "segments"), ("prediction", "predictions"),
            ("pack_merge", "merged packs"), ("edit_log", "edit-log lines"))


@dataclass(frozen=True)
class Backup:
    """One backup file: where, when it was made, its size, and the edit-log position."""

    path: Path
    made: datetime
    size: int
    log_position: int

    def describe(self) -> str:
        """One line for a person: name, local time, size."""
        when = self.made.astimezone().strftime("%Y-%m-%d %H:%M")
        return f"{self.path.name} (made {when}, {self.size / 1e6:.1f} MB)"


def backup_folder(project_file: Path) -> Path:
    return project_file.parent / BACKUP_DIR


def list_backups(project_file: Path) -> list[Backup]:
    """The project's backups, newest first."""
    folder = backup_folder(project_file)
    found: list[Backup] = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            m = _NAME.match(entry.name)
            if m is None or not entry.is_file():
                continue
            made = datetime.strptime(m.group(1), "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)
            found.append(Backup(Path(entry.path), made, entry.stat().st_size,
                                int(m.group(2))))
    found.sort(key=lambda b: (b.made, b.path.name), reverse=True)
    return found


def _read_only(path: Path, *, snapshot: bool = False) -> sqlite3.Connection:
    """A connection that only reads: immutable (nothing locked or made beside it) unless
    the file may be being written (a write-ahead log beside it, or ``snapshot``: then
    SQLite's read-only mode, which reads a consistent snapshot under the writers)."""
    live = snapshot or Path(str(path) + "-wal").exists()
    mode = "mode=ro" if live else "immutable=1"
    return sqlite3.connect(f"file:{quote(str(path))}?{mode}", uri=True)


def quick_check(path: Path, *, full: bool = False, snapshot: bool = False) -> list[str]:
    """What SQLite's quick (or, with ``full``, complete) integrity check finds wrong with
    ``path``: an empty list when it is sound.  Reads only.  A file that cannot be read at
    all (no permission, a disk error) raises ProjectError: that says nothing of damage."""
    try:
        conn = _read_only(path, snapshot=snapshot)
        try:
            pragma = "integrity_check" if full else "quick_check"
            rows = [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}(20)")]
            problems = [] if rows == ["ok"] else rows
            if full and not problems:
                problems = [f"a {row[2]} row ({row[0]} {row[1]}) points to a missing row"
                            for row in conn.execute("PRAGMA foreign_key_check")][:20]
            return problems
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        from emosign_desktop.storage.failures import sqlite_reason

        reason, damaged = sqlite_reason(exc)
        if damaged:
            return [str(exc)]
        raise ProjectError(f"{path}: cannot be checked: {reason}") from None


def log_position(conn: sqlite3.Connection) -> int:
    """The newest edit-log line's id (0 for none)."""
    try:
        return int(conn.execute("SELECT coalesce(max(id), 0) FROM edit_log").fetchone()[0])
    except sqlite3.DatabaseError:
        return 0


def _backup_name(folder: Path, stamp: datetime, position: int) -> tuple[Path, datetime]:
    """A new backup's name: its UTC time to the millisecond (a later one when taken)."""
    while True:
        name = f"project-{stamp.strftime('%Y%m%dT%H%M%S')}{stamp.microsecond // 1000:03d}Z"
        dest = folder / f"{name}-e{position}.emosign"
        if not any(folder.glob(f"{name}-e*.emosign")):
            return dest, stamp
        stamp += timedelta(milliseconds=1)


def make_backup(project_file: Path) -> Backup:
    """Copy the project into ``backups/`` now (whole or not at all) and drop the oldest
    beyond :data:`KEEP`.  Raises ProjectError naming the file when it cannot."""
    folder = backup_folder(project_file)
    stamp = datetime.now(UTC)
    tmp = folder / f".backup-{os.getpid()}-{threading.get_ident()}.partial"
    try:
        folder.mkdir(exist_ok=True)
        src = sqlite3.connect(project_file)
        try:
            position = log_position(src)
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        dest, stamp = _backup_name(folder, stamp, position)
        os.replace(tmp, dest)
    except (OSError, sqlite3.Error) as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise ProjectError(f"{folder}: the backup could not be made ({exc})") from None
    for old in list_backups(project_file)[KEEP:]:
        with contextlib.suppress(OSError):
            old.path.unlink()
    return Backup(dest, stamp, dest.stat().st_size, position)


def newest_good_backup(project_file: Path) -> Backup | None:
    """The newest backup that passes the quick integrity check."""
    for backup in list_backups(project_file):
        with contextlib.suppress(ProjectError):
            if not quick_check(backup.path):
                return backup
    return None


def _counts(path: Path) -> dict[str, int] | None:
    try:
        conn = _read_only(path)
        try:
            return {table: int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                    for table, _ in COMPARED}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None


def differences(current: Path, backup: Path) -> list[str]:
    """What a person loses or gets back by restoring ``backup`` over ``current``, in words."""
    theirs = _counts(backup)
    if theirs is None:
        return ["the backup cannot be read"]
    mine = _counts(current)
    if mine is None:
        return ["the project file cannot be read, so it cannot be compared; the backup holds "
                + ", ".join(f"{theirs[t]:,} {words}" for t, words in COMPARED)]
    lines = [f"{words}: {mine[t]:,} now, {theirs[t]:,} in the backup"
             for t, words in COMPARED if mine[t] != theirs[t]]
    return lines or ["the backup holds as many rows of each kind as the project"]


@dataclass(frozen=True)
class Restored:
    """What a restore did: the backup used, where the replaced file went, what differs."""

    backup: Backup
    kept_as: Path | None
    differences: list[str]


def restore(project_file: Path, backup: Backup) -> Restored:
    """Put ``backup`` in place of the project file.  The replaced file (and its journal
    files) are kept beside it as ``project.emosign.replaced-<time>``; the backup is copied
    whole to a temporary name first, so a failure leaves the project as it was."""
    problems = quick_check(backup.path)
    if problems:
        raise ProjectError(f"{backup.path}: the backup is damaged too ({problems[0]})")
    lines = differences(project_file, backup.path) if project_file.exists() else []
    tmp = project_file.with_name(project_file.name + ".restoring")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    kept = project_file.with_name(f"{project_file.name}.replaced-{stamp}")
    try:
        tmp.unlink(missing_ok=True)
        src = sqlite3.connect(backup.path)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = WAL")
                dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                dst.close()
        finally:
            src.close()
        for suffix in ("-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
        moved: Path | None = None
        if project_file.exists():
            os.replace(project_file, kept)
            moved = kept
            for suffix in ("-wal", "-shm"):
                side = Path(str(project_file) + suffix)
                if side.exists():
                    os.replace(side, Path(str(kept) + suffix))
        os.replace(tmp, project_file)
    except (OSError, sqlite3.Error) as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise ProjectError(f"{project_file}: the backup could not be restored ({exc}); the "
                           "project file was not changed") from None
    return Restored(backup, moved, lines)


class AutoBackup:
    """Automatic backups of one open project, on a thread of their own (one at a time)."""

    def __init__(self, project_file: Path, every: int | None = None,
                 max_age_s: float | None = None) -> None:
        self.project_file = project_file
        self.every = every or EVERY_EDITS
        self.max_age_s = MAX_AGE_S if max_age_s is None else max_age_s
        self.edits_since = 0
        self.last_error: str | None = None
        self.made: list[Backup] = []
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def on_open(self, position: int) -> None:
        """After opening at edit-log ``position``: back up now when the newest backup is too
        old and the project changed since it (or there is none and the project has edits)."""
        newest = next(iter(list_backups(self.project_file)), None)
        base = newest.log_position if newest else 0
        self.edits_since = max(0, position - base)
        age = (time.time() - newest.made.timestamp()) if newest else None
        if self.edits_since and (age is None or age > self.max_age_s):
            self.start()

    def on_commit(self) -> None:
        """After each committed edit: back up every :attr:`every` edits."""
        self.edits_since += 1
        if self.edits_since >= self.every:
            self.start()

    def start(self) -> None:
        """Make a backup on the backup thread (unless one is being made)."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self.edits_since = 0
            self._thread = threading.Thread(target=self._run, name="emosign-backup",
                                            daemon=True)
            self._thread.start()

    def _run(self) -> None:
        try:
            self.made.append(make_backup(self.project_file))
            self.last_error = None
        except ProjectError as exc:
            self.last_error = str(exc)
            log.warning("automatic backup failed: %s", exc)

    def wait(self) -> None:
        """Wait for a backup being made (before the project closes)."""
        thread = self._thread
        if thread is not None:
            thread.join()
