"""Time on task, recorded without asking: feeds the activity clock (``core.activity``) from
the application (input events, the window becoming active or not) and the workspace (the
video and annotator), and stores what it gathered every few seconds and when the video
changes (``services.activity``)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication

from emosign_desktop.core.activity import ActivityClock
from emosign_desktop.core.model import VideoId
from emosign_desktop.services.activity import record_active_time
from emosign_desktop.services.session import Session
from emosign_desktop.services.workspace import Workspace

#: How often the gathered seconds are stored (a crash loses at most this much).
FLUSH_MS = 15_000
_INPUT = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel,
          QEvent.Type.TabletPress, QEvent.Type.TouchBegin}


class ActivityRecorder(QObject):
    """One per window: counts the current annotator's active time on the current video."""

    def __init__(self, parent: QObject, workspace: Workspace,
                 now: Callable[[], float] | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.clock = ActivityClock(now) if now is not None else ActivityClock()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.installEventFilter(self)
            app.applicationStateChanged.connect(self._state_changed)
            self.set_active(app.applicationState() == Qt.ApplicationState.ApplicationActive)
        workspace.on_video(self._selection_changed)
        workspace.on_annotator(self._selection_changed)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.flush)
        self.timer.start(FLUSH_MS)
        self._selection_changed()

    def _key(self) -> tuple[str, int, str] | None:
        ws = self.workspace
        if ws.session is None or ws.video is None or not ws.annotator:
            return None
        return (str(ws.folder), int(ws.video.id), ws.annotator)

    def _selection_changed(self) -> None:
        self.clock.select(self._key())  # the time so far goes to what was selected before
        self.flush()

    def _state_changed(self, state: Qt.ApplicationState) -> None:
        self.set_active(state == Qt.ApplicationState.ApplicationActive)

    def set_active(self, active: bool) -> None:
        """The application is (not) the one the person is using."""
        self.clock.set_active(active)

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT:
            self.clock.input()
        return False

    def flush(self) -> None:
        """Store the seconds gathered since the last flush (those of a project that has been
        closed meanwhile are dropped: at most one flush interval)."""
        gathered = self.clock.take()
        ws = self.workspace
        if ws.session is None:
            return
        times = []
        for key, seconds in gathered.items():
            assert isinstance(key, tuple)
            folder, video_id, annotator = key
            if folder == str(ws.folder):
                times.append((VideoId(int(video_id)), str(annotator), seconds))
        if times:  # stored on the background writer, in turn with the edits
            ws.submit(lambda session: _record(session, times), on_error=lambda _exc: None)

    def close(self) -> None:
        """Store what is left (the window is closing)."""
        self.clock.set_active(False)
        self.flush()
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


def _record(session: Session, times: list[tuple[VideoId, str, float]]) -> None:
    """Add each annotator's active seconds on a video; a measurement never breaks the window
    (the server is away: the edit path reports that, not this)."""
    for video_id, annotator, seconds in times:
        with contextlib.suppress(Exception):
            record_active_time(session, video_id, annotator, seconds)
