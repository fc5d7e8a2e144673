"""Agreement at a glance: alpha per label as bars, and the most disputed videos, each one
click (or Enter) from the player.  Computed when shown, and again after labels change while
it is visible (over a whole project it is not free)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from emosign_desktop.core.changes import Changes
from emosign_desktop.services.workspace import Workspace

if TYPE_CHECKING:
    from emosign_desktop.services.agreement import AgreementReport


class AgreementPanel(QWidget):
    """Computes agreement for the open project on demand and shows it."""

    video_chosen = Signal(str)

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
        self.plot.setAccessibleName("Alpha per label (bar chart)")
        self.plot.setBackground("w")
        self.plot.setYRange(-0.2, 1.0)
        self.plot.showGrid(y=True, alpha=0.3)
        self.plot.setLabel("left", "Krippendorff's alpha")
        self.disputed = QListWidget()
        self.disputed.setAccessibleName("Most disputed videos (Enter or click to open)")
        self.disputed.itemActivated.connect(self._on_item)
        self.disputed.itemClicked.connect(self._on_item)
        top = QHBoxLayout()
        top.addWidget(QLabel("Level:"))
        top.addWidget(self.level)
        top.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.plot, 3)
        layout.addWidget(QLabel("Most disputed videos:"))
        layout.addWidget(self.disputed, 2)
        self.report: AgreementReport | None = None
        self._stale = False
        self.level.currentTextChanged.connect(lambda _t: self.refresh())
        workspace.on_changes(self._on_changes)

    def _on_changes(self, changes: Changes) -> None:
        if changes.project or changes.annotations or changes.segments_of or changes.tiers:
            if self.isVisible():
                self.refresh()
            else:
                self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Compute agreement again and redraw."""
        self._stale = False
        self.plot.clear()
        self.disputed.clear()
        if not self.workspace.has_project:
            self.summary.setText("No project open.")
            return
        report = self.workspace.queries.agreement(self.level.currentText())
        self.report = report
        labels = report["labels"]
        names = list(labels)
        heights = [labels[n]["alpha"] or 0.0 for n in names]
        pg = self._pg
        bars = pg.BarGraphItem(x=list(range(len(names))), height=heights, width=0.7,
                               brush=pg.mkBrush(70, 120, 200))
        self.plot.addItem(bars)
        for i, n in enumerate(names):
            a = labels[n]["alpha"]
            text = pg.TextItem("n/a" if a is None else f"{a:.2f}", color=(20, 20, 20),
                               anchor=(0.5, 1.0))
            text.setPos(i, max(heights[i], 0.0) + 0.05)
            self.plot.addItem(text)
        axis = self.plot.getAxis("bottom")
        axis.setTicks([list(enumerate(names))])
        average = report["average"]
        if average is not None:
            self.plot.addLine(y=average, pen=pg.mkPen((200, 60, 60), width=2,
                                                      style=Qt.PenStyle.DashLine))
        people = report["annotators"]
        undefined = [n for n in names if labels[n]["alpha"] is None]
        self.summary.setText(
            f"{len(people)} annotators ({', '.join(people) or 'none'}); average alpha "
            + ("n/a" if average is None else f"{average:.3f}")
            + (f"; undefined (n/a) for {', '.join(undefined)}" if undefined else ""))
        for v in report["videos"]:
            item = QListWidgetItem(f"{v['name']} — disagreement {v['disagreement']:.2f} "
                                   f"({', '.join(v['labels']) or 'none'})")
            item.setData(Qt.ItemDataRole.UserRole, v["name"])
            self.disputed.addItem(item)

    def _on_item(self, item: QListWidgetItem) -> None:
        self.video_chosen.emit(item.data(Qt.ItemDataRole.UserRole))
