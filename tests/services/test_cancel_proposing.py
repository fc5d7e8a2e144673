"""Proposing cues on the background writer: it reports its progress between signals and
detectors and, cancelled part way, changes nothing (every row of the project as before) and
keeps nothing half done in memory (no signals of a file not fully derived, no detector run
not finished); proposed again afterwards, it goes through."""

from __future__ import annotations

import pytest

from emosign_desktop.landmarks import cached_signals
from emosign_desktop.landmarks.signals import SIGNALS
from emosign_desktop.landmarks.track import LandmarkTrack, cache_path
from emosign_desktop.services import proposing
from emosign_desktop.services.background import CancelledError, Progress
from emosign_desktop.services.proposing import propose_for
from emosign_desktop.services.workspace import Workspace
from tests.conftest import add_video_record, dump_project
from tests.landmarks.test_face_signals import raise_brows
from tests.services.cancelling import CancelAt
from tests.services.test_proposing import still_face

FPS, FRAMES = 25.0, 3000  # two minutes
RAISED = (1000, 1049)
STEPS = len(SIGNALS) + len(proposing.DETECTORS)


def long_track(frames: int = FRAMES, raised: tuple[int, int] = RAISED) -> LandmarkTrack:
    """A still signer (jittering a little) whose brows rise over ``raised``."""
    track = still_face(7, frames)
    raise_brows(track, *raised)
    return track


@pytest.fixture
def workspace(project_dir):
    ws = Workspace("kim")
    ws.open(project_dir)
    assert ws.session is not None
    fingerprint = "sha256:long"
    path = cache_path(fingerprint)
    path.parent.mkdir(parents=True, exist_ok=True)
    long_track().save(path)
    add_video_record(ws.session, "long", fingerprint)
    proposing.forget_computed()
    yield ws
    ws.close()
    ws.background.close()
    proposing.forget_computed()


def run_on_writer(ws: Workspace, progress: Progress) -> tuple[object, BaseException | None]:
    """Propose for ``long`` on the workspace's background writer as the window does."""
    ticket = ws.background.submit(lambda _p: propose_for(ws.session, ["long"]),
                                  progress=progress)
    ws.wait_idle()
    error = ticket.error()
    return (None if error else ticket.result()), error


def kept_signals() -> list[str]:
    return list(cached_signals._kept)


@pytest.mark.parametrize("what", ["signals", "detectors"])
def test_a_cancelled_proposing_changes_and_keeps_nothing_half_done(workspace, what):
    assert workspace.folder is not None
    before = dump_project(workspace.folder / "project.emosign")
    progress = CancelAt(lambda done, total, text: what in text and done >= (
        len(SIGNALS) // 2 if what == "signals" else len(SIGNALS) + 2))
    result, error = run_on_writer(workspace, progress)
    assert result is None and isinstance(error, CancelledError)
    assert dump_project(workspace.folder / "project.emosign") == before
    assert proposing._runs == {}  # no detector run kept
    if what == "signals":  # part way through deriving them: none kept
        assert kept_signals() == []
    else:  # derived in full before the detectors began: those are kept, whole
        [kept] = cached_signals._kept.values()
        assert set(kept.signals) == set(SIGNALS)
    # it said how far it got, rising, out of one step per signal and per detector
    assert all(total == STEPS and "Proposing cues for long" in text
               for _d, total, text in progress.seen)
    done = [d for d, _t, _text in progress.seen]
    assert done == sorted(done) and len(done) >= 5
    # proposed again, not cancelled: it goes through, to the end
    again = CancelAt(lambda *_a: False)
    run, error = run_on_writer(workspace, again)
    assert error is None and isinstance(run, proposing.ProposalRun)
    [found] = run.videos
    assert [(p.detector, p.start_frame, p.end_frame) for p in found.proposals] == [
        ("brow_raise", *RAISED)]
    assert again.seen[-1][:2] == (STEPS, STEPS)
    assert len(proposing._runs) == 1 and len(kept_signals()) == 1


def test_proposing_from_the_command_line_is_never_cancelled(workspace):
    """Off the background writer (the command line) the checkpoints do nothing."""
    run = propose_for(workspace.session, ["long"])
    assert [(p.start_frame, p.end_frame) for p in run.videos[0].proposals] == [RAISED]
