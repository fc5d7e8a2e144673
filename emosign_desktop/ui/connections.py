"""Letting go of the models a window followed: when a window closes, every slot that one of
its widgets (or an object made for it) connected to a model's
:class:`~emosign_desktop.core.events.Signal` is disconnected, so a closed window's panels
are never called again (and are not kept alive by the workspace)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial

from PySide6.QtCore import QObject

from emosign_desktop.core.events import Signal, Slot


def owners_of(slot: Slot) -> Iterator[object]:
    """What a slot belongs to: the object of a bound method, what a lambda or a nested
    function captured (``lambda: self._refresh()``), the function and arguments of a
    ``functools.partial``."""
    if isinstance(slot, partial):
        yield slot.func
        yield from slot.args
        yield from owners_of(slot.func)
        return
    bound = getattr(slot, "__self__", None)
    if bound is not None:
        yield bound
    function = getattr(slot, "__func__", slot)
    for cell in getattr(function, "__closure__", None) or ():
        try:
            yield cell.cell_contents
        except ValueError:  # a cell not filled yet
            continue


def _belongs(owner: object, mine: set[int]) -> bool:
    """``owner`` is one of ``mine``, or a plain object made for them (one holding them in
    its attributes, directly or in a list: a window's menus)."""
    if id(owner) in mine:
        return True
    if isinstance(owner, QObject) or not hasattr(owner, "__dict__"):
        return False
    for value in vars(owner).values():
        items = value if isinstance(value, list | tuple) else (value,)
        if any(isinstance(item, QObject) and id(item) in mine for item in items):
            return True
    return False


def owned_by(root: QObject, slot: Slot) -> bool:
    """True when ``slot`` belongs to ``root`` or to an object under it (its Qt children,
    theirs, ..., and plain objects made for them)."""
    mine = {id(root)} | {id(child) for child in root.findChildren(QObject)}
    return any(_belongs(owner, mine) for owner in owners_of(slot))


def release(root: QObject, signals: Iterable[Signal]) -> int:
    """Disconnect from ``signals`` every slot owned by ``root`` (see :func:`owned_by`);
    returns how many were disconnected."""
    mine = {id(root)} | {id(child) for child in root.findChildren(QObject)}
    released = 0
    for signal in signals:
        for slot in signal.slots():
            if any(_belongs(owner, mine) for owner in owners_of(slot)):
                signal.disconnect(slot)
                released += 1
    return released
