"""Large projects in the app: opening a project to a painted window, filtering the video list
by a text, and moving to the next video, at 200, 10,000 and 35,000 videos (How2Sign alone is
about 35,000 clips), on SQLite and on PostgreSQL (a throwaway cluster on loopback), in one run.

Each project is the released EmoSign file repeated (video ``NAME`` becomes ``NAME-007`` in the
8th copy), imported as the app imports it (labels of ``emosign-consensus``, reasoning texts of
``reasoning-1..3``: four annotators), every video linked to one small generated clip (so the
player opens a real file and every video's media is found).  The window is a real
``MainWindow`` on Qt's offscreen platform, annotator ``bench``.

- open: ``MainWindow.open_project`` in a shown window until the window is repainted (the
  window remembers where the project was left, as the app does, so after the first time it
  goes back to that video by name); "window + open" also counts making the window;
  "summary counted": from the start of opening until the summary under the list has every
  annotator's count (the list counts a large project's labels a part at a time after the
  window is painted; before, they were counted while opening);
- filter: typing a text in the list's filter (set at once) until the list is repainted, each
  of a few texts, then clearing it (also timed); these texts match 175 times more videos at
  35,000 than at 200 (the file is repeated), so the list has more to count and paint;
- find one: typing the full name of the current video, which matches that one video at every
  size: the cost of finding, apart from how many are found;
- next: the app's "next video" (``MainWindow.next_video``, what "Done ▸ next" does) until the
  window is repainted;
- show not done: the list's "Show: Not done by you" (a filter on the label status, counted,
  paged and positioned in SQL) until the list is repainted (not in the baseline).

Medians of the repeats; then the 35k/200 (largest/smallest) ratios.  Run:
``python benchmarks/bench_large_project.py [--sizes 200,10000,35000] [--repeats 5]``.  Needs
the PostgreSQL server binaries (Debian's ``postgresql``); without them only SQLite is
measured.  Uses the real released file from ``../shared/data/emosign/`` when it is there, else
a generated one of 200 rows.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from emosign_desktop.core.changeset import ChangeSet, VideoEdit  # noqa: E402
from emosign_desktop.services.csv_exchange import import_released  # noqa: E402
from emosign_desktop.services.session import create_session  # noqa: E402
from emosign_desktop.services.videos import probe_files  # noqa: E402
from tests.generate import make_video, released_rows, write_released  # noqa: E402

REAL_FILE = ROOT.parent / "shared" / "data" / "emosign" / "emosign_dataset.csv"
ANNOTATOR = "bench"
FILTERS = ("Conclusion", "ben-conclusion_24", "-007", "zzz-no-such-video")


def repeated_csv(source: Path, videos: int, out: Path) -> Path:
    """The released file's rows repeated to ``videos`` rows (names made unique)."""
    with source.open(encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for i in range(videos):
            row = list(rows[i % len(rows)])
            row[0] = f"{row[0]}-{i // len(rows):03d}"
            writer.writerow(row)
    return out


def build(folder: Path, videos: int, source: Path, clip: Path, db: str | None) -> float:
    """Build the project (import, then link every video to ``clip``); returns seconds."""
    t0 = time.perf_counter()
    with create_session(folder, db=db) as session:
        table = repeated_csv(source, videos, folder.parent / f"{folder.name}.csv")
        import_released(session.writer, table)
        media = folder / "media"
        media.mkdir()
        target = media / clip.name
        target.write_bytes(clip.read_bytes())
        [probed] = probe_files([target])
        rel = f"media/{clip.name}"
        before = session.repo.videos()
        session.writer.run("link media", lambda _repo: ChangeSet(videos=tuple(
            VideoEdit(v, dataclasses.replace(v, media_path=rel, fingerprint=probed.fingerprint,
                                             media=probed.media)) for v in before)))
    return time.perf_counter() - t0


def settle(widget) -> None:  # type: ignore[no-untyped-def]
    """Let queued work run, then paint ``widget`` now (synchronously)."""
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    widget.repaint()
    QApplication.processEvents()


def measure(folder: Path, repeats: int, nexts: int) -> dict[str, float]:
    """Median milliseconds of each action in a real window."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from emosign_desktop.services.workspace import Workspace
    from emosign_desktop.settings import UserSettings
    from emosign_desktop.ui.main_window import MainWindow

    times: dict[str, list[float]] = {"window+open": [], "open": [], "summary": [],
                                     "filter": [], "clear": [], "find one": [], "next": [],
                                     "not done": []}
    for r in range(repeats + 1):  # the first round warms up (imports, caches) and is dropped
        keep = r > 0
        t0 = time.perf_counter()
        window = MainWindow(UserSettings.load(), Workspace(ANNOTATOR))
        window.show()
        settle(window)
        made = time.perf_counter() - t0
        t1 = time.perf_counter()
        assert window.open_project(folder), f"cannot open {folder}"
        settle(window)
        opened = time.perf_counter() - t1
        panel = window.videos
        counting = getattr(panel, "counting", lambda: False)  # (the baseline counted at once)
        while counting():
            QApplication.processEvents()
        counted = time.perf_counter() - t1
        if keep:
            times["window+open"].append(made + opened)
            times["open"].append(opened)
            times["summary"].append(counted)
        assert window.workspace.video is not None
        for text in FILTERS:
            t0 = time.perf_counter()
            panel.filter.setText(text)
            settle(panel)
            filtered = time.perf_counter() - t0
            t0 = time.perf_counter()
            panel.filter.setText("")
            settle(panel)
            cleared = time.perf_counter() - t0
            if keep:
                times["filter"].append(filtered)
                times["clear"].append(cleared)
        one = window.workspace.video.name  # a full name: the same one match at every size
        t0 = time.perf_counter()
        panel.filter.setText(one)
        settle(panel)
        if keep:
            times["find one"].append(time.perf_counter() - t0)
        panel.filter.setText("")
        settle(panel)
        if hasattr(panel, "show_status"):  # (the baseline had no status filter)
            t0 = time.perf_counter()
            panel.show_status.setCurrentIndex(1)  # "Not done by you"
            settle(panel)
            if keep:
                times["not done"].append(time.perf_counter() - t0)
            panel.show_status.setCurrentIndex(0)
            settle(panel)
        current = window.workspace.video
        if panel.selected_id() != current.id:  # (the list of the baseline lost it)
            panel.select_name(current.name)
        for _ in range(nexts):
            before = window.workspace.video
            t0 = time.perf_counter()
            window.next_video()
            settle(window)
            if keep:
                times["next"].append(time.perf_counter() - t0)
            assert window.workspace.video != before, "next video did not move"
        window.close()
        window.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # really gone, so
        gc.collect()  # the next window's style sheet restyles only its own widgets
    return {k: statistics.median(v) * 1000 for k, v in times.items() if v}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="200,10000,35000",
                        help="videos in each project, comma-separated")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--nexts", type=int, default=10, help="next-video steps per repeat")
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    engines = args.engines.split(",")

    from PySide6.QtWidgets import QApplication

    from tests.storage.pg_server import PASSWORD, NoServer, PgServer

    app = QApplication.instance() or QApplication([])
    results: list[tuple[str, int, float, dict[str, float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        os.environ["EMOSIGN_CONFIG_DIR"] = str(base / "config")
        os.environ["EMOSIGN_CACHE_DIR"] = str(base / "cache")
        os.environ["EMOSIGN_DATA_DIR"] = str(base / "data")
        source = REAL_FILE if REAL_FILE.is_file() else write_released(
            base / "generated.csv", released_rows(200))
        clip = make_video(base / "clip.mp4", frames=24, size=(192, 144))
        server = None
        if "postgresql" in engines:
            try:
                server = PgServer(durable=True).start()
                os.environ.update(PGUSER=server.user, PGPASSWORD=PASSWORD)
            except NoServer as exc:
                print(f"(no PostgreSQL: {exc})", file=sys.stderr)
        try:
            for engine in engines:
                if engine == "postgresql" and server is None:
                    continue
                name = ("PostgreSQL 15 (loopback)" if engine == "postgresql"
                        else "SQLite (WAL)")
                for n in sizes:
                    folder = base / f"{engine}-{n}"
                    db = server.url(f"bench{n}") if engine == "postgresql" and server else None
                    built = build(folder, n, source, clip, db)
                    print(f"built {name} {n:,} videos in {built:.1f} s", file=sys.stderr,
                          flush=True)
                    figures = measure(folder, args.repeats, args.nexts)
                    print(f"  {figures}", file=sys.stderr, flush=True)
                    results.append((name, n, built, figures))
        finally:
            if server is not None:
                server.destroy()
    del app
    print(f"\nsource: {'real EmoSign file' if source == REAL_FILE else 'generated rows'}, "
          f"repeated; {len(FILTERS)} filter texts; {args.nexts} next-video steps; median of "
          f"{args.repeats} rounds ({os.cpu_count()} CPUs)\n")
    print("| engine | videos | window + open ms | open ms | summary counted ms | filter ms | "
          "find one ms | clear filter ms | next video ms | show not done ms |\n"
          "|---|---|---|---|---|---|---|---|---|---|")
    for name, n, _built, f in results:
        not_done = f"{f['not done']:.0f}" if "not done" in f else "n/a"
        one = f"{f['find one']:.1f}" if "find one" in f else "n/a"
        print(f"| {name} | {n:,} | {f['window+open']:.0f} | {f['open']:.0f} | "
              f"{f['summary']:.0f} | {f['filter']:.1f} | {one} | {f['clear']:.1f} | "
              f"{f['next']:.1f} | {not_done} |")
    print()
    for engine in {name for name, *_ in results}:
        rows = sorted((n, f) for name, n, _b, f in results if name == engine)
        if len(rows) < 2:
            continue
        (small, fs), (large, fl) = rows[0], rows[-1]
        ratios = ", ".join(f"{k} {fl[k] / fs[k]:.2f}x" for k in fs if k in fl)
        print(f"{engine}: {large:,}/{small:,} ratios: {ratios}")


if __name__ == "__main__":
    main()
