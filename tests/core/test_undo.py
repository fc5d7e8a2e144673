from __future__ import annotations

import pytest

from emosign_desktop.core.undo import Command, UndoStack


class Box:
    def __init__(self) -> None:
        self.value = 0

    def command(self, new: int, label: str | None = None, merge=None) -> Command:
        old = self.value

        def redo() -> None:
            self.value = new

        def undo() -> None:
            self.value = old

        redo()
        return Command(label or f"value = {new}", redo, undo, merge)


def test_undo_redo_with_labels():
    box, stack = Box(), UndoStack()
    stack.push(box.command(1))
    stack.push(box.command(2))
    assert stack.undo_label == "value = 2"
    assert stack.undo().label == "value = 2"
    assert box.value == 1
    assert stack.redo_label == "value = 2"
    stack.redo()
    assert box.value == 2
    stack.undo()
    stack.undo()
    assert box.value == 0
    assert not stack.can_undo and stack.undo() is None


def test_new_edit_clears_redo():
    box, stack = Box(), UndoStack()
    stack.push(box.command(1))
    stack.undo()
    stack.push(box.command(5))
    assert not stack.can_redo


def test_merge_key_folds_typing_into_one_step():
    box, stack = Box(), UndoStack()
    for v in (1, 2, 3):
        stack.push(box.command(v, "typing", merge="cues"))
    stack.push(box.command(9))
    stack.undo()
    assert box.value == 3
    stack.undo()
    assert box.value == 0
    assert not stack.can_undo
    stack.redo()
    assert box.value == 3


def test_break_merge_starts_a_new_step():
    box, stack = Box(), UndoStack()
    stack.push(box.command(1, merge="k"))
    stack.break_merge()
    stack.push(box.command(2, merge="k"))
    stack.undo()
    assert box.value == 1


def test_group_is_one_step():
    box, stack = Box(), UndoStack()
    with stack.group("drag"):
        for v in range(1, 6):
            stack.push(box.command(v))
    assert stack.undo_label == "drag"
    stack.undo()
    assert box.value == 0
    stack.redo()
    assert box.value == 5


def test_failed_undo_keeps_the_step():
    stack = UndoStack()

    def boom() -> None:
        raise RuntimeError("disk gone")

    stack.push(Command("x", lambda: None, boom))
    with pytest.raises(RuntimeError):
        stack.undo()
    assert stack.can_undo and stack.undo_label == "x"


def test_limit_and_listeners():
    box, stack = Box(), UndoStack(limit=3)
    calls = []
    stack.subscribe(lambda: calls.append(1))
    for v in range(5):
        stack.push(box.command(v + 1))
    while stack.can_undo:
        stack.undo()
    assert box.value == 2  # only the last 3 steps are kept
    assert len(calls) == 8
