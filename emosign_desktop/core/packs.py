"""Annotator packs: one annotator's work, as data, travelling between laptops.

A pack names its videos by name and content fingerprint, carries the label schema it was
made with, and every annotation and segment with its edit times, so a researcher can merge
packs from many annotators without losing or duplicating anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from emosign_desktop.core.model import Region
from emosign_desktop.core.schema import LabelSchema

PACK_KIND = "emosign-annotator-pack"
PACK_FORMAT = 1


@dataclass(frozen=True, slots=True)
class PackVideo:
    """A video as a pack names it."""

    name: str
    fingerprint: str | None = None
    fps: float | None = None
    frame_count: int | None = None


@dataclass(frozen=True, slots=True)
class PackAnnotation:
    """One video's labels by the pack's annotator (protocol scales; None = not rated)."""

    video: str
    values: Mapping[str, object]  # field name -> value, as the schema validates them
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class PackSegment:
    """A segment by the pack's annotator; ``uid`` identifies it across packs."""

    uid: str
    video: str
    tier: str
    start_frame: int
    end_frame: int
    value: str = ""
    note: str = ""
    region: Region | None = None
    created_at: str = ""
    updated_at: str = ""


@dataclass(frozen=True, slots=True)
class PackTier:
    """A tier as the pack's project defined it."""

    name: str
    kind: str
    vocabulary: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PackActivity:
    """The pack's annotator's active seconds on a video (time on task)."""

    video: str
    seconds: float


@dataclass(frozen=True, slots=True)
class AnnotatorPack:
    """Everything one annotator did in one project."""

    annotator: str
    schema: LabelSchema
    project_id: str
    app_version: str
    created_at: str
    videos: tuple[PackVideo, ...] = ()
    annotations: tuple[PackAnnotation, ...] = ()
    tiers: tuple[PackTier, ...] = ()
    segments: tuple[PackSegment, ...] = ()
    format_version: int = PACK_FORMAT
    activity: tuple[PackActivity, ...] = ()  # optional in the file: older packs have none
    blind_mode: bool = False  # the project was in blind mode when the pack was made
    extra: Mapping[str, object] = field(default_factory=dict)


@dataclass
class MergeSummary:
    """What merging one pack did."""

    pack: str
    annotator: str
    added: int = 0  # annotations and segments new to the project
    updated: int = 0  # replaced by a newer edit from the pack
    unchanged: int = 0
    kept_newer: int = 0  # the project's edit was newer: the pack's went to the conflict log
    videos_added: int = 0
    already_merged: bool = False

    @property
    def conflicts(self) -> int:
        """Items that differed: the loser of each is in the conflict log."""
        return self.updated + self.kept_newer

    def __str__(self) -> str:
        if self.already_merged:
            return f"{self.pack}: already merged, nothing changed"
        return (f"{self.pack} ({self.annotator}): {self.added} added, {self.updated} updated "
                f"by newer edits, {self.kept_newer} kept (project newer), {self.unchanged} "
                f"unchanged, {self.videos_added} new videos; {self.conflicts} conflicts logged")
