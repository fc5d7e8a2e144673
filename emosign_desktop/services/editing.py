"""Label, segment and tier edits: each one validated, built as a change set from the project
as it is, committed, named on the undo stack and announced (the write path)."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Hashable, Mapping

from emosign_desktop.core.changes import Changes
from emosign_desktop.core.changeset import ChangeSet, SegmentEdit, TierEdit
from emosign_desktop.core.errors import LabelValidationError, ProjectError
from emosign_desktop.core.model import (
    Region,
    Segment,
    SegmentId,
    Tier,
    TierId,
    TierKind,
    VideoId,
    check_frames,
)
from emosign_desktop.core.schema import CUES, SKIP_REASON, SKIPPED, LabelSchema
from emosign_desktop.core.undo import UndoStack
from emosign_desktop.services.building import NewIds, annotation_edit, find_or_add_annotator
from emosign_desktop.services.write_path import Listener, WritePath
from emosign_desktop.storage.repository import Repository


def label_name(field: str, value: object) -> str:
    """How the Edit menu names setting ``field`` to ``value`` ("joy = 2")."""
    if field == CUES:
        return "edit cues"
    if field == SKIP_REASON:
        return "edit skip reason"
    if field == SKIPPED:
        return "skip video" if value else "unskip video"
    return f"{field} = {'cleared' if value is None else value}"


class EditingService:
    """The annotator's edits on one open project."""

    def __init__(self, writer: WritePath) -> None:
        self.writer = writer

    @property
    def _repo(self) -> Repository:
        return self.writer._repo

    @property
    def schema(self) -> LabelSchema:
        return self.writer._repo.schema

    @property
    def undo_stack(self) -> UndoStack | None:
        return self.writer.undo_stack

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(changes)`` after every edit, undo and redo."""
        self.writer.subscribe(listener)

    # -- labels ---------------------------------------------------------------------------
    def set_label(self, video_id: VideoId, annotator: str, field: str, value: object) -> Changes:
        """Set one field of ``annotator``'s annotation of a video ("joy" = 2), undoably.

        Consecutive edits of the cue text (or skip reason) merge into one undo step, so
        typing a sentence is undone at once.
        """
        merge = (field, video_id, annotator) if field in (CUES, SKIP_REASON) else None
        return self.set_labels(video_id, annotator, {field: value},
                               label_name(field, value), merge)

    def set_labels(self, video_id: VideoId, annotator: str, values: Mapping[str, object],
                   label: str = "", merge_key: Hashable | None = None) -> Changes:
        """Set several fields of one annotation as one step."""
        checked = {f: self.schema.validate(f, v) for f, v in values.items()}

        def build(repo: Repository) -> ChangeSet:
            who, created = find_or_add_annotator(repo, annotator, NewIds(repo))
            key = (video_id, who.id)
            edit = annotation_edit(key, repo.stored_annotations([key]), checked,
                                   self.schema.empty_values())
            if edit is None:
                return ChangeSet()
            return ChangeSet(annotators=created, annotations=(edit,))

        name = label or ", ".join(label_name(f, v) for f, v in checked.items())
        return self.writer.run(name, build, merge_key).changes()

    def set_skipped(self, video_id: VideoId, annotator: str, skipped: bool,
                    reason: str = "") -> Changes:
        """Skip (with a reason) or unskip a video, as one undo step."""
        values: dict[str, object] = {SKIPPED: skipped}
        if skipped:
            values[SKIP_REASON] = reason
        return self.set_labels(video_id, annotator, values, label_name(SKIPPED, skipped))

    # -- segments -------------------------------------------------------------------------
    def _check_segment(self, repo: Repository, seg: Segment) -> None:
        check_frames(seg.start_frame, seg.end_frame)
        tier = repo.tier(seg.tier_id)
        if tier.read_only:
            raise LabelValidationError(f"tier '{tier.name}' is a reference tier (from "
                                       f"{tier.source or 'another tool'}): it is read-only")
        if tier.vocabulary and seg.value and seg.value not in tier.vocabulary:
            raise LabelValidationError(
                f"'{seg.value}' is not in the vocabulary of tier '{tier.name}'")

    def add_segment(self, video_id: VideoId, annotator: str, tier_id: TierId, start: int,
                    end: int, value: str = "", note: str = "",
                    region: Region | None = None,
                    attributes: tuple[tuple[str, str], ...] = (),
                    label: str = "") -> Segment:
        """Create a segment of frames ``start..end``; undo deletes it, redo restores it.
        ``attributes`` keep where it came from (e.g. the proposal it was accepted from)."""
        made: list[Segment] = []

        def build(repo: Repository) -> ChangeSet:
            ids = NewIds(repo)
            who, created = find_or_add_annotator(repo, annotator, ids)
            seg = Segment(SegmentId(ids("segment")), video_id, who.id, tier_id, start, end,
                          value, note, region, uuid.uuid4().hex, tuple(sorted(attributes)))
            self._check_segment(repo, seg)
            made.append(seg)
            return ChangeSet(annotators=created, segments=(SegmentEdit(None, seg),))

        label = label or f"add segment {value} {start}-{end}".replace("  ", " ")
        self.writer.run(label, build)
        return made[0]

    def update_segment(self, seg: Segment, label: str = "edit segment") -> Changes:
        """Change a segment (frames, value, note, region)."""
        def build(repo: Repository) -> ChangeSet:
            old = repo.segment(seg.id)
            if old == seg:
                return ChangeSet()
            if (old.video_id, old.annotator_id, old.uid) != (seg.video_id, seg.annotator_id,
                                                             seg.uid):
                raise ProjectError("a segment keeps its video, annotator and identity")
            self._check_segment(repo, seg)
            return ChangeSet(segments=(SegmentEdit(old, seg, repo.segment_times(old.id)),))

        return self.writer.run(label, build).changes()

    def delete_segment(self, segment_id: SegmentId) -> Changes:
        """Delete a segment; undo restores it with the same id and times."""
        def build(repo: Repository) -> ChangeSet:
            old = repo.segment(segment_id)
            tier = repo.tier(old.tier_id)
            if tier.read_only:
                raise LabelValidationError(f"tier '{tier.name}' is a reference tier: its "
                                           "segments are read-only")
            return ChangeSet(segments=(SegmentEdit(old, None, repo.segment_times(old.id)),))

        old = self._repo.segment(segment_id)
        return self.writer.run(f"delete segment {old.value}".strip(), build).changes()

    # -- tiers ----------------------------------------------------------------------------
    def add_tier(self, name: str, kind: TierKind = TierKind.FREE,
                 vocabulary: tuple[str, ...] = ()) -> Tier:
        """Create a tier with a unique name (undo removes it while no segment uses it)."""
        name = name.strip()
        made: list[Tier] = []

        def build(repo: Repository) -> ChangeSet:
            self._check_tier_name(repo, name, None)
            tier = Tier(TierId(NewIds(repo)("tier")), name, kind, tuple(vocabulary))
            made.append(tier)
            return ChangeSet(tiers=(TierEdit(None, tier),))

        self.writer.run(f"add tier {name}", build)
        return made[0]

    @staticmethod
    def _check_tier_name(repo: Repository, name: str, tier_id: TierId | None) -> None:
        if not name:
            raise ProjectError("a tier needs a name")
        if any(t.name == name and t.id != tier_id for t in repo.tiers()):
            raise ProjectError(f"the project already has a tier named '{name}'")

    def update_tier(self, tier: Tier) -> Changes:
        """Rename a tier or edit its vocabulary, undoably; refused if it would drop a value
        that segments use."""
        tier = dataclasses.replace(tier, name=tier.name.strip())

        def build(repo: Repository) -> ChangeSet:
            old = repo.tier(tier.id)
            if old == tier:
                return ChangeSet()
            if old.read_only:
                raise LabelValidationError(f"tier '{old.name}' is a reference tier (from "
                                           f"{old.source or 'another tool'}): it is read-only")
            self._check_tier_name(repo, tier.name, tier.id)
            if tier.vocabulary:
                used = {s.value for s in repo.segments(tier_id=tier.id) if s.value}
                missing = used - set(tier.vocabulary)
                if missing:
                    raise LabelValidationError(
                        f"segments of tier '{old.name}' use {', '.join(sorted(missing))}: "
                        "keep those values in the vocabulary")
            return ChangeSet(tiers=(TierEdit(old, tier),))

        return self.writer.run(f"edit tier {tier.name}", build).changes()

    def rename_tier(self, tier_id: TierId, name: str) -> Changes:
        """Convenience: rename a tier."""
        return self.update_tier(dataclasses.replace(self._repo.tier(tier_id), name=name))

    # -- undo -----------------------------------------------------------------------------
    def undo(self) -> Changes | None:
        """Revert the newest step; returns what changed (None if nothing to undo)."""
        return self.writer.undo()

    def redo(self) -> Changes | None:
        """Apply the newest undone step again."""
        return self.writer.redo()
