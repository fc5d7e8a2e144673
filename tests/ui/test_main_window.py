from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from emosign_desktop.ui.main_window import MainWindow
from tests.conftest import demo_copy, dump_project
from tests.generate import released_rows, write_released


@pytest.fixture
def errors(monkeypatch):
    from emosign_desktop.ui import actions, messages

    shown: list[str] = []
    for module in (actions, messages):  # (messages: what a background write refused)
        monkeypatch.setattr(module, "show_error",
                            lambda _parent, title, exc: shown.append(f"{title}: {exc}"))
    return shown


@pytest.fixture
def window(make_window):
    return make_window(annotator="")  # as on a first start: no annotator, no project


def _visible_names(w: MainWindow) -> list[str]:
    return [w.videos.proxy.index(r, 0).data() for r in range(w.videos.proxy.rowCount())]


def test_demo_project_list_and_details(window, tmp_path, qtbot):
    folder = demo_copy(tmp_path)
    assert window.open_project(folder)
    assert sorted(_visible_names(window)) == sorted(
        ["pose_test_video", "signbank_ns_011-019", "pose_sample_video", "signbank_ns_1m"])
    headers = [window.videos.model.headerData(c, Qt.Orientation.Horizontal)
               for c in range(window.videos.model.columnCount())]
    assert headers[:7] == ["Video", "Duration", "Frames", "FPS", "Size", "Codec", "Media"]
    assert headers[7] == "demo-annotator"
    assert "demo-annotator: 2 of 4 done" in window.videos.summary.text()
    assert "demo" in window.windowTitle()
    row = _visible_names(window).index("pose_test_video")
    window.videos.table.selectRow(row)
    text = window.details.text.toPlainText()
    assert "Sentiment +1 (slightly positive)" in text
    assert "Emotion cue: frames 20–45 facial expression (region)" in text
    player = window.details.player
    assert player.reader is not None and window.workspace.review.playhead.current == 0
    assert player.playhead is window.workspace.review.playhead  # the one current frame
    assert player.view.rgb().shape == (720, 540, 3)
    frames = window.videos.proxy.index(row, 2).data()
    assert frames == "58"


def test_keyboard_filter_and_navigation(window, tmp_path, qtbot):
    window.open_project(demo_copy(tmp_path))
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.videos.filter.hasFocus()
    qtbot.keyClicks(window.videos.filter, "signbank")
    assert sorted(_visible_names(window)) == ["signbank_ns_011-019", "signbank_ns_1m"]
    window.videos.table.setFocus()
    window.videos.table.selectRow(0)
    first = window.details.text.toPlainText()
    qtbot.keyClick(window.videos.table, Qt.Key.Key_Down)
    assert window.details.text.toPlainText() != first


def test_bad_project_shows_error_and_keeps_current(window, tmp_path, errors):
    folder = demo_copy(tmp_path)
    window.open_project(folder)
    assert not window.open_project(tmp_path / "nothing-here")
    assert errors and "not an EmoSign project" in errors[0]
    assert window.workspace.folder == folder


def test_import_from_menu_and_bad_csv_changes_nothing(window, tmp_path, monkeypatch, errors):
    folder = demo_copy(tmp_path)
    window.open_project(folder)
    good = write_released(tmp_path / "good.csv", released_rows(3))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(good), ""))
    window.menus.import_csv.trigger()
    window.workspace.wait_idle()  # written on the background writer
    assert window.videos.model.rowCount() == 7
    assert "emosign-consensus: 3 of 7 done" in window.videos.summary.text()
    rows = released_rows(2)
    rows[1][1] = "7"
    bad = write_released(tmp_path / "bad.csv", rows)
    before = dump_project(folder / "project.emosign")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    window.menus.import_csv.trigger()
    window.workspace.wait_idle()
    assert errors and "row 3" in errors[-1] and "nothing was changed" in errors[-1]
    assert dump_project(folder / "project.emosign") == before


def test_missing_media_is_shown(window, tmp_path):
    folder = demo_copy(tmp_path)
    (folder / "media" / "pose_sample_video.mp4").unlink()
    window.open_project(folder)
    names = _visible_names(window)
    row = names.index("pose_sample_video")
    assert window.videos.proxy.index(row, 6).data() == "MISSING"
    window.videos.table.selectRow(row)
    assert "Media file missing" in window.details.message.text()
    assert window.details.player.reader is None


def test_menu_actions_have_shortcut_tooltips(window):
    assert "Ctrl+I" in window.menus.import_csv.toolTip()
    assert not window.menus.import_csv.isEnabled()  # no project yet


def test_app_entry_point_opens_demo_and_screenshots(tmp_path):
    shot = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", EMOSIGN_DATA_DIR=str(tmp_path / "d"))
    r = subprocess.run([sys.executable, "-m", "emosign_desktop.app", "--demo", "--screenshot",
                        str(shot)], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert shot.stat().st_size > 10_000
    assert (tmp_path / "d" / "demo-project" / "project.emosign").is_file()


@pytest.mark.slow  # a real X server and the app in its own process
@pytest.mark.skipif(not shutil.which("xvfb-run"), reason="needs Xvfb (installed by .ci/run)")
def test_real_window_opens_under_xvfb(tmp_path):
    """A real X11 window (xcb platform), not the offscreen one: proves Qt's xcb libraries."""
    shot = tmp_path / "x.png"
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", EMOSIGN_DATA_DIR=str(tmp_path / "d"))
    r = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1400x900x24", sys.executable, "-m",
                        "emosign_desktop.app", "--demo", "--screenshot", str(shot)],
                       env=env, capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr
    assert shot.stat().st_size > 10_000
