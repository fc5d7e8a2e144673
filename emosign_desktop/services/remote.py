"""Projects whose database lives on a PostgreSQL server (a lab's shared project).

The project folder holds the media (found by relative path and content fingerprint, as for
a project on this computer) and ``project.emosign``, which names the server: host, port and
database, nothing else.  The address is written ``postgresql://HOST[:PORT]/DATABASE``.  The
user is ``PGUSER`` (else the login name); the password comes from ``PGPASSWORD``,
``~/.pgpass`` (or ``PGPASSFILE``), or the system keyring (service ``emosign-desktop``, user
``user@host:port/database``: :func:`remember_password` puts it there).  Passwords and user
names are never written into the folder.
"""

from __future__ import annotations

from pathlib import Path

from emosign_desktop.core.schema import EMOSIGN_SCHEMA, LabelSchema
from emosign_desktop.services.session import Session, create_session
from emosign_desktop.storage.engine import (
    KEYRING_SERVICE,
    ServerSettings,
    forget_password,
    store_password,
)
from emosign_desktop.storage.project import PROJECT_FILE, parse_server_url, read_server_settings

__all__ = ["KEYRING_SERVICE", "ServerSettings", "create_server_project", "forget_server_password",
           "parse_server_url", "remember_password", "server_of"]


def server_of(folder: str | Path) -> ServerSettings | None:
    """The server a project folder's database lives on (None: an SQLite project)."""
    path = Path(folder) / PROJECT_FILE
    return read_server_settings(path) if path.is_file() else None


def create_server_project(folder: str | Path, url: str, schema: LabelSchema = EMOSIGN_SCHEMA,
                          *, undo: bool = False) -> Session:
    """Make ``folder`` a project whose database is ``url`` (``postgresql://HOST[:PORT]/DB``):
    an empty database gets the project's tables (one that does not exist yet is created
    when the user may); a database that already holds an EmoSign project is joined, so each
    annotator points their own folder at the lab's project the same way."""
    return create_session(folder, schema, undo=undo, db=url)


def remember_password(url: str, password: str, user: str | None = None) -> str:
    """Keep the password for ``url`` in the system keyring; returns the keyring user name."""
    return store_password(parse_server_url(url), password, user)


def forget_server_password(url: str, user: str | None = None) -> None:
    """Remove the keyring's password for ``url``."""
    forget_password(parse_server_url(url), user)
