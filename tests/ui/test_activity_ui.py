"""Time on task from the window: a scripted clock, real Qt input events, the database read
back."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from emosign_desktop.services.activity import time_on_task
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui.activity import ActivityRecorder
from tests.conftest import add_videos_by_name


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def setup(qtbot, project):
    v1, v2 = add_videos_by_name(project, "v1", "v2")
    folder = project.folder
    project.close()
    ws = Workspace("kim")
    ws.open(folder)
    widget = QLineEdit()
    qtbot.addWidget(widget)
    widget.show()
    clock = Clock()
    recorder = ActivityRecorder(widget, ws, now=clock)
    recorder.set_active(True)
    yield ws, widget, clock, recorder, v1, v2
    recorder.close()
    ws.close()


def seconds(ws, video):
    ws.wait_idle()  # the recorder stores on the background writer
    return {(r.video, r.annotator): round(r.seconds, 3) for r in time_on_task(ws.session)
            }.get((video, "kim"))


def test_input_on_a_selected_video_counts_and_idle_time_does_not(qtbot, setup):
    ws, widget, clock, recorder, v1, v2 = setup
    ws.select(ws.queries.video(v1.id))
    qtbot.keyClick(widget, Qt.Key.Key_A)  # input: counting starts
    clock.t += 30
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    clock.t += 200  # walked away: only 60 s after the last input count
    recorder.flush()
    assert seconds(ws, "v1") == 90.0
    qtbot.keyClick(widget, Qt.Key.Key_B)
    clock.t += 10
    ws.select(ws.queries.video(v2.id))  # the switch stores v1's time at once
    assert seconds(ws, "v1") == 100.0
    clock.t += 5
    recorder.set_active(False)  # another application in front: nothing counts
    clock.t += 50
    recorder.set_active(True)
    qtbot.keyClick(widget, Qt.Key.Key_C)
    clock.t += 7
    recorder.flush()
    assert seconds(ws, "v2") == 12.0 and seconds(ws, "v1") == 100.0


def test_nothing_counts_without_a_video_or_an_annotator(qtbot, setup):
    ws, widget, clock, recorder, v1, _v2 = setup
    qtbot.keyClick(widget, Qt.Key.Key_A)
    clock.t += 30
    recorder.flush()
    assert time_on_task(ws.session) == []
    ws.select(ws.queries.video(v1.id))
    ws.set_annotator("")
    qtbot.keyClick(widget, Qt.Key.Key_A)
    clock.t += 30
    recorder.flush()
    assert time_on_task(ws.session) == []
