"""The workspace: what the windows and menu actions of the application share.

It holds the open project (a :class:`Session` with its undo history), who is annotating and
which video is current, and tells its subscribers when any of them changes, and what every
operation changed.  Panels receive the workspace, subscribe to what they show, and read
through :attr:`Workspace.queries`; no panel reaches into another.  Qt-free.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from emosign_desktop.core.changes import EVERYTHING, Changes
from emosign_desktop.core.errors import EmoSignError, NotSavedError
from emosign_desktop.core.events import Signal
from emosign_desktop.core.model import Video, VideoId
from emosign_desktop.core.names import check_name
from emosign_desktop.core.undo import UndoStack
from emosign_desktop.services.background import BackgroundWriter, Progress, Ticket
from emosign_desktop.services.blind import (
    SHOW_ALL,
    Visibility,
    blind_mode,
    project_wide,
    set_blind_mode,
    visibility,
)
from emosign_desktop.services.editing import EditingService
from emosign_desktop.services.queries import Queries
from emosign_desktop.services.review_session import ReviewSession
from emosign_desktop.services.session import Session, create_session, open_session
from emosign_desktop.services.write_path import WritePath

ChangesListener = Callable[[Changes], None]
Listener = Callable[[], None]
T = TypeVar("T")


class NoProjectError(EmoSignError):
    """An action that needs an open project was asked for without one."""


class Workspace:
    """The open project, the annotator, the current video; and who wants to know."""

    def __init__(self, annotator: str = "") -> None:
        self.session: Session | None = None
        self.annotator = annotator.strip()
        self.video: Video | None = None
        self.reviewer = False  # sees everything in blind mode (the person's own setting)
        #: The video under review, its media and the playhead (the one current frame).
        self.review = ReviewSession()
        self._changes = Signal("changes")
        self._video = Signal("video")
        self._annotator = Signal("annotator")
        self._undo = Signal("undo")
        self._damage_told = False
        self._blind: bool | None = None  # the open project's blind mode (None: not read)
        #: Runs every write the application asks for, in order, off the GUI thread (the
        #: application makes it deliver on its GUI thread: ``ui/writing.py``).
        self.background = BackgroundWriter()

    # -- subscribing -------------------------------------------------------------------------
    def on_changes(self, listener: ChangesListener) -> ChangesListener:
        """``listener(changes)`` after every operation, undo and redo, and with
        :data:`EVERYTHING` when another project is opened.  Each ``on_...`` returns the
        listener (a closing window disconnects its own: :meth:`signals`)."""
        return self._changes.connect(listener)

    def on_video(self, listener: Listener) -> Listener:
        """``listener()`` when another video becomes current (``review`` shows it already)."""
        return self._video.connect(listener)

    def on_annotator(self, listener: Listener) -> Listener:
        """``listener()`` when someone else is annotating."""
        return self._annotator.connect(listener)

    def on_undo(self, listener: Listener) -> Listener:
        """``listener()`` when what can be undone or redone changes."""
        return self._undo.connect(listener)

    def signals(self) -> tuple[Signal, ...]:
        """Every signal a window's panels may connect to (the workspace's, the review
        session's and its playhead's), for a closing window to disconnect its own slots
        from (``ui.connections.release``)."""
        return (self._changes, self._video, self._annotator, self._undo,
                self.review.media_changed, self.review.playhead.changed)

    @staticmethod
    def _tell(listeners: Signal) -> None:
        listeners.emit()

    def _announce(self, changes: Changes) -> None:
        if changes.blind or changes.project:
            self._blind = None  # read again when asked
        if self.video is not None and (changes.videos or changes.project):
            try:
                self.video = self.queries.video(self.video.id)
            except NotSavedError:  # cannot be read now (the server is away): kept
                pass
            except EmoSignError:  # the video is gone (its addition was undone)
                self.video = None
                self.review.close()
                self._tell(self._video)
            if not self.review.shows(self.video):  # relinked, or its new content accepted
                self.review.show(self.video, self.session)
        self._changes.emit(changes)

    # -- the project -------------------------------------------------------------------------
    @property
    def has_project(self) -> bool:
        return self.session is not None

    def _session(self) -> Session:
        if self.session is None:
            raise NoProjectError("no project is open: File ▸ Open Project (Ctrl+O)")
        return self.session

    @property
    def folder(self) -> Path | None:
        return self.session.folder if self.session else None

    @property
    def queries(self) -> Queries:
        return Queries(self._session())

    @property
    def writer(self) -> WritePath:
        return self._session().writer

    @property
    def editing(self) -> EditingService:
        return self._session().editing

    @property
    def read_only(self) -> str | None:
        """Why the open project cannot be written (None when it can, or none is open)."""
        return self.session._project.read_only if self.session else None

    @property
    def journal_warning(self) -> str | None:
        """Set when another program deleted the project's journal while it was open, or
        when the integrity check (run on its own thread for a large file) found it
        damaged."""
        if self.session is None:
            return None
        project = self.session._project
        return project.damage_warning or project.journal_warning

    def stored_check(self) -> str | None:
        """After an unexpected error: a sentence saying the project's edits are stored,
        given only when a fresh read of the project file finds it sound and writable and
        holding the newest edit this window made (None when that cannot be said)."""
        if self.session is None:
            return None
        from emosign_desktop.services.safety import verify_stored

        return verify_stored(self.session._project)

    @property
    def undo_stack(self) -> UndoStack | None:
        return self.session.writer.undo_stack if self.session else None

    def open(self, path: str | Path) -> Session:
        """Open the project in ``path`` (a folder or its project file) instead of the current
        one; on failure the current one stays open and the error is raised."""
        return self._take(open_session(path, undo=True))

    def create(self, folder: str | Path, db: str | None = None) -> Session:
        """Create a project in ``folder`` and open it (with ``db``,
        ``postgresql://HOST[:PORT]/DATABASE``: its database on that server)."""
        return self._take(create_session(folder, undo=True, db=db))

    def create_on_server(self, folder: str | Path, url: str,
                         password: str | None = None) -> Session:
        """Make (or join) the project in the database ``url`` with ``folder`` for its media,
        and open it; ``password`` is kept in the system keyring (see
        :func:`~emosign_desktop.services.remote.make_server_project`: all or nothing)."""
        from emosign_desktop.services.remote import make_server_project

        return self._take(make_server_project(folder, url, password=password, undo=True))

    def _take(self, session: Session) -> Session:
        self.close(announce=False)
        self.session = session
        self._damage_told = False
        self._blind = None
        session.writer.subscribe(lambda changes: self._where_shown(
            lambda: self._announce(changes)))
        session._repo.watch_external_changes()
        stack = session.writer.undo_stack
        assert stack is not None
        stack.subscribe(lambda: self._where_shown(lambda: self._tell(self._undo)))
        self._announce(EVERYTHING)
        self._tell(self._undo)
        return session

    def close(self, *, announce: bool = True) -> None:
        """Close the project (if any); closed even when a panel's last save fails (the
        server went away), whose error is then raised."""
        if self.session is None:
            return
        try:
            self.select(None)  # panels save what is still being typed (which may fail)
        finally:
            try:
                self.wait_idle()  # the writes asked for land first, and are shown
            finally:
                self.session.close()
                self.session = None
        if announce:
            self._announce(EVERYTHING)
            self._tell(self._undo)

    # -- what others change ------------------------------------------------------------------
    def poll_external_changes(self) -> Changes | None:
        """What other annotators (or windows, or processes) changed in the open project since
        the last call, announced to the subscribers like an operation; None when nothing
        did (or no project is open, or its server is away).  Cheap: the window calls it every
        second (a project on a server hears of changes by LISTEN/NOTIFY; an SQLite project
        reads the edit log past the last line it saw)."""
        if self.session is None:
            return None
        project = self.session._project
        if project.damage_warning is not None and not self._damage_told:
            self._damage_told = True  # found by the check on its own thread: say so once
            self._announce(EVERYTHING)
            return EVERYTHING
        changes = self.session._repo.external_changes()
        if not changes:
            return None
        self._announce(changes)
        return changes

    # -- who and where -----------------------------------------------------------------------
    def set_annotator(self, name: str) -> None:
        """Someone else is annotating (their edits are attributed to ``name``); a name with
        a control character or over 255 characters is refused (``InvalidNameError``)."""
        name = check_name("annotator", name.strip())
        if name != self.annotator:
            self.annotator = name
            self._tell(self._annotator)

    def set_reviewer(self, on: bool) -> None:
        """This person reviews (blind mode hides nothing from them) or not."""
        if on != self.reviewer:
            self.reviewer = on
            self._tell(self._annotator)  # what they may see changed: the panels look again

    def visibility(self, video_id: VideoId | None) -> Visibility:
        """What the current annotator may be shown of a video (blind mode)."""
        if self.session is None or self.reviewer or not self.blind_mode():
            return SHOW_ALL
        return visibility(self.session, video_id, self.annotator, self.reviewer)

    def blind_mode(self) -> bool:
        """Is the open project in blind mode?  (Read once, and again after an operation or
        another client changed it: ``Changes.blind``.)"""
        if self.session is None:
            return False
        if self._blind is None:
            self._blind = blind_mode(self.session)
        return self._blind

    def set_blind_mode(self, on: bool) -> Changes:
        """Turn the project's blind mode on or off (one undoable step)."""
        return set_blind_mode(self._session(), on)

    def project_visibility(self) -> Visibility:
        """What may be shown of the project as a whole (agreement, model comparisons)."""
        if self.session is None or self.reviewer or not self.blind_mode():
            return SHOW_ALL
        return project_wide(self.session, self.reviewer)

    def select(self, video: Video | None) -> None:
        """Make ``video`` the current one (the review session shows it first)."""
        if video == self.video:
            return
        self.video = video
        self.review.show(video, self.session)
        self._tell(self._video)

    # -- writes off the GUI thread -----------------------------------------------------------
    def submit(self, work: Callable[[Session], T], *, initiator: object | None = None,
               on_done: Callable[[T], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None,
               on_progress: Callable[[Progress], None] | None = None) -> Ticket[T]:
        """Run ``work(session)`` (operations of the services on the open project, announced
        as asked for by ``initiator``) on the background writer, after every write asked
        for before it; ``on_done``, ``on_error`` and ``on_progress`` are called where the
        workspace's announcements are (the GUI thread, in the application).  NoProjectError
        at once when no project is open."""
        session = self._session()

        def job(_progress: Progress) -> T:
            with session.writer.acting(initiator):
                return work(session)

        return self.background.submit(job, on_done=on_done, on_error=on_error,
                                      on_progress=on_progress)

    def wait_idle(self) -> None:
        """Wait until every write asked for has run, and deliver its results and
        announcements here (before closing the project; tests)."""
        self.background.wait_idle()

    def _where_shown(self, tell: Listener) -> None:
        """Announce where the project is shown: what a write on the background writer
        changed goes to the GUI thread (through its outbox); a write run here is told here."""
        if self.background.on_worker():
            self.background.send(tell)
        else:
            tell()

    # -- undo --------------------------------------------------------------------------------
    def undo(self) -> Changes | None:
        """Undo the newest step (raises StaleChangeError when refused).  Runs on the
        background writer's thread, after the writes asked for before it: the Edit menu
        submits it there (``ui.actions.undo``); call it directly only from a job of the
        writer, or where there is no window."""
        return self.writer.undo() if self.session else None

    def redo(self) -> Changes | None:
        """Redo the newest undone step; like :meth:`undo`, it runs on the background
        writer's thread (the Edit menu submits it, ``ui.actions.redo``)."""
        return self.writer.redo() if self.session else None
