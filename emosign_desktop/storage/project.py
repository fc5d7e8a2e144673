"""A project is a folder holding ``project.emosign`` (SQLite) and media referenced relative
to it.  Opening checks the file's format against the window this app understands: a newer
file is refused, an older one is backed up and upgraded in one transaction."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, select, text
from sqlalchemy.exc import DatabaseError

from emosign_desktop import __version__
from emosign_desktop.core.errors import ProjectError, ProjectTooNewError
from emosign_desktop.core.schema import EMOSIGN_SCHEMA, LabelSchema, schema_from_dict
from emosign_desktop.core.tiers import DEFAULT_TIERS
from emosign_desktop.storage import tables as t
from emosign_desktop.storage.base import now_iso
from emosign_desktop.storage.engine import WRITE, make_engine
from emosign_desktop.storage.repository import Repository

PROJECT_FILE = "project.emosign"
#: Alembic revision of each project format this app can open (oldest first).
FORMAT_REVISIONS = {"f0001": 1, "f0002": 2, "f0003": 3, "f0004": 4, "f0005": 5, "f0006": 6}
HEAD_REVISION = "f0006"
CURRENT_FORMAT = FORMAT_REVISIONS[HEAD_REVISION]
_SQLITE_MAGIC = b"SQLite format 3\x00"


class Project:
    """An open project: its folder, its database engine and its repository."""

    def __init__(self, folder: Path, engine: Engine, schema: LabelSchema) -> None:
        self.folder = folder
        self.path = folder / PROJECT_FILE
        self.engine = engine
        self.repo = Repository(engine, schema, folder)

    @property
    def schema(self) -> LabelSchema:
        return self.repo.schema

    def close(self) -> None:
        """Release the database (checkpointing the WAL into the main file)."""
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        except DatabaseError:
            pass
        self.engine.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def is_project(folder: str | Path) -> bool:
    """True when ``folder`` holds a project file."""
    return (Path(folder) / PROJECT_FILE).is_file()


def _run_migrations(conn: Connection, target: str = "head") -> None:
    from alembic import command  # lazy: only when a file is created or upgraded
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
    _revision: str = "head",
) -> Project:
    """Create a new project in ``folder`` (created if missing; must hold no project yet)
    with the given label schema and, unless told otherwise, the default tiers."""
    folder = Path(folder)
    path = folder / PROJECT_FILE
    if path.exists():
        raise ProjectError(f"{path}: a project already exists here")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ProjectError(f"{folder}: cannot create the folder ({exc.strerror})") from None
    tmp = folder / (PROJECT_FILE + ".creating")
    tmp.unlink(missing_ok=True)
    engine = make_engine(tmp, pooled=False)
    try:
        with engine.connect().execution_options(**WRITE) as conn, conn.begin():
            _run_migrations(conn, _revision)
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
                        {"name": name, "kind": kind.value, "vocabulary": json.dumps(vocab),
                         "position": i}
                        for i, (name, kind, vocab) in enumerate(DEFAULT_TIERS)
                    ],
                )
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


def open_project(folder: str | Path) -> Project:
    """Open the project in ``folder``, upgrading an older format after a backup."""
    folder = Path(folder)
    path = folder / PROJECT_FILE
    if not path.is_file():
        raise ProjectError(f"{folder}: not an EmoSign project (no {PROJECT_FILE} in it)")
    try:
        with path.open("rb") as fh:
            magic = fh.read(16)
    except OSError as exc:
        raise ProjectError(f"{path}: cannot read the project file ({exc.strerror})") from None
    if magic != _SQLITE_MAGIC:
        raise ProjectError(f"{path}: not an EmoSign project file (not an SQLite database)")
    engine = make_engine(path)
    try:
        schema = _check_and_upgrade(engine, path)
    except BaseException:
        engine.dispose()
        raise
    return Project(folder, engine, schema)


def _check_and_upgrade(engine: Engine, path: Path) -> LabelSchema:
    try:
        with engine.connect() as conn:
            names = set(inspect(conn).get_table_names())
            if not {"meta", "alembic_version"} <= names:
                raise ProjectError(f"{path}: not an EmoSign project file (no project tables)")
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            meta = _read_meta(conn)
    except DatabaseError as exc:
        raise ProjectError(f"{path}: the project file is damaged ({exc.orig})") from None
    if revision not in FORMAT_REVISIONS:
        fmt = meta.get("format_version", "?")
        by = meta.get("app_version", "a newer version")
        raise ProjectTooNewError(
            f"{path}: this project was written by EmoSign Desktop {by} in project format "
            f"{fmt}; this EmoSign Desktop ({__version__}) reads formats up to {CURRENT_FORMAT}. "
            "Install a newer EmoSign Desktop to open it; the file was not changed."
        )
    if revision != HEAD_REVISION:
        old_format = FORMAT_REVISIONS[revision]
        _backup(path, old_format)
        try:
            with engine.connect().execution_options(**WRITE) as conn, conn.begin():
                _run_migrations(conn)
                conn.execute(
                    t.meta.update().where(t.meta.c.key == "app_version"),
                    {"value": __version__},
                )
        except DatabaseError as exc:
            raise ProjectError(
                f"{path}: upgrading from format {old_format} failed ({exc.orig}); "
                "the file is unchanged and a backup lies beside it"
            ) from None
    try:
        return schema_from_dict(json.loads(meta["label_schema"]))
    except (KeyError, ValueError) as exc:
        raise ProjectError(f"{path}: the project's label schema is unreadable ({exc})") from None
