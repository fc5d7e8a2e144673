"""Showing errors to the user: one clear line, never a traceback."""

from __future__ import annotations

import sys
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from emosign_desktop.core.errors import EmoSignError


def show_error(parent: QWidget | None, title: str, exc: BaseException | str) -> None:
    """A modal message box with the error's one-line message."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, str(exc), parent=parent)
    box.setAccessibleName(title)
    box.exec()


def install_excepthook() -> None:
    """Unexpected errors in slots: log them and show a message instead of dying silently."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if isinstance(exc, EmoSignError):
            message = str(exc)
        else:
            from emosign_desktop.crashlog import write_crash_log

            log = write_crash_log(exc.with_traceback(tb))
            message = (f"Something went wrong: {exc}\n\nYour work is saved: every edit is "
                       f"committed at once. Details were written to {log}.")
        if QApplication.instance() is not None:
            parent = QApplication.activeWindow()
            show_error(parent, "EmoSign Desktop", message)
        else:
            print(message, file=sys.stderr)

    sys.excepthook = hook
