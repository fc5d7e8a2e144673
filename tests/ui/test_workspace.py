"""The annotator's workspace, driven by keys and mouse; the database is checked each time."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QInputDialog

from emosign_desktop.core.model import AnnotationStatus
from emosign_desktop.core.schema import EMOSIGN_SCHEMA
from emosign_desktop.settings import UserSettings
from emosign_desktop.storage import open_project
from emosign_desktop.ui.main_window import MainWindow
from tests.conftest import demo_copy


@pytest.fixture
def demo(tmp_path):
    return demo_copy(tmp_path)


@pytest.fixture
def window(make_window, demo):
    return make_window(demo, video="signbank_ns_1m")  # nobody has labelled it


def annotation(folder, video: str, who: str = "kim"):
    with open_project(folder) as p:
        v = p.repo.video_by_name(video)
        a = p.repo.annotator_by_name(who)
        return p.repo.annotation(v.id, a.id) if a else None


def key(qtbot, k, mod=Qt.KeyboardModifier.NoModifier):
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    qtbot.keyClick(widget, k, mod)


def test_title_names_project_video_and_annotator(window, demo):
    assert window.windowTitle().startswith(f"{demo.name} — signbank_ns_1m — kim — ")


def test_a_whole_clip_labelled_by_keyboard_alone(window, demo, qtbot):
    labels = window.labels
    labels.groups["sentiment"].buttons()[0].setFocus()  # where Tab lands in the panel
    key(qtbot, Qt.Key.Key_Space)  # -3
    for _ in range(4):
        key(qtbot, Qt.Key.Key_Down)  # -3 -> +1 (the choices are stacked)
    for value in (2, 3, 0, 0, 1, 0, 0, 0, 1, 0):  # the ten emotions, one row each
        key(qtbot, Qt.Key.Key_Tab)
        key(qtbot, getattr(Qt.Key, f"Key_{value}"))
    key(qtbot, Qt.Key.Key_Tab)  # sentiment confidence
    qtbot.keyClicks(QApplication.focusWidget(), "80")
    key(qtbot, Qt.Key.Key_Tab)  # emotion confidence
    qtbot.keyClicks(QApplication.focusWidget(), "65")
    key(qtbot, Qt.Key.Key_Tab)  # cues
    qtbot.keyClicks(QApplication.focusWidget(), "raised brows, bigger signs")
    key(qtbot, Qt.Key.Key_Tab)  # leaving the cue box saves it
    key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Done, next video
    window.workspace.wait_idle()  # every edit was written on the background writer
    ann = annotation(demo, "signbank_ns_1m")
    assert ann.sentiment == 1
    assert [ann.emotions[k] for k in EMOSIGN_SCHEMA.emotion_keys] == [2, 3, 0, 0, 1, 0, 0, 0,
                                                                     1, 0]
    assert (ann.sentiment_confidence, ann.emotion_confidence) == (80, 65)
    assert ann.cues == "raised brows, bigger signs"
    assert ann.status(EMOSIGN_SCHEMA) is AnnotationStatus.DONE
    # it is the last video in the list: Done stays on it and says so (others move on)
    assert window.workspace.video.name == "signbank_ns_1m"
    assert window.statusBar().currentMessage() == "That was the last video in the list."
    window.select_video("pose_sample_video")
    window.labels.groups["sentiment"].buttons()[0].setFocus()
    key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.workspace.video.name == "pose_test_video"  # the next one in the list
    assert "you (kim): 1 of 4 done" in window.videos.summary.text()


def test_undo_names_the_action_and_reverts(window, demo, qtbot):
    window.labels._choose("joy", 2)
    window.workspace.wait_idle()
    assert window.menus.undo.text() == "&Undo: joy = 2"
    assert annotation(demo, "signbank_ns_1m").emotions == {"joy": 2}
    window.menus.undo.trigger()
    window.workspace.wait_idle()
    assert annotation(demo, "signbank_ns_1m") is None  # it (and kim) came with the edit
    assert window.labels.groups["joy"].checkedButton() is None  # the panel follows
    assert window.menus.redo.text() == "&Redo: joy = 2"
    key_target = window.details.player
    key_target.setFocus()
    qtbot.keyClick(key_target, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    window.workspace.wait_idle()
    assert annotation(demo, "signbank_ns_1m").emotions == {"joy": 2}


def test_skip_with_a_reason(window, demo, qtbot):
    window.labels.skip_reason.setText("too dark")
    window.labels.skip.setChecked(True)
    window.workspace.wait_idle()
    ann = annotation(demo, "signbank_ns_1m")
    assert ann.skipped and ann.skip_reason == "too dark"
    assert ann.status(EMOSIGN_SCHEMA) is AnnotationStatus.SKIPPED


def test_segment_from_in_and_out_marks_at_exact_frames_then_undone(window, demo, qtbot):
    player = window.details.player
    player.setFocus()
    player.playhead.seek(4)
    qtbot.keyClick(player, Qt.Key.Key_I)
    for _ in range(9):
        qtbot.keyClick(player, Qt.Key.Key_Right)  # to frame 13
    qtbot.keyClick(player, Qt.Key.Key_O)
    window.workspace.wait_idle()
    with open_project(demo) as p:
        kim = p.repo.annotator_by_name("kim")
        [seg] = p.repo.segments(annotator_id=kim.id)
        tier = p.repo.tier(seg.tier_id)
    assert (seg.start_frame, seg.end_frame) == (4, 13)
    assert tier.name == "Facial grammar" and seg.value == ""  # asked, not picked silently
    editor = window.tier_editor
    assert editor.selected().id == seg.id
    editor.value.hidePopup()
    editor.value.setCurrentText("head nod - assertion")
    editor.value.activated.emit(editor.value.currentIndex())
    window.workspace.wait_idle()
    with open_project(demo) as p:
        assert p.repo.segment(seg.id).value == "head nod - assertion"
    window.menus.undo.trigger()  # the value change
    window.workspace.wait_idle()
    window.menus.undo.trigger()  # the segment itself
    window.workspace.wait_idle()
    with open_project(demo) as p:
        assert p.repo.segments(annotator_id=kim.id) == []


def test_region_drawn_on_the_video_is_stored_and_shown(window, demo, qtbot):
    player = window.details.player
    player.playhead.seek(5)
    window.tier_editor.mark_in()
    player.playhead.seek(15)
    window.tier_editor.mark_out()
    window.workspace.wait_idle()
    window.tier_editor.value.hidePopup()  # O asked for the value; the annotator goes on
    view = player.view
    player.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_R)  # region mode for the selected segment
    assert view.drawing_region
    rect = view.image_rect()
    a = QPoint(int(rect.x() + 0.25 * rect.width()), int(rect.y() + 0.2 * rect.height()))
    b = QPoint(int(rect.x() + 0.75 * rect.width()), int(rect.y() + 0.6 * rect.height()))
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(view, b)
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=b)
    window.workspace.wait_idle()
    assert not view.drawing_region
    with open_project(demo) as p:
        [seg] = p.repo.segments(annotator_id=p.repo.annotator_by_name("kim").id)
    r = seg.region
    assert r is not None
    assert (r.x, r.y, r.w, r.h) == pytest.approx((0.25, 0.2, 0.5, 0.4), abs=0.02)
    assert [s.id for s in window.details.regions.showing(10)] == [seg.id]  # inside the segment
    assert window.details.regions.showing(20) == []  # outside it: not shown
    view.grab()


def test_first_launch_asks_who_is_annotating(qtbot, demo, monkeypatch):
    w = MainWindow(UserSettings())
    qtbot.addWidget(w)
    w.open_project(demo)
    w.select_video("pose_test_video")
    assert not w.labels.isEnabled()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Ana", True))
    assert w.ask_annotator()
    assert UserSettings.load().annotator == "Ana"
    assert w.labels.isEnabled() and "Ana" in w.windowTitle()


def test_reopening_returns_to_the_same_video_and_frame(qtbot, demo):
    first = MainWindow(UserSettings(annotator="kim"))
    qtbot.addWidget(first)
    first.open_project(demo)
    first.select_video("signbank_ns_011-019")
    first.details.player.playhead.seek(120)
    first.close()
    second = MainWindow(UserSettings.load())
    qtbot.addWidget(second)
    second.open_project(demo)
    assert second.workspace.video.name == "signbank_ns_011-019"
    assert second.details.player.playhead.current == 120
    assert str(demo.resolve()) in second.settings.recent_projects


@pytest.mark.slow  # a window walk at each text size and theme
def test_text_size_contrast_and_shortcuts_sheet(window, qtbot, monkeypatch):
    app = QApplication.instance()
    size = app.font().pointSizeF()
    window.set_text_scale(+1)
    assert app.font().pointSizeF() == pytest.approx(size * 1.25, rel=0.01)
    window.set_text_scale(-1)
    window.toggle_contrast()
    assert app.palette().color(app.palette().ColorRole.Window).name() == "#000000"
    assert UserSettings.load().high_contrast
    window.toggle_contrast()
    from emosign_desktop.ui.appearance import ShortcutsDialog

    sheet = ShortcutsDialog(window)
    keys = [sheet.table.item(r, 0).text() for r in range(sheet.table.rowCount())]
    assert "I / O" in keys and "F1 / ?" in keys and "Ctrl+Return" in keys
    assert "(Ctrl+Z)" in window.menus.undo.toolTip() or window.menus.undo.shortcut()


def test_dragging_a_segment_edge_snaps_to_frames_and_undoes_in_one_step(window, demo, qtbot):
    player = window.details.player
    player.playhead.seek(5)
    window.tier_editor.mark_in()
    player.playhead.seek(15)
    window.tier_editor.mark_out()
    window.workspace.wait_idle()
    rows = window.details.segment_rows
    window.details.tabs.setCurrentWidget(rows)
    rows.resize(900, 120)
    [mine] = [r for r in rows.rows if r.title.startswith("kim")]
    y = 2 + rows.rows.index(mine) * 22 + 11
    seg = mine.segments[0]
    start = QPoint(int(rows._x(seg.end_frame + 1)), y)
    target = QPoint(int(rows._x(20.5)), y)  # between frames: snaps to a whole frame
    qtbot.mousePress(rows, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(rows, QPoint(int(rows._x(18)), y))
    qtbot.mouseMove(rows, target)
    qtbot.mouseRelease(rows, Qt.MouseButton.LeftButton, pos=target)
    window.workspace.wait_idle()
    with open_project(demo) as p:
        stored = p.repo.segment(seg.id)
    assert stored.start_frame == 5 and stored.end_frame in (19, 20)
    assert window.menus.undo.text() == "&Undo: drag segment edge"
    window.menus.undo.trigger()
    window.workspace.wait_idle()
    with open_project(demo) as p:
        assert p.repo.segment(seg.id).end_frame == 15


def test_tiers_and_vocabularies_are_editable_and_undoable(window, demo, qtbot):
    from emosign_desktop.ui.tiers_dialog import TiersDialog

    dialog = TiersDialog(window.workspace, window)
    qtbot.addWidget(dialog)
    dialog.list.setCurrentRow(1)  # Emotion cue
    dialog.vocabulary.setPlainText("facial expression\nlarger signs\nrepetition\nsmirk")
    dialog.name.setText("Emotion cues")
    dialog.save()
    window.workspace.wait_idle()
    with open_project(demo) as p:
        tier = p.repo.tiers()[1]
    assert tier.name == "Emotion cues" and tier.vocabulary[-1] == "smirk"
    assert "Emotion cues" in [window.tier_editor.tier.itemText(i)
                              for i in range(window.tier_editor.tier.count())]
    dialog.list.setCurrentRow(1)
    dialog.vocabulary.setPlainText("smirk")  # the demo's segments use other values
    dialog.save()
    window.workspace.wait_idle()
    assert "use facial expression" in dialog.message.text()
    with open_project(demo) as p:
        vocabulary = p.repo.tiers()[1].vocabulary
    assert vocabulary[-1] == "smirk" and len(vocabulary) == 4
    dialog.add()
    window.workspace.wait_idle()
    assert dialog.tiers[-1].name == "New tier"
    assert window.menus.undo.text() == "&Undo: add tier New tier"
    window.menus.undo.trigger()  # the new tier goes again (no segment uses it)
    window.workspace.wait_idle()
    window.menus.undo.trigger()  # then the rename + vocabulary step
    window.workspace.wait_idle()
    with open_project(demo) as p:
        assert [t.name for t in p.repo.tiers()][1:] == ["Emotion cue"]


def test_relink_missing_media_by_fingerprint(window, demo, tmp_path, monkeypatch, qtbot):
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    moved = tmp_path / "moved"
    moved.mkdir()
    (demo / "media" / "pose_sample_video.mp4").rename(moved / "renamed.mp4")
    window.videos.refresh()
    proxy = window.videos.proxy
    row = [proxy.index(r, 0).data() for r in range(proxy.rowCount())].index("pose_sample_video")
    assert window.videos.proxy.index(row, 6).data() == "MISSING"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(moved))
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))
    window.menus.relink.trigger()
    window.workspace.wait_idle()
    assert "Found 1" in shown[0]  # (its file is checked again on the checking thread)
    qtbot.waitUntil(lambda: window.videos.proxy.index(row, 6).data() == "found", timeout=5000)
    with open_project(demo) as p:
        assert p.repo.video_by_name("pose_sample_video").media_path.endswith("renamed.mp4")


def test_dropping_video_files_adds_them(window, demo, tmp_path, qtbot):
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    from tests.generate import make_video

    clip = make_video(tmp_path / "dropped_clip.mp4")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(clip))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    window.workspace.wait_idle()
    assert window.videos.model.rowCount() == 5
    with open_project(demo) as p:
        assert p.repo.video_by_name("dropped_clip").media.frame_count == 12
