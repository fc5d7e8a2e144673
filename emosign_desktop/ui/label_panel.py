"""The label panel: the project's schema as controls, every change committed at once.

Keyboard: Tab moves between groups; arrow keys (or Space) choose within a group; on an
emotion row the keys 0-3 choose directly; Ctrl+Return is "Done, next video".  The panel keeps
no copy of the labels: it shows what the project holds, and refreshes after every change.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from emosign_desktop.core.model import AnnotatorId, VideoId
from emosign_desktop.core.schema import (
    CUES,
    EMOTION_CONFIDENCE,
    SENTIMENT,
    SENTIMENT_CONFIDENCE,
    SKIP_REASON,
    LabelSchema,
)
from emosign_desktop.services.editing import EditingService

CUE_SAVE_DELAY_MS = 600


class _DigitKeys(QObject):
    """On an emotion row, keys 0..9 pick the value of that number."""

    def __init__(self, choose) -> None:
        super().__init__()
        self.choose = choose

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.text().isdigit():
            return bool(self.choose(int(event.text())))
        return False


class LabelPanel(QWidget):
    """Sentiment, emotions, confidences, cue text, skip, and Done."""

    done_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editing: EditingService | None = None
        self.schema: LabelSchema | None = None
        self.video_id: VideoId | None = None
        self.annotator_id: AnnotatorId | None = None
        self.groups: dict[str, QButtonGroup] = {}
        self._filters: list[_DigitKeys] = []
        self._cue_timer = QTimer(self)
        self._cue_timer.setSingleShot(True)
        self._cue_timer.setInterval(CUE_SAVE_DELAY_MS)
        self._cue_timer.timeout.connect(self._save_cues)
        self.body = QWidget()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        self.heading = QLabel("No video selected.")
        self.heading.setAccessibleName("Labelling status")
        self.heading.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(scroll, 1)
        self.done_button = QPushButton("&Done, next video")
        self.done_button.setToolTip("Done, next video (Ctrl+Return)")
        self.done_button.clicked.connect(self.done_requested.emit)
        layout.addWidget(self.done_button)
        done = QShortcut(QKeySequence("Ctrl+Return"), self)
        done.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        done.activated.connect(self.done_requested.emit)
        self.setEnabled(False)
        self.setMinimumWidth(400)

    # -- building from the schema -----------------------------------------------------------
    def set_schema(self, schema: LabelSchema) -> None:
        """(Re)build the controls for ``schema``."""
        if schema == self.schema:
            return
        self.schema = schema
        old = self.body.layout()
        if old is not None:
            QWidget().setLayout(old)  # drop the old controls
        self.groups.clear()
        self._filters.clear()
        form = QVBoxLayout()
        box = QGroupBox("&Sentiment")
        col = QVBoxLayout(box)
        self.groups[SENTIMENT] = self._radio_group(
            SENTIMENT, [(v, f"{v:+d}  {schema.sentiment.word(v)}" if v else f"0  "
                         f"{schema.sentiment.word(0)}") for v in schema.sentiment.values],
            col, box)
        form.addWidget(box)
        box = QGroupBox("E&motions (keys 0-3 on a row)")
        grid = QGridLayout(box)
        scale = schema.emotion_scale
        legend = QLabel("  ·  ".join(f"{v} {scale.word(v)}" for v in scale.values))
        legend.setWordWrap(True)
        legend.setAccessibleName("What the numbers mean")
        grid.addWidget(legend, 0, 0, 1, len(scale.values) + 1)
        for r, e in enumerate(schema.emotions, start=1):
            grid.addWidget(QLabel(e.display_name), r, 0)
            row = QWidget()
            row.setAccessibleName(e.display_name)
            cells = QHBoxLayout(row)
            cells.setContentsMargins(0, 0, 0, 0)
            group = self._radio_group(e.key, [(v, str(v)) for v in scale.values], cells, row,
                                      tooltip=lambda v, n=e.display_name: f"{n}: {scale.word(v)}")
            self.groups[e.key] = group
            keys = _DigitKeys(lambda n, k=e.key: self._choose(k, n))
            self._filters.append(keys)
            for b in group.buttons():
                b.installEventFilter(keys)
            grid.addWidget(row, r, 1, 1, len(scale.values))
        form.addWidget(box)
        conf = QFormLayout()
        self.sentiment_confidence = self._confidence(SENTIMENT_CONFIDENCE)
        self.emotion_confidence = self._confidence(EMOTION_CONFIDENCE)
        conf.addRow("Sentiment &confidence:", self.sentiment_confidence)
        conf.addRow("Emotion co&nfidence:", self.emotion_confidence)
        form.addLayout(conf)
        cue_label = QLabel("C&ues: what carried the emotion (saved as you type)")
        self.cues = QPlainTextEdit()
        self.cues.setAccessibleName("Emotion cues")
        self.cues.setTabChangesFocus(True)
        self.cues.setPlaceholderText("e.g. furrowed brows, faster and larger signs")
        self.cues.textChanged.connect(self._cue_timer.start)
        self.cues.installEventFilter(self)
        cue_label.setBuddy(self.cues)
        form.addWidget(cue_label)
        form.addWidget(self.cues)
        self.skip = QCheckBox("S&kip this video")
        self.skip.toggled.connect(self._on_skip)
        self.skip_reason = QLineEdit()
        self.skip_reason.setAccessibleName("Reason for skipping")
        self.skip_reason.setPlaceholderText("reason (e.g. video quality, content)")
        self.skip_reason.editingFinished.connect(self._on_skip_reason)
        form.addWidget(self.skip)
        form.addWidget(self.skip_reason)
        form.addStretch(1)
        self.body.setLayout(form)

    def _radio_group(self, field: str, choices: list[tuple[int, str]], layout, parent,
                     tooltip=None) -> QButtonGroup:
        group = QButtonGroup(parent)
        group.setExclusive(True)
        for value, text in choices:
            b = QRadioButton(text)
            b.setAccessibleName(f"{field} {value}")
            if tooltip:
                b.setToolTip(tooltip(value))
            group.addButton(b, value + 1000)  # ids must be >= 0 for negative values
            layout.addWidget(b)
        group.idToggled.connect(lambda i, on, f=field: on and self._set(f, i - 1000))
        return group

    def _confidence(self, field: str) -> QSpinBox:
        box = QSpinBox()
        box.setRange(-1, 100)
        box.setSpecialValueText("not given")
        box.setAccessibleName(field.replace("_", " "))
        box.setKeyboardTracking(False)
        box.valueChanged.connect(lambda v, f=field: self._set(f, None if v < 0 else v))
        return box

    # -- following the project ----------------------------------------------------------------
    def bind(self, editing: EditingService | None, video_id: VideoId | None,
             annotator_id: AnnotatorId | None, title: str = "") -> None:
        """Show (and edit) ``annotator_id``'s labels of ``video_id``."""
        self._save_cues()
        self.editing, self.video_id, self.annotator_id = editing, video_id, annotator_id
        if editing is not None:
            self.set_schema(editing.repo.schema)
        self.setEnabled(editing is not None and video_id is not None and
                        annotator_id is not None)
        self.heading.setText(title or "No video selected.")
        self.refresh()

    def refresh(self) -> None:
        """Show what the project holds for the bound video and annotator."""
        if self.editing is None or self.schema is None:
            return
        ann = None
        if self.video_id is not None and self.annotator_id is not None:
            ann = self.editing.repo.annotation(self.video_id, self.annotator_id)
        for field, group in self.groups.items():
            value = ann.value(field) if ann else None
            group.blockSignals(True)
            group.setExclusive(False)
            for b in group.buttons():
                b.setChecked(value is not None and group.id(b) - 1000 == value)
            group.setExclusive(True)
            group.blockSignals(False)
        for box, field in ((self.sentiment_confidence, SENTIMENT_CONFIDENCE),
                           (self.emotion_confidence, EMOTION_CONFIDENCE)):
            value = ann.value(field) if ann else None
            box.blockSignals(True)
            box.setValue(-1 if value is None else int(value))  # type: ignore[call-overload]
            box.blockSignals(False)
        if not self.cues.hasFocus() or not self._cue_timer.isActive():
            self.cues.blockSignals(True)
            text = ann.cues if ann else ""
            if self.cues.toPlainText() != text:
                self.cues.setPlainText(text)
            self.cues.blockSignals(False)
        self.skip.blockSignals(True)
        self.skip.setChecked(bool(ann and ann.skipped))
        self.skip.blockSignals(False)
        self.skip_reason.setText(ann.skip_reason if ann else "")
        self.skip_reason.setEnabled(self.skip.isChecked())

    # -- edits -------------------------------------------------------------------------------
    def _set(self, field: str, value: object) -> None:
        if self.editing is None or self.video_id is None or self.annotator_id is None:
            return
        self.editing.set_label(self.video_id, self.annotator_id, field, value)

    def _choose(self, field: str, value: int) -> bool:
        group = self.groups[field]
        button = group.button(value + 1000)
        if button is None:
            return False
        button.setChecked(True)
        button.setFocus()
        return True

    def _save_cues(self) -> None:
        self._cue_timer.stop()
        if self.schema is None or self.editing is None or self.video_id is None:
            return
        ann = self.editing.repo.annotation(self.video_id, self.annotator_id)  # type: ignore[arg-type]
        text = self.cues.toPlainText()
        if text != (ann.cues if ann else ""):
            self._set(CUES, text)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.cues and event.type() == QEvent.Type.FocusOut:
            self._save_cues()  # leaving the box saves at once
        return False

    def _on_skip(self, on: bool) -> None:
        if self.editing and self.video_id is not None and self.annotator_id is not None:
            self.editing.set_skipped(self.video_id, self.annotator_id, on,
                                     self.skip_reason.text())
        self.skip_reason.setEnabled(on)

    def _on_skip_reason(self) -> None:
        if self.skip.isChecked():
            self._set(SKIP_REASON, self.skip_reason.text())
