"""The editing service: every write the app makes goes through here, is validated,
committed before the call returns, attributed, and pushed on the core undo stack."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from emosign_desktop.core.changes import Changes
from emosign_desktop.core.model import (
    AnnotatorId,
    Segment,
    SegmentId,
    Tier,
    TierKind,
    VideoId,
)
from emosign_desktop.core.schema import CUES, SKIP_REASON, SKIPPED
from emosign_desktop.core.undo import Command, UndoStack
from emosign_desktop.storage.repository import Repository

Listener = Callable[[Changes], None]


class EditingService:
    """Label, segment and tier edits for one open project."""

    def __init__(self, repo: Repository, undo_stack: UndoStack | None = None) -> None:
        self.repo = repo
        self.undo_stack = undo_stack or UndoStack()
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(changes)`` after every edit, undo and redo."""
        self._listeners.append(listener)

    def _emit(self, changes: Changes) -> Changes:
        for listener in list(self._listeners):
            listener(changes)
        return changes

    def _run(self, command: Command) -> Changes:
        command.redo()
        self.undo_stack.push(command)
        return self._emit(command.changes)  # type: ignore[arg-type]

    # -- labels ---------------------------------------------------------------------------
    def set_label(
        self, video_id: VideoId, annotator_id: AnnotatorId, field: str, value: object
    ) -> Changes:
        """Set one field of an annotation ("joy" = 2, "cues" = text...), undoably.

        Consecutive edits of the cue text (or skip reason) merge into one undo step,
        so typing a sentence is undone at once.
        """
        value = self.repo.schema.validate(field, value)
        current = self.repo.annotation(video_id, annotator_id)
        old = current.value(field) if current else self.repo.schema.empty_value(field)
        changes = Changes(annotations=frozenset({(video_id, annotator_id)}))
        if old == value:
            return changes
        merge = (field, video_id, annotator_id) if field in (CUES, SKIP_REASON) else None
        return self._run(Command(
            label=self._label(field, value),
            redo=lambda: self.repo.set_field(video_id, annotator_id, field, value),
            undo=lambda: self.repo.set_field(video_id, annotator_id, field, old),
            merge_key=merge,
            changes=changes,
        ))

    def _label(self, field: str, value: object) -> str:
        if field == CUES:
            return "edit cues"
        if field == SKIP_REASON:
            return "edit skip reason"
        if field == SKIPPED:
            return "skip video" if value else "unskip video"
        shown = "cleared" if value is None else value
        return f"{field} = {shown}"

    def set_skipped(
        self, video_id: VideoId, annotator_id: AnnotatorId, skipped: bool, reason: str = ""
    ) -> Changes:
        """Skip (with a reason) or unskip a video, as one undo step."""
        with self.undo_stack.group("skip video" if skipped else "unskip video"):
            changes = self.set_label(video_id, annotator_id, SKIPPED, skipped)
            if skipped:
                changes |= self.set_label(video_id, annotator_id, SKIP_REASON, reason)
        return changes

    # -- segments -------------------------------------------------------------------------
    def add_segment(self, seg: Segment) -> Segment:
        """Create a segment; undo deletes it, redo restores it with the same id."""
        stored = self.repo.add_segment(seg)
        changes = Changes(segments_of=frozenset({seg.video_id}))
        self.undo_stack.push(Command(
            label=f"add segment {stored.value or ''} {stored.start_frame}-{stored.end_frame}"
            .replace("  ", " "),
            redo=lambda: self.repo.add_segment(stored),
            undo=lambda: self.repo.delete_segment(stored.id),
            changes=changes,
        ))
        self._emit(changes)
        return stored

    def update_segment(self, seg: Segment, label: str = "edit segment") -> Changes:
        """Change a segment (frames, value, note, region)."""
        old = self.repo.segment(seg.id)
        if old == seg:
            return Changes()
        return self._run(Command(
            label=label,
            redo=lambda: self.repo.update_segment(seg),
            undo=lambda: self.repo.update_segment(old),
            changes=Changes(segments_of=frozenset({seg.video_id})),
        ))

    def delete_segment(self, segment_id: SegmentId) -> Changes:
        """Delete a segment; undo restores it with the same id."""
        old = self.repo.segment(segment_id)
        return self._run(Command(
            label=f"delete segment {old.value}".strip(),
            redo=lambda: self.repo.delete_segment(segment_id),
            undo=lambda: self.repo.add_segment(old),
            changes=Changes(segments_of=frozenset({old.video_id})),
        ))

    # -- tiers ----------------------------------------------------------------------------
    def add_tier(
        self, name: str, kind: TierKind = TierKind.FREE, vocabulary: tuple[str, ...] = ()
    ) -> Tier:
        """Create a tier (not undoable by deletion while segments may use it)."""
        tier = self.repo.add_tier(name, kind, vocabulary)
        self._emit(Changes(tiers=True))
        return tier

    def update_tier(self, tier: Tier) -> Changes:
        """Rename a tier or edit its vocabulary, undoably."""
        old = self.repo.tier(tier.id)
        if old == tier:
            return Changes()
        return self._run(Command(
            label=f"edit tier {tier.name}",
            redo=lambda: self.repo.update_tier(tier),
            undo=lambda: self.repo.update_tier(old),
            changes=Changes(tiers=True),
        ))

    def rename_tier(self, tier_id: int, name: str) -> Changes:
        """Convenience: rename a tier."""
        tier = self.repo.tier(tier_id)  # type: ignore[arg-type]
        return self.update_tier(dataclasses.replace(tier, name=name))

    # -- undo -----------------------------------------------------------------------------
    def undo(self) -> Changes | None:
        """Revert the last step; returns what changed (None if nothing to undo)."""
        command = self.undo_stack.undo()
        return self._emit(command.changes) if command else None  # type: ignore[arg-type]

    def redo(self) -> Changes | None:
        """Apply the last undone step again."""
        command = self.undo_stack.redo()
        return self._emit(command.changes) if command else None  # type: ignore[arg-type]
