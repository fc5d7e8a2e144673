"""Table definitions of the newest project format (the migrations build the same shape)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String, primary_key=True),
    Column("value", Text, nullable=False),
)

video = Table(
    "video",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String, nullable=False, unique=True),
    Column("media_path", Text),
    Column("fingerprint", String, index=True),
    Column("fps", Float),
    Column("frame_count", Integer),
    Column("width", Integer),
    Column("height", Integer),
    Column("duration", Float),
    Column("codec", String),
    Column("added_at", String, nullable=False),
    # format 4: frames the container declares when fewer can be decoded (NULL: the same)
    Column("declared_frames", Integer),
    # format 10: the media file's size (bytes) and modification time (ns since the epoch)
    # when a check last found it to match the fingerprint (NULL: not checked since the
    # media was linked or its fingerprint changed; the next check reads the file)
    Column("media_size", BigInteger),
    Column("media_mtime", BigInteger),
)

annotator = Table(
    "annotator",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String, nullable=False, unique=True),
    Column("kind", String, nullable=False, server_default="human"),
)

video_annotation = Table(
    "video_annotation",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("video_id", Integer, ForeignKey("video.id", ondelete="CASCADE"), nullable=False),
    Column("annotator_id", Integer, ForeignKey("annotator.id", ondelete="CASCADE"), nullable=False),
    Column("sentiment", Integer),
    Column("sentiment_confidence", Integer),
    Column("emotion_confidence", Integer),
    Column("cues", Text, nullable=False, server_default=""),
    Column("skipped", Boolean, nullable=False, server_default="0"),
    Column("skip_reason", Text, nullable=False, server_default=""),
    Column("created_at", String, nullable=False),
    Column("updated_at", String, nullable=False),
    # format 7: grows with every write (a client's view of the row is stale when it differs)
    Column("version", Integer, nullable=False, server_default="1"),
    UniqueConstraint("video_id", "annotator_id"),
    CheckConstraint("sentiment_confidence BETWEEN 0 AND 100", name="sentiment_confidence_range"),
    CheckConstraint("emotion_confidence BETWEEN 0 AND 100", name="emotion_confidence_range"),
)

emotion_rating = Table(
    "emotion_rating",
    metadata,
    Column(
        "annotation_id",
        Integer,
        ForeignKey("video_annotation.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("emotion", String, primary_key=True),
    Column("value", Integer, nullable=False),
    sqlite_with_rowid=False,  # format 3
)

tier = Table(
    "tier",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String, nullable=False, unique=True),
    Column("kind", String, nullable=False),
    Column("vocabulary", Text, nullable=False, server_default="[]"),  # JSON list
    Column("position", Integer, nullable=False, server_default="0"),
    # format 6: reference tiers from other tools
    Column("read_only", Boolean, nullable=False, server_default="0"),
    Column("grp", Text, nullable=False, server_default=""),
    Column("parent_id", Integer),
    Column("source", Text, nullable=False, server_default=""),
    Column("version", Integer, nullable=False, server_default="1"),  # format 7
    # format 11: what the files a reference tier came from say of it (JSON, per file)
    Column("origin", Text, nullable=False, server_default=""),
)

segment = Table(
    "segment",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "video_id", Integer, ForeignKey("video.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("annotator_id", Integer, ForeignKey("annotator.id", ondelete="CASCADE"), nullable=False),
    Column("tier_id", Integer, ForeignKey("tier.id", ondelete="CASCADE"), nullable=False),
    Column("start_frame", Integer, nullable=False),
    Column("end_frame", Integer, nullable=False),
    Column("value", Text, nullable=False, server_default=""),
    Column("note", Text, nullable=False, server_default=""),
    Column("region_x", Float),
    Column("region_y", Float),
    Column("region_w", Float),
    Column("region_h", Float),
    Column("created_at", String, nullable=False),
    Column("updated_at", String, nullable=False),
    Column("uid", String, unique=True),  # format 3: identifies a segment across packs
    Column("attributes", Text, nullable=False, server_default=""),  # format 6: JSON object
    Column("source", Text, nullable=False, server_default="", index=True),  # format 6
    Column("version", Integer, nullable=False, server_default="1"),  # format 7
    CheckConstraint("start_frame >= 0 AND end_frame >= start_frame", name="segment_frames"),
)

prediction = Table(
    "prediction",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("model", String, nullable=False),
    Column("input_setting", String, nullable=False),
    Column("video_id", Integer, ForeignKey("video.id", ondelete="CASCADE"), nullable=False),
    Column("sentiment", Integer),
    Column("emotion", String),
    Column("raw_text", Text, nullable=False, server_default=""),  # the model's reasoning
    Column("intensities", Text),  # format 5: JSON {emotion: 0..3}, when given
    UniqueConstraint("model", "input_setting", "video_id"),
)

# Format 5: cue segments that models predict (scored against the human segments of a tier).
predicted_cue = Table(
    "predicted_cue",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("model", String, nullable=False),
    Column("input_setting", String, nullable=False),
    Column("video_id", Integer, ForeignKey("video.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("start_frame", Integer, nullable=False),
    Column("end_frame", Integer, nullable=False),
    Column("label", Text, nullable=False, server_default=""),
    Column("region_x", Float),
    Column("region_y", Float),
    Column("region_w", Float),
    Column("region_h", Float),
    CheckConstraint("start_frame >= 0 AND end_frame >= start_frame",
                    name="predicted_cue_frames"),
)

# Added in format 2: an append-only journal of every edit (who, when, what, before, after).
edit_log = Table(
    "edit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", String, nullable=False),
    Column("annotator_id", Integer),
    Column("video_id", Integer),
    Column("target", String, nullable=False),
    Column("field", String, nullable=False),
    Column("old_value", Text),
    Column("new_value", Text),
    Column("client", String),  # format 7: the client that wrote it (polling skips its own)
)

# Format 3: merges of annotator packs, with provenance, and the losers of conflicts.
pack_merge = Table(
    "pack_merge",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("pack_sha256", String, nullable=False, unique=True),
    Column("pack_name", String, nullable=False),
    Column("annotator", String, nullable=False),
    Column("source_project", String, nullable=False),
    Column("app_version", String, nullable=False),
    Column("pack_created_at", String, nullable=False),
    Column("merged_at", String, nullable=False),
    Column("summary", Text, nullable=False),
)

merge_conflict = Table(
    "merge_conflict",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("merge_id", Integer, ForeignKey("pack_merge.id", ondelete="CASCADE"), nullable=False),
    Column("annotator", String, nullable=False),
    Column("video", String, nullable=False),
    Column("item", String, nullable=False),
    Column("kept", Text, nullable=False),
    Column("discarded", Text, nullable=False),
    Column("kept_updated_at", String, nullable=False),
    Column("discarded_updated_at", String, nullable=False),
)

# Format 8: time on task, active seconds per video and annotator (a measurement, kept apart
# from the labels: it is added to, never edited, so it has no version and no undo).  The
# annotator is a name: time counts from before their first edit and survives its undo.
activity = Table(
    "activity",
    metadata,
    Column("video_id", Integer, ForeignKey("video.id", ondelete="CASCADE"), primary_key=True),
    Column("annotator", String, primary_key=True),
    Column("seconds", Float, nullable=False, server_default="0"),
    Column("updated_at", String, nullable=False),
    CheckConstraint("seconds >= 0", name="activity_seconds"),
)
