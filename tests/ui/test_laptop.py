"""A laptop annotator's first hour: the window fits 1366x768 and 1280x720 at 100 % and 200 %
text, Larger Text scales every dock live, the keyboard never gets trapped, the player's keys
act only where its focus shows, and a new segment asks for its value."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QAction, QFontInfo, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QWidget,
)

from emosign_desktop.services.session import open_session
from emosign_desktop.services.videos import add_named_videos
from emosign_desktop.settings import UserSettings
from emosign_desktop.ui.appearance import SHORTCUTS, ShortcutsDialog, apply_appearance
from emosign_desktop.ui.main_window import MainWindow
from emosign_desktop.ui.tier_editor import NOT_CHOSEN
from tests.conftest import demo_copy
from tests.ui.windows import build_window

LONG_NAME = "asl_" + "very_long_utterance_name_" * 6 + "2024"
SIZES = [(1366, 768), (1280, 720)]


@pytest.fixture
def demo(tmp_path):
    folder = demo_copy(tmp_path)
    with open_session(folder) as s:
        add_named_videos(s, [LONG_NAME])
    return folder


@pytest.fixture(autouse=True)
def _normal_text():
    yield
    apply_appearance(100, False)  # the application is shared by the tests


def make_window(qtbot, demo, scale=100, size=(1366, 768)) -> MainWindow:
    w = build_window(qtbot, demo, video="pose_test_video", text_scale=scale, size=size)
    QApplication.processEvents()
    w.balance_docks()
    QApplication.processEvents()
    return w


def interactive(root: QWidget) -> list[QWidget]:
    kinds = (QAbstractButton, QSpinBox, QPlainTextEdit, QLineEdit, QComboBox)
    return [w for w in root.findChildren(QWidget)
            if isinstance(w, kinds) and w.isVisibleTo(root)
            and not isinstance(w.parent(), QSpinBox | QComboBox)]


def scroll_area_of(widget: QWidget) -> QScrollArea | None:
    parent = widget.parent()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parent()
    return parent


def reachable(window: MainWindow, widget: QWidget) -> bool:
    """The widget lies in the window, or in a scroll area of the window whose scroll range
    covers it; and it is at least as large as its size hint."""
    area = scroll_area_of(widget)
    if area is not None:
        body, port = area.widget(), area.viewport()
        where = QRect(widget.mapTo(body, QPoint(0, 0)), widget.size())
        covered = (area.verticalScrollBar().maximum() >= body.height() - port.height() - 1
                   and area.horizontalScrollBar().maximum() >= body.width() - port.width() - 1)
        if not (covered and body.rect().contains(where.center())):
            return False
        widget = port  # what must lie in the window is the scroll area's window onto it
    top_left = widget.mapTo(window, QPoint(0, 0))
    inside = window.rect().contains(QRect(top_left, widget.size()).center())
    return inside


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("scale", [100, 200])
def test_the_window_fits_a_laptop_and_every_control_can_be_reached(qtbot, demo, size, scale):
    w = make_window(qtbot, demo, scale, size)
    hint = w.minimumSizeHint()
    assert hint.width() <= size[0] and hint.height() <= size[1], hint
    assert (w.width(), w.height()) == size
    controls = interactive(w.labels) + interactive(w.details.player.bar) + \
        interactive(w.tier_editor)
    assert len(controls) > 50
    small = [c for c in controls if c.width() < c.sizeHint().width() - 1
             or c.height() < c.sizeHint().height() - 1]
    assert small == []
    unreachable = [f"{type(c).__name__} '{c.accessibleName()}' at {c.mapTo(w, QPoint(0, 0))}"
                   for c in controls if not reachable(w, c)]
    assert unreachable == []
    w.select_video(LONG_NAME)  # long names elide: the window does not grow
    QApplication.processEvents()
    assert w.minimumSizeHint().width() <= size[0] and w.width() == size[0]
    assert w.labels.heading.text().startswith(LONG_NAME)
    assert w.labels.heading.toolTip().startswith(LONG_NAME)


def _point_size(widget: QWidget) -> float:
    return QFontInfo(widget.font()).pointSizeF()


@pytest.mark.slow  # every widget of the window at each text size
def test_larger_text_scales_every_dock_at_once_and_is_kept(qtbot, demo):
    w = make_window(qtbot, demo)
    player = w.details.player
    widgets = {
        "menu bar": w.menuBar(), "video list": w.videos.table, "filter": w.videos.filter,
        "summary": w.videos.summary, "play button": player.play_button,
        "time code": player.time_label, "frame label": player.frame_label,
        "tier": w.tier_editor.tier, "segment list": w.tier_editor.segments,
        "segment rows": w.details.segment_rows, "side by side": w.details.side_by_side,
        "emotion choice": w.labels.groups["joy"].buttons()[0],
        "done button": w.labels.done_button, "tab bar": w.details.tabs.tabBar(),
    }
    before = {name: _point_size(x) for name, x in widgets.items()}
    for _ in range(4):
        w.set_text_scale(+1)  # 100 -> 200 %, live
    after = {name: _point_size(x) for name, x in widgets.items()}
    for name in widgets:
        assert after[name] == pytest.approx(2 * before[name], rel=0.1), name
    sheet = ShortcutsDialog(w)  # a dialog opened afterwards is large too
    qtbot.addWidget(sheet)
    assert _point_size(sheet.table) == pytest.approx(2 * before["video list"], rel=0.1)
    assert UserSettings.load().text_scale == 200
    apply_appearance(100)
    again = MainWindow(UserSettings.load())  # after a restart
    qtbot.addWidget(again)
    assert _point_size(again.videos.table) == pytest.approx(2 * before["video list"], rel=0.1)


def _group_of(w: MainWindow, widget: QWidget | None) -> str | None:
    for name, group in w.groups():
        if widget is not None and (widget is group or group.isAncestorOf(widget)):
            return name
    return None


@pytest.mark.parametrize("backward", [False, True], ids=["Tab", "Shift+Tab"])
def test_tab_walks_the_whole_window_and_leaves_every_list(qtbot, demo, backward):
    w = make_window(qtbot, demo)
    w.videos.table.setFocus()
    modifier = Qt.KeyboardModifier.ShiftModifier if backward else Qt.KeyboardModifier.NoModifier
    seen: list[str | None] = []
    stuck = 0
    previous = None
    for _ in range(150):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab, modifier)
        focus = QApplication.focusWidget()
        seen.append(_group_of(w, focus))
        stuck = stuck + 1 if focus is previous else 0
        assert stuck < 2, f"Tab is trapped in {focus}"
        previous = focus
    assert {"Videos", "Player", "Below the player", "Labels"} <= set(seen)
    assert w.workspace.video is not None and w.workspace.video.name == "pose_test_video"


def test_f6_cycles_the_groups_and_the_player_shows_its_focus(qtbot, demo):
    w = make_window(qtbot, demo)
    w.videos.table.setFocus()
    order = []
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6)
        order.append(_group_of(w, QApplication.focusWidget()))
    assert order == ["Player", "Below the player", "Labels", "Videos"]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    assert _group_of(w, QApplication.focusWidget()) == "Labels"
    w.cycle_groups(-1)
    w.cycle_groups(-1)
    view = w.details.player.view
    assert view.hasFocus()
    picture = view.grab().toImage()
    ring = picture.pixelColor(1, view.height() // 2)  # the thick focus ring on the edge
    assert ring.name() != "#000000"


def test_player_keys_act_only_where_the_focus_is_on_the_player(qtbot, demo):
    w = make_window(qtbot, demo)
    player, editor = w.details.player, w.tier_editor
    w.videos.table.setFocus()
    for key in (Qt.Key.Key_I, Qt.Key.Key_Right, Qt.Key.Key_Space):
        qtbot.keyClick(w.videos.table, key)
    assert editor.in_mark is None and not player.playhead.playing
    assert player.playhead.current == 0
    player.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_I)
    assert player.playhead.current == 1 and editor.in_mark == 1


def test_ctrl_keys_in_the_list_never_leave_no_video(qtbot, demo):
    w = make_window(qtbot, demo)
    w.videos.table.setFocus()
    for key in (Qt.Key.Key_Tab, Qt.Key.Key_Space, Qt.Key.Key_Down):
        w.videos.table.setFocus()
        qtbot.keyClick(w.videos.table, key, Qt.KeyboardModifier.ControlModifier)
        assert w.workspace.video is not None
        assert w.labels.isEnabled()


def test_i_then_o_asks_for_the_value_and_never_picks_one_silently(qtbot, demo):
    w = make_window(qtbot, demo)
    player, editor = w.details.player, w.tier_editor
    player.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_I)
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_O)
    w.workspace.wait_idle()  # the segment is made on the background writer
    with open_session(demo) as p:
        kim = p._repo.annotator_by_name("kim")
        [seg] = p._repo.segments(annotator_id=kim.id)
    assert (seg.start_frame, seg.end_frame, seg.value) == (0, 3, "")
    assert editor.value.view().isVisible()  # the list of values is open, for the keyboard
    assert editor.value.currentText() == NOT_CHOSEN
    assert NOT_CHOSEN in editor.segments.currentItem().text()
    editor.value.hidePopup()
    assert editor.value.hasFocus()
    editor.value.setCurrentIndex(2)
    editor.value.activated.emit(2)
    w.workspace.wait_idle()
    with open_session(demo) as p:
        chosen = p._repo.segment(seg.id).value
        tier = p._repo.tier(seg.tier_id)
    assert chosen == tier.vocabulary[1]


def test_the_shortcut_sheet_lists_exactly_the_keys_that_work(qtbot, demo):
    w = make_window(qtbot, demo)
    registered = {a.shortcut().toString() for a in w.findChildren(QAction)
                  if not a.shortcut().isEmpty()}
    registered |= {s.key().toString() for s in w.findChildren(QShortcut)}
    listed = {QKeySequence(k).toString() for s in SHORTCUTS if not s.native for k in s.keys}
    assert registered == listed


def test_media_problems_are_told_in_the_app(qtbot, demo, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from emosign_desktop.resources import resource_dir

    w = make_window(qtbot, demo)
    cut = tmp_path / "clip_cut.mp4"
    cut.write_bytes((resource_dir() / "demo" / "pose_test_video.mp4").read_bytes()[:50000])
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warned.append(text))
    from emosign_desktop.ui import actions

    actions.add_videos(w, w.workspace, [str(cut)])
    w.workspace.wait_idle()  # added on the background writer
    assert warned and "only 5 of the 58 frames" in warned[0]
    model = w.videos.model
    row = next(i for i in range(model.rowCount()) if model.row(i).video.name == "clip_cut")
    assert model.index(row, 2).data() == "5 of 58"
    assert model.index(row, 6).data() == "found, cut short"
    assert "only 5 of the 58" in model.index(row, 2).data(Qt.ItemDataRole.ToolTipRole)
    same = tmp_path / "again.mp4"
    same.write_bytes(cut.read_bytes())
    asked: list[str] = []

    def answer(_parent, _title, text, *_args):
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", answer)
    videos = model.rowCount()
    actions.add_videos(w, w.workspace, [str(same)])
    w.workspace.wait_idle()
    assert asked and "again.mp4: same content as clip_cut" in asked[0]
    assert model.rowCount() == videos  # not added without a yes
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a: QMessageBox.StandardButton.Yes)
    actions.add_videos(w, w.workspace, [str(same)])
    w.workspace.wait_idle()
    assert model.rowCount() == videos + 1
