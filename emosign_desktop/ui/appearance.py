"""Text size, high contrast and a focus ring you can always see; the shortcuts sheet."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

TEXT_SCALES = (100, 125, 150, 175, 200)
_BASE_POINT_SIZE: list[float] = []

FOCUS_RING = """
QPushButton:focus, QToolButton:focus, QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus,
QSpinBox:focus, QComboBox:focus, QListView:focus, QTableView:focus, QSlider:focus,
QTabBar::tab:focus {
    outline: none; border: 3px solid %(ring)s; border-radius: 3px;
}
QRadioButton:focus, QCheckBox:focus {
    background: %(ring)s; color: %(on_ring)s; border-radius: 3px;
}
"""

SHORTCUTS = (
    ("Space", "play / pause (player)"),
    ("Left / Right", "one frame back / forward"),
    ("Shift+Left / Shift+Right", "one second back / forward"),
    ("Home / End", "first / last frame"),
    ("J / K / L", "play backward / pause / play forward (L again: faster)"),
    ("I / O", "mark in / mark out: creates a segment on the chosen tier"),
    ("Delete", "delete the selected segment"),
    ("R", "draw the selected segment's region on the video"),
    ("0 - 3", "on an emotion row: choose that value"),
    ("Tab / Shift+Tab, arrows, Space", "move between label groups, choose within one"),
    ("Ctrl+Return", "Done, next video"),
    ("Ctrl+Z / Ctrl+Shift+Z", "undo / redo (the Edit menu names the action)"),
    ("Ctrl+F", "find a video"),
    ("Ctrl+O / Ctrl+N", "open / new project"),
    ("Ctrl++ / Ctrl+-", "larger / smaller text"),
    ("Ctrl+Shift+H", "high contrast on / off"),
    ("F1", "this sheet"),
)


def apply_text_scale(percent: int) -> None:
    """Scale the application's text (100-200 %)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):  # none yet (or no widgets: nothing to style)
        return
    if not _BASE_POINT_SIZE:
        _BASE_POINT_SIZE.append(app.font().pointSizeF() or 10.0)
    font = QFont(app.font())
    font.setPointSizeF(_BASE_POINT_SIZE[0] * min(200, max(100, percent)) / 100)
    app.setFont(font)


def apply_theme(high_contrast: bool) -> None:
    """High contrast: white on black, yellow selection and focus.  Otherwise the platform's
    palette with a thick blue focus ring."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):  # none yet (or no widgets: nothing to style)
        return
    if high_contrast:
        p = QPalette()
        black, white, yellow = QColor(0, 0, 0), QColor(255, 255, 255), QColor(255, 230, 0)
        for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base,
                     QPalette.ColorRole.Button, QPalette.ColorRole.AlternateBase,
                     QPalette.ColorRole.ToolTipBase):
            p.setColor(role, black)
        for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                     QPalette.ColorRole.ButtonText, QPalette.ColorRole.ToolTipText,
                     QPalette.ColorRole.BrightText):
            p.setColor(role, white)
        p.setColor(QPalette.ColorRole.Highlight, yellow)
        p.setColor(QPalette.ColorRole.HighlightedText, black)
        p.setColor(QPalette.ColorRole.PlaceholderText, QColor(200, 200, 200))
        p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(150, 150, 150))
        p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText,
                   QColor(150, 150, 150))
        app.setPalette(p)
        app.setStyleSheet(FOCUS_RING % {"ring": "#ffe600", "on_ring": "#000000"} + """
            QWidget { border-color: #ffffff; }
            QPushButton, QToolButton { border: 1px solid #ffffff; padding: 3px; }
            QRadioButton:checked, QCheckBox:checked {
                background: #ffffff; color: #000000; font-weight: bold; border-radius: 3px; }
            QTableView, QListView { gridline-color: #ffffff; }""")
    else:
        app.setPalette(app.style().standardPalette())
        app.setStyleSheet(FOCUS_RING % {"ring": "#1565c0", "on_ring": "#ffffff"})


class ShortcutsDialog(QDialog):
    """Every keyboard shortcut on one sheet (F1)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        table = QTableWidget(len(SHORTCUTS), 2)
        table.setAccessibleName("Keyboard shortcuts")
        table.setHorizontalHeaderLabels(["Keys", "Action"])
        table.verticalHeader().setVisible(False)
        for r, (keys, action) in enumerate(SHORTCUTS):
            table.setItem(r, 0, QTableWidgetItem(keys))
            table.setItem(r, 1, QTableWidgetItem(action))
        table.resizeColumnsToContents()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table = table
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.resize(620, 520)
