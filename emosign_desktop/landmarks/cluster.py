"""Landmarks for many videos on a Dask distributed cluster, one task per video.

The same work as :mod:`emosign_desktop.landmarks.batch`, with the same progress
(:class:`~emosign_desktop.landmarks.batch.BatchProgress`), on workers of a Dask scheduler
(``tcp://HOST:PORT``) or on a local Dask cluster (``"local"``).

- **Media**: a worker first checks whether it sees the video at the same path with the same
  size and fingerprint (a shared folder); when it does not, the client sends the file's bytes
  with the task (a few videos at a time, so the scheduler never holds the whole corpus) and
  the worker checks their fingerprint before it extracts.  Either way the result is the same.
- **The face model** is not sent: every worker runs the ``face_landmarker.task`` of its own
  install (``resources/models``, checked by sha256 before use), so a worker of a local
  cluster reads the client's file, and a remote one whose install lacks it (or has another
  file) fails its task with one line naming the file on that worker.
- **The cache is written by the client only**: a worker extracts into a private folder of
  its own and returns the finished ``.npz``; the client checks it is complete and moves it
  into place atomically.  A worker lost mid-task (killed, its machine gone) leaves nothing
  behind but its private folder, and Dask runs the task again on another worker, from the
  start (``distributed.scheduler.allowed-failures`` times, 3 by default).
- **Progress**: workers log ``(video, attempt, frames done)`` events on a topic of this run
  (:meth:`distributed.Worker.log_event`); the client follows them
  (:meth:`distributed.Client.subscribe_topic`).  A retried video starts again from 0 frames.

Dask is imported inside the functions only.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.landmarks.batch import BatchProgress, Job
from emosign_desktop.landmarks.track import LandmarkTrack, cache_path, remove_outdated

if TYPE_CHECKING:
    from distributed import Client, Future

Media = Literal["auto", "bytes"]
TOPIC_PREFIX = "emosign-landmarks-"
NEED_MEDIA, DONE, FAILED = "need-media", "done", "failed"
#: how long to wait for a first worker before giving up on a scheduler
WORKER_WAIT_S = 60.0


@dataclass(frozen=True)
class Task:
    """What a worker needs to know about one video (small: sent with every task)."""

    name: str
    path: str  # as the client sees it
    size: int
    fingerprint: str
    topic: str  # where to log progress


def sees_same_media(path: str, size: int, fingerprint: str) -> bool:
    """Does this machine see the very file at ``path`` (same size and fingerprint)?"""
    from emosign_desktop.media.fingerprint import fingerprint as compute_fingerprint

    p = Path(path)
    try:
        return p.is_file() and p.stat().st_size == size and compute_fingerprint(p) == fingerprint
    except (OSError, EmoSignError):
        return False


def extract_on_worker(task: Task, media: bytes | None = None,
                      checkpoint: bytes | None = None) -> dict[str, Any]:
    """Runs on a Dask worker: one video's landmarks, as the bytes of its finished cache file.

    Without ``media`` it reads ``task.path`` if this machine sees that very file, else it
    answers ``{"status": "need-media"}`` at once.  ``checkpoint`` is a partial cache file of
    an earlier run to resume from (as a local run would).
    """
    import tempfile

    from distributed import get_worker

    from emosign_desktop.landmarks.extract import extract
    from emosign_desktop.media.fingerprint import fingerprint as compute_fingerprint

    worker = get_worker()
    address = str(worker.address)
    if media is None and not sees_same_media(task.path, task.size, task.fingerprint):
        return {"status": NEED_MEDIA, "worker": address}
    attempt = uuid.uuid4().hex
    last = [0.0]

    def say(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] > 0.25 or done == total:
            last[0] = now
            worker.log_event(task.topic, {"video": task.name, "attempt": attempt,
                                          "done": done, "worker": address})

    with tempfile.TemporaryDirectory(prefix="emosign-landmarks-",
                                     dir=worker.local_directory) as private:
        source = Path(task.path)
        if media is not None:
            source = Path(private) / ("media" + source.suffix)
            source.write_bytes(media)
            if compute_fingerprint(source) != task.fingerprint:
                return {"status": FAILED, "worker": address,
                        "error": f"{task.path}: the media arrived damaged at {address}"}
        target = Path(private) / "landmarks.npz"
        if checkpoint is not None:
            target.write_bytes(checkpoint)
        say(0, 1)
        try:
            extract(source, task.fingerprint, progress=say, target=target)
        except EmoSignError as exc:
            message = str(exc).replace(str(source), task.path)
            if task.path not in message:  # not about the media (the face model): say where
                message = f"{message} (on the worker at {address})"
            return {"status": FAILED, "worker": address, "error": message}
        except Exception as exc:
            return {"status": FAILED, "worker": address,
                    "error": f"{task.path}: landmarks failed on {address} "
                             f"({type(exc).__name__}: {exc})"}
        return {"status": DONE, "worker": address, "cache": target.read_bytes()}


def store(fingerprint: str, data: bytes) -> None:
    """Put a finished cache file that a worker made in place, atomically and only if it is
    complete (a partial one never replaces anything)."""
    target = cache_path(fingerprint)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + f".{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp.npz")
    try:
        tmp.write_bytes(data)
        found = LandmarkTrack.load(tmp)
        if found is None or found[1] < found[0].frame_count:
            raise EmoSignError(f"{target.name}: the worker's result is incomplete or damaged")
        tmp.replace(target)
        remove_outdated(fingerprint)  # the video's landmarks of an earlier version
    finally:
        tmp.unlink(missing_ok=True)


def _pin_local_worker(cpus: list[int], dask_worker: Any = None) -> None:
    """A local cluster's worker on a core of its own, as the process pool does."""
    os.sched_setaffinity(0, {cpus[int(dask_worker.name) % len(cpus)]})


@contextmanager
def connect(scheduler: str, workers: int = 2, timeout: float = 20.0) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler``, or of a new local cluster of ``workers``
    single-threaded worker processes (each pinned to a core when there are enough)."""
    import logging

    from distributed import Client, LocalCluster

    if scheduler == "local":
        with LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                          dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
                Client(cluster) as client:
            if workers > 1 and hasattr(os, "sched_getaffinity"):
                cpus = sorted(os.sched_getaffinity(0))
                if workers <= len(cpus):
                    client.run(_pin_local_worker, cpus)
            yield client
        return
    try:
        client = Client(scheduler, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        raise EmoSignError(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from None
    with client:
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT_S)
        except TimeoutError:
            raise EmoSignError(f"the Dask scheduler at {scheduler} has no workers "
                               f"(waited {WORKER_WAIT_S:.0f} s)") from None
        yield client


def run_on_cluster(jobs: list[Job], scheduler: str = "local", workers: int = 2,
                   report: Callable[[BatchProgress], None] | None = None,
                   media: Media = "auto", client: Client | None = None) -> BatchProgress:
    """Process ``jobs`` on a Dask cluster (see the module); returns what happened.

    ``scheduler`` is ``tcp://HOST:PORT`` or ``"local"`` (a local cluster of ``workers``
    processes); a ``client`` already connected is used as it is.  ``media="bytes"`` always
    sends the media with the task instead of letting workers read a path they see.
    """
    progress = BatchProgress(total_frames=sum(j.frames for j in jobs))
    if not jobs:
        return progress
    if client is not None:
        return _run(client, jobs, progress, report, media)
    with connect(scheduler, workers) as own:
        return _run(own, jobs, progress, report, media)


def _run(client: Client, jobs: list[Job], progress: BatchProgress,
         report: Callable[[BatchProgress], None] | None, media: Media) -> BatchProgress:
    from distributed import wait

    run = _ClusterRun(client, progress)
    try:
        for job in jobs:
            if media == "bytes":
                run.to_ship.append(job)
            else:
                run.submit(job, ship=False)
        run.ship_more()
        while run.pending:
            try:
                done = wait(list(run.pending), timeout=0.5, return_when="FIRST_COMPLETED").done
            except TimeoutError:
                done = set()
            run.follow()
            for future in done:
                run.settle(future)
            run.ship_more()
            if report:
                report(progress)
    finally:
        run.close()
    return progress


class _ClusterRun:
    """The tasks of one run on the cluster: those pending, those carrying media (a few at a
    time), the videos waiting to be sent with theirs, and the progress the workers log."""

    def __init__(self, client: Client, progress: BatchProgress) -> None:
        import queue

        self.client, self.progress = client, progress
        self.topic = TOPIC_PREFIX + uuid.uuid4().hex
        self.events: queue.SimpleQueue[tuple[float, dict[str, Any]]] = queue.SimpleQueue()
        client.subscribe_topic(self.topic, self.events.put)
        nworkers = max(1, len(client.scheduler_info(n_workers=-1).get("workers", {})))
        # tasks carrying media at once: bounds the scheduler's memory
        self.max_shipping = 2 * nworkers
        self.pending: dict[Future[Any], Job] = {}
        self.shipping: set[Future[Any]] = set()
        self.to_ship: deque[Job] = deque()
        self.attempts: dict[str, str] = {}

    def submit(self, job: Job, ship: bool) -> None:
        """Send the task of ``job`` (with the media's bytes when ``ship``)."""
        import warnings

        try:
            data = job.path.read_bytes() if ship else None
            size = job.path.stat().st_size
            partial = cache_path(job.fingerprint)  # of a killed local run: resume from it
            checkpoint = partial.read_bytes() if partial.is_file() else None
        except OSError as exc:
            self.progress.failed[job.name] = f"{job.path}: cannot read the file ({exc.strerror})"
            return
        task = Task(job.name, str(job.path), size, job.fingerprint, self.topic)
        with warnings.catch_warnings():  # the media bytes are meant to travel with the task
            warnings.filterwarnings("ignore", message=".*[Ll]arge graph.*")
            future = self.client.submit(extract_on_worker, task, data, checkpoint, pure=False,
                                        key=f"landmarks-{job.name}-{uuid.uuid4().hex[:8]}")
        self.pending[future] = job
        if ship:
            self.shipping.add(future)
            self.progress.shipped.append(job.name)

    def ship_more(self) -> None:
        """Send the videos waiting for their media, as far as the bound allows."""
        while self.to_ship and len(self.shipping) < self.max_shipping:
            self.submit(self.to_ship.popleft(), ship=True)

    def follow(self) -> None:
        """Take in the progress the workers logged since the last call."""
        import queue

        progress = self.progress
        while True:
            try:
                _, msg = self.events.get_nowait()
            except queue.Empty:
                return
            name = msg["video"]
            if name in progress.finished or name in progress.failed:
                continue
            if self.attempts.get(name) != msg["attempt"]:  # a new start (the first, or a retry)
                self.attempts[name] = msg["attempt"]
                progress.attempts[name] = progress.attempts.get(name, 0) + 1
            progress.done_frames[name] = int(msg["done"])
            progress.where[name] = str(msg["worker"])

    def settle(self, future: Future[Any]) -> None:
        """Record what one finished task gave."""
        job = self.pending.pop(future)
        self.shipping.discard(future)
        _settle(future, job, self.progress, self.to_ship)

    def close(self) -> None:
        """Stop following the workers' progress and cancel the tasks still pending."""
        self.client.unsubscribe_topic(self.topic)
        for future in self.pending:
            future.cancel()


def _settle(future: Future[Any], job: Job, progress: BatchProgress, to_ship: deque[Job]) -> None:
    """Record what one finished task gave."""
    if future.status != "finished":
        try:
            exc = future.exception()
            why = f"{type(exc).__name__}: {exc}"
        except Exception as exc:  # cancelled: the scheduler went away
            why = f"{type(exc).__name__}: {exc}"
        progress.failed[job.name] = f"{job.path}: landmarks failed on the cluster ({why})"
        return
    result = future.result()
    progress.where[job.name] = result["worker"]
    if result["status"] == NEED_MEDIA:
        to_ship.append(job)
    elif result["status"] == FAILED:
        progress.failed[job.name] = result["error"]
    else:
        try:
            store(job.fingerprint, result["cache"])
        except (OSError, EmoSignError) as exc:
            progress.failed[job.name] = f"{job.path}: cannot store the landmarks ({exc})"
            return
        progress.finished.append(job.name)
        progress.done_frames[job.name] = job.frames
