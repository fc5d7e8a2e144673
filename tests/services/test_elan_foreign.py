"""ELAN -> EmoSign -> ELAN keeps the foreign tiers: a file of every real shape (all four
constraint types, a three-level hierarchy, time slots without a value, controlled
vocabularies with descriptions, participant and annotator) goes through import and export;
pympi reads back the same tiers, types, vocabularies, parents and values, and importing the
export gives the same segments on the same frames.  ``only_ours`` leaves them out; our own
export coming back doubles nothing; ``export-segments`` names each segment and its parent."""

from __future__ import annotations

import csv
import json

import pytest

from emosign_desktop.core.changeset import ChangeSet, VideoEdit
from emosign_desktop.core.model import MediaInfo, Video, VideoId
from emosign_desktop.io.eaf import read_eaf
from emosign_desktop.services.elan import export_eaf, import_eaf
from emosign_desktop.services.session import create_session
from emosign_desktop.services.signstream import import_signstream
from emosign_desktop.services.tidy_export import export_segments
from tests.io.test_eaf import SCHEMA, field_eaf
from tests.io.test_signstream import write_signstream
from tests.services.test_elan import add_record, add_segments

FIELD_TIERS = ["gloss", "words", "tokens", "pos", "brows", "gesture"]


def imported(project_or_session, version: str, tmp_path):
    path = tmp_path / "field.eaf"
    path.write_text(field_eaf(version), encoding="utf-8")
    import_eaf(project_or_session, path)
    return path


def rows(session) -> list[tuple]:
    """Every segment as (tier, first, last, value, order, parent (tier, first, value))."""
    tiers = {t.id: t.name for t in session._repo.tiers()}
    segments = session._repo.segments()
    by_uid = {s.uid: s for s in segments}
    out = []
    for s in segments:
        attrs = dict(s.attributes)
        p = by_uid.get(attrs.get("parent", ""))
        out.append((tiers[s.tier_id], s.start_frame, s.end_frame, s.value, attrs.get("order"),
                    None if p is None else (tiers[p.tier_id], p.start_frame, p.value)))
    return sorted(out, key=repr)


def elan_view(path):
    """What pympi (an independent reader) sees: per tier its parameters, linguistic type,
    vocabulary and annotations (values; a reference annotation with its parent's value)."""
    from pympi.Elan import Eaf

    eaf = Eaf(str(path))
    values = {aid: v for t in eaf.tiers.values() for aid, (_, _, v, _) in t[0].items()}
    values.update({aid: v for t in eaf.tiers.values() for aid, (_, v, _, _) in t[1].items()})
    out = {}
    for name, (aligned, refs, params, _) in eaf.tiers.items():
        lt = eaf.linguistic_types[params["LINGUISTIC_TYPE_REF"]]
        cv = lt.get("CONTROLLED_VOCABULARY_REF")
        entries = sorted(tuple(v) for e in eaf.controlled_vocabularies[cv][1].values()
                         for v in e[0]) if cv else []
        out[name] = {
            "params": {k: params.get(k) or None for k in ("PARENT_REF", "PARTICIPANT",
                                                          "ANNOTATOR")},
            "type": (params["LINGUISTIC_TYPE_REF"], lt.get("CONSTRAINTS"),
                     lt.get("TIME_ALIGNABLE")),
            "vocabulary": entries,
            "values": sorted(v for _, _, v, _ in aligned.values()),
            "refs": sorted((v, values[ref]) for ref, v, _, _ in refs.values()),
        }
    return out


def other_project(tmp_path, name: str = "clip", fps: float = 25.0, frames: int = 100):
    session = create_session(tmp_path / "other")
    video = Video(VideoId(1), name, None, None, MediaInfo(fps, frames, 64, 48, frames / fps,
                                                          "h264"))
    session.writer.run("add", lambda _r: ChangeSet(videos=(VideoEdit(None, video),)))
    return session


@pytest.mark.parametrize("version", ["2.7", "3.0"])
def test_every_shape_goes_back_out_as_it_came(project, tmp_path, version):
    import xmlschema

    video = add_record(project, "clip", 25.0, 100)
    source = imported(project, version, tmp_path)
    add_segments(project, video, [("Emotion cue", "kim", 3, 9, "repetition", "", None)])
    out = tmp_path / "out.eaf"
    summary = export_eaf(project, "clip", out)
    assert (summary.segments, summary.reference_tiers, summary.reference_segments) == (1, 6, 10)
    assert str(summary).endswith("1 segment on 1 tier (kim), and 10 annotations on 6 "
                                 "reference tiers as their files defined them; no media "
                                 "linked (the video has none)")
    xmlschema.XMLSchema(SCHEMA).validate(out)
    theirs, ours = elan_view(source), elan_view(out)
    assert set(ours) == {*FIELD_TIERS, "Emotion cue@kim", "Facial grammar@kim"}
    for tier in FIELD_TIERS:
        assert ours[tier] == theirs[tier], tier
    assert ours["pos"]["refs"] == [("n", "HOU")] and ours["tokens"]["refs"] == [
        ("HOU", "HOUSE"), ("SE", "HOUSE")]
    assert ours["gesture"]["vocabulary"] == [
        ("prep", "eng" if version == "3.0" else "und", "preparation"),
        ("retr", "eng" if version == "3.0" else "und", "retraction"),
        ("stroke", "eng" if version == "3.0" else "und", "stroke")]
    back = read_eaf(out)
    tokens = next(t for t in back.tiers if t.id == "tokens")
    assert [a.value for a in tokens.annotations] == ["HOU", "SE"]  # in their order
    # the time subdivision shares its parent's first and last slot, in aligned slots now
    words = next(t for t in back.tiers if t.id == "words")
    assert [(a.begin_ms, a.end_ms) for a in words.annotations] == [
        (1000, 1400), (1400, 1800), (1800, 2200)]
    # importing the export into another project gives the same segments, frames, parents
    other = other_project(tmp_path)
    try:
        import_eaf(other, out)
        assert [r for r in rows(other) if r[0] != "Emotion cue"] == [
            r for r in rows(project) if r[0] != "Emotion cue"]
    finally:
        other.close()


def test_only_ours_and_our_export_coming_back(project, tmp_path):
    video = add_record(project, "clip", 25.0, 100)
    imported(project, "3.0", tmp_path)
    add_segments(project, video, [("Emotion cue", "kim", 3, 9, "repetition", "", None)])
    out = tmp_path / "ours.eaf"
    summary = export_eaf(project, "clip", out, only_ours=True)
    assert (summary.reference_tiers, str(summary).endswith("(kim); no media linked (the "
                                                            "video has none)")) == (0, True)
    assert [t.id for t in read_eaf(out).tiers] == ["Facial grammar@kim", "Emotion cue@kim"]
    before = rows(project)
    everything = tmp_path / "all.eaf"
    export_eaf(project, "clip", everything)
    result = import_eaf(project, everything)  # back into the project it came from
    assert (result.segments, result.reference_segments, result.unchanged) == (0, 0, 11)
    assert rows(project) == before


def test_export_segments_names_segments_and_parents(project, tmp_path):
    add_record(project, "clip", 25.0, 100)
    imported(project, "3.0", tmp_path)
    out = tmp_path / "segments.csv"
    export_segments(project, out)
    with out.open(encoding="utf-8", newline="") as f:
        table = list(csv.DictReader(f))
    by_id = {r["segment_id"]: r for r in table}
    assert len(by_id) == 10 and all(r["segment_id"].isdigit() for r in table)

    def parent(row):
        return by_id[row["parent_id"]]["value"] if row["parent_id"] else None

    def order(row):  # the parent is in the attributes too, as its segment's uid
        attributes = json.loads(row["attributes"] or "{}")
        if row["parent_id"]:
            uid = attributes.pop("parent")
            assert [s.id for s in project._repo.segments() if s.uid == uid] == [
                int(row["parent_id"])]
        return json.dumps(attributes) if attributes else ""

    found = sorted((r["tier"], r["value"], r["start_frame"], r["end_frame"], parent(r),
                    order(r)) for r in table)
    assert found == sorted([
        ("gloss", "HOUSE", "25", "54", None, ""),
        ("gesture", "stroke", "10", "19", None, ""),
        # a time subdivision: its own spans, from the file's unaligned slots
        ("words", "h", "25", "34", "HOUSE", ""), ("words", "ou", "35", "44", "HOUSE", ""),
        ("words", "se", "45", "54", "HOUSE", ""),
        # a symbolic subdivision: the parent's span, with its order
        ("tokens", "HOU", "25", "54", "HOUSE", '{"order": "1"}'),
        ("tokens", "SE", "25", "54", "HOUSE", '{"order": "2"}'),
        ("pos", "n", "25", "54", "HOU", ""),  # an association, on the second level
        ("brows", "raised", "30", "39", "HOUSE", ""), ("brows", "raised", "47", "50", "HOUSE",
                                                       ""),
    ])


def test_signstream_tiers_go_out_as_plain_tiers(project, tmp_path):
    """A reference tier whose file said nothing ELAN knows is written top-level with its
    vocabulary, on the same frames."""
    clip = add_record(project, "clip_24363254", 30.0, 60)
    from tests.io.test_signstream import UTTERANCES

    import_signstream(project, write_signstream(tmp_path / "a.xml",
                                                       utterances=(UTTERANCES[1],)))
    out = tmp_path / "ss.eaf"
    summary = export_eaf(project, clip.name, out)
    assert summary.reference_tiers == 3
    view = elan_view(out)
    assert view["wh question"]["params"]["PARENT_REF"] is None
    assert [v for v, _, _ in view["wh question"]["vocabulary"]] == ["q/wh"]
    other = other_project(tmp_path, clip.name, 30.0, 60)
    try:
        import_eaf(other, out)
        assert [r[:4] for r in rows(other)] == [r[:4] for r in rows(project)]
    finally:
        other.close()


def test_two_files_on_one_video_keep_their_own_elan_tiers(project, tmp_path):
    """Two files of one template on one video (two annotators, say): one tier per name in
    the project, but each file's annotations go out on an ELAN tier of their own (one ELAN
    tier cannot hold both where they overlap), each with its own dependents."""
    add_record(project, "clip", 25.0, 100)
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "kim.eaf").write_text(field_eaf(), encoding="utf-8")
    (second / "lee.eaf").write_text(field_eaf().replace(">HOUSE<", ">HOME<"), encoding="utf-8")
    import_eaf(project, first / "kim.eaf")
    import_eaf(project, second / "lee.eaf")
    assert len([t for t in project._repo.tiers() if t.read_only]) == 6
    out = tmp_path / "both.eaf"
    assert export_eaf(project, "clip", out).reference_tiers == 12
    view = elan_view(out)
    assert view["gloss"]["values"] == ["HOUSE"] and view["gloss (2)"]["values"] == ["HOME"]
    assert view["words (2)"]["params"]["PARENT_REF"] == "gloss (2)"
    assert view["tokens (2)"]["refs"] == [("HOU", "HOME"), ("SE", "HOME")]
    other = other_project(tmp_path)
    try:
        import_eaf(other, out)
        assert sorted((r[1], r[2], r[3], r[4], r[5] and r[5][1:]) for r in rows(other)) == \
            sorted((r[1], r[2], r[3], r[4], r[5] and r[5][1:]) for r in rows(project))
    finally:
        other.close()
