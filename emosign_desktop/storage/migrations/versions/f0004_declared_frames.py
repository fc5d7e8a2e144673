"""Project format 4: the frames a video's container declares.

A file cut short declares more frames than can be decoded; the project keeps that count
beside the frames used (NULL: unknown, or no more than the frames used), so the app can mark
the video.

Revision ID: f0004
Revises: f0003
"""

import sqlalchemy as sa
from alembic import op

from emosign_desktop.storage.migrations.helpers import set_meta

revision = "f0004"
down_revision = "f0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``video.declared_frames`` (nullable: existing videos stay NULL)."""
    with op.batch_alter_table("video") as batch:
        batch.add_column(sa.Column("declared_frames", sa.Integer, nullable=True))
    set_meta("format_version", "4")
