"""The undo stack: named steps, each one change set; groups; merging of consecutive edits
(typing); history cleared visibly by operations too large to undo.

The stack never touches the project itself: :meth:`UndoStack.undo` and :meth:`UndoStack.redo`
hand the change set to apply to a function of the caller's (the write path), which checks the
project still holds what the step expects.  A step refused that way (:class:`StaleChangeError`)
is dropped from the stack, so the Edit menu never offers it again.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from emosign_desktop.core.changeset import ChangeSet
from emosign_desktop.core.errors import StaleChangeError
from emosign_desktop.core.events import Signal

Apply = Callable[[ChangeSet], None]


@dataclass(frozen=True)
class Step:
    """One undoable step: what was changed, under a name ("joy = 2", "merge 3 packs")."""

    label: str
    changes: ChangeSet
    merge_key: Hashable | None = None


@dataclass
class _Group:
    label: str
    changes: ChangeSet = field(default_factory=ChangeSet)


class UndoStack:
    """Steps pushed *after* they were applied; the newest is undone first.

    Pushing a step whose ``merge_key`` equals the top step's replaces the top by one step
    from the top's before-images to the new after-images (typing a sentence is one step).
    """

    def __init__(self, limit: int = 1000) -> None:
        self._done: list[Step] = []
        self._undone: list[Step] = []
        self._limit = limit
        self._group: _Group | None = None
        #: Emitted (no argument) whenever what can be undone or redone changes.
        self.changed = Signal("undo")
        #: Why the history was last cleared (shown in the Edit menu until the next step).
        self.cleared: str | None = None

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener`` whenever what can be undone or redone changes
        (``changed.connect``); returns it."""
        return self.changed.connect(listener)

    def _changed(self) -> None:
        self.changed.emit()

    def push(self, step: Step) -> None:
        """Record an already-applied step."""
        if not step.changes:
            return
        if self._group is not None:
            self._group.changes = self._group.changes.then(step.changes)
            return
        top = self._done[-1] if self._done else None
        if top is not None and step.merge_key is not None and top.merge_key == step.merge_key:
            self._done[-1] = Step(step.label, top.changes.then(step.changes), top.merge_key)
        else:
            self._done.append(step)
            if len(self._done) > self._limit:
                del self._done[0]
        self._undone.clear()
        self.cleared = None
        self._changed()

    @contextmanager
    def group(self, label: str) -> Iterator[None]:
        """Collect the steps pushed inside the block into one step named ``label``."""
        if self._group is not None:  # nested: fold into the outer group
            yield
            return
        self._group = _Group(label)
        try:
            yield
        finally:
            group, self._group = self._group, None
            self.push(Step(label, group.changes))

    def break_merge(self) -> None:
        """Make the next pushed step one of its own even if its merge key matches."""
        if self._done:
            top = self._done[-1]
            self._done[-1] = Step(top.label, top.changes)

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    @property
    def undo_label(self) -> str | None:
        """Name of the step that :meth:`undo` would revert."""
        return self._done[-1].label if self._done else None

    @property
    def redo_label(self) -> str | None:
        """Name of the step that :meth:`redo` would apply again."""
        return self._undone[-1].label if self._undone else None

    def undo(self, apply: Apply) -> Step | None:
        """Revert the newest step through ``apply`` (None if there is nothing to undo).

        If ``apply`` refuses it as stale, the step is dropped and the error propagates; any
        other error leaves the stack as it was.
        """
        if not self._done:
            return None
        step = self._done[-1]
        try:
            apply(step.changes.inverse())
        except StaleChangeError:
            self._done.pop()
            self._changed()
            raise
        self._done.pop()
        self._undone.append(Step(step.label, step.changes))
        self._changed()
        return step

    def redo(self, apply: Apply) -> Step | None:
        """Apply the newest undone step again through ``apply``."""
        if not self._undone:
            return None
        step = self._undone[-1]
        try:
            apply(step.changes)
        except StaleChangeError:
            self._undone.pop()
            self._changed()
            raise
        self._undone.pop()
        self._done.append(step)
        self._changed()
        return step

    def clear(self, reason: str | None = None) -> None:
        """Forget every step; ``reason`` (e.g. "merge 40 packs cannot be undone") is kept in
        :attr:`cleared` for the Edit menu to show."""
        self._done.clear()
        self._undone.clear()
        self.cleared = reason
        self._changed()
