from __future__ import annotations

import pytest

from emosign_desktop.core.changeset import AnnotationEdit, ChangeSet
from emosign_desktop.core.errors import StaleChangeError
from emosign_desktop.core.model import AnnotatorId, VideoId
from emosign_desktop.core.undo import Step, UndoStack

KEY = (VideoId(1), AnnotatorId(1))


class Box:
    """A one-field project: applies change sets, checking their before-images first."""

    def __init__(self) -> None:
        self.value: object = 0

    def apply(self, changes: ChangeSet) -> None:
        for e in changes.annotations:
            if e.before["joy"] != self.value:
                raise StaleChangeError(f"joy is now {self.value}, not {e.before['joy']}")
        for e in changes.annotations:
            self.value = e.after["joy"]

    def step(self, new: int, label: str | None = None, merge=None) -> Step:
        cs = ChangeSet(annotations=(AnnotationEdit(*KEY, {"joy": self.value}, {"joy": new}),))
        self.apply(cs)
        return Step(label or f"value = {new}", cs, merge)


def test_undo_redo_with_labels():
    box, stack = Box(), UndoStack()
    stack.push(box.step(1))
    stack.push(box.step(2))
    assert stack.undo_label == "value = 2"
    assert stack.undo(box.apply).label == "value = 2"
    assert box.value == 1
    assert stack.redo_label == "value = 2"
    stack.redo(box.apply)
    assert box.value == 2
    stack.undo(box.apply)
    stack.undo(box.apply)
    assert box.value == 0
    assert not stack.can_undo and stack.undo(box.apply) is None


def test_new_edit_clears_redo():
    box, stack = Box(), UndoStack()
    stack.push(box.step(1))
    stack.undo(box.apply)
    stack.push(box.step(5))
    assert not stack.can_redo


def test_merge_key_folds_typing_into_one_step():
    box, stack = Box(), UndoStack()
    for v in (1, 2, 3):
        stack.push(box.step(v, "typing", merge="cues"))
    stack.push(box.step(9))
    stack.undo(box.apply)
    assert box.value == 3
    stack.undo(box.apply)
    assert box.value == 0
    assert not stack.can_undo
    stack.redo(box.apply)
    assert box.value == 3


def test_break_merge_starts_a_new_step():
    box, stack = Box(), UndoStack()
    stack.push(box.step(1, merge="k"))
    stack.break_merge()
    stack.push(box.step(2, merge="k"))
    stack.undo(box.apply)
    assert box.value == 1


def test_group_is_one_step():
    box, stack = Box(), UndoStack()
    with stack.group("drag"):
        for v in range(1, 6):
            stack.push(box.step(v))
    assert stack.undo_label == "drag"
    stack.undo(box.apply)
    assert box.value == 0
    stack.redo(box.apply)
    assert box.value == 5


def test_failed_undo_keeps_the_step():
    box, stack = Box(), UndoStack()
    stack.push(box.step(1, "x"))

    def boom(_changes: ChangeSet) -> None:
        raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError):
        stack.undo(boom)
    assert stack.can_undo and stack.undo_label == "x"


def test_stale_undo_is_refused_and_dropped():
    box, stack = Box(), UndoStack()
    stack.push(box.step(1, "first"))
    stack.push(box.step(2, "second"))
    box.value = 7  # changed behind the stack's back (another window or process)
    with pytest.raises(StaleChangeError, match="now 7, not 2"):
        stack.undo(box.apply)
    assert box.value == 7
    assert stack.undo_label == "first"  # the stale step is gone from the menu
    with pytest.raises(StaleChangeError):
        stack.undo(box.apply)  # "first" expects 1: refused too, never applied over 7
    assert box.value == 7 and not stack.can_undo


def test_clear_says_why():
    box, stack = Box(), UndoStack()
    stack.push(box.step(1))
    stack.clear("merge 40 packs changed 400,000 items, too many to undo")
    assert not stack.can_undo and stack.cleared.startswith("merge 40 packs")
    stack.push(box.step(2))
    assert stack.cleared is None


def test_limit_and_listeners():
    box, stack = Box(), UndoStack(limit=3)
    calls = []
    stack.subscribe(lambda: calls.append(1))
    for v in range(5):
        stack.push(box.step(v + 1))
    while stack.can_undo:
        stack.undo(box.apply)
    assert box.value == 2  # only the last 3 steps are kept
    assert len(calls) == 8


def test_change_sets_compose_and_invert():
    a = AnnotationEdit(*KEY, {"joy": None}, {"joy": 1}, existed=False)
    b = AnnotationEdit(*KEY, {"joy": 1, "anger": None}, {"joy": 2, "anger": 3})
    both = ChangeSet(annotations=(a,)).then(ChangeSet(annotations=(b,)))
    [e] = both.annotations
    assert dict(e.before) == {"joy": None, "anger": None}
    assert dict(e.after) == {"joy": 2, "anger": 3}
    assert not e.existed and e.exists
    back = both.inverse()
    assert dict(back.annotations[0].after) == {"joy": None, "anger": None}
    assert not back.annotations[0].exists
    undo_all = both.then(back)
    assert not undo_all  # a set followed by its inverse changes nothing
