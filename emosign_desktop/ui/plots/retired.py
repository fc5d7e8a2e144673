"""Graphics items taken off a plot are deleted on the event loop's next turn, never at once.

A plot redraws its bands and spans when the text size or the contrast changes, that is
while Qt restyles every widget of the application; deleting a graphics item there crashes
the process.  ``deleteLater`` alone does not prevent it: once an item is off the scene,
Python owns it, and the item goes the moment its last reference does (or whenever the
cycle collector runs).  :func:`retire` keeps the items referenced and deletes them itself
from a zero-time timer.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer

_retired: list[Any] = []


def retire(*items: Any) -> None:
    """Delete these graphics items (off the plot already) on the event loop's next turn."""
    if not _retired:
        QTimer.singleShot(0, _bury)
    _retired.extend(items)


def _bury() -> None:
    from shiboken6 import delete, isValid

    items = list(_retired)
    _retired.clear()
    for item in items:
        if isValid(item):
            delete(item)
