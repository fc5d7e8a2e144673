"""Checking every video's media file against its fingerprint, at 200 and 35,000 videos (an
SQLite project; every video linked to a file of its own).

- first check: an upgraded project (format 9 or older: no stored size and time), so every
  file is read for its fingerprint (at most 2 MiB each) and its stamp stored;
- check again: sizes and times stored, so one ``stat`` per video (what every later opening
  costs);
- a page: the video list's check of one page of 50 rows (stamps stored);
- one video: the check before the player shows a video;
- longest wait: the longest the window's thread spends on one part of the background check
  (reading a part of 200 videos, ``MediaScan.next_links``, and noting its outcome and
  storing stamps, ``MediaScan.take``; its files are looked at on another thread), on a
  first check;
- files of a part: the checking thread's time for one part (``check_links``), on a first
  check (median).

Files are ``--file-kb`` KB of random bytes (the check reads, never decodes; a real clip of
more than 2 MiB costs a 2 MiB read on the first check).  Files are in the page cache (a cold
disk adds its read time to the first check only).  Medians of ``--repeats``.  Run:
``python benchmarks/bench_media_check.py [--sizes 200,35000] [--repeats 3]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from emosign_desktop.core.changeset import ChangeSet, VideoEdit  # noqa: E402
from emosign_desktop.core.model import MediaInfo, Video, VideoId  # noqa: E402
from emosign_desktop.media.fingerprint import fingerprint  # noqa: E402
from emosign_desktop.services.media_check import (  # noqa: E402
    MediaScan,
    check_all,
    check_links,
    check_media,
    check_video,
)
from emosign_desktop.services.session import Session, create_session  # noqa: E402

MEDIA = MediaInfo(25.0, 50, 64, 48, 2.0, "h264")


def build(folder: Path, n: int, kb: int) -> None:
    """A project of ``n`` videos, each linked to a file of ``kb`` KB of its own."""
    media = folder / "media"
    media.mkdir(parents=True)
    with create_session(folder) as s:
        edits = []
        for i in range(n):
            path = media / f"clip_{i:05d}.mp4"
            path.write_bytes(os.urandom(kb * 1024))
            edits.append(VideoEdit(None, Video(VideoId(i + 1), f"clip_{i:05d}",
                                               f"media/clip_{i:05d}.mp4", fingerprint(path),
                                               MEDIA)))
        s.writer.run("bench", lambda _r: ChangeSet(videos=tuple(edits)))


def clear_stamps(session: Session) -> None:
    from sqlalchemy import text

    with session.repo.engine.begin() as conn:
        conn.execute(text("UPDATE video SET media_size = NULL, media_mtime = NULL"))


def measure(folder: Path, repeats: int) -> dict[str, float]:
    from emosign_desktop.services.session import open_session

    out: dict[str, list[float]] = {k: [] for k in (
        "first check", "check again", "a page", "one video", "longest wait",
        "files of a part")}
    with open_session(folder) as s:
        videos = s.repo.videos()
        page = videos[len(videos) // 2:len(videos) // 2 + 50]
        for _ in range(repeats):
            clear_stamps(s)
            t = time.perf_counter()
            assert check_all(s).changed == []
            out["first check"].append(time.perf_counter() - t)
            t = time.perf_counter()
            assert check_all(s).checked == len(videos)
            out["check again"].append(time.perf_counter() - t)
            t = time.perf_counter()
            assert all(c.playable for c in check_media(s, page).values())
            out["a page"].append(time.perf_counter() - t)
            t = time.perf_counter()
            assert check_video(s, page[0]).playable
            out["one video"].append(time.perf_counter() - t)
            clear_stamps(s)  # the longest wait is on a first check (stamps stored)
            scan, longest, parts = MediaScan(s), 0.0, []
            while not scan.done:
                t = time.perf_counter()
                links = scan.next_links()
                waited = time.perf_counter() - t
                t = time.perf_counter()
                results = check_links(str(folder), links)
                parts.append(time.perf_counter() - t)
                t = time.perf_counter()
                scan.take(results)
                longest = max(longest, waited + time.perf_counter() - t)
            out["longest wait"].append(longest)
            out["files of a part"].append(statistics.median(parts))
    return {k: statistics.median(v) for k, v in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="200,35000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--file-kb", type=int, default=16)
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            folder = Path(tmp) / f"p{n}"
            build(folder, n, args.file_kb)
            rows.append((n, measure(folder, args.repeats)))
    keys = list(rows[0][1])
    print("| videos | " + " | ".join(keys) + " |")
    print("|---|" + "---|" * len(keys))
    for n, r in rows:
        print(f"| {n:,} | " + " | ".join(f"{r[k] * 1000:.1f} ms" for k in keys) + " |")


if __name__ == "__main__":
    main()
