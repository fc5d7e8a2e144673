"""SignStream XML: files of the real shape (NCSLGR exports) built here, read whole; malformed
and hostile files refused with one line naming the file and the problem."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest

from emosign_desktop.core.errors import InputFileError
from emosign_desktop.io import signstream
from emosign_desktop.io.signstream import media_file_name, read_signstream

PHASE_VALUES = (("400000", "HOLD"), ("400001", "ONSET"), ("400002", "OFFSET"))
#: (id, label, name, values as (id, label, name)) as in the NCSLGR coding scheme.
FIELDS = (
    ("10", "eye brows", "eye brows", (("2", "raised", "raised"), ("3", "lwrd", "lowered"))),
    ("4", "hm: nod", "head mvmt: nod", (("2", "rapid", "rapid"), ("4", "slow", "slow"))),
    ("17", "wh question", "wh question", (("2", "q/wh", "whq"),)),
    ("14", "mouth", "mouth", (("8", "cha", "cha"), ("4", "mm", "lips pursed:mm"))),
    ("10000", "main gloss", "main gloss", ()),
    ("20001", "english", "English translation", ()),
    ("77", "weather", "weather", (("1", "sunny", "sunny"),)),  # a field nobody knows
)
#: Media files: master and slave views of utterance 5, the master of utterance 24363254.
MEDIA = (
    ("1", "NCSLGR:video files:master:669_474_master_small.mov"),
    ("2", "NCSLGR:video files:slave1:669_474_slave1_small.mov"),
    ("3", "New coding:24363254_master_small.mov"),
)
#: Two utterances: S/E in ms of their media files; A times from the utterance's start.
UTTERANCES = (
    {"id": "5", "S": 1000, "E": 3000, "media": ("1", "2"), "tracks": {
        "10": [(0, 633, "400001"), (667, 1467, "2"), (1500, 1967, "400002")],
        "4": [(333, 1000, "4")],
        "10000": [(100, 400, "JOHN"), (433, 900, "LIKE"), (433, 1100, "400000")],
        "20001": [(0, 2000, "John likes it.")],
        "77": [(0, 500, "1")],
    }},
    {"id": "24363254", "S": 0, "E": 1500, "media": ("3",), "tracks": {
        "17": [(0, 200, "400001"), (233, 1200, "2")],
        "14": [(100, 300, "8"), (333, 700, "400002")],
        "10000": [(0, 1200, "WHO")],
    }},
)


def signstream_xml(utterances=UTTERANCES, fields=FIELDS, media=MEDIA,
                   participants=(("0", "Mike"),)) -> str:
    """A SignStream 2 export of the NCSLGR shape."""
    out = ['<SIGNSTREAM-DATABASE DATABASE-VERSION="1.1" SIGNSTREAM-VERSION="2" SOURCE="">',
           "<DISTRIBUTOR>test</DISTRIBUTOR>", "<PARTICIPANTS>"]
    out += [f'<PARTICIPANT ID="{pid}" LABEL={quoteattr(label)} LANGUAGE="ASL"><BACKGROUND/>'
            "</PARTICIPANT>" for pid, label in participants]
    out += ["</PARTICIPANTS>", "<CODING-SCHEME>"]
    for fid, label, name, values in fields:
        out.append(f'<FIELD CONSTRAINT="free-text" ID="{fid}" LABEL={quoteattr(label)} '
                   f"NAME={quoteattr(name)}>")
        out += [f'<VALUE ID="{vid}" LABEL={quoteattr(vl)} NAME={quoteattr(vn)}/>'
                for vid, vl, vn in values]
        out += [f'<VALUE ID="{vid}" NAME="{vn}"/>' for vid, vn in PHASE_VALUES]
        out.append("</FIELD>")
    out += ["</CODING-SCHEME>", "<MEDIA-FILES>"]
    out += [f"<MEDIA-FILE ID=\"{mid}\" LEGACY-PATH={quoteattr(p)}/>" for mid, p in media]
    out += ["</MEDIA-FILES>", "<UTTERANCES>"]
    for u in utterances:
        out.append(f'<UTTERANCE E="{u["E"]}" EXCERPT="x" ID="{u["id"]}" S="{u["S"]}"><NOTES/>')
        out += [f'<MEDIA-REF ID="{m}"/>' for m in u["media"]]
        segments = u.get("segments") or {participants[0][0]: u["tracks"]}
        for pid, tracks in segments.items():
            out.append(f'<SEGMENT PARTICIPANT-ID="{pid}" PRIMARY="true">')
            for fid, marks in tracks.items():
                out.append(f'<TRACK FID="{fid}">')
                for s, e, v in marks:
                    if v.isdigit():
                        out.append(f'<A E="{e}" S="{s}" VID="{v}"/>')
                    else:
                        out.append(f'<A E="{e}" S="{s}">{escape(v)}</A>')
                out.append("</TRACK>")
            out.append("</SEGMENT>")
        out.append("</UTTERANCE>")
    out += ["</UTTERANCES>", "</SIGNSTREAM-DATABASE>"]
    return "\n".join(out) + "\n"


def write_signstream(path: Path, **kwargs) -> Path:
    path.write_text(signstream_xml(**kwargs), encoding="utf-8")
    return path


def test_fields_values_phases_texts_and_media(tmp_path):
    f = read_signstream(write_signstream(tmp_path / "a.xml"))
    assert [x.name for x in f.fields] == [x[2] for x in FIELDS]
    brows = f.field("10")
    assert brows.vocabulary == ("raised", "lwrd") and not brows.is_text  # labels, no phases
    assert f.field("10000").is_text and f.field("20001").vocabulary == ()
    assert [u.id for u in f.utterances] == ["5", "24363254"] and f.annotation_count == 14
    first, second = f.utterances
    assert (first.start_ms, first.end_ms) == (1000, 3000)
    assert first.media == ("669_474_master_small.mov", "669_474_slave1_small.mov")
    assert second.media_stems == ("24363254_master_small",)
    by_field = {}
    for a in first.annotations:
        by_field.setdefault(a.field_id, []).append((a.start_ms, a.end_ms, a.value, a.phase))
    # an ONSET takes the value of the event after it, an OFFSET the one before it
    assert by_field["10"] == [(0, 633, "raised", "onset"), (667, 1467, "raised", ""),
                              (1500, 1967, "raised", "offset")]
    # a HOLD of a sign holds the gloss before it; texts are kept as written
    assert by_field["10000"] == [(100, 400, "JOHN", ""), (433, 900, "LIKE", ""),
                                 (433, 1100, "LIKE", "hold")]
    assert by_field["20001"] == [(0, 2000, "John likes it.", "")]
    assert by_field["77"] == [(0, 500, "sunny", "")]
    # an OFFSET of mouth after "cha"; an ONSET of the wh question before "q/wh"
    assert {(a.field_id, a.value, a.phase) for a in second.annotations} >= {
        ("14", "cha", "offset"), ("17", "q/wh", "onset")}


def test_free_text_is_kept_verbatim(tmp_path):
    """Translations and glosses keep double spaces and spaces at either end, as written
    (the NCSLGR files have "Did John read the book?  Yes, he did." and texts ending in
    spaces); the file's hash names its content."""
    texts = ["Did John read the book?  Yes, he did.", "Mother should not have bought a car.   ",
             "  two  spaces  ", "line one\nline two"]
    u = {"id": "1", "S": 0, "E": 9000, "media": (), "tracks": {
        "20001": [(i * 1000, i * 1000 + 900, t) for i, t in enumerate(texts)]}}
    path = write_signstream(tmp_path / "a.xml", utterances=(u,))
    f = read_signstream(path)
    assert [a.value for a in f.utterances[0].annotations] == texts
    import hashlib

    assert f.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_phase_with_no_event_has_no_value(tmp_path):
    u = {"id": "1", "S": 0, "E": 900, "media": (), "tracks": {
        "10": [(0, 100, "3"), (133, 400, "400001")],  # an onset of nothing: not guessed
        "4": [(0, 300, "400002")]}}
    f = read_signstream(write_signstream(tmp_path / "a.xml", utterances=(u,)))
    assert [(a.value, a.phase) for a in f.utterances[0].annotations] == [
        ("lwrd", ""), ("", "onset"), ("", "offset")]


def test_several_participants_are_kept(tmp_path):
    u = {"id": "1", "S": 0, "E": 900, "media": ("1",), "tracks": {},
         "segments": {"0": {"10": [(0, 100, "2")]}, "1": {"10": [(0, 200, "3")]}}}
    f = read_signstream(write_signstream(tmp_path / "a.xml", utterances=(u,),
                                         participants=(("0", "Mike"), ("1", "Ben"))))
    assert f.participants == {"0": "Mike", "1": "Ben"}
    assert [(a.participant, a.value) for a in f.utterances[0].annotations] == [
        ("0", "raised"), ("1", "lwrd")]


@pytest.mark.parametrize("path, name", [
    ("NCSLGR:Movies-from-CDs:biker buddy:biker_buddy_1069_small_0.mov",
     "biker_buddy_1069_small_0.mov"),
    ("movies/a b.mov", "a b.mov"), ("C:\\movies\\x.mp4", "x.mp4"), ("plain.mov", "plain.mov")])
def test_media_file_names(path, name):
    assert media_file_name(path) == name


BOMB = """<?xml version="1.0"?>
<!DOCTYPE SIGNSTREAM-DATABASE [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<SIGNSTREAM-DATABASE><DISTRIBUTOR>&d;</DISTRIBUTOR></SIGNSTREAM-DATABASE>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE SIGNSTREAM-DATABASE [<!ENTITY x SYSTEM "http://127.0.0.1:9/secret">]>
<SIGNSTREAM-DATABASE><DISTRIBUTOR>&x;</DISTRIBUTOR></SIGNSTREAM-DATABASE>
"""


def _broken(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


GOOD = signstream_xml()
BAD_FILES = {
    "not XML": ("just some text, not XML\n", "not well-formed XML (line 1"),
    "cut short": (GOOD[:len(GOOD) // 2], "not well-formed XML"),
    "empty": ("", "not well-formed XML"),
    "wrong root": ('<ANNOTATION_DOCUMENT FORMAT="3.0"/>',
                   "not a SignStream file (its root element is <ANNOTATION_DOCUMENT>"),
    "entity bomb": (BOMB, "the XML declares an entity"),
    "external entity": (EXTERNAL, "the XML declares an external entity"),
    "unknown field": (_broken(GOOD, '<TRACK FID="77">', '<TRACK FID="99">'),
                      "utterance 5: a TRACK refers to field 99, which the CODING-SCHEME "
                      "does not define"),
    "unknown value": (_broken(GOOD, '<A E="1000" S="333" VID="4"/>',
                              '<A E="333" S="0" VID="9"/>'),
                      "value 9 is not a value of that field"),
    "ends before it starts": (_broken(GOOD, 'E="1467" S="667"', 'E="467" S="667"'),
                              "an annotation ends (E=467) before it starts (S=667)"),
    "time not a number": (_broken(GOOD, 'E="1467" S="667"', 'E="1467" S="6x7"'),
                          "S='6x7' is not a whole number of milliseconds"),
    "negative time": (_broken(GOOD, 'E="1467" S="667"', 'E="1467" S="-1"'), "negative"),
    "no coding scheme": (_broken(GOOD, "<CODING-SCHEME>", "<OTHER>").replace(
        "</CODING-SCHEME>", "</OTHER>"), "no CODING-SCHEME"),
    "unknown media": (_broken(GOOD, '<MEDIA-REF ID="3"/>', '<MEDIA-REF ID="8"/>'),
                      "MEDIA-REF 8 is not among the MEDIA-FILES"),
    "no utterance": (GOOD[:GOOD.index("<UTTERANCES>")] + "<UTTERANCES/></SIGNSTREAM-DATABASE>",
                     "holds no UTTERANCE"),
    "utterance twice": (_broken(GOOD, 'ID="24363254"', 'ID="5"'), "utterance 5 appears twice"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_malformed_files_are_refused_naming_the_file(tmp_path, case):
    text, problem = BAD_FILES[case]
    path = tmp_path / "bad file.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        read_signstream(path)
    message = str(err.value)
    assert message.startswith(f"{path}: ") and problem in message
    assert "\n" not in message


def test_too_large_is_not_read(tmp_path, monkeypatch):
    path = write_signstream(tmp_path / "a.xml")
    monkeypatch.setattr(signstream, "MAX_FILE_BYTES", 1000)
    with pytest.raises(InputFileError, match=r"bytes, more than the 1,000 bytes a SignStream "
                       r"file may have"):
        read_signstream(path)


def test_a_missing_file(tmp_path):
    with pytest.raises(InputFileError, match="cannot read the file"):
        read_signstream(tmp_path / "none.xml")
