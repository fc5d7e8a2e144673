"""Models versus annotators, for the whole project: a run's scores on a task beside the
annotators' own agreement, its confusion matrix (cells numbered, not only shaded), the lean
of its answers (reference solid, model hatched: not colour alone), and the videos ranked by
model-human disagreement, each one click (or Enter) from the player."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from emosign_desktop.core.changes import Changes
from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui.fitting import FlowLayout, shrinkable
from emosign_desktop.ui.plots.signal_plot import RESTYLE_EVENTS, PlotStyle, style_plot
from emosign_desktop.ui.refreshing import RefreshWhenShown

TASKS = (("sentiment3", "Sentiment, 3 classes"), ("sentiment7", "Sentiment, 7 classes"),
         ("emotion", "Emotion (single-expression videos)"))


class _Number(QTableWidgetItem):
    """A table cell that sorts by its number."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(Qt.ItemDataRole.UserRole), other.data(Qt.ItemDataRole.UserRole)
        if isinstance(mine, int | float) and isinstance(theirs, int | float):
            return mine < theirs
        return super().__lt__(other)


class ModelReviewPanel(RefreshWhenShown):
    """Scores, confusion matrix, lean and the most disputed videos, for a chosen run."""

    video_chosen = Signal(str)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        import pyqtgraph as pg  # lazy: only when the panel is opened

        self._pg = pg
        self.workspace = workspace
        self.run = QComboBox()
        self.run.setAccessibleName("Model run")
        self.task = QComboBox()
        self.task.setAccessibleName("Task")
        for key, text in TASKS:
            self.task.addItem(text, key)
        self.summary = shrinkable(QLabel())
        self.summary.setAccessibleName("Scores of the run")
        self.confusion = pg.PlotWidget()
        self.confusion.setAccessibleName("Confusion matrix (rows: reference, columns: model)")
        self.lean = pg.PlotWidget()
        self.lean.setAccessibleName("How often each label is the reference and the answer")
        for plot in (self.confusion, self.lean):
            plot.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Tab: the controls (no ring)
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
        self.videos = QTableWidget()
        self.videos.setAccessibleName("Videos ranked by model-human disagreement "
                                      "(Enter or click to open)")
        self.videos.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.videos.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.videos.setTabKeyNavigation(False)
        self.videos.setSortingEnabled(True)
        self.videos.itemActivated.connect(self._on_item)
        self.videos.itemClicked.connect(self._on_item)
        choices = QWidget()
        row = FlowLayout(choices)
        for w in (QLabel("Run:"), self.run, QLabel("Task:"), self.task):
            row.addWidget(w)
        plots = QSplitter(Qt.Orientation.Horizontal)
        plots.addWidget(self.confusion)
        plots.addWidget(self.lean)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(plots)
        split.addWidget(self.videos)
        layout = QVBoxLayout(self)
        layout.addWidget(choices)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        self.report: dict[str, Any] | None = None
        self._stale = False
        self.run.currentIndexChanged.connect(lambda _i: self._draw())
        self.task.currentIndexChanged.connect(lambda _i: self._draw())
        workspace.on_changes(self._on_changes)

    # -- following the project -----------------------------------------------------------------
    def _on_changes(self, changes: Changes) -> None:
        if (changes.project or changes.predictions or changes.annotations or changes.annotators
                or changes.blind):  # (blind mode keeps model comparisons for reviewers)
            self.refresh_when_shown()


    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() in RESTYLE_EVENTS and self.report is not None:
            self._draw()
        return handled

    def refresh(self) -> None:
        """Evaluate every run again and redraw."""
        self._stale = False
        if not self.workspace.has_project:
            self.report = None
            self.summary.setText("No project open.")
            return
        seen = self.workspace.project_visibility()
        if not seen.predictions:  # blind mode: model comparisons are for reviewers
            self.report = None
            self.summary.setText(seen.why)
            self.run.clear()
            self.videos.setRowCount(0)
            return
        queries = self.workspace.queries
        try:
            self.report = dict(queries.evaluation())
            ranked = queries.video_disagreements()
        except EmoSignError as exc:
            self.report = None
            self.summary.setText(str(exc))
            self.run.clear()
            self.videos.setRowCount(0)
            return
        keep = self.run.currentText()
        self.run.blockSignals(True)
        self.run.clear()
        for r in self.report["runs"]:
            self.run.addItem(f"{r['model']} · {r['setting']}")
        if keep:
            self.run.setCurrentText(keep)
        self.run.blockSignals(False)
        self._fill_videos(ranked)
        self._draw()

    # -- drawing ---------------------------------------------------------------------------------
    def _current(self) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        if self.report is None or not self.report["runs"]:
            return None, None
        run = self.report["runs"][max(0, self.run.currentIndex())]
        return run, run.get(self.task.currentData())

    def _draw(self) -> None:
        style = PlotStyle.current()
        for plot in (self.confusion, self.lean):
            plot.clear()
            style_plot(plot, style)
        run, scores = self._current()
        if self.report is None or run is None:
            self.summary.setText("No predictions yet: import a run with 'emosign predictions "
                                 "import' (README, Comparing models with annotators).")
            return
        human = self.report.get("human_agreement") or {}
        ceiling = human.get("average")
        if scores is None:
            self.summary.setText(f"{run['model']} · {run['setting']} answers no "
                                 f"{self.task.currentText().lower()}.")
            return

        def pc(x: float | None) -> str:
            return "n/a" if x is None else f"{x:.2f}"

        self.summary.setText(
            f"{run['model']} · {run['setting']} against {self.report['reference']}: "
            f"wAcc {pc(scores['wacc'])}, wF1 {pc(scores['wf1'])}, accuracy "
            f"{pc(scores['acc'])} (%), {scores['answered']} of {scores['n']} videos answered. "
            "Annotators' own agreement (Krippendorff's alpha, average): "
            + ("n/a (fewer than two annotators)" if ceiling is None else f"{ceiling:.3f}"))
        self._draw_confusion(scores["confusion"], style)
        self._draw_lean(scores["distribution"], style)

    def _draw_confusion(self, confusion: dict[str, Any], style: PlotStyle) -> None:
        pg = self._pg
        rows, cols = confusion["labels"], confusion["columns"]
        matrix = confusion["matrix"]
        peak = max((max(r) for r in matrix if r), default=0) or 1
        for i, values in enumerate(matrix):
            for j, count in enumerate(values):
                share = count / peak
                shade = QColor.fromHslF(0.6, 0.6, 1.0 - 0.6 * share)
                if style.dark:
                    shade = QColor.fromHslF(0.6, 0.6, 0.1 + 0.5 * share)
                box = pg.QtWidgets.QGraphicsRectItem(j - 0.5, i - 0.5, 1, 1)
                box.setBrush(QBrush(shade))
                box.setPen(pg.mkPen(style.text, width=1))
                self.confusion.addItem(box)
                ink = QColor(0, 0, 0) if shade.lightnessF() > 0.5 else QColor(255, 255, 255)
                text = pg.TextItem(str(count), color=ink, anchor=(0.5, 0.5))
                text.setFont(style.font)
                text.setPos(j, i)
                self.confusion.addItem(text)
        self.confusion.getAxis("bottom").setTicks([list(enumerate(cols))])
        self.confusion.getAxis("left").setTicks([list(enumerate(rows))])
        self.confusion.setLabel("bottom", "model")
        self.confusion.setLabel("left", "reference")
        self.confusion.invertY(True)
        self.confusion.setRange(xRange=(-0.5, len(cols) - 0.5), yRange=(-0.5, len(rows) - 0.5),
                                padding=0)
        style_plot(self.confusion, style)

    def _draw_lean(self, dist: dict[str, Any], style: PlotStyle) -> None:
        pg = self._pg
        labels = dist["labels"]
        x = list(range(len(labels)))
        true = pg.BarGraphItem(x=[i - 0.2 for i in x], height=dist["true"], width=0.38,
                               brush=pg.mkBrush(style.colour(0)),
                               pen=pg.mkPen(style.text, width=1), name="reference")
        hatched = QBrush(style.colour(1), Qt.BrushStyle.BDiagPattern)
        pred = pg.BarGraphItem(x=[i + 0.2 for i in x], height=dist["predicted"], width=0.38,
                               brush=hatched, pen=pg.mkPen(style.colour(1), width=2),
                               name="model")
        self.lean.addItem(true)
        self.lean.addItem(pred)
        self.lean.getAxis("bottom").setTicks([list(enumerate(labels))])
        self.lean.setLabel("left", "videos")
        self.lean.setLabel("bottom", "solid: reference · hatched: model")
        style_plot(self.lean, style)

    def _fill_videos(self, ranked: list[Any]) -> None:
        runs = [f"{r['model']} · {r['setting']}" for r in (self.report or {}).get("runs", [])]
        self.videos.setSortingEnabled(False)
        self.videos.clear()
        self.videos.setColumnCount(3 + len(runs))
        self.videos.setHorizontalHeaderLabels(["Video", "Disagreement", "Reference", *runs])
        self.videos.setRowCount(len(ranked))
        for r, v in enumerate(ranked):
            name = QTableWidgetItem(v["name"])
            name.setData(Qt.ItemDataRole.UserRole + 1, v["name"])
            self.videos.setItem(r, 0, name)
            score = _Number(f"{v['score']:.2f}")
            score.setData(Qt.ItemDataRole.UserRole, v["score"])
            self.videos.setItem(r, 1, score)
            self.videos.setItem(r, 2, QTableWidgetItem(_answer(v["sentiment"], v["emotion"])))
            by_run = {f"{a['model']} · {a['setting']}": a for a in v["answers"]}
            for c, run in enumerate(runs, start=3):
                a = by_run.get(run)
                cell = QTableWidgetItem("—" if a is None else _answer(
                    a["sentiment"], [a["emotion"]] if a["emotion"] else None))
                self.videos.setItem(r, c, cell)
        self.videos.setSortingEnabled(True)
        self.videos.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        self.videos.resizeColumnsToContents()

    def _on_item(self, item: QTableWidgetItem) -> None:
        name = self.videos.item(item.row(), 0)
        if name is not None:
            self.video_chosen.emit(name.text())


def _answer(sentiment: int | None, emotion: list[str] | None) -> str:
    s = "—" if sentiment is None else f"{sentiment:+d}"
    return f"{s}, {' / '.join(emotion) if emotion else '—'}"
