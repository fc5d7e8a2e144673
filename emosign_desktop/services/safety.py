"""Checking a project file, backing it up and restoring a backup (SQLite projects).

These work on the folder without opening the project for editing, so they also serve a
project that will not open because it is damaged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from emosign_desktop.core.errors import ProjectError
from emosign_desktop.services.session import project_folder
from emosign_desktop.storage.backups import (
    Backup,
    Restored,
    list_backups,
    make_backup,
    newest_good_backup,
    quick_check,
    restore,
)
from emosign_desktop.storage.project import PROJECT_FILE, Project, read_server_settings

__all__ = ["Backup", "CheckReport", "Restored", "backup_now", "backups_of", "check_project",
           "restore_backup"]


def _sqlite_file(path: str | Path) -> Path:
    folder = project_folder(path)
    file = folder / PROJECT_FILE
    if not file.is_file():
        raise ProjectError(f"{folder}: not an EmoSign project (no {PROJECT_FILE} in it)")
    try:
        server = read_server_settings(file)
    except ProjectError:
        server = None
    if server is not None:
        raise ProjectError(f"{file}: this project's data live on a server ({server.label}); "
                           "its backups are the server's (pg_dump), not this app's")
    return file


@dataclass(frozen=True)
class CheckReport:
    """What the full integrity check found, and the newest good backup."""

    file: Path
    problems: list[str]
    backup: Backup | None

    @property
    def sound(self) -> bool:
        return not self.problems


def check_project(path: str | Path) -> CheckReport:
    """Run SQLite's full integrity check and the foreign-key check on the project file."""
    file = _sqlite_file(path)
    problems = quick_check(file, full=True)
    return CheckReport(file, problems, newest_good_backup(file))


def backups_of(path: str | Path) -> list[Backup]:
    """The project's backups, newest first."""
    return list_backups(_sqlite_file(path))


def backup_now(path: str | Path) -> Backup:
    """Make a backup of the project now."""
    return make_backup(_sqlite_file(path))


def restore_backup(path: str | Path, source: str | Path | None = None) -> Restored:
    """Restore ``source`` (a backup file; default: the newest good backup) in place of the
    project file; the replaced file is kept beside it."""
    file = _sqlite_file(path)
    if source is None:
        backup = newest_good_backup(file)
        if backup is None:
            raise ProjectError(f"{file.parent}: there is no good backup to restore (its "
                               "backups/ folder holds none that passes the integrity check)")
    else:
        given = Path(source)
        found = [b for b in list_backups(file) if b.path.resolve() == given.resolve()]
        if not given.is_file():
            raise ProjectError(f"{given}: no such backup file")
        backup = found[0] if found else Backup(given, _mtime(given), given.stat().st_size, 0)
    return restore(file, backup)


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def verify_stored(project: Project) -> str | None:
    """The sentence that the project's edits are stored, when a check just now says so."""
    return project.verify_stored()
