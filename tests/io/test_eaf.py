"""ELAN files: files of the field's shapes (all four constraint types, nested tiers, time
slots without a value, EAF 2.7 and 3.0) built here and read whole; hostile and malformed
files refused with one line naming the file and the problem; what we write validates
against the official EAF 3.0 schema."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from emosign_desktop.core.errors import InputFileError
from emosign_desktop.io import eaf as eaf_io
from emosign_desktop.io.eaf import (
    EafType,
    parse_region_text,
    read_eaf,
    region_text,
    tier_definition,
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

SCHEMA = Path(__file__).parents[1] / "fixtures" / "EAFv3.0.xsd"

# Tiers of the field's shape (times in ms; 40 ms = one frame at 25 fps):
#   gloss (top)                    a1 1000-2200 "HOUSE"
#     words   Time_Subdivision      a2 a3 a4 over ts1 ts2 ts3 ts4 (ts2, ts3 without a value)
#     tokens  Symbolic_Subdivision  a6 "SE" after a5 "HOU" (written out of order)
#       pos   Symbolic_Association  a7 "n" on a5 (a third level; vocabulary POS)
#     brows   Included_In           a8 1200-1600 "raised"; a9 from 1900 to a slot without a
#                                   value (only time order places it: 2050)
#   gesture (top, vocabulary)       a10 400-800 "stroke"
TIME_SLOTS = (("ts7", 400), ("ts8", 800), ("ts1", 1000), ("ts5", 1200), ("ts2", None),
              ("ts6", 1600), ("ts3", None), ("ts10", 1900), ("ts11", None), ("ts4", 2200))


def field_eaf(version: str = "3.0", media: str = "./clip.mp4", origin: int | None = None,
              extra_tiers: str = "", words_slot: str = "ts2") -> str:
    """An ELAN file of the field's shape (see above), in EAF ``version`` 2.7 or 3.0."""
    v3 = version.startswith("3")
    origin_attr = f' TIME_ORIGIN="{origin}"' if origin is not None else ""
    media_el = (f'<MEDIA_DESCRIPTOR MEDIA_URL="file:///elsewhere/{Path(media).name}" '
                f'MIME_TYPE="video/mp4" RELATIVE_MEDIA_URL="{media}"{origin_attr}/>'
                if media else "")
    slots = "".join(f'<TIME_SLOT TIME_SLOT_ID="{ts}"'
                    + (f' TIME_VALUE="{t}"/>' if t is not None else "/>")
                    for ts, t in TIME_SLOTS)

    def ali(aid: str, a: str, b: str, value: str) -> str:
        return (f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="{aid}" TIME_SLOT_REF1="{a}" '
                f'TIME_SLOT_REF2="{b}"><ANNOTATION_VALUE>{value}</ANNOTATION_VALUE>'
                "</ALIGNABLE_ANNOTATION></ANNOTATION>")

    def ref(aid: str, parent: str, value: str, prev: str | None = None) -> str:
        p = f' PREVIOUS_ANNOTATION="{prev}"' if prev else ""
        return (f'<ANNOTATION><REF_ANNOTATION ANNOTATION_ID="{aid}" ANNOTATION_REF="{parent}"{p}>'
                f"<ANNOTATION_VALUE>{value}</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>")

    def cv(cv_id: str, entries: tuple[tuple[str, str], ...]) -> str:
        if v3:
            body = "".join(f'<CV_ENTRY_ML CVE_ID="c{i}"><CVE_VALUE DESCRIPTION="{d}" '
                           f'LANG_REF="eng">{v}</CVE_VALUE></CV_ENTRY_ML>'
                           for i, (v, d) in enumerate(entries))
            return (f'<CONTROLLED_VOCABULARY CV_ID="{cv_id}"><DESCRIPTION LANG_REF="eng">'
                    f"{cv_id}</DESCRIPTION>{body}</CONTROLLED_VOCABULARY>")
        body = "".join(f'<CV_ENTRY DESCRIPTION="{d}">{v}</CV_ENTRY>' for v, d in entries)
        return f'<CONTROLLED_VOCABULARY CV_ID="{cv_id}" DESCRIPTION="{cv_id}">{body}' \
               "</CONTROLLED_VOCABULARY>"

    def lt(name: str, constraint: str | None = None, cv_ref: str | None = None) -> str:
        c = f' CONSTRAINTS="{constraint}"' if constraint else ""
        r = f' CONTROLLED_VOCABULARY_REF="{cv_ref}"' if cv_ref else ""
        alignable = "false" if constraint and constraint.startswith("Symbolic") else "true"
        return (f'<LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="{name}" '
                f'TIME_ALIGNABLE="{alignable}"{c}{r}/>')

    constraints = "".join(f'<CONSTRAINT DESCRIPTION="{c}" STEREOTYPE="{c}"/>'
                          for c in eaf_io.CONSTRAINTS)
    language = ('<LANGUAGE LANG_DEF="http://cdb.iso.org/lg/CDB-00138502-001" LANG_ID="eng" '
                'LANG_LABEL="English (eng)"/>') if v3 else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="" DATE="2024-01-01T00:00:00+01:00" FORMAT="{version}"
 VERSION="{version}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
 xsi:noNamespaceSchemaLocation="http://www.mpi.nl/tools/elan/EAFv{version}.xsd">
<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">{media_el}
<PROPERTY NAME="lastUsedAnnotationId">10</PROPERTY></HEADER>
<TIME_ORDER>{slots}</TIME_ORDER>
<TIER LINGUISTIC_TYPE_REF="gloss-lt" PARTICIPANT="A" ANNOTATOR="kim" TIER_ID="gloss">
{ali("a1", "ts1", "ts4", "HOUSE")}</TIER>
<TIER LINGUISTIC_TYPE_REF="words-lt" PARENT_REF="gloss" TIER_ID="words">
{ali("a2", "ts1", words_slot, "h")}{ali("a3", "ts2", "ts3", "ou")}{ali("a4", "ts3", "ts4", "se")}
</TIER>
<TIER LINGUISTIC_TYPE_REF="tokens-lt" PARENT_REF="gloss" TIER_ID="tokens">
{ref("a6", "a1", "SE", "a5")}{ref("a5", "a1", "HOU")}</TIER>
<TIER LINGUISTIC_TYPE_REF="pos-lt" PARENT_REF="tokens" TIER_ID="pos">{ref("a7", "a5", "n")}
</TIER>
<TIER LINGUISTIC_TYPE_REF="brows-lt" PARENT_REF="gloss" TIER_ID="brows">
{ali("a8", "ts5", "ts6", "raised")}{ali("a9", "ts10", "ts11", "raised")}</TIER>
<TIER LINGUISTIC_TYPE_REF="gesture-lt" TIER_ID="gesture">{ali("a10", "ts7", "ts8", "stroke")}
</TIER>{extra_tiers}
{lt("gloss-lt")}{lt("words-lt", "Time_Subdivision")}{lt("tokens-lt", "Symbolic_Subdivision")}
{lt("pos-lt", "Symbolic_Association", "POS")}{lt("brows-lt", "Included_In")}
{lt("gesture-lt", None, "Gesture")}
{language}{constraints}
{cv("POS", (("n", "noun"), ("v", "verb")))}
{cv("Gesture", (("prep", "preparation"), ("stroke", "stroke"), ("retr", "retraction")))}
</ANNOTATION_DOCUMENT>
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def spans(tier):
    return [(a.id, a.begin_ms, a.end_ms, a.value) for a in tier.annotations]


@pytest.mark.parametrize("version", ["2.7", "3.0"])
def test_a_file_of_the_fields_shape_is_read_whole(tmp_path, version):
    doc = read_eaf(write(tmp_path / "field.eaf", field_eaf(version)))
    assert doc.version == version and doc.annotation_count == 10
    tiers = {t.id: t for t in doc.tiers}
    assert [t.id for t in doc.tiers] == ["gloss", "words", "tokens", "pos", "brows", "gesture"]
    assert (tiers["gloss"].annotator, tiers["gloss"].participant) == ("kim", "A")
    assert spans(tiers["gloss"]) == [("a1", 1000, 2200, "HOUSE")]
    # unaligned slots spread evenly along their chain (1000 .. 2200 in three)
    assert spans(tiers["words"]) == [("a2", 1000, 1400, "h"), ("a3", 1400, 1800, "ou"),
                                     ("a4", 1800, 2200, "se")]
    # symbolic subdivisions: the parent's span, in PREVIOUS_ANNOTATION order
    assert spans(tiers["tokens"]) == [("a5", 1000, 2200, "HOU"), ("a6", 1000, 2200, "SE")]
    assert [a.parent for a in tiers["tokens"].annotations] == ["a1", "a1"]
    assert spans(tiers["pos"]) == [("a7", 1000, 2200, "n")]  # a third level
    # a slot no chain ends at aligned: between its neighbours in time order
    assert spans(tiers["brows"]) == [("a8", 1200, 1600, "raised"), ("a9", 1900, 2050, "raised")]
    assert {t.id: t.constraint for t in doc.tiers} == {
        "gloss": None, "words": "Time_Subdivision", "tokens": "Symbolic_Subdivision",
        "pos": "Symbolic_Association", "brows": "Included_In", "gesture": None}
    assert tiers["pos"].parent == "tokens" and tiers["tokens"].parent == "gloss"
    assert tiers["pos"].vocabulary == ("n", "v")
    assert tiers["gesture"].vocabulary == ("prep", "stroke", "retr")
    [medium] = doc.media
    assert (medium.file_name, medium.relative_path, medium.path) == (
        "clip.mp4", "clip.mp4", "/elsewhere/clip.mp4")


def test_media_urls_and_time_origin(tmp_path):
    doc = read_eaf(write(tmp_path / "a.eaf", field_eaf(media="../my%20media/clip%201.mp4",
                                                        origin=400)))
    [medium] = doc.media
    assert medium.relative_path == "../my media/clip 1.mp4"
    assert medium.file_name == "clip 1.mp4" and medium.time_origin == 400


BAD_FILES = {
    "not XML": (b"this is not an eaf file at all", "not well-formed XML"),
    "wrong root": (b'<?xml version="1.0"?><TEI><text/></TEI>',
                   "not an ELAN file: its root element is <TEI>"),
    "missing time slot": (field_eaf(words_slot="ts99").encode(),
                          "annotation a2 on tier 'words' refers to the time slot 'ts99', which "
                          "the file does not have"),
    "entity bomb": (b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<ANNOTATION_DOCUMENT><HEADER/>&lol3;</ANNOTATION_DOCUMENT>""",
                    "the XML declares an entity 'lol'"),
    "external entity": (b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<ANNOTATION_DOCUMENT><HEADER/><TIME_ORDER/>&xxe;</ANNOTATION_DOCUMENT>""",
                        "the XML declares an external entity 'xxe' (file:///etc/passwd)"),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_files_are_refused_naming_the_file_and_the_problem(tmp_path, kind):
    data, message = BAD_FILES[kind]
    path = tmp_path / "bad.eaf"
    path.write_bytes(data)
    with pytest.raises(InputFileError) as caught:
        read_eaf(path)
    text = str(caught.value)
    assert text.startswith(f"{path}: ") and message in text, text
    assert "\n" not in text and "root:x" not in text


@pytest.mark.parametrize("change, message", [
    (lambda t: t.replace('ANNOTATION_REF="a5"', 'ANNOTATION_REF="a55"', 1),
     "refers to the annotation a55, which the file does not have"),
    (lambda t: t.replace('LINGUISTIC_TYPE_REF="gloss-lt"', 'LINGUISTIC_TYPE_REF="nope"'),
     "the tier 'gloss' has the linguistic type 'nope', which the file does not define"),
    (lambda t: t.replace('PARENT_REF="tokens"', 'PARENT_REF="toekns"'),
     "the tier 'pos' has the parent tier 'toekns', which the file does not have"),
    (lambda t: t.replace('TIME_VALUE="400"', 'TIME_VALUE="soon"'),
     "the time slot ts7 has the value 'soon', not a whole number of milliseconds"),
    (lambda t: t.replace('ANNOTATION_ID="a3"', 'ANNOTATION_ID="a2"'),
     "the annotation id a2 is used twice"),
    (lambda t: t.replace('TIME_UNITS="milliseconds"', 'TIME_UNITS="PAL-frames"'),
     "time units 'PAL-frames' are not supported"),
])
def test_broken_references_are_named(tmp_path, change, message):
    path = write(tmp_path / "broken.eaf", change(field_eaf()))
    with pytest.raises(InputFileError, match=message):
        read_eaf(path)


def test_size_limit_and_unreadable_file(tmp_path, monkeypatch):
    path = write(tmp_path / "big.eaf", field_eaf())
    monkeypatch.setattr(eaf_io, "MAX_EAF_BYTES", 1000)
    too_big = "bytes, more than the 1,000 bytes an ELAN file may have"
    with pytest.raises(InputFileError, match=too_big):
        read_eaf(path)
    with pytest.raises(InputFileError, match="cannot read the file"):
        read_eaf(tmp_path / "absent.eaf")


def test_regions_as_text_round_trip_exactly():
    for box in [(0.1, 0.2, 0.3, 0.4), (1 / 3, 0.0, 2 / 3, 1.0), (0.123456789012345, 0.5,
                                                                 0.25, 0.125)]:
        assert parse_region_text(region_text(*box)) == box
    assert parse_region_text("somewhere left") is None


def test_overlapping_spans_go_to_lanes():
    a, b, c = ExportSpan(0, 100), ExportSpan(50, 150), ExportSpan(100, 200)
    assert lanes([c, b, a]) == [[a, c], [b]]
    assert lanes([]) == [[]]


def test_relative_media_url(tmp_path):
    (tmp_path / "media").mkdir()
    (tmp_path / "out").mkdir()
    assert relative_media_url(tmp_path / "media" / "my clip.mp4", tmp_path / "out") == \
        "../media/my%20clip.mp4"
    assert relative_media_url(tmp_path / "out" / "c.mp4", tmp_path / "out") == "./c.mp4"


def test_what_we_write_is_valid_eaf_3_and_reads_back(tmp_path):
    import xmlschema

    tiers = [
        ExportTier("Emotion cue", "kim", "clip", ("repetition", "other"), (
            ExportSpan(0, 120, "repetition", "big <signs> & \"quotes\"\nline 2",
                       region_text(0.1, 0.2, 0.3, 0.4)),
            ExportSpan(80, 400, "other"),  # overlaps: a second lane
            ExportSpan(400, 520, ""))),
        ExportTier("Emotion cue", "lee", "clip", ("repetition", "other"), ()),
        ExportTier("Free", "kim", "clip", (), (ExportSpan(40, 80, "anything ✋"),)),
    ]
    media = ExportMedia(tmp_path / "clip.mp4", "./clip.mp4")
    out = tmp_path / "out.eaf"
    out.write_text("an older file")
    assert write_eaf(out, tiers, media=media, video="clip") == 6  # 4 segments, note, region
    xmlschema.XMLSchema(SCHEMA).validate(out)
    doc = read_eaf(out)
    assert doc.header_property("emosign:video") == "clip"
    [medium] = doc.media
    assert (medium.relative_path, medium.mime_type) == ("clip.mp4", "video/mp4")
    assert medium.path == str((tmp_path / "clip.mp4").resolve())
    by_id = {t.id: t for t in doc.tiers}
    assert list(by_id) == ["Emotion cue@kim", "Emotion cue@kim note", "Emotion cue@kim region",
                           "Emotion cue@kim (2)", "Emotion cue@lee", "Free@kim"]
    cue = by_id["Emotion cue@kim"]
    assert (cue.linguistic_type, cue.annotator, cue.participant, cue.vocabulary) == (
        "EmoSign: Emotion cue", "kim", "clip", ("repetition", "other"))
    assert spans(cue)[0][1:] == (0, 120, "repetition")
    note = by_id["Emotion cue@kim note"]
    assert (note.parent, note.constraint, note.linguistic_type) == (
        "Emotion cue@kim", "Symbolic_Association", "EmoSign note")
    assert note.annotations[0].value == "big <signs> & \"quotes\"\nline 2"
    assert note.annotations[0].parent == cue.annotations[0].id
    assert parse_region_text(by_id["Emotion cue@kim region"].annotations[0].value) == (
        0.1, 0.2, 0.3, 0.4)
    assert spans(by_id["Emotion cue@kim (2)"])[0][1:] == (80, 400, "other")
    assert by_id["Free@kim"].vocabulary == ()
    assert not list(tmp_path.glob("*.bak")) and not list(tmp_path.glob("*.part"))


def test_pympi_reads_what_we_write(tmp_path):
    """An independent reader (pympi) sees the same tiers, times and values."""
    from pympi.Elan import Eaf

    tiers = [ExportTier("Emotion cue", "kim", "clip", ("x",), (ExportSpan(40, 79, "x", "n"),))]
    out = tmp_path / "o.eaf"
    write_eaf(out, tiers, media=None, video="clip")
    eaf = Eaf(str(out))
    assert eaf.get_annotation_data_for_tier("Emotion cue@kim") == [(40, 79, "x")]
    assert eaf.get_parameters_for_tier("Emotion cue@kim")["ANNOTATOR"] == "kim"
    assert eaf.get_cv_entries("Emotion cue") == {"cveid0": ([("x", "und", "Emotion cue: x")],
                                                            None)}


def test_a_file_that_cannot_be_written_is_named(tmp_path):
    from emosign_desktop.core.errors import EmoSignError

    with pytest.raises(EmoSignError, match=r"no_folder/x\.eaf: cannot write the file"):
        write_eaf(tmp_path / "no_folder" / "x.eaf", [], media=None, video="v")


@pytest.mark.parametrize("version", ["2.7", "3.0"])
def test_what_a_file_says_of_its_tiers_is_kept(tmp_path, version):
    doc = read_eaf(write(tmp_path / "field.eaf", field_eaf(version)))
    tiers = {t.id: t for t in doc.tiers}
    assert len(doc.sha256) == 64
    assert tiers["pos"].type == EafType("pos-lt", "Symbolic_Association", False, False)
    assert tiers["words"].type == EafType("words-lt", "Time_Subdivision", True, False)
    lang = "eng" if version == "3.0" else ""
    gesture = tiers["gesture"].cv
    assert gesture is not None and gesture.id == "Gesture"
    assert [e.values for e in gesture.entries] == [
        (("prep", lang, "preparation"),), (("stroke", lang, "stroke"),),
        (("retr", lang, "retraction"),)]
    assert gesture.descriptions == ((lang, "Gesture"),)
    assert dict(doc.languages) == ({"eng": ("http://cdb.iso.org/lg/CDB-00138502-001",
                                            "English (eng)")} if version == "3.0" else {})
    # every annotation of a dependent tier names its parent: by reference, or by time
    assert {t: [a.parent for a in tiers[t].annotations] for t in
            ("gloss", "words", "tokens", "pos", "brows", "gesture")} == {
        "gloss": [None], "words": ["a1", "a1", "a1"], "tokens": ["a1", "a1"], "pos": ["a5"],
        "brows": ["a1", "a1"], "gesture": [None]}
    # the definition survives JSON and comes back whole
    for tier in doc.tiers:
        data = json.loads(json.dumps(tier_definition(tier, doc.languages)))
        back, languages = tier_from_definition(data)
        assert back == dataclasses.replace(tier, annotations=())
        assert set(languages) <= set(doc.languages)


def test_reference_tiers_are_written_as_they_came(tmp_path):
    """Foreign tiers through the writer: types, vocabularies, parents, shared slots of a time
    subdivision, references in order; valid EAF 3.0; read back the same."""
    import xmlschema

    doc = read_eaf(write(tmp_path / "field.eaf", field_eaf("3.0")))
    tiers = {t.id: t for t in doc.tiers}
    keys = {}

    def key(aid: str) -> int:
        return keys.setdefault(aid, len(keys) + 1)

    foreign = [ForeignTier(t, tuple(
        ForeignAnnotation(key(a.id), a.value, round(a.begin_ms), round(a.end_ms),
                          key(a.parent) if a.parent else None) for a in t.annotations))
        for t in doc.tiers]
    out = tmp_path / "out.eaf"
    assert write_eaf(out, [ExportTier("Emotion cue", "kim", "clip", ("x",), (
        ExportSpan(0, 40, "x"),))], media=None, video="clip", foreign=foreign,
        languages=doc.languages) == 11
    xmlschema.XMLSchema(SCHEMA).validate(out)
    back = read_eaf(out)
    again = {t.id: t for t in back.tiers}
    assert list(again) == ["Emotion cue@kim", *tiers]
    for name, tier in tiers.items():
        found = again[name]
        assert (found.type, found.cv, found.parent, found.annotator, found.participant) == (
            tier.type, tier.cv, tier.parent, tier.annotator, tier.participant), name
        assert [(a.begin_ms, a.end_ms, a.value) for a in found.annotations] == [
            (round(a.begin_ms), round(a.end_ms), a.value) for a in tier.annotations], name
    assert [a.value for a in again["tokens"].annotations] == ["HOU", "SE"]
    assert [a.parent for a in again["pos"].annotations] == [again["tokens"].annotations[0].id]
    # the subdivision shares the parent's slots: one value between each two neighbours
    text = out.read_text(encoding="utf-8")
    assert text.count('TIME_VALUE="1400"') == 1 and text.count('TIME_VALUE="1000"') == 1
