"""Project format 6: reference tiers from other tools (ELAN, SignStream).

``tier`` gains ``read_only``, ``grp`` (the group it is shown under), ``parent_id`` (the tier
it depends on) and ``source`` (the file it came from); ``segment`` gains ``attributes``
(JSON: e.g. SignStream's onset/offset phases) and ``source``.

Revision ID: f0006
Revises: f0005
"""

import sqlalchemy as sa
from alembic import op

from emosign_desktop.storage.migrations.helpers import set_meta

revision = "f0006"
down_revision = "f0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the reference-tier columns (existing tiers and segments are our own)."""
    with op.batch_alter_table("tier") as batch:
        batch.add_column(sa.Column("read_only", sa.Boolean, nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("grp", sa.Text, nullable=False, server_default=""))
        batch.add_column(sa.Column("parent_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("source", sa.Text, nullable=False, server_default=""))
    with op.batch_alter_table("segment") as batch:
        batch.add_column(sa.Column("attributes", sa.Text, nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("source", sa.Text, nullable=False, server_default=""))
    op.create_index("ix_segment_source", "segment", ["source"])
    set_meta("format_version", "6")
