"""The background writer: one thread runs every write of the application, in the order they
were asked for (Anki's ``CollectionOp`` on its single worker), so a long import or merge never
freezes the window.

A job is a function of a :class:`Progress`: it may report how far it got and check whether
it was cancelled (services do both through :func:`checkpoint`, between items; the command
line runs the same services with no progress at all).  :meth:`BackgroundWriter.submit`
returns a :class:`Ticket` at once.  What a job sends back (its result, its error, its
progress, and the announcements of the write path it ran) goes into an outbox, emptied in
order by :meth:`BackgroundWriter.flush` on the thread that shows the project: the
application installs a ``deliver`` hook that asks its GUI thread to flush; without one
(tests, scripts) the worker flushes itself.  Qt-free.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable
from typing import Generic, TypeVar

from emosign_desktop.core.errors import EmoSignError

T = TypeVar("T")
Deliver = Callable[[], None]
Job = Callable[["Progress"], T]


class CancelledError(EmoSignError):
    """The user cancelled a long operation: it stopped between two items and its transaction
    rolled back."""

    def __init__(self, what: str = "") -> None:
        super().__init__(f"{what + ': ' if what else ''}cancelled: nothing was changed")


class Progress:
    """How far a job got, and whether it was asked to stop; shared by the worker (which
    reports and checks) and the window (which shows it and may cancel)."""

    def __init__(self) -> None:
        self._cancel = threading.Event()
        self.done = 0
        self.total = 0
        self.text = ""
        #: Called on the worker after each report (the background writer hands it on).
        self.reported: Callable[[Progress], None] | None = None

    def report(self, done: int, total: int = 0, text: str = "") -> None:
        """``done`` items of ``total`` (0: unknown) are finished."""
        self.done, self.total = done, total
        if text:
            self.text = text
        if self.reported is not None:
            self.reported(self)

    def cancel(self) -> None:
        """Ask the job to stop at its next check (it then changes nothing)."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise :class:`CancelledError` when the job was asked to stop."""
        if self._cancel.is_set():
            raise CancelledError()


_here = threading.local()


def current_progress() -> Progress | None:
    """The progress of the job running on this thread (None outside the background writer)."""
    return getattr(_here, "progress", None)


#: A long operation reports its progress at most this many times (a check for cancel
#: happens at every :func:`checkpoint`).
REPORTS = 100


def checkpoint(done: int, total: int = 0, text: str = "") -> None:
    """Between two items of a long operation: raise :class:`CancelledError` if the user
    cancelled it, and say how far it got (:data:`REPORTS` times over ``total``; every 100
    items when the total is not known).  Does nothing outside the background writer (the
    command line)."""
    progress = current_progress()
    if progress is None:
        return
    progress.check()
    step = max(1, total // REPORTS) if total else 100
    if done % step == 0 or done == total:
        progress.report(done, total, text)


class Ticket(Generic[T]):
    """A job submitted to the background writer (a small future)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self._finished = threading.Event()
        self._result: T | None = None
        self._error: BaseException | None = None

    def done(self) -> bool:
        """True once the job has run (its result may not be delivered yet)."""
        return self._finished.is_set()

    def cancel(self) -> None:
        self.progress.cancel()

    def result(self, timeout: float | None = None) -> T | None:
        """Wait for the job; its result, or its error raised."""
        if not self._finished.wait(timeout):
            raise TimeoutError("the background write is still running")
        if self._error is not None:
            raise self._error
        return self._result

    def error(self) -> BaseException | None:
        return self._error if self.done() else None

    def _finish(self, result: T | None, error: BaseException | None) -> None:
        self._result, self._error = result, error
        self._finished.set()


class _Submitted(Generic[T]):
    def __init__(self, job: Job[T], ticket: Ticket[T], on_done: Callable[[T], None] | None,
                 on_error: Callable[[BaseException], None] | None,
                 on_progress: Callable[[Progress], None] | None) -> None:
        self.job, self.ticket = job, ticket
        self.on_done, self.on_error, self.on_progress = on_done, on_error, on_progress


class BackgroundWriter:
    """One worker thread, a queue of jobs run in order, an outbox of what they send back."""

    def __init__(self, deliver: Deliver | None = None, name: str = "emosign-writer") -> None:
        #: Asks the thread that shows the project to call :meth:`flush` soon (None: the
        #: worker flushes right away).
        self.deliver = deliver
        self._jobs: queue.Queue[_Submitted[object] | None] = queue.Queue()
        self._outbox: deque[Callable[[], None]] = deque()
        self._outbox_lock = threading.Lock()
        self._spent: list[object] = []  # finished jobs, let go by :meth:`_let_go`
        self._idle = threading.Condition()
        self._pending = 0  # submitted and not yet run
        self._name = name
        self._thread: threading.Thread | None = None

    # -- the thread that submits -------------------------------------------------------------
    def submit(self, job: Job[T], *, on_done: Callable[[T], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None,
               on_progress: Callable[[Progress], None] | None = None,
               progress: Progress | None = None) -> Ticket[T]:
        """Queue ``job``; ``on_done(result)``, ``on_error(error)`` and
        ``on_progress(progress)`` are called where :meth:`flush` runs, in order."""
        ticket: Ticket[T] = Ticket(progress or Progress())
        with self._idle:
            self._pending += 1
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name=self._name, daemon=True)
            self._thread.start()
        self._jobs.put(_Submitted(job, ticket, on_done, on_error,  # type: ignore[arg-type]
                                  on_progress))
        return ticket

    @property
    def busy(self) -> bool:
        """True while a job waits or runs, or what one sent back is not yet delivered."""
        with self._idle, self._outbox_lock:
            return self._pending > 0 or bool(self._outbox)

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until every submitted job has run (False: still running after ``timeout``)."""
        if self.on_worker():
            raise RuntimeError("a job cannot wait for the writer it runs on")
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until every job has run, and deliver what they sent back here (the thread
        that shows the project: used before closing it, and by tests); jobs submitted by
        what is delivered (a question answered, then the operation asked again) too."""
        while True:
            if not self.drain(timeout):
                return False
            self.flush()
            if not self.busy:
                return True

    def flush(self) -> None:
        """Deliver what the jobs sent back, in order, on the calling thread."""
        while True:
            with self._outbox_lock:
                if not self._outbox:
                    return
                item = self._outbox.popleft()
            try:
                item()
            except BaseException:
                with self._outbox_lock:
                    rest = bool(self._outbox)
                if rest and self.deliver is not None:
                    self.deliver()  # what follows is delivered on the next turn
                raise

    def _let_go(self) -> None:
        """Drop the finished jobs (sent by the worker: runs where results are delivered)."""
        with self._outbox_lock:
            spent, self._spent = self._spent, []
        spent.clear()

    def close(self) -> None:
        """Run what is queued, deliver it, and stop the worker (a later job starts
        another)."""
        self.wait_idle()
        thread, self._thread = self._thread, None
        if thread is not None:
            self._jobs.put(None)
            thread.join()

    def on_worker(self) -> bool:
        """True on the background writer's own thread."""
        return self._thread is not None and threading.current_thread() is self._thread

    def send(self, item: Callable[[], None]) -> None:
        """Hand ``item`` to the thread that shows the project (from any thread)."""
        with self._outbox_lock:
            self._outbox.append(item)
            first = len(self._outbox) == 1
        if self.deliver is None:
            self.flush()
        elif first:  # one request to flush covers everything sent until it runs
            self.deliver()

    # -- the worker --------------------------------------------------------------------------
    def _work(self) -> None:
        while True:
            item = self._jobs.get()
            if item is None:
                return
            self._run(item)
            # the job (its callbacks, which may hold the window's Qt objects) is let go on the
            # thread that shows the project, never here: a Qt object, or a Python slot
            # connected to a Qt signal, freed on this thread takes Qt's connection lock and
            # then waits for the GIL, while that thread holds the GIL waiting for the lock
            # (a deadlock seen in the tests); this thread keeps no reference past ``del``
            with self._outbox_lock:
                self._spent.append(item)
            del item
            self.send(self._let_go)
            with self._idle:
                self._pending -= 1
                self._idle.notify_all()

    def _run(self, item: _Submitted[object]) -> None:
        progress = item.ticket.progress
        if item.on_progress is not None:
            on_progress = item.on_progress
            waiting = threading.Event()  # a report not yet shown: later ones join it

            def reported(p: Progress) -> None:
                if not waiting.is_set():
                    waiting.set()

                    def show() -> None:
                        waiting.clear()
                        on_progress(p)
                    self.send(show)

            progress.reported = reported
        _here.progress = progress
        try:
            result = item.job(progress)
        except BaseException as exc:  # every error goes back to whoever submitted the job
            item.ticket._finish(None, exc)
            if item.on_error is not None:
                on_error = item.on_error
                self.send(lambda error=exc: on_error(error))  # type: ignore[misc]
        else:
            item.ticket._finish(result, None)
            if item.on_done is not None:
                on_done = item.on_done
                self.send(lambda: on_done(result))
        finally:
            _here.progress = None
            progress.reported = None
