"""Cue signals plotted on the video's frame axis: a cursor that follows the playhead (drag it,
or click the plot, to seek), signals to choose, zoom and pan in time, the segments of the
tiers as shaded spans, the spans of read-only reference tiers (SignStream's facial grammar
coding: ``plots.reference_bands``) as labelled bands named at the bottom, with a choice of
which tiers to show, and proposed cue spans (``ui.proposed_span``) outlined with dashed
edges over a hatch, named at the top (the selected one's edges drag).  The signals are
listed under headings, the face blendshape signals first (``plots.signal_choices``).

Readable at any text size and in high contrast: the plots take their text size from the
application font and their colours from the application palette, and follow both live
(:class:`PlotStyle`, :func:`style_plot`).  Text is drawn in the palette's text colour on the
plot's own background (contrast >= 7:1, WCAG AAA); the legend sits on an opaque box under
the time axis or right of the curves, never over them; curves and marks keep >= 4.5:1
against the background."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, cast

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QIcon,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QListWidget,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from emosign_desktop.core.model import Segment, Tier
from emosign_desktop.landmarks.signals import SignalDef, signal_defs
from emosign_desktop.media.playhead import Playhead, PlayheadEvent
from emosign_desktop.ui.plots.reference_bands import (
    SHOW_ALL,
    SHOW_GRAMMAR,
    SHOW_NONE,
    ReferenceBands,
    ReferenceTier,
    chosen_tiers,
    reference_tiers,
)
from emosign_desktop.ui.plots.signal_choices import (
    POINTS_DEFAULTS,
    checked_keys,
    default_signals,
    fill_choices,
    set_checked,
    signal_groups,
)
from emosign_desktop.ui.proposed_span import ProposedSpan

#: Checked at first (until a video's signals say which defaults fit: ``signal_choices``).
DEFAULT_SIGNALS = POINTS_DEFAULTS
#: Curve colours on a light background and on a dark one (each >= 4.5:1 against white,
#: respectively black; red and yellow are kept for the playhead cursor).
LIGHT_SERIES = ((0, 90, 181), (200, 70, 0), (0, 125, 60), (170, 30, 120), (120, 60, 200),
                (0, 110, 130), (110, 70, 20), (120, 110, 0), (80, 80, 80), (30, 40, 120))
DARK_SERIES = ((90, 180, 255), (255, 150, 50), (60, 210, 120), (255, 130, 210),
               (190, 160, 255), (60, 220, 230), (210, 170, 120), (180, 230, 60),
               (200, 200, 200), (255, 110, 110))
#: Space between a legend's sample and its text, and between columns; its box's margins.
LEGEND_SPACING = 10
LEGEND_MARGIN = (6, 3)
#: The contrast wanted for text on its background (WCAG AAA is 7:1; AA is 4.5:1).
TEXT_CONTRAST = 7.0
#: Events after which a plot takes the application's font and palette again.
RESTYLE_EVENTS = frozenset({QEvent.Type.ApplicationFontChange, QEvent.Type.FontChange,
                            QEvent.Type.ApplicationPaletteChange, QEvent.Type.PaletteChange})


def relative_luminance(color: QColor) -> float:
    """WCAG 2 relative luminance of an sRGB colour (0 black .. 1 white)."""
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    return (0.2126 * channel(color.red()) + 0.7152 * channel(color.green())
            + 0.0722 * channel(color.blue()))


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio of two opaque colours (1 .. 21)."""
    hi, lo = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _readable_on(background: QColor, wanted: QColor) -> QColor:
    """``wanted`` if it contrasts enough with ``background``, else black or white."""
    if contrast_ratio(wanted, background) >= TEXT_CONTRAST:
        return QColor(wanted.red(), wanted.green(), wanted.blue())
    black, white = QColor(0, 0, 0), QColor(255, 255, 255)
    return black if contrast_ratio(black, background) >= contrast_ratio(white, background) \
        else white


@dataclass(frozen=True)
class PlotStyle:
    """Colours and text size for a plot, from the application's palette and font."""

    dark: bool
    background: QColor
    text: QColor
    legend_fill: QColor
    legend_border: QColor
    series: tuple[QColor, ...]
    cursor: QColor
    span_fill: QColor
    span_edge: QColor
    bar: QColor
    font: QFont

    @classmethod
    def current(cls) -> PlotStyle:
        """The style for the application's palette and font as they are now."""
        palette = QApplication.palette()
        base = palette.color(QPalette.ColorRole.Base)
        dark = relative_luminance(base) < 0.18
        # a white page in normal mode; the palette's own (black) page in a dark theme
        background = QColor(base.red(), base.green(), base.blue()) if dark \
            else QColor(255, 255, 255)
        text = _readable_on(background, palette.color(QPalette.ColorRole.Text))
        series = tuple(QColor(*c) for c in (DARK_SERIES if dark else LIGHT_SERIES))
        font = QFont(QApplication.font())
        if font.pointSizeF() <= 0:  # a pixel-sized font: points at 96 dpi
            font.setPointSizeF(font.pixelSize() * 0.75)
        return cls(
            dark=dark, background=background, text=text,
            legend_fill=QColor(background), legend_border=QColor(text), series=series,
            cursor=QColor(255, 230, 0) if dark else QColor(200, 0, 0),
            span_fill=QColor(255, 255, 255, 38) if dark else QColor(90, 140, 220, 45),
            span_edge=QColor(170, 170, 170) if dark else QColor(90, 110, 150),
            bar=QColor(90, 180, 255) if dark else QColor(40, 90, 170),
            font=font)

    @property
    def point_size(self) -> float:
        return self.font.pointSizeF()

    @property
    def css_size(self) -> str:
        """The text size as CSS (for pyqtgraph's labels)."""
        return f"{self.point_size:.1f}pt"

    def colour(self, n: int) -> QColor:
        """The colour of the n-th curve."""
        return self.series[n % len(self.series)]


def style_plot(plot: Any, style: PlotStyle) -> None:
    """Background, axis lines, tick labels and axis titles of a pyqtgraph ``PlotWidget`` in
    this style (text in the style's colour and size)."""
    plot.setBackground(style.background)
    plot.plotItem.layout.setContentsMargins(4, 4, 8, 4)
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(style.text, width=1))
        axis.setTextPen(pg.mkPen(style.text))
        axis.setStyle(tickFont=QFont(style.font), autoExpandTextSpace=True,
                      autoReduceTextSpace=True)
        axis.setLabel(axis.labelText or None, units=axis.labelUnits or None,
                      **{"color": style.text.name(), "font-size": style.css_size,
                         "font-family": style.font.family()})


def fit_axis_title(axis: Any, titles: tuple[str, ...], length: float, font: QFont) -> str:
    """Show the first of ``titles`` that fits in ``length`` pixels along the axis (none if
    none fits: a title is never clipped).  Returns the title shown."""
    metrics = QFontMetricsF(font)
    shown = ""
    for title in titles:
        # the label is "title " in a text item with a 4 px margin each side
        if title and metrics.horizontalAdvance(title + " ") + 8 <= length:
            shown = title
            break
    if shown != (axis.labelText if axis.label.isVisible() else ""):
        axis.setLabel(shown or None)
        axis.resizeEvent()  # centres the new text on the axis (pyqtgraph does so on resize)
    return shown


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


class SignalPlotWidget(QWidget):
    """Signals of the current video: one signal in its own unit, several each scaled to its
    own range over the clip (min at the bottom, max at the top)."""

    #: The playhead line, a pyqtgraph ``InfiniteLine`` (pyqtgraph has no type hints).  As an
    #: attribute it hides QWidget.cursor(), which this widget does not use.
    cursor: Any
    _ready = False  # until built: restyling waits for the widgets

    def __init__(self, playhead: Playhead, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pg = pg
        self.playhead = playhead
        self.signals: dict[str, NDArray[Any]] = {}
        self.defs: dict[str, SignalDef] = {d.name: d for d in signal_defs()}
        self.style_ = PlotStyle.current()
        self.choices = QListWidget()
        self.choices.setAccessibleName("Signals to plot (Space toggles)")
        self.choices.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # "Inner brow…(furrow)": the side or the cue in brackets stays in view
        self.choices.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        fill_choices(self.choices, signal_groups(self.defs.values()), DEFAULT_SIGNALS,
                     signal_tooltip)
        self._chosen = False  # has someone changed the signals checked?
        self.choices.itemChanged.connect(self._on_choice)
        # which reference tiers' spans are drawn (shown when the video has some)
        self.reference = QComboBox()
        self.reference.setAccessibleName("Reference spans to show on the plot")
        self.reference.setToolTip("Spans of reference tiers (read-only, e.g. SignStream's "
                                  "facial grammar coding) drawn as labelled bands under "
                                  "the curves")
        self.reference.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.reference.setMinimumContentsLength(8)
        self.reference.currentIndexChanged.connect(lambda _i: self._draw_reference())
        self.reference.hide()
        self._tiers: list[Tier] = []
        self.reference_tiers: list[ReferenceTier] = []
        self.plot = pg.PlotWidget()
        self.plot.setAccessibleName("Cue signals over frames")
        self.plot.setToolTip("Several signals: each scaled to its own range over the clip "
                             "(min at the bottom, max at the top).  One signal: its own "
                             "values and unit.  Click or drag the red line to seek; the "
                             "wheel zooms in time.")
        self.plot.setMouseEnabled(x=True, y=False)
        self.plot.setMenuEnabled(False)
        self.plot.getAxis("left").enableAutoSIPrefix(False)
        self.plot.getAxis("bottom").enableAutoSIPrefix(False)
        self.plot.setLabel("bottom", "Frame")
        # the legend has a cell of its own in the plot's layout: outside the curves
        self.legend = make_legend(self.style_)
        self.plot.plotItem.layout.addItem(self.legend, 4, 1)
        self.legend_place = "below"  # "right" of the curves, or "" (none): see _fit_legend
        self.cursor = pg.InfiniteLine(angle=90, movable=True)
        self.cursor.sigPositionChanged.connect(self._on_cursor)
        self.plot.scene().sigMouseClicked.connect(self._on_click)
        self.plot.plotItem.vb.sigResized.connect(lambda _vb: self._fit())
        self.plot.plotItem.vb.sigRangeChanged.connect(
            lambda *_a: self._place_labels())
        self.spans: list[Any] = []
        self._segments: list[Segment] = []
        self.bands = ReferenceBands(self.plot)
        #: Proposed spans shown, each a (span, pyqtgraph region, label) triple.
        self.proposal_items: list[tuple[ProposedSpan, Any, Any]] = []
        self._proposals: list[ProposedSpan] = []
        #: Called with the selected proposal's new edges after one is dragged.
        self.on_proposal_edit: Any = None
        self._titles: tuple[str, ...] = ()
        self._scaled = True  # several signals, each scaled to its range
        self._curves: list[tuple[int, str, Any]] = []  # (colour number, key, curve)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.side = QVBoxLayout()  # the list, and what others put under it (add_side)
        self.side.setContentsMargins(0, 0, 0, 0)
        self.side.addWidget(self.choices, 1)
        self.side.addWidget(self.reference)
        layout.addLayout(self.side)
        layout.addWidget(self.plot, 1)
        self.frame_count = 1
        playhead.changed.connect(self._on_playhead)
        self._ready = True
        self.restyle()
        self._draw()

    # -- appearance ------------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if self._ready and event.type() in RESTYLE_EVENTS:
            self.restyle()
        return handled

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_list()
        self._fit_legend()

    def restyle(self) -> None:
        """Take the application's font and palette again: text, colours and the places of
        the legend and the axis title (the curves keep their data)."""
        style = self.style_ = PlotStyle.current()
        style_plot(self.plot, style)
        style_legend(self.legend, style)
        self.cursor.setPen(pg.mkPen(style.cursor, width=2))
        self.cursor.setHoverPen(pg.mkPen(style.cursor, width=4))
        for n, _key, curve in self._curves:
            curve.setPen(pg.mkPen(style.colour(n), width=2))
        for span in self.spans:
            self._style_span(span)
        self._draw_reference()
        self._draw_proposals()
        self._swatches({key: style.colour(n) for n, key, _c in self._curves})
        self._fit_list()
        self._fit()
        self._fit_legend()

    def _style_span(self, span: Any) -> None:
        span.setBrush(pg.mkBrush(self.style_.span_fill))
        for line in span.lines:
            line.setPen(pg.mkPen(self.style_.span_edge, width=1))

    def _fit_list(self) -> None:
        """The signal list as wide as its longest name, up to 38 % of the widget (longer
        names are elided; the tooltip has them whole)."""
        metrics = QFontMetricsF(self.choices.font())
        style = self.choices.style()
        longest = max(metrics.horizontalAdvance(d.label) for d in self.defs.values())
        wanted = int(longest + metrics.height() * 1.4  # the swatch
                     + style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth)
                     + style.pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent) + 28)
        self.choices.setFixedWidth(max(120, min(wanted, int(self.width() * 0.38))))
        for i in range(1, self.side.count()):
            item = self.side.itemAt(i)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setMaximumWidth(self.choices.width())

    def _fit_legend(self) -> None:
        """Put the legend where it leaves the curves the most room, never over them: in a
        strip under the time axis (as many columns as fit the width) or in columns right
        of the curves (as many rows as fit the height)."""
        items = self.legend.items
        if not items:
            self._place_legend("")
            return
        metrics = QFontMetricsF(self.style_.font)
        widest = max(metrics.horizontalAdvance(label.text) for _s, label in items)
        # sample, spacing, text with its 4 px margins, spacing before the next column
        entry_w = 20 + LEGEND_SPACING + widest + 8 + LEGEND_SPACING
        entry_h = max(20.0, metrics.height() + 8)
        frame_w, frame_h = 2 * LEGEND_MARGIN[0] + 2, 2 * LEGEND_MARGIN[1] + 2
        axis = self.plot.getAxis("left")
        left = max(axis.width(), axis.minimumWidth()) or 3 * metrics.height()
        axis = self.plot.getAxis("bottom")
        bottom = max(axis.height(), axis.minimumHeight()) or 2.5 * metrics.height()
        width = max(1.0, self.plot.width() - left - 12)  # the plot's margins
        height = max(1.0, self.plot.height() - bottom - 8)
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
            self._place_legend("")
            return
        place, columns = ("right", right_cols) if right_room > below_room \
            else ("below", below_cols)
        if columns != self.legend.columnCount:
            self.legend.setColumnCount(columns)
        self._place_legend(place)

    def _place_legend(self, place: str) -> None:
        """Legend "below" the time axis, "right" of the curves, or "" (none)."""
        layout = self.plot.plotItem.layout
        if place != self.legend_place:
            if self.legend_place:  # a hidden item keeps its room in a graphics layout
                layout.removeItem(self.legend)
            if place:
                layout.addItem(self.legend, *((2, 3) if place == "right" else (4, 1)))
                layout.setAlignment(self.legend, Qt.AlignmentFlag.AlignTop
                                    | Qt.AlignmentFlag.AlignLeft)
            self.legend_place = place
        self.legend.setVisible(bool(place))
        self.legend.updateGeometry()

    def _swatches(self, colours: dict[str, QColor]) -> None:
        """A line in its curve's colour by each plotted signal in the list (the legend
        when the plot has no room for one)."""
        line = QFontMetricsF(self.choices.font()).height()
        size = QSize(max(12, int(line * 1.4)), max(8, int(line * 0.8)))
        self.choices.setIconSize(size)
        self.choices.blockSignals(True)  # an icon is not a change of choice
        try:
            for i in range(self.choices.count()):
                item = self.choices.item(i)
                picture = QPixmap(size)
                picture.fill(Qt.GlobalColor.transparent)
                colour = colours.get(item.data(Qt.ItemDataRole.UserRole))
                if colour is not None:
                    painter = QPainter(picture)
                    painter.setPen(QPen(colour, max(2.0, line / 6)))
                    painter.drawLine(1, size.height() // 2, size.width() - 2,
                                     size.height() // 2)
                    painter.end()
                item.setIcon(QIcon(picture))
        finally:
            self.choices.blockSignals(False)
        self.choices.viewport().update()

    def _fit(self) -> None:
        """The left axis title that fits the plot's height (never a clipped one), and room
        above "max" and below "min" for the half of their text past the tick."""
        axis = self.plot.getAxis("left")
        fit_axis_title(axis, self._titles, axis.height(), self.style_.font)
        line = QFontMetricsF(self.style_.font).height()
        if self._scaled:  # "min" and "max" when they do not run into each other
            roomy = axis.height() >= 2.5 * line
            axis.setTicks([[(0.0, "min"), (1.0, "max")] if roomy else [(0.0, ""), (1.0, "")]])
            half = line / 2 + 2
            height = self.plot.plotItem.vb.height()
            pad = min(1.0, half / max(1.0, height - 2 * half)) if height > 0 else 0.06
            self.plot.setYRange(-pad, 1.0 + pad, padding=0)
        self._place_labels()

    def _place_labels(self) -> None:
        """The names of proposals (top) and reference bands (bottom) where they fit."""
        self._place_proposal_labels()
        self.bands.place_labels(self.style_.font)

    # -- data ------------------------------------------------------------------------
    def set_data(self, signals: dict[str, NDArray[Any]], segments: list[Segment],
                 frame_count: int) -> None:
        """Show these signals and segment spans for a video of ``frame_count`` frames
        (until someone chooses signals, those checked follow what the video has)."""
        self.signals = signals
        if not self._chosen and signals:
            set_checked(self.choices, default_signals(signals))
        self.frame_count = max(1, frame_count)
        self._segments = list(segments)
        self._draw()
        self.plot.setXRange(0, self.frame_count - 1, padding=0.01)

    def set_segments(self, segments: list[Segment]) -> None:
        """Show these segments: our own as shaded spans, those of reference tiers (see
        :meth:`set_tiers`) as labelled bands (replacing the ones shown)."""
        for span in self.spans:
            self.plot.removeItem(span)
            span.deleteLater()
        self.spans = []
        self._segments = list(segments)
        reference = {t.id for t in self._tiers if t.read_only}
        self.reference_tiers = reference_tiers(self._tiers, [
            s for s in segments if s.tier_id in reference])
        self._fill_reference_choice()
        self._draw_reference()
        for s in segments:
            if s.tier_id in reference:
                continue
            span = pg.LinearRegionItem(values=(s.start_frame, s.end_frame + 1), movable=False)
            self._style_span(span)
            span.setToolTip(s.value)
            span.setZValue(-10)
            self.plot.addItem(span)
            self.spans.append(span)

    def set_tiers(self, tiers: list[Tier]) -> None:
        """The project's tiers: the segments of its read-only (reference) ones are drawn as
        labelled bands.  Takes effect with the segments shown now (nothing is redrawn when
        the tiers are the same)."""
        if list(tiers) == self._tiers:
            return
        self._tiers = list(tiers)
        self.set_segments(self._segments)

    def _fill_reference_choice(self) -> None:
        """The reference choice's entries for the tiers this video has (the choice kept
        when it is still there; hidden when there is none)."""
        box = self.reference
        keep = box.currentData()
        entries = [("Reference: facial grammar", SHOW_GRAMMAR),
                   ("Reference: all tiers", SHOW_ALL), ("Reference: none", SHOW_NONE)]
        entries += [(f"Reference: {t.name}", str(t.tier_id)) for t in self.reference_tiers]
        if [box.itemData(i) for i in range(box.count())] != [v for _t, v in entries]:
            box.blockSignals(True)
            try:
                box.clear()
                for text, value in entries:
                    box.addItem(text, value)
                    tips = [t for t in self.reference_tiers if str(t.tier_id) == value]
                    if tips:
                        box.setItemData(box.count() - 1,
                                        f"{tips[0].group or 'Reference'} · {tips[0].name}",
                                        Qt.ItemDataRole.ToolTipRole)
                found = box.findData(keep)
                box.setCurrentIndex(found if found >= 0 else 0)
            finally:
                box.blockSignals(False)
        box.setVisible(bool(self.reference_tiers))

    def _draw_reference(self) -> None:
        """Draw the bands of the reference tiers chosen."""
        choice = self.reference.currentData() or SHOW_GRAMMAR
        self.bands.show(chosen_tiers(self.reference_tiers, str(choice)), self.style_)

    def add_side(self, widget: QWidget) -> None:
        """Put ``widget`` under the list of signals (as wide as the list)."""
        self.side.addWidget(widget)
        widget.setMaximumWidth(self.choices.width())

    def set_proposals(self, proposals: list[ProposedSpan]) -> None:
        """Show these proposed spans (replacing the ones shown)."""
        self._proposals = list(proposals)
        self._draw_proposals()

    def proposal_pen(self, span: ProposedSpan) -> QPen:
        """A proposal's edges: dashed in the text colour, the selected one thicker."""
        pen = pg.mkPen(self.style_.text, width=3 if span.selected else 1.5,
                       style=Qt.PenStyle.DashLine)
        pen.setDashPattern([3.0, 2.0])
        return cast(QPen, pen)

    def _draw_proposals(self) -> None:
        for _span, region, label in self.proposal_items:
            self.plot.removeItem(region)
            self.plot.removeItem(label)
            region.deleteLater()  # by the event loop, not mid-restyle (see ReferenceBands)
            label.deleteLater()
        self.proposal_items = []
        style = self.style_
        hatch = QColor(style.text)
        hatch.setAlpha(70)
        for span in self._proposals:
            region = pg.LinearRegionItem(values=(span.start_frame, span.end_frame + 1),
                                         movable=False,
                                         brush=QBrush(hatch, Qt.BrushStyle.BDiagPattern))
            region.setZValue(-5 if not span.selected else -4)
            pen = self.proposal_pen(span)
            for line in region.lines:
                line.setPen(pen)
                line.setHoverPen(pg.mkPen(style.text, width=4))
            if span.selected:  # its edges drag, snapped to whole frames when let go
                for line in region.lines:
                    line.setMovable(True)
                region.sigRegionChangeFinished.connect(
                    lambda r, s=span: self._proposal_moved(s, r))
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
            self.proposal_items.append((span, region, label))
        self._place_proposal_labels()

    def _place_proposal_labels(self) -> None:
        """Each proposal's name at the top of the plot, right of its start; a name that
        would run into another's goes one line lower."""
        vb = self.plot.plotItem.vb
        height = vb.height()
        if not self.proposal_items or height <= 0:
            return
        (x0, x1), (y0, y1) = vb.viewRange()
        per_frame = vb.width() / max(1e-9, x1 - x0)
        per_pixel = (y1 - y0) / height
        metrics = QFontMetricsF(self.style_.font)
        line = metrics.height() + 4
        lanes: list[float] = []  # where each line of names is free from (pixels)
        for span, _region, label in sorted(self.proposal_items, key=lambda t: t[0].start_frame):
            left = (span.start_frame - x0) * per_frame
            width = metrics.horizontalAdvance(label.toPlainText()) * 1.15 + 8  # bold, margins
            lane = next((i for i, free in enumerate(lanes) if left >= free), len(lanes))
            if lane == len(lanes):
                lanes.append(0.0)
            lanes[lane] = left + width
            label.setPos(span.start_frame, y1 - (lane * line + 2) * per_pixel)

    def _proposal_moved(self, span: ProposedSpan, region: Any) -> None:
        lo, hi = region.getRegion()
        last = self.frame_count - 1
        start = min(max(round(lo), 0), last)
        end = min(max(round(hi) - 1, start), last)
        if (start, end) != (span.start_frame, span.end_frame) and self.on_proposal_edit:
            self.on_proposal_edit(replace(span, start_frame=start, end_frame=end))

    def checked(self) -> list[str]:
        """The keys (snake_case data names) of the signals chosen."""
        return checked_keys(self.choices)

    def _on_choice(self, _item: Any) -> None:
        self._chosen = True
        self._draw()

    def _draw(self) -> None:
        style = self.style_
        self.plot.clear()
        for span in self.spans:  # cleared with the plot: deleted by the event loop
            span.deleteLater()
        self.spans = []
        self.bands.forget()
        self.set_segments(self._segments)
        self.legend.clear()
        frames = np.arange(self.frame_count)
        shown = [(n, key, self.signals[key]) for n, key in enumerate(self.checked())
                 if key in self.signals and not np.isnan(self.signals[key]).all()]
        single = len(shown) == 1
        self._scaled = not single
        self._curves = []
        for n, key, values in shown:
            if single:  # one signal: its own values, in its own unit
                y = values
            else:
                lo, hi = np.nanmin(values), np.nanmax(values)
                y = (values - lo) / (hi - lo) if hi > lo else values * 0 + 0.5
            curve = self.plot.plot(frames[:len(y)], y, connect="finite",
                                   pen=pg.mkPen(style.colour(n), width=2))
            self.legend.addItem(curve, self.defs[key].label)
            self._curves.append((n, key, curve))
        style_legend(self.legend, style)
        self._swatches({key: style.colour(n) for n, key, _v in shown})
        left = self.plot.getAxis("left")
        if single:
            d = self.defs[shown[0][1]]
            left.setTicks(None)  # its own values
            self.plot.enableAutoRange(y=True)
            self._titles = (f"{d.label} ({display_unit(d.unit)})", d.label)
        else:
            self._titles = ("Each signal scaled to its range", "Scaled to range", "Scaled")
        self._fit()
        self._fit_legend()
        self.plot.addItem(self.cursor)
        self.cursor.setValue(self.playhead.current)
        for _span, region, label in self.proposal_items:  # cleared with the plot
            region.deleteLater()
            label.deleteLater()
        self.proposal_items = []
        self._draw_proposals()

    # -- seeking ---------------------------------------------------------------------
    def _on_cursor(self) -> None:
        frame = round(self.cursor.value())
        if frame != self.playhead.current:
            self.playhead.seek(frame)

    def _on_click(self, event: Any) -> None:  # a pyqtgraph MouseClickEvent
        vb = self.plot.plotItem.vb
        if vb.sceneBoundingRect().contains(event.scenePos()):
            x = vb.mapSceneToView(event.scenePos()).x()
            self.playhead.seek(round(min(max(x, 0), self.frame_count - 1)))

    def _on_playhead(self, event: PlayheadEvent) -> None:
        if event in (PlayheadEvent.FRAME, PlayheadEvent.MEDIA):
            self.cursor.blockSignals(True)
            self.cursor.setValue(self.playhead.current)
            self.cursor.blockSignals(False)


def display_unit(unit: str) -> str:
    """A unit as shown to people ("(deg/s)^2" as "(deg/s)²")."""
    return unit.replace("^2", "²")


def signal_tooltip(d: SignalDef) -> str:
    """A signal's formula and unit, and its name in data and CSV files."""
    return (f"{d.label}: {d.formula}\nUnit: {display_unit(d.unit)}\n"
            f"In CSV files (emosign signals): {d.name}")
