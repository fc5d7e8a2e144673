"""The label panel: the project's schema as controls, every change committed at once.

Keyboard: Tab moves between groups; arrow keys (or Space) choose within a group; on an
emotion row the keys 0-3 choose directly; Ctrl+Return is "Done, next video".  The panel keeps
no copy of the labels: it shows what the project holds for the workspace's current video and
annotator, and refreshes itself when an operation changed that annotation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from PySide6.QtCore import QEvent, QMargins, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from emosign_desktop.core.changes import Changes
from emosign_desktop.core.model import VideoId
from emosign_desktop.core.schema import (
    CUES,
    EMOTION_CONFIDENCE,
    SENTIMENT,
    SENTIMENT_CONFIDENCE,
    SKIP_REASON,
    LabelSchema,
)
from emosign_desktop.services.session import Session
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui.fitting import AtLeastItsHint, ElidedLabel, WordsLabel, shrinkable
from emosign_desktop.ui.focus import scroll_without_focus, tab_between
from emosign_desktop.ui.read_back import show_stored
from emosign_desktop.ui.writing import write

CUE_SAVE_DELAY_MS = 600


class _DigitKeys(QObject):
    """On an emotion row, keys 0..9 pick the value of that number."""

    def __init__(self, choose: Callable[[int], object]) -> None:
        super().__init__()
        self.choose = choose

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            text = cast(QKeyEvent, event).text()
            if text.isdigit():
                return bool(self.choose(int(text)))
        return False


class LabelPanel(QWidget):
    """Sentiment, emotions, confidences, cue text, skip, and Done."""

    done_requested = Signal()
    _read_while_writing = False  # the last read may have missed edits still being written

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.schema: LabelSchema | None = None
        self._bound: tuple[VideoId | None, str] = (None, "")  # whose labels are shown
        self.groups: dict[str, QButtonGroup] = {}
        self._filters: list[_DigitKeys] = []
        self._cue_timer = QTimer(self)
        self._cue_timer.setSingleShot(True)
        self._cue_timer.setInterval(CUE_SAVE_DELAY_MS)
        self._cue_timer.timeout.connect(self._save_cues)
        self.body = AtLeastItsHint()
        self.scroll_area = scroll = QScrollArea()
        scroll_without_focus(scroll)  # Tab and F6 land on its controls, shown (ui/focus.py)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        self.heading = ElidedLabel("No video selected.")
        self.heading.setAccessibleName("Labelling status")
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
        workspace.on_video(self.rebind)
        workspace.on_annotator(self.rebind)
        workspace.on_changes(self._on_changes)

    def preferred_width(self) -> int:
        """The width at which every control shows whole (no horizontal scrolling)."""
        bar = self.scroll_area.verticalScrollBar().sizeHint().width()
        layout = self.layout()
        margins = layout.contentsMargins() if layout is not None else QMargins()
        return self.body.sizeHint().width() + bar + margins.left() + margins.right() + 4

    # -- building from the schema -----------------------------------------------------------
    def set_schema(self, schema: LabelSchema) -> None:
        """(Re)build the controls for ``schema``."""
        if schema == self.schema:
            return
        self.schema = schema
        self.body = AtLeastItsHint()  # a new body: the old controls go with the old one
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
        box = QGroupBox("E&motions (keys 0-3)")  # (short: a title sets the min width)
        grid = QGridLayout(box)
        scale = schema.emotion_scale
        legend = QLabel("  ·  ".join(f"{v} {scale.word(v)}" for v in scale.values))
        shrinkable(legend)
        legend.setAccessibleName("What the numbers mean")
        # under the rows: at 200 % its lines would push the rows out of sight
        grid.addWidget(legend, len(schema.emotions) + 1, 0, 1, len(scale.values) + 1)
        for r, e in enumerate(schema.emotions, start=1):
            grid.addWidget(WordsLabel(e.display_name), r, 0)
            row = QWidget()
            row.setAccessibleName(e.display_name)
            cells = QHBoxLayout(row)
            cells.setContentsMargins(0, 0, 0, 0)
            group = self._radio_group(e.key, [(v, str(v)) for v in scale.values], cells, row,
                                      tooltip=lambda v, n=e.display_name: f"{n}: {scale.word(v)}")  # type: ignore[misc]
            self.groups[e.key] = group
            keys = _DigitKeys(lambda n, k=e.key: self._choose(k, n))  # type: ignore[misc]
            self._filters.append(keys)
            for b in group.buttons():
                b.installEventFilter(keys)
            grid.addWidget(row, r, 1, 1, len(scale.values))
        form.addWidget(box)
        conf = QFormLayout()
        self.sentiment_confidence = self._confidence(SENTIMENT_CONFIDENCE)
        self.emotion_confidence = self._confidence(EMOTION_CONFIDENCE)
        for text, spin in (("Sentiment conf&idence:", self.sentiment_confidence),
                           ("Emotion co&nfidence:", self.emotion_confidence)):
            label = WordsLabel(text)  # breaks between its words at large text
            label.setBuddy(spin)
            conf.addRow(label, spin)
        form.addLayout(conf)
        cue_label = shrinkable(QLabel("C&ues: what carried the emotion (saved as you type)"))
        self.cues = QPlainTextEdit()
        self.cues.setAccessibleName("Emotion cues")
        self.cues.setTabChangesFocus(True)
        self.cues.setPlaceholderText("e.g. furrowed brows, faster and larger signs")
        self.cues.textChanged.connect(self._cue_timer.start)
        self.cues.installEventFilter(self)
        cue_label.setBuddy(self.cues)
        form.addWidget(cue_label)
        form.addWidget(self.cues)
        self.skip = QCheckBox("Ski&p this video")
        self.skip.toggled.connect(self._on_skip)
        self.skip_reason = QLineEdit()
        self.skip_reason.setAccessibleName("Reason for skipping")
        self.skip_reason.setPlaceholderText("reason (e.g. video quality, content)")
        self.skip_reason.editingFinished.connect(self._on_skip_reason)
        form.addWidget(self.skip)
        form.addWidget(self.skip_reason)
        form.addStretch(1)
        self.body.setLayout(form)
        self.scroll_area.setWidget(self.body)  # deletes the old body
        self.body.show()  # now, so that sizes are known at once
        tab_between(self.heading, self.body, self.done_button)  # Tab goes top to bottom

    def _radio_group(self, field: str, choices: list[tuple[int, str]], layout: QLayout,
                     parent: QWidget,
                     tooltip: Callable[[int], str] | None = None) -> QButtonGroup:
        group = QButtonGroup(parent)
        group.setExclusive(True)
        for value, text in choices:
            b = QRadioButton(text)
            b.setAccessibleName(f"{field} {value}")
            if tooltip:
                b.setToolTip(tooltip(value))
            group.addButton(b, value + 1000)  # ids must be >= 0 for negative values
            layout.addWidget(b)
        group.idToggled.connect(lambda i, on, f=field: self._set(f, i - 1000) if on else None)
        return group

    def _confidence(self, field: str) -> QSpinBox:
        box = QSpinBox()
        box.setRange(-1, 100)
        box.setSpecialValueText("not given")
        box.setAccessibleName(field.replace("_", " "))
        box.setKeyboardTracking(False)
        box.valueChanged.connect(lambda v, f=field: self._set(f, None if v < 0 else v))
        return box

    # -- following the workspace -------------------------------------------------------------
    def _ready(self) -> bool:
        ws = self.workspace
        return ws.has_project and ws.video is not None and bool(ws.annotator)

    def rebind(self) -> None:
        """Show the current annotator's labels of the current video."""
        self._save_cues()  # cue text still being typed belongs to the video it was typed for
        ws = self.workspace
        self._bound = (ws.video.id if ws.video else None, ws.annotator)
        if ws.has_project:
            self.set_schema(ws.queries.schema)
        self.setEnabled(self._ready() and self.workspace.read_only is None)
        video = ws.video
        self.heading.setText(
            f"{video.name}, labelled by {ws.annotator}" if video is not None and self._ready()
            else "Choose who is annotating: Edit ▸ Change Annotator" if video is not None
            else "No video selected.")
        self.refresh()

    def _on_changes(self, changes: Changes) -> None:
        ws = self.workspace
        if changes.project:
            self.rebind()
        elif changes.initiator is self and not self._read_while_writing:
            return  # its own edit: the controls show it already
        elif ws.video is not None and any(v == ws.video.id for v, _ in changes.annotations):
            self.refresh()

    def refresh(self) -> None:
        """Show what the project holds for the bound video and annotator."""
        if self.schema is None:
            return
        ws = self.workspace
        video = ws.video
        # a read while edits wait to be written may miss them: their announcements read again
        self._read_while_writing = ws.background.busy
        ann = (ws.queries.annotation(video.id, ws.annotator)
               if video is not None and self._ready() else None)
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
        if self._ready():
            video = self.workspace.video
            assert video is not None
            annotator = self.workspace.annotator
            self._write(lambda s: s.editing.set_label(video.id, annotator, field, value))

    def _write(self, work: Callable[[Session], object]) -> None:
        """Run an edit on the background writer; refused, the panel shows what is stored."""
        write(self, self.workspace, work, initiator=self, failed=self._show_stored)

    def _show_stored(self, exc: BaseException) -> None:
        """After a refused or failed edit: show what the project holds, when it can be read
        (not while its server is away: the panel reloads when it is back)."""
        show_stored(self.workspace, exc, self.refresh)

    def _choose(self, field: str, value: int) -> bool:
        group = self.groups[field]
        button = group.button(value + 1000)
        if button is None:
            return False
        button.setChecked(True)
        button.setFocus()
        return True

    def _save_cues(self) -> None:
        """Save cue text still waiting for its timer, for the video it was typed for."""
        self._cue_timer.stop()
        video_id, annotator = self._bound
        ws = self.workspace
        if self.schema is None or video_id is None or not annotator or not ws.has_project:
            return
        ann = ws.queries.annotation(video_id, annotator)
        text = self.cues.toPlainText()
        if text != (ann.cues if ann else ""):
            self._write(lambda s: s.editing.set_label(video_id, annotator, CUES, text))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.cues and event.type() == QEvent.Type.FocusOut:
            self._save_cues()  # leaving the box saves at once
        return False

    def _on_skip(self, on: bool) -> None:
        video = self.workspace.video
        if self._ready() and video is not None:
            annotator, reason = self.workspace.annotator, self.skip_reason.text()
            self._write(lambda s: s.editing.set_skipped(video.id, annotator, on, reason))
        self.skip_reason.setEnabled(on)

    def _on_skip_reason(self) -> None:
        if self.skip.isChecked():
            self._set(SKIP_REASON, self.skip_reason.text())
