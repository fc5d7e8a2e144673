"""A project is a folder holding ``project.emosign`` and media referenced relative to it.

``project.emosign`` is either the project's SQLite database, or, for a lab's project whose
database lives on a PostgreSQL server, a small JSON file naming the server: host, port and
database, never a user or a password (see ``engine.py`` for where passwords come from).
:func:`open_project` and :func:`create_project` decide by what the folder holds.  Opening
checks the database's format against the window this app understands: a newer one is
refused, an older one is upgraded in one transaction (an SQLite file is backed up first).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sqlalchemy import Connection, Engine, func, inspect, select, text
from sqlalchemy.exc import DatabaseError

from emosign_desktop import __version__
from emosign_desktop.core.errors import ProjectDamagedError, ProjectError, ProjectTooNewError
from emosign_desktop.core.schema import EMOSIGN_SCHEMA, LabelSchema, schema_from_dict
from emosign_desktop.core.tiers import DEFAULT_TIERS
from emosign_desktop.storage import tables as t
from emosign_desktop.storage.backups import AutoBackup, newest_good_backup, quick_check
from emosign_desktop.storage.base import now_iso
from emosign_desktop.storage.engine import (
    DEFAULT_PORT,
    WRITE,
    ServerSettings,
    ServerUnavailableError,
    connect_params,
    make_engine,
    make_pg_engine,
    psycopg_module,
    server_error,
)
from emosign_desktop.storage.failures import check_readable, unwritable_reason
from emosign_desktop.storage.held_files import SQLITE_MAGIC, hold, read_head
from emosign_desktop.storage.repository import Repository

PROJECT_FILE = "project.emosign"
#: Alembic revision of each project format this app can open (oldest first).
FORMAT_REVISIONS = {"f0001": 1, "f0002": 2, "f0003": 3, "f0004": 4, "f0005": 5, "f0006": 6,
                    "f0007": 7, "f0008": 8, "f0009": 9, "f0010": 10, "f0011": 11}
HEAD_REVISION = "f0011"
CURRENT_FORMAT = FORMAT_REVISIONS[HEAD_REVISION]
#: Project files up to this size are checked (SQLite's quick check) before they open, in
#: about 50 ms at this size; larger ones are checked on a thread of their own while the
#: project is open (about 0.65 s at 175 MB, 35,000 videos; see BENCHMARKS.md "Backups").
CHECK_WHILE_OPENING = 10 * 1024 * 1024
#: The ``kind`` of a server project's settings file.
SERVER_KIND = "EmoSign Desktop project on a PostgreSQL server"
_CREATE_LOCK = 0x454D5F43  # advisory lock: one client at a time creates the tables


class Project:
    """An open project: its folder, its database engine and its repository."""

    def __init__(self, folder: Path, engine: Engine, schema: LabelSchema,
                 server: ServerSettings | None = None, *, read_only: str | None = None) -> None:
        self.folder = folder
        self.path = folder / PROJECT_FILE
        self.engine = engine
        self.server = server
        self.repo = Repository(engine, schema, folder, server)
        self.repo.read_only = read_only
        #: Automatic backups (an SQLite project that can be written), else None.
        self.backups: AutoBackup | None = None
        #: Set when another program deleted the write-ahead log while the project was open
        #: (what was done about it, in words); the window shows it.
        self.journal_warning: str | None = None
        #: Set when the integrity check run on its own thread (a large file) found damage;
        #: the project is read-only from then on.
        self.damage_warning: str | None = None
        self._checking: threading.Thread | None = None
        #: Ends this process's record of holding the SQLite file (``held_files``) on close.
        self.release_file: Callable[[], None] = lambda: None

    @property
    def read_only(self) -> str | None:
        """Why the project cannot be written (None when it can)."""
        return self.repo.read_only

    def start_backups(self) -> None:
        """Back up now if the newest backup is old, and every so many edits from now on;
        watch the write-ahead log after every commit."""
        if self.server is not None or self.read_only is not None:
            return
        self.backups = AutoBackup(self.path)
        with self.engine.connect() as conn:
            position = conn.execute(select(func.coalesce(func.max(t.edit_log.c.id), 0)))
            self.backups.on_open(int(position.scalar_one()))
        self.repo.after_commit.append(self.backups.on_commit)
        self.repo.after_commit.append(self._check_journal)

    def check_in_background(self) -> None:
        """Run the quick integrity check on a thread of its own (a large file, whose check
        would hold up opening); damage found makes the project read-only and sets
        :attr:`damage_warning`."""

        def run() -> None:
            try:
                problems = quick_check(self.path, snapshot=True)
            except ProjectError:
                return  # cannot be read now: the next read says why
            if problems:
                backup = newest_good_backup(self.path)
                offer = (f"restore {backup.describe()} with 'emosign restore {self.folder}' "
                         "or File ▸ Restore from Backup" if backup is not None
                         else "there is no backup of it")
                self.repo.read_only = (f"an integrity check found the file damaged "
                                       f"({problems[0]}); {offer}")
                self.damage_warning = (f"{self.path}: the project file is damaged (the "
                                       f"integrity check says: {problems[0]}). It is "
                                       f"read-only now; {offer}.")

        self._checking = threading.Thread(target=run, name="emosign-check", daemon=True)
        self._checking.start()

    def verify_stored(self) -> str | None:
        """A sentence saying this project's edits are stored, only when a fresh read finds
        the file sound and writable and the newest write committed; else None."""
        if self.server is not None or self.read_only is not None or self.repo.last_write_failed:
            return None
        try:
            if quick_check(self.path) or unwritable_reason(self.path) is not None:
                return None
        except ProjectError:
            return None
        return ("Your edits are stored: every edit before this one was committed, and the "
                "project file was checked just now.")

    def _check_journal(self) -> None:
        """After a commit: if the write-ahead log was deleted under us, its pages live on
        only in this process's open file: copy them into the project file now (a
        checkpoint), start a new log, and say so."""
        if Path(str(self.path) + "-wal").exists():
            return
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self.engine.dispose()
        self.journal_warning = (
            f"Another program deleted the project's journal file ({PROJECT_FILE}-wal) while "
            "it was open. The edits it held were written into the project file, and a new "
            "journal was started; check that no sync or clean-up tool works in this folder.")

    @property
    def schema(self) -> LabelSchema:
        return self.repo.schema

    @property
    def where(self) -> str:
        """Where the data live, for messages: the project file, or the server database."""
        return self.server.label if self.server else str(self.path)

    def close(self) -> None:
        """Release the database (checkpointing an SQLite WAL into the main file)."""
        self.repo.stop_watching()
        if self.backups is not None:
            self.backups.wait()
        if self._checking is not None:
            self._checking.join()
        if self.server is None and self.read_only is None:
            try:
                with self.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            except DatabaseError:
                pass
        self.engine.dispose()
        self.release_file()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def is_project(folder: str | Path) -> bool:
    """True when ``folder`` holds a project file."""
    return (Path(folder) / PROJECT_FILE).is_file()


# -- server projects ----------------------------------------------------------------------------
def parse_server_url(url: str) -> ServerSettings:
    """The server settings of ``postgresql://HOST[:PORT]/DATABASE``.  A user or password in
    the address is refused: they never go into a project folder (PGUSER names the user; the
    password comes from PGPASSWORD, ~/.pgpass or the system keyring)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise ProjectError(f"{url}: not a database address ({exc})") from None
    if parts.scheme not in ("postgresql", "postgres", "postgresql+psycopg"):
        raise ProjectError(f"{url}: not a PostgreSQL address (write "
                           "postgresql://HOST[:PORT]/DATABASE)")
    if parts.username is not None or parts.password is not None:
        raise ProjectError(f"{parts.scheme}://...@{parts.hostname}: a user or password does "
                           "not go into the address (nor into the project folder): set PGUSER "
                           "for the user, and PGPASSWORD, ~/.pgpass or the system keyring for "
                           "the password")
    database = unquote(parts.path.lstrip("/"))
    if not parts.hostname or not database or "/" in database or parts.query:
        raise ProjectError(f"{url}: write postgresql://HOST[:PORT]/DATABASE")
    return ServerSettings(parts.hostname, port or DEFAULT_PORT, database)


def read_server_settings(path: Path) -> ServerSettings | None:
    """The server settings in a project file, or None when it holds none."""
    try:
        raw = read_head(path, 65537)  # a settings file is small; a database is not read
    except OSError as exc:
        raise ProjectError(f"{path}: cannot read the project file ({exc.strerror})") from None
    if raw.startswith(SQLITE_MAGIC) or len(raw) > 65536:
        return None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("kind") != SERVER_KIND:
        return None
    try:
        return ServerSettings(str(data["host"]), int(data["port"]), str(data["database"]))
    except (KeyError, TypeError, ValueError):
        raise ProjectError(f"{path}: the server settings are incomplete (host, port and "
                           "database are needed)") from None


def write_server_settings(path: Path, server: ServerSettings) -> None:
    """Write the settings file (host, port, database: nothing else), whole or not at all."""
    data = {"kind": SERVER_KIND, "host": server.host, "port": server.port,
            "database": server.database}
    tmp = path.with_name(path.name + ".creating")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _ensure_database(server: ServerSettings) -> None:
    """Connect once; create the database when it does not exist and we may."""
    psycopg_module(server)
    import psycopg
    from psycopg import sql

    params = connect_params(server)
    try:
        psycopg.connect(**params).close()
        return
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc) or server.database not in str(exc):
            raise server_error(server, exc) from None
    try:
        with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(server.database)))
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ProjectError(
            f"{server.label} does not exist and cannot be created ({reason}): ask the "
            f"server's administrator to create it (createdb -h {server.host} -p "
            f"{server.port} {server.database})") from None


def _fill_new(conn: Connection, schema: LabelSchema, default_tiers: bool, revision: str) -> None:
    _run_migrations(conn, revision)
    conn.execute(
        t.meta.insert(),
        [
            {"key": "created_at", "value": now_iso()},
            {"key": "created_by", "value": f"EmoSign Desktop {__version__}"},
            {"key": "app_version", "value": __version__},
            {"key": "label_schema", "value": json.dumps(schema.to_dict())},
        ],
    )
    if default_tiers:
        conn.execute(
            t.tier.insert(),
            [
                {"id": i + 1, "name": name, "kind": kind.value,
                 "vocabulary": json.dumps(vocab), "position": i}
                for i, (name, kind, vocab) in enumerate(DEFAULT_TIERS)
            ],
        )


def _create_on_server(folder: Path, server: ServerSettings, schema: LabelSchema,
                      default_tiers: bool) -> None:
    """Make the project's tables in an empty database (or join the EmoSign project that is
    there already), then write the folder's settings file."""
    _ensure_database(server)
    engine = make_pg_engine(server)
    try:
        with engine.connect() as conn, conn.begin():
            conn.execute(select(func.pg_advisory_xact_lock(_CREATE_LOCK)))
            names = set(inspect(conn).get_table_names())
            if not names:
                _fill_new(conn, schema, default_tiers, "head")
            elif not {"meta", "alembic_version"} <= names:
                raise ProjectError(
                    f"{server.label} holds other tables ({', '.join(sorted(names)[:5])}): "
                    "give an empty database for a new project")
            elif schema != EMOSIGN_SCHEMA:
                stored = _read_meta(conn).get("label_schema")
                if stored is None or schema_from_dict(json.loads(stored)) != schema:
                    raise ProjectError(
                        f"{server.label} holds an EmoSign project with another label schema; "
                        "the folder was not made")
    except DatabaseError as exc:
        raise ProjectError(f"{server.label}: cannot make the project's tables "
                           f"({exc.orig})") from None
    finally:
        engine.dispose()
    write_server_settings(folder / PROJECT_FILE, server)


# -- creating and opening ---------------------------------------------------------------------
def _run_migrations(conn: Connection, target: str = "head") -> None:
    from alembic import command  # lazy: only when a project is created or upgraded
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, target)


def create_project(
    folder: str | Path,
    schema: LabelSchema = EMOSIGN_SCHEMA,
    *,
    default_tiers: bool = True,
    server: ServerSettings | None = None,
    _revision: str = "head",
) -> Project:
    """Create a new project in ``folder`` (created if missing; must hold no project yet)
    with the given label schema and, unless told otherwise, the default tiers.

    With ``server`` the database lives on that PostgreSQL server (an empty database, created
    when missing and allowed; a database that already holds an EmoSign project is joined:
    the folder then opens that project), and the folder records only where it is."""
    folder = Path(folder)
    path = folder / PROJECT_FILE
    if path.exists():
        raise ProjectError(f"{path}: a project already exists here")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ProjectError(f"{folder}: cannot create the folder ({exc.strerror})") from None
    if server is not None:
        _create_on_server(folder, server, schema, default_tiers)
        return open_project(folder)
    tmp = folder / (PROJECT_FILE + ".creating")
    tmp.unlink(missing_ok=True)
    engine = make_engine(tmp, pooled=False)
    try:
        with engine.connect().execution_options(**WRITE) as conn, conn.begin():
            _fill_new(conn, schema, default_tiers, _revision)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    tmp.replace(path)  # the project appears whole or not at all
    if _revision != "head":  # only tests build files of older formats
        return None  # type: ignore[return-value]
    return open_project(folder)


def _read_meta(conn: Connection) -> dict[str, str]:
    return {k: v for k, v in conn.execute(select(t.meta.c.key, t.meta.c.value))}


def _backup(path: Path, fmt: int) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    dest = path.with_name(f"{path.name}.format{fmt}-backup-{stamp}")
    src = sqlite3.connect(path)
    try:
        dst = sqlite3.connect(dest)
        with dst:
            src.backup(dst)
        dst.close()
    finally:
        src.close()
    return dest


def open_project(folder: str | Path, *, backups: bool = True) -> Project:
    """Open the project in ``folder``: its SQLite file (upgrading an older format after a
    backup), or the server database its settings file names.

    An SQLite project that cannot be written opens read-only (``Project.read_only`` says
    why).  A quick integrity check runs first; a damaged file raises
    :class:`ProjectDamagedError` naming the newest good backup.  With ``backups`` a project
    that can be written is backed up now and then (see ``backups.py``)."""
    folder = Path(folder)
    path, server = _project_file(folder)
    if server is not None:
        return _open_on_server(folder, server)
    return _open_sqlite(folder, path, backups=backups)


def _project_file(folder: Path) -> tuple[Path, ServerSettings | None]:
    """The project file in ``folder``, with the server settings it holds when it is not an
    SQLite database; :class:`ProjectError` says why it is no project file."""
    path = folder / PROJECT_FILE
    if folder.is_dir() and not os.access(folder, os.R_OK | os.X_OK):
        check_readable(path)
    if not path.is_file():
        raise ProjectError(f"{folder}: not an EmoSign project (no {PROJECT_FILE} in it)")
    check_readable(path)
    try:
        magic = read_head(path, 16)
    except OSError as exc:
        raise ProjectError(f"{path}: cannot read the project file ({exc.strerror})") from None
    if magic == SQLITE_MAGIC:
        return path, None
    server = read_server_settings(path)
    if server is None:
        if not magic.strip(b"\0"):
            _raise_damaged(path, ["the file is empty or its first page is gone"])
        raise ProjectError(f"{path}: not an EmoSign project file (not an SQLite database, "
                           "nor the settings of a project on a server)")
    return path, server


def _open_on_server(folder: Path, server: ServerSettings) -> Project:
    """Open the project whose database is on the server ``server`` names."""
    engine = make_pg_engine(server)
    try:
        schema = _check_and_upgrade(engine, server.label, None)
    except BaseException:
        engine.dispose()
        raise
    return Project(folder, engine, schema, server)


def _open_sqlite(folder: Path, path: Path, *, backups: bool) -> Project:
    """Open the SQLite project file ``path``: read-only when it cannot be written, checked
    now when small (in the background otherwise), and backed up with ``backups``."""
    read_only = unwritable_reason(path)
    release = hold(path)
    try:
        engine = make_engine(path, read_only=read_only is not None)
        check_now = path.stat().st_size <= CHECK_WHILE_OPENING
        schema = _checked_schema(engine, path, check_now=check_now, read_only=read_only)
    except BaseException:
        release()
        raise
    project = Project(folder, engine, schema, read_only=read_only)
    project.release_file = release
    if not check_now:
        project.check_in_background()
    if backups:
        project.start_backups()
    return project


def _checked_schema(engine: Engine, path: Path, *, check_now: bool,
                    read_only: str | None) -> LabelSchema:
    """The label schema of the SQLite file ``path``, after its integrity check (when
    ``check_now``) and the upgrade of an older format.  On failure the engine is disposed;
    a damaged file raises :class:`ProjectDamagedError` naming the newest good backup."""
    try:
        problems = _quick_check(engine) if check_now else []
        if problems:
            _raise_damaged(path, problems)
        return _check_and_upgrade(engine, str(path), lambda fmt: _backup(path, fmt),
                                  read_only=read_only)
    except ProjectDamagedError as exc:
        engine.dispose()
        if exc.backup is None:
            _raise_damaged(path, [str(exc).split(": ", 1)[-1]])
        raise
    except ProjectError as exc:
        engine.dispose()
        try:
            problems = quick_check(path)
        except ProjectError:
            raise exc from None
        if problems:
            _raise_damaged(path, problems)
        raise
    except BaseException:
        engine.dispose()
        raise


def _quick_check(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        rows = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA quick_check(20)")]
    return [] if rows == ["ok"] else rows


def _raise_damaged(path: Path, problems: list[str]) -> None:
    backup = newest_good_backup(path)
    offer = (f" The newest good backup is {backup.describe()}: restore it with 'emosign "
             f"restore {path.parent}' (or File ▸ Restore from Backup); the damaged file is "
             "kept beside it." if backup is not None else
             " There is no backup of it in its backups/ folder.")
    raise ProjectDamagedError(f"{path}: the project file is damaged (the integrity check "
                              f"says: {problems[0]}).{offer}",
                              backup.path if backup is not None else None)


def _check_and_upgrade(engine: Engine, where: str, backup: Callable[[int], object] | None,
                       *, read_only: str | None = None) -> LabelSchema:
    try:
        with engine.connect() as conn:
            names = set(inspect(conn).get_table_names())
            if not {"meta", "alembic_version"} <= names:
                raise ProjectError(f"{where}: not an EmoSign project "
                                   f"{'file' if backup else 'database'} (no project tables)")
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            meta = _read_meta(conn)
    except ServerUnavailableError:
        raise
    except DatabaseError as exc:
        raise ProjectError(f"{where}: the project {'file' if backup else 'database'} cannot "
                           f"be read ({exc.orig})") from None
    if revision not in FORMAT_REVISIONS:
        fmt = meta.get("format_version", "?")
        by = meta.get("app_version", "a newer version")
        raise ProjectTooNewError(
            f"{where}: this project was written by EmoSign Desktop {by} in project format "
            f"{fmt}; this EmoSign Desktop ({__version__}) reads formats up to {CURRENT_FORMAT}. "
            "Install a newer EmoSign Desktop to open it; the "
            f"{'file' if backup else 'database'} was not changed."
        )
    if revision != HEAD_REVISION:
        old_format = FORMAT_REVISIONS[revision]
        if read_only is not None:
            raise ProjectError(
                f"{where}: this project is in format {old_format} and must be upgraded to "
                f"format {CURRENT_FORMAT} to open, but it cannot be written ({read_only}). "
                "Copy the project folder to a place where it can be written, or open it "
                "with the EmoSign Desktop that made it.")
        if backup is not None:
            backup(old_format)
        try:
            with engine.connect().execution_options(**WRITE) as conn, conn.begin():
                if backup is None:  # a server: one client upgrades, the others wait
                    conn.execute(select(func.pg_advisory_xact_lock(_CREATE_LOCK)))
                    again = conn.execute(text("SELECT version_num FROM alembic_version"))
                    if again.scalar() == HEAD_REVISION:
                        return _schema(where, _read_meta(conn))
                _run_migrations(conn)
                conn.execute(
                    t.meta.update().where(t.meta.c.key == "app_version"),
                    {"value": __version__},
                )
        except ServerUnavailableError:
            raise
        except DatabaseError as exc:
            kept = ("the file is unchanged and a backup lies beside it" if backup
                    else "the database is unchanged")
            raise ProjectError(
                f"{where}: upgrading from format {old_format} failed ({exc.orig}); {kept}"
            ) from None
    return _schema(where, meta)


def _schema(where: str, meta: dict[str, str]) -> LabelSchema:
    try:
        return schema_from_dict(json.loads(meta["label_schema"]))
    except (KeyError, ValueError) as exc:
        raise ProjectError(f"{where}: the project's label schema is unreadable ({exc})") from None
