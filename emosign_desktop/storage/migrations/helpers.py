"""What the migrations write differently on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def is_sqlite() -> bool:
    """True when the migration runs on an SQLite project file."""
    return bool(op.get_bind().dialect.name == "sqlite")


def set_meta(key: str, value: str, *, replace: bool = True) -> None:
    """Set (or, without ``replace``, add when missing) one project setting."""
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    if is_sqlite():
        from sqlalchemy.dialects.sqlite import insert
    else:
        from sqlalchemy.dialects.postgresql import insert  # type: ignore[assignment]
    stmt = insert(meta).values(key=key, value=value)
    if replace:
        op.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value}))
    else:
        op.execute(stmt.on_conflict_do_nothing(index_elements=["key"]))
