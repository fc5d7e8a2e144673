"""Text size, high contrast and a focus ring you can always see; the shortcuts sheet."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QSize, Qt, Signal, SignalInstance
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from emosign_desktop.ui.scaled_style import scaled_style

TEXT_SCALES = (100, 125, 150, 175, 200)
_BASE_POINT_SIZE: list[float] = []
#: What :func:`apply_appearance` last applied: text size (percent) and high contrast.
_CURRENT = {"scale": 100, "contrast": False}
#: True while the application's font, palette or style sheet is being set: Qt is then
#: restyling every widget, and a widget must not create or delete graphics items (a plot
#: waits for :func:`appearance_changed`, told once Qt has finished).
_APPLYING = [False]


class _Notifier(QObject):
    changed = Signal()


_NOTIFIER: list[_Notifier] = []


def appearance_changed() -> SignalInstance:
    """Emitted after the text size or the contrast changed, once every widget has its new
    font and palette (a slot of a QObject is disconnected when that object goes)."""
    if not _NOTIFIER:
        _NOTIFIER.append(_Notifier())
    return _NOTIFIER[0].changed


def applying() -> bool:
    """True while Qt restyles every widget for a new text size or contrast."""
    return _APPLYING[0]

FOCUS_RING = """
QPushButton:focus, QToolButton:focus, QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus,
QAbstractSpinBox:focus, QComboBox:focus, QListView:focus, QTableView:focus, QSlider:focus,
QTabBar::tab:focus, QTextBrowser:focus, QTreeView:focus {
    outline: none; border: 3px solid %(ring)s; border-radius: 3px;
}
QRadioButton:focus, QCheckBox:focus {
    background: %(ring)s; color: %(on_ring)s; border-radius: 3px;
}
"""
HIGH_CONTRAST = """
QWidget { border-color: #ffffff; }
QPushButton, QToolButton { border: 1px solid #ffffff; padding: 3px; }
QLineEdit, QPlainTextEdit, QTextEdit, QTextBrowser, QAbstractSpinBox, QComboBox, QListView,
QTableView { border: 1px solid #ffffff; }
QRadioButton::indicator, QCheckBox::indicator {
    width: %(indicator)dpx; height: %(indicator)dpx; border: 2px solid #ffffff;
    background: #000000; }
QRadioButton::indicator { border-radius: %(radius)dpx; }
QRadioButton::indicator:checked, QCheckBox::indicator:checked { background: #ffe600; }
QRadioButton:checked, QCheckBox:checked {
    background: #ffffff; color: #000000; font-weight: bold; border-radius: 3px; }
QSlider::groove:horizontal { height: 4px; background: #ffffff; }
QSlider::handle:horizontal { background: #ffe600; width: 12px; margin: -6px 0; }
QTableView, QListView { gridline-color: #ffffff; }
"""
#: The colour of the focus ring (normal, high contrast); views that paint themselves use it.
RING = {False: "#1565c0", True: "#ffe600"}

@dataclass(frozen=True)
class Shortcut:
    """One line of the shortcuts sheet: the keys, what they do, and where they act.
    ``native`` keys belong to a kind of control (arrows in a list) rather than to a shortcut
    of ours."""

    keys: tuple[str, ...]
    action: str
    where: str = "anywhere"
    native: bool = False


#: Where a player key is not the player's: in its Frame box, the arrows, Home and End edit.
_BOX_KEEPS = "(in its Frame box, a text box, they edit the number)"
#: Where the keys of cue proposals act (``proposal_texts.WHERE`` says the same).
_PROPOSAL_KEYS_ACT = "player, Segments tab, Landmarks tab (and the tab's header)"
SHORTCUTS = (
    Shortcut(("Space",), "play / pause", "player"),
    Shortcut(("Left", "Right"), "one frame back / forward", f"player {_BOX_KEEPS}"),
    Shortcut(("Shift+Left", "Shift+Right"), "one second back / forward",
             f"player {_BOX_KEEPS}"),
    Shortcut(("Home", "End"), "first / last frame", f"player {_BOX_KEEPS}"),
    Shortcut(("J", "K", "L"), "play backward / pause / play forward (L again: faster, up to 2×)",
             "player"),
    Shortcut(("I", "O"), "mark in / mark out: creates a segment on the chosen tier, then asks "
             "for its value", "player"),
    Shortcut(("R",), "draw the selected segment's region on the video", "player"),
    Shortcut(("Delete",), "delete the selected segment",
             "player or tier editor (a text box there keeps it)"),
    Shortcut(("Ctrl+Shift+P",), "propose cues for this video / hide them"),
    Shortcut(("N", "P"), "next / previous cue proposal (the playhead goes to its start)",
             _PROPOSAL_KEYS_ACT),
    Shortcut(("A", "X"), "accept / reject the selected cue proposal", _PROPOSAL_KEYS_ACT),
    Shortcut(("[", "]"), "the selected proposal starts / ends at the playhead",
             _PROPOSAL_KEYS_ACT),
    Shortcut(("0", "1", "2", "3"), "choose that value", "an emotion row", native=True),
    Shortcut(("Left", "Right"), "move within the row", "an emotion row", native=True),
    Shortcut(("Up", "Down"), "move within the sentiment choices, or a list", "labels, lists",
             native=True),
    Shortcut(("Tab", "Shift+Tab"), "next / previous control (leaves lists and tables)",
             native=True),
    Shortcut(("F6", "Shift+F6"), "next / previous group: videos, player, tabs, labels"),
    Shortcut(("Alt+letter",), "the control, tab or menu whose letter is underlined",
             native=True),
    Shortcut(("Ctrl+Return",), "Done, next video", "labels"),
    Shortcut(("Ctrl+Z", "Ctrl+Shift+Z"), "undo / redo (the Edit menu names the step)",
             "anywhere (a text box keeps them for its own text)"),
    Shortcut(("Ctrl+F",), "find a video"),
    Shortcut(("Ctrl+N", "Ctrl+O", "Ctrl+Q"), "new / open project, quit"),
    Shortcut(("Ctrl+Shift+A",), "add videos"),
    Shortcut(("Ctrl+I", "Ctrl+E"), "import / export the EmoSign CSV"),
    Shortcut(("Ctrl+Shift+E", "Ctrl+Shift+M"), "export my annotations / merge packs"),
    Shortcut(("Ctrl+Shift+G",), "agreement between annotators"),
    Shortcut(("Ctrl++", "Ctrl+-"), "larger / smaller text (100-200 %)"),
    Shortcut(("Ctrl+Shift+H",), "high contrast on / off"),
    Shortcut(("F1", "?"), "this sheet", "anywhere (in a text box ? is typed: F1 there)"),
)


def base_point_size() -> float:
    """The platform's text size (what 100 % means)."""
    app = QApplication.instance()
    if not _BASE_POINT_SIZE:
        size = app.font().pointSizeF() if isinstance(app, QApplication) else 10.0
        _BASE_POINT_SIZE.append(size if size > 0 else 10.0)
    return _BASE_POINT_SIZE[0]


def point_size(percent: int | None = None) -> float:
    """The text size in points for ``percent`` (the current setting when None)."""
    scale = _CURRENT["scale"] if percent is None else percent
    return base_point_size() * min(200, max(100, int(scale))) / 100


def focus_ring_color() -> str:
    """The focus ring's colour in the current theme."""
    return RING[bool(_CURRENT["contrast"])]


def indicator_sheet_sizes() -> dict[str, int]:
    """A radio button's or check box's indicator at the current text size, in pixels, and
    the corner radius that draws a radio button's round (the 2 px border included)."""
    side = round(14 * _CURRENT["scale"] / 100)
    return {"indicator": side, "radius": side // 2 + 2}


def apply_appearance(percent: int | None = None, high_contrast: bool | None = None) -> None:
    """Text size (100-200 %) and contrast for every window, live.

    The size goes into the application font *and* the style sheet: with a style sheet set,
    Qt does not pass a new application font on to widgets that exist already, so the sheet
    carries the size to every widget, menu and dialog at once.
    """
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    if percent is not None:
        _CURRENT["scale"] = min(200, max(100, int(percent)))
    if high_contrast is not None:
        _CURRENT["contrast"] = bool(high_contrast)
    contrast = bool(_CURRENT["contrast"])
    size = point_size()
    font = QFont(app.font())
    font.setPointSizeF(size)
    if contrast:
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
    else:
        p = app.style().standardPalette()
    ring = {"ring": RING[contrast], "on_ring": "#000000" if contrast else "#ffffff"}
    sheet = f"* {{ font-size: {size:.1f}pt; }}\n" + (
        HIGH_CONTRAST % indicator_sheet_sizes() if contrast else "")
    sheet += FOCUS_RING % ring  # last: the focus ring wins over the borders above
    # Each of these restyles every widget of the application (a new style sheet: over a
    # second for a window's widgets): only what changed is set again.
    _APPLYING[0] = True
    try:
        style, installed = scaled_style(app)  # once: indicators and titles grow with the text
        style.scale = _CURRENT["scale"] / 100  # (a new scale comes with a new sheet)
        changed = (installed or app.palette() != p, app.font() != font,
                   app.styleSheet() != sheet)
        if changed[0]:
            app.setPalette(p)
        if changed[1]:
            app.setFont(font)
        if changed[2]:
            app.setStyleSheet(sheet)
    finally:
        _APPLYING[0] = False
    if any(changed):
        appearance_changed().emit()


def apply_text_scale(percent: int) -> None:
    """Scale the application's text (100-200 %), live."""
    apply_appearance(percent=percent)


def apply_theme(high_contrast: bool) -> None:
    """High contrast: white on black, yellow selection and focus.  Otherwise the platform's
    palette with a thick blue focus ring."""
    apply_appearance(high_contrast=high_contrast)


class ShortcutsDialog(QDialog):
    """Every keyboard shortcut on one sheet (F1)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        table = QTableWidget(len(SHORTCUTS), 3)
        table.setAccessibleName("Keyboard shortcuts")
        table.setHorizontalHeaderLabels(["Keys", "Action", "Where the focus is"])
        table.verticalHeader().setVisible(False)
        table.setTabKeyNavigation(False)
        for r, shortcut in enumerate(SHORTCUTS):
            table.setItem(r, 0, QTableWidgetItem(" / ".join(shortcut.keys)))
            table.setItem(r, 1, QTableWidgetItem(shortcut.action))
            table.setItem(r, 2, QTableWidgetItem(shortcut.where))
        table.setWordWrap(True)  # at 200 % text every column stays in sight: rows grow
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table = table
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        from emosign_desktop.ui.dialog_size import fit_to_screen

        metrics = self.fontMetrics()  # the three columns' titles whole at any text size
        fit_to_screen(self, QSize(max(820, metrics.averageCharWidth() * 90),
                                  max(560, metrics.lineSpacing() * 26)))
