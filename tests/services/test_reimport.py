"""Imports never duplicate, and a project has one tier per name: importing a file again
(its name, or its content under another name) replaces what it brought wherever it went, in
one undoable step, and says so; media matching several videos are refused, naming them;
tiers of the same name from different files are one tier (vocabularies merged, reported)
unless a tier prefix keeps them apart.  ELAN and SignStream alike."""

from __future__ import annotations

import shutil

import pytest

from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.services.elan import import_eaf
from emosign_desktop.services.signstream import import_signstream
from emosign_desktop.storage import PROJECT_FILE
from tests.conftest import dump_project
from tests.io.test_eaf import field_eaf
from tests.io.test_signstream import UTTERANCES, write_signstream
from tests.services.test_elan import add_record
from tests.services.test_elan_frames import elan_file


def per_video(project) -> dict[str, int]:
    names = {v.id: v.name for v in project._repo.videos()}
    out: dict[str, int] = {}
    for s in project._repo.segments():
        out[names[s.video_id]] = out.get(names[s.video_id], 0) + 1
    return out


def test_reimport_onto_another_video_moves_it_in_one_undo_step(project, tmp_path):
    """The issue's case: a file imported onto A with --video, then again after B (which its
    media names) was added: it goes to B and leaves A, not both."""
    a = add_record(project, "take-a", 25.0, 100)
    path = tmp_path / "field.eaf"
    path.write_text(field_eaf(media="./take-b.mp4"), encoding="utf-8")
    import_eaf(project, path, video=a.name)
    add_record(project, "take-b", 25.0, 100)  # known by name: the media's stem
    project.writer.undo_stack.clear()
    result = import_eaf(project, path)
    assert result.video == "take-b" and per_video(project) == {"take-b": 10}
    assert result.replaced == 10
    assert "replaced 10 segments of the earlier import on take-a" in str(result)
    assert project.writer.undo_stack.undo_label == "import field.eaf"
    project.writer.undo()
    assert per_video(project) == {"take-a": 10}
    # --video b after --video a: still one copy
    import_eaf(project, path, video="take-a")
    import_eaf(project, path, video="take-b")
    assert per_video(project) == {"take-b": 10}


def test_a_renamed_copy_is_the_same_file(project, tmp_path):
    add_record(project, "clip", 25.0, 100)
    path = tmp_path / "field.eaf"
    path.write_text(field_eaf(), encoding="utf-8")
    import_eaf(project, path)
    copy = shutil.copy(path, tmp_path / "field (copy).eaf")
    result = import_eaf(project, copy)
    assert per_video(project) == {"clip": 10}
    assert {s.source for s in project._repo.segments()} == {"elan:field (copy).eaf"}
    assert "replaced 10 segments of the earlier import (the same file as field.eaf) on clip" \
        in str(result)
    edited = tmp_path / "field.eaf"  # the first name again, edited in ELAN: replaces too
    edited.write_text(field_eaf().replace(">HOUSE<", ">HOME<"), encoding="utf-8")
    import_eaf(project, edited)
    assert per_video(project) == {"clip": 20}  # another file now: the copy's stay
    import_eaf(project, edited)
    assert per_video(project) == {"clip": 20}


def test_media_matching_several_videos_are_refused_naming_them(project, tmp_path):
    add_record(project, "cam1", 25.0, 100)
    add_record(project, "cam2", 25.0, 100)
    path = elan_file(tmp_path / "two.eaf", {"gloss": [(0, 400, "A")]}, media="cam1.mp4")
    text = path.read_text(encoding="utf-8").replace(
        "</HEADER>", '<MEDIA_DESCRIPTOR MEDIA_URL="file:///x/cam2.mp4" MIME_TYPE="video/mp4"/>'
        "</HEADER>")
    path.write_text(text, encoding="utf-8")
    before = dump_project(project.folder / PROJECT_FILE)
    with pytest.raises(EmoSignError) as caught:
        import_eaf(project, path)
    assert str(caught.value) == (f"{path} links media cam1.mp4, cam2.mp4, which match the "
                                 "videos cam1, cam2; give --video NAME")
    assert dump_project(project.folder / PROJECT_FILE) == before
    assert import_eaf(project, path, video="cam2").video == "cam2"


def test_tiers_of_the_same_name_are_one_tier(project, tmp_path):
    add_record(project, "w1", 25.0, 100)
    add_record(project, "w2", 25.0, 100)
    first = elan_file(tmp_path / "weather_001.eaf", {"EBf": [(0, 400, "up")],
                                                     "Ci": [(0, 200, "x")]}, media="w1.mp4")
    second = elan_file(tmp_path / "weather_002.eaf", {"EBf": [(400, 800, "down")],
                                                      "Hno": [(0, 200, "y")]},
                       media="w2.mp4")
    import_eaf(project, first)
    result = import_eaf(project, second)
    names = sorted(t.name for t in project._repo.tiers() if t.read_only)
    assert names == ["Ci", "EBf", "Hno"]
    ebf = next(t for t in project._repo.tiers() if t.name == "EBf")
    assert sorted(s.value for s in project._repo.segments(tier_id=ebf.id)) == ["down", "up"]
    assert "added to 1 tier other files brought too (EBf)" in str(result)
    # a prefix keeps a file's tiers apart
    third = elan_file(tmp_path / "weather_003.eaf", {"EBf": [(0, 40, "up")]}, media="w1.mp4")
    result = import_eaf(project, third, tier_prefix="w3/")
    assert "w3/EBf" in {t.name for t in project._repo.tiers()} and "added to" not in str(result)


def test_vocabularies_are_merged_and_undo_restores_them(project, tmp_path):
    add_record(project, "clip", 25.0, 100)
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "one.eaf").write_text(field_eaf(), encoding="utf-8")
    # another file with the same template, its gesture vocabulary one value longer
    (b / "two.eaf").write_text(field_eaf().replace(
        '<CV_ENTRY_ML CVE_ID="c2">', '<CV_ENTRY_ML CVE_ID="c9"><CVE_VALUE DESCRIPTION="hold" '
        'LANG_REF="eng">hold</CVE_VALUE></CV_ENTRY_ML><CV_ENTRY_ML CVE_ID="c2">').replace(
        "<ANNOTATION_VALUE>stroke<", "<ANNOTATION_VALUE>hold<"), encoding="utf-8")
    import_eaf(project, a / "one.eaf")
    result = import_eaf(project, b / "two.eaf")
    gesture = next(t for t in project._repo.tiers() if t.name == "gesture")
    assert gesture.vocabulary == ("prep", "stroke", "retr", "hold")
    assert len([t for t in project._repo.tiers() if t.read_only]) == 6
    assert result.joined.startswith("added to 6 tiers other files brought too (")
    assert result.joined.endswith("; 1 new value in their vocabularies)")
    project.writer.undo()
    gesture = next(t for t in project._repo.tiers() if t.name == "gesture")
    assert gesture.vocabulary == ("prep", "stroke", "retr")


def test_signstream_renamed_copy_and_tier_prefix(project, tmp_path):
    clip = add_record(project, "clip_24363254", 30.0, 60)
    path = write_signstream(tmp_path / "a.xml", utterances=(UTTERANCES[1],))
    import_signstream(project, path)
    copy = shutil.copy(path, tmp_path / "a_copy.xml")
    result = import_signstream(project, copy)
    assert len(project._repo.segments(video_id=clip.id)) == 5
    assert "replaced 5 segments of an earlier import (the same file as a.xml) on " \
           "clip_24363254" in result.lines()
    assert result.counts.joined == []  # the copy is the same file, not another one
    apart = import_signstream(project, write_signstream(
        tmp_path / "b.xml", utterances=(UTTERANCES[1],), participants=(("0", "Ben"),)),
        tier_prefix="b: ")
    assert "b: wh question" in {t.name for t in project._repo.tiers()}
    assert apart.counts.joined == []


def test_reimport_with_a_prefix_moves_the_file_to_its_own_tiers(project, tmp_path):
    from emosign_desktop.services.elan import export_eaf

    add_record(project, "w1", 25.0, 100)
    add_record(project, "w2", 25.0, 100)
    import_eaf(project, elan_file(tmp_path / "one.eaf", {"EBf": [(0, 400, "up")]},
                                         media="w1.mp4"))
    second = elan_file(tmp_path / "two.eaf", {"EBf": [(400, 800, "down")]}, media="w2.mp4")
    import_eaf(project, second)
    import_eaf(project, second, tier_prefix="two/")  # again, apart
    tiers = {t.id: t.name for t in project._repo.tiers()}
    assert sorted((tiers[s.tier_id], s.value) for s in project._repo.segments()) == [
        ("EBf", "up"), ("two/EBf", "down")]
    out = tmp_path / "w2.eaf"
    summary = export_eaf(project, "w2", out)  # EBf no longer says it is two.eaf's
    assert (summary.reference_tiers, summary.reference_segments) == (1, 1)
