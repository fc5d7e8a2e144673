"""ELAN annotation files (``.eaf``, EAF 2.7 to 3.0): read safely, and written with pympi-ling.

Reading parses the whole file with defusedxml (no entity declarations, no external
references, at most :data:`MAX_EAF_BYTES`), checks every reference in it (linguistic types,
parent tiers, time slots, referenced annotations) and gives each annotation its span in
milliseconds of the annotation timeline:

* an alignable annotation spans its two time slots; a time slot without a value (ELAN leaves
  them in time subdivisions) is spread evenly between the aligned slots at the two ends of
  its chain of annotations, as ELAN shows it, or failing that between the aligned slots
  before and after it in the file's time order;
* a reference annotation (symbolic subdivision or association) spans its parent's span;
  symbolic subdivisions keep their order (``PREVIOUS_ANNOTATION``).

Writing (:func:`write_eaf`) makes an EAF 3.0 file: one ELAN tier per tier of ours and
annotator (a second, third... lane when segments overlap, which one ELAN tier cannot
hold), its linguistic type ``EmoSign: <tier>`` carrying the controlled vocabulary, the
tier's ``ANNOTATOR`` and ``PARTICIPANT``, and two dependent symbolic-association tiers for
what ELAN has no place for: ``<tier> note`` (the segment's note) and ``<tier> region``
(``x=.. y=.. w=.. h=..`` in 0..1 image coordinates), each only where a segment has one.
This module knows milliseconds only; frames are the services' business.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, unquote, urlparse
from xml.etree import ElementTree

from emosign_desktop.core.errors import EmoSignError, InputFileError
from emosign_desktop.io.safe_xml import read_xml_file

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
SCHEMA_URL = "http://www.mpi.nl/tools/elan/EAFv3.0.xsd"
MIME_TYPES = {".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime",
              ".mkv": "video/x-matroska", ".webm": "video/webm", ".avi": "video/x-msvideo",
              ".mpg": "video/mpeg", ".mpeg": "video/mpeg", ".mts": "video/mp2t"}


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
    parent: str | None = None  # the annotation a reference annotation refers to


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


@dataclass(frozen=True)
class EafDocument:
    """What an ELAN file holds."""

    path: Path
    version: str
    media: tuple[EafMedia, ...] = ()
    properties: tuple[tuple[str, str], ...] = ()
    tiers: tuple[EafTier, ...] = ()

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
    root = _parse(path)
    return _Reader(path, root).document()


def _parse(path: Path) -> ElementTree.Element:
    root = read_xml_file(path, kind="ELAN", max_bytes=MAX_EAF_BYTES)
    if root.tag != "ANNOTATION_DOCUMENT":
        raise InputFileError(path, f"not an ELAN file: its root element is <{root.tag}>, not "
                             "<ANNOTATION_DOCUMENT>")
    return root


@dataclass
class _Type:
    constraint: str | None
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

    def document(self) -> EafDocument:
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
        out = []
        for tier_id, raw in tiers.items():
            attrs = raw.attrs
            kind = types[attrs["LINGUISTIC_TYPE_REF"]]
            vocabulary = vocabularies.get(kind.vocabulary or "", ())
            ordered = _in_order(raw.annotations, kind.constraint)
            out.append(EafTier(
                tier_id, attrs["LINGUISTIC_TYPE_REF"], attrs.get("PARENT_REF") or None,
                attrs.get("ANNOTATOR", ""), attrs.get("PARTICIPANT", ""), kind.constraint,
                vocabulary,
                tuple(EafAnnotation(a.id, *a.span or (0.0, 0.0), a.value, a.ref)
                      for a in ordered)))
        return EafDocument(self.path, root.get("VERSION", ""), media, properties, tuple(out))

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
            types[name] = _Type(constraint, lt.get("CONTROLLED_VOCABULARY_REF") or None)
        return types

    def _vocabularies(self) -> dict[str, tuple[str, ...]]:
        out = {}
        for cv in self.root.iter("CONTROLLED_VOCABULARY"):
            values: list[str] = []
            for entry in cv:
                if entry.tag == "CV_ENTRY":  # EAF 2.x: the value is the text
                    values.append(entry.text or "")
                elif entry.tag == "CV_ENTRY_ML":  # EAF 3.0: a value per language
                    values.extend(v.text or "" for v in entry.iter("CVE_VALUE"))
            out[cv.get("CV_ID", "")] = tuple(dict.fromkeys(v for v in values if v))
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
    nxt: dict[str, list[str]] = {}
    for begin, end in spans:
        nxt.setdefault(begin, []).append(end)
    # along chains of annotations: from an aligned slot through unaligned ones to an aligned
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
    # the rest: between the aligned slots before and after it in the file's time order
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
    return times


# -- writing -------------------------------------------------------------------------------------

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
              video: str, author: str = "EmoSign Desktop") -> int:
    """Write ``tiers`` as an EAF 3.0 file (atomically); returns the annotations written."""
    from pympi.Elan import Eaf, to_adocument

    path = Path(path)
    eaf = Eaf(author=author)
    eaf.adocument.update({"VERSION": "3.0", "FORMAT": "3.0",
                          "xsi:noNamespaceSchemaLocation": SCHEMA_URL})
    eaf.remove_tier("default")
    eaf.remove_linguistic_type("default-lt")
    eaf.header = {"MEDIA_FILE": "", "TIME_UNITS": "milliseconds"}
    eaf.add_language("und", "http://cdb.iso.org/lg/CDB-00130975-001", "undetermined (und)")
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
