"""Commands on video files and what is computed from them: ``probe``, ``frame`` (exact
frames), ``landmarks`` (MediaPipe, cached) and ``signals`` (per-frame cue signals)."""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from emosign_desktop.cli.running import RAW_HELP, on_project
from emosign_desktop.core.errors import EmoSignError

if TYPE_CHECKING:
    from emosign_desktop.core.model import Video
    from emosign_desktop.landmarks.batch import Job
    from emosign_desktop.services.session import Session


def cmd_probe(args: argparse.Namespace) -> int:
    from emosign_desktop.media.frame_index import build_index
    from emosign_desktop.media.probe import media_info, truncation_warning

    index = build_index(args.video)
    width, height = index.display_size
    keyframes = [int(k) for k in index.keyframes]
    media = media_info(index)
    info: dict[str, object] = {
        "path": str(args.video),
        "frame_count": index.frame_count,
        "declared_frames": media.declared_frames,
        "fps": round(index.fps, 6),
        "duration": round(index.duration, 6),
        "width": width,
        "height": height,
        "coded_width": index.width,
        "coded_height": index.height,
        "codec": index.codec,
        "rotation": index.rotation,
        "time_base": str(index.time_base),
        "start_pts": index.start_pts,
        "keyframes": keyframes,
    }
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        for key, value in info.items():
            if key == "declared_frames" and value is None:
                continue  # the container declares no more frames than can be decoded
            if key == "keyframes":
                value = f"{len(keyframes)} (at frames {', '.join(map(str, keyframes[:10]))}" + (
                    ", ...)" if len(keyframes) > 10 else ")")
            print(f"{key:15s} {value}")
    warning = truncation_warning(Path(args.video).name, media)
    if warning:
        print(f"emosign probe: warning: {warning}", file=sys.stderr)
    return 0


def cmd_frame(args: argparse.Namespace) -> int:
    from emosign_desktop.media.reader import VideoReader
    from emosign_desktop.media.still import write_png

    with VideoReader(args.video, threads=False) as reader:
        rgb = reader.frame(args.index)
    write_png(args.output, rgb)
    print(f"wrote frame {args.index} of {args.video} ({rgb.shape[1]}x{rgb.shape[0]}) "
          f"to {args.output}")
    return 0


def _landmark_jobs(args: argparse.Namespace) -> tuple[list[Job], list[str]]:
    """The videos whose landmarks are to be extracted, and why others cannot be."""
    from emosign_desktop.landmarks.batch import Job
    from emosign_desktop.landmarks.track import cache_path, has_outdated, load_cached
    from emosign_desktop.media.fingerprint import fingerprint
    from emosign_desktop.services.videos import media_file

    videos, folder = on_project(args, lambda session: (session.queries.videos(),
                                                       session.folder))
    if args.video:
        videos = [v for v in videos if v.name == args.video]
        if not videos:
            raise EmoSignError(f"{args.dir}: no video named '{args.video}'")
    jobs, problems = [], []
    for v in videos:
        path = media_file(folder, v)
        if path is None or v.fingerprint is None or v.media is None:
            problems.append(f"{v.name}: no media file (link it with 'emosign add')")
            continue
        if fingerprint(path) != v.fingerprint:
            problems.append(f"{v.name}: the media file changed since it was added "
                            f"({path}); add it again")
            continue
        if not args.force and load_cached(v.fingerprint) is not None:
            print(f"{v.name}: landmarks already cached")
            continue
        if args.force:
            cache_path(v.fingerprint).unlink(missing_ok=True)
        elif has_outdated(v.fingerprint):  # kept until the new file is complete
            print(f"{v.name}: landmarks of an earlier version without face blendshapes; "
                  "extracting again")
        jobs.append(Job(v.name, path, v.fingerprint, v.media.frame_count))
    return jobs, problems


def cmd_landmarks(args: argparse.Namespace) -> int:
    from emosign_desktop.landmarks.batch import BatchProgress, run

    jobs, problems = _landmark_jobs(args)
    tty = sys.stderr.isatty()
    shown = [0.0]

    def report(p: BatchProgress) -> None:
        now = time.monotonic()
        if not tty and now - shown[0] < 5 and p.frames < p.total_frames:
            return
        shown[0] = now
        eta = p.eta_s
        line = (f"landmarks: {len(p.finished) + len(p.failed)}/{len(jobs)} videos, "
                f"{p.frames}/{p.total_frames} frames, {p.rate:.1f} frames/s, ETA "
                + ("--:--" if eta is None else f"{int(eta // 60):02d}:{int(eta % 60):02d}"))
        print(("\r" + line) if tty else line, end="" if tty else "\n", file=sys.stderr,
              flush=True)

    if args.scheduler:  # a Dask cluster: a scheduler's address, or "local"
        from emosign_desktop.landmarks.cluster import run_on_cluster

        result = run_on_cluster(jobs, args.scheduler, args.workers, report)
    else:
        result = run(jobs, args.workers, report)
    if tty and jobs:
        print(file=sys.stderr)
    for name in result.finished:
        print(f"{name}: landmarks done")
    for message in [*problems, *result.failed.values()]:
        print(f"emosign landmarks: error: {message}", file=sys.stderr)
    return 2 if problems or result.failed else 0


def _video_and_file(session: Session, args: argparse.Namespace) -> tuple[Video, Path | None]:
    """The video named ``args.video`` and where its media file is now."""
    video = session.queries.video_named(args.video)
    if video is None:
        raise EmoSignError(f"{args.dir}: no video named '{args.video}'")
    return video, session.queries.media_file(video)


def cmd_signals(args: argparse.Namespace) -> int:
    from emosign_desktop.io.csv_table import write_csv
    from emosign_desktop.landmarks.signals import compute_signals
    from emosign_desktop.landmarks.track import has_outdated, load_cached
    from emosign_desktop.media.frame_index import load_index

    video, path = on_project(args, lambda session: _video_and_file(session, args))
    track = load_cached(video.fingerprint) if video.fingerprint else None
    if track is None and video.fingerprint and has_outdated(video.fingerprint):
        raise EmoSignError(f"{args.video}: landmarks extracted by an earlier version without "
                           f"face blendshapes; run 'emosign landmarks {args.dir} --video "
                           f"{args.video}' to extract them again")
    if track is None:
        raise EmoSignError(f"{args.video}: no landmarks yet; run "
                           f"'emosign landmarks {args.dir} --video {args.video}'")
    index = load_index(path, video.fingerprint) if path else None
    signals = compute_signals(track)
    names = list(signals)
    rows = []
    for i in range(track.frame_count):
        t = index.time_of(i) if index is not None else i / (track.fps or 30.0)
        rows.append([str(i), f"{t:.6f}", *("" if math.isnan(signals[n][i]) else
                                         f"{signals[n][i]:.6g}" for n in names)])
    write_csv(args.output, ["frame", "time_s", *names], rows, raw=args.raw)
    print(f"wrote {len(rows)} frames x {len(names)} signals to {args.output}")
    return 0


def add_commands(sub: Any) -> None:
    """Add ``probe``, ``frame``, ``landmarks``, ``signals`` to the command line's subparsers."""
    p = sub.add_parser("probe", help="frame count, rate, size, codec, rotation, keyframes")
    p.add_argument("video")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_probe)

    p = sub.add_parser("frame", help="write exactly frame N as shown (rotation applied)")
    p.add_argument("video")
    p.add_argument("--index", type=int, required=True, metavar="N", help="frame number (0 first)")
    p.add_argument("-o", "--output", required=True, metavar="PNG")
    p.set_defaults(func=cmd_frame)

    p = sub.add_parser("landmarks", help="MediaPipe landmarks for the project's videos "
                       "(cached; resumable; parallel)")
    p.add_argument("dir", help="project folder")
    p.add_argument("--workers", type=int, default=1, metavar="N",
                   help="worker processes, one video each (default 1)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on a Dask cluster: its scheduler (tcp://HOST:PORT), or 'local' "
                   "for a local one of --workers processes (default: a process pool here)")
    p.add_argument("--video", metavar="NAME", help="only this video")
    p.add_argument("--force", action="store_true", help="compute again even if cached")
    p.set_defaults(func=cmd_landmarks)

    p = sub.add_parser("signals", help="write a video's per-frame cue signals as CSV",
                       description="Columns: frame, time_s, then each signal (see README).")
    p.add_argument("dir", help="project folder")
    p.add_argument("video", help="video name")
    p.add_argument("-o", "--output", required=True, metavar="CSV")
    p.add_argument("--raw", action="store_true", help=RAW_HELP)
    p.set_defaults(func=cmd_signals)
