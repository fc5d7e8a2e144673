"""The Qt binding must not drop references to None (PySide6 6.12.0 did, on Python 3.11:
every call returning nothing took one reference away, and a long session crashed)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QLineF
from PySide6.QtGui import QColor, QImage, QPainter, QPen


def test_void_calls_keep_none_alive(qapp):
    image = QImage(64, 64, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    before = sys.getrefcount(None)
    for _ in range(5000):
        painter.setPen(QPen(QColor(1, 2, 3)))
        painter.drawLine(QLineF(0, 0, 10, 10))
    after = sys.getrefcount(None)
    painter.end()
    assert after >= before - 100, f"None lost {before - after} references in 10,000 calls"
