"""Segments brought in from another tool's file (ELAN, SignStream), as one change set.

An import names its ``source`` (e.g. ``elan:lab.eaf``); importing the same source for the
same video again replaces what it brought before (its segments go, the new ones come), in
one operation that one undo takes back.  Tiers the file defines that the project does not
know come in as *reference* tiers: read-only, with their own vocabulary, grouped and under
their parent.  Segments on tiers of our own (a file we exported coming back) go to those
tiers, attributed to their annotator.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from emosign_desktop.core.changeset import AnnotatorEdit, ChangeSet, SegmentEdit, TierEdit
from emosign_desktop.core.errors import LabelValidationError
from emosign_desktop.core.model import (
    AnnotatorId,
    AnnotatorKind,
    Region,
    Segment,
    SegmentId,
    Tier,
    TierId,
    TierKind,
    VideoId,
)
from emosign_desktop.services.building import NewIds, find_or_add_annotator
from emosign_desktop.storage.repository import Repository


@dataclass(frozen=True)
class TierSpec:
    """A tier the file defines.  ``own``: one of the project's tiers (it must exist);
    otherwise a read-only reference tier is found (same name and source) or made."""

    name: str
    kind: TierKind = TierKind.FREE
    vocabulary: tuple[str, ...] = ()
    group: str = ""
    parent: str | None = None  # the name of its parent (in this file)
    own: bool = False


@dataclass(frozen=True)
class SpanSpec:
    """A segment the file holds, already in frames."""

    tier: str
    start_frame: int
    end_frame: int
    value: str = ""
    note: str = ""
    attributes: tuple[tuple[str, str], ...] = ()
    annotator: str = ""  # "" : the import's own annotator (a reference annotator)
    region: Region | None = None


@dataclass
class ImportCounts:
    """What an import brought."""

    segments: int = 0
    replaced: int = 0
    unchanged: int = 0  # segments of our own tiers the project already holds, as they are
    tiers_added: int = 0
    reference_tiers: int = 0


def build_import(repo: Repository, *, video_id: VideoId, source: str, annotator: str,
                 tiers: Sequence[TierSpec], spans: Sequence[SpanSpec],
                 counts: ImportCounts | None = None,
                 tier_source: str | None = None) -> ChangeSet:
    """The change set of importing ``spans`` (on ``tiers``) into ``video_id`` from
    ``source``; segments of reference tiers are attributed to ``annotator`` (an imported
    annotator, made if new).  ``tier_source`` names where the reference tiers come from
    when files share them (SignStream's one coding scheme); by default the file."""
    counts = counts if counts is not None else ImportCounts()
    ids = NewIds(repo)
    existing = {t.name: t for t in repo.tiers()}
    tier_edits: list[TierEdit] = []
    by_name: dict[str, Tier] = {}
    for spec in tiers:  # parents first: files list them first, but do not rely on it
        by_name[spec.name] = _tier(spec, tier_source or source, existing, by_name, ids,
                                   tier_edits, tiers)
    counts.tiers_added = sum(1 for e in tier_edits if e.before is None)
    counts.reference_tiers = sum(1 for t in by_name.values() if t.read_only)
    people: dict[str, int] = {}
    annotator_edits: list[AnnotatorEdit] = []

    def who(name: str, kind: AnnotatorKind) -> int:
        if name not in people:
            found, made = find_or_add_annotator(repo, name, ids, kind)
            people[name] = found.id
            annotator_edits.extend(made)
        return people[name]

    here = repo.segments(video_id=video_id)
    old = [s for s in here if s.source == source]
    segment_edits = [SegmentEdit(s, None, repo.segment_times(s.id)) for s in old]
    counts.replaced = len(old)
    held = {(s.annotator_id, s.tier_id, s.start_frame, s.end_frame, s.value, s.note, s.region)
            for s in here if s.source != source}
    for span in spans:
        tier = by_name.get(span.tier) or existing.get(span.tier)
        if tier is None:
            raise LabelValidationError(f"no tier '{span.tier}' for a segment of {source}")
        if tier.vocabulary and span.value and span.value not in tier.vocabulary:
            raise LabelValidationError(f"'{span.value}' is not in the vocabulary of tier "
                                       f"'{tier.name}' ({source})")
        kind = AnnotatorKind.IMPORTED if tier.read_only or not span.annotator \
            else AnnotatorKind.HUMAN
        person = who(span.annotator or annotator, kind)
        if not tier.read_only and (person, tier.id, span.start_frame, span.end_frame,
                                   span.value, span.note, span.region) in held:
            counts.unchanged += 1  # our own export coming back unchanged: not twice
            continue
        seg = Segment(SegmentId(ids("segment")), video_id, AnnotatorId(person), tier.id,
                      span.start_frame, span.end_frame, span.value, span.note, span.region,
                      uuid.uuid4().hex, span.attributes, source)
        segment_edits.append(SegmentEdit(None, seg))
    counts.segments = len(spans) - counts.unchanged
    return ChangeSet(annotators=tuple(annotator_edits), tiers=tuple(tier_edits),
                     segments=tuple(segment_edits))


def _tier(spec: TierSpec, source: str, existing: dict[str, Tier], made: dict[str, Tier],
          ids: NewIds, edits: list[TierEdit], specs: Sequence[TierSpec]) -> Tier:
    if spec.name in made:
        return made[spec.name]
    if spec.own:
        tier = existing.get(spec.name)
        if tier is None or tier.read_only:
            raise LabelValidationError(f"the project has no tier '{spec.name}' of its own "
                                       f"({source})")
        return tier
    parent_id: TierId | None = None
    if spec.parent is not None:
        parent_spec = next((s for s in specs if s.name == spec.parent), None)
        if parent_spec is not None:
            parent_id = _tier(parent_spec, source, existing, made, ids, edits, specs).id
            made[parent_spec.name] = next(t for t in [*made.values(), *existing.values()]
                                          if t.id == parent_id)
    name = spec.name
    same = existing.get(name)
    if same is not None and not (same.read_only and same.source == source):
        name = f"{spec.name} ({source.split(':', 1)[-1]})"  # a clash with another tier
        same = existing.get(name)
    wanted = Tier(TierId(same.id if same else ids("tier")), name, spec.kind,
                  tuple(spec.vocabulary), True, spec.group, parent_id, source)
    if same is None:
        edits.append(TierEdit(None, wanted))
    elif same != wanted:
        vocabulary = tuple(dict.fromkeys((*same.vocabulary, *wanted.vocabulary)))
        wanted = Tier(same.id, name, spec.kind, vocabulary, True, spec.group, parent_id, source)
        edits.append(TierEdit(same, wanted))
    existing[name] = wanted
    return wanted
