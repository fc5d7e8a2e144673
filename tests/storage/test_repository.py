"""The repository: reads, and its one write, ``apply`` (with checks for undo and redo)."""

from __future__ import annotations

import dataclasses

import pytest

from emosign_desktop.core.changeset import (
    AnnotationEdit,
    AnnotatorEdit,
    ChangeSet,
    MetaEdit,
    PredictionEdit,
    SegmentEdit,
    TierEdit,
    VideoEdit,
)
from emosign_desktop.core.errors import ProjectError, StaleChangeError
from emosign_desktop.core.model import (
    Annotator,
    AnnotatorId,
    AnnotatorKind,
    MediaInfo,
    Prediction,
    Region,
    Segment,
    SegmentId,
    Tier,
    TierId,
    TierKind,
    Video,
    VideoId,
)
from emosign_desktop.core.schema import EMOSIGN_SCHEMA
from tests.conftest import dump_project

V, A = VideoId(1), AnnotatorId(1)


def _base(repo) -> None:
    repo.apply(ChangeSet(annotators=(AnnotatorEdit(None, Annotator(A, "a")),),
                         videos=(VideoEdit(None, Video(V, "v")),)))


def _set(repo, before: dict, after: dict, existed=True, verify=False):
    repo.apply(ChangeSet(annotations=(AnnotationEdit(V, A, before, after, existed),)),
               verify=verify)


def test_videos_by_name_then_media(project):
    repo = project._repo
    _base(repo)
    v = repo.video(V)
    assert not v.has_media and v.media is None
    info = MediaInfo(29.97, 120, 640, 480, 4.004, "h264")
    linked = dataclasses.replace(v, media_path="media/clip.mp4", fingerprint="b2:abc",
                                 media=info)
    repo.apply(ChangeSet(videos=(VideoEdit(v, linked),)))
    assert repo.video(V) == linked
    assert repo.videos_by_fingerprint("b2:abc") == [linked]
    assert repo.video_by_name("nope") is None
    with pytest.raises(ProjectError, match="no video with id 9"):
        repo.video(VideoId(9))


def test_annotators(project):
    repo = project._repo
    _base(repo)
    b = Annotator(AnnotatorId(2), "bot", AnnotatorKind.IMPORTED)
    repo.apply(ChangeSet(annotators=(AnnotatorEdit(None, b),)))
    assert [x.name for x in repo.annotators()] == ["a", "bot"]
    assert repo.annotator_by_name("bot") == b


def test_every_field_round_trips(project):
    repo = project._repo
    _base(repo)
    values = {"sentiment": -3, "sentiment_confidence": 0, "emotion_confidence": 100,
              "cues": 'x, "y"\nz', "skipped": True, "skip_reason": "blurry",
              **{k: i % 4 for i, k in enumerate(EMOSIGN_SCHEMA.emotion_keys)}}
    empty = {f: EMOSIGN_SCHEMA.empty_value(f) for f in values}
    _set(repo, empty, values, existed=False)
    got = repo.annotation(V, A)
    for field, value in values.items():
        assert got.value(field) == value, field
    assert got.created_at <= got.updated_at
    stored = repo.stored_annotations([(V, A)])[(V, A)]
    assert stored[1] == values


def test_clearing_an_emotion_removes_its_rating(project):
    repo = project._repo
    _base(repo)
    _set(repo, {"joy": None}, {"joy": 2}, existed=False)
    _set(repo, {"joy": 2}, {"joy": None})
    assert repo.annotation(V, A).emotions == {}


def test_undoing_a_creation_removes_the_empty_row(project):
    repo = project._repo
    _base(repo)
    edit = AnnotationEdit(V, A, {"joy": None}, {"joy": 2}, existed=False)
    repo.apply(ChangeSet(annotations=(edit,)))
    repo.apply(ChangeSet(annotations=(edit,)).inverse(), verify=True)
    assert repo.annotation(V, A) is None


def test_verify_refuses_a_stale_target_and_writes_nothing(project):
    repo = project._repo
    _base(repo)
    _set(repo, {"joy": None}, {"joy": 3}, existed=False)
    before = dump_project(project.path)
    with pytest.raises(StaleChangeError,
                       match=r"joy of video 'v' by 'a' is now 3, not 2 as this step expects"):
        _set(repo, {"joy": 2, "anger": None}, {"joy": None, "anger": 1}, verify=True)
    assert dump_project(project.path) == before


def test_transaction_is_all_or_nothing(project):
    repo = project._repo
    before = dump_project(project.path)
    with pytest.raises(RuntimeError), repo.transaction():
        _base(repo)
        _set(repo, {"joy": None}, {"joy": 1}, existed=False)
        raise RuntimeError("crash in the middle")
    assert dump_project(project.path) == before


def test_edit_log_attributes_every_change(project):
    repo = project._repo
    _base(repo)
    n = repo.edit_count()
    _set(repo, {"joy": None}, {"joy": 1}, existed=False)
    _set(repo, {"joy": 1, "anger": None}, {"joy": 2, "anger": 1})
    assert repo.edit_count() == n + 3
    repo.apply(ChangeSet(annotations=(AnnotationEdit(V, A, {"joy": 2}, {"joy": 3}),),
                         log="bulk import"))
    assert repo.edit_count() == n + 4  # one line for a bulk operation


def test_segments_and_regions(project):
    repo = project._repo
    _base(repo)
    tier = next(t for t in repo.tiers() if t.kind is TierKind.EMOTION_CUE)
    seg = Segment(SegmentId(5), V, A, tier.id, 10, 20, "facial expression", "mouth",
                  Region(0.4, 0.5, 0.2, 0.1), "uid-1")
    repo.apply(ChangeSet(segments=(SegmentEdit(None, seg),)))
    assert repo.segments(video_id=V) == [seg] and repo.segment(seg.id) == seg
    assert repo.segments_by_uid(["uid-1"])["uid-1"][0] == seg
    moved = dataclasses.replace(seg, start_frame=12, region=None)
    repo.apply(ChangeSet(segments=(SegmentEdit(seg, moved),)))
    assert repo.segment(seg.id) == moved
    with pytest.raises(StaleChangeError, match="start_frame is now 12, not 10"):
        repo.apply(ChangeSet(segments=(SegmentEdit(seg, None),)), verify=True)
    repo.apply(ChangeSet(segments=(SegmentEdit(moved, None),)), verify=True)
    assert repo.segments() == []


def test_tiers_are_kept_while_used(project):
    repo = project._repo
    _base(repo)
    gaze = Tier(TierId(10), "Gaze", TierKind.FREE, ("left", "right"))
    repo.apply(ChangeSet(tiers=(TierEdit(None, gaze),)))
    assert repo.tier(gaze.id).vocabulary == ("left", "right")
    renamed = dataclasses.replace(gaze, name="Eye gaze")
    repo.apply(ChangeSet(tiers=(TierEdit(gaze, renamed),)), verify=True)
    assert repo.tier(gaze.id).name == "Eye gaze"
    seg = Segment(SegmentId(1), V, A, gaze.id, 1, 2, "left", uid="u")
    repo.apply(ChangeSet(segments=(SegmentEdit(None, seg),)))
    repo.apply(ChangeSet(tiers=(TierEdit(renamed, None),)), verify=True)
    assert repo.tier(gaze.id) == renamed  # a segment uses it: kept, nothing lost


def test_predictions(project):
    repo = project._repo
    _base(repo)
    p1 = Prediction("gpt-4o", "video", V, 1, "joy", "happy")
    p2 = dataclasses.replace(p1, sentiment=-1, emotion="anger")
    p3 = Prediction("gpt-4o", "caption", V, 0, None, "")
    repo.apply(ChangeSet(predictions=(PredictionEdit(None, p1), PredictionEdit(None, p3))))
    repo.apply(ChangeSet(predictions=(PredictionEdit(p1, p2),)), verify=True)
    assert [(p.input_setting, p.sentiment) for p in repo.predictions(video_id=V)] == [
        ("caption", 0), ("video", -1)]


def test_deleting_a_video_cascades(project):
    repo = project._repo
    _base(repo)
    _set(repo, {"joy": None}, {"joy": 1}, existed=False)
    from sqlalchemy import text

    with project._project.engine.begin() as conn:
        conn.execute(text("DELETE FROM video WHERE id = :v"), {"v": V})
        assert conn.exec_driver_sql("SELECT count(*) FROM emotion_rating").scalar() == 0


def test_custom_schema_is_stored(project):
    import json

    from emosign_desktop.core.schema import EmotionDef
    from emosign_desktop.storage import open_project

    repo = project._repo
    schema = dataclasses.replace(EMOSIGN_SCHEMA, name="Mini",
                                 emotions=(EmotionDef("joy", "Joy"), EmotionDef("pride", "Pride")))
    old = repo.meta()["label_schema"]
    repo.apply(ChangeSet(meta=(MetaEdit("label_schema", old, json.dumps(schema.to_dict())),)))
    assert repo.schema == schema
    with open_project(project.folder) as again:
        assert again.schema == schema


def test_next_ids(project):
    repo = project._repo
    assert repo.next_id("video") == 1
    _base(repo)
    assert repo.next_id("video") == 2 and repo.next_id("annotator") == 2


def test_a_read_begun_before_a_commit_never_records_over_it(project, monkeypatch):
    """The window's thread finishing a read it began before the background writer committed
    (with the older value) must not overwrite what the commit recorded: the next edit would
    be refused as 'changed since' (seen when labelling fast during an import)."""
    import threading

    repo = project._repo
    _base(repo)
    key = ("a", (V, A))
    assert repo.annotation(V, A) is None  # the client has seen it absent
    began = repo._write_events
    original, readers = repo._commit_seen, []

    def commit_seen(pending):
        original(pending)

        def finish_an_older_read() -> None:
            repo._here.read_began = began
            repo._saw([(key, (0, {"joy": None}))])

        reader = threading.Thread(target=finish_an_older_read)
        reader.start()
        reader.join(0.3)  # (it waits for the commit to be counted, where it must)
        readers.append(reader)

    monkeypatch.setattr(repo, "_commit_seen", commit_seen)
    _set(repo, {"joy": None}, {"joy": 1}, existed=False)
    for reader in readers:
        reader.join()
    assert readers and repo._seen_now(key)[1]["joy"] == 1


def test_a_read_while_a_write_is_open_never_records_what_it_changes(project, monkeypatch):
    """The window's thread reading (and recording) while the background writer's transaction
    is open sees the row before the write; recorded, the client's next edit of it would be
    refused as 'changed since' (seen in a keyboard walk through the labels)."""
    import threading

    repo = project._repo
    _base(repo)
    _set(repo, {"joy": None}, {"joy": 1}, existed=False)  # (a creation: nothing recorded)
    original, read = repo._note_written_annotations, []

    def note_written(*args, **kwargs):
        original(*args, **kwargs)
        reader = threading.Thread(target=lambda: read.append(repo.annotation(V, A)))
        reader.start()
        reader.join()

    monkeypatch.setattr(repo, "_note_written_annotations", note_written)
    _set(repo, {"joy": 1}, {"joy": 2})  # the reader ran inside this write, before its commit
    monkeypatch.setattr(repo, "_note_written_annotations", original)
    assert read[0].emotions == {"joy": 1}  # what it saw: the row before the write
    _set(repo, {"joy": 2}, {"joy": 3})  # the client's next edit is not refused
    assert repo.annotation(V, A).emotions == {"joy": 3}
