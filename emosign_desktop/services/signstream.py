"""SignStream annotations (ASLLRP's own linguistic coding) as read-only reference tiers.

Each field of the file's coding scheme becomes a reference tier (source
``signstream:<file name>``): the non-manual grammar markers (eye brows, head nod and shake,
wh- and yes/no questions, negation, topic/focus, conditional, role shift, mouth morphemes,
eye gaze, cheeks, nose...) as :attr:`TierKind.FACIAL_GRAMMAR` in "Facial grammar
(reference)", with the field's values as vocabulary; glosses, translations, parts of speech
and mouthing in "Glosses (reference)" (free text where the field has no values); any other
field as a free tier in "SignStream (reference)".  ONSET, OFFSET and HOLD annotations keep
their phase as a segment attribute (``("phase", "onset")``) and every segment names its
utterance (``("utterance", "15")``).

An utterance goes on the project's video(s) named after one of its media files (all of them
when several camera views are in the project: they are synchronized; times are then counted
from the utterance's start in that file), else on the one video whose name ends in its ID
(an EmoSign clip, ``10-Ben-Conclusion_24363254``: times from the clip's start; when several
end in it, the one whose name also holds the file's name, ``biker_15`` for ``biker.xml``), or
where the caller says.  Utterances with no such video, or several, are listed and left out, never
guessed.  Importing the same file again (the same name, or the same content under another
name) replaces what it brought for the utterances it places, on whichever videos it went;
all of it is one operation, one undo step, cancellable between utterances and segments on the
background writer (Cancel changes nothing).

Frames: an ``A`` runs from the start of its first frame ``S`` to the start of its last ``E``,
so it is the span ``[S, E + one frame)``, and its frames are those whose middle lies in it,
the rule every import in milliseconds follows
(:func:`~emosign_desktop.media.frame_times.frames_in_span`).  A tier named like a reference
tier the project has already is that tier (``tier_prefix`` keeps them apart).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath

from emosign_desktop.core.changeset import ChangeSet, SegmentEdit
from emosign_desktop.core.errors import EmoSignError, MediaError
from emosign_desktop.core.model import Segment, TierKind, Video, VideoId
from emosign_desktop.io.signstream import Field, SignStreamFile, Utterance, read_signstream
from emosign_desktop.media.frame_times import (
    frame_middles_ms,
    frame_starts_ms,
    frames_of_annotation,
    nominal_starts_ms,
)
from emosign_desktop.services.background import checkpoint
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
from emosign_desktop.services.videos import media_file

SOURCE_PREFIX = "signstream:"
ANNOTATOR = "signstream"
GRAMMAR_GROUP = "Facial grammar (reference)"
GLOSS_GROUP = "Glosses (reference)"
OTHER_GROUP = "SignStream (reference)"

#: Fields of the NCSLGR coding scheme that are non-manual grammar markers (names and labels,
#: lower case); other names are recognized by :data:`_GRAMMAR_WORDS`.
GRAMMAR_FIELDS = frozenset({
    "eye brows", "eye gaze", "eye aperture", "eye apert", "nose", "cheeks", "mouth", "neck",
    "shoulders", "body lean", "body mvmt", "head pos: jut", "head pos: tilt side",
    "head pos: turn", "head pos: tilt fr/bk", "head mvmt: jut", "head mvmt: side to side",
    "head mvmt: nod", "head mvmt: shake", "wh question", "yes-no question",
    "rhetorical question", "rhq", "negative", "topic/focus", "conditional/when", "cond/when",
    "relative clause", "rel. clause", "role shift", "adverbial", "adv",
})
GLOSS_FIELDS = frozenset({
    "main gloss", "non-dominant hand gloss", "nd hand gloss", "english translation", "english",
    "literal translation", "literal", "pos", "pos2", "non-dominant pos", "mouthing",
})
_GRAMMAR_WORDS = re.compile(
    r"brow|eye|gaze|blink|squint|head|\bnod|shake|cheek|nose|\bmouth(?!ing)|\blips?\b|tongue"
    r"|question|\bwh\b|\bwh-|yes.?no|\by/n\b|negat|topic|focus|condition|role.?shift"
    r"|relative clause|\brhq\b|adverbial|shoulder|body|neck", re.IGNORECASE)
_GLOSS_WORDS = re.compile(r"gloss|translation|mouthing|part of speech|\bpos\b", re.IGNORECASE)


class NoUtterancePlaced(EmoSignError):
    """None of the file's utterances could be placed on a video: nothing was imported.
    ``result`` lists each utterance and why."""

    def __init__(self, result: SignStreamImport, message: str) -> None:
        self.result = result
        super().__init__(message)


@dataclass(frozen=True)
class Placement:
    """Where one utterance goes (``video`` empty and ``problem`` set when it goes nowhere).

    ``offset_ms`` is where the utterance starts in the video: its ``S`` when the video is
    one of its media files, 0 when the video is the utterance's own clip."""

    utterance: str
    video: str = ""
    video_id: VideoId | None = None
    how: str = ""  # "media file", "utterance ID" or "given"
    offset_ms: int = 0
    spans: tuple[SpanSpec, ...] = ()
    cut: int = 0  # annotations that run past the video's end (cut at its last frame)
    problem: str = ""

    def __str__(self) -> str:
        if not self.video_id:
            return f"utterance {self.utterance}: not imported: {self.problem}"
        how = {"media file": "its media file", "utterance ID": "named after it"}.get(
            self.how, self.how)
        times = (f"times + {self.offset_ms:,} ms" if self.offset_ms
                 else "times from the video's start")
        cut = f", {self.cut} cut at the video's end" if self.cut else ""
        return (f"utterance {self.utterance} -> {self.video} ({how}; {times}): "
                f"{len(self.spans)} segments{cut}")


@dataclass
class SignStreamImport:
    """What an import (or its plan) found and did."""

    path: Path
    source: str
    utterances: int
    fields: int
    annotations: int
    tiers: tuple[TierSpec, ...] = ()
    placed: list[Placement] = field(default_factory=list)
    unplaced: list[Placement] = field(default_factory=list)
    counts: ImportCounts = field(default_factory=ImportCounts)
    sha256: str = ""
    replaced_what: str = ""  # what the import replaced, in words

    @property
    def videos(self) -> list[str]:
        return list(dict.fromkeys(p.video for p in self.placed))

    def lines(self) -> list[str]:
        """The report for the command line (and a dialog): one line per utterance."""
        c = self.counts
        out = [f"{self.path.name}: {self.utterances} utterances, {self.fields} fields, "
               f"{self.annotations:,} annotations"]
        out += [f"  {p}" for p in self.placed]
        out += [f"  {p}" for p in self.unplaced]
        if self.placed:
            placed = len({p.utterance for p in self.placed})
            videos = len(self.videos)
            out.append(f"imported {c.segments:,} segments from {placed} of {self.utterances} "
                       f"utterances into {videos} video{'s' if videos != 1 else ''}, on "
                       f"{c.reference_tiers} reference tiers ({c.tiers_added} new)")
            out.append(self.replaced_what or "replaced nothing (no earlier import of this file)")
            if joined_text(c):
                out.append(joined_text(c))
        if self.unplaced:
            out.append(f"not imported: {len(self.unplaced)} utterances (listed above)")
        return out


def signstream_source(path: str | Path) -> str:
    """The ``source`` an import of ``path`` gives its tiers and segments."""
    return SOURCE_PREFIX + PurePath(path).name


def field_tier(f: Field, extra_values: Sequence[str] = ()) -> TierSpec:
    """The reference tier of a field: its kind, group and vocabulary (the field's value
    labels, and any text the file puts on a field that has values)."""
    names = {f.name.lower(), f.label.lower()} - {""}
    vocabulary = tuple(dict.fromkeys((*f.vocabulary, *extra_values))) if f.values else ()
    if names & GLOSS_FIELDS or (not names & GRAMMAR_FIELDS
                                and any(_GLOSS_WORDS.search(n) for n in names)):
        return TierSpec(f.name, TierKind.FREE, vocabulary, GLOSS_GROUP)
    if f.values and (names & GRAMMAR_FIELDS or any(_GRAMMAR_WORDS.search(n) for n in names)):
        return TierSpec(f.name, TierKind.FACIAL_GRAMMAR, vocabulary, GRAMMAR_GROUP)
    return TierSpec(f.name, TierKind.FREE, vocabulary, OTHER_GROUP)


def tier_specs(file: SignStreamFile, prefix: str = "") -> dict[str, TierSpec]:
    """The reference tier of each field (by field id), names made unique within the file,
    ``prefix`` before each."""
    extra: dict[str, list[str]] = {}
    for u in file.utterances:
        for a in u.annotations:
            f = file.field(a.field_id)
            if f.values and a.value and a.value not in f.values.values():
                extra.setdefault(f.id, []).append(a.value)
    specs: dict[str, TierSpec] = {}
    taken: set[str] = set()
    for f in file.fields:
        spec = field_tier(f, extra.get(f.id, ()))
        name = spec.name
        if name in taken:
            name = f"{f.name} ({f.label})" if f.label and f.label != f.name else name
            if name in taken:
                name = f"{f.name} (field {f.id})"
        taken.add(name)
        specs[f.id] = replace(spec, name=prefix + name)
    return specs


#: SignStream's coding scheme is one for all its files: their tiers are shared.
TIER_SOURCE = "signstream"


def plan_signstream_import(session: Session, path: str | Path, *, utterance: str | None = None,
                           video: str | None = None, tier_prefix: str = "") -> SignStreamImport:
    """Read ``path`` and place its utterances on the project's videos, without writing
    anything: the plan :func:`import_signstream` carries out (a dialog can show it first).

    ``utterance`` limits the import to that utterance; ``video`` places it on that video
    (with no ``utterance``, only for a file of one utterance); ``tier_prefix`` goes before
    the tiers' names.  A malformed file raises
    :class:`~emosign_desktop.core.errors.InputFileError`."""
    repo = session._repo
    file = read_signstream(path)
    specs = tier_specs(file, tier_prefix)
    result = SignStreamImport(file.path, signstream_source(file.path), len(file.utterances),
                              len(file.fields), file.annotation_count,
                              tuple(specs.values()), sha256=file.sha256)
    chosen = list(file.utterances)
    if utterance is not None:
        chosen = [u for u in file.utterances if u.id == utterance.strip()]
        if not chosen:
            known = ", ".join(u.id for u in file.utterances[:20])
            more = ", ..." if len(file.utterances) > 20 else ""
            raise EmoSignError(f"{file.path}: no utterance '{utterance}' (it has {known}{more})")
    videos = repo.videos()
    target: Video | None = None
    if video is not None:
        if len(chosen) != 1:
            raise EmoSignError(f"{file.path} has {len(chosen)} utterances: give the one to put "
                               f"on '{video}' with --utterance ID")
        target = next((v for v in videos if v.name == video), None)
        if target is None:
            raise EmoSignError(f"{repo.folder}: no video named '{video}'")
    people = file.participants if len(file.participants) > 1 else {}
    starts: dict[VideoId, list[float] | None] = {}
    for i, u in enumerate(chosen, 1):
        checkpoint(i, len(chosen), f"reading {file.path.name}: utterance {i:,} of "
                   f"{len(chosen):,}")
        for place in _match(u, videos, target, file.path.stem):
            if place.video_id is None:
                result.unplaced.append(place)
                continue
            v = next(v for v in videos if v.id == place.video_id)
            if v.id not in starts:
                starts[v.id] = _frame_starts(repo.folder, v)
            result_place = _spans(u, place, starts[v.id], specs, people)
            (result.placed if result_place.video_id else result.unplaced).append(result_place)
    return result


def import_signstream(session: Session, path: str | Path, *, utterance: str | None = None,
                      video: str | None = None, tier_prefix: str = "") -> SignStreamImport:
    """Import a SignStream file's annotations as reference tiers on the project's videos
    (see the module's description): one operation, one undo step ("import biker.xml").
    Raises :class:`NoUtterancePlaced` (nothing imported) when no utterance has a video."""
    result = plan_signstream_import(session, path, utterance=utterance, video=video,
                                    tier_prefix=tier_prefix)
    if not result.placed:
        raise NoUtterancePlaced(result, _nothing_placed(result))
    source = result.source
    ids = {p.utterance for p in result.placed}
    by_video: dict[VideoId, list[SpanSpec]] = {}
    for p in result.placed:
        assert p.video_id is not None
        by_video.setdefault(p.video_id, []).extend(p.spans)
    counts = result.counts
    steps = ImportSteps(sum(len(spans) for spans in by_video.values()), result.path.name)
    with session.writer.operation(f"import {result.path.name}") as op:
        repo = session._repo
        earlier = earlier_imports(repo, source, result.sha256,
                                  forget_renamed=utterance is None)
        old = [s for s in repo.segments(sources=earlier.sources) if _utterance_of(s) in ids]
        stamps = repo.segments_times([s.id for s in old])
        op.apply(ChangeSet(segments=tuple(SegmentEdit(s, None, stamps[s.id]) for s in old),
                           meta=earlier.meta))
        counts.replaced = len(old)
        counts.replaced_on = {s.video_id for s in old}
        for video_id, spans in by_video.items():
            part = ImportCounts()
            # what the file brought before is replaced above, utterance by utterance
            changes = build_import(repo, video_id=video_id, source=source, annotator=ANNOTATOR,
                                   tiers=result.tiers, spans=spans, counts=part,
                                   tier_source=TIER_SOURCE, replacing=(),
                                   forget=earlier.renamed if utterance is None else (),
                                   steps=steps)
            steps.saving()
            op.apply(changes)
            steps.saving()  # Cancel pressed while saving: rolled back all the same
            counts.segments += part.segments
            counts.tiers_added += part.tiers_added
            counts.reference_tiers = part.reference_tiers
            counts.joined = list(dict.fromkeys((*counts.joined, *part.joined)))
            counts.values_added += part.values_added
    names = {v.id: v.name for v in session._repo.videos()} if counts.replaced else {}
    result.replaced_what = replaced_text(counts, earlier.renamed, names,
                                         what="an earlier import")
    return result


def _utterance_of(seg: Segment) -> str | None:
    return next((v for k, v in seg.attributes if k == "utterance"), None)


def _match(u: Utterance, videos: Sequence[Video], target: Video | None,
           stem: str) -> list[Placement]:
    """The videos ``u`` goes on (or one placement naming why none)."""
    names = {n.casefold() for n in (*u.media, *u.media_stems)}
    if target is not None:
        own = target.name.casefold() in names or _media_name(target) in names
        return [Placement(u.id, target.name, target.id, "given", u.start_ms if own else 0)]
    by_media = [v for v in videos if v.name.casefold() in names or _media_name(v) in names]
    if by_media:
        return [Placement(u.id, v.name, v.id, "media file", u.start_ms) for v in by_media]
    ending = re.compile(rf"(?:^|[^0-9A-Za-z]){re.escape(u.id)}$")
    by_id = [v for v in videos if ending.search(v.name)]
    if len(by_id) > 1:  # small IDs repeat across files: the one that names the file too
        by_id = [v for v in by_id if stem.casefold() in v.name.casefold()] or by_id
    if len(by_id) == 1:
        return [Placement(u.id, by_id[0].name, by_id[0].id, "utterance ID", 0)]
    if by_id:
        return [Placement(u.id, problem=f"several videos end in its ID "
                          f"({', '.join(v.name for v in by_id[:5])}): give --utterance "
                          f"{u.id} --video NAME")]
    media = ", ".join(u.media[:3]) + (", ..." if len(u.media) > 3 else "")
    return [Placement(u.id, problem="no video named after its media files"
                      + (f" ({media})" if media else "") + f" or ending in '_{u.id}'")]


def _media_name(v: Video) -> str:
    return PurePath(v.media_path).name.casefold() if v.media_path else ""


def _frame_starts(folder: Path, video: Video) -> list[float] | None:
    """Each frame's start (ms) and the end of the last: from the media file's frame index,
    else at the stored frame rate; None when neither is known."""
    path = media_file(folder, video)
    if path is not None:
        from emosign_desktop.media.frame_index import load_index

        try:
            return frame_starts_ms(load_index(path, video.fingerprint))
        except MediaError:
            pass
    if video.media is not None and video.media.fps > 0 and video.media.frame_count > 0:
        return nominal_starts_ms(video.media.fps, video.media.frame_count)
    return None


def _spans(u: Utterance, place: Placement, starts: list[float] | None,
           specs: dict[str, TierSpec], people: dict[str, str]) -> Placement:
    if starts is None or len(starts) < 2:
        return Placement(u.id, problem=f"video {place.video} has no media linked and no frame "
                         "rate stored, so its frames are unknown: link its media first")
    duration = starts[-1]
    if u.annotations:
        latest = place.offset_ms + max(a.start_ms for a in u.annotations)
        if latest >= duration:
            return Placement(u.id, problem=f"its annotations start as late as {latest:,} ms "
                             f"but video {place.video} is {duration:,.0f} ms long")
    spans: list[SpanSpec] = []
    cut = 0
    middles = frame_middles_ms(starts)
    frame_ms = (starts[-1] - starts[0]) / (len(starts) - 1)  # SignStream's E: a frame start
    for a in u.annotations:
        begin, end = place.offset_ms + a.start_ms, place.offset_ms + a.end_ms
        cut += end > duration
        attributes: list[tuple[str, str]] = []
        if a.phase:
            attributes.append(("phase", a.phase))
        attributes.append(("utterance", u.id))
        if a.participant and people:
            attributes.append(("participant", people.get(a.participant, a.participant)))
        first, last, _ = frames_of_annotation(starts, middles, begin,
                                              max(end, begin) + frame_ms)
        spans.append(SpanSpec(specs[a.field_id].name, first, last, a.value,
                              attributes=tuple(attributes)))
    return replace(place, spans=tuple(spans), cut=cut)


def _nothing_placed(result: SignStreamImport) -> str:
    n = len(result.unplaced)
    first = result.unplaced[0] if result.unplaced else None
    why = "" if first is None else (f" (utterance {first.utterance}: {first.problem}"
                                    + (f"; and {n - 1} more" if n > 1 else "") + ")")
    return (f"{result.path}: none of its {result.utterances} utterances could be placed on a "
            f"video of the project{why}, nothing was imported; name videos after the "
            "utterances' media files or end their names in the utterance ID, or give "
            "--utterance ID --video NAME")
