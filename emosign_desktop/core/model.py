"""Domain dataclasses returned by storage and used everywhere else (frozen, no ORM objects)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NewType

from emosign_desktop.core.errors import LabelValidationError
from emosign_desktop.core.schema import LabelSchema

VideoId = NewType("VideoId", int)
AnnotatorId = NewType("AnnotatorId", int)
TierId = NewType("TierId", int)
SegmentId = NewType("SegmentId", int)

#: Annotators created by ``import-csv`` of the released file; never real raters.
CONSENSUS_ANNOTATOR = "emosign-consensus"
REASONING_ANNOTATORS = ("reasoning-1", "reasoning-2", "reasoning-3")


class AnnotatorKind(enum.StrEnum):
    """Whether an annotator is a person or a name made by an import."""

    HUMAN = "human"
    IMPORTED = "imported"


class AnnotationStatus(enum.StrEnum):
    """Where one annotator stands on one video."""

    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    DONE = "done"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class MediaInfo:
    """What a probe of a video file found.

    ``frame_count`` is the number of frames that can be decoded (frames 0..n-1 are used);
    ``declared_frames`` is the number the container declares when it is more than that (a
    file cut short or damaged at its end), None when unknown or the same.
    """

    fps: float
    frame_count: int
    width: int
    height: int
    duration: float
    codec: str
    declared_frames: int | None = None

    @property
    def short_by(self) -> int:
        """Frames the container declares that cannot be decoded (0 for a whole file)."""
        if self.declared_frames is None:
            return 0
        return max(0, self.declared_frames - self.frame_count)

    @property
    def is_truncated(self) -> bool:
        """True when the container declares frames that cannot be decoded."""
        return self.short_by > 0


@dataclass(frozen=True)
class Video:
    """A video of the project; it may exist by name only, with its media linked later."""

    id: VideoId
    name: str
    media_path: str | None = None  # relative to the project folder where possible
    fingerprint: str | None = None
    media: MediaInfo | None = None

    @property
    def has_media(self) -> bool:
        """True when a media file has been linked."""
        return self.media_path is not None


@dataclass(frozen=True)
class Annotator:
    """A person (or an import) who gives labels."""

    id: AnnotatorId
    name: str
    kind: AnnotatorKind = AnnotatorKind.HUMAN


@dataclass(frozen=True)
class VideoAnnotation:
    """One annotator's labels for one video (protocol scales; None = not rated yet)."""

    video_id: VideoId
    annotator_id: AnnotatorId
    sentiment: int | None = None
    emotions: Mapping[str, int] = field(default_factory=dict)
    sentiment_confidence: int | None = None
    emotion_confidence: int | None = None
    cues: str = ""
    skipped: bool = False
    skip_reason: str = ""
    created_at: str = ""
    updated_at: str = ""

    def value(self, name: str) -> object:
        """The value of a field by its schema name (emotion keys included)."""
        if name in self.emotions:
            return self.emotions[name]
        if hasattr(self, name) and name not in ("video_id", "annotator_id", "emotions"):
            return getattr(self, name)
        return None

    def status(self, schema: LabelSchema) -> AnnotationStatus:
        """Not started, in progress, done (sentiment and every emotion rated) or skipped."""
        if self.skipped:
            return AnnotationStatus.SKIPPED
        rated = [self.sentiment, *(self.emotions.get(k) for k in schema.emotion_keys)]
        if all(v is not None for v in rated):
            return AnnotationStatus.DONE
        if any(v is not None for v in rated) or self.cues:
            return AnnotationStatus.IN_PROGRESS
        return AnnotationStatus.NOT_STARTED


@dataclass(frozen=True)
class Region:
    """A rectangle on the picture in 0..1 image coordinates (x, y is the top-left corner)."""

    x: float
    y: float
    w: float
    h: float

    def __post_init__(self) -> None:
        for name in ("x", "y", "w", "h"):
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                raise LabelValidationError(f"region {name} must be within 0..1 (got {v})")
        if self.w <= 0 or self.h <= 0:
            raise LabelValidationError("a region needs a width and a height above 0")
        if self.x + self.w > 1.0 + 1e-9 or self.y + self.h > 1.0 + 1e-9:
            raise LabelValidationError("a region must lie inside the picture")


class TierKind(enum.StrEnum):
    """What a tier annotates."""

    FACIAL_GRAMMAR = "facial_grammar"
    EMOTION_CUE = "emotion_cue"
    FREE = "free"


@dataclass(frozen=True)
class Tier:
    """A named track of time segments with an optional controlled vocabulary.

    A *reference* tier comes from another tool (an ELAN file's own tiers, SignStream's
    coding scheme): ``read_only``, shown beside ours under its ``group`` (e.g. "Facial
    grammar (reference)"), under its ``parent`` tier when it depends on one, and its
    ``source`` names the file it came from (importing that file again replaces it).
    ``origin`` keeps what the files it came from say of it (JSON: per file, e.g. an ELAN
    tier's linguistic type and vocabulary), so it can be written back as it came.
    """

    id: TierId
    name: str
    kind: TierKind = TierKind.FREE
    vocabulary: tuple[str, ...] = ()
    read_only: bool = False
    group: str = ""
    parent_id: TierId | None = None
    source: str = ""
    origin: str = ""


@dataclass(frozen=True)
class Segment:
    """A span of frames ``start_frame..end_frame`` (inclusive) on a tier, by one annotator."""

    id: SegmentId
    video_id: VideoId
    annotator_id: AnnotatorId
    tier_id: TierId
    start_frame: int
    end_frame: int
    value: str = ""
    note: str = ""
    region: Region | None = None
    uid: str = ""  # stable across projects and packs (given when stored)
    #: Extra facts from another tool, e.g. (("phase", "onset"),) from SignStream.
    attributes: tuple[tuple[str, str], ...] = ()
    source: str = ""  # the file an import took it from ("" when made here)


def check_frames(start_frame: int, end_frame: int) -> None:
    """Refuse a span that is negative or ends before it starts."""
    if start_frame < 0 or end_frame < start_frame:
        raise LabelValidationError(
            f"a segment needs 0 <= start frame <= end frame (got {start_frame}..{end_frame})"
        )


#: The input settings a model can be run in (the paper's three).
INPUT_SETTINGS = ("video", "caption", "video+caption")


@dataclass(frozen=True)
class Prediction:
    """A model's answer for one video in one input setting (video, caption, video+caption):
    a sentiment (-3..+3), and an emotion label (``happiness``, ``neutral``...) or the ten
    emotion intensities (protocol scale 0..3), and its reasoning text.  Data beside the
    annotations: never anyone's labels."""

    model: str
    input_setting: str
    video_id: VideoId
    sentiment: int | None = None
    emotion: str | None = None
    reasoning: str = ""
    intensities: Mapping[str, int] | None = None

    @property
    def run(self) -> tuple[str, str]:
        """(model, input setting): one imported run."""
        return self.model, self.input_setting


@dataclass(frozen=True)
class PredictedCue:
    """A cue segment a model predicts (frames ``start_frame..end_frame``, inclusive), with an
    optional region on the picture (0..1 image coordinates)."""

    id: int
    model: str
    input_setting: str
    video_id: VideoId
    start_frame: int
    end_frame: int
    label: str = ""
    region: Region | None = None
