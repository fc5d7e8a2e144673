"""What the safety net costs: the quick integrity check on open, a backup (SQLite's online
backup API), the full check of ``emosign check``, at 200, 10,000 and 35,000 videos.

Each project is the released EmoSign file repeated (as in ``bench_large_project.py``) and
imported twice more as ann1 and ann2, so it holds the labels of six annotators.  "open" is
``open_project`` with backups off as the app opens (the quick check inline up to 10 MB, on
its own thread beyond), with the check forced inline, and, for comparison in the same run,
without any check; the check, a backup and the full check of ``emosign check`` alone.
Medians of the repeats.  Run: ``python benchmarks/bench_backup.py [--sizes 200,10000,35000]
[--repeats 5]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_large_project import REAL_FILE, repeated_csv  # noqa: E402
from emosign_desktop.services.csv_exchange import import_annotator_csv  # noqa: E402
from emosign_desktop.services.session import create_session  # noqa: E402
from emosign_desktop.storage import project as project_module  # noqa: E402
from emosign_desktop.storage.backups import make_backup, quick_check  # noqa: E402
from emosign_desktop.storage.project import PROJECT_FILE, open_project  # noqa: E402
from tests.generate import released_rows, write_released  # noqa: E402


def build(folder: Path, videos: int, source: Path) -> None:
    from emosign_desktop.services.csv_exchange import import_released

    table = repeated_csv(source, videos, folder.parent / f"{folder.name}.csv")
    with create_session(folder) as session:
        import_released(session.writer, table)
        for annotator in ("ann1", "ann2"):
            import_annotator_csv(session.writer, table, annotator)


def timed(work, repeats: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        work()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def measure(folder: Path, repeats: int) -> tuple[float, ...]:
    """Open as the app does, open with the check inline, without it; the quick check, a
    backup, the full check (median seconds)."""
    path = folder / PROJECT_FILE

    def open_close() -> float:
        """Seconds to open (closing, which waits for a check still running, not counted)."""
        t0 = time.perf_counter()
        project = open_project(folder, backups=False)
        took = time.perf_counter() - t0
        project.close()
        return took

    def opening(repeats: int) -> float:
        return statistics.median(open_close() for _ in range(repeats))

    app = opening(repeats)  # inline check up to 10 MB
    limit = project_module.CHECK_WHILE_OPENING
    project_module.CHECK_WHILE_OPENING = 1 << 40  # every file checked inline
    try:
        inline = opening(repeats)
    finally:
        project_module.CHECK_WHILE_OPENING = limit
    real = project_module._quick_check
    project_module._quick_check = lambda _engine: []  # type: ignore[assignment]
    try:
        without = opening(repeats)
    finally:
        project_module._quick_check = real
    check = timed(lambda: quick_check(path), repeats)
    backup = timed(lambda: make_backup(path), repeats)
    full = timed(lambda: quick_check(path, full=True), repeats)
    return app, inline, without, check, backup, full


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="200,10000,35000")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        source = REAL_FILE if REAL_FILE.is_file() else write_released(
            base / "released.csv", released_rows(200))
        print(f"{'videos':>7} {'file MB':>8} {'open (app)':>10} {'check inline':>12} "
              f"{'no check':>9} {'quick check':>11} {'backup':>7} {'full check':>10}  (ms)")
        for size in (int(s) for s in args.sizes.split(",")):
            folder = base / f"p{size}"
            build(folder, size, source)
            path = folder / PROJECT_FILE

            app, inline, without, check, backup, full = measure(folder, args.repeats)
            print(f"{size:>7} {path.stat().st_size / 1e6:>8.1f} {app * 1e3:>10.0f} "
                  f"{inline * 1e3:>12.0f} {without * 1e3:>9.0f} {check * 1e3:>11.0f} "
                  f"{backup * 1e3:>7.0f} {full * 1e3:>10.0f}")


if __name__ == "__main__":
    main()
