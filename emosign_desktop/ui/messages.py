"""Showing errors to the user: one clear line, never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from emosign_desktop.core.errors import EmoSignError, NotSavedError, plain_text


def show_error(parent: QWidget | None, title: str, exc: BaseException | str) -> None:
    """A modal message box with the error's one-line message."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, str(exc), parent=parent)
    box.setAccessibleName(title)
    box.exec()


#: Asked after an unexpected error for a sentence that the user's work is stored; it gives
#: one only when a check just now says so (see ``Workspace.stored_check``).
stored_check: Callable[[], str | None] | None = None


def error_text(exc: BaseException) -> tuple[str, str]:
    """The title and the words of a message box for ``exc``; no SQL, no traceback."""
    if isinstance(exc, NotSavedError):
        after = ("The panels show what the project holds now" if exc.can_read_back
                 else "The panels show what the project holds once it can be read again")
        return "Not saved", (f"{exc}\n\n{after}; make the change again once the problem "
                             "is solved.")
    if isinstance(exc, EmoSignError):
        return "EmoSign Desktop", str(exc)
    from emosign_desktop.crashlog import write_crash_log

    log = write_crash_log(exc)
    claim = None
    if stored_check is not None:
        try:
            claim = stored_check()
        except Exception:  # the check itself failed: then nothing is claimed
            claim = None
    safety = (f"\n\n{claim}" if claim else "\n\nThe last change may not have been saved: "
              "look at it again before going on.")
    return "EmoSign Desktop", (f"Something went wrong: {plain_text(exc)}{safety}\n\n"
                               f"Details were written to {log}.")


def install_excepthook() -> None:
    """Unexpected errors in slots: log them and show a message instead of dying silently."""

    def hook(_kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        title, message = error_text(exc.with_traceback(tb))
        if QApplication.instance() is not None:
            parent = QApplication.activeWindow()
            show_error(parent, title, message)
        else:
            print(message, file=sys.stderr)

    sys.excepthook = hook
