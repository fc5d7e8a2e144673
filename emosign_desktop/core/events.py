"""One small evented mechanism for the Qt-free layers: a :class:`Signal` that models (the
playhead, the undo stack, the write path, the workspace, the review session) emit and that
whoever shows them connects to, and disconnects from when it closes.

It replaces the hand-made listener lists: every model tells its listeners the same way, and a
holder can always let go (``ui.connections`` disconnects what a widget connected when the
widget is destroyed).  Qt-free: the core, services and media use it without a display.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

Slot = Callable[..., Any]


class Signal:
    """Calls its connected slots, in the order they were connected, on :meth:`emit`.

    A slot connected twice is called once.  A slot disconnected while an emission runs is
    not called by the rest of it; one connected meanwhile is called from the next emission.
    """

    __slots__ = ("_slots", "name")

    def __init__(self, name: str = "") -> None:
        self.name = name
        self._slots: list[Slot] = []

    def connect(self, slot: Slot) -> Slot:
        """Call ``slot(*args)`` on every :meth:`emit`; returns ``slot`` (to disconnect it)."""
        if slot not in self._slots:
            self._slots.append(slot)
        return slot

    def disconnect(self, slot: Slot) -> None:
        """Stop calling ``slot`` (nothing happens when it is not connected)."""
        if slot in self._slots:
            self._slots.remove(slot)

    def disconnect_all(self) -> None:
        """Stop calling every slot."""
        self._slots.clear()

    def emit(self, *args: Any) -> None:
        """Call each connected slot with ``args``."""
        for slot in list(self._slots):
            if slot in self._slots:  # disconnected by an earlier slot of this emission
                slot(*args)

    def slots(self) -> tuple[Slot, ...]:
        """The connected slots, in the order they are called."""
        return tuple(self._slots)

    def __iter__(self) -> Iterator[Slot]:
        """The connected slots (a copy: connecting or disconnecting meanwhile is safe)."""
        return iter(tuple(self._slots))

    def __len__(self) -> int:
        """How many slots are connected."""
        return len(self._slots)

    def __repr__(self) -> str:
        return f"Signal({self.name!r}, {len(self._slots)} connected)"
