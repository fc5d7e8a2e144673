"""Writes off the GUI thread (ui/writing.py on services/background.py): the window keeps
serving its event loop while a 10,000-row import runs, edits made meanwhile land after it in
order, a cancelled import changes nothing, and a refused edit is said and taken back."""

from __future__ import annotations

import itertools
import sqlite3
import threading
import time

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QPushButton

from emosign_desktop.core.model import CONSENSUS_ANNOTATOR
from emosign_desktop.services import csv_exchange
from emosign_desktop.services.background import checkpoint as real_checkpoint
from emosign_desktop.services.session import open_session
from emosign_desktop.services.videos import add_named_videos
from emosign_desktop.settings import UserSettings
from emosign_desktop.ui import actions, messages
from emosign_desktop.ui.main_window import MainWindow
from tests.conftest import dump_project
from tests.generate import released_rows, write_released

ROWS = 10_000
TICK_MS = 50  # 20 Hz


@pytest.fixture
def window(qtbot, project_dir):
    with open_session(project_dir) as session:
        add_named_videos(session, ["v1"])
    w = MainWindow(UserSettings(annotator="kim"))
    qtbot.addWidget(w)
    w.show()
    w.open_project(project_dir)
    assert w.videos.select_name("v1")
    return w


@pytest.fixture
def big_csv(tmp_path):
    return write_released(tmp_path / "big.csv", released_rows(ROWS))


@pytest.fixture
def csv_3000(tmp_path):
    """Enough rows for three gates of :class:`Gate` (and quick to import)."""
    return write_released(tmp_path / "big.csv", released_rows(3000))


@pytest.fixture
def shown(monkeypatch) -> list[str]:
    """The message boxes a background write showed (title: text)."""
    said: list[str] = []
    monkeypatch.setattr(messages, "show_error",
                        lambda _parent, title, exc: said.append(f"{title}: {exc}"))
    return said


class Gate:
    """Holds the import at every 1,000th row until the GUI thread's timer has ticked: the
    import cannot finish unless the event loop keeps running while it does."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.row = 0  # how far the import got (written on the worker)
        self.ticked = threading.Event()
        self.held = threading.Event()  # the import reached its first gate
        self.release = threading.Event()
        self.release.set()

        def gated(done: int, total: int = 0, text: str = "") -> None:
            self.row = done
            if done % 1000 == 0:
                self.held.set()
                self.release.wait(30)
                self.ticked.clear()
                self.ticked.wait(30)
            real_checkpoint(done, total, text)

        monkeypatch.setattr(csv_exchange, "checkpoint", gated)


def start_import(window: MainWindow, monkeypatch: pytest.MonkeyPatch, path) -> None:
    monkeypatch.setattr(actions, "open_file", lambda *_a: str(path))
    actions.import_csv(window, window.workspace)


def idle(qtbot, window: MainWindow) -> None:
    """Every write asked for has run and its results were delivered (by the event loop)."""
    qtbot.waitUntil(lambda: not window.workspace.background.busy, timeout=60_000)


def stored_joy(window: MainWindow) -> object:
    ws = window.workspace
    assert ws.video is not None
    ann = ws.queries.annotation(ws.video.id, "kim")
    return None if ann is None else ann.value("joy")


@pytest.mark.slow  # the import itself takes half a minute on a loaded 2-core machine
def test_the_event_loop_serves_a_20_hz_timer_during_a_10000_row_import(
        qtbot, window, big_csv, monkeypatch):
    """Ticks are counted from the import's first row to its end, against its length in
    tick intervals; and they came all through it (the rows are read in a blink on a fast
    machine and the write takes the rest, so the quarters of its length are counted, not
    the rows seen)."""
    job = {"start": 0.0, "end": 0.0, "row": 0}
    ticks: list[tuple[float, int]] = []  # (when, the import's row) while it ran

    def counted(done: int, total: int = 0, text: str = "") -> None:
        if done == 1:
            job["start"] = time.monotonic()
        job["row"] = done
        real_checkpoint(done, total, text)

    monkeypatch.setattr(csv_exchange, "checkpoint", counted)
    finished = {"done": False}

    def tick() -> None:
        if job["start"] and not finished["done"]:
            ticks.append((time.monotonic(), job["row"]))

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(TICK_MS)
    start_import(window, monkeypatch, big_csv)
    writer = window.workspace.background  # the import is its only job
    qtbot.waitUntil(lambda: job["start"] > 0, timeout=60_000)
    qtbot.waitUntil(lambda: writer.drain(0), timeout=120_000)
    job["end"] = time.monotonic()
    finished["done"] = True
    idle(qtbot, window)
    timer.stop()
    assert window.statusBar().currentMessage().startswith("big.csv: ")
    assert window.workspace.queries.annotator_id(CONSENSUS_ANNOTATOR) is not None
    intervals = (job["end"] - job["start"]) * 1000 / TICK_MS
    gaps = [b - a for (a, _), (b, _) in itertools.pairwise(ticks)]
    longest = max(gaps, default=0) * 1000 / TICK_MS
    print(f"\n10,000-row import: {intervals:.0f} tick intervals long, {len(ticks)} ticks "
          f"served, longest gap {longest:.1f} intervals")
    assert len(ticks) >= 10
    assert len(ticks) >= intervals / 2  # the event loop kept up with the timer
    span = job["end"] - job["start"]
    quarters = {min(3, int(4 * (when - job["start"]) / span)) for when, _ in ticks}
    assert quarters == {0, 1, 2, 3}  # all through the import, not in one burst


def test_edits_made_during_an_import_land_after_it_in_order(
        qtbot, window, csv_3000, monkeypatch):
    gate = Gate(monkeypatch)
    gate.release.clear()
    timer = QTimer()
    timer.timeout.connect(gate.ticked.set)
    timer.start(TICK_MS)
    start_import(window, monkeypatch, csv_3000)
    qtbot.waitUntil(gate.held.is_set)  # the import holds the write lock
    for value in (1, 3, 0, 2):  # the annotator goes on labelling meanwhile
        assert window.labels._choose("joy", value)
    assert stored_joy(window) is None  # queued behind the import
    gate.release.set()
    idle(qtbot, window)
    timer.stop()
    assert stored_joy(window) == 2
    assert window.labels.groups["joy"].checkedId() - 1000 == 2
    folder = window.workspace.folder
    assert folder is not None
    with sqlite3.connect(folder / "project.emosign") as db:
        kim = db.execute("SELECT id FROM annotator WHERE name = 'kim'").fetchone()[0]
        lines = db.execute("SELECT id, annotator_id, field, new_value FROM edit_log "
                           "WHERE target = 'annotation' ORDER BY id").fetchall()
    imported = [i for i, who, _f, _v in lines if who != kim]
    joys = [(i, v) for i, who, field, v in lines if who == kim and field == "joy"]
    assert len(imported) > 3000 and joys
    assert min(i for i, _ in joys) > max(imported)  # the import first, then the edits ...
    assert [v for _i, v in joys] == ["1", "3", "0", "2"]  # ... in the order made


def test_a_cancelled_import_changes_nothing(qtbot, window, csv_3000, monkeypatch):
    gate = Gate(monkeypatch)
    gate.release.clear()
    timer = QTimer()
    timer.timeout.connect(gate.ticked.set)
    timer.start(TICK_MS)
    folder = window.workspace.folder
    assert folder is not None
    before = dump_project(folder / "project.emosign")
    start_import(window, monkeypatch, csv_3000)
    qtbot.waitUntil(gate.held.is_set)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(QProgressDialog)),
                    timeout=5000)  # shown after half a second
    [dialog] = [d for d in window.findChildren(QProgressDialog) if d.isVisible()]
    assert "big.csv" in dialog.labelText()
    [cancel] = dialog.findChildren(QPushButton)
    assert cancel.text() == "Cancel"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    gate.release.set()
    idle(qtbot, window)
    timer.stop()
    assert window.statusBar().currentMessage() == "cancelled: nothing was changed"
    assert not any(d.isVisible() for d in window.findChildren(QProgressDialog))
    assert dump_project(folder / "project.emosign") == before
    assert window.workspace.undo_stack is not None
    assert not window.workspace.undo_stack.can_undo


def test_a_refused_edit_is_said_and_the_panel_shows_what_is_stored(qtbot, window, shown,
                                                                    monkeypatch):
    monkeypatch.setattr(window.poller, "poll", lambda: None)  # this window does not look
    window.labels._choose("joy", 1)
    idle(qtbot, window)
    assert stored_joy(window) == 1
    folder = window.workspace.folder
    video = window.workspace.video
    assert folder is not None and video is not None
    with open_session(folder) as other:  # another window changes the same label meanwhile
        other.editing.set_label(video.id, "kim", "joy", 0)
    window.labels._choose("joy", 3)  # made on what this window showed: refused
    idle(qtbot, window)
    assert len(shown) == 1 and "joy" in shown[0]
    assert stored_joy(window) == 0
    assert window.labels.groups["joy"].checkedId() - 1000 == 0  # not the refused 3


def test_closing_the_project_first_lands_the_writes_asked_for(qtbot, window):
    gate = threading.Event()
    window.workspace.submit(lambda _s: gate.wait(30))  # the writer is busy
    window.labels._choose("joy", 2)
    gate.set()
    folder = window.workspace.folder
    video = window.workspace.video
    assert folder is not None and video is not None
    window.workspace.close()
    with open_session(folder) as again:
        ann = again.queries.annotation(video.id, "kim")
    assert ann is not None and ann.value("joy") == 2
