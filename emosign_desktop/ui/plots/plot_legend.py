"""The legend of the signal plot: an opaque box in the plot's text colour and size, in a
cell of its own in the plot's layout, never over the curves: in a strip under the time
axis or in columns right of the curves, wherever it leaves the curves the most room (none
when there is no room: the swatches in the signal list say it then)."""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF
from PySide6.QtWidgets import QSizePolicy

from emosign_desktop.ui.plots.plot_style import PlotStyle

#: Space between a legend's sample and its text, and between columns; its box's margins.
LEGEND_SPACING = 10
LEGEND_MARGIN = (6, 3)


def make_legend(style: PlotStyle) -> Any:
    """An opaque legend box that stays where the layout puts it (not draggable)."""
    legend = _Legend(offset=None, horSpacing=LEGEND_SPACING, verSpacing=0)
    legend.layout.setContentsMargins(LEGEND_MARGIN[0], LEGEND_MARGIN[1], LEGEND_MARGIN[0],
                                     LEGEND_MARGIN[1])
    # as big as its entries, not as the layout cell it is in
    legend.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
    style_legend(legend, style)
    return legend


def style_legend(legend: Any, style: PlotStyle) -> None:
    """Opaque box, text in the style's colour and size (existing entries included)."""
    legend.setBrush(pg.mkBrush(style.legend_fill))
    legend.setPen(pg.mkPen(style.legend_border, width=1))
    legend.opts["labelTextColor"] = QColor(style.text)
    legend.opts["labelTextSize"] = style.css_size
    for _sample, label in legend.items:  # setAttr alone does not redraw the text
        label.setText(label.text, color=QColor(style.text), size=style.css_size,
                      family=style.font.family())
    legend.updateSize()


class _Legend(pg.LegendItem):  # type: ignore[misc]  # pyqtgraph has no type hints
    """A legend placed by its plot's layout: dragging it does nothing."""

    def mouseDragEvent(self, ev: Any) -> None:
        ev.ignore()


def fit_legend(plot: Any, legend: Any, font: QFont, placed: str) -> str:
    """Put the legend of a pyqtgraph ``PlotWidget`` where it leaves the curves the most
    room, never over them: in a strip under the time axis (as many columns as fit the
    width) or in columns right of the curves (as many rows as fit the height).  ``placed``
    is where it is now ("below", "right" or ""); returns where it is then."""
    items = legend.items
    if not items:
        return place_legend(plot, legend, placed, "")
    metrics = QFontMetricsF(font)
    widest = max(metrics.horizontalAdvance(label.text) for _s, label in items)
    # sample, spacing, text with its 4 px margins, spacing before the next column
    entry_w = 20 + LEGEND_SPACING + widest + 8 + LEGEND_SPACING
    entry_h = max(20.0, metrics.height() + 8)
    frame_w, frame_h = 2 * LEGEND_MARGIN[0] + 2, 2 * LEGEND_MARGIN[1] + 2
    axis = plot.getAxis("left")
    left = max(axis.width(), axis.minimumWidth()) or 3 * metrics.height()
    axis = plot.getAxis("bottom")
    bottom = max(axis.height(), axis.minimumHeight()) or 2.5 * metrics.height()
    width = max(1.0, plot.width() - left - 12)  # the plot's margins
    height = max(1.0, plot.height() - bottom - 8)
    n = len(items)
    below_cols = max(1, min(n, int((width - frame_w) // entry_w)))
    below_h = -(-n // below_cols) * entry_h + frame_h
    right_rows = max(1, min(n, int((height - frame_h) // entry_h)))
    right_cols = -(-n // right_rows)
    right_w = right_cols * entry_w + frame_w
    if right_rows * entry_h + frame_h > height:
        right_w = width  # not even one row fits beside the curves
    # the curves keep at least three lines of text in height and half the width
    below_room = width * (height - below_h) if height - below_h >= 3 * entry_h else 0.0
    right_room = (width - right_w) * height if width - right_w >= width / 2 else 0.0
    if below_room <= 0 and right_room <= 0:
        # no room for a legend beside the curves: the swatches in the list say it
        return place_legend(plot, legend, placed, "")
    place, columns = ("right", right_cols) if right_room > below_room \
        else ("below", below_cols)
    if columns != legend.columnCount:
        legend.setColumnCount(columns)
    return place_legend(plot, legend, placed, place)


def place_legend(plot: Any, legend: Any, placed: str, place: str) -> str:
    """Legend "below" the time axis, "right" of the curves, or "" (none), from where it is
    now (``placed``).  Returns ``place``."""
    layout = plot.plotItem.layout
    if place != placed:
        if placed:  # a hidden item keeps its room in a graphics layout
            layout.removeItem(legend)
        if place:
            layout.addItem(legend, *((2, 3) if place == "right" else (4, 1)))
            layout.setAlignment(legend, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    legend.setVisible(bool(place))
    legend.updateGeometry()
    return place
