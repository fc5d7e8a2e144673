"""Annotator packs and merging: nothing lost, nothing duplicated, conflicts kept."""

from __future__ import annotations

import dataclasses
import json
import shutil
import time

import pytest

from emosign_desktop.core.errors import EmoSignError, InputFileError, StaleChangeError
from emosign_desktop.core.model import Region
from emosign_desktop.core.schema import EMOSIGN_SCHEMA, EmotionDef
from emosign_desktop.services import packs
from emosign_desktop.services.session import Session, create_session
from emosign_desktop.storage import PROJECT_FILE, open_project
from tests.conftest import add_video_record, dump_project


def export_pack(session, annotator, path):
    return packs.export_pack(session, annotator, path)


def merge_pack_files(session, paths):
    return packs.merge_pack_files(session, paths)


@pytest.fixture
def make_project(tmp_path, empty_project_file):
    def make(name: str):
        folder = tmp_path / name
        folder.mkdir()
        shutil.copy(empty_project_file, folder / PROJECT_FILE)
        return Session(open_project(folder), undo=True)

    return make


def annotate(project, who: str, videos: dict[str, int], fingerprints: dict[str, str] | None = None):
    """``videos``: name -> sentiment; every emotion gets sentiment % 4."""
    repo = project._repo
    tier = repo.tiers()[1]
    for name, sentiment in videos.items():
        v = repo.video_by_name(name) or add_video_record(
            project, name, (fingerprints or {}).get(name))
        values = {"sentiment": sentiment, "sentiment_confidence": 70, "cues": f"{who} on {name}",
                  **dict.fromkeys(EMOSIGN_SCHEMA.emotion_keys, abs(sentiment) % 4)}
        project.editing.set_labels(v.id, who, values)
        project.editing.add_segment(v.id, who, tier.id, 3, 9, "repetition",
                                    region=Region(0.1, 0.2, 0.3, 0.4))
    return repo.annotator_by_name(who)


def test_pack_round_trip_into_an_empty_project(make_project, tmp_path):
    src = make_project("laptop")
    annotate(src, "maria", {"v1": 2, "v2": -1})
    path = tmp_path / "maria.json"
    pack = export_pack(src, "maria", path)
    assert {v.name for v in pack.videos} == {"v1", "v2"}
    data = json.loads(path.read_text())
    assert data["kind"] == "emosign-annotator-pack" and data["annotator"] == "maria"
    assert data["schema"]["emotions"][0]["key"] == "joy" and data["app_version"]
    dest = make_project("lab")
    [summary] = merge_pack_files(dest, [path])
    assert (summary.added, summary.videos_added, summary.conflicts) == (4, 2, 0)
    maria = dest._repo.annotator_by_name("maria")
    got = {dest._repo.video(a.video_id).name: a for a in dest._repo.annotations(
        annotator_id=maria.id)}
    assert got["v1"].sentiment == 2 and got["v2"].emotions["joy"] == 1
    assert got["v1"].cues == "maria on v1"
    mine = src._repo.annotations(annotator_id=src._repo.annotator_by_name("maria").id)
    assert {a.updated_at for a in mine} == {a.updated_at for a in got.values()}
    segs = dest._repo.segments(annotator_id=maria.id)
    assert len(segs) == 2 and segs[0].region == Region(0.1, 0.2, 0.3, 0.4)
    assert {s.uid for s in segs} == {s.uid for s in src._repo.segments()}
    [merge] = dest._repo.merged_packs()
    assert merge["pack_name"] == "maria.json" and merge["source_project"] == src._repo.project_id()


def test_merging_the_same_pack_again_changes_nothing(make_project, tmp_path):
    src = make_project("laptop")
    annotate(src, "maria", {"v1": 2})
    path = tmp_path / "maria.json"
    export_pack(src, "maria", path)
    dest = make_project("lab")
    merge_pack_files(dest, [path])
    before = dump_project(dest.path)
    [again] = merge_pack_files(dest, [path])
    assert again.already_merged
    assert dump_project(dest.path) == before
    copy = tmp_path / "copy-of-maria.json"  # same content, new name: same items, unchanged
    shutil.copy(path, copy)
    export_pack(src, "maria", copy)  # a newer pack file with the same items
    [third] = merge_pack_files(dest, [copy])
    assert (third.added, third.updated, third.unchanged, third.conflicts) == (0, 0, 2, 0)
    assert len(dest._repo.annotations()) == 1 and len(dest._repo.segments()) == 1


def test_videos_match_by_fingerprint_then_name(make_project, tmp_path):
    src = make_project("laptop")
    annotate(src, "li", {"local_name": 1, "same_name": 0, "new_one": -2},
             {"local_name": "b2:aaa"})
    export_pack(src, "li", tmp_path / "li.json")
    dest = make_project("lab")
    by_fp = add_video_record(dest, "lab_name", "b2:aaa")
    by_name = add_video_record(dest, "same_name")
    [summary] = merge_pack_files(dest, [tmp_path / "li.json"])
    assert summary.videos_added == 1
    li = dest._repo.annotator_by_name("li")
    videos = {a.video_id for a in dest._repo.annotations(annotator_id=li.id)}
    assert by_fp.id in videos and by_name.id in videos
    assert dest._repo.video_by_name("new_one") is not None
    assert dest._repo.video_by_name("local_name") is None


def test_conflicting_packs_newer_edit_wins_and_the_other_is_logged(make_project, tmp_path):
    laptop = make_project("laptop")
    annotate(laptop, "sam", {"v1": 1})
    export_pack(laptop, "sam", tmp_path / "old.json")
    time.sleep(0.01)
    v1 = laptop._repo.video_by_name("v1")
    laptop.editing.set_label(v1.id, "sam", "sentiment", -3)
    seg = laptop._repo.segments()[0]
    laptop.editing.update_segment(dataclasses.replace(seg, end_frame=20))
    export_pack(laptop, "sam", tmp_path / "new.json")
    lab = make_project("lab")
    merge_pack_files(lab, [tmp_path / "new.json"])
    [summary] = merge_pack_files(lab, [tmp_path / "old.json"])  # older pack after newer
    assert (summary.kept_newer, summary.updated) == (2, 0)
    sam = lab._repo.annotator_by_name("sam")
    assert lab._repo.annotations(annotator_id=sam.id)[0].sentiment == -3
    assert lab._repo.segments()[0].end_frame == 20
    log = lab._repo.conflicts()
    assert len(log) == 2 and {c["item"].split()[0] for c in log} == {"annotation", "segment"}
    ann = next(c for c in log if c["item"] == "annotation")
    assert json.loads(ann["kept"])["sentiment"] == -3
    assert json.loads(ann["discarded"])["sentiment"] == 1
    lab2 = make_project("lab2")  # the other order: the newer pack replaces
    merge_pack_files(lab2, [tmp_path / "old.json"])
    [s2] = merge_pack_files(lab2, [tmp_path / "new.json"])
    assert (s2.updated, s2.kept_newer) == (2, 0)
    sam2 = lab2._repo.annotator_by_name("sam")
    assert lab2._repo.annotations(annotator_id=sam2.id)[0].sentiment == -3
    assert len(lab2._repo.annotations()) == 1 and len(lab2._repo.segments()) == 1


def test_several_annotators_in_one_transaction(make_project, tmp_path):
    paths = []
    for who in ("a1", "a2", "a3"):
        p = make_project(who)
        annotate(p, who, {"x": 1, "y": 2})
        paths.append(tmp_path / f"{who}.json")
        export_pack(p, who, paths[-1])
    lab = make_project("lab")
    summaries = merge_pack_files(lab, paths)
    assert [s.added for s in summaries] == [4, 4, 4]
    assert len(lab._repo.videos()) == 2 and len(lab._repo.annotations()) == 6


def _pack_dict(make_project, tmp_path):
    src = make_project("laptop")
    annotate(src, "zoe", {"v": 1})
    path = tmp_path / "zoe.json"
    export_pack(src, "zoe", path)
    return json.loads(path.read_text())


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: d.update(format_version=99), "pack format 99"),
    (lambda d: d.update(kind="something-else"), "not an EmoSign annotator pack"),
    (lambda d: d["annotations"][0]["values"].update(sentiment=9), "from -3 to 3"),
    (lambda d: d["annotations"][0].update(video="ghost"), "does not list"),
    (lambda d: d["segments"][0].update(start_frame=-4), "not a span"),
    (lambda d: d["segments"][0].update(region=[0.5, 0.5, 0.9, 0.1]), "inside the picture"),
    (lambda d: d.update(videos="nope"), "must be a list"),
    (lambda d: d["annotations"][0].update(values=[1, 2]), "must be an object"),
])
def test_bad_packs_are_refused_and_change_nothing(make_project, tmp_path, mutate, message):
    data = _pack_dict(make_project, tmp_path)
    mutate(data)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    good_src = make_project("other")
    annotate(good_src, "ok", {"w": 0})
    good = tmp_path / "good.json"
    export_pack(good_src, "ok", good)
    lab = make_project("lab")
    before = dump_project(lab.path)
    with pytest.raises(InputFileError) as err:
        merge_pack_files(lab, [good, bad])  # one bad pack: nothing is merged
    assert str(bad) in str(err.value) and message in str(err.value)
    assert dump_project(lab.path) == before


@pytest.mark.parametrize("content", [b"", b"\x00\x01garbage", b"[1, 2, 3]", b'{"kind": 1}',
                                     b"{" * 5000])
def test_corrupt_files_are_refused(make_project, tmp_path, content):
    path = tmp_path / "corrupt.json"
    path.write_bytes(content)
    lab = make_project("lab")
    before = dump_project(lab.path)
    with pytest.raises(InputFileError):
        merge_pack_files(lab, [path])
    assert dump_project(lab.path) == before


def test_pack_with_another_schema_is_refused(make_project, tmp_path):
    src = create_session(tmp_path / "laptop", dataclasses.replace(
        EMOSIGN_SCHEMA, name="Other", emotions=(EmotionDef("calm", "Calm"),)))
    v = add_video_record(src, "v")
    src.editing.set_label(v.id, "kim", "calm", 2)
    export_pack(src, "kim", tmp_path / "kim.json")
    lab = make_project("lab")
    before = dump_project(lab.path)
    with pytest.raises(EmoSignError, match="another label schema"):
        merge_pack_files(lab, [tmp_path / "kim.json"])
    assert dump_project(lab.path) == before


def test_unknown_annotator_is_explained(make_project, tmp_path):
    with pytest.raises(EmoSignError, match="no annotator named 'nobody'"):
        export_pack(make_project("p"), "nobody", tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()


def test_undo_after_merge_restores_the_value_before_the_merge(make_project, tmp_path):
    """The reviewer's scenario: joy = 2, then a newer pack from the same annotator with
    joy = 3 is merged.  Undo takes back the merge (joy is 2 again), then the edit."""
    lab = make_project("lab")
    v = add_video_record(lab, "clip", "b2:clip")
    lab.writer.undo_stack.clear()
    lab.editing.set_label(v.id, "kim", "joy", 2)
    laptop = make_project("laptop")
    add_video_record(laptop, "clip", "b2:clip")
    time.sleep(0.01)
    laptop.editing.set_label(laptop._repo.video_by_name("clip").id, "kim", "joy", 3)
    export_pack(laptop, "kim", tmp_path / "kim.json")
    [summary] = merge_pack_files(lab, [tmp_path / "kim.json"])
    assert summary.updated == 1
    kim = lab._repo.annotator_by_name("kim")
    assert lab._repo.annotation(v.id, kim.id).emotions["joy"] == 3
    assert lab.writer.undo_stack.undo_label == "merge kim.json"  # not "joy = 2"
    lab.writer.undo()
    assert lab._repo.annotation(v.id, kim.id).emotions == {"joy": 2}
    assert lab._repo.merged_packs() == [] and lab._repo.conflicts() == []
    lab.writer.redo()
    assert lab._repo.annotation(v.id, kim.id).emotions["joy"] == 3
    lab.writer.undo()
    assert lab.writer.undo_stack.undo_label == "joy = 2"
    lab.writer.undo()
    assert lab._repo.annotation(v.id, kim.id) is None
    [again] = merge_pack_files(lab, [tmp_path / "kim.json"])  # the undone merge can be redone
    assert not again.already_merged and again.added == 1


def test_undo_of_a_merge_refused_when_its_values_changed_since(make_project, tmp_path):
    lab = make_project("lab")
    laptop = make_project("laptop")
    annotate(laptop, "sam", {"v1": 1, "v2": 2})
    export_pack(laptop, "sam", tmp_path / "sam.json")
    merge_pack_files(lab, [tmp_path / "sam.json"])
    v1 = lab._repo.video_by_name("v1")
    before = dump_project(lab.path)
    from emosign_desktop.services.session import open_session

    with open_session(lab.folder) as other:
        other.editing.set_label(v1.id, "sam", "sentiment", -2)
    with pytest.raises(StaleChangeError, match="sentiment of video 'v1' by 'sam' is now -2"):
        lab.writer.undo()
    assert lab._repo.annotation(v1.id, lab._repo.annotator_by_name("sam").id).sentiment == -2
    assert len(lab._repo.merged_packs()) == 1 and dump_project(lab.path) != before


def test_huge_merges_clear_the_history_and_say_so(make_project, tmp_path, monkeypatch):
    from emosign_desktop.services import write_path

    monkeypatch.setattr(write_path, "UNDO_LIMIT", 3)
    laptop = make_project("laptop")
    annotate(laptop, "sam", {"v1": 1, "v2": 2, "v3": 0})
    export_pack(laptop, "sam", tmp_path / "sam.json")
    lab = make_project("lab")
    add_video_record(lab, "x")
    merge_pack_files(lab, [tmp_path / "sam.json"])
    stack = lab.writer.undo_stack
    assert not stack.can_undo
    assert stack.cleared.startswith("merge sam.json changed") and "too many to undo" in \
        stack.cleared
