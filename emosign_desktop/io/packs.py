"""Annotator pack files: JSON (data only: no pickle, no code), checked field by field on the
way in, so a malformed or hostile pack is refused with the file and the value named.

A pack is read as a stream (``io.json_stream``): its lists are checked one element at a time
and kept only as the frozen dataclasses of ``core.packs``, never as the file's text or as a
tree of dicts, and its SHA-256 is computed in the same pass.  A file larger than
:data:`MAX_PACK_BYTES` is refused before it is read.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from emosign_desktop import __version__
from emosign_desktop.core.errors import EmoSignError, InputFileError, LabelValidationError
from emosign_desktop.core.model import Region
from emosign_desktop.core.packs import (
    PACK_FORMAT,
    PACK_KIND,
    AnnotatorPack,
    PackActivity,
    PackAnnotation,
    PackSegment,
    PackTier,
    PackVideo,
)
from emosign_desktop.core.schema import LabelSchema, schema_from_dict
from emosign_desktop.io.json_stream import JsonStream, JsonStreamError, JsonTooLargeError

#: Largest pack file merged (about 650,000 segments or 300,000 videos' labels).
MAX_PACK_BYTES = 256 * 1024 * 1024
MAX_TEXT = 100_000
_LISTS = ("videos", "annotations", "tiers", "segments", "activity")
#: What a list's elements refer to, which must be read before they can be checked.
_NEEDS = {"videos": (), "annotations": ("schema", "videos"), "tiers": (),
          "segments": ("videos", "tiers"), "activity": ("videos",)}
_SCALARS = ("kind", "format_version", "app_version", "created_at", "project_id", "annotator",
            "schema", "blind_mode")


def pack_to_dict(pack: AnnotatorPack) -> dict[str, Any]:
    """The JSON form of a pack."""
    def region(r: Region | None) -> list[float] | None:
        return None if r is None else [r.x, r.y, r.w, r.h]

    return {
        "kind": PACK_KIND,
        "format_version": pack.format_version,
        "app_version": pack.app_version,
        "created_at": pack.created_at,
        "project_id": pack.project_id,
        "annotator": pack.annotator,
        "schema": pack.schema.to_dict(),
        "videos": [{"name": v.name, "fingerprint": v.fingerprint, "fps": v.fps,
                    "frame_count": v.frame_count} for v in pack.videos],
        "annotations": [{"video": a.video, "values": dict(a.values), "created_at": a.created_at,
                         "updated_at": a.updated_at} for a in pack.annotations],
        "tiers": [{"name": t.name, "kind": t.kind, "vocabulary": list(t.vocabulary)}
                  for t in pack.tiers],
        "segments": [{"uid": s.uid, "video": s.video, "tier": s.tier,
                      "start_frame": s.start_frame, "end_frame": s.end_frame, "value": s.value,
                      "note": s.note, "region": region(s.region), "created_at": s.created_at,
                      "updated_at": s.updated_at} for s in pack.segments],
        "activity": [{"video": a.video, "seconds": round(a.seconds, 3)} for a in pack.activity],
        "blind_mode": pack.blind_mode,
    }


def write_pack(pack: AnnotatorPack, path: str | Path) -> None:
    """Write ``pack`` as UTF-8 JSON, atomically."""
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    try:
        tmp.write_text(json.dumps(pack_to_dict(pack), ensure_ascii=False, indent=1),
                       encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise EmoSignError(f"{path}: cannot write the pack ({exc.strerror})") from None


class _Checker:
    """Reads typed values out of untrusted JSON, naming where a value is wrong."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> InputFileError:
        return InputFileError(self.path, f"{where}: {problem}")

    def obj(self, value: object, where: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "must be an object")
        return value

    def items(self, data: Mapping[str, Any], key: str) -> list[Any]:
        value = data.get(key, [])
        if not isinstance(value, list):
            raise self.fail(key, "must be a list")
        return value

    def text(self, data: Mapping[str, Any], key: str, where: str, *, optional: bool = False,
             empty: bool = True) -> str:
        value = data.get(key)
        if value is None and optional:
            return ""
        if not isinstance(value, str) or len(value) > MAX_TEXT or (not empty and not value):
            raise self.fail(f"{where}.{key}", "must be text" + ("" if empty else ", not empty"))
        return value

    def integer(self, data: Mapping[str, Any], key: str, where: str) -> int:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"{where}.{key}", "must be a whole number")
        return value

    def number(self, data: Mapping[str, Any], key: str, where: str) -> float | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
                value):
            raise self.fail(f"{where}.{key}", "must be a number")
        return float(value)


def pack_digest(path: str | Path) -> str:
    """SHA-256 of the pack file (merging the same file twice is recognised by it)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def read_pack(path: str | Path) -> AnnotatorPack:
    """Read and check a pack; :class:`InputFileError` names the file and the bad value."""
    return read_pack_with_digest(path)[0]


def read_pack_with_digest(path: str | Path) -> tuple[AnnotatorPack, str]:
    """Read and check a pack, and the SHA-256 of the bytes read (one pass over the file)."""
    path = Path(path)
    try:
        with path.open("rb") as file:
            size = path.stat().st_size
            if size > MAX_PACK_BYTES:
                raise InputFileError(path, f"{size / 2**20:,.0f} MB, larger than the "
                                     f"{MAX_PACK_BYTES >> 20} MB a pack may be: not merged")
            stream = JsonStream(file, MAX_PACK_BYTES)
            pack = _PackReader(path).read(stream)
    except OSError as exc:
        raise InputFileError(path, f"cannot read the file ({exc.strerror})") from None
    except JsonTooLargeError:
        raise InputFileError(path, f"larger than the {MAX_PACK_BYTES >> 20} MB a pack may "
                             "be: not merged") from None
    except JsonStreamError as exc:
        raise InputFileError(path, f"not a pack ({exc})") from None
    except RecursionError:
        raise InputFileError(path, "not a pack (values nested too deeply)") from None
    return pack, stream.sha256


class _PackReader:
    """Checks a pack's parts as the stream hands them out.  A list whose references (the
    schema, the videos, the tiers) come later in the file is kept as read and checked at the
    end; packs this app writes list them first, so none is kept."""

    def __init__(self, path: Path) -> None:
        self.path, self.c = path, _Checker(path)
        self.raw: dict[str, Any] = {}
        self.kept: dict[str, list[Any]] = {}
        self.done: set[str] = set()
        self.version: int | None = None
        self.schema: LabelSchema | None = None
        self.ranges: dict[str, tuple[int, int]] = {}
        self.names: dict[str, str] = {}  # video name -> the one copy of it every item shares
        self.tier_names: dict[str, str] = {}
        self.words: dict[str, str] = {}  # tier vocabulary: one copy shared by the segments
        self.videos: list[PackVideo] = []
        self.annotations: list[PackAnnotation] = []
        self.tiers: list[PackTier] = []
        self.segments: list[PackSegment] = []
        self.activity: list[PackActivity] = []
        self.uids: set[str] = set()
        self.annotated: set[str] = set()
        self.active: set[str] = set()

    def read(self, stream: JsonStream) -> AnnotatorPack:
        first = stream.peek()
        if first != "{":
            if not first or first not in '["-0123456789tfnNI':
                stream.value()  # not JSON: raises, naming what is wrong
            raise self.c.fail("the file", "must be an object")
        for key in stream.members():
            if key in self.raw or key in self.kept or key in self.done:
                raise self.c.fail(key, "appears twice")
            if key in _LISTS and stream.peek() == "[":
                if self._ready(key):
                    self._take(key, stream.elements())
                else:
                    self.kept[key] = list(stream.elements())
            elif key in _LISTS or key in _SCALARS:
                self.raw[key] = stream.value()
            else:
                stream.skip()  # a field this version does not know
        stream.finish()
        return self._finish()

    def _header(self, *, required: bool) -> bool:
        """True when the file says it is a pack of a format this app reads (raises when it
        says otherwise, or with ``required`` when it does not say)."""
        if self.version is not None:
            return True
        raw = self.raw
        if "kind" not in raw and not required:
            return False
        if raw.get("kind") != PACK_KIND:
            raise InputFileError(self.path, "not an EmoSign annotator pack")
        if "format_version" not in raw and not required:
            return False
        version = self.c.integer(raw, "format_version", "pack")
        if version > PACK_FORMAT:
            raise InputFileError(
                self.path, f"made by EmoSign Desktop {raw.get('app_version', '?')} in pack "
                f"format {version}; this EmoSign Desktop ({__version__}) reads pack formats up "
                f"to {PACK_FORMAT}. Install a newer version to merge it.")
        self.version = version
        return True

    def _ready(self, key: str) -> bool:
        if not self._header(required=False):
            return False
        for need in _NEEDS[key]:
            if need == "schema" and "schema" in self.raw:
                self._schema()
            elif need not in self.done:
                return False
        return True

    def _schema(self) -> LabelSchema:
        if self.schema is None:
            try:
                schema = schema_from_dict(self.c.obj(self.raw.get("schema"), "schema"))
            except (ValueError, LabelValidationError) as exc:
                raise InputFileError(self.path, f"schema: {exc}") from None
            ranges = {k: (schema.emotion_scale.minimum, schema.emotion_scale.maximum)
                      for k in schema.emotion_keys}
            ranges["sentiment"] = (schema.sentiment.minimum, schema.sentiment.maximum)
            for k in ("sentiment_confidence", "emotion_confidence"):
                ranges[k] = (schema.confidence.minimum, schema.confidence.maximum)
            self.schema, self.ranges = schema, ranges
        return self.schema

    def _take(self, key: str, elements: Iterable[Any]) -> None:
        check: Callable[[int, Any], None] = getattr(self, f"_{key}_item")
        for n, element in enumerate(elements):
            check(n, element)
        self.done.add(key)

    def _finish(self) -> AnnotatorPack:
        self._header(required=True)
        schema = self._schema()
        for key in _LISTS:  # the parts not checked as they came, in the order they refer
            if key not in self.done:
                self._take(key, self.kept.pop(key, []) or self.c.items(self.raw, key))
        c, raw = self.c, self.raw
        blind = raw.get("blind_mode", False)
        if not isinstance(blind, bool):
            raise c.fail("blind_mode", "must be true or false")
        assert self.version is not None
        return AnnotatorPack(
            annotator=c.text(raw, "annotator", "pack", empty=False), schema=schema,
            project_id=c.text(raw, "project_id", "pack", optional=True),
            app_version=c.text(raw, "app_version", "pack", optional=True),
            created_at=c.text(raw, "created_at", "pack", optional=True),
            videos=tuple(self.videos), annotations=tuple(self.annotations),
            tiers=tuple(self.tiers), segments=tuple(self.segments),
            format_version=self.version, activity=tuple(self.activity), blind_mode=blind)

    def _video(self, name: object, where: str, problem: str) -> str:
        found = self.names.get(name) if isinstance(name, str) else None
        if found is None:
            raise self.c.fail(where, problem)
        return found

    # -- one element of each list --------------------------------------------------------------
    def _videos_item(self, n: int, v: Any) -> None:
        c, w = self.c, f"videos[{n}]"
        v = c.obj(v, w)
        count = v.get("frame_count")
        if count is not None:
            count = c.integer(v, "frame_count", w)
        name = c.text(v, "name", w, empty=False)
        name = self.names.setdefault(name, name)
        self.videos.append(PackVideo(name, c.text(v, "fingerprint", w, optional=True) or None,
                                     c.number(v, "fps", w), count))

    def _annotations_item(self, n: int, a: Any) -> None:
        c, schema = self.c, self.schema
        assert schema is not None
        if type(a) is not dict:
            raise c.fail(f"annotations[{n}]", "must be an object")
        video, values = a.get("video"), a.get("values")
        created, updated = a.get("created_at"), a.get("updated_at")
        if not (type(video) is str and type(values) is dict and type(created) is str
                and type(updated) is str):  # the common case passes in one test
            w = f"annotations[{n}]"
            video = c.text(a, "video", w, empty=False)
            values = dict(c.obj(values, f"{w}.values"))
            created, updated = c.text(a, "created_at", w), c.text(a, "updated_at", w)
        video = self._video(video, f"annotations[{n}]",
                            f"names video '{video}', which the pack does not list")
        ranges = self.ranges
        for key, value in values.items():
            bounds = ranges.get(key)
            if bounds is not None and type(value) is int and bounds[0] <= value <= bounds[1]:
                continue  # the common case, checked here without a call
            try:
                values[key] = schema.validate(key, value)
            except LabelValidationError as exc:
                raise c.fail(f"annotations[{n}].values", str(exc)) from None
            if type(values[key]) is str and len(values[key]) > MAX_TEXT:
                raise c.fail(f"annotations[{n}].values", f"{key} is longer than {MAX_TEXT}")
        if video in self.annotated:
            raise InputFileError(self.path, "annotations: a video is annotated twice")
        self.annotated.add(video)
        self.annotations.append(PackAnnotation(video, values, created, updated))

    def _tiers_item(self, n: int, t: Any) -> None:
        c, w = self.c, f"tiers[{n}]"
        t = c.obj(t, w)
        vocab = c.items(t, "vocabulary")
        if not all(isinstance(x, str) for x in vocab):
            raise c.fail(f"{w}.vocabulary", "must be a list of text")
        name = c.text(t, "name", w, empty=False)
        for word in vocab:
            self.words.setdefault(word, word)
        self.tiers.append(PackTier(self.tier_names.setdefault(name, name),
                                   c.text(t, "kind", w), tuple(vocab)))

    def _segments_item(self, n: int, s: Any) -> None:
        c, w = self.c, f"segments[{n}]"
        s = c.obj(s, w)
        video, tier = c.text(s, "video", w, empty=False), c.text(s, "tier", w, empty=False)
        problem = "names a video or tier that the pack does not list"
        video = self._video(video, w, problem)
        if tier not in self.tier_names:
            raise c.fail(w, problem)
        tier = self.tier_names[tier]
        start, end = c.integer(s, "start_frame", w), c.integer(s, "end_frame", w)
        if not 0 <= start <= end:
            raise c.fail(w, f"frames {start}..{end} are not a span")
        box = s.get("region")
        region = None
        if box is not None:
            if not (isinstance(box, list) and len(box) == 4 and all(
                    isinstance(x, int | float) and not isinstance(x, bool) for x in box)):
                raise c.fail(f"{w}.region", "must be [x, y, w, h]")
            try:
                region = Region(*(float(x) for x in box))
            except LabelValidationError as exc:
                raise c.fail(f"{w}.region", str(exc)) from None
        uid = c.text(s, "uid", w, empty=False)
        if uid in self.uids:
            raise InputFileError(self.path, "segments: two segments share a uid")
        self.uids.add(uid)
        value = c.text(s, "value", w, optional=True)
        self.segments.append(PackSegment(
            uid, video, tier, start, end, self.words.get(value, value),
            c.text(s, "note", w, optional=True), region, c.text(s, "created_at", w),
            c.text(s, "updated_at", w)))

    def _activity_item(self, n: int, a: Any) -> None:  # absent from older packs
        c, w = self.c, f"activity[{n}]"
        a = c.obj(a, w)
        video = self._video(c.text(a, "video", w, empty=False), w,
                            "names a video that the pack does not list")
        seconds = c.number(a, "seconds", w)
        if seconds is None or not 0 <= seconds < 1e9:
            raise c.fail(f"{w}.seconds", "must be a number of seconds, 0 or more")
        if video in self.active:
            raise InputFileError(self.path, "activity: a video is listed twice")
        self.active.add(video)
        self.activity.append(PackActivity(video, seconds))
