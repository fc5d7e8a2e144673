"""A pack changes only the work of the annotator it names: a hostile pack that reuses other
annotators' segment ids, or claims an import-only annotator, is refused whole and the
project is left as it was; a large pack is merged in parts, still as one undoable step."""

from __future__ import annotations

import json
import shutil

import pytest

from emosign_desktop.cli import main as cli_main
from emosign_desktop.core.changeset import AnnotatorEdit, ChangeSet
from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.core.model import Annotator, AnnotatorId, AnnotatorKind, Region
from emosign_desktop.services import merging, packs
from emosign_desktop.services.session import Session
from emosign_desktop.storage import PROJECT_FILE, open_project
from tests.conftest import add_video_record, dump_project

FUTURE = "2030-01-01T00:00:00.000+00:00"


@pytest.fixture
def make_project(tmp_path, empty_project_file):
    def make(name: str, undo: bool = True) -> Session:
        folder = tmp_path / name
        folder.mkdir()
        shutil.copy(empty_project_file, folder / PROJECT_FILE)
        return Session(open_project(folder), undo=undo)

    return make


def _lab_with_ann1(make_project, videos: int = 5) -> Session:
    """A project where ann1 rated ``videos`` videos and drew one segment on each."""
    lab = make_project("lab")
    tier = lab._repo.tiers()[0]
    for i in range(videos):
        v = add_video_record(lab, f"clip{i}.mp4", f"b2:{i:04d}")
        lab.editing.set_labels(v.id, "ann1", {"sentiment": 1, "joy": 2})
        lab.editing.add_segment(v.id, "ann1", tier.id, i, i + 10, "", note=f"ann1 note {i}",
                                region=Region(0.1, 0.1, 0.5, 0.5))
    return lab


def _hostile_pack(lab: Session, tmp_path, annotator: str = "mallory") -> tuple:
    """ann1's work exported, then re-labelled as ``annotator``'s, every segment rewritten
    and dated 2030: the pack the issue describes."""
    path = tmp_path / f"{annotator}.emosignpack.json"
    packs.export_pack(lab, "ann1", path)
    data = json.loads(path.read_text())
    data["annotator"] = annotator
    data["annotations"] = []
    for s in data["segments"]:
        s.update(note=f"{annotator} was here", updated_at=FUTURE)
    path.write_text(json.dumps(data))
    return path, data


def test_a_pack_reusing_another_annotators_segment_ids_is_refused_whole(make_project,
                                                                         tmp_path):
    lab = _lab_with_ann1(make_project)
    path, data = _hostile_pack(lab, tmp_path)
    data["segments"].append({**data["segments"][0], "uid": "f" * 32})  # and one new segment
    path.write_text(json.dumps(data))
    ann1 = lab._repo.annotator_by_name("ann1")
    mine = {s.uid: s for s in lab._repo.segments(annotator_id=ann1.id)}
    before = dump_project(lab.path)
    with pytest.raises(EmoSignError) as refused:
        packs.merge_pack_files(lab, [path])
    message = str(refused.value)
    first = data["segments"][0]["uid"]
    assert message.startswith(f"{path.name}: 5 segments of this pack have the ids of other "
                              "annotators' segments")
    assert f"segment {first} on 'clip0.mp4' by 'ann1'" in message
    assert "('mallory')" in message and message.endswith("Nothing was merged.")
    assert "\n" not in message
    assert dump_project(lab.path) == before  # nothing merged, no annotator, no video, no log
    assert lab._repo.annotator_by_name("mallory") is None
    assert {s.uid: s for s in lab._repo.segments(annotator_id=ann1.id)} == mine
    assert lab.writer.undo_stack.undo_label != f"merge {path.name}"


def test_the_message_names_the_first_few_and_counts_the_rest(make_project, tmp_path):
    lab = _lab_with_ann1(make_project, videos=8)
    path, data = _hostile_pack(lab, tmp_path)
    with pytest.raises(EmoSignError) as refused:
        packs.merge_pack_files(lab, [path])
    message = str(refused.value)
    assert "8 segments" in message and "; and 3 more)" in message
    assert [f"segment {s['uid']} on '{s['video']}'" in message
            for s in data["segments"]] == [True] * 5 + [False] * 3


def test_another_annotator_who_exists_is_refused_too(make_project, tmp_path):
    lab = _lab_with_ann1(make_project, videos=2)
    v = lab._repo.video_by_name("clip0.mp4")
    lab.editing.set_label(v.id, "mallory", "joy", 1)  # mallory is a real annotator here
    path, _data = _hostile_pack(lab, tmp_path)
    before = dump_project(lab.path)
    with pytest.raises(EmoSignError, match="2 segments of this pack"):
        packs.merge_pack_files(lab, [path])
    assert dump_project(lab.path) == before


def test_the_same_pack_from_its_own_annotator_merges(make_project, tmp_path):
    """The check refuses only others' ids: the same rewritten segments under ann1's name
    are ann1's newer edits, kept, with the old versions in the conflict log."""
    lab = _lab_with_ann1(make_project)
    path, _data = _hostile_pack(lab, tmp_path, annotator="ann1")
    [summary] = packs.merge_pack_files(lab, [path])
    assert (summary.updated, summary.added) == (5, 0)
    notes = {s.note for s in lab._repo.segments()}
    assert notes == {"ann1 was here"}
    assert len(lab._repo.conflicts()) == 5


def test_a_good_pack_and_a_hostile_one_merge_nothing(make_project, tmp_path):
    lab = _lab_with_ann1(make_project, videos=2)
    laptop = make_project("laptop")
    v = add_video_record(laptop, "clip0.mp4", "b2:0000")
    laptop.editing.set_label(v.id, "kim", "joy", 3)
    good = tmp_path / "kim.json"
    packs.export_pack(laptop, "kim", good)
    bad, _data = _hostile_pack(lab, tmp_path)
    before = dump_project(lab.path)
    with pytest.raises(EmoSignError, match="other annotators' segments"):
        packs.merge_pack_files(lab, [good, bad])
    assert dump_project(lab.path) == before


def _pack_of(make_project, tmp_path, name: str, joy: int = 3):
    laptop = make_project(f"laptop-{name.strip()}-{joy}")
    v = add_video_record(laptop, "clip0.mp4", "b2:0000")
    laptop.editing.set_label(v.id, "someone", "joy", joy)
    path = tmp_path / f"{name.strip()}-{joy}.json"
    packs.export_pack(laptop, "someone", path)
    data = json.loads(path.read_text())
    data["annotator"] = name
    path.write_text(json.dumps(data))
    return path


def _add_imported(session: Session, *names: str) -> None:
    """Annotators as imports make them (the released file's, a reference tier's)."""
    def build(repo):
        first = repo.next_id("annotator")
        return ChangeSet(annotators=tuple(AnnotatorEdit(None, Annotator(
            AnnotatorId(first + n), name, AnnotatorKind.IMPORTED)) for n, name in
            enumerate(names)))

    session.writer.run("import", build)


@pytest.mark.parametrize("name", ["emosign-consensus", "reasoning-2", " reasoning-1 ",
                                  "elan-reference"])
def test_a_pack_cannot_change_an_import_only_annotator(make_project, tmp_path, name):
    lab = _lab_with_ann1(make_project, videos=1)
    _add_imported(lab, "emosign-consensus", "reasoning-1", "reasoning-2", "elan-reference")
    path = _pack_of(make_project, tmp_path, name)
    before = dump_project(lab.path)
    with pytest.raises(EmoSignError, match=f"names the annotator '{name.strip()}', whose "
                       "labels in this project were imported from a file"):
        packs.merge_pack_files(lab, [path])
    assert dump_project(lab.path) == before


def test_reference_labels_can_move_to_a_project_without_them(make_project, tmp_path):
    """A pack of emosign-consensus (``emosign pack --annotator emosign-consensus``) brings
    the reference labels to a project that has none, as an import's, not a rater's."""
    from emosign_desktop.services.agreement import raters

    lab = _lab_with_ann1(make_project, videos=1)
    [summary] = packs.merge_pack_files(lab, [
        _pack_of(make_project, tmp_path, "emosign-consensus")])
    assert summary.added == 1
    consensus = lab._repo.annotator_by_name("emosign-consensus")
    assert consensus.kind is AnnotatorKind.IMPORTED
    assert [a.name for a in raters(lab)] == ["ann1"]
    again = _pack_of(make_project, tmp_path, "emosign-consensus", joy=1)  # a second: refused
    with pytest.raises(EmoSignError, match="a pack cannot change them"):
        packs.merge_pack_files(lab, [again])


def test_the_command_exits_2_with_one_line(make_project, tmp_path, capsys):
    lab = _lab_with_ann1(make_project)
    path, data = _hostile_pack(lab, tmp_path)
    folder = lab.folder
    lab.close()
    before = dump_project(folder / PROJECT_FILE)
    assert cli_main(["merge", str(folder), str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith(
        f"emosign merge: error: {path.name}: 5 segments of this pack")
    assert f"segment {data['segments'][0]['uid']} on 'clip0.mp4' by 'ann1'" in err
    assert dump_project(folder / PROJECT_FILE) == before
    assert cli_main(["export-segments", str(folder), "-o", str(tmp_path / "s.csv")]) == 0
    exported = (tmp_path / "s.csv").read_text()
    assert "mallory" not in exported and "ann1 note 4" in exported


def test_a_large_pack_is_merged_in_parts_as_one_step(make_project, tmp_path, monkeypatch):
    """With parts of 3 items, 4 annotations and 8 segments go in as 4 change sets: all of
    them merged, one record, one undo step that takes the project back exactly."""
    monkeypatch.setattr(merging, "PART", 3)
    laptop = make_project("laptop")
    tier = laptop._repo.tiers()[0]
    for i in range(4):
        v = add_video_record(laptop, f"v{i}", f"b2:{i}")
        laptop.editing.set_labels(v.id, "sam", {"sentiment": i - 1})
        for k in range(2):
            laptop.editing.add_segment(v.id, "sam", tier.id, k, k + 5, "", note=f"{i}/{k}")
    path = tmp_path / "sam.json"
    packs.export_pack(laptop, "sam", path)
    lab = make_project("lab")
    before = dump_project(lab.path)
    [summary] = packs.merge_pack_files(lab, [path])
    assert (summary.added, summary.videos_added) == (12, 4)
    sam = lab._repo.annotator_by_name("sam")
    assert len(lab._repo.annotations(annotator_id=sam.id)) == 4
    assert {s.note for s in lab._repo.segments(annotator_id=sam.id)} == {
        f"{i}/{k}" for i in range(4) for k in range(2)}
    [record] = lab._repo.merged_packs()
    assert record["summary"] == str(summary)
    assert lab.writer.undo_stack.undo_label == "merge sam.json"
    after = {s.uid: s for s in lab._repo.segments()}
    lab.writer.undo()
    assert [r for r in dump_project(lab.path) if r[0] != "edit_log"] == \
        [r for r in before if r[0] != "edit_log"]
    lab.writer.redo()
    assert {s.uid: s for s in lab._repo.segments()} == after
    assert len(lab._repo.annotations()) == 4 and len(lab._repo.merged_packs()) == 1
    # a hostile pack in parts is still refused before any part is written
    again = tmp_path / "again.json"
    data = json.loads(path.read_text())
    data["annotator"] = "mallory"
    again.write_text(json.dumps(data))
    now = dump_project(lab.path)
    with pytest.raises(EmoSignError, match="8 segments of this pack"):
        packs.merge_pack_files(lab, [again])
    assert dump_project(lab.path) == now


def _labels_by_video(session: Session, who: str) -> dict[str, int]:
    person = session._repo.annotator_by_name(who)
    return {session._repo.video(a.video_id).name: a.emotions["joy"]
            for a in session._repo.annotations(annotator_id=person.id)}


def test_two_pack_videos_never_land_on_one_project_video(make_project, tmp_path):
    """A laptop with two videos of the same content (added with --allow-duplicate): each
    keeps its own labels in the lab, which has one of them; before, the second was keyed to
    the same row and the merge failed with a raw database error."""
    laptop = make_project("laptop")
    for name, joy in (("x", 1), ("a", 2), ("b", 3)):
        v = add_video_record(laptop, name, "b2:same")
        laptop.editing.set_label(v.id, "kim", "joy", joy)
    path = tmp_path / "kim.json"
    packs.export_pack(laptop, "kim", path)
    lab = make_project("lab")
    a = add_video_record(lab, "a", "b2:same")
    [summary] = packs.merge_pack_files(lab, [path])
    assert (summary.added, summary.videos_added) == (3, 2)
    assert _labels_by_video(lab, "kim") == {"x": 1, "a": 2, "b": 3}
    assert lab._repo.video_by_name("a").id == a.id


def test_a_pack_whose_videos_collide_in_the_project_is_refused(make_project, tmp_path):
    laptop = make_project("laptop")
    for name, fp in (("x", "b2:aaa"), ("a", "b2:other")):
        v = add_video_record(laptop, name, fp)
        laptop.editing.set_label(v.id, "kim", "joy", 1)
    path = tmp_path / "kim.json"
    packs.export_pack(laptop, "kim", path)
    lab = make_project("lab")
    add_video_record(lab, "a", "b2:aaa")  # x by content, a by name: the same video
    before = dump_project(lab.path)
    with pytest.raises(EmoSignError, match="the pack's videos 'x' and 'a' are both the "
                       "project's video 'a'"):
        packs.merge_pack_files(lab, [path])
    assert dump_project(lab.path) == before
