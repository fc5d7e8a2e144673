"""Paints the current picture, scaled to fit, on black, with its overlays drawn for the
playhead's frame (the one current frame: the view keeps none of its own)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from emosign_desktop.media.playhead import Playhead


def to_qimage(picture: NDArray[np.uint8]) -> QImage:
    """A QImage over ``picture`` (RGB ``(h, w, 3)`` or BGRA ``(h, w, 4)``), no copy."""
    h, w, channels = picture.shape
    fmt = QImage.Format.Format_RGB888 if channels == 3 else QImage.Format.Format_RGB32
    return QImage(picture.data, w, h, picture.strides[0], fmt)


class VideoView(QWidget):
    """The picture area of the player; in region mode a mouse drag draws a rectangle."""

    #: x, y, w, h of a drawn rectangle in 0..1 picture coordinates
    region_drawn = Signal(float, float, float, float)
    #: the view took (True) or lost (False) the focus: the player's keys act, or no more
    focus_changed = Signal(bool)

    def __init__(self, playhead: Playhead, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.playhead = playhead
        self.drawing_region = False
        self._drag: tuple[QPointF, QPointF] | None = None
        self.setAccessibleName("Video")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 120)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.picture: NDArray[np.uint8] | None = None
        self._image: QImage | None = None
        self.overlays: list[Any] = []  # objects with .active and .paint(painter, rect, frame)
        self.notice = ""  # said in words where the picture would be (no picture shown)

    def set_picture(self, picture: NDArray[np.uint8]) -> None:
        """Show ``picture`` (the playhead's frame: the player moves the playhead with it)."""
        if not picture.flags["C_CONTIGUOUS"]:  # decoders pad rows (e.g. 540 px wide)
            picture = np.ascontiguousarray(picture)
        self.picture = picture  # keeps the buffer alive for the QImage
        self._image = to_qimage(picture)
        self.update()

    def rgb(self) -> NDArray[np.uint8] | None:
        """The picture shown, as an RGB array (a view; pictures may arrive as BGRA)."""
        if self.picture is None or self.picture.shape[2] == 3:
            return self.picture
        return self.picture[:, :, 2::-1]

    def clear(self) -> None:
        self.picture = self._image = None
        self.set_notice("")

    def set_notice(self, text: str) -> None:
        """Say ``text`` in words on the empty picture area (why no picture is shown)."""
        self.notice = text
        self.setAccessibleDescription(text)
        self.update()

    def image_rect(self) -> QRectF:
        """Where the picture lies in the widget (letterboxed)."""
        if self._image is None:
            return QRectF()
        iw, ih = self._image.width(), self._image.height()
        scale = min(self.width() / iw, self.height() / ih)
        w, h = iw * scale, ih * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def set_region_mode(self, on: bool) -> None:
        """In region mode a drag on the picture draws a rectangle (crosshair cursor)."""
        self.drawing_region = on
        self._drag = None
        self.setCursor(Qt.CursorShape.CrossCursor if on else Qt.CursorShape.ArrowCursor)
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.drawing_region and self.image_rect().contains(event.position()):
            self._drag = (event.position(), event.position())
        else:
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag is not None:
            self._drag = (self._drag[0], event.position())
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag is None:
            return
        a, b = self._drag[0], event.position()
        self._drag = None
        rect = self.image_rect()
        x0, x1 = sorted(((a.x() - rect.x()) / rect.width(), (b.x() - rect.x()) / rect.width()))
        y0, y1 = sorted(((a.y() - rect.y()) / rect.height(),
                         (b.y() - rect.y()) / rect.height()))
        x0, y0 = max(0.0, x0), max(0.0, y0)
        x1, y1 = min(1.0, x1), min(1.0, y1)
        self.update()
        if x1 - x0 > 0.01 and y1 - y0 > 0.01:
            self.region_drawn.emit(x0, y0, x1 - x0, y1 - y0)

    def sizeHint(self) -> QSize:
        return QSize(640, 360)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.black)
        if self._image is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            rect = self.image_rect()
            painter.drawImage(rect, self._image)
            for overlay in self.overlays:
                if overlay.active:
                    overlay.paint(painter, rect, self.playhead.current)
            if self._drag is not None:
                painter.setPen(QPen(QColor(255, 230, 0), 2, Qt.PenStyle.DashLine))
                painter.drawRect(QRectF(self._drag[0], self._drag[1]).normalized())
        elif self.notice:
            painter.setPen(QColor(255, 255, 255))
            painter.drawText(QRectF(self.rect()).adjusted(16, 16, -16, -16),
                             int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                             self.notice)
        if self.hasFocus():
            self._paint_focus(painter)
        painter.end()

    def _paint_focus(self, painter: QPainter) -> None:
        """A thick ring in the theme's focus colour around the picture: the player's keys
        act (the player says which on a line under the video, never over the picture)."""
        from emosign_desktop.ui.appearance import focus_ring_color

        painter.setPen(QPen(QColor(focus_ring_color()), 4))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRectF(self.rect()).adjusted(2, 2, -2, -2))

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.focus_changed.emit(True)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.focus_changed.emit(False)
        self.update()
