"""A session: an open project with its write path.  The command line opens one per command
(no undo history); each window of the application has one with an undo history."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from emosign_desktop.core.schema import EMOSIGN_SCHEMA, LabelSchema
from emosign_desktop.services.handle import ProjectHandle
from emosign_desktop.storage.project import (
    PROJECT_FILE,
    create_project,
    open_project,
    parse_server_url,
)

if TYPE_CHECKING:
    from emosign_desktop.services.queries import Queries


class Session(ProjectHandle):
    """One open project: the one handle every service takes.  Read it through
    :attr:`queries`, change it through the services (their operations run on :attr:`writer`,
    or on the :attr:`editing` service on top of it).

    The repository and the storage project behind it stay private to the services
    (``_repo``, ``_project``): nothing outside services and storage reaches them
    (tests/test_architecture.py checks the ui, the command line and the self-test)."""

    @cached_property
    def queries(self) -> Queries:
        """The read-only views of this project (what windows and commands show)."""
        from emosign_desktop.services.queries import Queries

        return Queries(self)


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
