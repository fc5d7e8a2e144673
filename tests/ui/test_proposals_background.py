"""Cue proposals computed on the background writer: the window keeps serving its event loop
while they compute, Cancel in the progress dialog shows nothing and stores nothing, a burst
of requests runs at most one more computation, and a result for a video switched away from
is never shown."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

from emosign_desktop.landmarks import cached_signals
from emosign_desktop.landmarks.track import cache_path
from emosign_desktop.services import proposing
from emosign_desktop.services.session import create_session
from emosign_desktop.services.videos import add_videos
from emosign_desktop.ui import proposal_runs, writing
from tests.conftest import dump_project
from tests.generate import make_video
from tests.services.test_cancel_proposing import RAISED, long_track
from tests.services.test_proposing import FPS, FRAMES, raised_brows

LONG = 1500  # frames of the long video (a minute at 25 fps)


@pytest.fixture
def project_folder(tmp_path):
    """``long`` (a minute, brows raised over RAISED) and ``up2`` (100 frames, raised over
    50..69), both with cached landmarks."""
    folder = tmp_path / "project"
    media = tmp_path / "media"
    media.mkdir()
    files = [make_video(media / "long.mp4", LONG, (32, 32), int(FPS)),
             make_video(media / "up2.mp4", FRAMES, (48, 32), int(FPS))]
    with create_session(folder) as s:
        videos = {v.name: v for v in add_videos(s, files)}
    for name, track in (("long", long_track(LONG, RAISED)), ("up2", raised_brows(50, 69, 2))):
        path = cache_path(videos[name].fingerprint)
        path.parent.mkdir(parents=True, exist_ok=True)
        track.save(path)
    proposing.forget_computed()
    yield folder
    proposing.forget_computed()


@pytest.fixture
def window(make_window, project_folder):
    return make_window(project_folder, video="long", size=(1366, 768))


class Held:
    """Wraps ``propose_for`` as the window runs it: counts the computations, and holds each
    (on the background writer) until the test releases it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[str] = []
        self.held = threading.Event()
        self.release = threading.Event()
        real = proposal_runs.propose_for

        def held(session, names, *args, **kwargs):
            self.calls.append(names[0])
            self.held.set()
            assert self.release.wait(30)
            return real(session, names, *args, **kwargs)

        monkeypatch.setattr(proposal_runs, "propose_for", held)


def idle(qtbot, window) -> None:
    """Every job asked for has run and its results were delivered by the event loop."""
    qtbot.waitUntil(lambda: not window.workspace.background.busy, timeout=60_000)


def spans(window) -> list[tuple[int, int]]:
    return [(s.start_frame, s.end_frame) for s in window.details.segment_rows.proposals]


def test_the_window_serves_its_event_loop_while_proposals_compute(qtbot, window,
                                                                  monkeypatch):
    """Each of the first checkpoints waits for a tick of a timer on the GUI thread: proposing
    gets through only if the event loop runs while it computes."""
    ticked, starved, on = threading.Event(), [], []
    real = proposing.checkpoint

    def gated(done: int, total: int = 0, text: str = "") -> None:
        on.append(threading.current_thread() is threading.main_thread())
        if len(on) <= 3:
            ticked.clear()
            if not ticked.wait(10):
                starved.append(done)
        real(done, total, text)

    monkeypatch.setattr(proposing, "checkpoint", gated)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: (ticks.append(1), ticked.set()))
    timer.start(20)
    ctl = window.proposals
    ctl.actions.propose.trigger()
    assert ctl.status.text() == "Proposing cues for long…"
    assert QApplication.overrideCursor() is None  # no wait cursor
    idle(qtbot, window)
    timer.stop()
    assert starved == [] and len(ticks) >= 3
    assert on and not any(on)  # every checkpoint ran off the GUI thread
    assert spans(window) == [RAISED]
    assert "1 proposal on long" in ctl.status.text()


def test_cancel_shows_nothing_stores_nothing_and_turns_propose_off(qtbot, window,
                                                                   monkeypatch):
    monkeypatch.setattr(writing, "PROGRESS_AFTER_MS", 0)
    held = Held(monkeypatch)
    folder = window.workspace.folder
    before = dump_project(folder / "project.emosign")
    ctl = window.proposals
    ctl.actions.propose.trigger()
    qtbot.waitUntil(held.held.is_set)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(QProgressDialog)))
    [dialog] = [d for d in window.findChildren(QProgressDialog) if d.isVisible()]
    assert dialog.labelText() == "Proposing cues for long"
    [cancel] = dialog.findChildren(QPushButton)
    assert cancel.text() == "Cancel"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    held.release.set()  # it goes on to its first checkpoint, and stops there
    idle(qtbot, window)
    assert not any(d.isVisible() for d in window.findChildren(QProgressDialog))
    assert ctl.items == [] and spans(window) == []
    assert window.details.landmarks.plot.proposal_items == []
    assert not ctl.showing  # Propose is off: the next change does not start it again
    assert ctl.buttons["propose"].text() == "Propose cues"
    assert "Proposing cues for long was cancelled: nothing is shown" in ctl.status.text()
    assert "cancelled" in window.statusBar().currentMessage()
    assert dump_project(folder / "project.emosign") == before
    assert proposing._runs == {} and cached_signals._kept == {}  # nothing half kept
    window.details.landmarks.landmarks_ready.emit(window.workspace.video.fingerprint)
    idle(qtbot, window)  # landmarks arriving: nothing proposed by itself
    assert held.calls == ["long"]
    ctl.actions.propose.trigger()  # asked again: it proposes
    idle(qtbot, window)
    assert spans(window) == [RAISED] and held.calls == ["long", "long"]


def test_a_burst_of_requests_runs_at_most_one_more_computation(qtbot, window, monkeypatch):
    held = Held(monkeypatch)
    ctl = window.proposals
    ctl.actions.propose.trigger()
    qtbot.waitUntil(held.held.is_set)
    fingerprint = window.workspace.video.fingerprint
    for _ in range(2):  # while it runs: refreshes, landmarks arriving, ...
        ctl.refresh()
        window.details.landmarks.landmarks_ready.emit(fingerprint)
    ctl.refresh(told=True)
    assert ctl.status.text() == "Proposing cues for long…"
    held.release.set()
    idle(qtbot, window)
    assert held.calls == ["long", "long"] and ctl.runs.started == 2
    assert spans(window) == [RAISED]


def test_a_result_for_a_video_switched_away_from_is_not_shown(qtbot, window, monkeypatch):
    held = Held(monkeypatch)
    shown: list[list[tuple[int, int]]] = []
    real = window.details.show_proposals

    def recorded(found, text):
        shown.append([(s.start_frame, s.end_frame) for s in found])
        real(found, text)

    monkeypatch.setattr(window.details, "show_proposals", recorded)
    ctl = window.proposals
    ctl.actions.propose.trigger()
    qtbot.waitUntil(held.held.is_set)
    assert window.select_video("up2")
    assert ctl.status.text() == "Proposing cues for up2…"
    held.release.set()
    idle(qtbot, window)
    assert held.calls == ["long", "up2"]
    assert [RAISED] not in shown  # long's proposals never showed on up2
    assert spans(window) == [(50, 69)] and ctl.shown.found.video.name == "up2"
