"""Alt letters: among the buttons, buddied labels, group boxes, tab bars, dock titles and
menus shown at once, no letter is underlined twice (Alt+letter would land on the first one,
or need a second press); at 100 % and 200 % text, with each tab below the player current in
turn, and in each dialog the menus open."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QGroupBox,
    QLabel,
    QPushButton,
    QTabBar,
    QWidget,
)

from emosign_desktop.ui.appearance import apply_appearance
from emosign_desktop.ui.main_window import MainWindow
from tests.conftest import demo_copy
from tests.ui.windows import build_window


@pytest.fixture(autouse=True)
def _normal_text() -> Iterator[None]:
    yield
    apply_appearance(100, False)  # the application is shared by the tests


def mnemonic(text: str) -> str | None:
    """The letter ``&`` underlines in ``text`` (``&&`` is a plain ampersand), lower case."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] != "&":
                return text[i + 1].lower()
            i += 1
        i += 1
    return None


def _as_themed(button: QAbstractButton) -> str:
    """The button's text, with the Alt letter GNOME's and KDE's platform themes give a
    dialog's standard button ("&Cancel", "&Close") where Qt's own gives none."""
    box = button.parent()
    text = button.text()
    if (isinstance(box, QDialogButtonBox) and mnemonic(text) is None and text
            and box.standardButton(button) != QDialogButtonBox.StandardButton.NoButton):
        return "&" + text
    return text


#: What can carry an Alt letter: each kind of widget, and its texts.
KINDS: tuple[tuple[type[QWidget], Callable[[Any], list[str]]], ...] = (
    (QAbstractButton, lambda b: [_as_themed(b)]),
    (QLabel, lambda label: [label.text()] if label.buddy() is not None else []),
    (QGroupBox, lambda box: [box.title()]),
    (QTabBar, lambda bar: [bar.tabText(i) for i in range(bar.count()) if bar.isTabVisible(i)]),
    (QDockWidget, lambda dock: [dock.windowTitle()]),
)


def _texts(root: QWidget) -> Iterator[str]:
    """The texts of what ``root`` shows that can carry an Alt letter, its menu bar's too."""
    for kind, texts in KINDS:
        for widget in root.findChildren(kind):
            if widget.isVisibleTo(root):
                yield from texts(widget)
    if isinstance(root, MainWindow):
        yield from (a.text() for a in root.menuBar().actions() if a.isVisible())


def clashes(root: QWidget) -> list[str]:
    """Each letter used more than once, with the texts that use it."""
    by_letter: dict[str, list[str]] = {}
    for text in _texts(root):
        letter = mnemonic(text)
        if letter is not None:
            by_letter.setdefault(letter, []).append(text)
    return [f"{letter}: {' | '.join(texts)}" for letter, texts in sorted(by_letter.items())
            if len(texts) > 1]


def test_the_finder_sees_a_clash(qtbot):
    root = QWidget()
    qtbot.addWidget(root)
    for text in ("&Save", "&Stop", "Tab&le", "S&&P", "&Open"):
        QPushButton(text, root)
    assert mnemonic("S&&P") is None and mnemonic("Landmarks && s&ignals") == "i"
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, root)
    QPushButton("&Copy", root)
    root.show()
    assert clashes(root) == ["c: &Close | &Copy", "s: &Save | &Stop"]
    assert box.isVisibleTo(root)


@pytest.mark.parametrize("scale", [100, 200])
def test_no_alt_letter_is_used_twice_in_the_window(qtbot, tmp_path, scale):
    w = build_window(qtbot, text_scale=scale, size=(1366, 768))
    QApplication.processEvents()
    found = [f"with no project: {clash}" for clash in clashes(w)]
    assert w.open_project(demo_copy(tmp_path)) and w.select_video("pose_test_video")
    QApplication.processEvents()
    w.balance_docks()
    tabs = w.details.tabs
    for i in range(tabs.count()):
        tabs.setCurrentIndex(i)
        QApplication.processEvents()
        assert tabs.widget(i).isVisibleTo(w)
        assert w.labels.isVisibleTo(w) and w.tier_editor.isVisibleTo(w) == (i == 0)
        found += [f"with {tabs.tabText(i)!r}: {clash}" for clash in clashes(w)]
    tabs.setCurrentIndex(0)  # the Tiers tab: the most controls at once
    w.show_model_review()
    w.show_agreement()
    assert w.agreement is not None and w.agreement_dock is not None
    review = w.agreement.tabs
    for i in range(review.count()):
        review.setCurrentIndex(i)
        QApplication.processEvents()
        assert w.agreement_dock.isVisibleTo(w) and review.widget(i).isVisibleTo(w)
        found += [f"with the agreement dock's {review.tabText(i)!r}: {clash}"
                  for clash in clashes(w)]
    assert found == [], "\n".join(found)


def _dialogs(w: MainWindow) -> dict[str, Callable[[], QDialog]]:
    """The modal dialogs the menus open, built as the menus build them (not shown)."""
    from emosign_desktop.ui.about import AboutDialog
    from emosign_desktop.ui.appearance import ShortcutsDialog
    from emosign_desktop.ui.detector_settings import DetectorSettingsDialog
    from emosign_desktop.ui.review.conflicts_dialog import ConflictsDialog
    from emosign_desktop.ui.review.gold_panel import MarkGoldDialog
    from emosign_desktop.ui.server_project import ServerProjectDialog
    from emosign_desktop.ui.tiers_dialog import TiersDialog

    ws = w.workspace
    return {
        "tiers": lambda: TiersDialog(ws, w),
        "detector settings": lambda: DetectorSettingsDialog(ws, w),
        "server project": lambda: ServerProjectDialog(ws, w),
        "conflicts": lambda: ConflictsDialog([], w),
        "mark gold": lambda: MarkGoldDialog(["pose_test_video"], {}, ["kim"], "kim",
                                            lambda *_a: True, w),
        "shortcuts": lambda: ShortcutsDialog(w),
        "about": lambda: AboutDialog(w),
    }


@pytest.mark.parametrize("name", ["tiers", "detector settings", "server project",
                                  "shortcuts", "about", "conflicts", "mark gold"])
def test_no_alt_letter_is_used_twice_in_a_dialog(qtbot, tmp_path, name):
    w = build_window(qtbot, demo_copy(tmp_path), video="pose_test_video", size=(1366, 768))
    dialog = _dialogs(w)[name]()
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    assert clashes(dialog) == []
    dialog.close()
