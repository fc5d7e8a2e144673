"""Project format 10: the size and modification time of each video's media file.

A video keeps its file's size (bytes) and modification time (nanoseconds) from the last check
that found the file to match its fingerprint, so opening a project checks each file with one
``stat`` and reads (hashes) only a file whose size or time differ.  Existing videos stay NULL:
their first check reads the file and fills them.

Adding columns does not rebuild the ``video`` table on SQLite (``ALTER TABLE ... ADD
COLUMN``), so the name-search triggers of format 9 stay in place.

Revision ID: f0010
Revises: f0009
"""

import sqlalchemy as sa
from alembic import op

from emosign_desktop.storage.migrations.helpers import set_meta

revision = "f0010"
down_revision = "f0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``video.media_size`` and ``video.media_mtime`` (nullable, 64-bit)."""
    with op.batch_alter_table("video") as batch:
        batch.add_column(sa.Column("media_size", sa.BigInteger, nullable=True))
        batch.add_column(sa.Column("media_mtime", sa.BigInteger, nullable=True))
    set_meta("format_version", "10")
