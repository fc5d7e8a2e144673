"""Every edit is committed at once: a process killed with SIGKILL loses no announced edit."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from emosign_desktop.storage import open_project

KILLS = 24
CHILD = Path(__file__).with_name("edit_loop.py")


def _run_and_kill(folder: Path, seed: int, delay: float) -> list[str]:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parents[2]))
    proc = subprocess.Popen([sys.executable, str(CHILD), str(folder), str(seed)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("READY"):
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert ready.wait(60), proc.stderr.read() if proc.poll() is not None else "child not ready"
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    reader.join(10)
    return lines


def _db_state(folder: Path) -> tuple[dict[str, str], set[str]]:
    with open_project(folder) as project:
        with project.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        repo = project.repo
        who = repo.annotator_by_name("crash-tester")
        values: dict[str, str] = {}
        names = {v.id: v.name for v in repo.videos()}
        for ann in repo.annotations(annotator_id=who.id):
            for field in ("sentiment", "joy", "anger", "cues", "sentiment_confidence"):
                values[f"{names[ann.video_id]}/{field}"] = str(ann.value(field))
        notes = {s.note for s in repo.segments(annotator_id=who.id)}
    return values, notes


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_loses_no_committed_edit(project_dir: Path):
    rng = random.Random(20261127)
    done: dict[str, str] = {}  # key -> last value announced as committed
    seg_done: set[str] = set()
    total_done = 0
    for round_ in range(KILLS):
        lines = _run_and_kill(project_dir, seed=round_, delay=rng.uniform(0.05, 0.7))
        in_flight: tuple[str, str] | None = None
        for line in lines:
            kind, _, rest = line.partition(" ")
            if kind not in ("BEGIN", "DONE"):
                continue
            key, value = rest.rsplit(" ", 1)
            if kind == "BEGIN":
                in_flight = (key, value)
            else:
                in_flight = None
                total_done += 1
                if key.startswith("seg "):
                    seg_done.add(key.split(" ", 1)[1])
                else:
                    done[key] = value
        values, notes = _db_state(project_dir)
        assert seg_done <= notes, f"round {round_}: committed segments lost"
        for key, value in done.items():
            ok = values.get(key) == value
            if not ok and in_flight and in_flight[0] == key:
                ok = values.get(key) == in_flight[1]  # the edit in flight may have landed
            assert ok, f"round {round_}: {key} is {values.get(key)!r}, committed {value!r}"
        if in_flight and not in_flight[0].startswith("seg "):
            # whatever landed is now the reference for the next round
            done[in_flight[0]] = values.get(in_flight[0], "None")
        elif in_flight:
            note = in_flight[0].split(" ", 1)[1]
            if note in notes:
                seg_done.add(note)
    assert total_done > KILLS * 5  # the kills really interrupted a busy writer
