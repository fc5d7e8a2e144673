"""Add Videos in the app: answering "No" to a duplicate adds the other files of the same add,
and a message names what was added and what was left out (the project is checked)."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtWidgets import QMainWindow, QMessageBox

from emosign_desktop.services.videos import add_videos as add_in_service
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui import actions
from emosign_desktop.ui.menus import build_project_menus
from tests.generate import make_video


@pytest.fixture
def window(qtbot):
    w = QMainWindow()
    qtbot.addWidget(w)
    return w


@pytest.fixture
def workspace(tmp_path):
    ws = Workspace("kim")
    ws.create(tmp_path / "project")
    yield ws
    ws.close()


@pytest.fixture
def clips(tmp_path, workspace):
    """``first`` (already in the project), ``again`` (its content under another name) and
    ``fresh`` (new content)."""
    media = tmp_path / "media"
    media.mkdir()
    first = make_video(media / "first.mp4", frames=12)
    add_in_service(workspace.session, [first])
    again = media / "again.mp4"
    shutil.copyfile(first, again)
    fresh = make_video(media / "fresh.mp4", frames=9)
    return first, again, fresh


def answer_no(monkeypatch) -> tuple[list[str], list[str]]:
    """Answer every question No; keep the questions and the information shown."""
    asked: list[str] = []
    told: list[str] = []

    def question(_parent, _title, text, *_args):
        asked.append(text)
        return QMessageBox.StandardButton.No

    def information(_parent, title, text, *_args):
        told.append(f"{title}\n{text}")
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QMessageBox, "information", information)
    return asked, told


def names(workspace: Workspace) -> list[str]:
    workspace.wait_idle()  # the add runs on the background writer
    return sorted(v.name for v in workspace.session._repo.videos())


def test_no_to_the_duplicate_adds_the_other_file(window, workspace, clips, monkeypatch):
    _first, again, fresh = clips
    asked, told = answer_no(monkeypatch)
    actions.add_videos(window, workspace, [str(again), str(fresh)])
    assert names(workspace) == ["first", "fresh"]  # the other file is added, not the duplicate
    [question] = asked
    assert "again.mp4: same content as first" in question
    assert "No adds the other 1 file without it" in question
    [message] = told
    added, left_out = message.split("Left out")
    assert "fresh.mp4" in added and "again.mp4" not in added
    assert "again.mp4: same content as first" in left_out and "fresh" not in left_out
    assert window.statusBar().currentMessage() == "added 1 videos, left out 1 duplicates"
    undo = build_project_menus(window, workspace).undo  # the window's Edit ▸ Undo
    assert undo.isEnabled()
    undo.trigger()  # runs on the background writer: the add is one step, without the duplicate
    assert names(workspace) == ["first"]  # (names() waits for the writer)


def test_no_to_a_file_given_twice_keeps_the_first_copy(window, workspace, clips, tmp_path,
                                                         monkeypatch):
    _first, _again, fresh = clips
    twin = tmp_path / "twin.mp4"
    shutil.copyfile(fresh, twin)
    asked, told = answer_no(monkeypatch)
    actions.add_videos(window, workspace, [str(fresh), str(twin)])
    assert names(workspace) == ["first", "fresh"]
    assert "twin.mp4: same content as fresh" in asked[0]
    assert "Added 1:\nfresh.mp4" in told[0]


def test_no_when_only_duplicates_were_given_adds_nothing(window, workspace, clips,
                                                         monkeypatch):
    _first, again, _fresh = clips
    asked, told = answer_no(monkeypatch)
    actions.add_videos(window, workspace, [str(again)])
    assert names(workspace) == ["first"]
    assert "No adds nothing" in asked[0] and told == []
    assert window.statusBar().currentMessage() == "nothing was added"


def test_yes_adds_the_duplicate_too(window, workspace, clips, monkeypatch):
    _first, again, fresh = clips
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    actions.add_videos(window, workspace, [str(again), str(fresh)])
    assert names(workspace) == ["again", "first", "fresh"]
