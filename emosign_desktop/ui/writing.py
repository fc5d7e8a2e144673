"""Writes off the GUI thread: the Qt side of the background writer.

:func:`write` hands an operation to the workspace's background writer (one thread, every
write in the order asked for) and returns at once; the result, the error and the progress
come back on the GUI thread through a queued Qt signal, in order, after the announcements of
what the operation changed.  A long operation (``long=``: imports, merges, proposals) shows
a progress dialog with Cancel once it has run half a second; cancelled, it changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QMainWindow, QProgressDialog, QWidget

from emosign_desktop.core.errors import EmoSignError, NotSavedError
from emosign_desktop.services.background import BackgroundWriter, CancelledError, Progress, Ticket
from emosign_desktop.services.session import Session
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui import messages

T = TypeVar("T")
#: A long operation shows its progress dialog after this many milliseconds.
PROGRESS_AFTER_MS = 500


class _Courier(QObject):
    """Lives on the GUI thread; the worker asks it to deliver through a queued signal."""

    arrived = Signal()

    def __init__(self, background: BackgroundWriter) -> None:
        super().__init__()
        self.background = background
        self.arrived.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def request(self) -> None:
        """Called on the worker: the GUI thread delivers what was sent, soon."""
        self.arrived.emit()

    @Slot()
    def _deliver(self) -> None:
        self.background.flush()


def deliver_on_gui_thread(workspace: Workspace) -> None:
    """Make the workspace's background writer deliver results and announcements on the GUI
    thread (once per workspace; the thread calling this is the GUI thread)."""
    background = workspace.background
    if background.deliver is None:
        background.deliver = _Courier(background).request


def _alive(widget: QWidget | None) -> QWidget | None:
    from shiboken6 import isValid

    return widget if widget is not None and isValid(widget) else None


def tell(parent: QWidget | None, text: str) -> None:
    """Show ``text`` in the window's status bar (for ten seconds)."""
    window = parent.window() if parent is not None else None
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(text, 10000)


def report_error(parent: QWidget | None, failure: str | None, exc: BaseException) -> None:
    """Say why a write failed in one clear line (a cancelled one: in the status bar)."""
    parent = _alive(parent)
    if isinstance(exc, CancelledError):
        tell(parent, str(exc))
    elif isinstance(exc, EmoSignError) and failure and not isinstance(exc, NotSavedError):
        messages.show_error(parent, failure, exc)
    else:
        messages.show_error(parent, *messages.error_text(exc))


class _ProgressBox:
    """The progress dialog of a long write: shown once it has run
    :data:`PROGRESS_AFTER_MS`, with Cancel when the operation checks for it."""

    def __init__(self, parent: QWidget | None, text: str | None, cancel: bool) -> None:
        self.parent, self.text, self.cancel = parent, text or "", cancel
        self.dialog: QProgressDialog | None = None
        self.ticket: Ticket[object] | None = None
        self.timer: QTimer | None = None

    def start(self, ticket: Ticket[T]) -> None:
        """Open the dialog if the write still runs after :data:`PROGRESS_AFTER_MS`.  The
        timer belongs to the application, not to this box: the box lives on in the job's
        callbacks, which the background writer lets go on its own thread, and a Qt object
        deleted there takes Qt's connection lock, then waits for the GIL that the GUI thread
        holds while it waits for that lock (a deadlock seen in the tests)."""
        self.ticket = ticket  # type: ignore[assignment]
        self.timer = QTimer(QCoreApplication.instance())
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._open)
        self.timer.start(PROGRESS_AFTER_MS)

    def _open(self) -> None:
        ticket = self.ticket
        if ticket is None or ticket.done() or self.dialog is not None:
            return
        box = QProgressDialog(self.text, "Cancel" if self.cancel else "", 0, 0,
                              _alive(self.parent))
        box.setWindowTitle("EmoSign Desktop")
        box.setAccessibleName("Progress")
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.setAutoClose(False)
        box.setAutoReset(False)
        box.setMinimumDuration(0)
        if self.cancel:
            box.canceled.connect(ticket.cancel)
            box.canceled.connect(lambda: box.setLabelText("Cancelling: nothing will be "
                                                          "changed..."))
        else:
            box.setCancelButton(None)
        self.dialog = box
        self.show_progress(ticket.progress)
        box.show()

    def show_progress(self, progress: Progress) -> None:
        box = self.dialog
        if box is None:
            return
        box.setMaximum(max(progress.total, 0))
        box.setValue(min(progress.done, progress.total) if progress.total else 0)
        if progress.text:
            box.setLabelText(progress.text)

    def close(self) -> None:
        if self.timer is not None:
            self.timer.stop()
            self.timer.timeout.disconnect(self._open)  # here, on the GUI thread
            self.timer.deleteLater()
            self.timer = None
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None


def write(parent: QWidget | None, workspace: Workspace, work: Callable[[Session], T], *,
          initiator: object | None = None, done: Callable[[T], object] | None = None,
          failure: str | None = None, failed: Callable[[BaseException], object] | None = None,
          long: str | None = None, cancel: bool = True) -> Ticket[T]:
    """Run ``work(session)`` (an operation of the services on the open project) on the
    background writer.

    ``done(result)`` runs on the GUI thread once it succeeded.  On an error ``failed(error)``
    runs first (the panel shows what is stored again); unless it returns True (it said so
    itself, or asked the user what to do instead) the error is shown, under ``failure`` for
    a refusal.  ``long`` (a sentence saying what is being done) gives a progress dialog
    after :data:`PROGRESS_AFTER_MS`, with Cancel when the operation checks for it
    (``cancel``: imports, merges)."""
    deliver_on_gui_thread(workspace)
    box = _ProgressBox(parent, long, cancel)

    def on_done(result: T) -> None:
        box.close()
        if done is not None:
            done(result)

    def on_error(exc: BaseException) -> None:
        box.close()
        if failed is not None and failed(exc) is True:
            return
        report_error(parent, failure, exc)

    ticket = workspace.submit(work, initiator=initiator, on_done=on_done,
                              on_error=on_error,
                              on_progress=box.show_progress if long is not None else None)
    if long is not None:
        box.start(ticket)
    return ticket
