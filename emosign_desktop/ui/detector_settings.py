"""The detector settings: for each cue detector, on or off, its threshold and the shortest
span it proposes.  Each change is saved in the project at once as one step of Edit ▸ Undo
(``services.proposing.set_detector_settings``); the window stays open beside the video and
shows the project's values again after an undo."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from emosign_desktop.analysis.proposals import DETECTORS
from emosign_desktop.core.changes import Changes
from emosign_desktop.services.proposing import detector_settings, set_detector_settings
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui.dialog_size import fit_to_screen, room
from emosign_desktop.ui.read_back import show_stored
from emosign_desktop.ui.writing import write

#: The fields of a detector the dialog changes: (setting, column title, what it means).
FIELDS = (
    ("threshold", "Threshold",
     "How far above the signer's usual value (in scales: robust standard deviations) the "
     "signal must go for a span to start"),
    ("min_duration_s", "Shortest span",
     "Spans shorter than this are not proposed"),
)


def _spin(setting: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setKeyboardTracking(False)  # typing commits on Enter or leaving, not per key
    box.setDecimals(2)
    if setting == "threshold":
        box.setRange(0.1, 50.0)
        box.setSingleStep(0.1)
        box.setSuffix(" scales")
    else:
        box.setRange(0.0, 10.0)
        box.setSingleStep(0.05)
        box.setSuffix(" s")
    return box


class DetectorSettingsDialog(QDialog):
    """On/off, threshold and shortest span of every detector; one undoable step each."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("Detector settings")
        intro = QLabel("Each detector proposes the spans where its signal stands out from "
                       "the signer's usual value.  A change is saved in the project at "
                       "once and is one step of Edit ▸ Undo; the proposals shown follow it.")
        intro.setWordWrap(True)
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setColumnStretch(0, 1)
        header = QLabel("Detector (on / off)")
        grid.addWidget(header, 0, 0)
        self.enabled: dict[str, QCheckBox] = {}
        self.spins: dict[tuple[str, str], QDoubleSpinBox] = {}
        for col, (_setting, title, tip) in enumerate(FIELDS, start=1):
            label = QLabel(title)
            label.setToolTip(tip)
            grid.addWidget(label, 0, col)
        for row, (name, d) in enumerate(DETECTORS.items(), start=1):
            box = QCheckBox(d.label)
            box.setToolTip(f"{d.label}: {d.what}")
            box.setAccessibleDescription(d.what)
            box.toggled.connect(lambda on, n=name: self._change(n, enabled=on))
            grid.addWidget(box, row, 0)
            self.enabled[name] = box
            for col, (setting, title, tip) in enumerate(FIELDS, start=1):
                spin = _spin(setting)
                spin.setAccessibleName(f"{d.label}: {title.lower()}")
                spin.setToolTip(f"{d.label}: {tip}")
                spin.valueChanged.connect(
                    lambda v, n=name, s=setting: self._change(n, **{s: round(v, 4)}))
                grid.addWidget(spin, row, col)
                self.spins[(name, setting)] = spin
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_host)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the focus goes to its spin boxes
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        self.grid_host, self.intro, self.area, self.box = grid_host, intro, scroll, layout
        self.buttons = buttons
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        workspace.on_changes(self._on_changes)
        self.load()

    def fit(self) -> None:
        """As large as its content at the text size in use (the grid whole, the text
        wrapped to the grid's width), within the screen's room; the grid scrolls beyond."""
        margins = self.box.contentsMargins()
        self.grid_host.adjustSize()
        grid = self.grid_host.sizeHint()
        space = room(self)
        sides = margins.left() + margins.right()
        width = min(grid.width() + sides, space.width())
        inner = width - sides
        rest = (self.intro.heightForWidth(inner) + 2 * self.box.spacing()
                + self.buttons.sizeHint().height() + margins.top() + margins.bottom())
        if rest + grid.height() > space.height():  # rows scroll: room for the scroll bar
            bar = self.area.verticalScrollBar().sizeHint().width()
            width = min(grid.width() + sides + bar, space.width())
            rest = (self.intro.heightForWidth(width - sides) + 2 * self.box.spacing()
                    + self.buttons.sizeHint().height() + margins.top() + margins.bottom())
        fit_to_screen(self, QSize(width, rest + grid.height()))

    def setVisible(self, visible: bool) -> None:
        """Sized to its content each time it opens (the text size may have changed since),
        before Qt places it over its window."""
        if visible and not self.isVisible():
            self.fit()
        super().setVisible(visible)

    def load(self) -> None:
        """Show the project's settings (without writing anything)."""
        ws = self.workspace
        if ws.session is None:
            self.setEnabled(False)
            return
        self.setEnabled(True)
        current = detector_settings(ws.session)
        for name, box in self.enabled.items():
            s = current[name]
            box.blockSignals(True)
            box.setChecked(s.enabled)
            box.blockSignals(False)
            for setting, _t, _tip in FIELDS:
                spin = self.spins[(name, setting)]
                spin.blockSignals(True)
                spin.setValue(float(getattr(s, setting)))
                spin.blockSignals(False)

    def _change(self, detector: str, **values: object) -> None:
        ws = self.workspace
        if ws.session is None:
            return
        now = detector_settings(ws.session)[detector]
        if all(getattr(now, k) == v for k, v in values.items()):
            return
        write(self, ws, lambda s: set_detector_settings(s, detector, **values),
              initiator=self, failure="Cannot change the detector",
              failed=lambda exc: show_stored(ws, exc, self.load))  # refused: what it holds

    def _on_changes(self, changes: Changes) -> None:
        if changes.initiator is self:
            return  # its own change: the fields show it already
        if (changes.project or changes.detector_settings) and self.isVisible():
            self.load()
