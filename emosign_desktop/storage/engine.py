"""Database engines.

SQLite (a project on this computer): WAL, synchronous FULL, foreign keys, busy timeout, and
real transactions (``BEGIN`` issued by us, so DDL is transactional too; writers take the
write lock at ``BEGIN IMMEDIATE``).

PostgreSQL (a lab's project on a server, through psycopg 3): ordinary READ COMMITTED
transactions; the write path locks the rows it changes and checks them (see
``repository.py``).  The project folder records only host, port and database name; the
password comes from ``PGPASSWORD``, ``~/.pgpass`` (libpq reads both itself) or the system
keyring (service :data:`KEYRING_SERVICE`, user name ``user@host:port/database``).  A server
that goes away makes every statement fail with :class:`ServerUnavailableError` (naming the
server), and the pool checks a connection before each use (``pool_pre_ping``), so work
resumes by itself when the server is back.
"""

from __future__ import annotations

import getpass
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.pool import NullPool

from emosign_desktop.core.errors import NotSavedError, ProjectError, StaleChangeError

BUSY_TIMEOUT_MS = 5000
#: The keyring service under which PostgreSQL passwords are kept.
KEYRING_SERVICE = "emosign-desktop"
#: Seconds to wait for a server before saying it cannot be reached.
CONNECT_TIMEOUT_S = 5
DEFAULT_PORT = 5432


class ServerUnavailableError(NotSavedError):
    """The project's database server cannot be reached (or went away during a statement):
    the message names the server; nothing of the interrupted transaction was written (a
    write that met it was NOT saved)."""

    can_read_back = False


class ConcurrentChangeError(StaleChangeError):
    """Another client changed the same row at the same moment (PostgreSQL reported a
    deadlock, a serialization failure or a duplicate key): nothing was changed."""


@dataclass(frozen=True)
class ServerSettings:
    """Where a project's database lives: the only things its folder records about it."""

    host: str
    port: int
    database: str

    @property
    def label(self) -> str:
        """How messages name the server ("database lab on db.example.org:5432")."""
        return f"database '{self.database}' on {self.host}:{self.port}"

    def user(self) -> str:
        """The database user: ``PGUSER``, else the login name (as libpq does)."""
        return os.environ.get("PGUSER") or getpass.getuser()

    def keyring_user(self, user: str | None = None) -> str:
        """The keyring user name of this server's password: ``user@host:port/database``."""
        return f"{user or self.user()}@{self.host}:{self.port}/{self.database}"


def make_engine(path: Path, *, pooled: bool = True, read_only: bool = False) -> Engine:
    """An SQLite engine on ``path``; writers should use :data:`WRITE` to lock up front.

    ``read_only`` opens a file that cannot be written without creating anything beside it:
    as immutable when its write-ahead log is empty (no locks, no side files), else in
    SQLite's read-only mode, which reads the log that is there."""
    from emosign_desktop.storage.failures import translate, wal_has_content

    kwargs: dict[str, Any] = {} if pooled else {"poolclass": NullPool}
    if read_only:
        mode = "mode=ro" if wal_has_content(path) else "immutable=1"
        url = f"sqlite:///file:{quote(str(path))}?{mode}&uri=true"
    else:
        url = f"sqlite:///{path}"
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None  # we send BEGIN ourselves (see _on_begin)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not read_only:
            cur.execute("PRAGMA journal_mode = WAL")
            # FULL: a commit that returned survives power loss, not only a process crash.
            cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        orig = context.original_exception
        if not isinstance(orig, sqlite3.Error) or isinstance(orig, sqlite3.IntegrityError):
            return
        writing = _writing(context)
        if isinstance(orig, sqlite3.OperationalError) and "locked" in str(orig):
            kind = NotSavedError if writing else ProjectError
            raise kind(
                f"{path.name}: the project file stayed busy for {BUSY_TIMEOUT_MS // 1000} s "
                "(another window or program kept writing to it); nothing was changed"
                f"{' (the change was NOT saved)' if writing else ''}: try again in a "
                "moment") from None
        raise translate(path, orig, writing=writing) from None

    return engine


def _writing(context: ExceptionContext) -> bool:
    """True when the failed statement belongs to a write transaction (see :data:`WRITE`)."""
    conn = context.connection
    return conn is not None and not conn.closed and (
        conn.get_execution_options().get("sqlite_begin") == "IMMEDIATE")


#: Execution options for a write transaction: take the write lock at BEGIN, so the busy
#: timeout applies instead of a deadlock error when another process writes at the same time.
#: (PostgreSQL ignores them: its writers lock rows, not the database.)
WRITE = {"sqlite_begin": "IMMEDIATE"}


# -- PostgreSQL -------------------------------------------------------------------------------
def _pgpass_file() -> Path | None:
    given = os.environ.get("PGPASSFILE")
    path = Path(given) if given else Path.home() / ".pgpass"
    return path if path.is_file() else None


def _pgpass_fields(line: str) -> list[str]:
    fields, cur, escaped = [], [], False
    for ch in line:
        if escaped:
            cur.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == ":":
            fields.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    fields.append("".join(cur))
    return fields


def pgpass_has(settings: ServerSettings, user: str) -> bool:
    """True when the password file libpq reads (``PGPASSFILE`` or ``~/.pgpass``) has a line
    for this server, database and user."""
    path = _pgpass_file()
    if path is None:
        return False
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return False
    wanted = [settings.host, str(settings.port), settings.database, user]
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = _pgpass_fields(line)
        if len(fields) < 5:
            continue
        if all(f == "*" or f == w for f, w in zip(fields[:4], wanted, strict=True)):
            return True
    return False


def keyring_password(settings: ServerSettings, user: str) -> str | None:
    """The password the system keyring holds for this server (None when there is none, or
    no usable keyring)."""
    try:
        import keyring  # lazy: its backends load on first use

        found = keyring.get_password(KEYRING_SERVICE, settings.keyring_user(user))
    except Exception:  # no keyring backend, locked keyring, D-Bus missing...
        return None
    return found if isinstance(found, str) else None


def connect_params(settings: ServerSettings) -> dict[str, Any]:
    """psycopg connection parameters for ``settings``: never a password unless neither
    ``PGPASSWORD`` nor the password file covers it and the keyring has one."""
    user = settings.user()
    params: dict[str, Any] = {
        "host": settings.host, "port": settings.port, "dbname": settings.database,
        "user": user, "connect_timeout": CONNECT_TIMEOUT_S,
        "application_name": "EmoSign Desktop",
        # a server (or network) that vanishes without closing the connection is noticed in
        # seconds, not after the system's TCP timeout of minutes
        "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
        "keepalives_count": 3, "tcp_user_timeout": 15000,
    }
    if not os.environ.get("PGPASSWORD") and not pgpass_has(settings, user):
        password = keyring_password(settings, user)
        if password is not None:
            params["password"] = password
    return params


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def server_error(settings: ServerSettings, exc: BaseException) -> ServerUnavailableError:
    """The error a client sees when the server cannot be reached or went away."""
    return ServerUnavailableError(
        f"the project's server cannot be reached: {settings.label} ({_reason(exc)}). "
        "Nothing was changed; work resumes when the server is back.")


def psycopg_module(settings: ServerSettings) -> Any:
    """psycopg, or a ProjectError that says what is missing (an installation without a
    PostgreSQL client library: the Linux bundle uses the system's libpq)."""
    try:
        import psycopg
    except ImportError as exc:
        raise ProjectError(
            f"this project's database is on a PostgreSQL server ({settings.label}), but this "
            f"installation has no PostgreSQL client library ({exc}). On Debian or Ubuntu: "
            "sudo apt install libpq5") from None
    return psycopg


def make_pg_engine(settings: ServerSettings) -> Engine:
    """A pooled engine on the project's PostgreSQL database (psycopg 3)."""
    psycopg_module(settings)
    import psycopg

    params = connect_params(settings)

    def connect() -> psycopg.Connection[Any]:
        return psycopg.connect(**params)

    engine = create_engine("postgresql+psycopg://", creator=connect, pool_pre_ping=True,
                           pool_size=4, max_overflow=8)

    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        orig = context.original_exception
        if isinstance(orig, psycopg.errors.DeadlockDetected | psycopg.errors.SerializationFailure
                      | psycopg.errors.UniqueViolation | psycopg.errors.LockNotAvailable):
            raise ConcurrentChangeError(
                "another annotator changed the same item at the same moment; nothing was "
                "changed: look at it again and repeat the change") from None
        if context.is_disconnect or isinstance(orig, psycopg.OperationalError | OSError):
            raise server_error(settings, orig) from None
        refused = {psycopg.errors.InsufficientPrivilege: "you have no permission to write it",
                   psycopg.errors.DiskFull: "the server's disk is full",
                   psycopg.errors.ReadOnlySqlTransaction: "the server is read-only"}
        for kind, reason in refused.items():
            if isinstance(orig, kind):
                if _writing(context):
                    raise NotSavedError(f"{settings.label}: the change was NOT saved: "
                                        f"{reason}") from None
                raise ProjectError(f"{settings.label}: cannot be read: {reason}") from None

    return engine


def listen_connection(settings: ServerSettings) -> Any:
    """A separate autocommit psycopg connection (for LISTEN), or ServerUnavailableError."""
    psycopg_module(settings)
    import psycopg

    try:
        return psycopg.connect(**connect_params(settings), autocommit=True)
    except psycopg.Error as exc:
        raise server_error(settings, exc) from None


def store_password(settings: ServerSettings, password: str, user: str | None = None) -> str:
    """Keep ``password`` in the system keyring for this server; returns the keyring user name
    (``user@host:port/database``).  Raises ProjectError when no keyring can store it."""
    name = settings.keyring_user(user)
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, name, password)
    except Exception as exc:  # no backend, locked keyring...
        raise ProjectError(f"the system keyring cannot keep the password for {name} "
                           f"({exc}); use PGPASSWORD or ~/.pgpass instead") from None
    return name


def forget_password(settings: ServerSettings, user: str | None = None) -> None:
    """Remove this server's password from the system keyring (if it is there)."""
    import contextlib

    with contextlib.suppress(Exception):
        import keyring

        keyring.delete_password(KEYRING_SERVICE, settings.keyring_user(user))
