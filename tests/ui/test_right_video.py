"""The right video behind the labels, in the window: a file replaced (or emptied) under the
same name is checked before the player shows it and refused, with the reason in words in
the details area and on the picture, CHANGED in the video list and its summary; accepting
the new content (the real button) shows it, and undo refuses it again."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QMessageBox, QSplitter

from emosign_desktop.services.session import create_session
from emosign_desktop.services.videos import add_videos
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui.menus import build_project_menus
from emosign_desktop.ui.video_details import VideoDetailsPanel
from emosign_desktop.ui.video_list import VideoListPanel
from tests.generate import make_video

REASON = "media/slp_asl_house.mp4 is not the file this video's labels were made on"


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("EMOSIGN_PLAYBACK", "pyav")
    folder = tmp_path / "proj"
    with create_session(folder) as s:
        clips = [make_video(tmp_path / "slp_asl_house.mp4", frames=20),
                 make_video(tmp_path / "garden.mp4", frames=6)]
        videos = add_videos(s, clips, copy=True)
        s.editing.set_label(videos[0].id, "ana", "joy", 2)
    return folder


class Window(QMainWindow):
    """The video list beside the details panel (the main window's two panels), on one
    workspace, with the main window's menus (Edit ▸ Undo)."""

    def __init__(self) -> None:
        super().__init__()
        self.workspace = Workspace("ana")
        self.menus = build_project_menus(self, self.workspace)
        self.videos = VideoListPanel(self.workspace)
        self.details = VideoDetailsPanel(self.workspace)
        split = QSplitter()
        split.addWidget(self.videos)
        split.addWidget(self.details)
        split.setSizes([420, 780])
        self.setCentralWidget(split)

    def open_project(self, folder) -> bool:
        return self.workspace.open(folder) is not None

    def select_video(self, name: str) -> bool:
        return self.videos.select_name(name)


@pytest.fixture
def window(qtbot, folder):
    w = Window()
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    yield w
    w.workspace.close()


def media_cell(w: Window, name: str) -> tuple[str, str]:
    model = w.videos.model
    for i in range(model.rowCount()):
        if model.row(i).video.name == name:
            index = model.index(i, 6)
            return (model.data(index), model.data(index, Qt.ItemDataRole.ToolTipRole) or "")
    raise AssertionError(name)


def test_a_replaced_file_is_refused_and_said_so_until_accepted(window, folder, qtbot,
                                                              monkeypatch):
    w = window
    path = folder / "media" / "slp_asl_house.mp4"
    other = make_video(folder / "other.mp4", frames=9, size=(80, 60))
    os.replace(other, path)  # another recording under the same name, before opening
    assert w.open_project(folder)
    qtbot.waitUntil(lambda: not w.videos.checking())
    assert media_cell(w, "slp_asl_house")[0] == "CHANGED"
    assert media_cell(w, "slp_asl_house")[1].startswith(REASON)
    assert media_cell(w, "garden") == ("found", "media/garden.mp4")
    assert w.videos.summary.text().endswith(" · 1 file CHANGED (Media column)")

    assert w.select_video("slp_asl_house")
    details, player = w.details, w.details.player
    assert player.reader is None and player.view.picture is None  # nothing shown
    assert player.refused.startswith(f"Not shown: {REASON}: its content differs")
    assert player.view.accessibleDescription() == player.refused
    assert player.frame_label.text() == "Video not shown"
    assert details.message.isVisible()
    assert details.message.text().startswith(REASON)
    assert "The labels are kept; the player does not show this file until you relink" \
        in details.message.text()
    assert details.relink_button.isVisible() and details.accept_button.isVisible()
    assert "Joy 2" in details.text.toPlainText()  # the labels are still shown
    qtbot.wait(100)
    w.grab().save("/tmp/right_video_changed.png")

    assert w.select_video("garden")  # the other video plays as before
    assert player.reader is not None and player.view.picture is not None
    assert not details.message.isVisible() and not details.media_actions.isVisible()

    assert w.select_video("slp_asl_house")
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(details.accept_button, Qt.MouseButton.LeftButton)
    w.workspace.wait_idle()
    assert player.reader is not None and player.playhead.frame_count == 9  # the new one
    assert not details.message.isVisible()
    assert player.frame_label.text() == "Frame 0 / 8"
    assert media_cell(w, "slp_asl_house")[0] == "found"
    qtbot.waitUntil(lambda: not w.videos.checking())
    assert "CHANGED" not in w.videos.summary.text()
    qtbot.wait(100)
    w.grab().save("/tmp/right_video_accepted.png")

    w.menus.undo.trigger()  # back to the labelled recording's fingerprint: refused again
    w.workspace.wait_idle()  # Edit ▸ Undo runs on the background writer
    assert player.reader is None and player.refused.startswith(f"Not shown: {REASON}")
    # the list reads the file on its checking thread (no stamp since the fingerprint changed)
    assert media_cell(w, "slp_asl_house")[0] in ("checking…", "CHANGED")
    qtbot.waitUntil(lambda: media_cell(w, "slp_asl_house")[0] == "CHANGED")
    qtbot.waitUntil(lambda: w.videos.summary.text().endswith(" · 1 file CHANGED (Media column)"))


def test_a_file_emptied_while_open_is_refused_when_shown_again(window, folder, qtbot):
    w = window
    assert w.open_project(folder)
    assert w.select_video("slp_asl_house")
    assert w.details.player.reader is not None
    assert w.select_video("garden")
    (folder / "media" / "slp_asl_house.mp4").write_bytes(b"")
    assert w.select_video("slp_asl_house")  # checked again before it is shown
    player = w.details.player
    assert player.reader is None and player.view.picture is None
    assert player.refused == f"Not shown: {REASON}: the file is empty (0 bytes, was " \
        f"{make_video(folder / 'x.mp4', frames=20).stat().st_size:,} bytes)."
    assert not w.details.accept_button.isHidden()


def test_a_renamed_file_is_relinked_from_the_details_area(window, folder, qtbot, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    w = window
    path = folder / "media" / "slp_asl_house.mp4"
    renamed = path.with_name("house_renamed.mp4")
    path.rename(renamed)
    assert w.open_project(folder)
    assert w.select_video("slp_asl_house")
    details, player = w.details, w.details.player
    assert details.message.text() == "Media file missing: media/slp_asl_house.mp4"
    assert not details.relink_button.isHidden() and details.accept_button.isHidden()
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *a, **k: asked.append(
        text) or QMessageBox.StandardButton.No)

    other = make_video(folder / "other.mp4", frames=9, size=(80, 60))  # another recording
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other), ""))
    qtbot.mouseClick(details.relink_button, Qt.MouseButton.LeftButton)
    w.workspace.wait_idle()
    assert asked and asked[0].startswith(f"{other}: not the file the labels of "
                                         "'slp_asl_house' were made on")
    assert w.workspace.queries.video_named("slp_asl_house").media_path == \
        "media/slp_asl_house.mp4"  # refused: nothing changed
    assert player.reader is None

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(renamed), ""))
    qtbot.mouseClick(details.relink_button, Qt.MouseButton.LeftButton)
    w.workspace.wait_idle()
    assert len(asked) == 1  # the same content: linked without asking
    assert w.workspace.queries.video_named("slp_asl_house").media_path == \
        "media/house_renamed.mp4"
    assert player.reader is not None and player.playhead.frame_count == 20
    assert not details.message.isVisible() and not details.media_actions.isVisible()
    assert w.workspace.undo_stack.undo_label == "relink video slp_asl_house"


def test_the_list_reads_files_only_off_the_window_thread(window, folder, qtbot, monkeypatch):
    """An upgraded project (no stored sizes and times): every file must be read once, and
    the list does it on its checking thread, never on the window's."""
    import sqlite3
    import threading

    import emosign_desktop.services.media_check as media_check

    con = sqlite3.connect(folder / "project.emosign")
    con.execute("UPDATE video SET media_size = NULL, media_mtime = NULL")
    con.commit()
    con.close()
    threads: list[str] = []
    real = media_check.fingerprint
    monkeypatch.setattr(media_check, "fingerprint", lambda p: threads.append(
        threading.current_thread().name) or real(p))
    w = window
    assert w.open_project(folder)
    qtbot.waitUntil(lambda: not w.videos.checking())
    assert len(threads) >= 2 and threading.main_thread().name not in threads
    assert [media_cell(w, n)[0] for n in ("garden", "slp_asl_house")] == ["found", "found"]
    stamps = w.workspace.session._repo.media_stamps(
        v.id for v in w.workspace.queries.videos())
    assert len(stamps) == 2  # stored: the next opening only stats them
