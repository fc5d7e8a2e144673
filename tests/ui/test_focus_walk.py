"""Focus always visible and on a control (issue 23, item 2): F6 and Tab, at 100 % and 200 %
text on a laptop's 1366x768, land only on controls (never a bare scroll area, a viewport or
a container), each shown on screen (scrolled into view inside its scroll area) and drawn
with the focus ring; F6 reaches the label panel's first sentiment choice directly."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QFrame,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QTabBar,
    QTextEdit,
    QWidget,
)

from emosign_desktop.core.schema import SENTIMENT
from emosign_desktop.ui.appearance import apply_appearance, focus_ring_color
from emosign_desktop.ui.main_window import MainWindow
from emosign_desktop.ui.player.video_view import VideoView
from tests.conftest import demo_copy
from tests.ui.windows import build_window

SCALES = [100, 200]
#: What a person can act on with keys: the kinds of control the window has.
CONTROLS = (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit,
            QTextEdit, QAbstractItemView, QAbstractSlider, QTabBar, VideoView)


@pytest.fixture
def demo(tmp_path):
    return demo_copy(tmp_path)


@pytest.fixture(autouse=True)
def _normal_text():
    yield
    apply_appearance(100, False)  # the application is shared by the tests


def make_window(qtbot, demo, scale: int) -> MainWindow:
    w = build_window(qtbot, demo, video="pose_test_video", text_scale=scale,
                     size=(1366, 768))
    QApplication.processEvents()
    w.balance_docks()
    QApplication.processEvents()
    return w


def press(qtbot, key: Qt.Key, shift: bool = False) -> QWidget:
    """``key`` where the focus is; the widget that has the focus after it (its moves
    done)."""
    modifier = Qt.KeyboardModifier.ShiftModifier if shift else Qt.KeyboardModifier.NoModifier
    before = QApplication.focusWidget()
    assert before is not None, "nothing has the focus"
    qtbot.keyClick(before, key, modifier)
    QApplication.processEvents()
    focus = QApplication.focusWidget()
    assert focus is not None, f"{key.name} left nothing with the focus"
    return focus


def describe(widget: QWidget) -> str:
    return f"{type(widget).__name__} {widget.accessibleName() or widget.objectName()!r}"


def problem_with(window: MainWindow, widget: QWidget) -> str | None:
    """Why ``widget`` is not a control that shows, or None when it is one."""
    parent = widget.parentWidget()
    if isinstance(widget, QScrollArea):
        return "a bare scroll area"
    if isinstance(parent, QAbstractScrollArea) and parent.viewport() is widget:
        return "a scroll area's viewport"
    if type(widget) in (QWidget, QFrame) or not isinstance(widget, CONTROLS):
        return "not a control"
    if not window.isAncestorOf(widget):
        return "outside the window"
    if widget.visibleRegion().isEmpty():
        return "not shown (empty visible region)"
    if not window.rect().intersects(QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())):
        return "outside the window's rectangle"
    while parent is not None:
        if isinstance(parent, QScrollArea) and parent.widget() is not None \
                and parent.widget().isAncestorOf(widget):
            port = parent.viewport()
            where = QRect(widget.mapTo(port, QPoint(0, 0)), widget.size())
            if not _shows_in(where, port.rect()):
                return f"scrolled out of view: {where} in a viewport of {port.size()}"
        parent = parent.parentWidget()
    return None


def _shows_in(where: QRect, port: QRect) -> bool:
    """Whole when it fits in the viewport; from its start when it is larger than that."""
    horizontal = (port.left() <= where.left() and where.right() <= port.right()) if \
        where.width() <= port.width() else where.left() >= port.left() - 1 \
        and where.left() < port.right()
    vertical = (port.top() <= where.top() and where.bottom() <= port.bottom()) if \
        where.height() <= port.height() else where.top() >= port.top() - 1 \
        and where.top() < port.bottom()
    return horizontal and vertical


def _ring_coloured(widget: QWidget) -> int:
    """How many pixels of the focus ring's colour the widget draws now."""
    ring = QColor(focus_ring_color())
    image = widget.grab().toImage()
    count = 0
    for y in range(image.height()):
        for x in range(image.width()):
            c = image.pixelColor(x, y)
            if (abs(c.red() - ring.red()) + abs(c.green() - ring.green())
                    + abs(c.blue() - ring.blue())) < 60:
                count += 1
    return count


def ring_pixels(widget: QWidget) -> int:
    """How many pixels of the ring's colour the focus adds to ``widget`` (which has it)."""
    focused = _ring_coloured(widget)
    widget.clearFocus()
    QApplication.processEvents()
    unfocused = _ring_coloured(widget)
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    QApplication.processEvents()
    assert QApplication.focusWidget() is widget
    return focused - unfocused


def check(window: MainWindow, widget: QWidget, step: str, rings: dict[type, int]) -> None:
    problem = problem_with(window, widget)
    assert problem is None, f"{step}: the focus is on {describe(widget)}: {problem}"
    kind = type(widget)
    if kind not in rings:  # each kind of control once: its focus ring can be seen
        rings[kind] = ring_pixels(widget)
        ringed = widget.tabRect(widget.currentIndex()) if isinstance(widget, QTabBar) \
            else widget.rect()  # a tab bar rings its current tab
        assert rings[kind] >= ringed.width() + ringed.height(), \
            f"{step}: {describe(widget)} shows no focus ring ({rings[kind]} pixels)"


def group_of(window: MainWindow, widget: QWidget) -> str | None:
    return next((name for name, group in window.groups()
                 if group is widget or group.isAncestorOf(widget)), None)


@pytest.mark.parametrize("scale", SCALES)
def test_f6_lands_on_each_groups_first_control_shown_with_its_ring(qtbot, demo, scale):
    w = make_window(qtbot, demo, scale)
    labels = w.labels
    labels.scroll_area.verticalScrollBar().setValue(
        labels.scroll_area.verticalScrollBar().maximum())  # Sentiment scrolled away
    w.videos.table.setFocus()
    rings: dict[type, int] = {}
    seen = []
    for i in range(10):
        focus = press(qtbot, Qt.Key.Key_F6)
        check(w, focus, f"F6 #{i + 1}", rings)
        seen.append(group_of(w, focus))
        if seen[-1] == "Labels":
            assert focus is labels.groups[SENTIMENT].buttons()[0], describe(focus)
    assert seen[:4] == ["Player", "Below the player", "Labels", "Videos"]
    for i in range(10):
        focus = press(qtbot, Qt.Key.Key_F6, shift=True)
        check(w, focus, f"Shift+F6 #{i + 1}", rings)
    # from the player, Sentiment is two F6 away (it took 20 Shift+Tabs)
    w.details.player.view.setFocus()
    press(qtbot, Qt.Key.Key_F6)
    focus = press(qtbot, Qt.Key.Key_F6)
    assert focus is labels.groups[SENTIMENT].buttons()[0]
    assert rings[type(focus)] > 0


def test_f6_into_labels_lands_on_the_chosen_sentiment(qtbot, demo):
    w = make_window(qtbot, demo, 100)
    chosen = w.labels.groups[SENTIMENT].buttons()[4]
    chosen.click()
    w.details.tabs.tabBar().setFocus()
    focus = press(qtbot, Qt.Key.Key_F6)
    assert focus is chosen


@pytest.mark.parametrize("scale", SCALES)
def test_tab_and_shift_tab_land_on_controls_scrolled_into_view(qtbot, demo, scale):
    w = make_window(qtbot, demo, scale)
    w.videos.table.setFocus()
    rings: dict[type, int] = {}
    groups = set()
    for i in range(60):
        focus = press(qtbot, Qt.Key.Key_Tab)
        check(w, focus, f"Tab #{i + 1}", rings)
        groups.add(group_of(w, focus))
    assert groups == {"Videos", "Player", "Below the player", "Labels"}
    for i in range(30):
        focus = press(qtbot, Qt.Key.Key_Tab, shift=True)
        check(w, focus, f"Shift+Tab #{i + 1}", rings)


@pytest.mark.parametrize("scale", SCALES)
def test_tab_from_outside_scrolls_the_first_sentiment_choice_into_view(qtbot, demo, scale):
    w = make_window(qtbot, demo, scale)
    area = w.labels.scroll_area
    bar = area.verticalScrollBar()
    assert bar.maximum() > 0, "the label panel should scroll on a 1366x768 screen"
    bar.setValue(bar.maximum())
    first = w.labels.groups[SENTIMENT].buttons()[0]
    assert problem_with(w, first) is not None  # scrolled out of view
    before = first.previousInFocusChain()
    while not (before.focusPolicy() & Qt.FocusPolicy.TabFocus and before.isVisible()):
        before = before.previousInFocusChain()
    before.setFocus()
    focus = press(qtbot, Qt.Key.Key_Tab)
    assert focus is first
    assert problem_with(w, focus) is None
    # and back out from the bottom: Shift+Tab from the Done button shows the last one
    bar.setValue(0)
    w.labels.done_button.setFocus()
    focus = press(qtbot, Qt.Key.Key_Tab, shift=True)
    assert focus is w.labels.skip
    assert problem_with(w, focus) is None


def test_tab_goes_through_every_tab_below_the_player(qtbot, demo):
    w = make_window(qtbot, demo, 200)
    tabs = w.details.tabs
    rings: dict[type, int] = {}
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        QApplication.processEvents()
        tabs.tabBar().setFocus()
        for i in range(12):
            focus = press(qtbot, Qt.Key.Key_Tab)
            check(w, focus, f"tab {tabs.tabText(index)!r}, Tab #{i + 1}", rings)
            if group_of(w, focus) != "Below the player":
                break


def test_no_scroll_area_with_controls_takes_the_focus(qtbot, demo):
    w = make_window(qtbot, demo, 100)
    w.show_agreement()
    w.show_model_review()
    QApplication.processEvents()
    areas = w.findChildren(QScrollArea)
    assert len(areas) >= 3
    bare = []
    for area in areas:
        content = area.widget()
        controls = [c for c in (content.findChildren(QWidget) if content is not None else [])
                    if c.focusPolicy() & Qt.FocusPolicy.TabFocus]
        if controls and area.focusPolicy() != Qt.FocusPolicy.NoFocus:
            bare.append(f"{type(area).__name__} {area.accessibleName()!r} around "
                        f"{describe(content)}")
    assert bare == []
