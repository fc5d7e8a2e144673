"""Segments as one row per annotator per tier, on the video's frame axis, with the playhead;
click a row to move the playhead there."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from emosign_desktop.core.model import Segment
from emosign_desktop.media.playhead import Playhead, PlayheadEvent

ROW_H = 22
LABEL_W = 220


@dataclass(frozen=True)
class SegmentRow:
    """One row: whose segments, on which tier."""

    title: str
    segments: tuple[Segment, ...]


class SegmentRowsWidget(QWidget):
    """Paints rows of segments over frames 0..frame_count-1 and follows the playhead."""

    def __init__(self, playhead: Playhead, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.playhead = playhead
        self.rows: list[SegmentRow] = []
        self.frame_count = 1
        self.setAccessibleName("Segments, one row per annotator and tier")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        playhead.subscribe(self._on_playhead)

    def set_rows(self, rows: list[SegmentRow], frame_count: int) -> None:
        self.rows = rows
        self.frame_count = max(1, frame_count)
        self.setMinimumHeight(ROW_H * max(1, len(rows)) + 4)
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(600, ROW_H * max(1, len(self.rows)) + 4)

    def _on_playhead(self, event: PlayheadEvent) -> None:
        if event in (PlayheadEvent.FRAME, PlayheadEvent.MEDIA):
            self.update()

    def _x(self, frame: float) -> float:
        width = max(1, self.width() - LABEL_W - 4)
        return LABEL_W + frame / self.frame_count * width

    def frame_at(self, x: float) -> int:
        """The frame under x (for clicks)."""
        width = max(1, self.width() - LABEL_W - 4)
        return int(min(max((x - LABEL_W) / width, 0.0), 1.0) * (self.frame_count - 1))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.position().x() >= LABEL_W:
            self.playhead.seek(self.frame_at(event.position().x()))

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        pal = self.palette()
        p.fillRect(self.rect(), pal.base())
        text = pal.text().color()
        for i, row in enumerate(self.rows):
            y = 2 + i * ROW_H
            p.setPen(text)
            p.drawText(QRectF(4, y, LABEL_W - 8, ROW_H), Qt.AlignmentFlag.AlignVCenter,
                       row.title)
            for s in row.segments:
                x0, x1 = self._x(s.start_frame), self._x(s.end_frame + 1)
                box = QRectF(x0, y + 3, max(2.0, x1 - x0), ROW_H - 6)
                p.fillRect(box, QColor(90, 140, 220))
                p.setPen(QColor(255, 255, 255))
                p.drawText(box.adjusted(3, 0, -2, 0), Qt.AlignmentFlag.AlignVCenter,
                           s.value + (" ▣" if s.region else ""))
        x = self._x(self.playhead.current + 0.5)
        p.setPen(QPen(QColor(220, 30, 30), 2))
        p.drawLine(int(x), 0, int(x), self.height())
        p.end()
