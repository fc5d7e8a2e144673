"""Project format 1: videos, annotators, video annotations, emotion ratings, tiers, segments,
predictions.

Revision ID: f0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from emosign_desktop.storage.migrations.helpers import set_meta

revision = "f0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables of format 1."""
    op.create_table(
        "meta",
        sa.Column("key", sa.String, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "video",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String, nullable=False, unique=True),
        sa.Column("media_path", sa.Text),
        sa.Column("fingerprint", sa.String, index=True),
        sa.Column("fps", sa.Float),
        sa.Column("frame_count", sa.Integer),
        sa.Column("width", sa.Integer),
        sa.Column("height", sa.Integer),
        sa.Column("duration", sa.Float),
        sa.Column("codec", sa.String),
        sa.Column("added_at", sa.String, nullable=False),
    )
    op.create_table(
        "annotator",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String, nullable=False, unique=True),
        sa.Column("kind", sa.String, nullable=False, server_default="human"),
    )
    op.create_table(
        "video_annotation",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "video_id", sa.Integer, sa.ForeignKey("video.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "annotator_id",
            sa.Integer,
            sa.ForeignKey("annotator.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("sentiment", sa.Integer),
        sa.Column("sentiment_confidence", sa.Integer),
        sa.Column("emotion_confidence", sa.Integer),
        sa.Column("cues", sa.Text, nullable=False, server_default=""),
        sa.Column("skipped", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("skip_reason", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.String, nullable=False),
        sa.Column("updated_at", sa.String, nullable=False),
        sa.UniqueConstraint("video_id", "annotator_id"),
        sa.CheckConstraint(
            "sentiment_confidence BETWEEN 0 AND 100", name="sentiment_confidence_range"
        ),
        sa.CheckConstraint("emotion_confidence BETWEEN 0 AND 100", name="emotion_confidence_range"),
    )
    op.create_table(
        "emotion_rating",
        sa.Column(
            "annotation_id",
            sa.Integer,
            sa.ForeignKey("video_annotation.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("emotion", sa.String, primary_key=True),
        sa.Column("value", sa.Integer, nullable=False),
    )
    op.create_table(
        "tier",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String, nullable=False, unique=True),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("vocabulary", sa.Text, nullable=False, server_default="[]"),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "segment",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "video_id",
            sa.Integer,
            sa.ForeignKey("video.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column(
            "annotator_id",
            sa.Integer,
            sa.ForeignKey("annotator.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "tier_id", sa.Integer, sa.ForeignKey("tier.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("start_frame", sa.Integer, nullable=False),
        sa.Column("end_frame", sa.Integer, nullable=False),
        sa.Column("value", sa.Text, nullable=False, server_default=""),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("region_x", sa.Float),
        sa.Column("region_y", sa.Float),
        sa.Column("region_w", sa.Float),
        sa.Column("region_h", sa.Float),
        sa.Column("created_at", sa.String, nullable=False),
        sa.Column("updated_at", sa.String, nullable=False),
        sa.CheckConstraint("start_frame >= 0 AND end_frame >= start_frame", name="segment_frames"),
    )
    op.create_table(
        "prediction",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("model", sa.String, nullable=False),
        sa.Column("input_setting", sa.String, nullable=False),
        sa.Column(
            "video_id", sa.Integer, sa.ForeignKey("video.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("sentiment", sa.Integer),
        sa.Column("emotion", sa.String),
        sa.Column("raw_text", sa.Text, nullable=False, server_default=""),
        sa.UniqueConstraint("model", "input_setting", "video_id"),
    )
    set_meta("format_version", "1")
