"""What every service takes: one open project (:class:`ProjectHandle`; the application and
the command line hold a :class:`~emosign_desktop.services.session.Session`, which adds the
queries).  A module of its own so that the services, which the queries call, never import
the session that makes the queries (no import cycle)."""

from __future__ import annotations

from pathlib import Path
from typing import Self

from emosign_desktop.core.schema import LabelSchema
from emosign_desktop.core.undo import UndoStack
from emosign_desktop.services.editing import EditingService
from emosign_desktop.services.write_path import WritePath
from emosign_desktop.storage.project import Project
from emosign_desktop.storage.repository import Repository


class ProjectHandle:
    """One open project as the services take it: change it through the services (their
    operations run on :attr:`writer`, or on the :attr:`editing` service on top of it).

    The repository and the storage project behind it stay private to the services
    (``_repo``, ``_project``): nothing outside services and storage reaches them
    (tests/test_architecture.py checks the ui, the command line and the self-test)."""

    def __init__(self, project: Project, *, undo: bool = False) -> None:
        self._project = project
        self._repo: Repository = project.repo
        self.writer = WritePath(project.repo, UndoStack() if undo else None)
        self.editing = EditingService(self.writer)

    @property
    def folder(self) -> Path:
        return self._project.folder

    @property
    def path(self) -> Path:
        """The project file (for a project on a server: the file naming the server)."""
        return self._project.path

    @property
    def where(self) -> str:
        """Where the project's data live, for messages: its file, or its server database."""
        return self._project.where

    @property
    def read_only(self) -> str | None:
        """Why the project cannot be written (None when it can)."""
        return self._project.read_only

    @property
    def schema(self) -> LabelSchema:
        return self._repo.schema

    def close(self) -> None:
        """Release the project file."""
        self._project.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
