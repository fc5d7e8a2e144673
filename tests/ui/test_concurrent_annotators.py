"""Several annotators on one project, seen from the application's window, on an SQLite file
and on a PostgreSQL server: what the others change shows within 2 s without a click, a stale
edit is refused with a message naming both values (never a traceback), and a server that goes
away refuses edits with a clear message, writes nothing half, and lets work resume."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from emosign_desktop.services.session import open_session
from emosign_desktop.settings import UserSettings
from emosign_desktop.ui import messages
from emosign_desktop.ui.main_window import MainWindow
from tests.conftest import add_videos_by_name
from tests.ui.calls import Calls

ROOT = Path(__file__).resolve().parents[2]
BOTH = pytest.mark.parametrize("engine_project_dir", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def folder(engine_project_dir):
    """An empty project (SQLite or server) with the videos v1 and v2."""
    with open_session(engine_project_dir) as s:
        add_videos_by_name(s, "v1", "v2")
    return engine_project_dir


@pytest.fixture
def window(make_window, folder):
    """kim's window on the project, on video v1."""
    return make_window(folder, video="v1")


@pytest.fixture
def other(folder):
    """Another window (or annotator) on the same project: a session of its own."""
    s = open_session(folder, undo=True)
    yield s
    s.close()


@pytest.fixture
def shown_errors(monkeypatch):
    """The application's handler of errors in slots (as ``app.py`` installs it), with the
    message boxes it would show recorded instead."""
    from emosign_desktop.ui import main_window

    shown: list[tuple[str, str]] = []
    for module in (messages, main_window):
        monkeypatch.setattr(module, "show_error",
                            lambda _parent, title, exc: shown.append((title, str(exc))))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # put back after the test
    messages.install_excepthook()
    return shown


def joy_shown(w: MainWindow) -> int | None:
    """The joy value the label panel shows (None: none chosen)."""
    button = w.labels.groups["joy"].checkedButton()
    return None if button is None else w.labels.groups["joy"].id(button) - 1000


def annotators_shown(w: MainWindow) -> list[str]:
    model = w.videos.model
    return [model.headerData(c, Qt.Orientation.Horizontal)
            for c in range(7, model.columnCount())]


def within_2_s(qtbot, condition) -> float:
    """Wait (at most 2 s) until ``condition()``; the seconds it took."""
    start = time.monotonic()
    qtbot.waitUntil(lambda: bool(condition()), timeout=2000)
    return time.monotonic() - start


# -- what the others change shows by itself -----------------------------------------------------
@BOTH
def test_the_window_shows_what_another_session_changes_within_2_s(window, other, qtbot):
    assert joy_shown(window) is None and "lee" not in annotators_shown(window)
    v1 = other._repo.video_by_name("v1").id
    other.editing.set_label(v1, "lee", "joy", 2)  # another annotator: a new column
    took = within_2_s(qtbot, lambda: "lee" in annotators_shown(window))
    assert took < 2
    other.editing.set_label(v1, "kim", "joy", 3)  # kim's other window: this panel follows
    within_2_s(qtbot, lambda: joy_shown(window) == 3)
    tier = other._repo.tiers()[0].id
    other.editing.add_segment(v1, "kim", tier, 2, 5, "", "from the other window")
    within_2_s(qtbot, lambda: window.tier_editor.segments.count() == 1)
    assert "from the other window" in window.tier_editor.segments.item(0).text()
    other.editing.add_tier("Gaze")
    within_2_s(qtbot, lambda: "Gaze" in [window.tier_editor.tier.itemText(i) for i in
                                         range(window.tier_editor.tier.count())])
    # the window stayed where it was: no jump back to a remembered place
    assert window.workspace.video is not None and window.workspace.video.name == "v1"


@BOTH
def test_the_window_shows_what_another_process_changes_within_2_s(window, folder, qtbot):
    script = ("import sys\n"
              "from emosign_desktop.services.session import open_session\n"
              "with open_session(sys.argv[1]) as s:\n"
              "    v = s._repo.video_by_name('v1').id\n"
              "    s.editing.set_label(v, 'kim', 'joy', 1)\n")
    done = subprocess.run([sys.executable, "-c", script, str(folder)], cwd=ROOT,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert within_2_s(qtbot, lambda: joy_shown(window) == 1) < 2


def test_polling_runs_only_while_a_project_is_open(window, qtbot, monkeypatch):
    poller = window.poller
    assert poller.timer.isActive() and poller.timer.interval() == 1000
    polls = Calls(monkeypatch, window.workspace, "poll_external_changes")
    qtbot.waitUntil(lambda: polls.count >= 2, timeout=3000)  # about every second
    window.workspace.close()
    assert not poller.timer.isActive()


def test_slow_polls_wait_longer_and_quick_ones_bring_the_second_back(window, monkeypatch):
    poller, ws = window.poller, window.workspace
    quick = ws.poll_external_changes
    monkeypatch.setattr(ws, "poll_external_changes", lambda: time.sleep(0.3))  # a slow server
    poller.poll()
    assert poller.timer.interval() == 2000 and poller.timer.isActive()
    poller.poll()
    assert poller.timer.interval() == 4000
    monkeypatch.setattr(ws, "poll_external_changes", quick)
    poller.poll()
    assert poller.timer.interval() == 1000


# -- a stale edit --------------------------------------------------------------------------------
@BOTH
@pytest.mark.qt_no_exception_capture
def test_a_stale_edit_shows_both_values_and_the_panel_catches_up(window, other, folder, qtbot,
                                                                  shown_errors):
    joy = window.labels.groups["joy"]
    joy.button(1001).click()  # kim sets joy 1 in this window
    window.workspace.wait_idle()  # the edit runs on the background writer
    assert joy_shown(window) == 1
    v1 = other._repo.video_by_name("v1").id
    kim = other._repo.annotator_by_name("kim").id
    assert other._repo.annotation(v1, kim).emotions == {"joy": 1}
    other.editing.set_label(v1, "kim", "joy", 3)  # kim's other window, before a poll
    joy.button(1002).click()  # built on the 1 this window shows
    window.workspace.wait_idle()  # the edit runs on the background writer
    assert len(shown_errors) == 1, shown_errors
    _title, text = shown_errors[0]
    assert "joy of video 'v1' by 'kim' is now 3, not 1" in text
    assert "your 2 was not saved" in text
    assert "Traceback" not in text
    assert other._repo.annotation(v1, kim).emotions == {"joy": 3}  # nothing overwritten
    within_2_s(qtbot, lambda: joy_shown(window) == 3)  # the panel shows what is there now
    joy.button(1002).click()  # told the new value, kim sets 2 again: now it is saved
    window.workspace.wait_idle()  # the edit runs on the background writer
    assert other._repo.annotation(v1, kim).emotions == {"joy": 2}
    assert len(shown_errors) == 1


# -- the server goes away ------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.qt_no_exception_capture
def test_the_server_going_away_refuses_edits_clearly_and_work_resumes(qtbot, tmp_path,
                                                                      pg_server, shown_errors,
                                                                      monkeypatch):
    if isinstance(pg_server, str):
        pytest.skip(f"no PostgreSQL server: {pg_server}")
    from emosign_desktop.services.remote import create_server_project
    from tests.storage.pg_server import PgServer

    with PgServer() as own:  # a server of its own: stopping it disturbs no other test
        with create_server_project(tmp_path / "lab", own.url("lab")) as s:
            add_videos_by_name(s, "v1")
        w = MainWindow(UserSettings(annotator="kim"))
        qtbot.addWidget(w)
        w.show()
        assert w.open_project(tmp_path / "lab") and w.select_video("v1")
        joy = w.labels.groups["joy"]
        joy.button(1001).click()
        w.workspace.wait_idle()  # the edit runs on the background writer
        assert not shown_errors
        own.stop("immediate")  # the server goes away
        joy.button(1002).click()
        w.workspace.wait_idle()  # the edit runs on the background writer
        assert len(shown_errors) == 1, shown_errors
        text = shown_errors[0][1]
        assert f"database 'lab' on 127.0.0.1:{own.port}" in text
        assert "cannot be reached" in text and "Nothing was changed" in text
        assert "Traceback" not in text
        polls = Calls(monkeypatch, w.workspace, "poll_external_changes")
        qtbot.waitUntil(lambda: polls.count >= 2, timeout=5000)  # quietly
        assert len(shown_errors) == 1
        own.resume()  # back: the window reloads what is there (the 1, not the refused 2)
        within_2_s(qtbot, lambda: joy_shown(w) == 1)
        joy.button(1003).click()  # the next edit works
        w.workspace.wait_idle()  # the edit runs on the background writer
        assert len(shown_errors) == 1, shown_errors
        with open_session(tmp_path / "lab") as s:
            ann = s._repo.annotation(s._repo.video_by_name("v1").id,
                                    s._repo.annotator_by_name("kim").id)
            assert ann.emotions == {"joy": 3}
        own.stop("immediate")  # closing the window while the server is away: no traceback
        w.close()
        assert not w.workspace.has_project
        assert shown_errors[-1][0] == "Closing the project"
        assert all("Traceback" not in t for _title, t in shown_errors)
        QApplication.processEvents()
