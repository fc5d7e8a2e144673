"""Each dialog the menus open fits a 1366x768 laptop at 200 % text (and high contrast): no
horizontal scroll bar, every label, button, list item and header section shows its text
whole (or elides it with the whole text in its tooltip), and the dialog within the screen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QHeaderView,
    QLabel,
    QListWidget,
    QScrollBar,
    QStyle,
    QWidget,
)

from emosign_desktop.settings import UserSettings
from emosign_desktop.ui import dialog_size
from emosign_desktop.ui.appearance import apply_appearance
from tests.conftest import demo_copy
from tests.ui.test_alt_letters import _dialogs
from tests.ui.windows import build_window

LAPTOP = QRect(0, 0, 1366, 768)
NAMES = ["tiers", "detector settings", "server project", "shortcuts", "about", "conflicts",
         "mark gold"]


@pytest.fixture(autouse=True)
def _normal_text() -> Iterator[None]:
    yield
    apply_appearance(100, False)  # the application is shared by the tests


@pytest.fixture
def laptop(monkeypatch: pytest.MonkeyPatch) -> None:
    """The dialogs size themselves for a 1366x768 screen (the offscreen one is 800x800)."""
    monkeypatch.setattr(dialog_size, "available", lambda _widget: QRect(LAPTOP))


def _shown(root: QWidget, kind: type[QWidget]) -> Iterator[QWidget]:
    for widget in root.findChildren(kind):
        if widget.isVisibleTo(root):
            yield widget


def _elided(widget_tip: str, text: str) -> bool:
    """Cut text is allowed only when the tooltip gives it whole."""
    return bool(text) and text in widget_tip


def _cut_bars(dialog: QWidget) -> Iterator[str]:
    for bar in _shown(dialog, QScrollBar):
        assert isinstance(bar, QScrollBar)
        if bar.orientation() == Qt.Orientation.Horizontal:
            yield f"a horizontal scroll bar in {type(bar.parent().parent()).__name__}"


def _cut_labels(dialog: QWidget) -> Iterator[str]:
    for label in _shown(dialog, QLabel):
        assert isinstance(label, QLabel)
        text = label.text()
        if not text or _elided(label.toolTip(), text):
            continue
        if label.wordWrap():
            if label.heightForWidth(label.width()) > label.height():
                yield (f"label {text!r}: {label.heightForWidth(label.width())} px tall "
                       f"in {label.height()}")
        elif label.sizeHint().width() > label.width():
            yield f"label {text!r}: {label.sizeHint().width()} px in {label.width()}"


def _cut_buttons(dialog: QWidget) -> Iterator[str]:
    for button in _shown(dialog, QAbstractButton):
        assert isinstance(button, QAbstractButton)
        text = button.text()
        if text and button.sizeHint().width() > button.width() and not _elided(
                button.toolTip(), text):
            yield f"button {text!r}: {button.sizeHint().width()} px in {button.width()}"


def _cut_items(dialog: QWidget) -> Iterator[str]:
    for view in _shown(dialog, QListWidget):
        assert isinstance(view, QListWidget)
        metrics = view.fontMetrics()
        for row in range(view.count()):
            item = view.item(row)
            room = min(view.visualItemRect(item).width(), view.viewport().width()) - 6
            need = metrics.horizontalAdvance(item.text())
            if need > room and not _elided(item.toolTip(), item.text()):
                yield f"list item {item.text()!r}: {need} px in {room}"


def _cut_sections(dialog: QWidget) -> Iterator[str]:
    for header in _shown(dialog, QHeaderView):
        assert isinstance(header, QHeaderView)
        model = header.model()
        margin = 2 * header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None,
                                                header)
        for i in range(header.count()):
            if header.isSectionHidden(i):
                continue
            text = str(model.headerData(i, header.orientation()) or "")
            tip = str(model.headerData(i, header.orientation(),
                                       Qt.ItemDataRole.ToolTipRole) or "")
            need = header.fontMetrics().horizontalAdvance(text) + margin
            if need > header.sectionSize(i) and not _elided(tip, text):
                yield f"header {text!r}: {need} px in {header.sectionSize(i)}"


def cut_texts(dialog: QWidget) -> list[str]:
    """What ``dialog`` shows cut: horizontal scroll bars, and labels, buttons, list items
    and header sections whose text is wider (or taller) than their room."""
    return [*_cut_bars(dialog), *_cut_labels(dialog), *_cut_buttons(dialog),
            *_cut_items(dialog), *_cut_sections(dialog)]


@pytest.mark.parametrize("contrast", [False, True], ids=["200", "200 high contrast"])
@pytest.mark.parametrize("name", NAMES)
def test_a_dialog_fits_a_laptop_at_200_percent(qtbot, tmp_path, laptop, name, contrast):
    settings = UserSettings(annotator="kim", text_scale=200, high_contrast=contrast)
    w = build_window(qtbot, demo_copy(tmp_path), video="pose_test_video", size=(1366, 768),
                     settings=settings)
    dialog = _dialogs(w)[name]()
    assert isinstance(dialog, QDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.isVisible)
    QApplication.processEvents()
    assert dialog.width() <= LAPTOP.width() and dialog.height() <= LAPTOP.height()
    assert cut_texts(dialog) == []
    dialog.close()


def test_the_check_sees_cut_text(qtbot):
    """A label and a list narrower than their text, and a horizontal scroll bar."""
    root = QDialog()
    qtbot.addWidget(root)
    label = QLabel("A label far too long for its width", root)
    label.setGeometry(0, 0, 40, 30)
    names = QListWidget(root)
    names.addItems(["Emotion cue", "Facial grammar"])
    names.setGeometry(0, 40, 70, 120)
    root.resize(200, 200)
    root.show()
    qtbot.waitUntil(root.isVisible)
    QApplication.processEvents()
    found = cut_texts(root)
    assert any(f.startswith("label 'A label") for f in found)
    assert any(f.startswith("list item 'Facial grammar'") for f in found)
    assert any(f.startswith("a horizontal scroll bar") for f in found)
    label.setToolTip(label.text())  # elided, whole in its tooltip: allowed
    assert not any(f.startswith("label") for f in cut_texts(root))
