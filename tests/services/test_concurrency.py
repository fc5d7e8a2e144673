"""Several annotators (windows, processes) on one project at once, on SQLite and on a
PostgreSQL server: nothing is lost, nobody's labels overwrite another's, a stale write is
refused naming both values, and each window hears of the others' changes within 2 s."""

from __future__ import annotations

import dataclasses
import threading
import time

import pytest

from emosign_desktop.core.errors import StaleChangeError
from emosign_desktop.services.csv_exchange import import_annotator_csv
from emosign_desktop.services.session import Session, open_session
from emosign_desktop.services.workspace import Workspace
from tests.conftest import add_videos_by_name, dump_project
from tests.storage import concurrent_editor


def _is_pg(session: Session) -> bool:
    return session._project.server is not None


@pytest.fixture
def other(project):
    """A second window (or process) on the same project."""
    s = open_session(project.folder, undo=True)
    yield s
    s.close()


def _aid(session: Session, name: str):
    return session._repo.annotator_by_name(name).id


# -- nothing lost, nobody overwritten --------------------------------------------------------------
def test_two_annotators_on_the_same_video_keep_both(project, other):
    (video,) = add_videos_by_name(project, "v1")
    errors: list[BaseException] = []
    last: dict[str, dict[str, int]] = {"kim": {}, "lee": {}}

    def edit(session: Session, who: str, seed: int) -> None:
        try:
            for i in range(25):
                field = ("joy", "anger", "sadness")[(i + seed) % 3]
                value = (i * 7 + seed) % 4
                session.editing.set_label(video.id, who, field, value)
                last[who][field] = value
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=edit, args=(project, "kim", 1)),
               threading.Thread(target=edit, args=(other, "lee", 2))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    for who in ("kim", "lee"):
        assert project._repo.annotation(video.id, _aid(project, who)).emotions == last[who]


def test_edits_to_other_videos_do_not_wait_for_an_open_transaction(project, other):
    v1, v2 = add_videos_by_name(project, "v1", "v2")
    other.editing.set_label(v1.id, "lee", "joy", 0)  # lee exists: no annotator to add
    finished = threading.Event()

    def lee_edits() -> None:
        other.editing.set_label(v2.id, "lee", "joy", 1)  # another video
        other.editing.set_label(v1.id, "lee", "anger", 2)  # the same video, own labels
        finished.set()

    with project.writer.operation("kim is in the middle of a long operation"):
        project.editing.set_label(v1.id, "kim", "joy", 3)
        thread = threading.Thread(target=lee_edits)
        thread.start()
        if _is_pg(project):  # rows are locked, not the project: lee does not wait
            assert finished.wait(5), "an edit of other rows waited for kim's transaction"
        else:  # SQLite has one writer at a time: lee waits (busy timeout), then writes
            assert not finished.wait(0.3)
    thread.join(10)
    assert finished.is_set()
    lee = _aid(project, "lee")
    assert project._repo.annotation(v1.id, lee).emotions == {"joy": 0, "anger": 2}
    assert project._repo.annotation(v2.id, lee).emotions == {"joy": 1}
    assert project._repo.annotation(v1.id, _aid(project, "kim")).emotions == {"joy": 3}


def test_annotators_and_segments_added_at_once_get_their_own_ids(project, other):
    (video,) = add_videos_by_name(project, "v1")
    tier = project._repo.tiers()[0].id
    made: dict[str, list] = {"a": [], "b": []}

    def add(session: Session, who: str, key: str) -> None:
        for i in range(10):
            made[key].append(session.editing.add_segment(video.id, f"{who}-{i % 3}", tier,
                                                         i, i + 1, "", f"{who}{i}"))

    threads = [threading.Thread(target=add, args=(project, "kim", "a")),
               threading.Thread(target=add, args=(other, "lee", "b"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    segments = project._repo.segments(video_id=video.id)
    assert len(segments) == 20 == len({s.id for s in segments})
    assert {s.note for s in segments} == {s.note for s in made["a"] + made["b"]}
    assert len(project._repo.annotators()) == 6


@pytest.mark.slow
def test_several_processes_lose_nothing(project):
    folder = str(project.folder)
    concurrent_editor.prepare(folder)
    run = concurrent_editor.run_editors(folder, 4, 40, seed=7)
    assert run.ended == 4 and not run.errors, run.errors
    assert len(run.done) + len(run.stale) == 160
    assert concurrent_editor.lost_edits(folder, run) == []
    for message in run.stale:
        assert "joy of video 'v0' by 'shared' is now" in message
        assert "was not saved and nothing was changed" in message


# -- stale writes ----------------------------------------------------------------------------------
def test_a_stale_label_is_refused_with_both_values(project, other):
    (video,) = add_videos_by_name(project, "v1")
    project.editing.set_label(video.id, "kim", "joy", 1)
    kim = _aid(project, "kim")
    assert project._repo.annotation(video.id, kim).emotions == {"joy": 1}  # window 1 shows 1
    other.editing.set_label(video.id, "kim", "joy", 3)  # kim's second window sets 3
    before = dump_project(project.path)
    with pytest.raises(StaleChangeError) as refused:
        project.editing.set_label(video.id, "kim", "joy", 2)  # built from the 1 it shows
    message = str(refused.value)
    assert "joy of video 'v1' by 'kim' is now 3, not 1" in message
    assert "your 2 was not saved" in message
    assert dump_project(project.path) == before
    assert project.writer.undo_stack.undo_label == "joy = 1"
    # a field the other window did not change is no conflict
    project.editing.set_label(video.id, "kim", "anger", 2)
    # told the new value, the annotator may set it again: now it is not stale
    project.editing.set_label(video.id, "kim", "joy", 2)
    assert other._repo.annotation(video.id, kim).emotions == {"joy": 2, "anger": 2}


def test_an_annotation_made_elsewhere_since_is_not_overwritten(project, other):
    (video,) = add_videos_by_name(project, "v1")
    other.editing.set_label(video.id, "kim", "sentiment", 0)
    kim = _aid(project, "kim")
    assert project._repo.annotation(video.id, kim).emotions == {}  # shows no joy
    other.editing.set_label(video.id, "kim", "joy", 3)
    with pytest.raises(StaleChangeError, match="is now 3, not empty"):
        project.editing.set_label(video.id, "kim", "joy", 1)


def test_reading_nothing_first_means_nothing_to_be_stale_about(project, other):
    (video,) = add_videos_by_name(project, "v1")
    other.editing.set_label(video.id, "kim", "joy", 3)
    project.editing.set_label(video.id, "kim", "joy", 1)  # never read: nothing stale
    assert other._repo.annotation(video.id, _aid(other, "kim")).emotions == {"joy": 1}


def test_a_stale_segment_is_refused_with_both_values(project, other):
    (video,) = add_videos_by_name(project, "v1")
    tier = project._repo.tiers()[1]
    seg = project.editing.add_segment(video.id, "kim", tier.id, 10, 20, "other", "a")
    (shown,) = project._repo.segments(video_id=video.id)
    theirs = other._repo.segment(seg.id)
    other.editing.update_segment(dataclasses.replace(theirs, end_frame=30, value="repetition"))
    before = dump_project(project.path)
    with pytest.raises(StaleChangeError) as refused:
        project.editing.update_segment(dataclasses.replace(shown, note="mouth"))
    message = str(refused.value)
    assert "end_frame is now 30, not 20" in message
    assert "value is now 'repetition', not 'other'" in message
    assert dump_project(project.path) == before
    with pytest.raises(StaleChangeError):
        project.editing.update_segment(dataclasses.replace(shown, start_frame=12))
    (fresh,) = project._repo.segments(video_id=video.id)  # the window re-reads
    project.editing.update_segment(dataclasses.replace(fresh, note="mouth"))
    assert other._repo.segment(seg.id).note == "mouth"


def test_deleting_a_segment_changed_elsewhere_is_refused(project, other):
    (video,) = add_videos_by_name(project, "v1")
    tier = project._repo.tiers()[1]
    seg = project.editing.add_segment(video.id, "kim", tier.id, 10, 20, "other")
    project._repo.segments(video_id=video.id)
    other.editing.update_segment(dataclasses.replace(other._repo.segment(seg.id), note="x"))
    with pytest.raises(StaleChangeError, match="note is now 'x', not empty"):
        project.editing.delete_segment(seg.id)
    assert other._repo.segment(seg.id).note == "x"


def test_a_stale_tier_edit_is_refused_with_both_values(project, other):
    shown = project._repo.tiers()[0]
    theirs = other._repo.tier(shown.id)
    other.editing.update_tier(dataclasses.replace(theirs, name="Grammar"))
    with pytest.raises(StaleChangeError) as refused:
        project.editing.update_tier(dataclasses.replace(shown, vocabulary=("a", "b")))
    assert "now 'Grammar'" in str(refused.value) and f"not '{shown.name}'" in str(refused.value)
    assert project._repo.tier(shown.id).name == "Grammar"


def test_own_edits_and_undo_are_never_stale(project):
    (video,) = add_videos_by_name(project, "v1")
    tier = project._repo.tiers()[1]
    kim = None
    for value in (1, 2, 3):
        project.editing.set_label(video.id, "kim", "joy", value)
        kim = kim or _aid(project, "kim")
        project._repo.annotation(video.id, kim)
    seg = project.editing.add_segment(video.id, "kim", tier.id, 1, 2, "other")
    project._repo.segments(video_id=video.id)
    for end in (3, 4):
        project.editing.update_segment(dataclasses.replace(project._repo.segment(seg.id),
                                                           end_frame=end))
    project.editing.undo()
    project.editing.undo()
    project.editing.redo()
    project.editing.update_segment(dataclasses.replace(project._repo.segment(seg.id), note="n"))
    project.editing.set_label(video.id, "kim", "joy", 0)
    assert project._repo.annotation(video.id, kim).emotions == {"joy": 0}


# -- hearing of the others' changes ----------------------------------------------------------------
def _poll(ws: Workspace, seconds: float = 2.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        found = ws.poll_external_changes()
        if found is not None:
            return found, seconds - (end - time.monotonic())
        time.sleep(0.05)
    return None, seconds


def test_a_window_hears_of_the_others_changes_within_2_s(project, tmp_path):
    v1, v2 = add_videos_by_name(project, "v1", "v2")
    ws = Workspace("kim")
    heard: list = []
    ws.on_changes(heard.append)
    ws.open(project.folder)
    try:
        assert ws.poll_external_changes() is None
        heard.clear()
        ws.editing.set_label(v1.id, "kim", "joy", 1)  # its own edit: announced at once,
        assert ws.poll_external_changes() is None  # not heard again
        project.editing.set_label(v2.id, "lee", "joy", 2)
        found, took = _poll(ws)
        lee = _aid(project, "lee")
        assert found is not None and took < 2
        assert (v2.id, lee) in found.annotations and found.annotators
        assert heard[-1] == found
        project.editing.add_segment(v1.id, "lee", project._repo.tiers()[0].id, 1, 2)
        found, _ = _poll(ws)
        assert found is not None and found.segments_of == {v1.id}
        project.editing.add_tier("Gaze")
        found, _ = _poll(ws)
        assert found is not None and found.tiers
        csv = tmp_path / "lee.csv"
        from emosign_desktop.core.schema import EMOSIGN_SCHEMA

        keys = EMOSIGN_SCHEMA.emotion_keys
        csv.write_text(f"video_name,Sentiment,{','.join(keys)}\nv1,2,{','.join('2' * len(keys))}\n")
        import_annotator_csv(project, csv, "ana")
        found, _ = _poll(ws)
        assert found is not None and (found.project or (v1.id, _aid(project, "ana"))
                                      in found.annotations)
        assert ws.poll_external_changes() is None
    finally:
        ws.close()
