from __future__ import annotations

import dataclasses

import pytest

from emosign_desktop.core.errors import LabelValidationError
from emosign_desktop.core.model import Region, Segment, SegmentId
from emosign_desktop.services.editing import EditingService
from tests.conftest import dump_project


@pytest.fixture
def editing(project):
    return EditingService(project.repo)


@pytest.fixture
def ids(project):
    return project.repo.add_video("v").id, project.repo.ensure_annotator("ann").id


def test_label_edits_undo_redo_with_names(project, editing, ids):
    v, a = ids
    seen = []
    editing.subscribe(seen.append)
    editing.set_label(v, a, "joy", 2)
    editing.set_label(v, a, "sentiment", -1)
    assert editing.undo_stack.undo_label == "sentiment = -1"
    editing.undo()
    assert project.repo.annotation(v, a).sentiment is None
    assert editing.undo_stack.undo_label == "joy = 2"
    editing.undo()
    assert project.repo.annotation(v, a).emotions == {}
    editing.redo()
    assert project.repo.annotation(v, a).emotions == {"joy": 2}
    assert all((v, a) in c.annotations for c in seen) and len(seen) == 5


def test_invalid_label_changes_nothing(project, editing, ids):
    v, a = ids
    before = dump_project(project.path)
    with pytest.raises(LabelValidationError):
        editing.set_label(v, a, "sentiment", 5)
    assert dump_project(project.path) == before and not editing.undo_stack.can_undo


def test_typing_cues_is_one_undo_step(project, editing, ids):
    v, a = ids
    for text in ("f", "fu", "furrowed", "furrowed brows"):
        editing.set_label(v, a, "cues", text)
    assert project.repo.annotation(v, a).cues == "furrowed brows"
    editing.undo()
    assert project.repo.annotation(v, a).cues == ""
    assert not editing.undo_stack.can_undo


def test_skip_with_reason_is_one_step(project, editing, ids):
    v, a = ids
    editing.set_skipped(v, a, True, "video too dark")
    ann = project.repo.annotation(v, a)
    assert ann.skipped and ann.skip_reason == "video too dark"
    assert editing.undo_stack.undo_label == "skip video"
    editing.undo()
    ann = project.repo.annotation(v, a)
    assert not ann.skipped and ann.skip_reason == ""


def test_segment_create_edit_delete_all_undoable(project, editing, ids):
    v, a = ids
    tier = project.repo.tiers()[1]
    seg = editing.add_segment(Segment(SegmentId(0), v, a, tier.id, 10, 24, "repetition"))
    moved = dataclasses.replace(seg, end_frame=30, region=Region(0.1, 0.1, 0.3, 0.3))
    editing.update_segment(moved, "drag segment end")
    editing.delete_segment(seg.id)
    assert project.repo.segments() == []
    editing.undo()
    assert project.repo.segments() == [moved]
    editing.undo()
    assert project.repo.segments() == [seg]
    editing.undo()
    assert project.repo.segments() == []
    editing.redo()
    assert project.repo.segments() == [seg]  # same id back


def test_tier_rename_undo(project, editing):
    tier = project.repo.tiers()[0]
    editing.rename_tier(tier.id, "Grammar")
    assert project.repo.tier(tier.id).name == "Grammar"
    editing.undo()
    assert project.repo.tier(tier.id).name == tier.name
