"""All annotators' labels for one video in one table; rows where they differ are marked
with "≠" and bold text as well as colour, so the marking does not rely on colour alone.
When blind mode keeps the others' columns back, a sentence above the table says so."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from emosign_desktop.core.model import Annotator, VideoAnnotation
from emosign_desktop.core.schema import (
    EMOTION_CONFIDENCE,
    SENTIMENT,
    SENTIMENT_CONFIDENCE,
    LabelSchema,
)

DISAGREE = QColor(255, 224, 178)


class SideBySideTable(QTableWidget):
    """Rows: sentiment, each emotion, the confidences; columns: annotators.  :attr:`page`
    is what a tab shows: :attr:`note` (what blind mode hides, when it does) above the
    table."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Labels of every annotator, side by side")
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.setAlternatingRowColors(True)
        self.disagreeing: list[str] = []
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setAccessibleName("Why some annotators are not shown")
        self.note.hide()
        self.page = QWidget()
        box = QVBoxLayout(self.page)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.note)
        box.addWidget(self, 1)

    def show_hidden(self, why: str) -> None:
        """Say ``why`` some annotators' columns are not shown (blind mode); "" hides it."""
        self.note.setText(why)
        self.note.setVisible(bool(why))

    def show_annotations(self, schema: LabelSchema,
                         rows: list[tuple[Annotator, VideoAnnotation]],
                         hidden: str = "") -> None:
        """Fill the table for one video (``hidden``: what blind mode keeps back, said in
        words above it)."""
        self.show_hidden(hidden)
        fields = [SENTIMENT, *schema.emotion_keys, SENTIMENT_CONFIDENCE, EMOTION_CONFIDENCE]
        self.clear()
        self.setRowCount(len(fields))
        self.setColumnCount(len(rows) + 1)
        self.setHorizontalHeaderLabels(["", *(a.name for a, _ in rows)])
        self.setVerticalHeaderLabels([schema.display_name(f) for f in fields])
        self.disagreeing = []
        bold = QFont()
        bold.setBold(True)
        for r, field in enumerate(fields):
            values = [ann.value(field) for _, ann in rows]
            rated = {v for v in values if v is not None}
            differs = len(rated) > 1 and field not in (SENTIMENT_CONFIDENCE, EMOTION_CONFIDENCE)
            if differs:
                self.disagreeing.append(field)
            mark = QTableWidgetItem("≠" if differs else "")
            mark.setToolTip("annotators differ" if differs else "")
            self.setItem(r, 0, mark)
            for c, value in enumerate(values, start=1):
                item = QTableWidgetItem(self._text(schema, field, value))
                if differs:
                    item.setBackground(QBrush(DISAGREE))
                    item.setFont(bold)
                self.setItem(r, c, item)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    @staticmethod
    def _text(schema: LabelSchema, field: str, value: object) -> str:
        if value is None:
            return "—"
        if field == SENTIMENT:
            return f"{value:+d} {schema.sentiment.word(value)}"  # type: ignore[arg-type]
        if field in schema.emotion_keys:
            return f"{value} {schema.emotion_scale.word(value)}"  # type: ignore[arg-type]
        return str(value)
