"""Concurrent annotators: 8 editor processes at once on one project, on a PostgreSQL server
(a throwaway cluster on loopback, fsync on, as a real server) and on an SQLite file (WAL,
synchronous=FULL), the same edits on each.

Each process is one annotator editing their own labels of 16 shared videos and adding
segments as the app does (undo history, every edit committed before it returns), and now and
then a label of the annotator ``shared`` that it read a moment before, which another process
may have changed in between: such a stale write must be refused, never applied.  At the end
every edit a process announced is looked up in the project: edits lost must be 0.

Run: ``python benchmarks/bench_concurrency.py [--processes 8] [--edits 150]``.  Needs the
PostgreSQL server binaries (Debian's ``postgresql``); without them only SQLite is measured.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from emosign_desktop.storage.project import create_project, parse_server_url  # noqa: E402
from tests.storage import concurrent_editor  # noqa: E402
from tests.storage.pg_server import PASSWORD, NoServer, PgServer  # noqa: E402


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))] if values else 0.0


def measure(engine: str, folder: Path, processes: int, edits: int) -> str:
    concurrent_editor.prepare(str(folder))
    run = concurrent_editor.run_editors(str(folder), processes, edits, seed=1)
    lost = concurrent_editor.lost_edits(str(folder), run)
    attempts = len(run.done) + len(run.stale)
    for line in lost[:5] + run.errors[:5]:
        print(f"  {engine}: {line}", file=sys.stderr)
    return (f"| {engine} | {processes} | {attempts:,} | {attempts / run.seconds:,.0f} | "
            f"{statistics.median(run.latencies_ms):.1f} | {pct(run.latencies_ms, 95):.1f} | "
            f"{len(run.stale)} | {len(run.errors)} | {len(lost)} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--edits", type=int, default=150, help="edits per process")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            server = PgServer(durable=True).start()
        except NoServer as exc:
            server = None
            print(f"(no PostgreSQL: {exc})", file=sys.stderr)
        try:
            if server is not None:
                os.environ.update(PGUSER=server.user, PGPASSWORD=PASSWORD)
                folder = Path(tmp) / "pg"
                create_project(folder, server=parse_server_url(server.url("bench"))).close()
                rows.append(measure("PostgreSQL 15 (loopback, fsync on)", folder,
                                    args.processes, args.edits))
            folder = Path(tmp) / "sqlite"
            create_project(folder).close()
            rows.append(measure("SQLite (WAL, synchronous=FULL)", folder, args.processes,
                                args.edits))
        finally:
            if server is not None:
                server.destroy()
    print(f"{args.processes} editor processes x {args.edits} edits each "
          f"({os.cpu_count()} CPUs)\n")
    print("| engine | processes | edits tried | edits/s | p50 ms | p95 ms | stale writes "
          "refused | errors | edits lost |\n|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()
