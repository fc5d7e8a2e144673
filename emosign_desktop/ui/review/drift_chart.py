"""Agreement over time: one annotator's sentiment bias, sentiment alpha and emotion-presence
agreement over the videos they labelled, in the order they labelled them (a rolling window of
the last n), against the gold videos' reference and against the other annotators
(``services.gold.drift_report``).

Three small plots side by side (the dock is wide and low), their time axes linked; the two
comparisons differ in line style and marker as well as colour (gold: solid line, filled
circles; the others: dashed line, hollow triangles), named in a legend above the plots.
Pointing at a plot names the video and its figures under it; a click (or Enter in the
table) opens the video.  "Table" shows the same figures as a table.  Where there is
nothing to compare (no gold, no other annotator) the panel says so in words.  Computed when
shown, and again after labels or gold change while it is visible.  Text and colours follow
the application font and palette live (see ``plots.signal_plot``)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QEvent, QObject, QPointF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QFontMetricsF, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from emosign_desktop.analysis.drift import DEFAULT_WINDOW
from emosign_desktop.core.changes import Changes
from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui.plots.signal_plot import (
    RESTYLE_EVENTS,
    PlotStyle,
    fit_axis_title,
    style_plot,
)
from emosign_desktop.ui.refreshing import RefreshWhenShown

if TYPE_CHECKING:
    from emosign_desktop.services.gold import DriftReport, DriftSeries

#: Markers are drawn on each video up to this many videos (beyond, the line styles tell).
MAX_MARKERS = 120
#: The two comparisons: key in the report, legend text, pen style, marker, marker filled.
AGAINST = (("gold", "against gold", Qt.PenStyle.SolidLine, "o", True),
           ("others", "against the other annotators", Qt.PenStyle.DashLine, "t", False))


def _buddy(text: str, widget: QWidget) -> QLabel:
    """A label whose mnemonic (Alt+letter) gives ``widget`` the keyboard focus."""
    label = QLabel(text)
    label.setBuddy(widget)
    return label


@dataclass(frozen=True)
class Figure:
    """One of the three plots: the report's key, its titles (longest first), its name in
    a sentence, how a value is written."""

    key: str
    titles: tuple[str, ...]
    short: str
    fmt: str


FIGURES = (
    Figure("sentiment_bias", ("Sentiment bias (above 0: more positive)", "Sentiment bias",
                              "Bias"), "bias", "{:+.2f}"),
    Figure("sentiment_alpha", ("Sentiment alpha (1: full agreement)", "Sentiment alpha",
                               "Alpha"), "alpha", "{:.2f}"),
    Figure("emotion_agreement", ("Emotions present: agreement (%)", "Emotion agreement (%)",
                                 "Emotions (%)", "%"), "emotions", "{:.0f} %"),
)
X_TITLES = ("n-th video they labelled", "n-th video", "")


def _values(points: list[dict[str, object]], key: str) -> NDArray[Any]:
    return np.array([np.nan if p.get(key) is None else float(p[key])  # type: ignore[arg-type]
                     for p in points], dtype=np.float64)


def _compared(points: list[dict[str, object]]) -> bool:
    return any(int(p.get("compared") or 0) > 0 for p in points)  # type: ignore[call-overload]


class DriftChart(RefreshWhenShown):
    """One annotator's agreement over time, with gold and with the others."""

    video_chosen = Signal(str)
    _ready = False  # until built: restyling waits for the widgets

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        import pyqtgraph as pg  # lazy: only when the panel is opened

        self._pg = pg
        self.style_ = PlotStyle.current()
        self.annotator = QComboBox()
        self.annotator.setAccessibleName("Annotator to follow over time")
        self.annotator.setToolTip("Whose labels to follow, video by video, in the order they "
                                  "labelled them")
        self.annotator.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.window_size = QSpinBox()
        self.window_size.setRange(1, 500)
        self.window_size.setValue(DEFAULT_WINDOW)
        self.window_size.setKeyboardTracking(False)  # not on every digit typed
        self.window_size.setSuffix(" videos")
        self.window_size.setAccessibleName("Rolling window (videos)")
        self.window_size.setToolTip("Each point is computed over this many videos: the one at "
                                    "that place and those labelled just before it")
        self.as_table = QCheckBox("Table")
        self.as_table.setToolTip("Show the figures as a table (one row per video)")
        self.summary = QLabel()
        self.summary.setAccessibleName("Agreement over time: summary")
        self.summary.setWordWrap(True)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        # -- the legend (Qt labels: read by screen readers, sized with the text) --------
        self.legend_icons: list[QLabel] = []
        self.legend_texts: list[QLabel] = []
        legend = QHBoxLayout()
        legend.setContentsMargins(0, 0, 0, 0)
        for _key, text, *_rest in AGAINST:
            icon, label = QLabel(), QLabel(text)
            icon.setAccessibleName(f"line style: {text}")
            self.legend_icons.append(icon)
            self.legend_texts.append(label)
            legend.addWidget(icon)
            legend.addWidget(label)
            legend.addSpacing(16)
        self.zero_note = QLabel("dotted: 0 (no bias)")
        legend.addWidget(self.zero_note)
        legend.addStretch(1)

        # -- the plots ------------------------------------------------------------------
        self.plots: dict[str, Any] = {}
        self.curves: dict[tuple[str, str], Any] = {}
        self.pointers: dict[str, Any] = {}
        plots = QHBoxLayout()
        plots.setContentsMargins(0, 0, 0, 0)
        plots.setSpacing(4)
        first = None
        for figure in FIGURES:
            plot = pg.PlotWidget()
            plot.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Tab: the table (no ring)
            plot.setAccessibleName(figure.titles[1] + " over the videos labelled")
            plot.setMouseEnabled(x=False, y=False)
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.showGrid(x=True, y=True, alpha=0.25)
            plot.getAxis("left").enableAutoSIPrefix(False)
            plot.getAxis("bottom").enableAutoSIPrefix(False)
            plot.setMinimumSize(160, 120)
            for key, _text, *_rest in AGAINST:
                self.curves[(figure.key, key)] = plot.plot([], [], connect="finite")
            pointer = pg.InfiniteLine(angle=90, movable=False)
            pointer.setVisible(False)
            plot.addItem(pointer, ignoreBounds=True)
            self.pointers[figure.key] = pointer
            plot.scene().sigMouseMoved.connect(
                lambda pos, p=plot: self._on_hover(p, pos))
            plot.scene().sigMouseClicked.connect(
                lambda event, p=plot: self._on_click(p, event))
            plot.plotItem.vb.sigResized.connect(lambda _vb: self._fit())
            plot.installEventFilter(self)  # resized: the titles that fit
            if first is None:
                first = plot
            else:
                plot.setXLink(first)
            self.plots[figure.key] = plot
            plots.addWidget(plot, 1)
        self.zero = pg.InfiniteLine(pos=0.0, angle=0, movable=False)
        self.plots["sentiment_bias"].addItem(self.zero, ignoreBounds=True)
        self.readout = QLabel()
        self.readout.setAccessibleName("The video pointed at")
        self.readout.setWordWrap(True)
        self.readout.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        chart = QWidget()
        chart_layout = QVBoxLayout(chart)
        chart_layout.setContentsMargins(0, 0, 0, 0)
        chart_layout.addLayout(legend)
        chart_layout.addLayout(plots, 1)
        self.chart = chart
        # low docks and large text: the chart scrolls rather than squash its plots
        self.chart_scroll = QScrollArea()
        self.chart_scroll.setWidgetResizable(True)
        self.chart_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.chart_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the focus: its controls
        self.chart_scroll.setWidget(chart)

        # -- the table and the words for an empty chart -----------------------------------
        self.table = QTableWidget(0, 0)
        self.table.setAccessibleName("Agreement over time, one row per video labelled "
                                     "(Enter opens the video)")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.itemActivated.connect(self._on_row)
        self.table.itemDoubleClicked.connect(self._on_row)
        self.empty = QLabel()
        self.empty.setAccessibleName("Agreement over time")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.empty.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stack = QStackedWidget()
        for page in (self.chart_scroll, self.table, self.empty):
            self.stack.addWidget(page)

        top = QHBoxLayout()
        top.addWidget(_buddy("Annotator:", self.annotator))
        top.addWidget(self.annotator)
        top.addWidget(_buddy("Window:", self.window_size))
        top.addWidget(self.window_size)
        top.addWidget(self.as_table)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.stack, 1)
        # outside the scrolled chart: in view whatever part of the plots is
        layout.addWidget(self.readout)

        self.report: DriftReport | None = None
        self.series: DriftSeries | None = None
        self.message = ""  # why nothing is plotted ("" when something is)
        self.gold_names: set[str] = set()
        self.pointed: int | None = None  # the video pointed at (0-based)
        self._data: dict[tuple[str, str], tuple[NDArray[Any], NDArray[Any]]] = {
            (f.key, key): (np.array([]), np.array([])) for f in FIGURES for key, *_r in AGAINST}
        self._stale = True
        self.annotator.currentIndexChanged.connect(lambda _i: self._show_series())
        self.window_size.valueChanged.connect(lambda _v: self.refresh())
        self.as_table.toggled.connect(lambda _on: self._show_page())
        workspace.on_changes(self._on_changes)
        self._ready = True
        self.restyle()

    # -- appearance ----------------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if self._ready and event.type() in RESTYLE_EVENTS:
            self.restyle()
        return handled

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._ready and event.type() == QEvent.Type.Resize:
            self._fit()
        return super().eventFilter(watched, event)

    def restyle(self) -> None:
        """Take the application's font and palette again: text, pens and the legend."""
        pg, style = self._pg, PlotStyle.current()
        self.style_ = style
        metrics = QFontMetricsF(style.font)
        for figure in FIGURES:
            style_plot(self.plots[figure.key], style)
            self.pointers[figure.key].setPen(pg.mkPen(style.cursor, width=2))
        self.zero.setPen(pg.mkPen(style.text, width=1.5, style=Qt.PenStyle.DotLine))
        for n, (_key, _text, line, symbol, filled) in enumerate(AGAINST):
            self.legend_icons[n].setPixmap(self._sample(n, line, symbol, filled))
        # the readout: a line at least (more as its text wraps, the chart scrolls then)
        self.readout.setMinimumHeight(int(metrics.lineSpacing() + 4))
        # the plots keep room for their title, five ticks and the time axis
        self.chart.setMinimumHeight(int(metrics.lineSpacing() * 11))
        for figure in FIGURES:
            plot = self.plots[figure.key]
            plot._title_fit = None  # set again in the new size
            plot.setMinimumWidth(int(metrics.averageCharWidth() * 16))
        self._draw()

    def _pens(self, n: int) -> dict[str, Any]:
        """Line and marker of the n-th comparison (see :data:`AGAINST`)."""
        pg, style = self._pg, self.style_
        _key, _text, line, symbol, filled = AGAINST[n]
        colour = style.colour(n)
        size = self._marker_size()
        return {"pen": pg.mkPen(colour, width=2, style=line), "symbol": symbol,
                "symbolSize": size, "symbolPen": pg.mkPen(colour, width=1.5),
                "symbolBrush": pg.mkBrush(colour if filled else style.background)}

    def _marker_size(self) -> float:
        return min(12.0, max(7.0, QFontMetricsF(self.style_.font).height() * 0.45))

    def _sample(self, n: int, line: Qt.PenStyle, symbol: str, filled: bool) -> QPixmap:
        """The legend's picture of the n-th comparison: its line with its marker."""
        style = self.style_
        height = QFontMetricsF(style.font).height()
        size = QSize(max(30, int(height * 3)), max(12, int(height)))
        picture = QPixmap(size)
        picture.fill(Qt.GlobalColor.transparent)
        painter = QPainter(picture)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = style.colour(n)
        painter.setPen(QPen(colour, 2, line))
        mid = size.height() / 2
        painter.drawLine(QPointF(1, mid), QPointF(size.width() - 1, mid))
        r = self._marker_size() / 2
        centre = QPointF(size.width() / 2, mid)
        painter.setPen(QPen(colour, 1.5))
        painter.setBrush(QBrush(colour if filled else style.background))
        if symbol == "o":
            painter.drawEllipse(centre, r, r)
        else:  # pyqtgraph's "t" points down
            path = QPainterPath()
            path.moveTo(centre + QPointF(-r, -r * 0.8))
            path.lineTo(centre + QPointF(r, -r * 0.8))
            path.lineTo(centre + QPointF(0, r))
            path.closeSubpath()
            painter.drawPath(path)
        painter.end()
        return picture

    def _fit(self) -> None:
        """The plot titles and time-axis titles that fit their room (never clipped)."""
        font, style = self.style_.font, self.style_
        for figure in FIGURES:
            plot = self.plots[figure.key]
            # the title sits over the curves: one wider than the view's room for them
            # would widen the plot past the view (and be cut)
            width = plot.width() - plot.getAxis("left").width() - 24
            if (width, style.css_size) != getattr(plot, "_title_fit", None):
                plot._title_fit = (width, style.css_size)
                for title in (*figure.titles, ""):  # measured as drawn, the longest first
                    plot.setTitle(title or None, color=style.text.name(), size=style.css_size)
                    if not title or plot.plotItem.titleLabel.item.boundingRect().width() \
                            <= width:
                        break
            axis = plot.getAxis("bottom")
            fit_axis_title(axis, X_TITLES, axis.width(), font)
        self._fit_markers()

    def _fit_markers(self) -> None:
        """Markers on each video while they stand apart (beyond, the line styles tell)."""
        n = self.series["videos"] if self.series is not None and not self.message else 0
        width = self.plots["sentiment_bias"].plotItem.vb.width()
        marks = 0 < n <= MAX_MARKERS and width / max(n, 1) >= 1.5 * self._marker_size()
        for (_figure, key), curve in self.curves.items():
            symbol = next(a[3] for a in AGAINST if a[0] == key) if marks else None
            if curve.opts["symbol"] != symbol:
                curve.setSymbol(symbol)

    # -- listening -----------------------------------------------------------------------
    def _on_changes(self, changes: Changes) -> None:
        # labels, annotators, and which videos are gold
        if changes.project or changes.gold or changes.annotations or changes.annotators:
            self.refresh_when_shown()


    # -- data ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Compute the report again (every annotator) and show the chosen one."""
        self._stale = False
        self.report = None
        self.gold_names = set()
        if self.workspace.has_project:
            queries = self.workspace.queries
            try:
                self.report = queries.drift(self.window_size.value())
                self.gold_names = set(queries.gold_videos())
            except EmoSignError as exc:  # a damaged gold setting: say so here
                self.message = f"Agreement over time cannot be shown: {exc}"
                self._fill_annotators([])
                self._show_series()
                self.empty.setText(self.message)
                return
        people = [s for s in self.report["annotators"] if s["videos"] > 0] \
            if self.report else []
        self._fill_annotators(people)
        self._show_series()

    def _fill_annotators(self, people: list[DriftSeries]) -> None:
        """The annotators who labelled something, keeping the one chosen."""
        chosen = self.annotator.currentData() or self.workspace.annotator
        self.annotator.blockSignals(True)
        try:
            self.annotator.clear()
            for s in people:
                n = s["videos"]
                self.annotator.addItem(f"{s['annotator']} ({n} video{'s' if n != 1 else ''})",
                                       s["annotator"])
            names = [s["annotator"] for s in people]
            self.annotator.setCurrentIndex(names.index(chosen) if chosen in names else 0)
        finally:
            self.annotator.blockSignals(False)

    def chosen(self) -> str | None:
        """The name of the annotator shown (None: none)."""
        data = self.annotator.currentData()
        return str(data) if data is not None else None

    def choose(self, name: str) -> None:
        """Show ``name``'s agreement over time (if they labelled something)."""
        i = self.annotator.findData(name)
        if i >= 0:
            self.annotator.setCurrentIndex(i)

    def _show_series(self) -> None:
        """Plot the chosen annotator's figures, or say why there is nothing to plot."""
        report, name = self.report, self.chosen()
        self.series = None
        self.pointed = None
        if report is not None and name is not None:
            self.series = next(s for s in report["annotators"] if s["annotator"] == name)
        self.message, note = self._words(report, self.series)
        self.summary.setText(note)
        self.empty.setText(self.message)
        self._draw()
        self._fill_table()
        self._show_page()

    def _words(self, report: DriftReport | None, series: DriftSeries | None
               ) -> tuple[str, str]:
        """(why nothing is plotted or "", the summary line)."""
        if not self.workspace.has_project:
            return "No project open.", ""
        if report is None:
            return self.message, ""
        gold = report["gold_videos"]
        gold_note = f"{gold} gold video{'s' if gold != 1 else ''} in the project"
        if series is None:
            return ("No one has labelled a video yet: there is nothing to follow over time.",
                    gold_note)
        name, n = series["annotator"], series["videos"]
        people = [s["annotator"] for s in report["annotators"] if s["videos"] > 0]
        with_gold, with_others = _compared(series["with_gold"]), _compared(
            series["with_others"])
        if not gold:
            why_gold = "no video is gold yet (mark some in the Gold videos tab)"
        else:
            why_gold = (f"none of the {gold} gold video{'s' if gold != 1 else ''} is among "
                        f"the videos {name} labelled with someone else's labels as its "
                        "reference")
        why_others = (f"{name} is the only annotator who has labelled videos"
                      if len(people) < 2 else f"no other annotator labelled the videos "
                      f"{name} labelled")
        summary = (f"{name} labelled {n} video{'s' if n != 1 else ''}; {gold_note}; each "
                   f"point covers the last {report['window']} videos they labelled.")
        if not with_gold and not with_others:
            return (f"Nothing to compare {name}'s labels with: {why_gold}, and "
                    f"{why_others}.", summary)
        if not with_gold:
            summary += f" Only the other annotators are compared: {why_gold}."
        elif not with_others:
            summary += f" Only gold is compared: {why_others}."
        return "", summary

    def data(self, figure: str, against: str) -> tuple[NDArray[Any], NDArray[Any]]:
        """The plotted (x, y) of a figure ("sentiment_bias", "sentiment_alpha",
        "emotion_agreement") against "gold" or "others" (NaN: nothing to compare)."""
        return self._data[(figure, against)]

    def _draw(self) -> None:
        series = self.series
        n = series["videos"] if series is not None and not self.message else 0
        x = np.arange(1, n + 1, dtype=np.float64)
        low: dict[str, float] = {}
        high: dict[str, float] = {}
        for c, (key, _text, *_rest) in enumerate(AGAINST):
            points = series[f"with_{key}"] if series is not None and n else []  # type: ignore[literal-required]
            pens = self._pens(c)
            for figure in FIGURES:
                y = _values(points, figure.key) if n else np.array([], dtype=np.float64)
                curve = self.curves[(figure.key, key)]
                self._data[(figure.key, key)] = (x, y)
                finite = y[np.isfinite(y)]
                # a curve with nothing to compare anywhere is left empty
                shown = (x, y) if finite.size else (x[:0], y[:0])
                curve.setData(*shown, connect="finite", **pens)
                if finite.size:
                    low[figure.key] = min(low.get(figure.key, math.inf), float(finite.min()))
                    high[figure.key] = max(high.get(figure.key, -math.inf),
                                           float(finite.max()))
        for pointer in self.pointers.values():
            pointer.setVisible(False)
        # fixed ranges where the figure has a natural one, so a change in scale means drift;
        # room past the ends for a marker on 1, 100 % or the largest bias
        bias = max(1.0, math.ceil(max(abs(low.get("sentiment_bias", 0.0)),
                                      abs(high.get("sentiment_bias", 0.0)))))
        step = 1.0 if bias <= 3 else 2.0
        self._range("sentiment_bias", -bias, bias, step)
        alpha_low = min(-0.5, math.floor(low.get("sentiment_alpha", 0.0) / 0.5) * 0.5)
        self._range("sentiment_alpha", alpha_low, 1.0, 0.5)
        emotions_low = min(60.0, math.floor(low.get("emotion_agreement", 100.0) / 20) * 20)
        self._range("emotion_agreement", emotions_low, 100.0, 20.0)
        self.plots["sentiment_bias"].setXRange(0.5, max(n, 1) + 0.5, padding=0.01)
        self.readout.setText("Point at a plot to see the video and its figures; click to "
                             "open the video." if n else "")
        self._fit()

    def _range(self, key: str, low: float, high: float, step: float) -> None:
        """The y range ``low``..``high`` with a tick every ``step`` (each end labelled)."""
        pad = 0.08 * (high - low)
        plot = self.plots[key]
        plot.setYRange(low - pad, high + pad, padding=0)
        n = round((high - low) / step)
        ticks = [low + i * step for i in range(n + 1)]
        fmt = "{:.0f}" if step >= 1 else "{:.1f}"
        plot.getAxis("left").setTicks([[(t, fmt.format(t).replace("-", "\u2212"))
                                        for t in ticks]])

    def _show_page(self) -> None:
        page = self.empty if self.message else (self.table if self.as_table.isChecked()
                                                else self.chart_scroll)
        self.as_table.setEnabled(not self.message)
        self.readout.setVisible(page is self.chart_scroll)
        self.stack.setCurrentWidget(page)

    # -- the table -----------------------------------------------------------------------
    def _fill_table(self) -> None:
        headers = ["#", "Video", "Gold"]
        for key, *_rest in AGAINST:
            who = "gold" if key == "gold" else "others"
            headers += [f"Bias ({who})", f"Alpha ({who})", f"Emotions ({who})",
                        "Gold in window" if key == "gold" else "Shared in window"]
        table = self.table
        table.clear()
        table.setColumnCount(len(headers))
        table.setHorizontalHeaderLabels(headers)
        series = self.series
        if series is None or self.message:
            table.setRowCount(0)
            return
        rows = list(zip(series["with_gold"], series["with_others"], strict=True))
        table.setRowCount(len(rows))
        for r, (gold, others) in enumerate(rows):
            name = str(gold["video"])
            cells = [str(gold["index"]), name, "gold" if name in self.gold_names else ""]
            for point in (gold, others):
                for figure in FIGURES:
                    value = point.get(figure.key)
                    cells.append("n/a" if value is None else figure.fmt.format(value))
                cells.append(str(point.get("compared", 0)))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, name)
                if c != 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

    def _on_row(self, item: QTableWidgetItem) -> None:
        self.video_chosen.emit(item.data(Qt.ItemDataRole.UserRole))

    # -- pointing ------------------------------------------------------------------------
    def _index_at(self, plot: Any, pos: QPointF) -> int | None:
        """The video (0-based) under ``pos`` in ``plot``'s scene, if any."""
        series = self.series
        vb = plot.plotItem.vb
        if series is None or self.message or not vb.sceneBoundingRect().contains(pos):
            return None
        x = vb.mapSceneToView(pos).x()
        i = round(x) - 1
        return i if 0 <= i < series["videos"] else None

    def _on_hover(self, plot: Any, pos: QPointF) -> None:
        i = self._index_at(plot, pos)
        if i is not None:
            self.point_at(i)

    def _on_click(self, plot: Any, event: Any) -> None:
        i = self._index_at(plot, event.scenePos())
        if i is not None and self.series is not None:
            self.video_chosen.emit(str(self.series["with_gold"][i]["video"]))

    def point_at(self, i: int) -> None:
        """Mark the ``i``-th video (0-based) in every plot and name it under them."""
        series = self.series
        if series is None or not 0 <= i < series["videos"]:
            return
        self.pointed = i
        for pointer in self.pointers.values():
            pointer.setValue(i + 1)
            pointer.setVisible(True)
        self.readout.setText(self.describe(i))

    def describe(self, i: int) -> str:
        """The ``i``-th video (0-based) and its figures, in words."""
        assert self.series is not None
        gold = self.series["with_gold"][i]
        others = self.series["with_others"][i]
        name = str(gold["video"])
        parts = [f"#{i + 1} {name}" + (" (gold)" if name in self.gold_names else "") + ":"]
        for key, point in (("gold", gold), ("others", others)):
            compared = int(point.get("compared") or 0)  # type: ignore[call-overload]
            if not compared:
                continue
            figures = ", ".join(
                f"{f.short} "
                + ("n/a" if point.get(f.key) is None else f.fmt.format(point.get(f.key)))
                for f in FIGURES)
            what = (f"against gold ({compared} in window)" if key == "gold"
                    else f"against the others ({compared} in window)")
            parts.append(f"{what}: {figures}")
        if len(parts) == 1:
            parts.append("nothing to compare in this window")
        return " ".join(parts[:1]) + " " + " · ".join(parts[1:])
