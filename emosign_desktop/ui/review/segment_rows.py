"""Segments as one row per annotator per tier, on the video's frame axis, with the playhead;
click a row to move the playhead there."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from emosign_desktop.core.model import Segment
from emosign_desktop.media.playhead import Playhead, PlayheadEvent

ROW_H = 22
LABEL_W = 220
GRAB_PX = 5  # how near an edge a press must be to drag it


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
        self.setMouseTracking(True)
        self.editable: set[int] = set()  # ids of segments whose edges may be dragged
        self.on_edit: Callable[[Segment], None] | None = None
        self._drag: tuple[int, Segment, str] | None = None  # row, segment, "start"/"end"
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
        frame = int((x - LABEL_W) / width * self.frame_count)  # the inverse of _x
        return min(max(frame, 0), self.frame_count - 1)

    def _edge_at(self, x: float, y: float) -> tuple[int, Segment, str] | None:
        row = int((y - 2) // ROW_H)
        if not 0 <= row < len(self.rows):
            return None
        for seg in self.rows[row].segments:
            if seg.id not in self.editable:
                continue
            if abs(x - self._x(seg.start_frame)) <= GRAB_PX:
                return row, seg, "start"
            if abs(x - self._x(seg.end_frame + 1)) <= GRAB_PX:
                return row, seg, "end"
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        x, y = event.position().x(), event.position().y()
        self._drag = self._edge_at(x, y)
        if self._drag is None and x >= LABEL_W:
            self.playhead.seek(self.frame_at(x))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        x, y = event.position().x(), event.position().y()
        if self._drag is None:
            near = self._edge_at(x, y) is not None
            self.setCursor(Qt.CursorShape.SizeHorCursor if near else Qt.CursorShape.ArrowCursor)
            return
        row, seg, edge = self._drag
        frame = self.frame_at(x)  # snapped to a whole frame
        if edge == "start":
            moved = dataclasses.replace(seg, start_frame=min(frame, seg.end_frame))
        else:
            moved = dataclasses.replace(seg, end_frame=max(frame - 1, seg.start_frame))
        segs = tuple(moved if s.id == seg.id else s for s in self.rows[row].segments)
        self.rows[row] = SegmentRow(self.rows[row].title, segs)
        self._drag = (row, seg, edge)
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag is None:
            return
        row, seg, _edge = self._drag
        self._drag = None
        moved = next(s for s in self.rows[row].segments if s.id == seg.id)
        if moved != seg and self.on_edit is not None:
            self.on_edit(moved)  # one committed, undoable edit for the whole drag

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
                           (s.value or "?") + (" ▣" if s.region else ""))
        x = self._x(self.playhead.current + 0.5)
        p.setPen(QPen(QColor(220, 30, 30), 2))
        p.drawLine(int(x), 0, int(x), self.height())
        p.end()
