"""Label, segment and tier edits through the write path: validated, committed, undoable,
announced; undo and redo refuse a target changed since."""

from __future__ import annotations

import dataclasses

import pytest

from emosign_desktop.core.errors import LabelValidationError, ProjectError, StaleChangeError
from emosign_desktop.core.model import Region
from emosign_desktop.services.session import open_session
from tests.conftest import add_videos_by_name, dump_project


@pytest.fixture
def editing(project):
    return project.editing


@pytest.fixture
def ids(project):
    [video] = add_videos_by_name(project, "v")
    project.writer.undo_stack.clear()
    return video.id, "ann"


def _ann(project, v, name="ann"):
    who = project._repo.annotator_by_name(name)
    return project._repo.annotation(v, who.id) if who else None


def test_label_edits_undo_redo_with_names(project, editing, ids):
    v, a = ids
    seen = []
    editing.subscribe(seen.append)
    editing.set_label(v, a, "joy", 2)
    editing.set_label(v, a, "sentiment", -1)
    assert editing.undo_stack.undo_label == "sentiment = -1"
    editing.undo()
    assert _ann(project, v).sentiment is None
    assert editing.undo_stack.undo_label == "joy = 2"
    editing.undo()
    assert _ann(project, v) is None  # the annotation (and the annotator) came with the edit
    assert project._repo.annotators() == []
    editing.redo()
    assert _ann(project, v).emotions == {"joy": 2}
    assert len(seen) == 5 and all(c.annotations for c in seen)


def test_invalid_label_changes_nothing(project, editing, ids):
    v, a = ids
    before = dump_project(project.path)
    with pytest.raises(LabelValidationError, match="sentiment must be from -3 to 3"):
        editing.set_label(v, a, "sentiment", 5)
    with pytest.raises(LabelValidationError):
        editing.set_labels(v, a, {"joy": 1, "anger": 9})
    with pytest.raises(LabelValidationError):
        editing.set_label(v, a, "pride", 1)
    with pytest.raises(ProjectError, match="needs a name"):
        editing.set_label(v, "  ", "joy", 1)
    assert dump_project(project.path) == before and not editing.undo_stack.can_undo


def test_no_change_is_no_step(project, editing, ids):
    v, a = ids
    editing.set_label(v, a, "joy", 1)
    n = project._repo.edit_count()
    editing.set_label(v, a, "joy", 1)
    assert project._repo.edit_count() == n and editing.undo_stack.undo_label == "joy = 1"


def test_typing_cues_is_one_undo_step(project, editing, ids):
    v, a = ids
    for text in ("f", "fu", "furrowed", "furrowed brows"):
        editing.set_label(v, a, "cues", text)
    assert _ann(project, v).cues == "furrowed brows"
    editing.undo()
    assert _ann(project, v) is None
    assert not editing.undo_stack.can_undo


def test_skip_with_reason_is_one_step(project, editing, ids):
    v, a = ids
    editing.set_label(v, a, "joy", 1)
    editing.set_skipped(v, a, True, "video too dark")
    ann = _ann(project, v)
    assert ann.skipped and ann.skip_reason == "video too dark"
    assert editing.undo_stack.undo_label == "skip video"
    editing.undo()
    ann = _ann(project, v)
    assert not ann.skipped and ann.skip_reason == ""


def test_segment_create_edit_delete_all_undoable(project, editing, ids):
    v, a = ids
    tier = project._repo.tiers()[1]
    seg = editing.add_segment(v, a, tier.id, 10, 24, "repetition")
    assert project._repo.segments() == [seg]
    moved = dataclasses.replace(seg, end_frame=30, region=Region(0.1, 0.1, 0.3, 0.3))
    editing.update_segment(moved, "drag segment end")
    editing.delete_segment(seg.id)
    assert project._repo.segments() == []
    editing.undo()
    assert project._repo.segments() == [moved]
    editing.undo()
    assert project._repo.segments() == [seg]
    editing.undo()
    assert project._repo.segments() == []
    editing.redo()
    assert project._repo.segments() == [seg]  # same id back


def test_bad_segments_are_refused(project, editing, ids):
    v, a = ids
    tier = project._repo.tiers()[1]
    before = dump_project(project.path)
    with pytest.raises(LabelValidationError, match="not in the vocabulary"):
        editing.add_segment(v, a, tier.id, 1, 5, "sneezing")
    with pytest.raises(LabelValidationError, match="start frame <= end frame"):
        editing.add_segment(v, a, tier.id, 30, 5, "repetition")
    assert dump_project(project.path) == before


def test_tier_rename_undo(project, editing):
    tier = project._repo.tiers()[0]
    editing.rename_tier(tier.id, "Grammar")
    assert project._repo.tier(tier.id).name == "Grammar"
    editing.undo()
    assert project._repo.tier(tier.id).name == tier.name


def test_tier_edits_refuse_clashes_and_dropping_used_values(project, editing, ids):
    v, a = ids
    first, second = project._repo.tiers()[:2]
    with pytest.raises(ProjectError, match="already has a tier named"):
        editing.rename_tier(second.id, first.name)
    editing.add_segment(v, a, second.id, 1, 2, "repetition")
    with pytest.raises(LabelValidationError, match="use repetition"):
        editing.update_tier(dataclasses.replace(second, vocabulary=("larger signs",)))
    gaze = editing.add_tier("Gaze", vocabulary=("left", "right"))
    assert editing.undo_stack.undo_label == "add tier Gaze"
    editing.undo()
    assert "Gaze" not in [t.name for t in project._repo.tiers()]
    editing.redo()
    assert project._repo.tier(gaze.id) == gaze


def test_undo_after_another_process_edited_the_same_field(project, editing, ids):
    v, a = ids
    editing.set_label(v, a, "joy", 2)
    with open_session(project.folder) as other:  # another window or process
        other.editing.set_label(v, a, "joy", 3)
    with pytest.raises(StaleChangeError) as err:
        editing.undo()
    message = str(err.value)
    assert "joy" in message and "now 3" in message and "not 2" in message
    assert _ann(project, v).emotions == {"joy": 3}  # the newer value stands
    assert not editing.undo_stack.can_undo  # and the stale step is gone from the menu


def test_redo_after_another_process_edited_is_refused(project, editing, ids):
    v, a = ids
    editing.set_label(v, a, "joy", 2)
    editing.set_label(v, a, "joy", 1)
    editing.undo()
    with open_session(project.folder) as other:
        other.editing.set_label(v, a, "joy", 0)
    with pytest.raises(StaleChangeError, match="now 0, not 2"):
        editing.redo()
    assert _ann(project, v).emotions == {"joy": 0}


def test_segment_undo_refused_when_it_moved_elsewhere(project, editing, ids):
    v, a = ids
    tier = project._repo.tiers()[1]
    seg = editing.add_segment(v, a, tier.id, 10, 24, "repetition")
    with open_session(project.folder) as other:
        other.editing.update_segment(dataclasses.replace(seg, end_frame=40))
    with pytest.raises(StaleChangeError, match="end_frame is now 40, not 24"):
        editing.undo()
    assert project._repo.segment(seg.id).end_frame == 40
