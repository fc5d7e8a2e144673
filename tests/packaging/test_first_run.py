"""A collaborator's first run: the welcome screen and its three ways in, the About box, and
a crash that says where its report is."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from emosign_desktop.settings import UserSettings
from emosign_desktop.ui.main_window import MainWindow
from emosign_desktop.ui.welcome import (
    BESIDE_SUFFIX,
    INSIDE_NAME,
    create_from_folder,
    project_location,
    videos_in,
)
from tests.generate import make_video


@pytest.fixture
def window(qtbot):
    w = MainWindow(UserSettings(annotator="kim"))
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


@pytest.fixture
def video_folder(tmp_path):
    folder = tmp_path / "my videos"
    (folder / "day 2").mkdir(parents=True)
    (folder / ".hidden").mkdir()
    make_video(folder / "clip1.mp4")
    make_video(folder / "day 2" / "clip2.mov", frames=8)
    make_video(folder / ".hidden" / "ignored.mp4")
    (folder / "notes.txt").write_text("not a video")
    return folder


def test_the_window_opens_on_the_welcome_screen_with_the_docks_hidden(window):
    assert window.welcome.isVisible()
    assert not window.videos_dock.isVisible() and not window.labels_dock.isVisible()
    texts = [b.text() for b in (window.welcome.open_button, window.welcome.demo_button,
                                window.welcome.folder_button)]
    assert texts == ["&Open a Project...", "Open the &Demo Project",
                     "&New Project from a Folder of Videos..."]


def test_open_the_demo_project_from_the_welcome_screen(window):
    assert window.welcome.open_demo()
    assert window.workspace.has_project and not window.welcome.isVisible()
    assert window.videos_dock.isVisible() and window.labels_dock.isVisible()
    assert window.workspace.folder == Path(os.environ["EMOSIGN_DATA_DIR"]) / "demo-project"
    window.workspace.close()
    assert window.welcome.isVisible()  # back to the welcome screen, with the demo as recent
    assert window.welcome.recent_label.isVisible()


def test_videos_in_a_folder_are_found_in_sub_folders_but_not_hidden_ones(video_folder):
    found = [p.relative_to(video_folder).as_posix() for p in videos_in(video_folder)]
    assert found == ["clip1.mp4", "day 2/clip2.mov"]


@pytest.mark.parametrize("inside", [True, False], ids=["inside", "beside"])
def test_a_project_from_a_folder_of_videos(window, video_folder, inside):
    target = create_from_folder(window, window.workspace, video_folder, inside=inside)
    expected = (video_folder / INSIDE_NAME if inside
                else video_folder.with_name(video_folder.name + BESIDE_SUFFIX))
    assert target == project_location(video_folder, inside) == expected.resolve()
    assert (target / "project.emosign").is_file()
    assert window.workspace.folder == target
    window.workspace.wait_idle()  # the videos are added on the background writer
    videos = window.workspace.queries.videos()
    assert sorted(v.name for v in videos) == ["clip1", "clip2"]
    assert all(v.media is not None for v in videos)
    # one step on the write path: undo takes every video back out
    assert window.workspace.undo_stack.undo_label == "add 2 videos"
    assert sorted(p.name for p in video_folder.iterdir()) == sorted(
        [".hidden", "clip1.mp4", "day 2", "notes.txt"] + ([INSIDE_NAME] if inside else []))


def test_a_folder_without_videos_makes_no_project(window, tmp_path, monkeypatch):
    said = []
    monkeypatch.setattr("emosign_desktop.ui.welcome.show_error",
                        lambda _parent, title, text: said.append((title, str(text))))
    (tmp_path / "empty").mkdir()
    assert create_from_folder(window, window.workspace, tmp_path / "empty", inside=True) is None
    assert said and said[0][0] == "No videos found"
    assert not (tmp_path / "empty" / INSIDE_NAME).exists()
    assert not window.workspace.has_project


def test_the_about_box_names_version_backends_mediapipe_and_notices(qtbot):
    from emosign_desktop import __version__
    from emosign_desktop.ui.about import AboutDialog

    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    facts = dialog.facts.text()
    assert f"EmoSign Desktop {__version__}" in facts
    assert "PyAV" in facts and "libVLC" in facts and "MediaPipe 0.10.21" in facts
    assert "Export to Parquet: available" in facts
    assert "Projects on a PostgreSQL server: libpq " in facts
    assert "Logs and crash reports: " + os.environ["EMOSIGN_LOG_DIR"] in facts
    assert "NOTICE" in dialog.notices.toPlainText() or "demo" in dialog.notices.toPlainText()


def test_the_about_box_says_pyav_is_in_use_when_libvlc_is_missing(qtbot, monkeypatch):
    from emosign_desktop.ui import about

    monkeypatch.setenv("EMOSIGN_PLAYBACK", "pyav")
    lines = about.playback_backends()
    assert lines[0].startswith("In use: PyAV ") and "(FFmpeg, included)" in lines[0]
    assert lines[1].startswith("libVLC: not found on this system")


def test_the_about_box_says_the_systems_libvlc_is_in_use_where_there_is_one(monkeypatch):
    from emosign_desktop.media import playback, vlc_playback
    from emosign_desktop.ui import about

    monkeypatch.setattr(playback, "vlc_available", lambda: True)
    monkeypatch.setattr(vlc_playback, "libvlc_description",
                        lambda: "libVLC 3.0.21 (/usr/lib/x86_64-linux-gnu/libvlc.so.5)")
    lines = about.playback_backends()
    assert lines[0] == ("In use: VLC, the system's libVLC 3.0.21 "
                        "(/usr/lib/x86_64-linux-gnu/libvlc.so.5): real-time playback")
    assert lines[1].startswith("PyAV ") and "rotated videos" in lines[1]


def test_libvlc_is_described_by_its_version_and_file_where_installed(monkeypatch):
    from emosign_desktop.media.playback import vlc_available
    from emosign_desktop.media.vlc_playback import libvlc_description

    monkeypatch.delenv("EMOSIGN_PLAYBACK", raising=False)
    if not vlc_available():
        pytest.skip("libVLC is not installed here (Debian: libvlc5, vlc-plugin-base)")
    text = libvlc_description()
    assert text.startswith("libVLC 3.") and "libvlc" in text


def test_the_about_box_says_when_there_is_no_libpq(monkeypatch):
    from emosign_desktop.ui import about

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as psycopg does without a libpq
    assert about.postgresql_line().startswith(
        "Projects on a PostgreSQL server: no libpq found (Debian and Ubuntu: install libpq5)")


def test_a_crash_at_start_writes_a_report_and_says_where(monkeypatch, capsys):
    from emosign_desktop import app

    def boom(_args):
        raise RuntimeError("the screen went away")

    from PySide6.QtWidgets import QMessageBox

    boxes = []
    monkeypatch.setattr(app, "_run", boom)
    monkeypatch.setattr(QMessageBox, "critical", lambda *a: boxes.append(a[2]))
    assert app.main([]) == 1
    assert boxes and "crash.log" in boxes[0]
    said = capsys.readouterr().err
    log = Path(os.environ["EMOSIGN_LOG_DIR"]) / "crash.log"
    assert "could not go on: the screen went away" in said and str(log) in said
    assert "RuntimeError: the screen went away" in log.read_text()


def test_an_error_in_a_slot_is_logged_and_the_user_told_where(monkeypatch):
    import sys

    from emosign_desktop.ui import messages

    shown = []
    monkeypatch.setattr(messages, "show_error", lambda _p, title, text: shown.append(text))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    messages.install_excepthook()
    try:
        raise ValueError("bad value in a slot")
    except ValueError as exc:
        sys.excepthook(ValueError, exc, exc.__traceback__)
    log = Path(os.environ["EMOSIGN_LOG_DIR"]) / "crash.log"
    assert shown and str(log) in shown[0] and "bad value in a slot" in shown[0]
    # no claim of safety unless a check says so
    assert "saved" in shown[0] and "may not have been saved" in shown[0]
    assert "bad value in a slot" in log.read_text()
    monkeypatch.setattr(messages, "stored_check", lambda: "Checked: all stored.")
    try:
        raise ValueError("again")
    except ValueError as exc:
        sys.excepthook(ValueError, exc, exc.__traceback__)
    assert "Checked: all stored." in shown[1] and "may not" not in shown[1]
