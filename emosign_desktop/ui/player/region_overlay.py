"""Regions of segments drawn on the video while the playhead is inside the segment."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from emosign_desktop.core.model import AnnotatorId, Segment


class RegionOverlay:
    """Paints the regions of the segments that contain the frame shown."""

    def __init__(self) -> None:
        self.segments: list[Segment] = []
        self.names: dict[AnnotatorId, str] = {}  # annotator id -> name, for the labels

    @property
    def active(self) -> bool:
        return any(s.region for s in self.segments)

    def showing(self, frame: int) -> list[Segment]:
        return [s for s in self.segments
                if s.region is not None and s.start_frame <= frame <= s.end_frame]

    def paint(self, painter: QPainter, rect: QRectF, frame: int) -> None:
        for s in self.showing(frame):
            r = s.region
            assert r is not None
            box = QRectF(rect.x() + r.x * rect.width(), rect.y() + r.y * rect.height(),
                         r.w * rect.width(), r.h * rect.height())
            pen = QPen(QColor(255, 230, 0), 3, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawRect(box)
            label = (s.value or "?") + (f" ({self.names[s.annotator_id]})"
                                        if s.annotator_id in self.names else "")
            metrics = painter.fontMetrics()  # the widget's font: follows Larger Text
            height = metrics.height() + 4
            width = min(metrics.horizontalAdvance(label) + 8, rect.right() - box.x())
            top = max(rect.y(), box.y() - height)
            back = QRectF(box.x(), top, max(width, 8.0), height)
            painter.fillRect(back, QColor(0, 0, 0, 200))
            painter.setPen(QColor(255, 230, 0))
            shown = metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(back.width()) - 6)
            painter.drawText(back.adjusted(3, 0, -3, 0), Qt.AlignmentFlag.AlignVCenter, shown)
