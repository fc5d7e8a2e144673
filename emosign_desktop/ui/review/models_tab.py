"""The Models tab below the player: for the current video, the reference labels, each
annotator and each model run side by side (sentiment, the paper's single emotion label, the
reasoning or cues).  Answers that differ from the reference are marked "≠", in bold and in
colour: never by colour alone."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from emosign_desktop.core.changes import Changes
from emosign_desktop.services.model_review import Answer, ModelComparison
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui.fitting import shrinkable
from emosign_desktop.ui.refreshing import RefreshWhenShown

DIFFERS = QColor(255, 224, 178)
ROWS = ("Sentiment", "Emotion", "Reasoning / cues")


class ModelsTab(RefreshWhenShown):
    """The current video's answers: reference, annotators, models."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.note = shrinkable(QLabel())
        self.note.setAccessibleName("Models: what is shown")
        self.table = QTableWidget()
        self.table.setAccessibleName("Reference, annotators and models, side by side")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(True)
        self.comparison: ModelComparison | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        # a hidden tab reads nothing: it catches up when shown
        workspace.on_video(self.refresh_when_shown)
        workspace.on_annotator(self.refresh_when_shown)
        workspace.on_changes(self._on_changes)

    def _on_changes(self, changes: Changes) -> None:
        video = self.workspace.video
        if changes.project or changes.predictions or changes.annotators or changes.blind or (
                video is not None and any(v == video.id for v, _ in changes.annotations)):
            self.refresh_when_shown()

    def refresh(self) -> None:
        """Show the current video's comparison."""
        self._stale = False
        video = self.workspace.video
        self.table.clear()
        if video is None or not self.workspace.has_project:
            self.comparison = None
            self.table.setRowCount(0)
            self.table.setColumnCount(0)
            self.note.setText("Select a video to compare models with annotators.")
            return
        seen = self.workspace.visibility(video.id)
        if not seen.predictions:  # blind mode, until they finish this video
            self.comparison = None
            self.table.setRowCount(0)
            self.table.setColumnCount(0)
            self.note.setText(seen.why)
            return
        c = self.comparison = self.workspace.queries.model_comparison(video)
        columns = [a for a in (c.reference, *c.answers) if a is not None]
        models = sum(1 for a in c.answers if a.kind == "model")
        self.note.setText(
            f"{models} model run{'' if models == 1 else 's'} for this video" + (
                "; import predictions with 'emosign predictions import'" if not models
                else "") + ". \u2260 marks an answer that differs from the reference.")
        self.table.setColumnCount(len(columns))
        self.table.setRowCount(len(ROWS))
        self.table.setHorizontalHeaderLabels([a.title for a in columns])
        self.table.setVerticalHeaderLabels(list(ROWS))
        for col, answer in enumerate(columns):
            self._fill(col, answer, c)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultSectionSize(max(140, self.fontMetrics().horizontalAdvance("M" * 12)))
        self.table.resizeRowsToContents()

    def _fill(self, col: int, answer: Answer, c: ModelComparison) -> None:
        bold = QFont()
        bold.setBold(True)
        cells = (
            ("sentiment", "—" if answer.sentiment is None else f"{answer.sentiment:+d}"),
            ("emotion", answer.emotion_text),
            ("", answer.text),
        )
        for row, (field, text) in enumerate(cells):
            differs = bool(field) and c.differs(answer, field)
            item = QTableWidgetItem(("\u2260 " if differs else "") + text)
            item.setToolTip(text)
            if differs:
                item.setFont(bold)
                item.setBackground(QBrush(DIFFERS))
                item.setForeground(QBrush(QColor(0, 0, 0)))
            item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            self.table.setItem(row, col, item)
