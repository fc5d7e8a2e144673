"""The workspace: what the windows and menu actions of the application share.

It holds the open project (a :class:`Session` with its undo history), who is annotating and
which video is current, and tells its subscribers when any of them changes, and what every
operation changed.  Panels receive the workspace, subscribe to what they show, and read
through :attr:`Workspace.queries`; no panel reaches into another.  Qt-free.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from emosign_desktop.core.changes import EVERYTHING, Changes
from emosign_desktop.core.errors import EmoSignError, NotSavedError
from emosign_desktop.core.model import Video, VideoId
from emosign_desktop.core.names import check_name
from emosign_desktop.core.undo import UndoStack
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
from emosign_desktop.services.session import Session, create_session, open_session
from emosign_desktop.services.write_path import WritePath

ChangesListener = Callable[[Changes], None]
Listener = Callable[[], None]


class NoProjectError(EmoSignError):
    """An action that needs an open project was asked for without one."""


class Workspace:
    """The open project, the annotator, the current video; and who wants to know."""

    def __init__(self, annotator: str = "") -> None:
        self.session: Session | None = None
        self.annotator = annotator.strip()
        self.video: Video | None = None
        self.reviewer = False  # sees everything in blind mode (the person's own setting)
        self._changes: list[ChangesListener] = []
        self._video: list[Listener] = []
        self._annotator: list[Listener] = []
        self._undo: list[Listener] = []
        self._damage_told = False

    # -- subscribing -------------------------------------------------------------------------
    def on_changes(self, listener: ChangesListener) -> None:
        """``listener(changes)`` after every operation, undo and redo, and with
        :data:`EVERYTHING` when another project is opened."""
        self._changes.append(listener)

    def on_video(self, listener: Listener) -> None:
        """``listener()`` when another video becomes current."""
        self._video.append(listener)

    def on_annotator(self, listener: Listener) -> None:
        """``listener()`` when someone else is annotating."""
        self._annotator.append(listener)

    def on_undo(self, listener: Listener) -> None:
        """``listener()`` when what can be undone or redone changes."""
        self._undo.append(listener)

    @staticmethod
    def _tell(listeners: list[Listener]) -> None:
        for listener in list(listeners):
            listener()

    def _announce(self, changes: Changes) -> None:
        if self.video is not None and (changes.videos or changes.project):
            try:
                self.video = self.queries.video(self.video.id)
            except NotSavedError:  # cannot be read now (the server is away): kept
                pass
            except EmoSignError:  # the video is gone (its addition was undone)
                self.video = None
                self._tell(self._video)
        for listener in list(self._changes):
            listener(changes)

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
        return self.session.project.read_only if self.session else None

    @property
    def journal_warning(self) -> str | None:
        """Set when another program deleted the project's journal while it was open, or
        when the integrity check (run on its own thread for a large file) found it
        damaged."""
        if self.session is None:
            return None
        project = self.session.project
        return project.damage_warning or project.journal_warning

    def stored_check(self) -> str | None:
        """After an unexpected error: a sentence saying the project's edits are stored,
        given only when a fresh read of the project file finds it sound and writable and
        holding the newest edit this window made (None when that cannot be said)."""
        if self.session is None:
            return None
        from emosign_desktop.services.safety import verify_stored

        return verify_stored(self.session.project)

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
        session.writer.subscribe(self._announce)
        session.repo.watch_external_changes()
        stack = session.writer.undo_stack
        assert stack is not None
        stack.subscribe(lambda: self._tell(self._undo))
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
        project = self.session.project
        if project.damage_warning is not None and not self._damage_told:
            self._damage_told = True  # found by the check on its own thread: say so once
            self._announce(EVERYTHING)
            return EVERYTHING
        changes = self.session.repo.external_changes()
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
        if self.session is None:
            return SHOW_ALL
        return visibility(self.session, video_id, self.annotator, self.reviewer)

    def blind_mode(self) -> bool:
        """Is the open project in blind mode?"""
        return self.session is not None and blind_mode(self.session)

    def set_blind_mode(self, on: bool) -> Changes:
        """Turn the project's blind mode on or off (one undoable step)."""
        return set_blind_mode(self.writer, on)

    def project_visibility(self) -> Visibility:
        """What may be shown of the project as a whole (agreement, model comparisons)."""
        if self.session is None:
            return SHOW_ALL
        return project_wide(self.session, self.reviewer)

    def select(self, video: Video | None) -> None:
        """Make ``video`` the current one."""
        if video == self.video:
            return
        self.video = video
        self._tell(self._video)

    def select_id(self, video_id: VideoId | None) -> None:
        self.select(None if video_id is None else self.queries.video(video_id))

    # -- undo --------------------------------------------------------------------------------
    def undo(self) -> Changes | None:
        """Undo the newest step (raises StaleChangeError when refused)."""
        return self.writer.undo() if self.session else None

    def redo(self) -> Changes | None:
        return self.writer.redo() if self.session else None
