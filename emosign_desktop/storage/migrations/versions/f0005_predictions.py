"""Project format 5: model predictions with the ten emotion intensities, and the cue segments
models predict.

``prediction`` gains ``intensities`` (JSON, nullable); ``raw_text`` keeps the model's
reasoning.  ``predicted_cue`` holds predicted cue segments (frames, label, optional region).

Revision ID: f0005
Revises: f0004
"""

import sqlalchemy as sa
from alembic import op

from emosign_desktop.storage.migrations.helpers import set_meta

revision = "f0005"
down_revision = "f0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``prediction.intensities`` and the ``predicted_cue`` table."""
    with op.batch_alter_table("prediction") as batch:
        batch.add_column(sa.Column("intensities", sa.Text, nullable=True))
    op.create_index("ix_prediction_run", "prediction", ["model", "input_setting"])
    op.create_table(
        "predicted_cue",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("model", sa.String, nullable=False),
        sa.Column("input_setting", sa.String, nullable=False),
        sa.Column("video_id", sa.Integer, sa.ForeignKey("video.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("start_frame", sa.Integer, nullable=False),
        sa.Column("end_frame", sa.Integer, nullable=False),
        sa.Column("label", sa.Text, nullable=False, server_default=""),
        sa.Column("region_x", sa.Float),
        sa.Column("region_y", sa.Float),
        sa.Column("region_w", sa.Float),
        sa.Column("region_h", sa.Float),
        sa.CheckConstraint("start_frame >= 0 AND end_frame >= start_frame",
                           name="predicted_cue_frames"),
    )
    op.create_index("ix_predicted_cue_run", "predicted_cue", ["model", "input_setting"])
    op.create_index("ix_predicted_cue_video", "predicted_cue", ["video_id"])
    set_meta("format_version", "5")
