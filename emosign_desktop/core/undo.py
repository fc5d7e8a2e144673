"""The undo stack: labelled commands, grouping, merging of consecutive edits (e.g. typing)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Command:
    """One undoable step: ``redo`` applies it, ``undo`` reverts it; ``label`` names it."""

    label: str
    redo: Callable[[], object]
    undo: Callable[[], object]
    merge_key: Hashable | None = None
    #: What the step touches (the service fills this in; views refresh from it).
    changes: object = None


@dataclass
class _Group:
    label: str
    commands: list[Command] = field(default_factory=list)


class UndoStack:
    """A command stack with labels ("Undo: joy = 2"), groups and a size limit.

    Commands are pushed *after* they have been applied.  Pushing a command whose
    ``merge_key`` equals the top command's key replaces the top's redo (so a burst of
    typing into one field is one step) while keeping the top's undo.
    """

    def __init__(self, limit: int = 1000) -> None:
        self._done: list[Command] = []
        self._undone: list[Command] = []
        self._limit = limit
        self._group: _Group | None = None
        self._listeners: list[Callable[[], None]] = []

    def subscribe(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` whenever what can be undone or redone changes."""
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    def push(self, command: Command) -> None:
        """Record an already-applied command."""
        if self._group is not None:
            self._group.commands.append(command)
            return
        top = self._done[-1] if self._done else None
        if top is not None and command.merge_key is not None and top.merge_key == command.merge_key:
            self._done[-1] = Command(
                command.label, command.redo, top.undo, top.merge_key, command.changes
            )
        else:
            self._done.append(command)
            if len(self._done) > self._limit:
                del self._done[0]
        self._undone.clear()
        self._changed()

    @contextmanager
    def group(self, label: str) -> Iterator[None]:
        """Collect the commands pushed inside the block into one step named ``label``."""
        if self._group is not None:  # nested: fold into the outer group
            yield
            return
        self._group = _Group(label)
        try:
            yield
        finally:
            group, self._group = self._group, None
            if group.commands:
                cmds = list(group.commands)

                def redo_all() -> None:
                    for c in cmds:
                        c.redo()

                def undo_all() -> None:
                    for c in reversed(cmds):
                        c.undo()

                self.push(Command(label, redo_all, undo_all, None, cmds[-1].changes))

    def break_merge(self) -> None:
        """Make the next pushed command a step of its own even if its merge key matches."""
        if self._done:
            top = self._done[-1]
            self._done[-1] = Command(top.label, top.redo, top.undo, None, top.changes)

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    @property
    def undo_label(self) -> str | None:
        """Label of the step that :meth:`undo` would revert."""
        return self._done[-1].label if self._done else None

    @property
    def redo_label(self) -> str | None:
        """Label of the step that :meth:`redo` would apply again."""
        return self._undone[-1].label if self._undone else None

    def undo(self) -> Command | None:
        """Revert the last step and return it (None if there was nothing to undo).

        If reverting fails, the step stays on the stack and the error propagates.
        """
        if not self._done:
            return None
        command = self._done[-1]
        command.undo()
        self._done.pop()
        self._undone.append(
            Command(command.label, command.redo, command.undo, None, command.changes)
        )
        self._changed()
        return command

    def redo(self) -> Command | None:
        """Apply the last undone step again and return it."""
        if not self._undone:
            return None
        command = self._undone[-1]
        command.redo()
        self._undone.pop()
        self._done.append(command)
        self._changed()
        return command

    def clear(self) -> None:
        """Forget every step (e.g. when another project is opened)."""
        self._done.clear()
        self._undone.clear()
        self._changed()
