"""Segments as one row per annotator per tier, on the video's frame axis, with the playhead;
click a row to move the playhead there.  Proposed cue spans (``ui.proposed_span``) show on
the row of the tier and annotator they would become a segment of, outlined with a dashed
border and named, never filled like a segment (a name too long for its box is written
beside it); the selected one's edges drag like a segment's.  Names on a row never overlap
(``name_room``): one without the room is elided, whole in its tooltip.  A row's title,
elided when long, is whole in its tooltip; when blind mode keeps the others' rows back, a
sentence under the rows says so."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from emosign_desktop.core.model import Segment
from emosign_desktop.media.playhead import Playhead, PlayheadEvent
from emosign_desktop.ui.proposed_span import PROPOSED, ProposedSpan
from emosign_desktop.ui.review.name_room import NameBox, name_rooms

ROW_H = 22  # the least height of a row (more when the text is larger)
LABEL_W = 220  # the least width of the row titles (more when the text is larger)
GRAB_PX = 5  # how near an edge a press must be to drag it


@dataclass(frozen=True)
class SegmentRow:
    """One row: whose segments, on which tier (``annotator`` and ``tier`` name them for the
    proposals that go there; empty for rows that take none)."""

    title: str
    segments: tuple[Segment, ...]
    annotator: str = ""
    tier: str = ""


#: What can be dragged: a segment, or the selected proposal.
Span = Segment | ProposedSpan


class SegmentRowsWidget(QWidget):
    """Paints rows of segments over frames 0..frame_count-1 and follows the playhead."""

    def __init__(self, playhead: Playhead, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.playhead = playhead
        self.rows: list[SegmentRow] = []
        self.proposals: list[ProposedSpan] = []
        #: The rows painted: :attr:`rows`, then a row for proposals whose row is not there.
        self.shown: list[SegmentRow] = []
        self.marks: list[list[ProposedSpan]] = []  # the proposals on each shown row
        self.frame_count = 1
        self.setAccessibleName("Segments, one row per annotator and tier")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setMouseTracking(True)
        self.editable: set[int] = set()  # ids of segments whose edges may be dragged
        self.on_edit: Callable[[Segment], None] | None = None
        self.on_proposal_edit: Callable[[ProposedSpan], None] | None = None
        self.on_proposal_click: Callable[[ProposedSpan], None] | None = None
        self._drag: tuple[int, Span, str] | None = None  # row, span, "start"/"end"
        self.note = ""  # what blind mode hides, said under the rows
        playhead.changed.connect(self._on_playhead)

    def set_rows(self, rows: list[SegmentRow], frame_count: int) -> None:
        self.rows = rows
        self.frame_count = max(1, frame_count)
        self._place()

    def set_note(self, why: str) -> None:
        """Say ``why`` some rows are not shown (blind mode) under the rows; "" for none."""
        if why != self.note:
            self.note = why
            self._place()

    def _note_rect(self) -> QRectF:
        """Where the note goes: under the rows, as tall as its lines at this width."""
        top = 2 + self.row_h * len(self.shown) + 4
        if not self.note:
            return QRectF(4, top, 0, 0)
        width = max(50, self.width() - 8)
        box = QFontMetricsF(self.font()).boundingRect(
            QRectF(0, 0, width, 10000), int(Qt.TextFlag.TextWordWrap), self.note)
        return QRectF(4, top, width, box.height() + 2)

    def set_proposals(self, proposals: list[ProposedSpan]) -> None:
        """Show these proposals (replacing the ones shown), each on its tier's row."""
        self.proposals = list(proposals)
        self._place()

    def _place(self) -> None:
        shown = list(self.rows)
        marks: list[list[ProposedSpan]] = [[] for _ in shown]
        for p in self.proposals:
            i = next((k for k, r in enumerate(shown)
                      if r.tier and r.tier == p.tier and r.annotator == p.annotator), None)
            if i is None:
                who = f"{p.annotator} · " if p.annotator else ""
                title = f"{who}{p.tier or 'no tier for it'} ({PROPOSED})"
                shown.append(SegmentRow(title, (), p.annotator, p.tier))
                marks.append([])
                i = len(shown) - 1
            marks[i].append(p)
        self.shown, self.marks = shown, marks
        self._drag = None
        self.setMinimumHeight(self.row_h * max(1, len(shown)) + 4
                              + int(self._note_rect().height()) + 4)
        self.updateGeometry()
        self.update()

    @property
    def row_h(self) -> int:
        return max(ROW_H, int(QFontMetricsF(self.font()).height()) + 8)

    @property
    def label_w(self) -> int:
        """The row titles' column: 30 characters wide (enough for "annotator · tier" titles
        at any text size), but at most 40 % of the width, so the frames keep the rest."""
        wanted = max(LABEL_W, int(QFontMetricsF(self.font()).averageCharWidth() * 30))
        return min(wanted, max(LABEL_W, int(self.width() * 0.4)))

    def title_text(self, row: int) -> str:
        """A row's title as drawn in its column: whole when it fits, else the annotator's
        name is elided first ("demo-ann… · Emotion cue"), then the middle."""
        metrics = QFontMetricsF(self.font())
        title, room = self.shown[row].title, self.label_w - 8
        if metrics.horizontalAdvance(title) <= room:
            return title
        who, sep, rest = title.partition(" · ")
        tail = metrics.horizontalAdvance(sep + rest)
        if sep and room - tail >= metrics.horizontalAdvance("…"):
            who = metrics.elidedText(who, Qt.TextElideMode.ElideRight, room - tail) or "…"
            return who + sep + rest
        return metrics.elidedText(title, Qt.TextElideMode.ElideMiddle, room)

    def sizeHint(self) -> QSize:
        return QSize(600, self.row_h * max(1, len(self.shown)) + 4)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.note:  # its lines wrap at the new width
            self.setMinimumHeight(self.row_h * max(1, len(self.shown)) + 8
                                  + int(self._note_rect().height()))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._place()

    def _on_playhead(self, event: PlayheadEvent) -> None:
        if event in (PlayheadEvent.FRAME, PlayheadEvent.MEDIA):
            self.update()

    def _x(self, frame: float) -> float:
        left = self.label_w
        width = max(1, self.width() - left - 4)
        return left + frame / self.frame_count * width

    def frame_at(self, x: float) -> int:
        """The frame under x (for clicks)."""
        left = self.label_w
        width = max(1, self.width() - left - 4)
        frame = int((x - left) / width * self.frame_count)  # the inverse of _x
        return min(max(frame, 0), self.frame_count - 1)

    def _row_at(self, y: float) -> int | None:
        row = int((y - 2) // self.row_h)
        return row if 0 <= row < len(self.shown) else None

    def _edge_at(self, x: float, y: float) -> tuple[int, Span, str] | None:
        row = self._row_at(y)
        if row is None:
            return None
        spans: list[Span] = [p for p in self.marks[row] if p.selected]  # before segments
        spans += [s for s in self.shown[row].segments if s.id in self.editable]
        for span in spans:
            if abs(x - self._x(span.start_frame)) <= GRAB_PX:
                return row, span, "start"
            if abs(x - self._x(span.end_frame + 1)) <= GRAB_PX:
                return row, span, "end"
        return None

    def proposal_at(self, x: float, y: float) -> ProposedSpan | None:
        """The proposal under (x, y), the selected one first."""
        row = self._row_at(y)
        if row is None or x < self.label_w:
            return None
        frame = self.frame_at(x)
        under = [p for p in self.marks[row] if p.start_frame <= frame <= p.end_frame]
        return next((p for p in under if p.selected), under[0] if under else None)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        x, y = event.position().x(), event.position().y()
        self._drag = self._edge_at(x, y)
        if self._drag is None and x >= self.label_w:
            self.playhead.seek(self.frame_at(x))
            proposal = self.proposal_at(x, y)
            if proposal is not None and self.on_proposal_click is not None:
                self.on_proposal_click(proposal)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        x, y = event.position().x(), event.position().y()
        if self._drag is None:
            near = self._edge_at(x, y) is not None
            self.setCursor(Qt.CursorShape.SizeHorCursor if near else Qt.CursorShape.ArrowCursor)
            return
        row, span, edge = self._drag
        frame = self.frame_at(x)  # snapped to a whole frame
        moved: Span
        if edge == "start":
            moved = dataclasses.replace(span, start_frame=min(frame, span.end_frame))
        else:
            moved = dataclasses.replace(span, end_frame=max(frame - 1, span.start_frame))
        if isinstance(moved, ProposedSpan):
            self.marks[row] = [moved if p.key == moved.key else p for p in self.marks[row]]
        else:
            segs = tuple(moved if s.id == moved.id else s for s in self.shown[row].segments)
            self.shown[row] = dataclasses.replace(self.shown[row], segments=segs)
        self._drag = (row, span, edge)
        self.update()

    def mouseReleaseEvent(self, _event: QMouseEvent) -> None:
        if self._drag is None:
            return
        row, span, _edge = self._drag
        self._drag = None
        if isinstance(span, ProposedSpan):
            moved_p = next(p for p in self.marks[row] if p.key == span.key)
            if moved_p != span and self.on_proposal_edit is not None:
                self.on_proposal_edit(moved_p)  # the new edges, used when it is accepted
            return
        moved = next(s for s in self.shown[row].segments if s.id == span.id)
        if moved != span and self.on_edit is not None:
            self.on_edit(moved)  # one committed, undoable edit for the whole drag

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            pos = event.pos()
            proposal = self.proposal_at(pos.x(), pos.y())
            row = self._row_at(pos.y())
            segment = self.segment_at(pos.x(), pos.y())
            if proposal is not None:
                QToolTip.showText(event.globalPos(), proposal.tooltip, self)
            elif segment is not None:  # its value, whole
                QToolTip.showText(event.globalPos(), self.span_text(segment), self)
            elif row is not None and pos.x() < self.label_w:  # the whole title
                QToolTip.showText(event.globalPos(), self.shown[row].title, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def proposal_pen(self, span: ProposedSpan) -> QPen:
        """A proposal's outline: dashed, in the text colour; the selected one thicker, in
        the highlight colour."""
        pal = self.palette()
        colour = pal.highlight().color() if span.selected else pal.text().color()
        pen = QPen(colour, 3 if span.selected else 1.5, Qt.PenStyle.DashLine)
        pen.setDashPattern([3.0, 2.0])
        return pen

    def _box(self, row: int, span: ProposedSpan) -> QRectF:
        """The dashed box of a proposal on a row."""
        x0, x1 = self._x(span.start_frame), self._x(span.end_frame + 1)
        return QRectF(x0 + 1, 2 + row * self.row_h + 1.5, max(4.0, x1 - x0 - 2),
                      self.row_h - 3)

    def _segment_box(self, row: int, segment: Segment) -> QRectF:
        """The filled box of a segment on a row (a pixel short, so boxes that touch show
        where one ends)."""
        x0, x1 = self._x(segment.start_frame), self._x(segment.end_frame + 1)
        return QRectF(x0, 2 + row * self.row_h + 3, max(2.0, x1 - x0 - 1), self.row_h - 6)

    def segment_at(self, x: float, y: float) -> Segment | None:
        """The segment under (x, y), if any."""
        row = self._row_at(y)
        if row is None or x < self.label_w:
            return None
        return next((s for s in self.shown[row].segments
                     if self._segment_box(row, s).left() <= x
                     <= self._segment_box(row, s).right()), None)

    def name_rects(self, row: int) -> list[tuple[Span, QRectF, str]]:
        """Where each name on a shown row is drawn, and the name: a segment's value in its
        box, a proposal's name in its box when it fits, else beside it (see
        :mod:`.name_room`); no two of them overlap, and a name without the room to be whole
        is elided to the room it has (whole in its tooltip)."""
        metrics = QFontMetricsF(self.font())
        spans: list[Span] = [*self.shown[row].segments, *self.marks[row]]
        boxes, rects = [], []
        for span in spans:
            if isinstance(span, ProposedSpan):
                box = self._box(row, span)
                inner = box.adjusted(4, 0, -2, 0)
                boxes.append(NameBox((box.left(), box.right()), (inner.left(), inner.right()),
                                     metrics.horizontalAdvance(span.text) + 6, True))
            else:
                box = self._segment_box(row, span)
                inner = box.adjusted(3, 0, -2, 0)
                boxes.append(NameBox((box.left(), box.right()), (inner.left(), inner.right()),
                                     0.0, False))
            rects.append(box)
        rooms = name_rooms(boxes, float(self.label_w), float(self.width()))
        out: list[tuple[Span, QRectF, str]] = []
        for span, box, room in zip(spans, rects, rooms, strict=True):
            label = metrics.elidedText(self.span_text(span), Qt.TextElideMode.ElideRight,
                                       room.width - 2) if room.width >= 4 else ""
            where = QRectF(room.left, box.top(), room.width, box.height())
            if room.side != "in":  # beside its box: as wide as its name, next to the box
                width = min(room.width, metrics.horizontalAdvance(label) + 4)
                if room.side == "left":
                    where.setLeft(where.right() - width)
                where.setWidth(width)
            out.append((span, where, label))
        return out

    @staticmethod
    def span_text(span: Span) -> str:
        """What a span says, whole: a proposal's name, or a segment's value (▣: it has a
        region)."""
        if isinstance(span, ProposedSpan):
            return span.text
        return (span.value or "?") + (" ▣" if span.region else "")

    def proposal_names(self, row: int) -> list[tuple[ProposedSpan, QRectF, str]]:
        """Where each proposal of a shown row has its name, and the name (as
        :meth:`name_rects`)."""
        return [(s, where, label) for s, where, label in self.name_rects(row)
                if isinstance(s, ProposedSpan)]

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        pal = self.palette()
        p.fillRect(self.rect(), pal.base())
        text = pal.text().color()
        h, left = self.row_h, self.label_w
        for i, row in enumerate(self.shown):
            y = 2 + i * h
            p.setPen(text)
            p.drawText(QRectF(4, y, left - 8, h), Qt.AlignmentFlag.AlignVCenter,
                       self.title_text(i))
            names = self.name_rects(i)
            for s in row.segments:
                p.fillRect(self._segment_box(i, s), QColor(90, 140, 220))
            for span in sorted(self.marks[i], key=lambda m: m.selected):  # selected on top
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.setPen(self.proposal_pen(span))
                p.drawRect(self._box(i, span))
            for named, where, label in names:
                if not label:
                    continue
                if isinstance(named, ProposedSpan):
                    if not self._box(i, named).contains(where):  # beside its box: on the base
                        p.fillRect(where, pal.base())
                    p.setPen(text)
                else:
                    p.setPen(QColor(255, 255, 255))
                p.drawText(where, Qt.AlignmentFlag.AlignVCenter, label)
        x = self._x(self.playhead.current + 0.5)
        p.setPen(QPen(QColor(220, 30, 30), 2))
        p.drawLine(int(x), 0, int(x), self.height())
        if self.note:  # over the playhead's line, on the base colour
            p.fillRect(self._note_rect(), pal.base())
            p.setPen(text)
            p.drawText(self._note_rect(), int(Qt.TextFlag.TextWordWrap), self.note)
        p.end()
