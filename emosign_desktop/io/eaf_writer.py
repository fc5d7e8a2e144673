"""ELAN files written (EAF 3.0, through pympi-ling): the project's own tiers and the
reference tiers other files brought, side by side.

Our tiers: one ELAN tier per tier of ours and annotator (a second, third... lane when
segments overlap, which one ELAN tier cannot hold), its linguistic type ``EmoSign: <tier>``
carrying the controlled vocabulary, the tier's ``ANNOTATOR`` and ``PARTICIPANT``, and two
dependent symbolic-association tiers for what ELAN has no place for: ``<tier> note`` (the
segment's note) and ``<tier> region`` (``x=.. y=.. w=.. h=..`` in 0..1 image coordinates),
each only where a segment has one.

Reference tiers (:class:`ForeignTier`) are written as their file defined them: tier id,
parent tier, participant, annotator, locale, linguistic type with its constraint, controlled
vocabulary (entries, descriptions, languages).  Alignable annotations get their own time
slots, except time subdivisions, which share their parent's first and last slot and one slot
between each two neighbours, as ELAN keeps them; symbolic subdivisions and associations
refer to their parent annotation (subdivisions in order, ``PREVIOUS_ANNOTATION``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree

from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.io.eaf import (
    NOTE_TYPE,
    OWN_TYPE_PREFIX,
    REGION_TYPE,
    SYMBOLIC,
    VIDEO_PROPERTY,
    EafTier,
    EafType,
    EafVocabulary,
)

SCHEMA_URL = "http://www.mpi.nl/tools/elan/EAFv3.0.xsd"
MIME_TYPES = {".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime",
              ".mkv": "video/x-matroska", ".webm": "video/webm", ".avi": "video/x-msvideo",
              ".mpg": "video/mpeg", ".mpeg": "video/mpeg", ".mts": "video/mp2t"}
#: The language of what names none (an EAF 2.x vocabulary, our own tiers).
UNDETERMINED = ("und", "http://cdb.iso.org/lg/CDB-00130975-001", "undetermined (und)")


@dataclass(frozen=True)
class ExportSpan:
    """A segment to write: milliseconds ``begin_ms`` (inclusive) to ``end_ms``."""

    begin_ms: int
    end_ms: int
    value: str = ""
    note: str = ""
    region: str = ""  # :func:`region_text`, or ""


@dataclass(frozen=True)
class ExportTier:
    """One of our tiers for one annotator."""

    tier: str  # our tier's name
    annotator: str
    participant: str
    vocabulary: tuple[str, ...] = ()
    spans: tuple[ExportSpan, ...] = ()

    @property
    def elan_id(self) -> str:
        return f"{self.tier}@{self.annotator}"


@dataclass(frozen=True)
class ForeignAnnotation:
    """An annotation of a reference tier to write: ``key`` names it in the export (unique),
    ``parent`` the key of the annotation it depends on; milliseconds for alignable ones."""

    key: int
    value: str
    begin_ms: int = 0
    end_ms: int = 0
    parent: int | None = None


@dataclass(frozen=True)
class ForeignTier:
    """A reference tier to write as its file defined it (``tier``: the definition, whose
    annotations are not used) with ``annotations`` in order.  ``group`` names the file: a
    tier's parent is the tier of that id in the same group."""

    tier: EafTier
    annotations: tuple[ForeignAnnotation, ...] = ()
    group: str = ""

    @property
    def kind(self) -> EafType:
        return self.tier.type or EafType(self.tier.linguistic_type, self.tier.constraint)


@dataclass(frozen=True)
class ExportMedia:
    """The media to link: its absolute path and the path relative to the EAF's folder."""

    path: Path
    relative: str

    @property
    def mime_type(self) -> str:
        return MIME_TYPES.get(self.path.suffix.lower(), "video/*")


def relative_media_url(media: Path, eaf_folder: Path) -> str:
    """``RELATIVE_MEDIA_URL`` as ELAN writes it: ``./clip.mp4``, ``../media/clip.mp4``."""
    try:
        rel = Path(os.path.relpath(media.resolve(), eaf_folder.resolve())).as_posix()
    except ValueError:  # another drive
        return ""
    return quote(rel if rel.startswith("../") else f"./{rel}")


def lanes(spans: Iterable[ExportSpan]) -> list[list[ExportSpan]]:
    """Spans spread over as few lanes as needed for none to overlap within a lane (one ELAN
    tier holds no overlapping annotations)."""
    out: list[list[ExportSpan]] = []
    for span in sorted(spans, key=lambda s: (s.begin_ms, s.end_ms)):
        lane = next((lane for lane in out if lane[-1].end_ms <= span.begin_ms), None)
        if lane is None:
            out.append([span])
        else:
            lane.append(span)
    return out or [[]]


def write_eaf(path: str | Path, tiers: Sequence[ExportTier], *, media: ExportMedia | None,
              video: str, author: str = "EmoSign Desktop", foreign: Sequence[ForeignTier] = (),
              languages: Mapping[str, tuple[str, str]] | None = None) -> int:
    """Write our ``tiers`` and the ``foreign`` (reference) tiers, whose vocabularies use
    ``languages`` (id -> definition, label), as an EAF 3.0 file (atomically); returns the
    annotations written."""
    from pympi.Elan import Eaf, to_adocument

    path = Path(path)
    eaf = Eaf(author=author)
    eaf.adocument.update({"VERSION": "3.0", "FORMAT": "3.0",
                          "xsi:noNamespaceSchemaLocation": SCHEMA_URL})
    eaf.remove_tier("default")
    eaf.remove_linguistic_type("default-lt")
    eaf.header = {"MEDIA_FILE": "", "TIME_UNITS": "milliseconds"}
    eaf.add_language(*UNDETERMINED)
    for lang_id, (definition, label) in (languages or {}).items():
        if lang_id and lang_id not in eaf.languages:
            eaf.add_language(lang_id, definition or None, label or None)
    if media is not None:
        eaf.add_linked_file(media.path.resolve().as_uri(), relpath=media.relative or None,
                            mimetype=media.mime_type)
    eaf.add_linguistic_type(NOTE_TYPE, "Symbolic_Association", timealignable=False)
    eaf.add_linguistic_type(REGION_TYPE, "Symbolic_Association", timealignable=False)
    for tier in tiers:
        _add_type(eaf, tier)
    count = 0
    for tier in tiers:
        count += _add_tier(eaf, tier)
    count += _Foreign(eaf).add(foreign)
    eaf.properties = [("URN", f"urn:nl-mpi-tools-elan-eaf:{uuid.uuid4()}"),
                      (VIDEO_PROPERTY, video), ("lastUsedAnnotationId", str(eaf.maxaid))]
    document = ElementTree.ElementTree(to_adocument(eaf, pretty=True))
    tmp = path.with_name(path.name + ".part")
    try:
        document.write(str(tmp), xml_declaration=True, encoding="UTF-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise EmoSignError(f"{path}: cannot write the file ({exc.strerror})") from None
    return count


def _add_type(eaf: Any, tier: ExportTier) -> None:
    lt = OWN_TYPE_PREFIX + tier.tier
    if lt in eaf.linguistic_types:
        return
    eaf.add_linguistic_type(lt, timealignable=True)
    if tier.vocabulary:
        cv = tier.tier
        eaf.add_controlled_vocabulary(cv)
        eaf.add_cv_description(cv, "und", f"Values of the EmoSign tier '{tier.tier}'")
        for i, value in enumerate(tier.vocabulary):
            eaf.add_cv_entry(cv, f"cveid{i}", [(value, "und", f"{tier.tier}: {value}")])
        eaf.linguistic_types[lt]["CONTROLLED_VOCABULARY_REF"] = cv


def _add_tier(eaf: Any, tier: ExportTier) -> int:
    """The tier's lanes, each with its note and region tiers where needed.  Annotations go in
    through pympi's tables directly: its add_ref_annotation finds the parent by time, which
    is linear per call and ambiguous where two segments touch."""
    lt = OWN_TYPE_PREFIX + tier.tier
    count = 0
    for n, lane in enumerate(lanes(tier.spans), 1):
        name = tier.elan_id if n == 1 else f"{tier.elan_id} ({n})"
        eaf.add_tier(name, ling=lt, part=tier.participant, ann=tier.annotator)
        children: dict[str, list[tuple[str, str]]] = {"note": [], "region": []}
        for span in lane:
            aid = eaf.generate_annotation_id()
            begin, end = eaf.generate_ts_id(span.begin_ms), eaf.generate_ts_id(span.end_ms)
            eaf.tiers[name][0][aid] = (begin, end, span.value, None)
            eaf.annotations[aid] = name
            count += 1
            if span.note:
                children["note"].append((aid, span.note))
            if span.region:
                children["region"].append((aid, span.region))
        for kind, child_type in (("note", NOTE_TYPE), ("region", REGION_TYPE)):
            if not children[kind]:
                continue
            child = f"{name} {kind}"
            eaf.add_tier(child, ling=child_type, parent=name, part=tier.participant,
                         ann=tier.annotator)
            for parent_aid, text in children[kind]:
                aid = eaf.generate_annotation_id()
                eaf.tiers[child][1][aid] = (parent_aid, text, None, None)
                eaf.annotations[aid] = child
                count += 1
    return count


class _Foreign:
    """Reference tiers into a pympi document: types, vocabularies, tiers, annotations."""

    def __init__(self, eaf: Any) -> None:
        self.eaf = eaf
        self.types: dict[tuple[object, ...], str] = {}  # (type, cv) -> the type's name here
        self.cvs: dict[EafVocabulary, str] = {}
        self.slots: dict[int, tuple[str, str]] = {}  # key -> its time slots
        self.ids: dict[int, str] = {}  # key -> its annotation id

    def add(self, tiers: Sequence[ForeignTier]) -> int:
        names: dict[tuple[str, str], str] = {}  # (group, the tier's id in it) -> its id here
        for tier in tiers:
            name = _unique(tier.tier.id, self.eaf.tiers)
            names[tier.group, tier.tier.id] = name
            parent = names.get((tier.group, tier.tier.parent or ""))
            self.eaf.add_tier(name, ling=self._type(tier), parent=parent,
                              part=tier.tier.participant or None,
                              ann=tier.tier.annotator or None)
            params = self.eaf.tiers[name][2]
            if tier.tier.locale:
                if tier.tier.locale not in self.eaf.locales:
                    self.eaf.add_locale(tier.tier.locale)
                params["DEFAULT_LOCALE"] = tier.tier.locale
            if tier.tier.language in self.eaf.languages:
                params["LANG_REF"] = tier.tier.language
        count = 0
        for tier in _parents_first(tiers):
            count += self._annotations(names[tier.group, tier.tier.id], tier)
        return count

    def _type(self, tier: ForeignTier) -> str:
        kind, cv = tier.kind, tier.tier.cv
        key = (kind, cv)
        if key in self.types:
            return self.types[key]
        name = _unique(kind.id, self.eaf.linguistic_types)
        self.eaf.add_linguistic_type(name, kind.constraint, kind.time_alignable,
                                     kind.graphic_references)
        if cv is not None:
            self.eaf.linguistic_types[name]["CONTROLLED_VOCABULARY_REF"] = self._cv(cv)
        self.types[key] = name
        return name

    def _cv(self, cv: EafVocabulary) -> str:
        if cv in self.cvs:
            return self.cvs[cv]
        name = _unique(cv.id, self.eaf.controlled_vocabularies)
        self.eaf.add_controlled_vocabulary(name)
        for lang, text in cv.descriptions:
            self.eaf.add_cv_description(name, self._language(lang), text or None)
        for entry in cv.entries:
            self.eaf.add_cv_entry(name, entry.id, [(v, self._language(lang), d or None)
                                                   for v, lang, d in entry.values])
        self.cvs[cv] = name
        return name

    def _language(self, lang: str) -> str:
        """``lang`` when the document defines it, else "und" (EAF 2.x names none)."""
        return lang if lang in self.eaf.languages else UNDETERMINED[0]

    def _slot(self, ms: int) -> str:
        return str(self.eaf.generate_ts_id(max(ms, 0)))

    def _annotations(self, name: str, tier: ForeignTier) -> int:
        kind = tier.kind
        alignable, refs = self.eaf.tiers[name][0], self.eaf.tiers[name][1]
        count = 0
        if kind.constraint in SYMBOLIC:
            previous: dict[int, str] = {}
            for a in tier.annotations:
                if a.parent is None or a.parent not in self.ids:
                    continue  # what it depends on is not written
                aid = self.eaf.generate_annotation_id()
                prev = previous.get(a.parent) if kind.constraint == SYMBOLIC[0] else None
                refs[aid] = (self.ids[a.parent], a.value, prev, None)
                self._written(name, a.key, aid)
                previous[a.parent] = aid
                count += 1
            return count
        shared: dict[int, list[ForeignAnnotation]] = {}
        for a in tier.annotations:
            if kind.constraint == "Time_Subdivision" and a.parent in self.slots:
                assert a.parent is not None
                shared.setdefault(a.parent, []).append(a)
                continue
            begin, end = self._slot(a.begin_ms), self._slot(max(a.end_ms, a.begin_ms))
            count += self._alignable(name, alignable, a, begin, end)
        for key, children in shared.items():
            children.sort(key=lambda c: (c.begin_ms, c.end_ms))
            first, last = self.slots[key]
            begin = first
            for i, a in enumerate(children):
                end = last if i == len(children) - 1 else self._slot(children[i + 1].begin_ms)
                count += self._alignable(name, alignable, a, begin, end)
                begin = end
        return count

    def _alignable(self, name: str, table: dict[str, Any], a: ForeignAnnotation, begin: str,
                   end: str) -> int:
        aid = self.eaf.generate_annotation_id()
        table[aid] = (begin, end, a.value, None)
        self.slots[a.key] = (begin, end)
        self._written(name, a.key, aid)
        return 1

    def _written(self, name: str, key: int, aid: str) -> None:
        self.ids[key] = aid
        self.eaf.annotations[aid] = name


def _unique(name: str, taken: Mapping[str, object]) -> str:
    """``name``, or ``name (2)``, ``name (3)``... when it is taken."""
    n, out = 1, name
    while out in taken:
        n += 1
        out = f"{name} ({n})"
    return out


def _parents_first(tiers: Sequence[ForeignTier]) -> list[ForeignTier]:
    """The tiers ordered so that each comes after the tier it depends on."""
    by_id = {(t.group, t.tier.id): t for t in tiers}
    out: list[ForeignTier] = []
    placed: set[tuple[str, str]] = set()

    def place(tier: ForeignTier, depth: int = 0) -> None:
        key = (tier.group, tier.tier.id)
        if key in placed or depth > len(tiers):
            return
        parent = by_id.get((tier.group, tier.tier.parent or ""))
        if parent is not None:
            place(parent, depth + 1)
        placed.add(key)
        out.append(tier)

    for tier in tiers:
        place(tier)
    return out
