"""ELAN files in and out: a video's tiers exported to an ``.eaf`` file, and ``.eaf`` files
(ours coming back, or anyone's) imported onto a video.

Times: frame ``i`` of a video is the span of its presentation times (from the media's frame
index, :mod:`emosign_desktop.media.frame_times`; for a video known by name only, its stored
frame rate and count), so a segment of frames ``a..b`` is written from the first millisecond
of frame ``a`` to the last of frame ``b`` and reads back as ``a..b`` exactly.

Export: each of the project's own tiers, for each annotator (or one), becomes an ELAN tier
``<tier>@<annotator>`` of linguistic type ``EmoSign: <tier>`` (the tier's controlled
vocabulary), with ``ANNOTATOR`` the annotator and ``PARTICIPANT`` the video's name; notes and
regions go to dependent tiers ``... note`` and ``... region`` (see :mod:`emosign_desktop.io.eaf`);
the media is linked by absolute and relative path with its MIME type.

Import: tiers of type ``EmoSign: <tier>`` naming a tier of the project come back to that
tier, as the annotator their ``ANNOTATOR`` names, with their notes and regions.  Every other
tier comes in as a read-only reference tier (its vocabulary, under its parent), attributed to
the imported annotator ``elan``.  The file's media is matched to the project's videos by
relative path, then by file name (``--video`` overrides); importing the same file name again
replaces what it brought before, in one undoable step.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from emosign_desktop.core.changeset import ChangeSet
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
    ExportMedia,
    ExportSpan,
    ExportTier,
    lanes,
    parse_region_text,
    read_eaf,
    region_text,
    relative_media_url,
    write_eaf,
)
from emosign_desktop.media.frame_index import load_index
from emosign_desktop.media.frame_times import (
    frame_starts_ms,
    frames_of_span,
    nominal_starts_ms,
    span_to_ms,
)
from emosign_desktop.services.reference_import import (
    ImportCounts,
    SpanSpec,
    TierSpec,
    build_import,
)
from emosign_desktop.services.videos import media_file
from emosign_desktop.services.write_path import WritePath
from emosign_desktop.storage.repository import Repository

SOURCE_PREFIX = "elan:"
#: Who the segments of reference tiers are attributed to.
REFERENCE_ANNOTATOR = "elan"


@dataclass(frozen=True)
class EafExport:
    """What an export wrote."""

    path: Path
    video: str
    annotators: tuple[str, ...]
    tiers: int  # ELAN tiers with segments (lanes included; note and region tiers not)
    segments: int
    media_linked: bool

    def __str__(self) -> str:
        who = ", ".join(self.annotators) or "no annotator"
        media = "" if self.media_linked else "; no media linked (the video has none)"
        return (f"wrote {self.path}: video {self.video}, {_n(self.segments, 'segment')} on "
                f"{_n(self.tiers, 'tier')} ({who}){media}")


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

    def __str__(self) -> str:
        parts = [f"{_n(self.segments, 'segment')} on the project's tiers",
                 f"{self.reference_segments} on {_n(self.reference_tiers, 'reference tier')}"]
        if self.unchanged:
            parts.append(f"{self.unchanged} already in the project as they are")
        if self.replaced:
            parts.append(f"replaced {self.replaced} from the earlier import")
        if self.outside:
            parts.append(f"left out {_n(self.outside, 'annotation')} after the video's end")
        return f"{self.path}: imported onto {self.video}: " + ", ".join(parts)


def _n(count: int, thing: str) -> str:
    return f"{count} {thing}" + ("" if count == 1 else "s")


def source_of(path: str | Path) -> str:
    """The ``source`` of what importing ``path`` brings (its file name)."""
    return SOURCE_PREFIX + Path(path).name


def frame_starts(folder: Path, video: Video) -> list[float]:
    """Each frame's start in ms from the first frame, and the end of the last: from the media's
    frame index (cached by fingerprint, so a moved file still counts), else at the video's
    stored nominal rate."""
    path = media_file(folder, video)
    if path is None and video.media_path is not None and video.fingerprint:
        path = folder / video.media_path  # its frame index may be cached
    if path is not None:
        try:
            return frame_starts_ms(load_index(path, video.fingerprint))
        except EmoSignError:
            if video.media is None:
                raise
    media = video.media
    if media is not None and media.fps > 0 and media.frame_count > 0:
        return nominal_starts_ms(media.fps, media.frame_count)
    raise EmoSignError(f"the video '{video.name}' has no media and no frame rate to count "
                       "milliseconds by; link its media first (emosign add)")


def _video(repo: Repository, name: str) -> Video:
    video = repo.video_by_name(name)
    if video is None:
        raise EmoSignError(f"{repo.folder}: no video named '{name}'")
    return video


# -- export --------------------------------------------------------------------------------------

def export_eaf(repo: Repository, video_name: str, path: str | Path, *,
               annotator: str | None = None) -> EafExport:
    """Write the video's segments on the project's own tiers, per annotator (all who have
    segments on it, or only ``annotator``, whose tiers are written even when empty), as an
    ELAN file."""
    path = Path(path)
    video = _video(repo, video_name)
    starts = frame_starts(repo.folder, video)
    last = len(starts) - 2
    tiers = [t for t in repo.tiers() if not t.read_only]
    own = {t.id for t in tiers}
    names = {a.id: a.name for a in repo.annotators()}
    segments = [s for s in repo.segments(video_id=video.id) if s.tier_id in own]
    if annotator is not None:
        people = [annotator.strip()]
        if not people[0]:
            raise EmoSignError("give the annotator's name (--annotator NAME)")
    else:
        people = sorted({names[s.annotator_id] for s in segments}, key=str.casefold)
    by_key: dict[tuple[int, str], list[ExportSpan]] = {}
    for s in segments:
        begin_ms, end_ms = span_to_ms(starts, min(s.start_frame, last), min(s.end_frame, last))
        region = "" if s.region is None else region_text(s.region.x, s.region.y, s.region.w,
                                                         s.region.h)
        by_key.setdefault((s.tier_id, names[s.annotator_id]), []).append(
            ExportSpan(begin_ms, end_ms, s.value, s.note, region))
    out = [ExportTier(tier.name, person, video.name, tier.vocabulary,
                      tuple(by_key.get((tier.id, person), ())))
           for tier in tiers for person in people]
    media = None
    if video.media_path is not None:
        file = media_file(repo.folder, video) or repo.folder / video.media_path
        media = ExportMedia(file, relative_media_url(file, path.parent))
    write_eaf(path, out, media=media, video=video.name)
    written = [t for t in out if t.spans]
    return EafExport(path, video.name, tuple(people), sum(len(lanes(t.spans)) for t in written),
                     sum(len(t.spans) for t in out), media is not None)


# -- import --------------------------------------------------------------------------------------

def import_eaf(writer: WritePath, path: str | Path, *, video: str | None = None,
               annotator: str | None = None) -> EafImport:
    """Import an ELAN file onto one of the project's videos (the one its media links, or
    ``video``), in one undoable step that replaces an earlier import of the same file name.
    ``annotator`` is who the segments of a tier of the project's own type belong to when the
    tier names no ``ANNOTATOR``."""
    repo = writer.repo
    doc = read_eaf(path)
    path = Path(path)
    target, origin = _target_video(repo, doc, video)
    starts = frame_starts(repo.folder, target)
    source = source_of(path)
    plan = _Plan(doc, source, starts, origin, {t.name: t for t in repo.tiers()},
                 (annotator or "").strip())
    plan.build()
    counts = ImportCounts()

    def build(repo: Repository) -> ChangeSet:
        spans = [dataclasses.replace(span, region=plan.regions.get(i))
                 for i, span in enumerate(plan.spans)]
        changes = build_import(repo, video_id=target.id, source=source,
                               annotator=REFERENCE_ANNOTATOR, tiers=plan.tiers,
                               spans=spans, counts=counts)
        return dataclasses.replace(changes, log=f"import {path.name} onto {target.name}: "
                                                f"{len(plan.spans)} segments")

    writer.run(f"import {path.name}", build)
    return EafImport(path, target.name, plan.own_segments - counts.unchanged,
                     len(plan.spans) - plan.own_segments, counts.reference_tiers,
                     counts.replaced, counts.tiers_added, plan.outside, counts.unchanged)


def _target_video(repo: Repository, doc: EafDocument, name: str | None) -> tuple[Video, float]:
    """The video the file is for, and the time origin (ms) of its media in the file."""
    videos = repo.videos()
    matches = [(m, v) for m in doc.media for v in _matching(repo.folder, doc.path, m, videos)]
    if name is not None:
        chosen = _video(repo, name)
        origin = next((m.time_origin for m, v in matches if v.id == chosen.id), 0.0)
        return chosen, origin
    for medium in doc.media:  # the first medium that matches (ELAN's first is its master)
        found = {v.id: v for m, v in matches if m is medium}
        if len(found) == 1:
            return next(iter(found.values())), medium.time_origin
        if len(found) > 1:
            raise EmoSignError(
                f"{doc.path} links media {medium.file_name}, which matches the videos "
                f"{', '.join(sorted(v.name for v in found.values()))}; give --video NAME")
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
                 project_tiers: dict[str, Tier], annotator: str) -> None:
        self.doc, self.source, self.starts, self.origin = doc, source, starts, origin
        self.project_tiers, self.annotator = project_tiers, annotator
        self.end_ms = starts[-1]
        self.tiers: list[TierSpec] = []
        self.spans: list[SpanSpec] = []
        self.regions: dict[int, Region] = {}
        self.own_segments = 0
        self.outside = 0

    def fail(self, problem: str) -> InputFileError:
        return InputFileError(self.doc.path, problem)

    def own_tier(self, tier: EafTier) -> Tier | None:
        if not tier.linguistic_type.startswith(OWN_TYPE_PREFIX):
            return None
        ours = self.project_tiers.get(tier.linguistic_type[len(OWN_TYPE_PREFIX):])
        return ours if ours is not None and not ours.read_only else None

    def frames(self, begin_ms: float, end_ms: float) -> tuple[int, int] | None:
        begin, end = begin_ms + self.origin, end_ms + self.origin
        if begin >= self.end_ms or end <= 0:
            self.outside += 1
            return None
        return frames_of_span(self.starts, max(begin, 0.0), max(end, begin))

    def build(self) -> None:
        by_id = {t.id: t for t in self.doc.tiers}
        own = {t.id: ours for t in self.doc.tiers if (ours := self.own_tier(t)) is not None}
        companions = {t.id for t in self.doc.tiers if t.parent in own
                      and t.linguistic_type in (NOTE_TYPE, REGION_TYPE)}
        for ours in dict.fromkeys(own.values()):
            self.tiers.append(TierSpec(ours.name, ours.kind, ours.vocabulary, own=True))
        taken = {t.name for t in own.values()}
        renamed = {t.id: (f"{t.id} ({self.doc.path.name})" if t.id in taken else t.id)
                   for t in self.doc.tiers if t.id not in own and t.id not in companions}
        group = f"ELAN {self.doc.path.name}"
        for tier in self.doc.tiers:
            if tier.id in own:
                self._own(tier, own[tier.id], by_id)
            elif tier.id in renamed:
                self._reference(tier, renamed, group)

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
            if a.id in regions:
                self.regions[len(self.spans)] = self._region(tier, a.id, regions[a.id])
            self.spans.append(SpanSpec(ours.name, *frames, a.value, notes.get(a.id, ""),
                                       annotator=person))
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

    def _reference(self, tier: EafTier, renamed: dict[str, str], group: str) -> None:
        name = renamed[tier.id]
        used = (a.value for a in tier.annotations if a.value)
        vocabulary = tuple(dict.fromkeys((*tier.vocabulary, *used))) if tier.vocabulary else ()
        parent = renamed.get(tier.parent) if tier.parent else None
        self.tiers.append(TierSpec(name, TierKind.FREE, vocabulary, group, parent))
        for a in tier.annotations:
            frames = self.frames(a.begin_ms, a.end_ms)
            if frames is not None:
                self.spans.append(SpanSpec(name, *frames, a.value))


