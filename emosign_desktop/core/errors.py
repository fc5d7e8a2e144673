"""Errors the user may see: each carries one clear line naming the file and the problem."""

from __future__ import annotations

from pathlib import Path


class EmoSignError(Exception):
    """Base of every error meant for the user (never a traceback)."""


class LabelValidationError(EmoSignError, ValueError):
    """A value does not fit the project's label schema (e.g. sentiment 5)."""


class ProjectError(EmoSignError):
    """A project folder or file cannot be opened, created or upgraded."""


class ProjectTooNewError(ProjectError):
    """The project file was written by a newer version of the app."""


class NotSavedError(ProjectError):
    """A write failed where storage met it (read-only file, no permission, disk full, I/O
    error, a server gone, a lock held too long): the message names the file and the reason
    in plain words, and says the change was NOT saved.  Nothing of it was written."""

    #: Whether the project can still be read, so that whoever shows it can read back what
    #: it holds (not when its server is away: they read again when it is back).
    can_read_back = True


class ReadOnlyProjectError(NotSavedError):
    """The project was opened read-only (it cannot be written): every write is refused
    before it starts."""


class ProjectDamagedError(ProjectError):
    """An integrity check found the project file damaged.  ``backup`` is the newest backup
    that passes the check (None when there is none)."""

    def __init__(self, message: str, backup: Path | None = None) -> None:
        self.backup = backup
        super().__init__(message)


class MediaError(EmoSignError):
    """A media file is missing, unreadable, or not a video."""


class DuplicateMediaError(EmoSignError):
    """Files to add have the same content (fingerprint) as videos already in the project, or
    as each other; nothing was added.  ``duplicates`` pairs each such file (as given) with
    the name of the video it matches, so a caller can ask and add again with duplicates
    allowed."""

    def __init__(self, duplicates: list[tuple[str, str]], lines: list[str]) -> None:
        self.duplicates = duplicates
        super().__init__("; ".join(lines))


class InputFileError(EmoSignError):
    """A file given to an import is malformed; names file, row and column where known."""

    def __init__(
        self,
        path: str | Path,
        problem: str,
        *,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.path = str(path)
        self.problem = problem
        self.row = row
        self.column = column
        where = [self.path]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        super().__init__(f"{', '.join(where)}: {problem}")


def read_text_file(path: Path) -> str:
    """The UTF-8 text of an input file (a BOM is dropped), or an :class:`InputFileError`
    naming the file and what is wrong."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputFileError(path, f"cannot read the file ({exc.strerror})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(
            path, f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        ) from None


class StaleChangeError(EmoSignError):
    """An undo or redo whose target changed since the step was recorded: refused, and the
    message names the field with the value found and the value the step expected."""


def plain_text(exc: BaseException) -> str:
    """An unexpected error's first line, without the SQL text, parameters or background
    link a database library appends (those go to the log, never to the user)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    for marker in (" [SQL:", "[SQL:", " (Background on this error"):
        text = text.split(marker)[0]
    if text.startswith("(") and ")" in text:  # "(sqlite3.OperationalError) reason"
        text = text[text.index(")") + 1:].strip() or text
    return text[:300]
