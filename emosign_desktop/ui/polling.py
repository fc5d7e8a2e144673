"""Hearing what other annotators change: the open window asks the workspace about once a
second (:meth:`Workspace.poll_external_changes`), and the panels, which follow the
workspace's changes, update by themselves.

Polling is cheap on both engines (measured when nothing changed: 0.2 ms on an SQLite file,
which reads the edit log's last line number; 5 µs on a PostgreSQL server, which reads the
notifications already received), so it runs whenever a project is open: two windows or a
command-line import on one SQLite file are heard as well as a lab's annotators on a server.
A poll that takes long (a server that answers slowly, or not at all) makes the next ones
wait longer, up to half a minute, so the window stays responsive; quick answers bring the
second back."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal

from emosign_desktop.core.changes import Changes
from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.services.workspace import Workspace

#: How often the window asks what others changed (ms).
POLL_MS = 1000
#: The longest wait between polls while they are slow (ms).
SLOWEST_MS = 30_000
#: A poll slower than this (s) makes the next wait longer.
SLOW_POLL_S = 0.25


class ChangesPoller(QObject):
    """Polls the workspace for others' changes while a project is open."""

    #: A poll failed (the message says why); the window shows it in its status bar.
    trouble = Signal(str)

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        self._polling = False
        workspace.on_changes(self._follow)
        self._follow()

    def _follow(self, _changes: Changes | None = None) -> None:
        """Run while a project is open, stop when none is."""
        if not self.workspace.has_project:
            self.timer.stop()
            self.timer.setInterval(POLL_MS)
        elif not self.timer.isActive() and not self._polling:
            self.timer.start()

    def poll(self) -> Changes | None:
        """Ask once now (the panels update from what the workspace announces)."""
        self.timer.stop()
        if not self.workspace.has_project:
            return None
        start = time.monotonic()
        self._polling = True
        found = None
        try:
            found = self.workspace.poll_external_changes()
        except EmoSignError as exc:  # a panel re-reading while the server went away
            self.trouble.emit(str(exc))
        finally:
            self._polling = False
        took = time.monotonic() - start
        wait = self.timer.interval()
        wait = min(wait * 2, SLOWEST_MS) if took > SLOW_POLL_S else POLL_MS
        self.timer.setInterval(wait)
        if self.workspace.has_project:
            self.timer.start()
        return found
