"""Cue signals plotted on the video's frame axis: a cursor that follows the playhead (drag it,
or click the plot, to seek), signals to choose, zoom and pan in time, the segments of the
tiers as shaded spans, the spans of read-only reference tiers (SignStream's facial grammar
coding: ``plots.reference_bands``) as labelled bands named at the bottom, with a choice of
which tiers to show, and proposed cue spans (``ui.proposed_span``) outlined with dashed
edges over a hatch, named at the top (the selected one's edges drag: ``plots.plot_spans``).
The signals are listed under headings, the face blendshape signals first
(``plots.signal_choices``).

Readable at any text size and in high contrast: the plots take their text size from the
application font and their colours from the application palette, and follow both live
(``plots.plot_style``); the legend sits on an opaque box under the time axis or right of
the curves, never over them (``plots.plot_legend``).  The names other modules use are
importable from here too."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFontMetricsF, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QListWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from emosign_desktop.core.model import Segment, Tier
from emosign_desktop.landmarks.signals import SignalDef, signal_defs
from emosign_desktop.media.playhead import Playhead, PlayheadEvent
from emosign_desktop.ui.appearance import appearance_changed, applying
from emosign_desktop.ui.plots.plot_legend import LEGEND_MARGIN as LEGEND_MARGIN
from emosign_desktop.ui.plots.plot_legend import LEGEND_SPACING as LEGEND_SPACING
from emosign_desktop.ui.plots.plot_legend import fit_legend
from emosign_desktop.ui.plots.plot_legend import make_legend as make_legend
from emosign_desktop.ui.plots.plot_legend import style_legend as style_legend
from emosign_desktop.ui.plots.plot_spans import (
    ProposalSpans,
    proposal_pen,
    segment_span,
    style_segment_span,
)
from emosign_desktop.ui.plots.plot_style import DARK_SERIES as DARK_SERIES
from emosign_desktop.ui.plots.plot_style import LIGHT_SERIES as LIGHT_SERIES
from emosign_desktop.ui.plots.plot_style import RESTYLE_EVENTS as RESTYLE_EVENTS
from emosign_desktop.ui.plots.plot_style import TEXT_CONTRAST as TEXT_CONTRAST
from emosign_desktop.ui.plots.plot_style import PlotStyle as PlotStyle
from emosign_desktop.ui.plots.plot_style import contrast_ratio as contrast_ratio
from emosign_desktop.ui.plots.plot_style import fit_axis_title as fit_axis_title
from emosign_desktop.ui.plots.plot_style import relative_luminance as relative_luminance
from emosign_desktop.ui.plots.plot_style import style_plot as style_plot
from emosign_desktop.ui.plots.reference_bands import (
    SHOW_GRAMMAR,
    ReferenceBands,
    ReferenceTier,
    chosen_tiers,
    fill_reference_choice,
    reference_tiers,
)
from emosign_desktop.ui.plots.retired import retire
from emosign_desktop.ui.plots.signal_choices import (
    POINTS_DEFAULTS,
    check_evidence,
    checked_keys,
    default_signals,
    fill_choices,
    set_checked,
    show_swatches,
    signal_groups,
)
from emosign_desktop.ui.plots.signal_choices import display_unit as display_unit
from emosign_desktop.ui.plots.signal_choices import signal_tooltip as signal_tooltip
from emosign_desktop.ui.proposed_span import ProposedSpan

#: Checked at first (until a video's signals say which defaults fit: ``signal_choices``).
DEFAULT_SIGNALS = POINTS_DEFAULTS


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
        self.plot.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Tab: the controls (no ring)
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
        self.proposal_spans = ProposalSpans(self.plot, self._proposal_moved)
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
        appearance_changed().connect(self._on_appearance)
        self._ready = True
        self.restyle()
        self._draw()

    # -- appearance ------------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if self._ready and event.type() in RESTYLE_EVENTS and not applying():
            self.restyle()  # (a new text size or contrast: once Qt is done, below)
        return handled

    def _on_appearance(self) -> None:
        """The text size or the contrast changed and Qt has restyled every widget: now the
        bands and spans may be drawn again (not while Qt walks the widgets: deleting a
        graphics item there crashes)."""
        if self._ready:
            self.restyle()

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
            style_segment_span(span, style)
        self._draw_reference()
        self._draw_proposals()
        show_swatches(self.choices, {key: style.colour(n) for n, key, _c in self._curves})
        self._fit_list()
        self._fit()
        self._fit_legend()

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
        """Put the legend where it leaves the curves the most room, never over them
        (``plot_legend.fit_legend``)."""
        self.legend_place = fit_legend(self.plot, self.legend, self.style_.font,
                                       self.legend_place)

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
        self.proposal_spans.place_labels(self.style_.font)
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
            retire(span)
        self.spans = []
        self._segments = list(segments)
        reference = {t.id for t in self._tiers if t.read_only}
        self.reference_tiers = reference_tiers(self._tiers, [
            s for s in segments if s.tier_id in reference])
        fill_reference_choice(self.reference, self.reference_tiers)
        self._draw_reference()
        for s in segments:
            if s.tier_id in reference:
                continue
            span = segment_span(s, self.style_)
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

    def _draw_reference(self) -> None:
        """Draw the bands of the reference tiers chosen."""
        choice = self.reference.currentData() or SHOW_GRAMMAR
        self.bands.show(chosen_tiers(self.reference_tiers, str(choice)), self.style_)

    def add_side(self, widget: QWidget) -> None:
        """Put ``widget`` under the list of signals (as wide as the list)."""
        self.side.addWidget(widget)
        widget.setMaximumWidth(self.choices.width())

    def set_proposals(self, proposals: list[ProposedSpan]) -> None:
        """Show these proposed spans (replacing the ones shown).  The signals the selected
        one's detector proposed from are plotted with those checked (its evidence)."""
        self._proposals = list(proposals)
        selected = [p.key[0] for p in self._proposals if p.selected]
        if check_evidence(self.choices, selected):
            self._draw()  # (draws the proposals too)
        else:
            self._draw_proposals()

    @property
    def proposal_items(self) -> list[tuple[ProposedSpan, Any, Any]]:
        """Proposed spans shown, each a (span, pyqtgraph region, label) triple."""
        return self.proposal_spans.items

    def proposal_pen(self, span: ProposedSpan) -> QPen:
        """A proposal's edges: dashed in the text colour, the selected one thicker."""
        return proposal_pen(span, self.style_)

    def _draw_proposals(self) -> None:
        self.proposal_spans.show(self._proposals, self.style_)

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
            retire(span)
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
        show_swatches(self.choices, {key: style.colour(n) for n, key, _v in shown})
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
        self.proposal_spans.forget()  # cleared with the plot
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
