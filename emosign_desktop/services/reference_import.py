"""Segments brought in from another tool's file (ELAN, SignStream), as one change set.

An import names its ``source`` (e.g. ``elan:lab.eaf``).  Importing a file again replaces
what it brought before, wherever it was placed (its segments go, on every video, and the
new ones come), in one operation that one undo takes back.  A file is the same file when it
has the same name, or the same content (its SHA-256, recorded in the project's settings
under ``import:<source>``) under another name; :func:`earlier_imports` finds them.

Tiers the file defines that the project does not know come in as *reference* tiers:
read-only, with their own vocabulary, grouped and under their parent.  A project has one
tier per name: a file whose tier is named like a reference tier already there (from another
file, or another tool) adds to that tier, its vocabulary merged (reported as ``joined``);
only a clash with one of the project's own tiers gives the file's tier a name of its own,
``name (file)``.  What the file says of each tier is kept in the tier's ``origin`` (per
file), so it can be written back as it came.  Segments on tiers of our own (a file we
exported coming back) go to those tiers, attributed to their annotator; the ones the project
holds already as they are are not added twice.

A segment that depends on another one of the file (an ELAN annotation on a dependent tier)
names it in its attributes: ``("parent", <uid of the parent segment>)``.

On the background writer an import is cancellable: :class:`ImportSteps` calls
:func:`~emosign_desktop.services.background.checkpoint` between segments (and once more
after they are written, before the commit), so Cancel rolls the whole import back.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from emosign_desktop.core.changeset import (
    AnnotatorEdit,
    ChangeSet,
    MetaEdit,
    SegmentEdit,
    TierEdit,
)
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
from emosign_desktop.core.names import InvalidNameError, check_name
from emosign_desktop.services.background import checkpoint
from emosign_desktop.services.building import NewIds, find_or_add_annotator
from emosign_desktop.storage.repository import Repository

#: Project setting naming an imported file's content: ``import:<source>`` -> JSON.
IMPORT_META = "import:"
#: The attribute naming the segment a segment depends on (its uid).
PARENT = "parent"


@dataclass(frozen=True)
class TierSpec:
    """A tier the file defines.  ``own``: one of the project's tiers (it must exist);
    otherwise a read-only reference tier is found (same name) or made.  ``origin``: what the
    file says of the tier (JSON), kept with the tier under the file's source."""

    name: str
    kind: TierKind = TierKind.FREE
    vocabulary: tuple[str, ...] = ()
    group: str = ""
    parent: str | None = None  # the name of its parent (in this file)
    own: bool = False
    origin: str = ""


@dataclass(frozen=True)
class SpanSpec:
    """A segment the file holds, already in frames.  ``key`` names it in the file and
    ``parent`` the key of the span it depends on (both "" when none)."""

    tier: str
    start_frame: int
    end_frame: int
    value: str = ""
    note: str = ""
    attributes: tuple[tuple[str, str], ...] = ()
    annotator: str = ""  # "" : the import's own annotator (a reference annotator)
    region: Region | None = None
    key: str = ""
    parent: str = ""


@dataclass
class ImportCounts:
    """What an import brought."""

    segments: int = 0
    replaced: int = 0
    unchanged: int = 0  # segments the project already holds, as they are (not added twice)
    unchanged_reference: int = 0  # those of them on reference tiers
    tiers_added: int = 0
    reference_tiers: int = 0
    replaced_on: set[VideoId] = field(default_factory=set)  # videos it took segments from
    joined: list[str] = field(default_factory=list)  # tiers it shares with other files
    values_added: int = 0  # values it added to the vocabularies of those


@dataclass
class ImportSteps:
    """How far an import got through its segments (one file's, over every video it goes
    on): each :meth:`step` is a point where it reports progress and may be cancelled."""

    total: int
    name: str  # the file's name, for the progress dialog
    done: int = 0

    def step(self) -> None:
        """One more segment built (raises CancelledError when the user cancelled)."""
        self.done += 1
        checkpoint(self.done, self.total,
                   f"importing {self.name}: segment {self.done:,} of {self.total:,}")

    def saving(self) -> None:
        """Called before its segments are written, and after (before the commit): says they
        are being saved, and a Cancel pressed meanwhile still rolls the import back."""
        checkpoint(self.done, self.total,
                   f"importing {self.name}: saving segments ({self.done:,} of {self.total:,})")


@dataclass(frozen=True)
class EarlierImports:
    """Earlier imports of the same file: its own name, and other names that had the same
    content (``renamed``); ``meta`` records this import and forgets those."""

    sources: tuple[str, ...]
    renamed: tuple[str, ...] = ()
    meta: tuple[MetaEdit, ...] = ()


def earlier_imports(repo: Repository, source: str, sha256: str, *,
                    forget_renamed: bool = True) -> EarlierImports:
    """The earlier imports of ``source`` (``tool:name``) with content ``sha256``: by its
    name, and under any other name of the same tool with the same content."""
    settings = repo.meta()
    tool = source.split(":", 1)[0] + ":"
    renamed = []
    for key, value in settings.items():
        other = key[len(IMPORT_META):]
        if not key.startswith(IMPORT_META + tool) or other == source:
            continue
        try:
            same = json.loads(value).get("sha256") == sha256
        except (ValueError, AttributeError):
            same = False
        if same:
            renamed.append(other)
    key = IMPORT_META + source
    record = json.dumps({"sha256": sha256})
    meta = [MetaEdit(key, settings.get(key), record)] if settings.get(key) != record else []
    if forget_renamed:
        meta += [MetaEdit(IMPORT_META + o, settings[IMPORT_META + o], None) for o in renamed]
    return EarlierImports((source, *renamed), tuple(renamed), tuple(meta))


def replaced_text(counts: ImportCounts, renamed: Sequence[str], videos: dict[VideoId, str],
                  *, what: str = "the earlier import") -> str:
    """What an import replaced, in words ("" when nothing)."""
    if not counts.replaced:
        return ""
    names = ", ".join(sorted(videos.get(v, str(v)) for v in counts.replaced_on))
    copies = f" (the same file as {', '.join(n.split(':', 1)[-1] for n in renamed)})" \
        if renamed else ""
    return f"replaced {counts.replaced} segments of {what}{copies} on {names}"


def joined_text(counts: ImportCounts) -> str:
    """The tiers an import shares with other files, in words ("" when none)."""
    if not counts.joined:
        return ""
    names = ", ".join(counts.joined[:6]) + (", ..." if len(counts.joined) > 6 else "")
    n = len(counts.joined)
    values = (f"; {counts.values_added} new value{'s' if counts.values_added != 1 else ''} "
              "in their vocabularies") if counts.values_added else ""
    return (f"added to {n} tier{'s' if n != 1 else ''} other files brought too "
            f"({names}{values})")


def _count_tiers(counts: ImportCounts, tiers_edits: _Tiers, by_name: dict[str, Tier]) -> None:
    """Say in ``counts`` what the import does to the tiers."""
    counts.tiers_added = sum(1 for e in tiers_edits.edits if e.before is None)
    counts.reference_tiers = sum(1 for t in by_name.values() if t.read_only)
    counts.joined = tiers_edits.joined
    counts.values_added = tiers_edits.values_added


def _taking_out(repo: Repository, replacing: Sequence[str],
               counts: ImportCounts) -> list[SegmentEdit]:
    """The removal of every segment the imports named in ``replacing`` brought."""
    old = repo.segments(sources=replacing) if replacing else []
    stamps = repo.segments_times([s.id for s in old])
    counts.replaced = len(old)
    counts.replaced_on = {s.video_id for s in old}
    return [SegmentEdit(s, None, stamps[s.id]) for s in old]


def build_import(repo: Repository, *, video_id: VideoId, source: str, annotator: str,
                 tiers: Sequence[TierSpec], spans: Sequence[SpanSpec],
                 counts: ImportCounts | None = None,
                 tier_source: str | None = None,
                 replacing: Sequence[str] | None = None,
                 skip_held_reference: bool = False, forget: Sequence[str] = (),
                 steps: ImportSteps | None = None) -> ChangeSet:
    """The change set of importing ``spans`` (on ``tiers``) into ``video_id`` from
    ``source``; segments of reference tiers are attributed to ``annotator`` (an imported
    annotator, made if new).  ``tier_source`` names where new reference tiers come from
    when files share them (SignStream's one coding scheme); by default the file.  What the
    imports named in ``replacing`` brought (default: ``source``'s) is taken out, on every
    video.  ``skip_held_reference``: a reference segment the video holds already as it is
    (our own export coming back) is not added twice.  Tiers forget what the files named in
    ``replacing`` or ``forget`` said of them.  ``steps`` counts the segments built (by
    default over ``spans`` alone), each a point where the import may be cancelled."""
    counts = counts if counts is not None else ImportCounts()
    steps = steps if steps is not None else ImportSteps(len(spans), source.split(":", 1)[-1])
    _check_names(source, tiers, spans)
    ids = NewIds(repo)
    replacing = (source,) if replacing is None else tuple(replacing)
    tiers_edits = _Tiers(repo, source, tier_source or source, ids, tiers,
                         (*replacing, *forget))
    for span in spans:
        if span.value:
            tiers_edits.used.setdefault(span.tier, []).append(span.value)
    by_name = {spec.name: tiers_edits.tier(spec) for spec in tiers}
    tiers_edits.forget_replaced()
    _count_tiers(counts, tiers_edits, by_name)
    people: dict[str, int] = {}
    annotator_edits: list[AnnotatorEdit] = []

    def who(name: str, kind: AnnotatorKind) -> int:
        if name not in people:
            found, made = find_or_add_annotator(repo, name, ids, kind)
            people[name] = found.id
            annotator_edits.extend(made)
        return people[name]

    segment_edits = _taking_out(repo, replacing, counts)
    gone = set(replacing)
    here = [s for s in repo.segments(video_id=video_id) if s.source not in gone]
    held = {(int(s.annotator_id), s.tier_id, s.start_frame, s.end_frame, s.value, s.note,
             s.region): s.uid for s in here}
    held_reference = {(s.tier_id, s.start_frame, s.end_frame, s.value): s.uid for s in here}
    uids: dict[str, str] = {}  # span key -> uid of its segment
    made: list[tuple[Segment, str]] = []
    for span in spans:
        steps.step()
        tier = _tier_of(span, by_name.get(span.tier) or tiers_edits.existing.get(span.tier),
                        source)
        kind = AnnotatorKind.IMPORTED if tier.read_only or not span.annotator \
            else AnnotatorKind.HUMAN
        person = who(span.annotator or annotator, kind)
        same = (held.get((person, tier.id, span.start_frame, span.end_frame, span.value,
                          span.note, span.region)) if not tier.read_only else
                held_reference.get((tier.id, span.start_frame, span.end_frame, span.value))
                if skip_held_reference else None)
        if same is not None:
            counts.unchanged += 1  # our own export coming back unchanged: not twice
            counts.unchanged_reference += tier.read_only
            if span.key:
                uids[span.key] = same
            continue
        uid = uuid.uuid4().hex
        if span.key:
            uids[span.key] = uid
        seg = Segment(SegmentId(ids("segment")), video_id, AnnotatorId(person), tier.id,
                      span.start_frame, span.end_frame, span.value, span.note, span.region,
                      uid, span.attributes, source)
        made.append((seg, span.parent))
    for seg, parent in made:
        if parent and parent in uids:
            seg = Segment(seg.id, seg.video_id, seg.annotator_id, seg.tier_id, seg.start_frame,
                          seg.end_frame, seg.value, seg.note, seg.region, seg.uid,
                          tuple(sorted((*seg.attributes, (PARENT, uids[parent])))), seg.source)
        segment_edits.append(SegmentEdit(None, seg))
    counts.segments = len(spans) - counts.unchanged
    return ChangeSet(annotators=tuple(annotator_edits), tiers=tuple(tiers_edits.edits),
                     segments=tuple(segment_edits))


def _tier_of(span: SpanSpec, tier: Tier | None, source: str) -> Tier:
    """The tier ``span`` goes on (found by its name), which must allow its value."""
    if tier is None:
        raise LabelValidationError(f"no tier '{span.tier}' for a segment of {source}")
    if tier.vocabulary and span.value and span.value not in tier.vocabulary:
        raise LabelValidationError(f"'{span.value}' is not in the vocabulary of tier "
                                   f"'{tier.name}' ({source})")
    return tier


def _check_names(source: str, tiers: Sequence[TierSpec], spans: Sequence[SpanSpec]) -> None:
    """The file's tier and annotator names are acceptable names (see ``core.names``)."""
    try:
        for spec in tiers:
            check_name("tier", spec.name)
        for name in {span.annotator for span in spans if span.annotator}:
            check_name("annotator", name)
    except InvalidNameError as exc:
        raise InvalidNameError(f"{exc} ({source})") from None


def origins(tier: Tier) -> dict[str, object]:
    """What the files ``tier`` came from say of it, by source (empty for our own tiers)."""
    if not tier.origin:
        return {}
    try:
        found = json.loads(tier.origin)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


class _Tiers:
    """The tiers of an import: found (one per name) or made, and their edits."""

    def __init__(self, repo: Repository, source: str, tier_source: str, ids: NewIds,
                 specs: Sequence[TierSpec], replacing: Sequence[str]) -> None:
        self.source, self.tier_source, self.ids = source, tier_source, ids
        self.specs = {s.name: s for s in specs}
        self.replacing = set(replacing)
        self.existing = {t.name: t for t in repo.tiers()}
        self.made: dict[str, Tier] = {}
        self.visiting: set[str] = set()
        self.used: dict[str, list[str]] = {}
        self.edits: list[TierEdit] = []
        self.joined: list[str] = []
        self.values_added = 0

    def tier(self, spec: TierSpec) -> Tier:
        if spec.name in self.made:
            return self.made[spec.name]
        if spec.own:
            tier = self.existing.get(spec.name)
            if tier is None or tier.read_only:
                raise LabelValidationError(f"the project has no tier '{spec.name}' of its own "
                                           f"({self.source})")
            self.made[spec.name] = tier
            return tier
        parent_id: TierId | None = None
        parent_spec = self.specs.get(spec.parent) if spec.parent is not None else None
        if parent_spec is not None and parent_spec.name not in self.visiting:
            self.visiting.add(spec.name)  # a tier that is its own ancestor gets no parent
            parent_id = self.tier(parent_spec).id
            self.visiting.discard(spec.name)
        name = spec.name
        same = self.existing.get(name)
        if same is not None and not same.read_only:  # one of ours has the name
            name = f"{spec.name} ({self.source.split(':', 1)[-1]})"
            same = self.existing.get(name)
        tier = self._made(spec, name, parent_id) if same is None else self._joined(
            spec, same, parent_id)
        self.existing[name] = self.made[spec.name] = tier
        return tier

    def forget_replaced(self) -> None:
        """Tiers this import does not bring forget what the files it replaces said of them."""
        mine = {t.id for t in self.made.values()}
        for tier in list(self.existing.values()):
            before = origins(tier)
            if tier.id in mine or not self.replacing & set(before):
                continue
            kept = {k: v for k, v in before.items() if k not in self.replacing}
            after = dataclasses.replace(
                tier, origin=json.dumps(kept, ensure_ascii=False, sort_keys=True) if kept else "")
            self.edits.append(TierEdit(tier, after))
            self.existing[tier.name] = after

    def _origin(self, before: dict[str, object], spec: TierSpec) -> str:
        kept = {k: v for k, v in before.items() if k not in self.replacing}
        kept[self.source] = json.loads(spec.origin) if spec.origin else {}
        return json.dumps(kept, ensure_ascii=False, sort_keys=True)

    def _made(self, spec: TierSpec, name: str, parent_id: TierId | None) -> Tier:
        tier = Tier(TierId(self.ids("tier")), name, spec.kind, tuple(spec.vocabulary), True,
                    spec.group, parent_id, self.tier_source, self._origin({}, spec))
        self.edits.append(TierEdit(None, tier))
        return tier

    def _joined(self, spec: TierSpec, same: Tier, parent_id: TierId | None) -> Tier:
        """``same`` (a reference tier of that name) with this file's part: vocabularies
        merged (with the values the file uses, when only one of them has one)."""
        before = origins(same)
        others = set(before) - self.replacing - {self.source} if before else (
            {same.source} - {self.source, self.tier_source})
        vocabulary: tuple[str, ...] = ()
        if same.vocabulary or spec.vocabulary:
            vocabulary = tuple(dict.fromkeys((*same.vocabulary, *spec.vocabulary,
                                              *self.used.get(spec.name, ()))))
        if others:
            self.joined.append(same.name)
            self.values_added += len(vocabulary) - len(same.vocabulary)
        wanted = Tier(same.id, same.name, same.kind, vocabulary, True, same.group or spec.group,
                      same.parent_id if same.parent_id is not None else parent_id,
                      same.source, self._origin(before, spec))
        if wanted != same:
            self.edits.append(TierEdit(same, wanted))
        return wanted
