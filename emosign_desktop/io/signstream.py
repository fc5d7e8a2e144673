"""SignStream XML (``SIGNSTREAM-DATABASE``, SignStream 2 exports such as the NCSLGR corpus):
read and checked whole, nothing imported from a file with any problem.

The shape::

    <SIGNSTREAM-DATABASE>
      <PARTICIPANTS><PARTICIPANT ID= LABEL= .../></PARTICIPANTS>
      <CODING-SCHEME>
        <FIELD ID= NAME= LABEL=>  <VALUE ID= NAME= LABEL=/> ...  </FIELD> ...
      </CODING-SCHEME>
      <MEDIA-FILES><MEDIA-FILE ID= LEGACY-PATH="Disk:folder:name.mov"/> ...</MEDIA-FILES>
      <UTTERANCES>
        <UTTERANCE ID= S= E=>                  (ms in its media files)
          <MEDIA-REF ID=/> ...                  (master, slave1, slave2: synchronized views)
          <SEGMENT PARTICIPANT-ID=>
            <TRACK FID=>  <A S= E= VID=/>  or  <A S= E=>gloss text</A>  </TRACK> ...

``A`` times are milliseconds from the utterance's start (they run from 0 to about ``E - S``)
and both ends are the *start* of a frame: the last frame an annotation covers starts at its
``E`` (adjacent annotations are one frame apart).  Values 400000-400002 of every field are
the phases HOLD, ONSET and OFFSET: an ONSET belongs to the event that follows it on its
track, an OFFSET or a HOLD to the one before it; such an annotation takes that event's value
and keeps its phase (``"onset"``...), or no value when its track has no such event.  Free
text (glosses, translations) is kept exactly as written, spaces included.

The XML is parsed with defusedxml: a DOCTYPE (and so any entity, internal or external) is
refused, nothing is fetched, and files over :data:`MAX_FILE_BYTES` are not read.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from emosign_desktop.core.errors import InputFileError
from emosign_desktop.io.safe_xml import parse_xml, too_large

ROOT = "SIGNSTREAM-DATABASE"
MAX_FILE_BYTES = 64 * 1024 * 1024
#: The phase values every field of a SignStream coding scheme has.
PHASES = {"400000": "hold", "400001": "onset", "400002": "offset"}


@dataclass(frozen=True)
class Field:
    """One field of the coding scheme: its values (id -> label shown on the track), in the
    file's order, the phase values left out.  A field with no values holds free text
    (glosses, translations)."""

    id: str
    name: str
    label: str = ""
    values: dict[str, str] = field(default_factory=dict)

    @property
    def vocabulary(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.values.values()))

    @property
    def is_text(self) -> bool:
        return not self.values


@dataclass(frozen=True)
class Annotation:
    """One ``A`` of a track: milliseconds from the utterance's start (both ends are frame
    starts), its value (a value's label, or the text), and its phase ("" for an event)."""

    field_id: str
    start_ms: int
    end_ms: int
    value: str = ""
    phase: str = ""
    participant: str = ""


@dataclass(frozen=True)
class Utterance:
    """One utterance: where it lies in its media files (ms), their names, its annotations."""

    id: str
    start_ms: int
    end_ms: int
    media: tuple[str, ...] = ()
    annotations: tuple[Annotation, ...] = ()
    excerpt: str = ""

    @property
    def media_stems(self) -> tuple[str, ...]:
        """The media file names without their extension."""
        return tuple(PurePosixPath(m).stem for m in self.media)


@dataclass(frozen=True)
class SignStreamFile:
    """What a file holds (fields in the file's order; ``sha256``: of its bytes)."""

    path: Path
    fields: tuple[Field, ...]
    utterances: tuple[Utterance, ...]
    participants: dict[str, str] = field(default_factory=dict)
    sha256: str = ""

    @property
    def annotation_count(self) -> int:
        return sum(len(u.annotations) for u in self.utterances)

    def field(self, field_id: str) -> Field:
        return next(f for f in self.fields if f.id == field_id)


def media_file_name(path: str) -> str:
    """The file name of a SignStream media path: old Mac paths use ':' (``Disk:folder:a.mov``),
    others '/' or '\\'."""
    return re.split(r"[:/\\]", path.strip())[-1]


def read_signstream(path: str | Path) -> SignStreamFile:
    """Read and check a SignStream XML file, or raise :class:`InputFileError` naming the file
    and the problem."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputFileError(path, too_large("SignStream", size, MAX_FILE_BYTES))
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(path, f"cannot read the file ({exc.strerror})") from None
    return parse_signstream(data, path)


def parse_signstream(data: bytes, path: str | Path) -> SignStreamFile:
    """Parse the bytes of a SignStream XML file (``path`` names it in errors)."""
    path = Path(path)
    file = _Reader(path).read(parse_xml(data, path, kind="SignStream",
                                        max_bytes=MAX_FILE_BYTES))
    return SignStreamFile(file.path, file.fields, file.utterances, file.participants,
                          hashlib.sha256(data).hexdigest())


class _Reader:
    """Builds a :class:`SignStreamFile` from the tree, each problem naming where it is."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, problem: str) -> InputFileError:
        return InputFileError(self.path, problem)

    def attr(self, element: Any, name: str, where: str) -> str:
        value = element.get(name)
        if value is None or not value.strip():
            raise self.fail(f"{where}: no {name}")
        return str(value).strip()

    def ms(self, element: Any, name: str, where: str) -> int:
        text = self.attr(element, name, where)
        try:
            value = int(text)
        except ValueError:
            raise self.fail(f"{where}: {name}='{text}' is not a whole number of "
                            "milliseconds") from None
        if value < 0:
            raise self.fail(f"{where}: {name}={value} is negative")
        return value

    def read(self, root: Any) -> SignStreamFile:
        if root.tag != ROOT:
            raise self.fail(f"not a SignStream file (its root element is <{root.tag}>, "
                            f"not <{ROOT}>)")
        scheme = root.find("CODING-SCHEME")
        if scheme is None:
            raise self.fail("no CODING-SCHEME (the fields of its tracks)")
        fields = self.fields(scheme)
        participants = {self.attr(p, "ID", "a PARTICIPANT"):
                        (p.get("LABEL") or p.get("NAME") or p.get("ID") or "").strip()
                        for p in root.iter("PARTICIPANT")}
        media: dict[str, str] = {}
        for m in root.iter("MEDIA-FILE"):
            mid = self.attr(m, "ID", "a MEDIA-FILE")
            where = next((m.get(a) for a in ("LEGACY-PATH", "PATH", "FILE", "NAME")
                          if m.get(a)), None)
            if where is None:
                raise self.fail(f"MEDIA-FILE {mid}: no LEGACY-PATH (its file name)")
            media[mid] = media_file_name(where)
        utterances_el = root.find("UTTERANCES")
        if utterances_el is None:
            raise self.fail("no UTTERANCES")
        utterances: list[Utterance] = []
        seen: set[str] = set()
        for u in utterances_el.iter("UTTERANCE"):
            utt = self.utterance(u, fields, media)
            if utt.id in seen:
                raise self.fail(f"utterance {utt.id} appears twice")
            seen.add(utt.id)
            utterances.append(utt)
        if not utterances:
            raise self.fail("holds no UTTERANCE")
        return SignStreamFile(self.path, tuple(fields.values()), tuple(utterances),
                              participants)

    def fields(self, scheme: Any) -> dict[str, Field]:
        fields: dict[str, Field] = {}
        for f in scheme.iter("FIELD"):
            fid = self.attr(f, "ID", "a FIELD of the CODING-SCHEME")
            if fid in fields:
                raise self.fail(f"field {fid} is defined twice in the CODING-SCHEME")
            name = (f.get("NAME") or f.get("LABEL") or "").strip() or f"field {fid}"
            values: dict[str, str] = {}
            for v in f.iter("VALUE"):
                vid = self.attr(v, "ID", f"a VALUE of field '{name}'")
                if vid in PHASES:
                    continue
                label = (v.get("LABEL") or v.get("NAME") or "").strip()
                if not label:
                    raise self.fail(f"value {vid} of field '{name}' has no LABEL or NAME")
                values[vid] = label
            fields[fid] = Field(fid, name, (f.get("LABEL") or "").strip(), values)
        if not fields:
            raise self.fail("the CODING-SCHEME defines no FIELD")
        return fields

    def utterance(self, u: Any, fields: dict[str, Field], media: dict[str, str]) -> Utterance:
        uid = self.attr(u, "ID", "an UTTERANCE")
        where = f"utterance {uid}"
        start, end = self.ms(u, "S", where), self.ms(u, "E", where)
        if end < start:
            raise self.fail(f"{where}: it ends (E={end}) before it starts (S={start})")
        names: list[str] = []
        for ref in u.findall("MEDIA-REF"):
            mid = self.attr(ref, "ID", f"a MEDIA-REF of {where}")
            if mid not in media:
                raise self.fail(f"{where}: MEDIA-REF {mid} is not among the MEDIA-FILES")
            names.append(media[mid])
        annotations: list[Annotation] = []
        holders = [(s, (s.get("PARTICIPANT-ID") or "").strip()) for s in u.findall("SEGMENT")]
        holders.append((u, ""))  # tracks directly under the utterance, if any
        for holder, participant in holders:
            for track in holder.findall("TRACK"):
                annotations.extend(self.track(track, fields, where, participant))
        return Utterance(uid, start, end, tuple(dict.fromkeys(names)), tuple(annotations),
                         (u.get("EXCERPT") or "").strip())

    def track(self, track: Any, fields: dict[str, Field], where: str,
              participant: str) -> list[Annotation]:
        fid = self.attr(track, "FID", f"a TRACK of {where}")
        f = fields.get(fid)
        if f is None:
            raise self.fail(f"{where}: a TRACK refers to field {fid}, which the CODING-SCHEME "
                            "does not define")
        raw: list[tuple[int, int, str, str]] = []  # start, end, value, phase
        for a in track.findall("A"):
            s, e = self.ms(a, "S", f"{where}, field '{f.name}'"), \
                self.ms(a, "E", f"{where}, field '{f.name}'")
            if e < s:
                raise self.fail(f"{where}, field '{f.name}': an annotation ends (E={e}) before "
                                f"it starts (S={s})")
            vid = (a.get("VID") or "").strip()
            text = a.text or ""  # verbatim: double and outer spaces kept
            if vid in PHASES:
                raw.append((s, e, "", PHASES[vid]))
            elif vid:
                if vid not in f.values:
                    raise self.fail(f"{where}, field '{f.name}': value {vid} is not a value of "
                                    "that field in the CODING-SCHEME")
                raw.append((s, e, f.values[vid], ""))
            else:
                raw.append((s, e, text, ""))
        raw.sort(key=lambda r: (r[0], r[1]))
        out = []
        for i, (s, e, value, phase) in enumerate(raw):
            if phase == "onset":
                value = next((r[2] for r in raw[i + 1:] if not r[3]), "")
            elif phase:
                value = next((r[2] for r in reversed(raw[:i]) if not r[3]), "")
            out.append(Annotation(fid, s, e, value, phase, participant))
        return out
