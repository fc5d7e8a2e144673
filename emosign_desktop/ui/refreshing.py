"""Panels that recompute only while they are shown: a change announced while a panel is
hidden marks it stale, and it catches up when it is shown again."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget


class RefreshWhenShown(QWidget):
    """Subclasses implement :meth:`refresh` (which clears :attr:`_stale`) and call
    :meth:`refresh_when_shown` when something they show has changed."""

    _stale = False

    def refresh(self) -> None:
        raise NotImplementedError

    def refresh_when_shown(self) -> None:
        """Refresh now if shown, else when next shown."""
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()
