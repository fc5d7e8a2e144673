"""After a write that was not saved, the tier editor, the video details (a dragged segment
edge) and the detector settings show what the project holds again only when it can be read:
with the server away (``NotSavedError.can_read_back`` False) they read nothing (no SQL
statement on the GUI thread) and keep what they show; with the project readable they show
the stored value again.  Either way the error is shown once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from PySide6.QtCore import QPoint, Qt
from sqlalchemy import event
from sqlalchemy.engine import Engine

from emosign_desktop.core.errors import NotSavedError
from emosign_desktop.services.session import open_session
from emosign_desktop.storage.engine import ServerUnavailableError
from emosign_desktop.ui import messages
from emosign_desktop.ui.detector_settings import DetectorSettingsDialog
from emosign_desktop.ui.main_window import MainWindow
from tests.conftest import demo_copy

VIDEO = "signbank_ns_1m"  # nobody has labelled it
AWAY = ServerUnavailableError("database 'lab' on 127.0.0.1:5432 cannot be reached: "
                              "the change was NOT saved. Nothing was changed.")
DISK_FULL = NotSavedError("project.emosign: the disk is full: the change was NOT saved")
CASES = [pytest.param(AWAY, False, id="server away"),
         pytest.param(DISK_FULL, True, id="project readable")]


@pytest.fixture
def window(make_window, tmp_path) -> MainWindow:
    """The demo project with one segment of kim's (Facial grammar, frames 2-8)."""
    folder = demo_copy(tmp_path)
    with open_session(folder) as s:
        video = s._repo.video_by_name(VIDEO)
        tier = next(t for t in s._repo.tiers() if t.name == "Facial grammar")
        s.editing.add_segment(video.id, "kim", tier.id, 2, 8, tier.vocabulary[0])
    w = make_window(folder, video=VIDEO)
    w.poller.timer.stop()  # this window does not look for others' changes here
    return w


@pytest.fixture
def shown(monkeypatch) -> list[str]:
    """The error boxes shown (title: text)."""
    said: list[str] = []
    monkeypatch.setattr(messages, "show_error",
                        lambda _parent, title, exc: said.append(f"{title}: {exc}"))
    return said


@contextmanager
def gui_reads() -> Iterator[list[str]]:
    """The SQL statements run on the GUI thread inside the block (the write itself runs on
    the background writer's thread)."""
    seen: list[str] = []
    gui = threading.main_thread()

    def count(_conn, _cursor, statement, *_rest) -> None:  # type: ignore[no-untyped-def]
        if threading.current_thread() is gui:
            seen.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", count)


def refuse_writes(monkeypatch, window: MainWindow, error: NotSavedError) -> None:
    """Every write of the window's project fails with ``error`` where storage meets it."""
    session = window.workspace.session
    assert session is not None

    def apply(*_args: object, **_kwargs: object) -> None:
        raise error

    monkeypatch.setattr(session._repo, "apply", apply)


def finish(window: MainWindow, readable: bool) -> list[str]:
    """Let the refused write come back; the GUI thread's statements meanwhile."""
    with gui_reads() as statements:
        window.workspace.wait_idle()
    if not readable:
        assert statements == []  # nothing read: it would fail too, with the server away
    return statements


@pytest.mark.parametrize(("error", "readable"), CASES)
def test_the_tier_editor_reads_back_only_when_it_can(window, shown, monkeypatch, error,
                                                      readable):
    editor = window.tier_editor
    [item] = [editor.segments.item(i) for i in range(editor.segments.count())]
    stored = item.data(Qt.ItemDataRole.UserRole)
    editor.select(stored.id)
    other = next(v for v in editor.tiers[0].vocabulary if v != stored.value)
    refuse_writes(monkeypatch, window, error)
    editor.value.setCurrentIndex(editor.value.findData(other))
    editor.value.activated.emit(editor.value.currentIndex())
    finish(window, readable)
    assert len(shown) == 1 and "NOT saved" in shown[0]
    assert editor.selected() is not None and editor.selected().id == stored.id
    # readable: the stored value again; the server away: what the annotator chose stays
    assert editor.value.currentData() == (stored.value if readable else other)
    assert window.workspace.queries.my_segments(window.workspace.video.id, "kim") == [stored]


def drag_end(window: MainWindow, frames: int) -> None:
    """Drag the end edge of kim's segment on the segment rows ``frames`` further."""
    details = window.details
    rows = details.segment_rows
    details.tabs.setCurrentWidget(rows)
    rows.resize(900, rows.minimumHeight())
    [row] = [i for i, r in enumerate(rows.shown) if r.annotator == "kim"]
    [seg] = rows.shown[row].segments
    y = int(2 + row * rows.row_h + rows.row_h / 2)
    start = QPoint(round(rows._x(seg.end_frame + 1)), y)
    end = QPoint(round(rows._x(seg.end_frame + 1 + frames + 0.5)), y)
    rows.mousePressEvent(_mouse(rows, start))
    rows.mouseMoveEvent(_mouse(rows, end))
    rows.mouseReleaseEvent(_mouse(rows, end))


def _mouse(widget, pos: QPoint):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QMouseEvent

    return QMouseEvent(QEvent.Type.MouseMove, QPointF(pos), widget.mapToGlobal(QPointF(pos)),
                       Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)


def kim_end_shown(window: MainWindow) -> int:
    rows = window.details.segment_rows
    [seg] = [s for r in rows.shown if r.annotator == "kim" for s in r.segments]
    return seg.end_frame


@pytest.mark.parametrize(("error", "readable"), CASES)
def test_a_dragged_segment_edge_is_read_back_only_when_it_can(window, shown, monkeypatch,
                                                              error, readable):
    assert kim_end_shown(window) == 8
    refuse_writes(monkeypatch, window, error)
    drag_end(window, 5)
    assert kim_end_shown(window) == 13  # where the drag left it
    finish(window, readable)
    assert len(shown) == 1 and "NOT saved" in shown[0]
    assert kim_end_shown(window) == (8 if readable else 13)
    [seg] = window.workspace.queries.my_segments(window.workspace.video.id, "kim")
    assert seg.end_frame == 8


@pytest.mark.parametrize(("error", "readable"), CASES)
def test_the_detector_settings_read_back_only_when_they_can(window, shown, monkeypatch, qtbot,
                                                            error, readable):
    dialog = DetectorSettingsDialog(window.workspace, window)
    qtbot.addWidget(dialog)
    dialog.show()
    spin = dialog.spins[("head_nod", "threshold")]
    stored = spin.value()
    refuse_writes(monkeypatch, window, error)
    spin.setValue(stored + 1.5)
    finish(window, readable)
    assert len(shown) == 1 and "NOT saved" in shown[0]
    assert spin.value() == (stored if readable else stored + 1.5)
    from emosign_desktop.services.proposing import detector_settings

    assert detector_settings(window.workspace.session)["head_nod"].threshold == stored
