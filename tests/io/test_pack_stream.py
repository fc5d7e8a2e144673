"""Packs are read as a stream: the same values as ``json.loads`` whatever the chunk size,
the file's SHA-256 from the same pass, keys in any order, and a size limit."""

from __future__ import annotations

import hashlib
import io
import json

import pytest

from emosign_desktop.core.errors import InputFileError
from emosign_desktop.core.packs import (
    AnnotatorPack,
    PackAnnotation,
    PackSegment,
    PackTier,
    PackVideo,
)
from emosign_desktop.core.schema import EMOSIGN_SCHEMA
from emosign_desktop.io import json_stream, packs
from emosign_desktop.io.json_stream import JsonStream, JsonStreamError, JsonTooLargeError

DOCUMENT = {
    "name": "caf\u00e9 \u6f22\u5b57 \U0001f600 \"quoted\" back\\slash",
    "numbers": [0, -12, 3.5, 1e-7, 123456789012345678901234567890, -0.25],
    "flags": [True, False, None],
    "nested": {"a": [[], {}, [[1, 2], {"b": "c"}]], "empty": ""},
    "rows": [{"uid": f"{i:08x}", "frame": i * 1000, "note": "\u00e9" * (i % 5)}
             for i in range(40)],
}


def _read(text: str, chunk: int) -> tuple[dict, str]:
    raw = text.encode("utf-8")
    stream = JsonStream(io.BytesIO(raw), max_bytes=len(raw), chunk=chunk)
    found = {}
    for key in stream.members():
        found[key] = list(stream.elements()) if stream.peek() == "[" else stream.value()
    stream.finish()
    return found, stream.sha256


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1 << 20])
@pytest.mark.parametrize("indent", [None, 1])
def test_the_stream_reads_what_json_loads_reads(chunk, indent):
    text = json.dumps(DOCUMENT, indent=indent, ensure_ascii=False)
    found, digest = _read(text, chunk)
    assert found == json.loads(text)
    assert digest == hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.mark.parametrize(("text", "problem"), [
    ('{"a": [1, 2', "expecting"),
    ('{"a": 1} {"b": 2}', "extra data after the document at character 9"),
    ('{"a": 1 "b": 2}', "expecting ',' or '}' at character 8"),
    ('{"a": [1 2]}', "expecting ',' or ']' at character 9"),
    ('{a: 1}', "expecting a property name"),
    ('{"a": tru}', "Expecting value"),
    ('', "expecting an object"),
])
@pytest.mark.parametrize("chunk", [1, 4, 1 << 20])
def test_broken_json_is_named_with_where(text, problem, chunk):
    with pytest.raises(JsonStreamError, match=problem):
        _read(text, chunk)


def test_bytes_that_are_not_utf8_are_named_with_their_offset():
    raw = b'{"a": "\xff"}'
    stream = JsonStream(io.BytesIO(raw), max_bytes=100, chunk=3)
    with pytest.raises(JsonStreamError, match=r"not UTF-8 text \(byte 0xff at offset 7\)"):
        list(stream.members())


def test_the_stream_stops_at_its_byte_limit():
    raw = json.dumps({"rows": list(range(10_000))}).encode()
    stream = JsonStream(io.BytesIO(raw), max_bytes=4096, chunk=1024)
    with pytest.raises(JsonTooLargeError):
        for _key in stream.members():
            for _ in stream.elements():
                pass


def test_a_broken_value_is_not_read_to_the_end_of_the_file(monkeypatch):
    """A value that never parses makes the reader give up after MAX_ITEM_CHARS, not hold
    the rest of the file."""
    monkeypatch.setattr(json_stream, "MAX_ITEM_CHARS", 100)
    raw = b'{"rows": [{"a": 1 "b"}, ' + b'{"x": 1}, ' * 1000 + b'{}]}'
    reads = []

    class Counted(io.BytesIO):
        def read(self, size: int = -1) -> bytes:
            reads.append(size)
            return super().read(size)

    stream = JsonStream(Counted(raw), max_bytes=len(raw), chunk=16)
    with pytest.raises(JsonStreamError, match="longer than"):
        for _key in stream.members():
            list(stream.elements())
    assert sum(reads) < 1000 < len(raw)


# -- packs ------------------------------------------------------------------------------------

def _pack() -> AnnotatorPack:
    return AnnotatorPack(
        "kim", EMOSIGN_SCHEMA, "laptop", "1.0", "2026-01-01T00:00:00.000+00:00",
        videos=(PackVideo("a.mp4", "b2:aa", 29.97, 120), PackVideo("b \u00e9.mp4")),
        annotations=(PackAnnotation("a.mp4", {"sentiment": -2, "joy": 3, "cues": "brows"},
                                    "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"),),
        tiers=(PackTier("Facial grammar", "facial_grammar", ("raise", "furrow")),),
        segments=tuple(PackSegment(f"{i:032x}", "b \u00e9.mp4", "Facial grammar", i, i + 4,
                                   "raise", "n\u00f6te", None, "2026-01-01T00:00:00Z",
                                   "2026-01-01T00:00:00Z") for i in range(30)))


@pytest.mark.parametrize("chunk", [1, 5, 1 << 20])
def test_a_pack_reads_the_same_in_any_chunk_size_with_its_digest(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(json_stream, "_CHUNK", chunk)
    path = tmp_path / "kim.json"
    packs.write_pack(_pack(), path)
    pack, digest = packs.read_pack_with_digest(path)
    assert pack == _pack()
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest() == packs.pack_digest(path)


def test_a_pack_with_its_keys_in_another_order_reads_the_same(tmp_path):
    """Lists whose references come later in the file are checked at the end."""
    data = packs.pack_to_dict(_pack())
    path = tmp_path / "reversed.json"
    path.write_text(json.dumps(dict(reversed(list(data.items())))))
    assert packs.read_pack(path) == _pack()
    data["a_later_field"] = [{"big": "list"}] * 3  # unknown fields are skipped
    path.write_text(json.dumps(data))
    assert packs.read_pack(path) == _pack()


@pytest.mark.parametrize(("edit", "message"), [
    (lambda t: t.replace('"annotator": "kim"', '"annotator": "kim", "annotator": "eve"'),
     "annotator: appears twice"),
    (lambda t: t + " []", "extra data after the document"),
    (lambda t: t.replace('"segments": [', '"segments": [{"uid": ', 1), "not valid JSON"),
    (lambda t: "[" + t + "]", "the file: must be an object"),
])
def test_packs_broken_as_json_are_refused_by_name(tmp_path, edit, message):
    path = tmp_path / "kim.json"
    packs.write_pack(_pack(), path)
    path.write_text(edit(path.read_text()))
    with pytest.raises(InputFileError, match=message) as refused:
        packs.read_pack(path)
    assert str(refused.value).startswith(str(path))


def test_a_pack_larger_than_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "kim.json"
    packs.write_pack(_pack(), path)
    monkeypatch.setattr(packs, "MAX_PACK_BYTES", path.stat().st_size - 1)
    with pytest.raises(InputFileError, match=f"larger than the {(path.stat().st_size - 1) >> 20}"
                       " MB a pack may be: not merged"):
        packs.read_pack(path)
