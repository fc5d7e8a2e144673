"""The write path: every change to a project is an operation run here.

An operation reads what it needs and builds a :class:`ChangeSet` inside one write
transaction, the repository applies it (with its edit-log lines) and commits, the step is
recorded on the undo stack under a name, and the :class:`Changes` are announced to whoever
listens.  Undo and redo go the same way, after checking that the project still holds what the
step left (or, for redo, what it found): a step whose target changed since is refused with a
message naming the field and both values, and dropped.

Operations too large to keep in memory for undo (more than :data:`UNDO_LIMIT` rows, e.g.
merging hundreds of packs) clear the undo history instead, and the Edit menu says why.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace

from emosign_desktop.core.changes import EVERYTHING, Changes
from emosign_desktop.core.changeset import ChangeSet
from emosign_desktop.core.errors import EmoSignError, NotSavedError
from emosign_desktop.core.events import Signal
from emosign_desktop.core.names import check_new_names
from emosign_desktop.core.per_thread import PerThread
from emosign_desktop.core.undo import Step, UndoStack
from emosign_desktop.storage.repository import Repository

#: Largest operation (rows touched) kept for undo; larger ones clear the history.
UNDO_LIMIT = 200_000
#: Past this many annotations an announcement says "everything" instead of listing them.
ANNOUNCE_LIMIT = 20_000

Listener = Callable[[Changes], None]
Build = Callable[[Repository], ChangeSet]


class Operation:
    """One operation in progress: its change sets are applied as they come (so a merge of
    many packs keeps one pack in memory) and kept for its undo step while it stays small."""

    def __init__(self, repo: Repository, keep: bool) -> None:
        self._repo = repo
        self.parts: list[ChangeSet] | None = [] if keep else None
        self.size = 0
        self.changes = Changes()

    def apply(self, changes: ChangeSet) -> ChangeSet:
        """Apply ``changes`` now (inside the operation's transaction); a new name with a
        control character or over 255 characters is refused and the operation undone."""
        if not changes:
            return changes
        check_new_names(changes)
        self._repo.apply(changes)
        self.size += changes.size
        if self.parts is not None:
            if self.size <= UNDO_LIMIT:
                self.parts.append(changes)
            else:
                self.parts = None
        announced = changes.changes()
        if len(self.changes.annotations) + len(announced.annotations) > ANNOUNCE_LIMIT:
            announced = EVERYTHING
        self.changes |= announced
        return changes

    def recorded(self) -> ChangeSet | None:
        """The whole operation as one change set (None when it was too large to keep)."""
        return None if self.parts is None else ChangeSet.sequence(self.parts)


class WritePath:
    """Runs operations on one project; records undo steps when it has an undo stack (the
    application does; the command line, one operation per process, does not)."""

    #: The operation this thread runs, and who asked for it (per thread: see ``_here``).
    _current: PerThread[Operation] = PerThread()
    _initiator: PerThread[object] = PerThread()

    def __init__(self, repo: Repository, undo_stack: UndoStack | None = None) -> None:
        self._repo = repo
        self.undo_stack = undo_stack
        #: Emitted with the :class:`Changes` after every operation, undo and redo.
        self.announced = Signal("changes")
        #: The operation in progress and who asked for it, per thread (the application's
        #: writes run on its background writer while the GUI thread reads).
        self._here = threading.local()

    def subscribe(self, listener: Listener) -> Listener:
        """Call ``listener(changes)`` after every operation, undo and redo
        (``announced.connect``); returns it."""
        return self.announced.connect(listener)

    def _emit(self, changes: Changes) -> Changes:
        if changes:
            self.announced.emit(changes)
        return changes

    @contextmanager
    def acting(self, initiator: object | None) -> Iterator[None]:
        """Operations run inside the block announce ``initiator`` (usually a panel) as who
        asked for them, so that panel can skip re-reading its own edit."""
        before, self._initiator = self._initiator, initiator
        try:
            yield
        finally:
            self._initiator = before

    @contextmanager
    def operation(self, label: str, merge_key: Hashable | None = None) -> Iterator[Operation]:
        """Run the block as one operation named ``label``: one transaction (all or nothing),
        one undo step (or a cleared history, when too large), one announcement.  Operations
        run inside the block become part of it."""
        if self._current is not None:  # inside another operation: part of it
            yield self._current
            return
        op = Operation(self._repo, keep=self.undo_stack is not None)
        self._current = op
        try:
            with self._repo.transaction():
                yield op
        except NotSavedError as exc:
            self._current = None
            if exc.can_read_back:
                self._show_stored()
            raise
        finally:
            self._current = None
        if op.size:
            self._record(label, op, merge_key)
        self._emit(replace(op.changes, initiator=self._initiator) if op.changes else op.changes)

    def _show_stored(self) -> None:
        """After a write that was not saved: whoever shows the project reads it again, so
        no widget keeps showing a value that is not stored.  A read that fails too (the
        disk is gone) is left to the error already on its way."""
        for listener in self.announced.slots():
            with suppress(EmoSignError):
                listener(EVERYTHING)

    def run(self, label: str, build: Build, merge_key: Hashable | None = None) -> ChangeSet:
        """Build a change set from the project as it is (inside the write transaction), apply
        it, record it as one undo step named ``label`` and announce it."""
        with self.operation(label, merge_key) as op:
            return op.apply(build(self._repo))

    def _record(self, label: str, op: Operation, merge_key: Hashable | None) -> None:
        stack = self.undo_stack
        if stack is None:
            return
        recorded = op.recorded()
        if recorded is None:
            stack.clear(f"{label} changed {op.size:,} items, too many to undo")
        else:
            stack.push(Step(label, recorded, merge_key))

    def _revert(self, changes: ChangeSet) -> None:
        self._repo.apply(changes, verify=True)

    def undo(self) -> Changes | None:
        """Revert the newest step (None when there is none).  A stale step raises
        :class:`~emosign_desktop.core.errors.StaleChangeError` and is dropped."""
        if self.undo_stack is None:
            return None
        step = self.undo_stack.undo(self._revert)
        return None if step is None else self._emit(step.changes.changes())

    def redo(self) -> Changes | None:
        """Apply the newest undone step again (None when there is none)."""
        if self.undo_stack is None:
            return None
        step = self.undo_stack.redo(self._revert)
        return None if step is None else self._emit(step.changes.changes())
