"""Spans on the signal plot: the segments of our own tiers as shaded spans under the curves,
and proposed cue spans (``ui.proposed_span``) outlined with dashed edges over a hatch, named
at the top of the plot (the selected one bold, its edges drag, snapped to whole frames when
let go).  The spans of reference tiers are bands of their own (``plots.reference_bands``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPen

from emosign_desktop.core.model import Segment
from emosign_desktop.ui.plots.plot_style import LabelRoom, PlotStyle
from emosign_desktop.ui.plots.retired import retire
from emosign_desktop.ui.proposed_span import ProposedSpan


def segment_span(segment: Segment, style: PlotStyle) -> Any:
    """A shaded span (a fixed pyqtgraph ``LinearRegionItem``) under the curves over a
    segment's frames, its value as tooltip."""
    span = pg.LinearRegionItem(values=(segment.start_frame, segment.end_frame + 1),
                               movable=False)
    style_segment_span(span, style)
    span.setToolTip(segment.value)
    span.setZValue(-10)
    return span


def style_segment_span(span: Any, style: PlotStyle) -> None:
    """A segment span's fill and edges in this style."""
    span.setBrush(pg.mkBrush(style.span_fill))
    for line in span.lines:
        line.setPen(pg.mkPen(style.span_edge, width=1))


def proposal_pen(span: ProposedSpan, style: PlotStyle) -> QPen:
    """A proposal's edges: dashed in the text colour, the selected one thicker."""
    pen = pg.mkPen(style.text, width=3 if span.selected else 1.5,
                   style=Qt.PenStyle.DashLine)
    pen.setDashPattern([3.0, 2.0])
    return cast(QPen, pen)


class ProposalSpans:
    """The proposed spans on a pyqtgraph plot, and their names."""

    def __init__(self, plot: Any, moved: Callable[[ProposedSpan, Any], None]) -> None:
        self.plot = plot
        #: Proposed spans shown, each a (span, pyqtgraph region, label) triple.
        self.items: list[tuple[ProposedSpan, Any, Any]] = []
        self._moved = moved  # called with the selected span and its region, once dragged

    def show(self, proposals: Sequence[ProposedSpan], style: PlotStyle) -> None:
        """Draw these proposed spans (replacing those shown)."""
        for _span, region, label in self.items:
            self.plot.removeItem(region)
            self.plot.removeItem(label)
            retire(region, label)  # by the event loop, not mid-restyle
        self.items = []
        hatch = QColor(style.text)
        hatch.setAlpha(70)
        for span in proposals:
            region = pg.LinearRegionItem(values=(span.start_frame, span.end_frame + 1),
                                         movable=False,
                                         brush=QBrush(hatch, Qt.BrushStyle.BDiagPattern))
            region.setZValue(-5 if not span.selected else -4)
            pen = proposal_pen(span, style)
            for line in region.lines:
                line.setPen(pen)
                line.setHoverPen(pg.mkPen(style.text, width=4))
            if span.selected:  # its edges drag, snapped to whole frames when let go
                for line in region.lines:
                    line.setMovable(True)
                region.sigRegionChangeFinished.connect(
                    lambda r, s=span: self._moved(s, r))
            region.setToolTip(span.tooltip)
            fill = QColor(style.background)
            fill.setAlpha(210)
            text = f"▶ {span.label}" if span.selected else span.label
            label = pg.TextItem(text, anchor=(0, 0),  # right of its start, below the top
                                color=QColor(style.text), fill=pg.mkBrush(fill))
            label.setZValue(20)  # over the curves
            font = QFont(style.font)
            font.setBold(span.selected)
            label.setFont(font)
            label.setToolTip(span.tooltip)
            self.plot.addItem(region)
            self.plot.addItem(label, ignoreBounds=True)
            self.items.append((span, region, label))
        self.place_labels(style.font)

    def forget(self) -> None:
        """Drop the items without removing them (the plot was cleared already)."""
        for _span, region, label in self.items:
            retire(region, label)
        self.items = []

    def place_labels(self, font: QFont) -> None:
        """Each proposal's name at the top of the plot, right of its start (moved left to
        end at the view's right edge when it would run past it: never clipped, never under
        the legend); a name that would run into another's goes one line lower."""
        room = LabelRoom.of(self.plot, font) if self.items else None
        if room is None:
            return
        lanes: list[float] = []  # where each line of names is free from (pixels)
        for span, _region, label in sorted(self.items, key=lambda t: t[0].start_frame):
            width = room.metrics.horizontalAdvance(label.toPlainText()) * 1.15 + 8  # bold
            left = room.within((span.start_frame - room.x0) * room.per_frame, width)
            lane = next((i for i, free in enumerate(lanes) if left >= free), len(lanes))
            if lane == len(lanes):
                lanes.append(0.0)
            lanes[lane] = left + width
            label.setPos(room.x0 + left / room.per_frame,
                         room.y1 - (lane * room.line + 2) * room.per_pixel)
