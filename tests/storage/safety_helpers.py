"""Helpers of the write-failure, read-only and backup tests: a labelled project, mounts,
``chattr`` and running a child as another user."""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from emosign_desktop.services.queries import Queries
from emosign_desktop.services.session import Session, open_session
from emosign_desktop.services.videos import add_named_videos
from emosign_desktop.storage.project import PROJECT_FILE

REPO = Path(__file__).parents[2]


def labelled(folder: Path, joy: int = 2, cues: str = "brows up") -> None:
    """Give the project in ``folder`` one video ("clip") with ann1's joy and cue text."""
    with open_session(folder) as s:
        (video,) = add_named_videos(s, ["clip"])
        s.editing.set_labels(video.id, "ann1", {"joy": joy, "cues": cues})


def stored(folder: Path) -> tuple[object, object]:
    """ann1's joy and cue text on "clip", as the project holds them (a fresh read)."""
    s = open_session(folder)
    try:
        return _labels(s)
    finally:
        s.close()


def _labels(s: Session) -> tuple[object, object]:
    video = next(v for v in s._repo.videos() if v.name == "clip")
    ann = Queries(s).annotation(video.id, "ann1")
    assert ann is not None
    return ann.value("joy"), ann.cues


def side_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(PROJECT_FILE + "-"))


@contextlib.contextmanager
def immutable(path: Path) -> Iterator[None]:
    """``chattr +i`` on ``path`` for the block (skips where chattr cannot)."""
    chattr = shutil.which("chattr")
    if chattr is None:
        pytest.skip("chattr is not installed")
    done = subprocess.run([chattr, "+i", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"chattr +i is not possible here: {done.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(path)], check=True)


def _mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True)


@contextlib.contextmanager
def read_only_view(folder: Path) -> Iterator[Path]:
    """A read-only bind mount of ``folder`` (skips where mounting is not allowed)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a read-only bind mount needs root")
    view = Path(tempfile.mkdtemp(prefix="emosign-ro-"))
    if _mount("--bind", str(folder), str(view)).returncode != 0:
        view.rmdir()
        pytest.skip("bind mounts are not allowed here")
    try:
        done = _mount("-o", "remount,ro,bind", str(view))
        if done.returncode != 0:
            pytest.skip(f"cannot remount read-only: {done.stderr.strip()}")
        yield view
    finally:
        subprocess.run(["umount", str(view)], check=False)
        view.rmdir()


@contextlib.contextmanager
def small_disk(megabytes: int) -> Iterator[Path]:
    """A tmpfs of a few MB (skips where mounting is not allowed)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a small tmpfs needs root")
    where = Path(tempfile.mkdtemp(prefix="emosign-disk-"))
    done = _mount("-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(where))
    if done.returncode != 0:
        where.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=False)
        where.rmdir()


def fill(disk: Path) -> None:
    """Fill ``disk`` up to the last byte."""
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        for size in (1 << 20, 4096, 1):
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * size)
    finally:
        os.close(fd)


def run_obeying_permissions(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run Python ``code`` in a child that file permissions bind: as root, the child drops
    the capabilities that let root read and write whatever the permissions say
    (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH); as anyone else they bind already."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["PYTHONPATH"] = str(REPO)

    def drop() -> None:
        if os.geteuid() == 0:
            libc = ctypes.CDLL(None, use_errno=True)
            for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
                if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
                    raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")

    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env=env, preexec_fn=drop, timeout=120)


_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE = 1
_CAP_DAC_READ_SEARCH = 2
