from __future__ import annotations

import dataclasses

import pytest

from emosign_desktop.core.errors import LabelValidationError, ProjectError
from emosign_desktop.core.model import (
    AnnotatorKind,
    MediaInfo,
    Prediction,
    Region,
    Segment,
    SegmentId,
    TierKind,
)
from emosign_desktop.core.schema import EMOSIGN_SCHEMA
from tests.conftest import dump_project


def test_videos_by_name_then_media(project):
    repo = project.repo
    v = repo.add_video("clip")
    assert not v.has_media and v.media is None
    info = MediaInfo(29.97, 120, 640, 480, 4.004, "h264")
    linked = repo.link_media(v.id, "media/clip.mp4", "b2:abc", info)
    assert linked.media == info and linked.media_path == "media/clip.mp4"
    assert repo.videos_by_fingerprint("b2:abc") == [linked]
    assert repo.video_by_name("nope") is None
    with pytest.raises(ProjectError, match="already has a video named 'clip'"):
        repo.add_video("clip")
    with pytest.raises(ProjectError):
        repo.add_video("  ")


def test_annotator_is_unique_by_name(project):
    a = project.repo.ensure_annotator("ana")
    assert project.repo.ensure_annotator("ana") == a
    b = project.repo.ensure_annotator("bot", AnnotatorKind.IMPORTED)
    assert [x.name for x in project.repo.annotators()] == ["ana", "bot"]
    assert b.kind is AnnotatorKind.IMPORTED


def test_every_field_round_trips(project):
    repo = project.repo
    v, a = repo.add_video("v"), repo.ensure_annotator("a")
    values = {"sentiment": -3, "sentiment_confidence": 0, "emotion_confidence": 100,
              "cues": 'x, "y"\nz', "skipped": True, "skip_reason": "blurry",
              **{k: i % 4 for i, k in enumerate(EMOSIGN_SCHEMA.emotion_keys)}}
    for field, value in values.items():
        assert repo.set_field(v.id, a.id, field, value) in (None, "", False)
    got = repo.annotation(v.id, a.id)
    for field, value in values.items():
        assert got.value(field) == value, field
    assert got.created_at <= got.updated_at


def test_set_field_returns_old_and_clears(project):
    repo = project.repo
    v, a = repo.add_video("v"), repo.ensure_annotator("a")
    repo.set_field(v.id, a.id, "joy", 2)
    assert repo.set_field(v.id, a.id, "joy", None) == 2
    assert repo.annotation(v.id, a.id).emotions == {}


def test_invalid_write_is_refused_and_changes_nothing(project):
    repo = project.repo
    v, a = repo.add_video("v"), repo.ensure_annotator("a")
    repo.set_field(v.id, a.id, "sentiment", 1)
    before = dump_project(project.path)
    with pytest.raises(LabelValidationError, match="sentiment must be from -3 to 3"):
        repo.set_field(v.id, a.id, "sentiment", 5)
    with pytest.raises(LabelValidationError):
        repo.put_fields(v.id, a.id, {"joy": 1, "anger": 9})
    assert dump_project(project.path) == before


def test_transaction_is_all_or_nothing(project):
    repo = project.repo
    before = dump_project(project.path)
    with pytest.raises(RuntimeError), repo.transaction():
        v = repo.add_video("v")
        a = repo.ensure_annotator("a")
        repo.set_field(v.id, a.id, "joy", 1)
        raise RuntimeError("crash in the middle")
    assert dump_project(project.path) == before


def test_edit_log_attributes_every_change(project):
    repo = project.repo
    v, a = repo.add_video("v"), repo.ensure_annotator("a")
    n = repo.edit_count()
    repo.set_field(v.id, a.id, "joy", 1)
    repo.set_field(v.id, a.id, "joy", 1)  # no change, no line
    repo.put_fields(v.id, a.id, {"joy": 2, "anger": 1})
    assert repo.edit_count() == n + 3


def test_segments_and_regions(project):
    repo = project.repo
    v, a = repo.add_video("v"), repo.ensure_annotator("a")
    tier = next(t for t in repo.tiers() if t.kind is TierKind.EMOTION_CUE)
    seg = repo.add_segment(Segment(SegmentId(0), v.id, a.id, tier.id, 10, 20,
                                   "facial expression", "mouth", Region(0.4, 0.5, 0.2, 0.1)))
    assert seg.id > 0
    assert repo.segments(video_id=v.id) == [seg]
    moved = dataclasses.replace(seg, start_frame=12, region=None)
    assert repo.update_segment(moved) == seg
    assert repo.segment(seg.id) == moved
    assert repo.delete_segment(seg.id) == moved
    assert repo.segments() == []
    assert repo.add_segment(moved) == moved  # restored with its id (undo)
    with pytest.raises(LabelValidationError, match="not in the vocabulary"):
        repo.add_segment(dataclasses.replace(seg, id=SegmentId(0), value="sneezing"))
    with pytest.raises(LabelValidationError):
        repo.add_segment(dataclasses.replace(seg, id=SegmentId(0), start_frame=30))


def test_tiers(project):
    repo = project.repo
    t = repo.add_tier("Gaze", TierKind.FREE, ("left", "right"))
    assert repo.tier(t.id).vocabulary == ("left", "right")
    with pytest.raises(ProjectError, match="already has a tier"):
        repo.add_tier("Gaze")
    old = repo.update_tier(dataclasses.replace(t, name="Eye gaze"))
    assert old == t and repo.tier(t.id).name == "Eye gaze"


def test_predictions_upsert(project):
    repo = project.repo
    v = repo.add_video("v")
    repo.put_prediction(Prediction("gpt-4o", "video", v.id, 1, "joy", "happy"))
    repo.put_prediction(Prediction("gpt-4o", "video", v.id, -1, "anger", "angry"))
    repo.put_prediction(Prediction("gpt-4o", "caption", v.id, 0, None, ""))
    assert [(p.input_setting, p.sentiment) for p in repo.predictions(video_id=v.id)] == [
        ("caption", 0), ("video", -1)]


def test_deleting_a_video_cascades(project):
    repo = project.repo
    v, a = repo.add_video("v"), repo.ensure_annotator("a")
    repo.set_field(v.id, a.id, "joy", 1)
    with project.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM video WHERE id = ?", (v.id,))
        assert conn.exec_driver_sql("SELECT count(*) FROM emotion_rating").scalar() == 0


def test_custom_schema_is_stored_and_enforced(project):
    from emosign_desktop.core.schema import EmotionDef

    repo = project.repo
    schema = dataclasses.replace(EMOSIGN_SCHEMA, name="Mini",
                                 emotions=(EmotionDef("joy", "Joy"), EmotionDef("pride", "Pride")))
    repo.set_schema(schema)
    v, a = repo.add_video("v"), repo.ensure_annotator("a")
    repo.set_field(v.id, a.id, "pride", 2)
    with pytest.raises(LabelValidationError):
        repo.set_field(v.id, a.id, "anger", 1)
    from emosign_desktop.storage import open_project

    with open_project(project.folder) as again:
        assert again.schema == schema
    with pytest.raises(LabelValidationError, match="no emotion 'pride'"):
        repo.set_schema(EMOSIGN_SCHEMA)
