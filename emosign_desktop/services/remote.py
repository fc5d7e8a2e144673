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

import os
import re
from pathlib import Path

from emosign_desktop.core.errors import EmoSignError, ProjectError
from emosign_desktop.core.schema import EMOSIGN_SCHEMA, LabelSchema
from emosign_desktop.services.session import Session, create_session
from emosign_desktop.storage.engine import (
    CONNECT_TIMEOUT_S,
    KEYRING_SERVICE,
    ServerSettings,
    ServerUnavailableError,
    forget_password,
    keyring_password,
    pgpass_has,
    store_password,
)
from emosign_desktop.storage.project import PROJECT_FILE, parse_server_url, read_server_settings

__all__ = ["KEYRING_SERVICE", "ServerSettings", "ServerUnavailableError", "create_server_project",
           "forget_server_password", "make_server_project", "parse_server_url",
           "password_source", "remember_password", "server_of"]


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


# -- making a project on a server from the application ---------------------------------------
def password_source(url: str) -> str | None:
    """Where the password for ``url`` would come from now: ``"PGPASSWORD"``, the password
    file (``"~/.pgpass"`` or ``PGPASSFILE``'s path), ``"the system keyring"``, or None
    (the server must then accept connections without one).  Raises ProjectError for an
    address that is not ``postgresql://HOST[:PORT]/DATABASE``."""
    settings = parse_server_url(url)
    user = settings.user()
    if os.environ.get("PGPASSWORD"):
        return "PGPASSWORD"
    if pgpass_has(settings, user):
        return os.environ.get("PGPASSFILE") or "~/.pgpass"
    if keyring_password(settings, user) is not None:
        return "the system keyring"
    return None


def make_server_project(folder: str | Path, url: str, *, password: str | None = None,
                        schema: LabelSchema = EMOSIGN_SCHEMA, undo: bool = False) -> Session:
    """What the application's "New Project on a Server" does: :func:`create_server_project`
    (make or join the project in the database ``url``), with ``password`` (if given) kept in
    the system keyring, never in the folder.  All or nothing: when the server cannot be
    reached or refuses, the folders this call made are removed again, the keyring holds what
    it held before, and the error says which server and what the problem is."""
    settings = parse_server_url(url)
    folder = Path(folder).expanduser()
    if (folder / PROJECT_FILE).exists():
        raise ProjectError(f"{folder / PROJECT_FILE}: a project already exists here; open it "
                           "instead (File ▸ Open Project)")
    made = [p for p in (folder, *folder.parents) if not p.exists()]
    user = settings.user()
    before = keyring_password(settings, user) if password else None
    if password:
        store_password(settings, password, user)
    try:
        return create_server_project(folder, url, schema, undo=undo)
    except EmoSignError as exc:
        if password:
            if before is None:
                forget_password(settings, user)
            else:
                store_password(settings, before, user)
        for path in made:  # deepest first; only folders still empty (nothing else was put there)
            try:
                path.rmdir()
            except OSError:
                break
        if isinstance(exc, ServerUnavailableError):
            raise ServerUnavailableError(refusal(settings, exc, password=bool(password))) from None
        raise


def refusal(settings: ServerSettings, exc: BaseException, *, password: bool = False) -> str:
    """One clear line for a server that could not be reached or refused a new project:
    which server, as which user, what went wrong, and what to do."""
    text = str(exc)
    user = settings.user()
    where = f"{settings.label}"
    tail = "No project was made."
    if "password authentication failed" in text:
        return (f"{where} refused the password for user '{user}'. Check the password "
                f"{'you typed' if password else '(PGPASSWORD, ~/.pgpass or the keyring)'}. "
                f"{tail}")
    if "no password supplied" in text:
        return (f"{where} asks for a password for user '{user}': type it in the Password "
                f"field (it is kept in the system keyring), or set PGPASSWORD or ~/.pgpass. "
                f"{tail}")
    if "failed to resolve host" in text or "Name or service not known" in text:
        return (f"there is no server called '{settings.host}' (the name cannot be looked up): "
                f"check the address. {tail}")
    if "Connection refused" in text:
        return (f"nothing answers at {settings.host}:{settings.port} (connection refused): "
                f"check the address and port, and that the server is running. {tail}")
    if "timeout" in text.lower():
        return (f"{settings.host}:{settings.port} did not answer within "
                f"{CONNECT_TIMEOUT_S} s: check the address and your network. {tail}")
    match = re.search(r"\((.*)\)\. Nothing was changed", text)
    reason = match.group(1) if match else text
    reason = re.sub(r"^.*failed: (FATAL:\s*)?", "", reason)
    return f"{where} cannot be used: {reason}. {tail}"
