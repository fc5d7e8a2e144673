"""Project format 2: an append-only edit log (who changed what, when, from what to what).

Revision ID: f0002
Revises: f0001
"""

import sqlalchemy as sa
from alembic import op

from emosign_desktop.storage.migrations.helpers import set_meta

revision = "f0002"
down_revision = "f0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the edit log."""
    op.create_table(
        "edit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.String, nullable=False),
        sa.Column("annotator_id", sa.Integer),
        sa.Column("video_id", sa.Integer),
        sa.Column("target", sa.String, nullable=False),
        sa.Column("field", sa.String, nullable=False),
        sa.Column("old_value", sa.Text),
        sa.Column("new_value", sa.Text),
    )
    set_meta("format_version", "2")
