"""Storage figures: latency of one committed label edit in a small and a large project, the
same for the naive alternative (rewrite the whole project file on each edit, as a tool with a
Save button does), and import/export time of the EmoSign file.

Run: ``make bench`` (or ``python benchmarks/bench_storage.py [--large N]``).  Uses the real
released file from ``../shared/data/emosign/`` when it is there, else a generated one.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from emosign_desktop.core.changeset import (  # noqa: E402
    AnnotationEdit,
    AnnotatorEdit,
    ChangeSet,
    VideoEdit,
)
from emosign_desktop.core.model import Annotator, AnnotatorId, Video, VideoId  # noqa: E402
from emosign_desktop.core.schema import EMOSIGN_SCHEMA  # noqa: E402
from emosign_desktop.services.csv_exchange import export_released, import_released  # noqa: E402
from emosign_desktop.services.session import Session, create_session  # noqa: E402
from tests.generate import released_rows, write_released  # noqa: E402

REAL_FILE = ROOT.parent / "shared" / "data" / "emosign" / "emosign_dataset.csv"
EDITS = 400


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def build(folder: Path, videos: int, annotators: int) -> tuple[Session, float]:
    """A project of ``videos`` x ``annotators`` rated videos, built in one operation (the bulk
    path imports and merges take)."""
    session = create_session(folder, undo=True)
    rng = random.Random(1)
    empty = EMOSIGN_SCHEMA.empty_values()
    t0 = time.perf_counter()
    who = [Annotator(AnnotatorId(i + 1), f"annotator-{i + 1}") for i in range(annotators)]
    clips = [Video(VideoId(n + 1), f"video_{n:05d}") for n in range(videos)]
    edits = []
    for v in clips:
        for a in who:
            values = {k: rng.randint(0, 3) for k in EMOSIGN_SCHEMA.emotion_keys}
            values.update(sentiment=rng.randint(-3, 3), sentiment_confidence=80,
                          emotion_confidence=70, cues="furrowed brows, faster signing")
            edits.append(AnnotationEdit(v.id, a.id, {f: empty[f] for f in values}, values,
                                        existed=False))
    session.writer.run("build", lambda _repo: ChangeSet(
        annotators=tuple(AnnotatorEdit(None, a) for a in who),
        videos=tuple(VideoEdit(None, v) for v in clips), annotations=tuple(edits)))
    build_s = time.perf_counter() - t0
    session.writer.undo_stack.clear()
    return session, build_s


def edit_latency(session: Session, rng: random.Random, undo: list[float] | None = None
                 ) -> list[float]:
    """One label edit as the app makes it: validated, built from the project as it is,
    committed (fsync), recorded for undo, announced.  With ``undo``, every 4th edit is also
    undone (checked against the project first), and those times go there."""
    repo = session.repo
    videos = repo.videos()
    who = [a.name for a in repo.annotators()]
    keys = EMOSIGN_SCHEMA.emotion_keys
    times = []
    for i in range(EDITS):
        v, a = rng.choice(videos), rng.choice(who)
        field = rng.choice(keys)
        t0 = time.perf_counter()
        session.editing.set_label(v.id, a, field, (i + 1) % 4)
        times.append(time.perf_counter() - t0)
        if undo is not None and i % 4 == 0 and session.writer.undo_stack.can_undo:
            t0 = time.perf_counter()
            session.writer.undo()
            undo.append(time.perf_counter() - t0)
    return times


def naive_json_latency(project, edits: int) -> list[float]:
    """The alternative: keep the project in memory and rewrite it to disk (fsync, rename)
    after every edit so nothing is lost."""
    repo = project.repo
    data = {"videos": [v.name for v in repo.videos()],
            "annotations": [
                {"video": a.video_id, "annotator": a.annotator_id, "sentiment": a.sentiment,
                 "emotions": dict(a.emotions), "cues": a.cues}
                for a in repo.annotations()]}
    path = project.folder / "naive.json"
    times = []
    rng = random.Random(2)
    for i in range(edits):
        t0 = time.perf_counter()
        rng.choice(data["annotations"])["emotions"]["joy"] = i % 4
        tmp = path.with_suffix(".tmp")
        with tmp.open("w") as fh:
            json.dump(data, fh)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(path)
        times.append(time.perf_counter() - t0)
    return times


def sync_normal_latency(session: Session) -> list[float]:
    from sqlalchemy import event

    engine = session.project.engine

    @event.listens_for(engine, "connect")
    def _normal(dbapi_conn, _rec):
        dbapi_conn.execute("PRAGMA synchronous = NORMAL")

    engine.dispose()
    return edit_latency(session, random.Random(3))


def line(name: str, times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return f"| {name} | {pct(ms, 50):.2f} | {pct(ms, 95):.2f} | {max(ms):.2f} |"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--large", type=int, default=10_000, help="videos in the large project")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        print("## One committed label edit (ms)\n")
        print("| project | p50 | p95 | max |\n|---|---|---|---|")
        small, small_build = build(tmp_path / "small", 200, 1)
        print(line("200 videos x 1 annotator (SQLite, WAL, synchronous=FULL)",
                   edit_latency(small, random.Random(1))), flush=True)
        large, large_build = build(tmp_path / "large", args.large, 3)
        undos: list[float] = []
        print(line(f"{args.large:,} videos x 3 annotators (SQLite, WAL, synchronous=FULL)",
                   edit_latency(large, random.Random(1), undos)), flush=True)
        print(line(f"undo of one edit, {args.large:,} x 3 (checked, committed)", undos),
              flush=True)
        print(line("alternative: 200 videos, rewrite whole project JSON + fsync per edit",
                   naive_json_latency(small, 200)), flush=True)
        print(line(f"alternative: {args.large:,} x 3, rewrite whole project JSON + fsync",
                   naive_json_latency(large, 40)), flush=True)
        print(line(f"reference: {args.large:,} x 3, SQLite synchronous=NORMAL",
                   sync_normal_latency(large)), flush=True)
        size_mb = (large.path.stat().st_size) / 1e6
        print(f"\nbuilding the large project ({args.large * 3:,} annotations, bulk path): "
              f"{large_build:.1f} s; file {size_mb:.1f} MB; 200-video build {small_build:.2f} s")
        small.close()
        large.close()

        source = REAL_FILE if REAL_FILE.is_file() else write_released(
            tmp_path / "generated.csv", released_rows(200))
        kind = "real EmoSign file" if source == REAL_FILE else "generated 200-row file"
        imports, exports, identical = [], [], True
        for i in range(5):
            with create_session(tmp_path / f"io{i}") as p:
                t0 = time.perf_counter()
                import_released(p.writer, source)
                imports.append(time.perf_counter() - t0)
                out = tmp_path / f"out{i}.csv"
                t0 = time.perf_counter()
                export_released(p.repo, out)
                exports.append(time.perf_counter() - t0)
                identical &= out.read_bytes() == source.read_bytes()
        print(f"\n## EmoSign CSV ({kind}, {source.stat().st_size:,} bytes), median of 5\n")
        print(f"import {statistics.median(imports) * 1000:.0f} ms, "
              f"export {statistics.median(exports) * 1000:.0f} ms, "
              f"export byte-identical to input: {identical}")


if __name__ == "__main__":
    main()
