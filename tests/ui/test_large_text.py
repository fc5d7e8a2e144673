"""200 % text on a laptop's 1366x768 leaves the signer's face in sight: the video keeps a
fifth of the window, tab labels are whole (or elided with their text as tooltip), radio
buttons, check boxes and dock titles grow with the text, the label panel cuts nothing, high
contrast draws radio buttons round and leaves no stale scroll bar, and nothing but the
overlays the user turned on is drawn over the picture."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QLabel,
    QRadioButton,
    QScrollBar,
    QStyle,
    QStyleOptionButton,
    QTabBar,
    QToolButton,
    QWidget,
)

from emosign_desktop.settings import UserSettings
from emosign_desktop.ui.appearance import apply_appearance, focus_ring_color
from emosign_desktop.ui.fitting import ElidedLabel
from emosign_desktop.ui.main_window import MainWindow
from emosign_desktop.ui.scaled_style import SHORT_TAB, mnemonic_free
from tests.conftest import demo_copy
from tests.ui.windows import build_window

LAPTOP = (1366, 768)
TAB_PADDING = 8  # the style's room on either side of a tab's text


@pytest.fixture(autouse=True)
def _normal_text():
    yield
    apply_appearance(100, False)  # the application is shared by the tests


def laptop_window(qtbot, tmp_path, scale: int, contrast: bool = False) -> MainWindow:
    settings = UserSettings(annotator="kim", text_scale=scale, high_contrast=contrast)
    w = build_window(qtbot, demo_copy(tmp_path), video="pose_test_video", settings=settings,
                     size=LAPTOP)
    QApplication.processEvents()
    w.balance_docks()
    QApplication.processEvents()
    return w


def visible_horizontal_bars(window: QWidget) -> set[int]:
    return {id(b) for b in window.findChildren(QScrollBar)
            if b.isVisible() and b.orientation().name == "Horizontal"}


@pytest.mark.parametrize("contrast", [False, True], ids=["normal", "high-contrast"])
def test_the_video_keeps_a_fifth_of_the_window_at_200(qtbot, tmp_path, contrast):
    w = laptop_window(qtbot, tmp_path, 200, contrast)
    player = w.details.player
    line = getattr(player, "keys_line", None)
    if line is not None:
        line.show()  # as while the video has the focus: its line takes its room
        QApplication.processEvents()
    view = player.view
    share = view.width() * view.height() / (w.width() * w.height())
    assert share >= 0.20, f"the video has {share:.1%} of the window ({view.size()})"
    # and not by squeezing the label panel: it shows whole
    assert not w.labels.scroll_area.horizontalScrollBar().isVisible()


@pytest.mark.parametrize("contrast", [False, True], ids=["normal", "high-contrast"])
def test_tab_labels_are_whole_or_elided_with_their_text_as_tooltip(qtbot, tmp_path,
                                                                    contrast):
    w = laptop_window(qtbot, tmp_path, 200, contrast)
    bars = [b for b in w.findChildren(QTabBar) if b.isVisible()]
    assert bars
    for bar in bars:
        bar.grab()  # painted once, as on screen
        arrows = [b for b in bar.findChildren(QToolButton) if b.isVisible()]
        assert not arrows, "tabs scroll: the tab at the edge is drawn cut"
        metrics = bar.fontMetrics()
        for i in range(bar.count()):
            text, rect = mnemonic_free(bar.tabText(i)), bar.tabRect(i)
            assert bar.rect().contains(rect), f"{text!r} lies partly outside its tab bar"
            fits = metrics.horizontalAdvance(text) <= rect.width() - TAB_PADDING
            elided = (bar.elideMode().name != "ElideNone" and bar.tabToolTip(i) == text)
            assert fits or elided, f"{text!r} is cut in a tab {rect.width()} px wide"
    tabs = w.details.tabs.tabBar()  # short labels stay whole, the long ones give way
    metrics = tabs.fontMetrics()
    for i in range(tabs.count()):
        text = mnemonic_free(tabs.tabText(i))
        if len(text) <= SHORT_TAB:
            assert metrics.horizontalAdvance(text) <= tabs.tabRect(i).width() - TAB_PADDING, text


def test_indicators_and_dock_titles_grow_with_the_text(qtbot, tmp_path):
    w = laptop_window(qtbot, tmp_path, 100)
    radio, check = w.labels.findChildren(QRadioButton)[0], w.labels.skip

    def sizes() -> tuple[int, int, int]:
        QApplication.processEvents()
        return (radio.style().pixelMetric(QStyle.PixelMetric.PM_ExclusiveIndicatorWidth,
                                          None, radio),
                check.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, check),
                w.labels_dock.widget().geometry().top())  # below the dock's title

    small = sizes()
    apply_appearance(200, False)
    large = sizes()
    assert 1.8 * small[0] <= large[0] <= 2.2 * small[0]
    assert 1.8 * small[1] <= large[1] <= 2.2 * small[1]
    assert large[2] >= 1.6 * small[2], "the dock's title did not grow with the text"


@pytest.mark.parametrize("contrast", [False, True], ids=["normal", "high-contrast"])
def test_the_label_panel_cuts_no_text_at_200(qtbot, tmp_path, contrast):
    w = laptop_window(qtbot, tmp_path, 200, contrast)
    panel = w.labels
    assert not panel.scroll_area.horizontalScrollBar().isVisible()
    kinds = (QRadioButton, QCheckBox, QLabel)
    shown = [c for c in panel.findChildren(QWidget)
             if isinstance(c, kinds) and c.isVisibleTo(panel) and not isinstance(c, ElidedLabel)]
    assert len(shown) > 40
    for c in shown:
        if isinstance(c, QLabel) and c.wordWrap():
            assert c.heightForWidth(c.width()) <= c.height() + 1, c.text()
        else:
            assert c.sizeHint().width() <= c.width(), (c.text(), c.sizeHint(), c.size())
    # more than the 3 emotion rows of before show without scrolling
    port = panel.scroll_area.viewport()
    names = {e.display_name for e in w.workspace.queries.schema.emotions}
    rows = [r for r in panel.body.findChildren(QWidget) if r.accessibleName() in names
            and not isinstance(r, QLabel)]
    seen = [r.accessibleName() for r in rows
            if port.rect().contains(QRect(r.mapTo(port, QPoint(0, 0)), r.size()))]
    assert len(rows) == len(names) and len(seen) >= 4, seen


def test_high_contrast_draws_radio_buttons_round_and_leaves_no_scroll_bar(qtbot, tmp_path):
    w = laptop_window(qtbot, tmp_path, 200)
    before = visible_horizontal_bars(w)
    apply_appearance(200, True)
    for _ in range(3):
        QApplication.processEvents()
    assert not w.labels.scroll_area.horizontalScrollBar().isVisible(), "cut in high contrast"
    radio = w.labels.findChildren(QRadioButton)[0]
    option = QStyleOptionButton()
    radio.initStyleOption(option)
    ring = radio.style().subElementRect(QStyle.SubElement.SE_RadioButtonIndicator, option,
                                        radio)
    image = radio.grab().toImage()
    corner = QColor(image.pixel(ring.topLeft() + QPoint(1, 1)))
    side = QColor(image.pixel(QPoint(ring.center().x(), ring.top() + 1)))
    assert side.lightness() > 200, "the indicator's border is not where it should be"
    assert corner.lightness() < 100, "a square indicator: its corner is drawn"
    apply_appearance(200, False)
    for _ in range(3):
        QApplication.processEvents()
    assert visible_horizontal_bars(w) <= before


def test_nothing_is_drawn_over_the_picture_but_the_overlays_turned_on(qtbot, tmp_path):
    w = laptop_window(qtbot, tmp_path, 200)
    player = w.details.player
    view = player.view
    w.details.landmarks.overlay.parts = dict.fromkeys(w.details.landmarks.overlay.parts,
                                                      False)
    w.activateWindow()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    # the view's top-left, where the caption used to be painted: no ring colour there
    image = view.grab().toImage()
    ring = QColor(focus_ring_color()).rgb()
    painted = [(x, y) for x in range(8, 300, 2) for y in range(8, 30, 2)
               if image.pixel(x, y) == ring]
    assert not painted, "something is drawn over the top of the video"
    line = player.keys_line  # what the player's keys do: said on a line under the video
    qtbot.waitUntil(line.isVisible)
    assert "Player keys on" in line.text()
    assert line.heightForWidth(line.width()) <= line.height() + 1  # whole, not cut
    assert not [c for c in view.findChildren(QWidget) if c.isVisible()]
    where = QRect(line.mapTo(w, QPoint(0, 0)), line.size())
    assert not where.intersects(QRect(view.mapTo(w, QPoint(0, 0)), view.size()))
    view.clearFocus()
    qtbot.waitUntil(lambda: not line.isVisible())
