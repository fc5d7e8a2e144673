"""A dialog's size at the text size in use: as large as its content asks, within the room
the screen leaves (a dialog opened at 200 % text shows its content whole on a laptop, and
scrolls only when the screen is really too small)."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QApplication, QWidget

#: Room kept free around a dialog for the window manager's frame and title bar.
FRAME = QSize(16, 48)


def available(widget: QWidget) -> QRect:
    """The part of the screen ``widget`` is on (or the primary screen) that windows may use."""
    screen = widget.screen() or QApplication.primaryScreen()
    return screen.availableGeometry()


def room(widget: QWidget) -> QSize:
    """The largest size a dialog on ``widget``'s screen can take, its frame left outside."""
    return available(widget).size() - FRAME


def fit_to_screen(dialog: QWidget, wanted: QSize | None = None) -> QSize:
    """Resize ``dialog`` to ``wanted`` (its ``sizeHint`` when not given), never smaller than
    its minimum size, tall enough for its wrapped text at the width it gets, and never larger
    than the screen's room; the size given is returned."""
    space = room(dialog)
    hint = (dialog.sizeHint() if wanted is None else wanted).expandedTo(
        dialog.minimumSizeHint())
    width = min(hint.width(), space.width())
    height = max(hint.height(), dialog.heightForWidth(width))
    size = QSize(width, min(height, space.height()))
    dialog.resize(size)
    if dialog.testAttribute(Qt.WidgetAttribute.WA_Moved):  # placed before: keep it on screen
        area = available(dialog)
        x = max(area.left(), min(dialog.x(), area.right() - size.width() - FRAME.width()))
        y = max(area.top(), min(dialog.y(), area.bottom() - size.height() - FRAME.height()))
        dialog.move(x, y)
    return size
