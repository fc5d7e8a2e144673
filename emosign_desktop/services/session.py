"""A session: an open project with its write path.  The command line opens one per command
(no undo history); each window of the application has one with an undo history."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from emosign_desktop.core.schema import EMOSIGN_SCHEMA, LabelSchema
from emosign_desktop.core.undo import UndoStack
from emosign_desktop.services.editing import EditingService
from emosign_desktop.services.write_path import WritePath
from emosign_desktop.storage.project import (
    PROJECT_FILE,
    Project,
    create_project,
    open_project,
    parse_server_url,
)
from emosign_desktop.storage.repository import Repository


class ProjectLike(Protocol):
    """What read-only reports need: the project's repository, schema and folder (a
    :class:`Session` or a storage ``Project``)."""

    @property
    def repo(self) -> Repository: ...

    @property
    def schema(self) -> LabelSchema: ...

    @property
    def folder(self) -> Path: ...


class Session:
    """One open project: read it through :attr:`repo`, change it through :attr:`writer`
    (or the :attr:`editing` service on top of it)."""

    def __init__(self, project: Project, *, undo: bool = False) -> None:
        self.project = project
        self.writer = WritePath(project.repo, UndoStack() if undo else None)
        self.editing = EditingService(self.writer)

    @property
    def folder(self) -> Path:
        return self.project.folder

    @property
    def path(self) -> Path:
        """The project file (for a project on a server: the file naming the server)."""
        return self.project.path

    @property
    def where(self) -> str:
        """Where the project's data live, for messages: its file, or its server database."""
        return self.project.where

    @property
    def repo(self) -> Repository:
        return self.project.repo

    @property
    def schema(self) -> LabelSchema:
        return self.project.repo.schema

    def close(self) -> None:
        """Release the project file."""
        self.project.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def project_folder(path: str | Path) -> Path:
    """The project folder of ``path``: the folder itself, or the folder of a
    ``project.emosign`` file given instead."""
    path = Path(path)
    return path.parent if path.name == PROJECT_FILE and path.is_file() else path


def open_session(path: str | Path, *, undo: bool = False) -> Session:
    """Open the project in ``path`` (its folder, or its ``project.emosign`` file)."""
    return Session(open_project(project_folder(path)), undo=undo)


def create_session(folder: str | Path, schema: LabelSchema = EMOSIGN_SCHEMA, *,
                   undo: bool = False, db: str | None = None) -> Session:
    """Create a project in ``folder`` and open it: an SQLite file in the folder, or with
    ``db`` (``postgresql://HOST[:PORT]/DATABASE``) a database on that server, the folder
    recording only where it is (see ``services/remote.py``)."""
    server = parse_server_url(db) if db else None
    return Session(create_project(folder, schema, server=server), undo=undo)
