"""Project format 9: finding videos by part of their name without reading every name.

SQLite: an FTS5 table with the trigram tokenizer over ``video.name`` (external content: it
holds only the index), kept in step by triggers on ``video``.  PostgreSQL: the ``pg_trgm``
extension and a GIN trigram index on ``video.name``, which ``ILIKE '%text%'`` uses as it is.
Where neither can be made (an SQLite without FTS5; a PostgreSQL user who may not create the
extension), the format still changes and the list searches by reading the names, as before.

A later migration that rebuilds the ``video`` table on SQLite (``batch_alter_table``) drops
these triggers: it must make them again (see :func:`sqlite_search`).

Revision ID: f0009
Revises: f0008
"""

import sqlalchemy as sa
from alembic import op

from emosign_desktop.storage.migrations.helpers import is_sqlite, set_meta

revision = "f0009"
down_revision = "f0008"
branch_labels = None
depends_on = None

SEARCH_TABLE = "video_name_search"


def sqlite_search(bind: sa.Connection) -> bool:
    """Make the FTS5 trigram table and its triggers (False: this SQLite has no FTS5 or no
    trigram tokenizer, SQLite 3.34+)."""
    try:
        with bind.begin_nested():
            bind.exec_driver_sql(
                f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5(name, content='video', "
                "content_rowid='id', tokenize='trigram')")
    except sa.exc.OperationalError:
        return False
    bind.exec_driver_sql(f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}) VALUES ('rebuild')")
    bind.exec_driver_sql(
        f"CREATE TRIGGER video_name_search_ai AFTER INSERT ON video BEGIN "
        f"INSERT INTO {SEARCH_TABLE}(rowid, name) VALUES (new.id, new.name); END")
    bind.exec_driver_sql(
        f"CREATE TRIGGER video_name_search_ad AFTER DELETE ON video BEGIN "
        f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}, rowid, name) "
        f"VALUES ('delete', old.id, old.name); END")
    bind.exec_driver_sql(
        f"CREATE TRIGGER video_name_search_au AFTER UPDATE OF name ON video BEGIN "
        f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}, rowid, name) "
        f"VALUES ('delete', old.id, old.name); "
        f"INSERT INTO {SEARCH_TABLE}(rowid, name) VALUES (new.id, new.name); END")
    return True


def postgresql_search(bind: sa.Connection) -> bool:
    """The trigram index (False: the extension cannot be made by this user)."""
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError:
        return False
    bind.exec_driver_sql("CREATE INDEX IF NOT EXISTS video_name_trgm ON video "
                         "USING gin (name gin_trgm_ops)")
    return True


def upgrade() -> None:
    """Add the name search where the database can have it."""
    bind = op.get_bind()
    if is_sqlite():
        sqlite_search(bind)
    else:
        postgresql_search(bind)
    set_meta("format_version", "9")
