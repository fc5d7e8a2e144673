"""Project format 8: time on task.

A new table ``activity`` holds, per video and annotator (by name: time counts from before an
annotator's first edit), the seconds they were active on the video (the video selected, the
window active, input in the last minute).

Revision ID: f0008
Revises: f0007
"""

import sqlalchemy as sa
from alembic import op

from emosign_desktop.storage.migrations.helpers import set_meta

revision = "f0008"
down_revision = "f0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the activity table."""
    op.create_table(
        "activity",
        sa.Column("video_id", sa.Integer, sa.ForeignKey("video.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("annotator", sa.String, primary_key=True),
        sa.Column("seconds", sa.Float, nullable=False, server_default="0"),
        sa.Column("updated_at", sa.String, nullable=False),
        sa.CheckConstraint("seconds >= 0", name="activity_seconds"),
    )
    set_meta("format_version", "8")
