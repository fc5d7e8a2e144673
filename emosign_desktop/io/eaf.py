"""ELAN annotation files (``.eaf``, EAF 2.7 to 3.0), read safely (writing:
:mod:`emosign_desktop.io.eaf_writer`).

Reading parses the whole file with defusedxml (no document type declaration, so no
entities; nothing fetched; at most :data:`MAX_EAF_BYTES`), checks every reference in it
(linguistic types, parent tiers, time slots, referenced annotations) and gives each
annotation its span in milliseconds of the annotation timeline:

* an alignable annotation spans its two time slots; a time slot without a value (ELAN leaves
  them in time subdivisions) is spread evenly between the aligned slots at the two ends of
  its chain of annotations, as ELAN shows it, or failing that between the aligned slots
  before and after it in the file's time order;
* a reference annotation (symbolic subdivision or association) spans its parent's span;
  symbolic subdivisions keep their order (``PREVIOUS_ANNOTATION``);
* every annotation on a dependent tier names its parent annotation: the one it refers to,
  or for time subdivisions and included-in tiers the parent tier's annotation it lies in.

What the file says of each tier besides its annotations (its linguistic type and constraint,
its controlled vocabulary with descriptions and languages, participant, annotator, locale)
is kept, so the tier can be written back as it came (:func:`tier_definition`).  This module
knows milliseconds only; frames are the services' business.
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlparse
from xml.etree import ElementTree

from emosign_desktop.core.errors import InputFileError
from emosign_desktop.io.safe_xml import parse_xml, too_large

#: Larger files are refused before they are parsed.
MAX_EAF_BYTES = 64 * 1024 * 1024
#: A tier of this linguistic type (followed by a tier name) is one of the project's tiers.
OWN_TYPE_PREFIX = "EmoSign: "
#: Linguistic types of the dependent tiers that carry a segment's note and region.
NOTE_TYPE = "EmoSign note"
REGION_TYPE = "EmoSign region"
#: Header property naming the project's video the file was written for.
VIDEO_PROPERTY = "emosign:video"
CONSTRAINTS = ("Time_Subdivision", "Symbolic_Subdivision", "Symbolic_Association",
               "Included_In")
#: Constraints whose annotations refer to a parent annotation instead of time slots.
SYMBOLIC = ("Symbolic_Subdivision", "Symbolic_Association")


# -- what a file holds ---------------------------------------------------------------------------

@dataclass(frozen=True)
class EafMedia:
    """A ``MEDIA_DESCRIPTOR``: where the media is, and its offset (``TIME_ORIGIN``, ms into
    the media at the timeline's 0)."""

    url: str
    relative_url: str = ""
    mime_type: str = ""
    time_origin: float = 0.0

    @property
    def file_name(self) -> str:
        """The media file's name (from the relative URL, else the absolute one)."""
        return PurePosixPath(self.relative_path or self.path).name

    @property
    def path(self) -> str:
        """The absolute URL as a local path (``file:///a/b.mp4`` -> ``/a/b.mp4``)."""
        parsed = urlparse(self.url)
        raw = parsed.path if parsed.scheme in ("file", "") else self.url
        return unquote(raw).replace("\\", "/")

    @property
    def relative_path(self) -> str:
        """The relative URL as a path (``./media/b.mp4`` -> ``media/b.mp4``), or ""."""
        rel = unquote(self.relative_url).replace("\\", "/")
        if rel.startswith("file:"):
            rel = urlparse(rel).path
        while rel.startswith("./"):
            rel = rel[2:]
        return rel


@dataclass(frozen=True)
class EafAnnotation:
    """One annotation with its span in milliseconds of the timeline."""

    id: str
    begin_ms: float
    end_ms: float
    value: str
    #: The annotation it depends on: the one a reference annotation refers to, or the parent
    #: tier's annotation an alignable one on a dependent tier lies in (None: none).
    parent: str | None = None


@dataclass(frozen=True)
class EafType:
    """A linguistic type: its constraint (None for a top-level type) and flags."""

    id: str
    constraint: str | None = None
    time_alignable: bool = True
    graphic_references: bool = False


@dataclass(frozen=True)
class EafEntry:
    """A controlled vocabulary's entry: its value in each language, (value, language,
    description); the language is "" in an EAF 2.x file."""

    id: str
    values: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class EafVocabulary:
    """A controlled vocabulary: its descriptions, (language, text), and entries."""

    id: str
    descriptions: tuple[tuple[str, str], ...] = ()
    entries: tuple[EafEntry, ...] = ()

    @property
    def values(self) -> tuple[str, ...]:
        """Every value (all languages), each once, in the file's order."""
        return tuple(dict.fromkeys(v for e in self.entries for v, _, _ in e.values if v))


@dataclass(frozen=True)
class EafTier:
    """One tier: its linguistic type's constraint and vocabulary, and its annotations."""

    id: str
    linguistic_type: str
    parent: str | None = None
    annotator: str = ""
    participant: str = ""
    constraint: str | None = None
    vocabulary: tuple[str, ...] = ()
    annotations: tuple[EafAnnotation, ...] = ()
    type: EafType | None = None  # the whole linguistic type
    cv: EafVocabulary | None = None  # the whole controlled vocabulary
    locale: str = ""  # DEFAULT_LOCALE
    language: str = ""  # LANG_REF


@dataclass(frozen=True)
class EafDocument:
    """What an ELAN file holds (``sha256``: of its bytes)."""

    path: Path
    version: str
    media: tuple[EafMedia, ...] = ()
    properties: tuple[tuple[str, str], ...] = ()
    tiers: tuple[EafTier, ...] = ()
    sha256: str = ""
    #: ``LANGUAGE`` definitions: id -> (LANG_DEF, LANG_LABEL).
    languages: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def header_property(self, name: str) -> str | None:
        """The value of the header property ``name``, if the file has it."""
        return next((v for k, v in self.properties if k == name), None)

    @property
    def annotation_count(self) -> int:
        return sum(len(t.annotations) for t in self.tiers)


# -- reading -------------------------------------------------------------------------------------

def read_eaf(path: str | Path) -> EafDocument:
    """Read and check an ELAN file; any problem is an :class:`InputFileError` naming the file
    and what is wrong with it."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_EAF_BYTES:
            raise InputFileError(path, too_large("ELAN", size, MAX_EAF_BYTES))
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(path, f"cannot read the file ({exc.strerror})") from None
    root = parse_xml(data, path, kind="ELAN", max_bytes=MAX_EAF_BYTES)
    if root.tag != "ANNOTATION_DOCUMENT":
        raise InputFileError(path, f"not an ELAN file: its root element is <{root.tag}>, not "
                             "<ANNOTATION_DOCUMENT>")
    return _Reader(path, root).document(hashlib.sha256(data).hexdigest())


@dataclass
class _Type:
    type: EafType
    vocabulary: str | None


@dataclass
class _Raw:
    """An annotation as written: its slots, or the annotation it refers to."""

    id: str
    tier: str
    value: str
    slots: tuple[str, str] | None = None
    ref: str | None = None
    previous: str | None = None
    span: tuple[float, float] | None = None


@dataclass
class _RawTier:
    attrs: dict[str, str]
    annotations: list[_Raw] = field(default_factory=list)


class _Reader:
    def __init__(self, path: Path, root: ElementTree.Element) -> None:
        self.path = path
        self.root = root

    def fail(self, problem: str) -> InputFileError:
        return InputFileError(self.path, problem)

    def document(self, sha256: str = "") -> EafDocument:
        root = self.root
        header = root.find("HEADER")
        if header is None:
            raise self.fail("no HEADER element: not a complete ELAN file")
        units = header.get("TIME_UNITS", "milliseconds")
        if units != "milliseconds":
            raise self.fail(f"time units '{units}' are not supported (milliseconds only)")
        media = tuple(self._media(m) for m in header.iter("MEDIA_DESCRIPTOR"))
        properties = tuple((p.get("NAME", ""), p.text or "") for p in header.iter("PROPERTY"))
        slots = self._slots()
        types = self._types()
        vocabularies = self._vocabularies()
        tiers = self._tiers(types)
        for raw in tiers.values():
            for a in raw.annotations:
                for s in a.slots or ():
                    if s not in slots:
                        raise self.fail(f"the annotation {a.id} on tier '{a.tier}' refers to "
                                        f"the time slot '{s}', which the file does not have")
        times = _slot_times(slots, [a.slots for t in tiers.values() for a in t.annotations
                                     if a.slots is not None])
        annotations = {a.id: a for t in tiers.values() for a in t.annotations}
        for a in annotations.values():
            if a.slots is not None:
                begin, end = times[a.slots[0]], times[a.slots[1]]
                a.span = (begin, max(begin, end))
        for a in annotations.values():
            self._span(a, annotations)
        _parents_by_time(tiers)
        languages = {lang.get("LANG_ID", ""): (lang.get("LANG_DEF", ""),
                                               lang.get("LANG_LABEL", ""))
                     for lang in root.iter("LANGUAGE") if lang.get("LANG_ID")}
        out = []
        for tier_id, raw in tiers.items():
            attrs = raw.attrs
            kind = types[attrs["LINGUISTIC_TYPE_REF"]]
            cv = vocabularies.get(kind.vocabulary or "")
            ordered = _in_order(raw.annotations, kind.type.constraint)
            out.append(EafTier(
                tier_id, attrs["LINGUISTIC_TYPE_REF"], attrs.get("PARENT_REF") or None,
                attrs.get("ANNOTATOR", ""), attrs.get("PARTICIPANT", ""), kind.type.constraint,
                cv.values if cv else (),
                tuple(EafAnnotation(a.id, *a.span or (0.0, 0.0), a.value, a.ref)
                      for a in ordered),
                kind.type, cv, attrs.get("DEFAULT_LOCALE", ""), attrs.get("LANG_REF", "")))
        return EafDocument(self.path, root.get("VERSION", ""), media, properties, tuple(out),
                           sha256, languages)

    def _media(self, m: ElementTree.Element) -> EafMedia:
        origin = m.get("TIME_ORIGIN")
        try:
            offset = float(origin) if origin else 0.0
        except ValueError:
            raise self.fail(f"the media {m.get('MEDIA_URL')} has the time origin '{origin}', "
                            "not a number of milliseconds") from None
        return EafMedia(m.get("MEDIA_URL", ""), m.get("RELATIVE_MEDIA_URL", ""),
                        m.get("MIME_TYPE", ""), offset)

    def _slots(self) -> dict[str, int | None]:
        slots: dict[str, int | None] = {}
        order = self.root.find("TIME_ORDER")
        for ts in order.iter("TIME_SLOT") if order is not None else ():
            sid = ts.get("TIME_SLOT_ID")
            if not sid:
                raise self.fail("a time slot has no TIME_SLOT_ID")
            if sid in slots:
                raise self.fail(f"the time slot {sid} is defined twice")
            value = ts.get("TIME_VALUE")
            if value is None or value == "":
                slots[sid] = None
                continue
            try:
                ms = int(value)
            except ValueError:
                raise self.fail(f"the time slot {sid} has the value '{value}', not a whole "
                                "number of milliseconds") from None
            if ms < 0:
                raise self.fail(f"the time slot {sid} has a negative time ({ms} ms)")
            slots[sid] = ms
        return slots

    def _types(self) -> dict[str, _Type]:
        types = {}
        for lt in self.root.iter("LINGUISTIC_TYPE"):
            name = lt.get("LINGUISTIC_TYPE_ID")
            if not name:
                raise self.fail("a linguistic type has no LINGUISTIC_TYPE_ID")
            constraint = lt.get("CONSTRAINTS") or None
            if constraint is not None and constraint not in CONSTRAINTS:
                raise self.fail(f"the linguistic type '{name}' has the unknown constraint "
                                f"'{constraint}'")
            kind = EafType(name, constraint, lt.get("TIME_ALIGNABLE", "true") != "false",
                           lt.get("GRAPHIC_REFERENCES", "false") == "true")
            types[name] = _Type(kind, lt.get("CONTROLLED_VOCABULARY_REF") or None)
        return types

    def _vocabularies(self) -> dict[str, EafVocabulary]:
        out = {}
        for cv in self.root.iter("CONTROLLED_VOCABULARY"):
            descriptions = [(d.get("LANG_REF", ""), d.text or "")
                            for d in cv.findall("DESCRIPTION")]
            if cv.get("DESCRIPTION"):  # EAF 2.x: one description, as an attribute
                descriptions.append(("", cv.get("DESCRIPTION", "")))
            entries: list[EafEntry] = []
            for n, entry in enumerate(cv, 1):
                if entry.tag == "CV_ENTRY":  # EAF 2.x: the value is the text
                    entries.append(EafEntry(entry.get("CVE_ID", "") or f"cveid{n}", (
                        (entry.text or "", "", entry.get("DESCRIPTION", "")),)))
                elif entry.tag == "CV_ENTRY_ML":  # EAF 3.0: a value per language
                    entries.append(EafEntry(entry.get("CVE_ID", "") or f"cveid{n}", tuple(
                        (v.text or "", v.get("LANG_REF", ""), v.get("DESCRIPTION", ""))
                        for v in entry.iter("CVE_VALUE"))))
            out[cv.get("CV_ID", "")] = EafVocabulary(cv.get("CV_ID", ""), tuple(descriptions),
                                                     tuple(entries))
        return out

    def _tiers(self, types: dict[str, _Type]) -> dict[str, _RawTier]:
        tiers: dict[str, _RawTier] = {}
        seen: set[str] = set()
        for el in self.root.iter("TIER"):
            tier_id = el.get("TIER_ID")
            if not tier_id:
                raise self.fail("a tier has no TIER_ID")
            if tier_id in tiers:
                raise self.fail(f"the tier '{tier_id}' is defined twice")
            lt = el.get("LINGUISTIC_TYPE_REF", "")
            if lt not in types:
                raise self.fail(f"the tier '{tier_id}' has the linguistic type '{lt}', which "
                                "the file does not define")
            raw = _RawTier(dict(el.attrib))
            for ann in el.iter("ANNOTATION"):
                for item in ann:
                    raw.annotations.append(self._annotation(item, tier_id, seen))
            tiers[tier_id] = raw
        for tier_id, raw in tiers.items():
            parent = raw.attrs.get("PARENT_REF")
            if parent and parent not in tiers:
                raise self.fail(f"the tier '{tier_id}' has the parent tier '{parent}', which "
                                "the file does not have")
        return tiers

    def _annotation(self, item: ElementTree.Element, tier: str, seen: set[str]) -> _Raw:
        aid = item.get("ANNOTATION_ID")
        if not aid:
            raise self.fail(f"an annotation on tier '{tier}' has no ANNOTATION_ID")
        if aid in seen:
            raise self.fail(f"the annotation id {aid} is used twice")
        seen.add(aid)
        value_el = item.find("ANNOTATION_VALUE")
        value = (value_el.text or "") if value_el is not None else ""
        if item.tag == "ALIGNABLE_ANNOTATION":
            refs = (item.get("TIME_SLOT_REF1", ""), item.get("TIME_SLOT_REF2", ""))
            return _Raw(aid, tier, value, slots=refs)
        if item.tag == "REF_ANNOTATION":
            ref = item.get("ANNOTATION_REF")
            if not ref:
                raise self.fail(f"the annotation {aid} on tier '{tier}' refers to no "
                                "annotation (no ANNOTATION_REF)")
            return _Raw(aid, tier, value, ref=ref, previous=item.get("PREVIOUS_ANNOTATION"))
        raise self.fail(f"the annotation on tier '{tier}' is a <{item.tag}>, not an "
                        "ALIGNABLE_ANNOTATION or REF_ANNOTATION")

    def _span(self, a: _Raw, annotations: dict[str, _Raw]) -> tuple[float, float]:
        chain = []
        node = a
        while node.span is None:
            if node.ref not in annotations:
                raise self.fail(f"the annotation {node.id} on tier '{node.tier}' refers to "
                                f"the annotation {node.ref}, which the file does not have")
            chain.append(node)
            if len(chain) > len(annotations):
                raise self.fail(f"the annotation {a.id} on tier '{a.tier}' refers to itself "
                                "through its parents")
            node = annotations[node.ref]
        for child in chain:
            child.span = node.span
        return node.span


def _parents_by_time(tiers: dict[str, _RawTier]) -> None:
    """Alignable annotations on a dependent tier: the parent tier's annotation they lie in
    (whose span holds their middle)."""
    for raw in tiers.values():
        parent = tiers.get(raw.attrs.get("PARENT_REF") or "")
        aligned = [a for a in raw.annotations if a.slots is not None and a.span is not None]
        if parent is None or not aligned:
            continue
        spans = sorted((a.span[0], a.span[1], a.id) for a in parent.annotations
                       if a.span is not None)
        begins = [b for b, _, _ in spans]
        for a in aligned:
            assert a.span is not None
            begin, end = a.span
            i = bisect.bisect_right(begins, begin) - 1  # parents do not overlap on a tier
            if i < 0 or spans[i][1] < end:  # not inside one: the one holding its middle
                middle = (begin + end) / 2
                i = bisect.bisect_right(begins, middle) - 1
                if i >= 0 and spans[i][1] < middle:
                    i = -1
            if i >= 0:
                a.ref = spans[i][2]


def _in_order(annotations: list[_Raw], constraint: str | None) -> list[_Raw]:
    """Symbolic subdivisions in their order (``PREVIOUS_ANNOTATION`` chains), others as
    written."""
    if constraint != "Symbolic_Subdivision":
        return annotations
    siblings: dict[str | None, set[str]] = {}
    for a in annotations:
        siblings.setdefault(a.ref, set()).add(a.id)
    after = {a.previous: a for a in annotations if a.previous}
    out: list[_Raw] = []
    placed: set[str] = set()
    for a in annotations:
        if a.previous and a.previous in siblings[a.ref]:
            continue  # not the first of its parent's chain
        node: _Raw | None = a
        while node is not None and node.id not in placed:
            out.append(node)
            placed.add(node.id)
            node = after.get(node.id)
    out.extend(a for a in annotations if a.id not in placed)  # a broken chain: as written
    return out


def _slot_times(slots: dict[str, int | None],
                spans: Sequence[tuple[str, str]]) -> dict[str, float]:
    """Every time slot's time; slots without a value are interpolated (see the module)."""
    times: dict[str, float] = {s: float(v) for s, v in slots.items() if v is not None}
    if len(times) == len(slots):
        return times
    _along_chains(slots, spans, times)
    _between_aligned(slots, times)
    return times


def _along_chains(slots: dict[str, int | None], spans: Sequence[tuple[str, str]],
                  times: dict[str, float]) -> None:
    """Time the unaligned slots on a chain of annotations from an aligned slot to an aligned
    one, evenly between the two (into ``times``)."""
    nxt: dict[str, list[str]] = {}
    for begin, end in spans:
        nxt.setdefault(begin, []).append(end)
    walked: set[str] = set()
    for start in [s for s in slots if slots[s] is not None]:
        for first in nxt.get(start, ()):
            run: list[str] = []
            node: str | None = first
            while node is not None and node not in times and node not in walked:
                run.append(node)
                walked.add(node)
                node = next(iter(nxt.get(node, ())), None)
            if run and node is not None and node in times:
                t0, t1 = times[start], times[node]
                for i, s in enumerate(run, 1):
                    times[s] = t0 + (t1 - t0) * i / (len(run) + 1)


def _between_aligned(slots: dict[str, int | None], times: dict[str, float]) -> None:
    """Time the slots still untimed between the aligned slots before and after them in the
    file's time order (the nearest one at either end), into ``times``."""
    order = list(slots)
    before: list[tuple[int, float] | None] = []
    last: tuple[int, float] | None = None
    for i, s in enumerate(order):
        value = slots[s]
        if value is not None:
            last = (i, float(value))
        before.append(last)
    following: tuple[int, float] | None = None
    for i in range(len(order) - 1, -1, -1):
        s = order[i]
        value = slots[s]
        if value is not None:
            following = (i, float(value))
        elif s not in times:
            prev = before[i]
            if prev and following:
                times[s] = prev[1] + (following[1] - prev[1]) * (i - prev[0]) / (
                    following[0] - prev[0])
            else:
                times[s] = (prev or following or (0, 0.0))[1]


# -- a tier's definition, kept to write it back ----------------------------------------------------

def tier_definition(tier: EafTier, languages: Mapping[str, tuple[str, str]]) -> dict[str, Any]:
    """What the file says of ``tier`` besides its annotations, as plain data (JSON): enough
    for :func:`tier_from_definition` to give it back, with the languages it uses."""
    kind = tier.type or EafType(tier.linguistic_type, tier.constraint)
    cv = tier.cv
    used = {tier.language} | {lang for _, lang, _ in (
        v for e in (cv.entries if cv else ()) for v in e.values)} | {
        lang for lang, _ in (cv.descriptions if cv else ())}
    return {
        "tier": tier.id, "parent": tier.parent, "participant": tier.participant,
        "annotator": tier.annotator, "locale": tier.locale, "language": tier.language,
        "type": {"id": kind.id, "constraint": kind.constraint,
                 "time_alignable": kind.time_alignable,
                 "graphic_references": kind.graphic_references},
        "cv": None if cv is None else {
            "id": cv.id, "descriptions": [list(d) for d in cv.descriptions],
            "entries": [[e.id, [list(v) for v in e.values]] for e in cv.entries]},
        "languages": {k: list(v) for k, v in languages.items() if k in used},
    }


def tier_from_definition(data: Mapping[str, Any]) -> tuple[EafTier, dict[str, tuple[str, str]]]:
    """The tier (without annotations) and languages :func:`tier_definition` describes."""
    kind = data["type"]
    cv_data = data.get("cv")
    cv = None if not cv_data else EafVocabulary(
        cv_data["id"], tuple((str(a), str(b)) for a, b in cv_data.get("descriptions", ())),
        tuple(EafEntry(str(eid), tuple((str(v), str(lang), str(d)) for v, lang, d in values))
              for eid, values in cv_data.get("entries", ())))
    eaf_type = EafType(kind["id"], kind.get("constraint"), bool(kind.get("time_alignable", True)),
                       bool(kind.get("graphic_references", False)))
    tier = EafTier(data["tier"], eaf_type.id, data.get("parent"), data.get("annotator", ""),
                   data.get("participant", ""), eaf_type.constraint, cv.values if cv else (),
                   (), eaf_type, cv, data.get("locale", ""), data.get("language", ""))
    languages = {str(k): (str(v[0]), str(v[1])) for k, v in data.get("languages", {}).items()}
    return tier, languages


# -- regions -------------------------------------------------------------------------------------

def region_text(x: float, y: float, w: float, h: float) -> str:
    """A region as the value of a region annotation (exact: shortest round-trip floats)."""
    return f"x={x!r} y={y!r} w={w!r} h={h!r}"


def parse_region_text(text: str) -> tuple[float, float, float, float] | None:
    """The region a region annotation holds, or None when it is not one."""
    parts = dict(p.split("=", 1) for p in text.split() if "=" in p)
    try:
        return (float(parts["x"]), float(parts["y"]), float(parts["w"]), float(parts["h"]))
    except (KeyError, ValueError):
        return None
