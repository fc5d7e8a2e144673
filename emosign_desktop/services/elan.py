"""ELAN files in and out: a video's tiers exported to an ``.eaf`` file
(:mod:`emosign_desktop.services.elan_export`), and ``.eaf`` files (ours coming back, or
anyone's) imported onto a video.

Frames: an annotation covers the frames whose middle lies in ``[begin, end)``
(:func:`~emosign_desktop.media.frame_times.frames_in_span`, from each frame's own
presentation interval), so boundaries ELAN rounded to the millisecond land on the frames
ELAN shows and neighbours never share a frame; one that holds no frame's middle (zero-length,
or shorter than a frame) is kept as one frame, and the summary says how many.

Import: tiers of type ``EmoSign: <tier>`` naming a tier of the project come back to that
tier, as the annotator their ``ANNOTATOR`` names, with their notes and regions.  Every other
tier comes in as a read-only reference tier (its vocabulary, under its parent, what the file
says of it kept for export), attributed to the imported annotator ``elan``; a tier named like
a reference tier the project has already (from another file) is that tier (``tier_prefix``
keeps a file's tiers apart).  Symbolic subdivisions keep their order (attribute ``order``),
and every annotation on a dependent tier names its parent segment (attribute ``parent``).
The file's media is matched to the project's videos by relative path, then by file name
(``--video`` overrides; media matching several videos are refused, naming them).  Importing
a file again (the same name, or the same content under another name) replaces what it
brought before, wherever it went, in one undoable step.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from emosign_desktop.core.errors import EmoSignError, InputFileError, LabelValidationError
from emosign_desktop.core.model import Region, Tier, TierKind, Video
from emosign_desktop.io.eaf import (
    NOTE_TYPE,
    OWN_TYPE_PREFIX,
    REGION_TYPE,
    VIDEO_PROPERTY,
    EafDocument,
    EafMedia,
    EafTier,
    parse_region_text,
    read_eaf,
    tier_definition,
)
from emosign_desktop.media.frame_times import frame_middles_ms, frames_of_annotation
from emosign_desktop.services.background import checkpoint
from emosign_desktop.services.elan_export import (
    SOURCE_PREFIX,
    EafExport,
    export_eaf,
    find_video,
    frame_starts,
)
from emosign_desktop.services.handle import ProjectHandle as Session
from emosign_desktop.services.reference_import import (
    ImportCounts,
    ImportSteps,
    SpanSpec,
    TierSpec,
    build_import,
    earlier_imports,
    joined_text,
    replaced_text,
)
from emosign_desktop.storage.repository import Repository

__all__ = ["EafExport", "EafImport", "export_eaf", "frame_starts", "import_eaf", "source_of"]

#: Who the segments of reference tiers are attributed to.
REFERENCE_ANNOTATOR = "elan"
#: The group ELAN's reference tiers are shown under.
GROUP = "ELAN (reference)"


@dataclass(frozen=True)
class EafImport:
    """What an import brought."""

    path: Path
    video: str
    segments: int  # on the project's own tiers
    reference_segments: int
    reference_tiers: int
    replaced: int  # segments of an earlier import of the same file, taken out
    tiers_added: int
    outside: int  # annotations after the video's end, left out
    unchanged: int = 0  # segments the project already held as they are (not doubled)
    one_frame: int = 0  # annotations holding no frame's middle, kept as one frame
    replaced_what: str = ""  # what it replaced, in words
    joined: str = ""  # the tiers it shares with other files, in words

    def __str__(self) -> str:
        parts = [f"{_n(self.segments, 'segment')} on the project's tiers",
                 f"{self.reference_segments} on {_n(self.reference_tiers, 'reference tier')}"]
        if self.unchanged:
            parts.append(f"{self.unchanged} already in the project as they are")
        if self.replaced_what:
            parts.append(self.replaced_what)
        if self.joined:
            parts.append(self.joined)
        if self.one_frame:
            parts.append(f"kept {_n(self.one_frame, 'annotation')} of zero length or shorter "
                         "than a frame as one frame each")
        if self.outside:
            parts.append(f"left out {_n(self.outside, 'annotation')} after the video's end")
        return f"{self.path}: imported onto {self.video}: " + ", ".join(parts)


def _n(count: int, thing: str) -> str:
    return f"{count} {thing}" + ("" if count == 1 else "s")


def source_of(path: str | Path) -> str:
    """The ``source`` of what importing ``path`` brings (its file name)."""
    return SOURCE_PREFIX + Path(path).name


def import_eaf(session: Session, path: str | Path, *, video: str | None = None,
               annotator: str | None = None, tier_prefix: str = "") -> EafImport:
    """Import an ELAN file onto one of the project's videos (the one its media links, or
    ``video``), in one undoable step that replaces what an earlier import of the same file
    brought.  ``annotator`` is who the segments of a tier of the project's own type belong
    to when the tier names no ``ANNOTATOR``; ``tier_prefix`` goes before the names of the
    reference tiers the file brings."""
    repo = session._repo
    doc = read_eaf(path)
    path = Path(path)
    target, origin = _target_video(repo, doc, video)
    starts = frame_starts(repo.folder, target)
    source = source_of(path)
    plan = _Plan(doc, source, starts, origin, {t.name: t for t in repo.tiers()},
                 (annotator or "").strip(), tier_prefix)
    plan.build()
    counts = ImportCounts()
    steps = ImportSteps(len(plan.spans), path.name)
    with session.writer.operation(f"import {path.name}") as op:
        earlier = earlier_imports(repo, source, doc.sha256)
        changes = build_import(repo, video_id=target.id, source=source,
                               annotator=REFERENCE_ANNOTATOR, tiers=plan.tiers,
                               spans=plan.spans, counts=counts, replacing=earlier.sources,
                               skip_held_reference=doc.header_property(VIDEO_PROPERTY)
                               is not None, steps=steps)
        steps.saving()
        op.apply(dataclasses.replace(changes, meta=earlier.meta,
                                     log=f"import {path.name} onto {target.name}: "
                                         f"{len(plan.spans)} segments"))
        steps.saving()  # Cancel pressed while saving: rolled back all the same
    videos = {v.id: v.name for v in repo.videos()} if counts.replaced else {}
    own_unchanged = counts.unchanged - counts.unchanged_reference
    return EafImport(path, target.name, plan.own_segments - own_unchanged,
                     len(plan.spans) - plan.own_segments - counts.unchanged_reference,
                     counts.reference_tiers, counts.replaced, counts.tiers_added, plan.outside,
                     counts.unchanged, plan.one_frame,
                     replaced_text(counts, earlier.renamed, videos), joined_text(counts))


def _target_video(repo: Repository, doc: EafDocument, name: str | None) -> tuple[Video, float]:
    """The video the file is for, and the time origin (ms) of its media in the file: the one
    video its media match (several: refused, naming them)."""
    videos = repo.videos()
    matches = [(m, v) for m in doc.media for v in _matching(repo.folder, doc.path, m, videos)]
    if name is not None:
        chosen = find_video(repo, name)
        origin = next((m.time_origin for m, v in matches if v.id == chosen.id), 0.0)
        return chosen, origin
    found = {v.id: v for _, v in matches}
    if len(found) > 1:
        media = list(dict.fromkeys(m.file_name for m, _ in matches))
        raise EmoSignError(
            f"{doc.path} links media {', '.join(media)}, which "
            f"{'matches' if len(media) == 1 else 'match'} the videos "
            f"{', '.join(sorted(v.name for v in found.values()))}; give --video NAME")
    if found:
        medium, chosen = matches[0]
        return chosen, medium.time_origin
    by_property = doc.header_property(VIDEO_PROPERTY)
    if by_property:
        written_for = repo.video_by_name(by_property)
        if written_for is not None:
            return written_for, 0.0
    if not doc.media:
        raise EmoSignError(f"{doc.path} links no media; give --video NAME")
    linked = ", ".join(dict.fromkeys(m.file_name for m in doc.media))
    raise EmoSignError(f"{doc.path} links media {linked}, which the project does not have; "
                       "give --video NAME")


def _matching(folder: Path, eaf: Path, medium: EafMedia, videos: Sequence[Video]
              ) -> list[Video]:
    """The videos ``medium`` names: by its relative path from the EAF's folder, else by file
    name (a video known by name only: by the file's stem)."""
    if medium.relative_path:
        target = (eaf.parent / medium.relative_path).resolve()
        same = [v for v in videos if v.media_path is not None
                and (folder / v.media_path).resolve() == target]
        if same:
            return same
    name = medium.file_name
    if not name:
        return []
    by_file = [v for v in videos if v.media_path is not None
               and Path(v.media_path).name == name]
    if by_file:
        return by_file
    return [v for v in videos if v.media_path is None and v.name == Path(name).stem]


class _Plan:
    """The tiers and segments of an ELAN file, in frames of the target video."""

    def __init__(self, doc: EafDocument, source: str, starts: list[float], origin: float,
                 project_tiers: dict[str, Tier], annotator: str, prefix: str = "") -> None:
        self.doc, self.source, self.starts, self.origin = doc, source, starts, origin
        self.middles = frame_middles_ms(starts)
        self.project_tiers, self.annotator, self.prefix = project_tiers, annotator, prefix
        self.end_ms = starts[-1]
        self.tiers: list[TierSpec] = []
        self.spans: list[SpanSpec] = []
        self.own_segments = 0
        self.outside = 0
        self.one_frame = 0

    def fail(self, problem: str) -> InputFileError:
        return InputFileError(self.doc.path, problem)

    def own_tier(self, tier: EafTier) -> Tier | None:
        if not tier.linguistic_type.startswith(OWN_TYPE_PREFIX):
            return None
        ours = self.project_tiers.get(tier.linguistic_type[len(OWN_TYPE_PREFIX):])
        return ours if ours is not None and not ours.read_only else None

    def frames(self, begin_ms: float, end_ms: float) -> tuple[int, int] | None:
        """The frames of an annotation (None: outside the video, counted)."""
        begin, end = begin_ms + self.origin, max(end_ms, begin_ms) + self.origin
        if begin >= self.end_ms or end < 0 or (end == 0 and begin < end):
            self.outside += 1
            return None
        first, last, kept = frames_of_annotation(self.starts, self.middles, max(begin, 0.0),
                                                 max(end, 0.0))
        self.one_frame += kept
        return first, last

    def build(self) -> None:
        by_id = {t.id: t for t in self.doc.tiers}
        own = {t.id: ours for t in self.doc.tiers if (ours := self.own_tier(t)) is not None}
        companions = {t.id for t in self.doc.tiers if t.parent in own
                      and t.linguistic_type in (NOTE_TYPE, REGION_TYPE)}
        for ours in dict.fromkeys(own.values()):
            self.tiers.append(TierSpec(ours.name, ours.kind, ours.vocabulary, own=True))
        taken = {t.name for t in own.values()}  # a reference tier named like ours: apart
        names = {t.id: (f"{name} ({self.doc.path.name})" if name in taken else name)
                 for t in self.doc.tiers if t.id not in own and t.id not in companions
                 for name in [self.prefix + t.id]}
        for i, tier in enumerate(self.doc.tiers, 1):
            checkpoint(i, len(self.doc.tiers), f"reading {self.doc.path.name}: tier "
                       f"{i} of {len(self.doc.tiers)}")
            if tier.id in own:
                self._own(tier, own[tier.id], by_id)
            elif tier.id in names:
                self._reference(tier, names)

    def _own(self, tier: EafTier, ours: Tier, by_id: dict[str, EafTier]) -> None:
        person = tier.annotator.strip() or self.annotator
        if not person and tier.annotations:
            raise self.fail(f"the tier '{tier.id}' (the project's tier '{ours.name}') names no "
                            "annotator; give --annotator NAME")
        notes: dict[str, str] = {}
        regions: dict[str, str] = {}
        for child in by_id.values():
            if child.parent != tier.id:
                continue
            into = notes if child.linguistic_type == NOTE_TYPE else (
                regions if child.linguistic_type == REGION_TYPE else None)
            if into is not None:
                into.update((a.parent, a.value) for a in child.annotations if a.parent)
        for a in tier.annotations:
            if ours.vocabulary and a.value and a.value not in ours.vocabulary:
                raise self.fail(f"the tier '{tier.id}' has the value '{a.value}' (annotation "
                                f"{a.id}), which is not in the vocabulary of the project's tier "
                                f"'{ours.name}'")
            frames = self.frames(a.begin_ms, a.end_ms)
            if frames is None:
                continue
            region = self._region(tier, a.id, regions[a.id]) if a.id in regions else None
            self.spans.append(SpanSpec(ours.name, *frames, a.value, notes.get(a.id, ""),
                                       annotator=person, region=region))
            self.own_segments += 1

    def _region(self, tier: EafTier, aid: str, text: str) -> Region:
        box = parse_region_text(text)
        try:
            if box is None:
                raise LabelValidationError("not x=.. y=.. w=.. h=..")
            return Region(*box)
        except LabelValidationError as exc:
            raise self.fail(f"the region '{text}' of annotation {aid} on tier '{tier.id}' "
                            f"cannot be read ({exc})") from None

    def _reference(self, tier: EafTier, names: dict[str, str]) -> None:
        name = names[tier.id]
        used = (a.value for a in tier.annotations if a.value)
        vocabulary = tuple(dict.fromkeys((*tier.vocabulary, *used))) if tier.vocabulary else ()
        parent = names.get(tier.parent) if tier.parent else None
        origin = json.dumps(tier_definition(tier, self.doc.languages), ensure_ascii=False,
                            sort_keys=True)
        self.tiers.append(TierSpec(name, TierKind.FREE, vocabulary, GROUP, parent,
                                   origin=origin))
        ordered = tier.constraint == "Symbolic_Subdivision"
        place: dict[str | None, int] = {}
        for a in tier.annotations:
            frames = self.frames(a.begin_ms, a.end_ms)
            if frames is None:
                continue
            attributes: tuple[tuple[str, str], ...] = ()
            if ordered:
                place[a.parent] = place.get(a.parent, 0) + 1
                attributes = (("order", str(place[a.parent])),)
            self.spans.append(SpanSpec(name, *frames, a.value, attributes=attributes,
                                       key=a.id, parent=a.parent or ""))
