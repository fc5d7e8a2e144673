"""The background writer (services/background.py): one thread runs every write in order; what
it sends back is delivered where the project is shown; a cancelled import changes nothing;
the GUI thread reads on a connection of its own while a write transaction is open."""

from __future__ import annotations

import threading

import pytest

from emosign_desktop.core.changes import Changes
from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.core.model import CONSENSUS_ANNOTATOR
from emosign_desktop.services.background import (
    BackgroundWriter,
    CancelledError,
    Progress,
    checkpoint,
    current_progress,
)
from emosign_desktop.services.csv_exchange import import_released
from emosign_desktop.services.videos import add_named_videos
from emosign_desktop.services.workspace import Workspace
from tests.conftest import dump_project
from tests.generate import released_rows, write_released


class Courier:
    """Stands in for the GUI thread's queued signal: counts requests to flush."""

    def __init__(self) -> None:
        self.requests = 0

    def __call__(self) -> None:
        self.requests += 1


def test_jobs_run_in_order_on_one_thread_and_are_delivered_where_flushed():
    courier = Courier()
    writer = BackgroundWriter(courier)
    here = threading.current_thread()
    ran: list[tuple[int, threading.Thread]] = []
    got: list[object] = []
    for i in range(20):
        writer.submit(lambda _p, i=i: ran.append((i, threading.current_thread())) or i,
                      on_done=got.append)
    assert writer.drain(10)
    assert [i for i, _ in ran] == list(range(20))
    assert len({t for _, t in ran}) == 1 and ran[0][1] is not here
    assert got == [] and writer.busy  # nothing delivered until the shown thread flushes
    assert courier.requests >= 1
    writer.flush()
    assert got == list(range(20)) and not writer.busy
    writer.close()


class FreedWhere:
    """Records the thread it is freed on (stands in for a Qt object in a job's callbacks:
    freed on the writer's thread, one deadlocks against the GUI thread)."""

    def __init__(self, freed: list[threading.Thread]) -> None:
        self.freed = freed

    def __del__(self) -> None:
        self.freed.append(threading.current_thread())


def test_a_finished_job_is_let_go_where_its_results_are_delivered():
    writer = BackgroundWriter(Courier())
    freed: list[threading.Thread] = []
    held = FreedWhere(freed)
    writer.submit(lambda _p: 1, on_done=lambda _r, held=held: None)
    del held  # the job's callback holds it alone now
    assert writer.drain(10)
    writer.flush()  # here: results delivered, the finished job let go
    writer.submit(lambda _p: 2)  # (the worker takes its next job)
    assert writer.drain(10)
    writer.flush()
    assert freed == [threading.current_thread()]
    writer.close()


def test_an_error_goes_to_on_error_and_the_ticket():
    writer = BackgroundWriter()
    errors: list[BaseException] = []

    def fail(_p: Progress) -> None:
        raise EmoSignError("x.csv: row 3: no")

    ticket = writer.submit(fail, on_error=errors.append, on_done=lambda _r: pytest.fail())
    writer.wait_idle(10)
    assert [str(e) for e in errors] == ["x.csv: row 3: no"]
    with pytest.raises(EmoSignError):
        ticket.result(0)
    writer.close()


def test_checkpoint_does_nothing_outside_the_background_writer():
    assert current_progress() is None
    checkpoint(200, 1000)  # no progress, no cancel: the command line runs on


class CancelHalfway(Progress):
    """The user presses Cancel when the import is half done."""

    def report(self, done: int, total: int = 0, text: str = "") -> None:
        super().report(done, total, text)
        if total and done >= total // 2:
            self.cancel()


@pytest.fixture
def workspace(project_dir):
    ws = Workspace("ann")
    ws.open(project_dir)
    yield ws
    ws.close()
    ws.background.close()


def test_a_cancelled_import_changes_nothing(workspace, tmp_path):
    src = write_released(tmp_path / "big.csv", released_rows(3000))
    before = dump_project(workspace.folder / "project.emosign")
    errors: list[BaseException] = []
    writer = workspace.background
    ticket = writer.submit(lambda _p: import_released(workspace.session, src),
                           on_error=errors.append, progress=CancelHalfway())
    workspace.wait_idle()
    assert isinstance(ticket.error(), CancelledError)
    assert [str(e) for e in errors] == ["cancelled: nothing was changed"]
    assert ticket.progress.done < 3000
    assert dump_project(workspace.folder / "project.emosign") == before
    assert workspace.undo_stack is not None and not workspace.undo_stack.can_undo


def test_announcements_of_a_background_write_come_where_shown_before_its_result(workspace):
    [video] = add_named_videos(workspace.session, ["v1"])
    courier = Courier()
    workspace.background.deliver = courier
    seen: list[tuple[str, object]] = []
    workspace.on_changes(lambda c: seen.append(("changes", c)))
    workspace.on_undo(lambda: seen.append(("undo", None)))
    panel = object()
    workspace.submit(lambda _p: workspace.editing.set_label(video.id, "ann", "joy", 2),
                     initiator=panel, on_done=lambda c: seen.append(("done", c)))
    assert workspace.background.drain(10)
    assert seen == []  # ran on the worker; nothing told there
    workspace.background.flush()
    kinds = [k for k, _ in seen]
    assert kinds.index("changes") < kinds.index("done")
    changes = next(c for k, c in seen if k == "changes")
    assert isinstance(changes, Changes) and changes.initiator is panel
    assert workspace.queries.annotation(video.id, "ann").value("joy") == 2


def test_edits_queued_behind_an_import_land_in_order(workspace, tmp_path):
    src = write_released(tmp_path / "big.csv", released_rows(2000))
    [video] = add_named_videos(workspace.session, ["v1"])
    gate = threading.Event()
    workspace.submit(lambda _p: gate.wait(10))  # the writer is busy
    workspace.submit(lambda _p: import_released(workspace.session, src))
    for value in (1, 3, 0, 2):
        workspace.submit(lambda _p, v=value: workspace.editing.set_label(video.id, "ann",
                                                                          "joy", v))
    assert workspace.queries.annotation(video.id, "ann") is None  # nothing ran yet
    gate.set()
    workspace.wait_idle()
    assert workspace.queries.annotation(video.id, "ann").value("joy") == 2
    consensus = workspace.queries.annotator_id(CONSENSUS_ANNOTATOR)
    assert consensus is not None


def test_reads_on_another_thread_use_their_own_connection_while_a_write_is_open(workspace):
    [video] = add_named_videos(workspace.session, ["v1"])
    inside, release = threading.Event(), threading.Event()
    writer = workspace.writer

    def slow_edit(_p: Progress) -> None:
        with writer.operation("slow edit"):
            workspace.editing.set_label(video.id, "ann", "joy", 3)
            inside.set()
            release.wait(10)

    workspace.submit(slow_edit)
    assert inside.wait(10)
    # the GUI thread reads the committed project, not the worker's open transaction
    assert workspace.queries.annotation(video.id, "ann") is None
    release.set()
    workspace.wait_idle()
    assert workspace.queries.annotation(video.id, "ann").value("joy") == 3
