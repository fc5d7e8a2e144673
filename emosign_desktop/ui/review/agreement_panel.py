"""Agreement at a glance: alpha per label as bars, and the most disputed videos, each one
click (or Enter) from the player.  Computed when shown, and again after labels change while
it is visible (over a whole project it is not free).  Two more tabs: agreement over time
(``drift_chart``: an annotator's drift from gold and from the others) and the gold videos
(``gold_panel``), each computed when shown.

The bars lie across, one row per label named in words on the left, so no name overlaps
another at any text size; each value is written past the end of its bar on the plot's own
background.  Text follows the application font and palette live (see ``plots.signal_plot``)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFontMetricsF, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from emosign_desktop.core.changes import Changes
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui.plots.signal_plot import RESTYLE_EVENTS, PlotStyle, style_plot
from emosign_desktop.ui.review.drift_chart import DriftChart
from emosign_desktop.ui.review.gold_panel import GoldPanel

#: The alpha axis ends at 1 (full agreement); the view goes on to 1.3 for the value
#: written after a bar, and down to -0.25 or below the lowest alpha.
ALPHA_TOP = 1.3


def alpha_ticks(low: float) -> list[tuple[float, str]]:
    """Ticks every 0.2 from below ``low`` (and -0.2 at least) to 1."""
    first = min(-1, math.floor(low / 0.2))
    return [(round(0.2 * i, 1), f"{0.2 * i:.1f}") for i in range(first, 6)]

if TYPE_CHECKING:
    from emosign_desktop.services.agreement import AgreementReport



def _buddy(text: str, widget: QWidget) -> QLabel:
    """A label whose mnemonic (Alt+letter) gives ``widget`` the keyboard focus."""
    label = QLabel(text)
    label.setBuddy(widget)
    return label

class AgreementPanel(QWidget):
    """Computes agreement for the open project on demand and shows it: by label, over time
    (:attr:`over_time`) and the gold videos (:attr:`gold`), a tab each."""

    video_chosen = Signal(str)
    _ready = False  # until built: restyling waits for the widgets

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        import pyqtgraph as pg  # lazy: only when the panel is opened

        self._pg = pg
        self.level = QComboBox()
        self.level.addItems(["ordinal", "nominal", "interval"])
        self.level.setAccessibleName("Level of measurement")
        self.level.setToolTip("Krippendorff's alpha level of measurement")
        self.summary = QLabel()
        self.summary.setAccessibleName("Agreement summary")
        self.summary.setWordWrap(True)
        self.plot = pg.PlotWidget()
        self.plot.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Tab: the list (no ring)
        self.plot.setAccessibleName("Alpha per label (bar chart)")
        self.plot.setToolTip("Krippendorff's alpha per label: 1 is full agreement, 0 what "
                             "chance gives; the dashed line is the average.")
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.showGrid(x=True, alpha=0.35)
        # the alpha axis on top: in view with the first rows when the chart scrolls
        self.plot.showAxis("top")
        self.plot.hideAxis("bottom")
        self.plot.setLabel("top", "Krippendorff's alpha")
        self.plot.getAxis("top").setTicks([alpha_ticks(-0.2)])
        self.plot.getAxis("top").enableAutoSIPrefix(False)
        self.plot.getAxis("left").enableAutoSIPrefix(False)
        self.plot.plotItem.vb.invertY(True)  # the first label on top
        self.texts: list[Any] = []  # the values written by the bars
        # taller than the room for it: the chart scrolls rather than crowd its names
        self.chart = QScrollArea()
        self.chart.setWidgetResizable(True)
        self.chart.setFrameShape(QFrame.Shape.NoFrame)
        self.chart.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes on to the list
        self.chart.setWidget(self.plot)
        self.disputed = QListWidget()
        self.disputed.setAccessibleName("Most disputed videos (Enter or click to open)")
        self.disputed.itemActivated.connect(self._on_item)
        self.disputed.itemClicked.connect(self._on_item)
        top = QHBoxLayout()
        top.addWidget(_buddy("Level:", self.level))
        top.addWidget(self.level)
        top.addWidget(self.summary, 1)
        self.by_label = QWidget()
        page = QVBoxLayout(self.by_label)
        page.setContentsMargins(0, 0, 0, 0)
        page.addLayout(top)
        page.addWidget(self.chart, 3)
        page.addWidget(QLabel("Most disputed videos:"))
        page.addWidget(self.disputed, 2)
        self.over_time = DriftChart(workspace)
        self.over_time.video_chosen.connect(self.video_chosen)
        self.gold = GoldPanel(workspace)
        gold_page = QScrollArea()  # large text in a low dock: it scrolls, the dock stays
        gold_page.setWidgetResizable(True)
        gold_page.setFrameShape(QFrame.Shape.NoFrame)
        gold_page.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the focus goes to its controls
        gold_page.setWidget(self.gold)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)  # no Alt+letter: the window's are all taken
        self.tabs.addTab(self.by_label, "By label")
        self.tabs.addTab(self.over_time, "Over time")
        self.tabs.addTab(gold_page, "Gold videos")
        self.blind_note = QLabel()  # blind mode: what is held back, and why
        self.blind_note.setWordWrap(True)
        self.blind_note.setAccessibleName("Agreement: hidden in blind mode")
        self.blind_note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)  # the tabs are the frame
        layout.addWidget(self.blind_note)
        layout.addWidget(self.tabs)
        self.report: AgreementReport | None = None
        self._stale = False
        self.level.currentTextChanged.connect(lambda _t: self.refresh())
        self.tabs.currentChanged.connect(lambda _i: self._catch_up())
        workspace.on_changes(self._on_changes)
        workspace.on_annotator(lambda: self.refresh())  # e.g. they became a reviewer
        self.style_ = PlotStyle.current()
        self._ready = True
        self.restyle()

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if self._ready and event.type() in RESTYLE_EVENTS:
            self.restyle()
        return handled

    def restyle(self) -> None:
        """Take the application's font and palette again and redraw."""
        self.style_ = PlotStyle.current()
        style_plot(self.plot, self.style_)
        # in a low dock the chart and the list shrink to two lines each (they scroll), so
        # the window fits a 768-pixel screen at 200 % text with the tabs above them
        line = QFontMetricsF(self.style_.font).lineSpacing()
        for view in (self.chart, self.disputed):
            view.setMinimumHeight(int(2 * line + 8))
        self._draw()

    def _on_changes(self, changes: Changes) -> None:
        if changes.blind or changes.project:
            self._apply_blind_mode()  # the tabs show again, or hide (even while hidden)
        if (changes.project or changes.annotations or changes.segments_of or changes.tiers
                or changes.blind):  # (blind mode keeps agreement for reviewers)
            if self.by_label.isVisible():
                self.refresh()
            else:
                self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._catch_up()

    def _catch_up(self) -> None:
        """Compute again what changed while the bars were not in view."""
        if self._stale and self.by_label.isVisible():
            self.refresh()

    def _apply_blind_mode(self) -> bool:
        """Hide every tab in blind mode unless this person reviews; True when hidden."""
        seen = self.workspace.project_visibility()
        self.blind_note.setText(seen.why)
        self.blind_note.setVisible(not seen.consensus)
        self.tabs.setVisible(seen.consensus)
        return not seen.consensus

    def refresh(self) -> None:
        """Compute agreement again and redraw."""
        self._stale = False
        if self._apply_blind_mode():
            return
        self.disputed.clear()
        if not self.workspace.has_project:
            self.report = None
            self.summary.setText("No project open.")
            self._draw()
            return
        report = self.workspace.queries.agreement(self.level.currentText())
        self.report = report
        labels = report["labels"]
        names = list(labels)
        average = report["average"]
        people = report["annotators"]
        undefined = [self._name(n) for n in names if labels[n]["alpha"] is None]
        self.summary.setText(
            f"{len(people)} annotator{'' if len(people) == 1 else 's'} "
            f"({', '.join(people) or 'none'}); average alpha "
            + ("n/a" if average is None else f"{average:.3f} (dashed line)")
            + (f"; undefined (n/a) for {', '.join(undefined)}" if undefined else ""))
        for v in report["videos"]:
            item = QListWidgetItem(f"{v['name']} — disagreement {v['disagreement']:.2f} "
                                   f"({', '.join(v['labels']) or 'none'})")
            item.setData(Qt.ItemDataRole.UserRole, v["name"])
            self.disputed.addItem(item)
        self._draw()

    def _name(self, label: str) -> str:
        """A label in words ("surprise_pos" as "Surprise (positive)")."""
        if not self.workspace.has_project:
            return label
        return self.workspace.queries.schema.display_name(label)

    def _draw(self) -> None:
        """The bars of the report shown, in the current style."""
        pg, style = self._pg, self.style_
        self.plot.clear()
        self.texts = []
        report = self.report
        labels = report["labels"] if report is not None else {}
        names = list(labels)
        alphas = [labels[n]["alpha"] for n in names]
        rows = list(range(len(names)))
        metrics = QFontMetricsF(style.font)
        # one text line and a half per bar, plus the alpha axis and its title
        self.plot.setMinimumHeight(int(metrics.height() * (1.5 * max(len(names), 1) + 4)))
        defined = [(r, a) for r, a in zip(rows, alphas, strict=True) if a is not None]
        if defined:  # no bar for n/a: its text says so
            bars = pg.BarGraphItem(x0=[0.0] * len(defined), y=[r for r, _a in defined],
                                   height=0.7, width=[a for _r, a in defined],
                                   brush=pg.mkBrush(style.bar), pen=pg.mkPen(style.bar))
            self.plot.addItem(bars)
        self.plot.addLine(x=0.0, pen=pg.mkPen(style.text, width=1))  # where alpha is 0
        for row, a in zip(rows, alphas, strict=True):
            # on the plot's own background, whatever grid or average line lies under it
            text = pg.TextItem("n/a" if a is None else f"{a:.2f}", color=style.text,
                               fill=pg.mkBrush(style.background), anchor=(0.0, 0.5))
            text.setFont(style.font)
            text.setPos(max(a or 0.0, 0.0) + 0.02, row)
            self.plot.addItem(text)
            self.texts.append(text)
        self.plot.getAxis("left").setTicks([[(r, self._name(n)) for r, n in zip(
            rows, names, strict=True)]])
        average = report["average"] if report is not None else None
        if average is not None:
            self.plot.addLine(x=average, pen=pg.mkPen(style.cursor, width=2,
                                                      style=Qt.PenStyle.DashLine))
        low = min([a for a in alphas if a is not None] + [-0.2])
        self.plot.getAxis("top").setTicks([alpha_ticks(low)])
        self.plot.setXRange(min(-0.25, low - 0.05), ALPHA_TOP, padding=0)
        self.plot.setYRange(-0.6, max(len(names), 1) - 0.4, padding=0)

    def _on_item(self, item: QListWidgetItem) -> None:
        self.video_chosen.emit(item.data(Qt.ItemDataRole.UserRole))
