"""One annotator's editing process, run several at once on the same project by the
concurrency tests and ``benchmarks/bench_concurrency.py``.

Usage: ``python -m tests.storage.concurrent_editor PROJECT INDEX EDITS SEED``

Annotator ``annotator-INDEX`` edits their own labels on the shared videos ``v0..v15`` and
adds segments, as the app does (an undo history, each edit committed before the call
returns).  Some edits are of the labels of ``shared`` on video ``v0`` that this process read
a moment before: another process may have changed them in between, and then the edit must be
refused (StaleChangeError), never applied.  Every line printed is JSON:
``{"done": [kind, key, value], "ms": latency}`` after an edit committed, ``{"stale": ...}``
after a refusal, ``{"error": ...}`` for anything else, ``{"end": true}`` at the end.
"""

from __future__ import annotations

import json
import random
import sys
import time
import uuid

VIDEOS = 16
FIELDS = ("sentiment", "joy", "anger", "sadness", "cues", "sentiment_confidence")
SHARED = "shared"


def _value(rng: random.Random, field: str) -> object:
    if field == "sentiment":
        return rng.randint(-3, 3)
    if field == "cues":
        return uuid.uuid4().hex[:12]
    if field == "sentiment_confidence":
        return rng.randint(0, 100)
    return rng.randint(0, 3)


def prepare(folder: str) -> None:
    """Give the project the shared videos (and the shared annotator's row on v0)."""
    from emosign_desktop.services.session import open_session
    from emosign_desktop.services.videos import add_named_videos

    with open_session(folder) as session:
        add_named_videos(session, [f"v{i}" for i in range(VIDEOS)])
        video = session._repo.video_by_name("v0")
        session.editing.set_label(video.id, SHARED, "joy", 0)


class Run:
    """What the editors announced: committed edits, refusals, errors and latencies."""

    def __init__(self) -> None:
        self.done: list[list[object]] = []
        self.stale: list[str] = []
        self.errors: list[str] = []
        self.latencies_ms: list[float] = []
        self.seconds = 0.0
        self.ended = 0


def run_editors(folder: str, processes: int, edits: int, *, seed: int = 0,
                timeout: float = 600) -> Run:
    """Start ``processes`` editors at once, each making ``edits`` edits; wait for all."""
    import os
    import subprocess
    import tempfile
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(root))
    errs = [tempfile.TemporaryFile("w+") for _ in range(processes)]  # noqa: SIM115
    procs = [subprocess.Popen(
        [sys.executable, "-m", "tests.storage.concurrent_editor", folder, str(i), str(edits),
         str(seed * 1000 + i)], stdout=subprocess.PIPE, stderr=errs[i], text=True,
        env=env, cwd=root) for i in range(processes)]
    run = Run()
    # every process imports and opens the project before any edits: start the clock at the
    # first edit, not at the imports
    for p, err in zip(procs, errs, strict=True):
        assert p.stdout is not None
        first = p.stdout.readline()
        if '"ready"' not in first:
            p.wait(timeout)
            err.seek(0)
            raise RuntimeError(f"editor failed to start: {first}{err.read()}")
    t0 = time.perf_counter()
    lines: list[list[str]] = []
    for p, err in zip(procs, errs, strict=True):
        assert p.stdout is not None
        lines.append(p.stdout.read().splitlines())
        p.wait(timeout)
        if p.returncode != 0:
            err.seek(0)
            run.errors.append(f"exit {p.returncode}: {err.read().strip()[-500:]}")
        err.close()
    run.seconds = time.perf_counter() - t0
    for out_lines in lines:
        for line in out_lines:
            item = json.loads(line)
            if "done" in item:
                run.done.append(item["done"])
                run.latencies_ms.append(item["ms"])
            elif "stale" in item:
                run.stale.append(item["stale"])
                run.latencies_ms.append(item["ms"])
            elif "error" in item:
                run.errors.append(item["error"])
            elif "end" in item:
                run.ended += 1
    return run


def lost_edits(folder: str, run: Run) -> list[str]:
    """Every announced edit that is not in the project now (each annotator's own labels
    must hold the last value announced; every announced segment must be there)."""
    from emosign_desktop.services.session import open_session

    last: dict[str, object] = {}
    notes: set[str] = set()
    for kind, key, value in run.done:
        if kind == "label":
            last[str(key)] = value
        elif kind == "segment":
            notes.add(str(key))
    lost: list[str] = []
    with open_session(folder) as session:
        repo = session._repo
        names = {v.id: v.name for v in repo.videos()}
        people = {a.id: a.name for a in repo.annotators()}
        stored = {}
        for ann in repo.annotations():
            for field in FIELDS:
                stored[f"{names[ann.video_id]}/{people[ann.annotator_id]}/{field}"] = (
                    ann.value(field))
        found_notes = {s.note for s in repo.segments()}
    for key, value in last.items():
        if stored.get(key) != value:
            lost.append(f"{key}: announced {value!r}, stored {stored.get(key)!r}")
    lost += [f"segment {n}" for n in sorted(notes - found_notes)]
    return lost


def main() -> None:
    from emosign_desktop.core.errors import StaleChangeError
    from emosign_desktop.services.session import open_session

    folder, index, edits, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(seed)
    me = f"annotator-{index}"
    session = open_session(folder, undo=True)
    repo, editing = session._repo, session.editing
    videos = [repo.video_by_name(f"v{i}") for i in range(VIDEOS)]
    tier = repo.tiers()[1]
    print(json.dumps({"ready": True}), flush=True)
    for _ in range(edits):
        video = rng.choice(videos)
        roll = rng.random()
        t0 = time.perf_counter()
        try:
            if roll < 0.15:
                note = uuid.uuid4().hex
                editing.add_segment(video.id, me, tier.id, 1, 5, "", note)
                done: list[object] = ["segment", note, video.name]
            elif roll < 0.3:
                shared = repo.annotator_by_name(SHARED)
                if shared is not None:
                    repo.annotation(videos[0].id, shared.id)  # what this window shows...
                time.sleep(rng.uniform(0, 0.003))  # ...while the annotator decides
                value = rng.randint(0, 3)
                editing.set_label(videos[0].id, SHARED, "joy", value)
                done = ["shared", "joy", value]
            else:
                field = rng.choice(FIELDS)
                value = _value(rng, field)
                editing.set_label(video.id, me, field, value)
                done = ["label", f"{video.name}/{me}/{field}", value]
        except StaleChangeError as exc:
            print(json.dumps({"stale": str(exc), "ms": (time.perf_counter() - t0) * 1000}),
                  flush=True)
            continue
        except Exception as exc:  # reported, and counted by the caller
            print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)
            continue
        print(json.dumps({"done": done, "ms": (time.perf_counter() - t0) * 1000}), flush=True)
    session.close()
    print(json.dumps({"end": True}), flush=True)


if __name__ == "__main__":
    main()
