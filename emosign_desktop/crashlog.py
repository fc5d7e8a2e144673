"""Unexpected errors go to a log file in the user's log folder, never to the user's face."""

from __future__ import annotations

import os
import traceback
from datetime import UTC, datetime
from pathlib import Path


def log_dir() -> Path:
    """The user's log folder for EmoSign Desktop (``EMOSIGN_LOG_DIR`` overrides)."""
    override = os.environ.get("EMOSIGN_LOG_DIR")
    if override:
        return Path(override)
    from platformdirs import user_log_dir

    return Path(user_log_dir("EmoSign Desktop", appauthor=False))


def write_crash_log(exc: BaseException) -> Path:
    """Append the traceback of ``exc`` to ``crash.log``; returns the log's path."""
    folder = log_dir()
    path = folder / "crash.log"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {datetime.now(UTC).isoformat()}\n")
            fh.write("".join(traceback.format_exception(exc)))
    except OSError:
        pass
    return path
