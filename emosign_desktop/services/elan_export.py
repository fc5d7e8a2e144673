"""A video's tiers written as an ELAN file: the project's own tiers and, beside them, the
reference tiers other files brought, as those files defined them.

Times: frame ``i`` of a video is the span of its presentation times (from the media's frame
index, :mod:`emosign_desktop.media.frame_times`; for a video known by name only, its stored
frame rate and count), so a segment of frames ``a..b`` is written from the first millisecond
of frame ``a`` to the last of frame ``b`` and reads back as ``a..b`` exactly.

Our tiers: each, for each annotator (or one), becomes an ELAN tier ``<tier>@<annotator>`` of
linguistic type ``EmoSign: <tier>`` (the tier's controlled vocabulary), with ``ANNOTATOR``
the annotator and ``PARTICIPANT`` the video's name; notes and regions go to dependent tiers
``... note`` and ``... region`` (see :mod:`emosign_desktop.io.eaf_writer`); the media is
linked by absolute and relative path with its MIME type.

Reference tiers (unless ``only_ours``): every reference tier with segments on the video, and
every tier of an ELAN file imported onto it (empty ones too), written with what that file
said of it (tier id, linguistic type and constraint, vocabulary, parent tier, participant,
annotator); subdivisions and associations under the annotation they depend on.  A reference
tier from a file that said nothing of it (SignStream, or an import before project format 11)
is written as a plain top-level tier with its vocabulary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.core.model import Segment, Tier, Video
from emosign_desktop.io.eaf import (
    SYMBOLIC,
    EafEntry,
    EafTier,
    EafType,
    EafVocabulary,
    region_text,
    tier_from_definition,
)
from emosign_desktop.io.eaf_writer import (
    ExportMedia,
    ExportSpan,
    ExportTier,
    ForeignAnnotation,
    ForeignTier,
    lanes,
    relative_media_url,
    write_eaf,
)
from emosign_desktop.media.frame_index import load_index
from emosign_desktop.media.frame_times import frame_starts_ms, nominal_starts_ms, span_to_ms
from emosign_desktop.services.handle import ProjectHandle as Session
from emosign_desktop.services.reference_import import PARENT, origins
from emosign_desktop.services.videos import media_file
from emosign_desktop.storage.repository import Repository

#: Sources of segments and tiers an ELAN import brought start with this.
SOURCE_PREFIX = "elan:"


@dataclass(frozen=True)
class EafExport:
    """What an export wrote."""

    path: Path
    video: str
    annotators: tuple[str, ...]
    tiers: int  # ELAN tiers with segments (lanes included; note and region tiers not)
    segments: int
    media_linked: bool
    reference_tiers: int = 0
    reference_segments: int = 0  # annotations written on them

    def __str__(self) -> str:
        who = ", ".join(self.annotators) or "no annotator"
        media = "" if self.media_linked else "; no media linked (the video has none)"
        reference = (f", and {_n(self.reference_segments, 'annotation')} on "
                     f"{_n(self.reference_tiers, 'reference tier')} as their files defined "
                     "them" if self.reference_tiers else "")
        return (f"wrote {self.path}: video {self.video}, {_n(self.segments, 'segment')} on "
                f"{_n(self.tiers, 'tier')} ({who}){reference}{media}")


def _n(count: int, thing: str) -> str:
    return f"{count} {thing}" + ("" if count == 1 else "s")


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


def find_video(repo: Repository, name: str) -> Video:
    """The video called ``name``, or an error naming the project."""
    video = repo.video_by_name(name)
    if video is None:
        raise EmoSignError(f"{repo.folder}: no video named '{name}'")
    return video


def export_eaf(session: Session, video_name: str, path: str | Path, *,
               annotator: str | None = None, only_ours: bool = False) -> EafExport:
    """Write the video's segments on the project's own tiers, per annotator (all who have
    segments on it, or only ``annotator``, whose tiers are written even when empty), and
    (unless ``only_ours``) its reference tiers as they came, as an ELAN file."""
    repo = session._repo
    path = Path(path)
    video = find_video(repo, video_name)
    starts = frame_starts(repo.folder, video)
    last = len(starts) - 2
    all_tiers = repo.tiers()
    tiers = [t for t in all_tiers if not t.read_only]
    own = {t.id for t in tiers}
    names = {a.id: a.name for a in repo.annotators()}
    here = repo.segments(video_id=video.id)
    segments = [s for s in here if s.tier_id in own]
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
    foreign: list[ForeignTier] = []
    languages: dict[str, tuple[str, str]] = {}
    if not only_ours:
        foreign, languages = _Reference(all_tiers, here, starts).tiers()
    media = None
    if video.media_path is not None:
        file = media_file(repo.folder, video) or repo.folder / video.media_path
        media = ExportMedia(file, relative_media_url(file, path.parent))
    write_eaf(path, out, media=media, video=video.name, foreign=foreign, languages=languages)
    written = [t for t in out if t.spans]
    return EafExport(path, video.name, tuple(people), sum(len(lanes(t.spans)) for t in written),
                     sum(len(t.spans) for t in out), media is not None, len(foreign),
                     sum(len(t.annotations) for t in foreign))


class _Reference:
    """The video's reference tiers as ELAN tiers, from what their files said of them."""

    def __init__(self, tiers: Sequence[Tier], here: Sequence[Segment],
                 starts: Sequence[float]) -> None:
        self.starts, self.last = starts, len(starts) - 2
        self.reference = [t for t in tiers if t.read_only]
        ids = {t.id for t in self.reference}
        self.segments: dict[int, list[Segment]] = {}
        for s in here:
            if s.tier_id in ids:
                self.segments.setdefault(s.tier_id, []).append(s)
        self.by_uid = {s.uid: s for s in here if s.uid}
        self.elan_here = {s.source for s in here if s.source.startswith(SOURCE_PREFIX)}

    def tiers(self) -> tuple[list[ForeignTier], dict[str, tuple[str, str]]]:
        """One ELAN tier per reference tier and file that put segments on it here (two
        files' annotations never share one ELAN tier), grouped by file."""
        parts: dict[str, list[tuple[EafTier, list[Segment]]]] = {}
        languages: dict[str, tuple[str, str]] = {}
        for tier in self.reference:
            mine = self.segments.get(tier.id, [])
            defined = {k: v for k, v in origins(tier).items()
                       if k.startswith(SOURCE_PREFIX) and isinstance(v, dict) and v}
            groups: dict[str, list[Segment]] = {}
            for s in mine:
                groups.setdefault(s.source, []).append(s)
            if not groups:  # an empty tier of a file imported onto this video
                source = next((src for src in sorted(self.elan_here) if src in defined), None)
                if source is None:
                    continue
                groups[source] = []
            for source, segments in groups.items():
                definition = _defined(defined.get(source)) or (_plain(tier), {})
                languages.update(definition[1])
                parts.setdefault(source, []).append((definition[0], segments))
        out = []
        for source, tiers in parts.items():
            written = {e.id for e, _ in tiers}
            for eaf_tier, segments in tiers:
                if eaf_tier.parent and eaf_tier.parent not in written:
                    eaf_tier = _top_level(eaf_tier)  # its parent tier is not written
                out.append(ForeignTier(eaf_tier, self._annotations(segments, eaf_tier),
                                       group=source))
        return out, languages

    def _annotations(self, mine: Sequence[Segment],
                     eaf_tier: EafTier) -> tuple[ForeignAnnotation, ...]:
        kind = eaf_tier.type or EafType(eaf_tier.linguistic_type, eaf_tier.constraint)
        out = []
        for s in sorted(mine, key=_order):
            parent_uid = dict(s.attributes).get(PARENT)
            parent = self.by_uid.get(parent_uid) if parent_uid else None
            begin, end = span_to_ms(self.starts, min(s.start_frame, self.last),
                                    min(s.end_frame, self.last))
            if kind.constraint in SYMBOLIC and parent is None:
                continue  # it depends on an annotation that is not here
            out.append(ForeignAnnotation(int(s.id), s.value, begin, end,
                                         None if parent is None else int(parent.id)))
        return tuple(out)


def _defined(data: object) -> tuple[EafTier, dict[str, tuple[str, str]]] | None:
    """The tier a stored definition describes (None: none, or unreadable)."""
    if not isinstance(data, dict):
        return None
    try:
        return tier_from_definition(data)
    except (KeyError, TypeError, ValueError):
        return None


def _plain(tier: Tier) -> EafTier:
    """A top-level tier for a reference tier whose file said nothing ELAN knows of it."""
    entries = tuple(EafEntry(f"cveid{i}", ((v, "", ""),)) for i, v in enumerate(tier.vocabulary))
    cv = EafVocabulary(tier.name, (), entries) if entries else None
    return EafTier(tier.name, tier.name, vocabulary=tier.vocabulary, type=EafType(tier.name),
                   cv=cv)


def _order(s: Segment) -> tuple[int, int, int]:
    """Segments in time order; symbolic subdivisions of one parent in their order."""
    order = dict(s.attributes).get("order", "0")
    return s.start_frame, int(order) if order.isdigit() else 0, int(s.id)


def _top_level(tier: EafTier) -> EafTier:
    """``tier`` as a time-alignable top-level tier (its parent is not written)."""
    kind = tier.type or EafType(tier.linguistic_type)
    return EafTier(tier.id, tier.linguistic_type, None, tier.annotator, tier.participant, None,
                   tier.vocabulary, (), EafType(kind.id + " (top level)"), tier.cv, tier.locale,
                   tier.language)

