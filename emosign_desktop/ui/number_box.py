"""A number box inside a panel with single-key shortcuts (the player's Frame box): the keys it
cannot type (letters, Space, brackets) stay the panel's shortcuts, so the player's keys act
there too; digits and the editing keys (arrows, Home, End, Delete, Backspace) stay the
box's."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractSpinBox

#: What a number box types: digits and a sign.
TYPED = frozenset("0123456789+-")


class _LettersPassThrough(QObject):
    """Lets the shortcut map have the keys the box would refuse anyway."""

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
            return False
        plain = event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier \
            == Qt.KeyboardModifier.NoModifier
        text = event.text()
        # not accepted and not passed on: the box does not claim it, the shortcut acts
        return plain and len(text) == 1 and text.isprintable() and text not in TYPED


def pass_letters(box: QAbstractSpinBox) -> None:
    """Keys ``box`` cannot type act as the shortcuts of the panel around it."""
    keeper = _LettersPassThrough(box)
    box.installEventFilter(keeper)
    edit = box.lineEdit()
    if edit is not None:
        edit.installEventFilter(keeper)
