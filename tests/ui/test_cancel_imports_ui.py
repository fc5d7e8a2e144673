"""File ▸ Import ELAN File in the window: its progress dialog has Cancel, and pressing it
part way through changes nothing (every row of the project file as before, nothing to undo
from it); the import run again goes through."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QPushButton

from emosign_desktop.services import reference_import
from emosign_desktop.services.background import checkpoint as real_checkpoint
from tests.conftest import demo_copy, dump_project
from tests.services.test_cancel_imports import eaf_text

VIDEO = "pose_test_video"  # 58 frames, about 2 s


def test_an_elan_import_cancelled_from_its_progress_dialog_changes_nothing(
        make_window, tmp_path, monkeypatch, qtbot):
    w = make_window(demo_copy(tmp_path), video=VIDEO)
    eaf = tmp_path / "lab.eaf"
    eaf.write_text(eaf_text(f"{VIDEO}.mp4", tiers=3, per_tier=200, step_ms=9),
                   encoding="utf-8")
    held, release = threading.Event(), threading.Event()

    def gated(done: int, total: int = 0, text: str = "") -> None:
        if done == 100:  # the import waits here until the test has pressed Cancel
            held.set()
            release.wait(30)
        real_checkpoint(done, total, text)

    monkeypatch.setattr(reference_import, "checkpoint", gated)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(eaf), ""))
    folder = w.workspace.folder
    assert folder is not None
    before = dump_project(Path(folder) / "project.emosign")
    steps = w.menus.undo.text()
    w.menus.needs_project[4].trigger()  # File ▸ Import ELAN File...
    qtbot.waitUntil(held.is_set)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in w.findChildren(QProgressDialog)),
                    timeout=5000)  # shown after half a second
    [dialog] = [d for d in w.findChildren(QProgressDialog) if d.isVisible()]
    [cancel] = dialog.findChildren(QPushButton)
    assert cancel.text() == "Cancel"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    release.set()
    w.workspace.wait_idle()
    assert w.statusBar().currentMessage() == "cancelled: nothing was changed"
    assert dump_project(Path(folder) / "project.emosign") == before
    assert w.menus.undo.text() == steps
    release.set()
    held.clear()
    w.menus.needs_project[4].trigger()  # again, not cancelled: it goes through
    w.workspace.wait_idle()
    assert w.statusBar().currentMessage().startswith(f"{eaf}: imported onto {VIDEO}: ")
    assert w.menus.undo.text() == "&Undo: import lab.eaf"
