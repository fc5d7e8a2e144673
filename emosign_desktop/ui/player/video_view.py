"""Paints the current picture, scaled to fit, on black; knows which frame it shows."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


def to_qimage(picture: np.ndarray) -> QImage:
    """A QImage over ``picture`` (RGB ``(h, w, 3)`` or BGRA ``(h, w, 4)``), no copy."""
    h, w, channels = picture.shape
    fmt = QImage.Format.Format_RGB888 if channels == 3 else QImage.Format.Format_RGB32
    return QImage(picture.data, w, h, picture.strides[0], fmt)


class VideoView(QWidget):
    """The picture area of the player."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Video")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 120)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.shown_index: int | None = None
        self.picture: np.ndarray | None = None
        self._image: QImage | None = None
        self.overlays: list = []  # objects with .active and .paint(painter, rect, frame)

    def set_picture(self, index: int, picture: np.ndarray) -> None:
        """Show ``picture`` as frame ``index``."""
        self.shown_index = index
        self.picture = picture  # keeps the buffer alive for the QImage
        self._image = to_qimage(picture)
        self.update()

    def clear(self) -> None:
        self.shown_index = self.picture = self._image = None
        self.update()

    def image_rect(self) -> QRectF:
        """Where the picture lies in the widget (letterboxed)."""
        if self._image is None:
            return QRectF()
        iw, ih = self._image.width(), self._image.height()
        scale = min(self.width() / iw, self.height() / ih)
        w, h = iw * scale, ih * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

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
                if overlay.active and self.shown_index is not None:
                    overlay.paint(painter, rect, self.shown_index)
        painter.end()
