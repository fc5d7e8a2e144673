"""Annotator pack files: JSON (data only: no pickle, no code), checked field by field on the
way in, so a pack from an untrusted sender can be opened safely."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
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
from emosign_desktop.core.schema import schema_from_dict

MAX_PACK_BYTES = 512 * 1024 * 1024
MAX_TEXT = 100_000


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
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_pack(path: str | Path) -> AnnotatorPack:
    """Read and check a pack; :class:`InputFileError` names the file and the bad value."""
    path = Path(path)
    c = _Checker(path)
    try:
        if path.stat().st_size > MAX_PACK_BYTES:
            raise InputFileError(path, f"larger than {MAX_PACK_BYTES >> 20} MB: not a pack")
        data = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise InputFileError(path, f"cannot read the file ({exc.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InputFileError(path, f"not a pack (not valid JSON: {exc})") from None
    data = c.obj(data, "the file")
    if data.get("kind") != PACK_KIND:
        raise InputFileError(path, "not an EmoSign annotator pack")
    version = c.integer(data, "format_version", "pack")
    if version > PACK_FORMAT:
        raise InputFileError(
            path, f"made by EmoSign Desktop {data.get('app_version', '?')} in pack format "
            f"{version}; this EmoSign Desktop ({__version__}) reads pack formats up to "
            f"{PACK_FORMAT}. Install a newer version to merge it.")
    try:
        schema = schema_from_dict(c.obj(data.get("schema"), "schema"))
    except (ValueError, LabelValidationError) as exc:
        raise InputFileError(path, f"schema: {exc}") from None
    videos = []
    for n, v in enumerate(c.items(data, "videos")):
        w = f"videos[{n}]"
        v = c.obj(v, w)
        count = v.get("frame_count")
        if count is not None:
            count = c.integer(v, "frame_count", w)
        videos.append(PackVideo(c.text(v, "name", w, empty=False),
                                c.text(v, "fingerprint", w, optional=True) or None,
                                c.number(v, "fps", w), count))
    names = {v.name for v in videos}
    ranges = {k: (schema.emotion_scale.minimum, schema.emotion_scale.maximum)
              for k in schema.emotion_keys}
    ranges["sentiment"] = (schema.sentiment.minimum, schema.sentiment.maximum)
    for k in ("sentiment_confidence", "emotion_confidence"):
        ranges[k] = (schema.confidence.minimum, schema.confidence.maximum)
    annotations = []
    for n, a in enumerate(c.items(data, "annotations")):
        if type(a) is not dict:
            raise c.fail(f"annotations[{n}]", "must be an object")
        video, values = a.get("video"), a.get("values")
        created, updated = a.get("created_at"), a.get("updated_at")
        if not (type(video) is str and type(values) is dict and type(created) is str
                and type(updated) is str):  # the common case passes in one test
            w = f"annotations[{n}]"
            video = c.text(a, "video", w, empty=False)
            values = c.obj(values, f"{w}.values")
            created, updated = c.text(a, "created_at", w), c.text(a, "updated_at", w)
        if video not in names:
            raise c.fail(f"annotations[{n}]", f"names video '{video}', which the pack does not "
                         "list")
        values = dict(values)
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
        annotations.append(PackAnnotation(video, values, created, updated))
    if len({a.video for a in annotations}) != len(annotations):
        raise InputFileError(path, "annotations: a video is annotated twice")
    tiers = []
    for n, t in enumerate(c.items(data, "tiers")):
        w = f"tiers[{n}]"
        t = c.obj(t, w)
        vocab = c.items(t, "vocabulary")
        if not all(isinstance(x, str) for x in vocab):
            raise c.fail(f"{w}.vocabulary", "must be a list of text")
        tiers.append(PackTier(c.text(t, "name", w, empty=False), c.text(t, "kind", w),
                              tuple(vocab)))
    tier_names = {t.name for t in tiers}
    segments = []
    for n, s in enumerate(c.items(data, "segments")):
        w = f"segments[{n}]"
        s = c.obj(s, w)
        video, tier = c.text(s, "video", w, empty=False), c.text(s, "tier", w, empty=False)
        if video not in names or tier not in tier_names:
            raise c.fail(w, "names a video or tier that the pack does not list")
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
        segments.append(PackSegment(
            c.text(s, "uid", w, empty=False), video, tier, start, end,
            c.text(s, "value", w, optional=True), c.text(s, "note", w, optional=True), region,
            c.text(s, "created_at", w), c.text(s, "updated_at", w)))
    if len({s.uid for s in segments}) != len(segments):
        raise InputFileError(path, "segments: two segments share a uid")
    activity = []
    for n, a in enumerate(c.items(data, "activity")):  # absent from older packs
        w = f"activity[{n}]"
        a = c.obj(a, w)
        video = c.text(a, "video", w, empty=False)
        if video not in names:
            raise c.fail(w, "names a video that the pack does not list")
        seconds = c.number(a, "seconds", w)
        if seconds is None or not 0 <= seconds < 1e9:
            raise c.fail(f"{w}.seconds", "must be a number of seconds, 0 or more")
        activity.append(PackActivity(video, seconds))
    if len({a.video for a in activity}) != len(activity):
        raise InputFileError(path, "activity: a video is listed twice")
    blind = data.get("blind_mode", False)
    if not isinstance(blind, bool):
        raise c.fail("blind_mode", "must be true or false")
    return AnnotatorPack(
        annotator=c.text(data, "annotator", "pack", empty=False), schema=schema,
        project_id=c.text(data, "project_id", "pack", optional=True),
        app_version=c.text(data, "app_version", "pack", optional=True),
        created_at=c.text(data, "created_at", "pack", optional=True),
        videos=tuple(videos), annotations=tuple(annotations), tiers=tuple(tiers),
        segments=tuple(segments), format_version=version, activity=tuple(activity),
        blind_mode=blind)
