"""Change sets: what one operation did to a project, as before- and after-images.

Every write the application makes is a :class:`ChangeSet` applied by the repository in one
transaction.  Undo applies its :meth:`ChangeSet.inverse`; redo applies it again.  Before
either, the repository checks that the project still holds the set's *before* images, so a
step is never applied over a value that something else (another operation, window or
process) changed since: it is refused, naming the field and both values.

Containers (annotators, videos, tiers) that an operation created are removed again by its
undo only while nothing else uses them; what another edit added to them is never lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from emosign_desktop.core.changes import Changes
from emosign_desktop.core.model import (
    Annotator,
    AnnotatorId,
    PredictedCue,
    Prediction,
    Segment,
    Tier,
    Video,
    VideoId,
)
from emosign_desktop.core.project_settings import setting_changes

Stamps = tuple[str, str]  # (created_at, updated_at)


@dataclass(frozen=True, slots=True)
class AnnotationEdit:
    """Fields of one annotator's annotation of one video, before and after.

    ``before`` and ``after`` hold only the fields the edit touched (schema names; an absent
    annotation reads as the schema's empty values).  ``existed``/``exists`` say whether the
    annotation row is there before/after: undoing the edit that created a row removes the
    row again if it is then empty.  ``after_stamp`` is the ``updated_at`` to write (None: the
    time of writing); ``before_stamp`` is the one to restore on undo.
    """

    video_id: VideoId
    annotator_id: AnnotatorId
    before: Mapping[str, object]
    after: Mapping[str, object]
    existed: bool = True
    exists: bool = True
    before_stamp: str | None = None
    after_stamp: str | None = None
    created_stamp: str | None = None

    @property
    def key(self) -> tuple[VideoId, AnnotatorId]:
        return self.video_id, self.annotator_id

    def inverse(self) -> AnnotationEdit:
        return AnnotationEdit(self.video_id, self.annotator_id, self.after, self.before,
                              self.exists, self.existed, self.after_stamp, self.before_stamp,
                              self.created_stamp)

    def then(self, later: AnnotationEdit) -> AnnotationEdit:
        before = {**{k: v for k, v in later.before.items() if k not in self.before},
                  **self.before}
        return AnnotationEdit(self.video_id, self.annotator_id, before,
                              {**self.after, **later.after}, self.existed, later.exists,
                              self.before_stamp, later.after_stamp,
                              self.created_stamp or later.created_stamp)


@dataclass(frozen=True, slots=True)
class SegmentEdit:
    """A segment before and after (None: absent), with its time stamps on each side."""

    before: Segment | None
    after: Segment | None
    before_stamps: Stamps | None = None
    after_stamps: Stamps | None = None

    @property
    def key(self) -> int:
        seg = self.after or self.before
        assert seg is not None
        return seg.id

    def inverse(self) -> SegmentEdit:
        return SegmentEdit(self.after, self.before, self.after_stamps, self.before_stamps)

    def then(self, later: SegmentEdit) -> SegmentEdit:
        return SegmentEdit(self.before, later.after, self.before_stamps, later.after_stamps)


_T = TypeVar("_T", Tier, Video, Annotator)


@dataclass(frozen=True)
class ContainerEdit(Generic[_T]):
    """A tier, video or annotator before and after (None: absent)."""

    before: _T | None
    after: _T | None

    @property
    def key(self) -> int:
        item = self.after or self.before
        assert item is not None
        return int(item.id)

    def inverse(self) -> ContainerEdit[_T]:
        return ContainerEdit(self.after, self.before)

    def then(self, later: ContainerEdit[_T]) -> ContainerEdit[_T]:
        return ContainerEdit(self.before, later.after)


TierEdit = ContainerEdit[Tier]
VideoEdit = ContainerEdit[Video]
AnnotatorEdit = ContainerEdit[Annotator]


@dataclass(frozen=True, slots=True)
class MergeRecord:
    """A merged pack's provenance row and the conflicts it logged."""

    id: int
    pack_sha256: str
    pack_name: str
    annotator: str
    source_project: str
    app_version: str
    pack_created_at: str
    merged_at: str
    summary: str
    conflicts: tuple[Mapping[str, object], ...] = ()


@dataclass(frozen=True, slots=True)
class MergeEdit:
    """A merge record added (undo removes it, so the pack can be merged again)."""

    before: MergeRecord | None
    after: MergeRecord | None

    @property
    def key(self) -> int:
        record = self.after or self.before
        assert record is not None
        return record.id

    def inverse(self) -> MergeEdit:
        return MergeEdit(self.after, self.before)

    def then(self, later: MergeEdit) -> MergeEdit:
        return MergeEdit(self.before, later.after)


@dataclass(frozen=True, slots=True)
class PredictionEdit:
    """A model's prediction for one video in one input setting, before and after."""

    before: Prediction | None
    after: Prediction | None

    @property
    def key(self) -> tuple[str, str, int]:
        p = self.after or self.before
        assert p is not None
        return p.model, p.input_setting, p.video_id

    def inverse(self) -> PredictionEdit:
        return PredictionEdit(self.after, self.before)

    def then(self, later: PredictionEdit) -> PredictionEdit:
        return PredictionEdit(self.before, later.after)


@dataclass(frozen=True, slots=True)
class PredictedCueEdit:
    """A model's predicted cue segment before and after (None: absent)."""

    before: PredictedCue | None
    after: PredictedCue | None

    @property
    def key(self) -> int:
        cue = self.after or self.before
        assert cue is not None
        return cue.id

    def inverse(self) -> PredictedCueEdit:
        return PredictedCueEdit(self.after, self.before)

    def then(self, later: PredictedCueEdit) -> PredictedCueEdit:
        return PredictedCueEdit(self.before, later.after)


@dataclass(frozen=True, slots=True)
class MetaEdit:
    """A project setting (e.g. the label schema, as JSON) before and after."""

    name: str
    before: str | None
    after: str | None

    @property
    def key(self) -> str:
        return self.name

    def inverse(self) -> MetaEdit:
        return MetaEdit(self.name, self.after, self.before)

    def then(self, later: MetaEdit) -> MetaEdit:
        return MetaEdit(self.name, self.before, later.after)


_E = TypeVar("_E", AnnotationEdit, SegmentEdit, TierEdit, VideoEdit, AnnotatorEdit, MergeEdit,
             PredictionEdit, PredictedCueEdit, MetaEdit)


def _compose(*parts: Iterable[_E]) -> tuple[_E, ...]:
    """The edits of ``parts`` one after the other: one edit per target, from the first
    before-image to the last after-image; targets that end as they began are dropped."""
    out: dict[object, _E] = {}
    for part in parts:
        for edit in part:
            key = edit.key
            out[key] = out[key].then(edit) if key in out else edit
    return tuple(e for e in out.values() if not _is_noop(e))


def _is_noop(edit: object) -> bool:
    if isinstance(edit, AnnotationEdit):
        return (dict(edit.before) == dict(edit.after) and edit.existed == edit.exists)
    return getattr(edit, "before", 0) is None and getattr(edit, "after", 0) is None


@dataclass(frozen=True)
class ChangeSet:
    """Everything one operation changed, applied (and undone) in one transaction.

    ``log`` replaces the per-field lines of the edit log by one line (bulk operations).
    """

    annotators: tuple[AnnotatorEdit, ...] = ()
    videos: tuple[VideoEdit, ...] = ()
    tiers: tuple[TierEdit, ...] = ()
    merges: tuple[MergeEdit, ...] = ()
    annotations: tuple[AnnotationEdit, ...] = ()
    segments: tuple[SegmentEdit, ...] = ()
    predictions: tuple[PredictionEdit, ...] = ()
    meta: tuple[MetaEdit, ...] = ()
    predicted_cues: tuple[PredictedCueEdit, ...] = ()
    log: str = ""
    extra: Mapping[str, object] = field(default_factory=dict, compare=False)

    def __bool__(self) -> bool:
        return self.size > 0

    @property
    def size(self) -> int:
        """How many rows (annotations, segments, containers) the set touches."""
        return (len(self.annotators) + len(self.videos) + len(self.tiers) + len(self.merges)
                + len(self.annotations) + len(self.segments) + len(self.predictions)
                + len(self.meta) + len(self.predicted_cues))

    def inverse(self) -> ChangeSet:
        """The set that takes the project back from the after- to the before-images."""
        return ChangeSet(
            tuple(e.inverse() for e in self.annotators),
            tuple(e.inverse() for e in self.videos),
            tuple(e.inverse() for e in self.tiers),
            tuple(e.inverse() for e in self.merges),
            tuple(e.inverse() for e in self.annotations),
            tuple(e.inverse() for e in self.segments),
            tuple(e.inverse() for e in self.predictions),
            tuple(e.inverse() for e in self.meta),
            tuple(e.inverse() for e in self.predicted_cues),
            f"undo: {self.log}" if self.log else "",
        )

    def then(self, later: ChangeSet) -> ChangeSet:
        """This set followed by ``later``, as one set (typing merged into one undo step)."""
        return ChangeSet.sequence([self, later])

    @staticmethod
    def sequence(sets: Sequence[ChangeSet]) -> ChangeSet:
        """The sets one after the other, as one set."""
        if len(sets) == 1:
            return sets[0]
        return ChangeSet(
            _compose(*(s.annotators for s in sets)),
            _compose(*(s.videos for s in sets)),
            _compose(*(s.tiers for s in sets)),
            _compose(*(s.merges for s in sets)),
            _compose(*(s.annotations for s in sets)),
            _compose(*(s.segments for s in sets)),
            _compose(*(s.predictions for s in sets)),
            _compose(*(s.meta for s in sets)),
            _compose(*(s.predicted_cues for s in sets)),
            "; ".join(s.log for s in sets if s.log),
        )

    def changes(self) -> Changes:
        """What views showing this project need to refresh."""
        segments = [seg for s in self.segments for seg in (s.before, s.after) if seg is not None]
        found = Changes(
            annotations=frozenset(e.key for e in self.annotations),
            segments_of=frozenset(seg.video_id for seg in segments),
            segment_tiers=frozenset(seg.tier_id for seg in segments),
            tiers=bool(self.tiers),
            videos=bool(self.videos),
            annotators=bool(self.annotators),
            merges=bool(self.merges),
            predictions=bool(self.predictions or self.predicted_cues),
        )
        for edit in self.meta:  # each setting says what it is (gold, blind mode...)
            found |= setting_changes(edit.name)
        return found
