"""Extraction on a Dask distributed cluster: a scheduler and two workers started as separate
processes on loopback (``python -m distributed.cli.dask_scheduler`` / ``dask_worker``), real
MediaPipe on real and generated clips of a signer; the cache must hold exactly the arrays a
local run stores (Holistic's points and FaceLandmarker's blendshapes and matrix), whether
workers read the media from the shared path or were sent it, and when the worker extracting
a video is killed mid-way."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from emosign_desktop.landmarks.batch import BatchProgress, Job
from emosign_desktop.landmarks.cluster import run_on_cluster, sees_same_media
from emosign_desktop.landmarks.extract import extract
from emosign_desktop.landmarks.track import PARTS, cache_path
from emosign_desktop.media.fingerprint import fingerprint
from emosign_desktop.resources import resource_dir

pytestmark = pytest.mark.slow
DEMO = resource_dir() / "demo"
SIGNER = DEMO / "pose_test_video.mp4"  # 58 frames
SHORT = DEMO / "pose_sample_video.mp4"  # 9 frames
LONG_FRAMES = 120
FACE_SCORES = ("blendshapes", "face_matrix")  # FaceLandmarker's, stored as float32


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    """A scheduler and its workers, each a process of its own."""

    address: str
    folder: Path
    scheduler: subprocess.Popen[bytes]
    env: dict[str, str]
    workers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)  # by address
    started: int = 0  # workers started so far (each is named after its number)

    def start_worker(self) -> None:
        """One more single-threaded worker (no nanny: a killed worker stays dead) on
        loopback, in a folder of its own."""
        name = f"w{self.started}"
        self.started += 1
        home = self.folder / name
        home.mkdir()
        wport = free_port()
        self.workers[f"tcp://127.0.0.1:{wport}"] = subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", self.address,
             "--host", "127.0.0.1", "--worker-port", str(wport), "--nthreads", "1",
             "--no-nanny", "--no-dashboard", "--name", name, "--local-directory", str(home)],
            cwd=home, env=self.env, stdout=(home / "worker.log").open("wb"),
            stderr=subprocess.STDOUT)

    def wait_for_workers(self, timeout: float = 90) -> None:
        """Until the scheduler knows exactly the workers alive (a killed one gone)."""
        from distributed import Client

        with Client(self.address, timeout="30s") as client:
            deadline = time.monotonic() + timeout
            while set(client.scheduler_info()["workers"]) != set(self.workers):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"workers {sorted(self.workers)} did not all join")
                time.sleep(0.1)

    def heal(self) -> None:
        """Replace the workers a test killed, so the next test finds the cluster whole."""
        dead = [address for address, proc in self.workers.items() if proc.poll() is not None]
        for address in dead:
            del self.workers[address]
            self.start_worker()
        if dead:
            self.wait_for_workers()

    def stop(self) -> None:
        """Workers first (they say goodbye to the scheduler), then the scheduler."""
        for group in (list(self.workers.values()), [self.scheduler]):
            for proc in group:
                if proc.poll() is None:
                    proc.terminate()
            for proc in group:
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def start_cluster(folder: Path, workers: int = 2) -> Cluster:
    """Scheduler and ``workers`` single-threaded workers (no nanny: a killed worker stays
    dead) on loopback, each in a folder of its own with a cache of its own."""
    env = dict(os.environ, EMOSIGN_CACHE_DIR=str(folder / "worker-cache"))
    port = free_port()
    log = (folder / "scheduler.log").open("wb")
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
         "--port", str(port), "--no-dashboard"],
        cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    cluster = Cluster(f"tcp://127.0.0.1:{port}", folder, scheduler, env)
    try:
        for _ in range(workers):
            cluster.start_worker()
        cluster.wait_for_workers()
    except Exception as exc:
        cluster.stop()
        logs = "".join(p.read_text(errors="replace")[-800:] for p in folder.rglob("*.log"))
        pytest.skip(f"cannot start a Dask scheduler and {workers} workers on loopback "
                    f"({type(exc).__name__}: {exc}); logs: {logs}")
    return cluster


@pytest.fixture(scope="session")
def dask_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """The run's one cluster (one for each xdist worker)."""
    c = start_cluster(tmp_path_factory.mktemp("cluster"))
    yield c
    c.stop()


@pytest.fixture
def cluster(dask_cluster: Cluster) -> Cluster:
    """The run's cluster, whole: a worker an earlier test killed has been replaced."""
    dask_cluster.heal()
    return dask_cluster


def make_long_clip(path: Path, frames: int = LONG_FRAMES) -> Path:
    """The signer's clip played forward and back to ``frames`` frames."""
    import av

    from emosign_desktop.media.reader import VideoReader

    with VideoReader(SIGNER) as reader:
        pictures = [reader.frame(i) for i in range(reader.frame_count)]
    loop = pictures + pictures[::-1]
    h, w = pictures[0].shape[:2]
    with av.open(str(path), "w") as out:
        s = out.add_stream("libx264", rate=Fraction(30), options={"preset": "veryfast"})
        s.width, s.height, s.pix_fmt = w, h, "yuv420p"
        for i in range(frames):
            for p in s.encode(av.VideoFrame.from_ndarray(loop[i % len(loop)], format="rgb24")):
                out.mux(p)
        for p in s.encode():
            out.mux(p)
    return path


def cached_arrays(cache_root: Path, fp: str) -> dict[str, np.ndarray]:
    old = os.environ.get("EMOSIGN_CACHE_DIR")
    os.environ["EMOSIGN_CACHE_DIR"] = str(cache_root)
    try:
        with np.load(cache_path(fp)) as data:
            assert int(data["frames_done"]) == len(data["face"])
            return {part: data[part] for part in (*PARTS, *FACE_SCORES)}
    finally:
        if old is None:
            del os.environ["EMOSIGN_CACHE_DIR"]
        else:
            os.environ["EMOSIGN_CACHE_DIR"] = old


def local_reference(clip: Path, cache_root: Path, monkeypatch) -> dict[str, np.ndarray]:
    """What a local run stores for ``clip``."""
    with monkeypatch.context() as m:
        m.setenv("EMOSIGN_CACHE_DIR", str(cache_root))
        extract(clip)
    return cached_arrays(cache_root, fingerprint(clip))


def assert_bit_identical(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    for part in (*PARTS, *FACE_SCORES):
        assert a[part].dtype == b[part].dtype == (np.float32 if part in FACE_SCORES
                                                   else np.float16)
        assert a[part].shape == b[part].shape
        assert a[part].tobytes() == b[part].tobytes(), f"{part} differs"
    assert not np.isnan(a["blendshapes"]).all()  # the workers ran the face model too


def test_sees_same_media_checks_size_and_fingerprint(tmp_path):
    clip = tmp_path / "a.mp4"
    shutil.copy(SHORT, clip)
    size, fp = clip.stat().st_size, fingerprint(clip)
    assert sees_same_media(str(clip), size, fp)
    assert not sees_same_media(str(tmp_path / "absent.mp4"), size, fp)
    assert not sees_same_media(str(clip), size + 1, fp)
    other = tmp_path / "b.mp4"  # same path elsewhere, same size, other content
    data = bytearray(clip.read_bytes())
    data[-1] ^= 0xFF
    other.write_bytes(bytes(data))
    assert not sees_same_media(str(other), size, fp)


def test_cli_on_a_scheduler_stores_the_local_cache(tmp_path, cluster, monkeypatch):
    """``emosign landmarks DIR --scheduler tcp://...``: workers read the shared path; the
    client's cache holds bit-identical float16 arrays to a local run's, and the workers'
    caches hold no landmarks (only the client writes them)."""
    reference = {clip.stem: local_reference(clip, tmp_path / "local", monkeypatch)
                 for clip in (SIGNER, SHORT)}
    client_cache = tmp_path / "client-cache"
    env = dict(os.environ, EMOSIGN_CACHE_DIR=str(client_cache))

    def emosign(*args: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "emosign_desktop", *map(str, args)],
                              capture_output=True, text=True, timeout=600, env=env)

    folder = tmp_path / "p"
    assert emosign("init", folder).returncode == 0
    assert emosign("add", folder, SIGNER, SHORT).returncode == 0
    r = emosign("landmarks", folder, "--scheduler", cluster.address)
    assert r.returncode == 0, r.stderr
    assert "pose_test_video: landmarks done" in r.stdout
    assert "pose_sample_video: landmarks done" in r.stdout
    assert "landmarks: 2/2 videos, 67/67 frames" in r.stderr and "frames/s, ETA" in r.stderr
    for clip in (SIGNER, SHORT):
        assert_bit_identical(cached_arrays(client_cache, fingerprint(clip)), reference[clip.stem])
    assert not list((cluster.folder / "worker-cache").glob("landmarks/*"))
    r = emosign("landmarks", folder, "--scheduler", cluster.address)
    assert r.returncode == 0 and r.stdout.count("already cached") == 2


def test_media_is_sent_to_workers_that_cannot_see_it(tmp_path, cluster, monkeypatch):
    """A path the workers do not see (relative to the client's folder, and the workers run
    elsewhere), or ``media="bytes"``: the bytes go with the task, the result is the same."""
    reference = local_reference(SHORT, tmp_path / "local", monkeypatch)
    here = tmp_path / "client"
    here.mkdir()
    shutil.copy(SHORT, here / "clip.mp4")
    monkeypatch.chdir(here)
    fp = fingerprint(SHORT)
    for media, cache in (("auto", tmp_path / "c1"), ("bytes", tmp_path / "c2")):
        monkeypatch.setenv("EMOSIGN_CACHE_DIR", str(cache))
        done = run_on_cluster([Job("clip", Path("clip.mp4"), fp, 9)], cluster.address,
                              media=media)  # type: ignore[arg-type]
        assert done.finished == ["clip"] and not done.failed, done.failed
        assert done.shipped == ["clip"]
        assert_bit_identical(cached_arrays(cache, fp), reference)
    monkeypatch.setenv("EMOSIGN_CACHE_DIR", str(tmp_path / "c3"))
    done = run_on_cluster([Job("clip", here / "clip.mp4", fp, 9)], cluster.address)
    assert done.finished == ["clip"] and done.shipped == []  # the workers see this one


def test_a_killed_worker_s_video_is_retried_elsewhere(tmp_path, cluster, monkeypatch):
    clip = make_long_clip(tmp_path / "long_signer.mp4")
    fp = fingerprint(clip)
    reference = local_reference(clip, tmp_path / "local", monkeypatch)
    client_cache = tmp_path / "client-cache"
    monkeypatch.setenv("EMOSIGN_CACHE_DIR", str(client_cache))
    killed: list[str] = []
    killed_at: list[int] = []
    seen: list[tuple[int, int]] = []

    def report(p: BatchProgress) -> None:
        if "long" not in p.finished:
            assert not cache_path(fp).exists()  # nothing partial ever reaches the cache
        seen.append((p.frames, p.total_frames))
        if not killed and p.done_frames.get("long", 0) >= 30:
            killed.append(p.where["long"])
            killed_at.append(len(seen))
            cluster.workers[killed[0]].kill()  # SIGKILL, mid-video

    started = time.monotonic()
    done = run_on_cluster([Job("long", clip, fp, LONG_FRAMES)], cluster.address,
                          report=report)
    assert killed, "the video finished before a worker could be killed"
    assert done.finished == ["long"] and not done.failed, done.failed
    assert done.attempts["long"] == 2
    assert done.where["long"] != killed[0] and done.where["long"] in cluster.workers
    assert seen[-1] == (LONG_FRAMES, LONG_FRAMES)
    assert any(f < 30 for f, _ in seen[killed_at[0]:])  # the retry counted from 0 again
    assert_bit_identical(cached_arrays(client_cache, fp), reference)
    assert time.monotonic() - started < 300


def test_cli_local_dask_cluster(tmp_path, monkeypatch):
    """``--scheduler local``: a LocalCluster of --workers processes; same cache again."""
    reference = local_reference(SHORT, tmp_path / "local", monkeypatch)
    env = dict(os.environ, EMOSIGN_CACHE_DIR=str(tmp_path / "cache"))
    folder = tmp_path / "p"

    def emosign(*args: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "emosign_desktop", *map(str, args)],
                              capture_output=True, text=True, timeout=600, env=env)

    assert emosign("init", folder).returncode == 0
    assert emosign("add", folder, SHORT).returncode == 0
    r = emosign("landmarks", folder, "--scheduler", "local", "--workers", "2")
    assert r.returncode == 0, r.stderr
    assert "pose_sample_video: landmarks done" in r.stdout and "frames/s" in r.stderr
    assert_bit_identical(cached_arrays(tmp_path / "cache", fingerprint(SHORT)), reference)


def test_an_unreachable_scheduler_is_a_clear_error():
    from emosign_desktop.core.errors import EmoSignError
    from emosign_desktop.landmarks.cluster import connect

    with pytest.raises(EmoSignError, match="cannot reach the Dask scheduler"), \
            connect(f"tcp://127.0.0.1:{free_port()}", timeout=3):
        pass
