"""Issue 19 in the window: a write that fails says NOT saved and the panel shows the stored
value again; a read-only project opens with a banner and editing off; a damaged project
file is offered its newest backup."""

from __future__ import annotations

import os
import sys

import pytest
from PySide6.QtWidgets import QMessageBox

from emosign_desktop.core.errors import NotSavedError
from emosign_desktop.services.safety import backup_now
from emosign_desktop.storage.project import PROJECT_FILE
from emosign_desktop.ui import messages
from emosign_desktop.ui.main_window import MainWindow
from tests.storage.safety_helpers import immutable, labelled, stored
from tests.ui.windows import build_window


@pytest.fixture
def shown(monkeypatch):
    """The message boxes the window would show: (title, text)."""
    from emosign_desktop.ui import actions, main_window

    boxes: list[tuple[str, str]] = []
    for module in (messages, main_window, actions):
        monkeypatch.setattr(module, "show_error",
                            lambda _p, title, exc: boxes.append((title, str(exc))))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    messages.install_excepthook()
    return boxes


def _window(qtbot, folder) -> MainWindow:
    return build_window(qtbot, folder, video="clip", annotator="ann1", size=(1366, 768))


def _joy_shown(w: MainWindow) -> int | None:
    button = w.labels.groups["joy"].checkedButton()
    return None if button is None else w.labels.groups["joy"].id(button) - 1000


def test_a_failed_edit_says_not_saved_and_shows_the_stored_value(qtbot, project_dir, shown,
                                                                 monkeypatch):
    labelled(project_dir, joy=2)
    w = _window(qtbot, project_dir)
    assert _joy_shown(w) == 2
    session = w.workspace.session
    assert session is not None

    def disk_full(*_args, **_kwargs):
        raise NotSavedError("project.emosign: the change was NOT saved: the disk is full. "
                            "The project holds what it held before the change.")

    monkeypatch.setattr(session._repo, "apply", disk_full)
    w.labels.groups["joy"].button(1003).click()
    qtbot.waitUntil(lambda: bool(shown))
    title, text = shown[0]
    assert title == "Not saved" and "NOT saved: the disk is full" in text
    assert "is saved" not in text
    assert _joy_shown(w) == 2  # the panel shows what the project holds, not the click
    w.close()
    assert stored(project_dir) == (2, "brows up")


def test_read_only_project_has_a_banner_and_no_editing(qtbot, project_dir, tmp_path):
    labelled(project_dir)
    with immutable(project_dir / PROJECT_FILE):
        w = _window(qtbot, project_dir)
        assert w.read_only_banner.isVisible()
        assert "Read-only" in w.read_only_banner.text()
        assert "immutable" in w.read_only_banner.text()
        assert not w.labels.isEnabled() and not w.tier_editor.isEnabled()
        assert all(not a.isEnabled() for a in w.menus.writes)
        assert w.menus.export_csv.isEnabled()  # exports still work
        assert _joy_shown(w) == 2  # the labels are shown all the same
        w.grab().save(str(tmp_path / "read-only.png"))
        if os.environ.get("EMOSIGN_SCREENSHOTS"):
            w.grab().save(os.path.join(os.environ["EMOSIGN_SCREENSHOTS"], "read-only.png"))
        w.close()
    assert not list(project_dir.glob(PROJECT_FILE + "-*"))


def test_a_damaged_file_is_offered_its_newest_backup(qtbot, project_dir, shown, monkeypatch):
    labelled(project_dir, joy=2)
    backup_now(project_dir)
    path = project_dir / PROJECT_FILE
    with path.open("r+b") as fh:
        fh.truncate(path.stat().st_size // 2)
    asked: list[str] = []

    def yes(_parent, _title, text, *_args):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    monkeypatch.setattr(QMessageBox, "information", lambda *_a: None)
    w = _window(qtbot, project_dir)
    assert asked and "damaged" in asked[0] and "backup" in asked[0]
    assert _joy_shown(w) == 2
    assert list(project_dir.glob(PROJECT_FILE + ".replaced-*"))
    w.close()
