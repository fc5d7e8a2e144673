"""A closed window lets go: every slot its panels connected to the workspace, the review
session and the playhead is disconnected, while another window on the same workspace keeps
following it."""

from __future__ import annotations

from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui.connections import owned_by
from emosign_desktop.ui.main_window import MainWindow


def slots_of(window: MainWindow, ws: Workspace) -> list[str]:
    """The slots connected to the workspace's signals that belong to ``window``."""
    return [f"{signal.name}: {slot!r}" for signal in ws.signals() for slot in signal.slots()
            if owned_by(window, slot)]


def test_a_closed_windows_panels_hear_nothing_more(qtbot, project_dir):
    ws = Workspace("ana")
    first, second = MainWindow(workspace=ws), MainWindow(workspace=ws)
    for window in (first, second):
        qtbot.addWidget(window)
    ws.open(project_dir)
    mine = slots_of(first, ws)
    kinds = {line.split(":")[0] for line in mine}
    assert {"changes", "video", "annotator", "media_changed", "playhead"} <= kinds
    first.close()
    assert slots_of(first, ws) == []
    assert len(slots_of(second, ws)) == len(mine)  # the other window still follows
    total = sum(len(s) for s in ws.signals())
    assert total == len(slots_of(second, ws))  # nothing left of the closed one
    ws.open(project_dir)  # a project, a video, a frame: the closed window is not told
    ws.set_annotator("bo")
    ws.review.playhead.set_media(10, 25.0)
    ws.review.playhead.seek(4)
    assert " — bo — " in second.windowTitle()  # the open window is told
    assert " — bo — " not in first.windowTitle()  # the closed one is not
    second.close()
    assert sum(len(s) for s in ws.signals()) == 0
