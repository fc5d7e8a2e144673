"""The ``emosign`` command: thin argument parsing over the packages.

Exit codes: 0 success, 2 bad input or usage (one line on stderr naming the file and the
problem; the project is left unchanged), 1 an unexpected failure (logged, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from emosign_desktop import __version__
from emosign_desktop.core.errors import EmoSignError, plain_text

if TYPE_CHECKING:
    from emosign_desktop.services.session import Session


def _open(path: str) -> Session:
    """The project in ``path`` (its folder, or its project.emosign file)."""
    from emosign_desktop.services.session import open_session

    return open_session(path)


def cmd_init(args: argparse.Namespace) -> int:
    from emosign_desktop.core.schema import EMOSIGN_SCHEMA, load_schema_file
    from emosign_desktop.services.session import create_session

    schema = load_schema_file(args.schema) if args.schema else EMOSIGN_SCHEMA
    with create_session(args.dir, schema, db=args.db) as session:
        where = f"; {session.where}" if args.db else ""
        print(f"created project {session.project.path} (schema {session.schema.name}{where})")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from emosign_desktop.core.errors import DuplicateMediaError
    from emosign_desktop.services.videos import add_videos, media_warnings

    with _open(args.dir) as session:
        try:
            added = add_videos(session.writer, args.videos, copy=args.copy,
                               allow_duplicate=args.allow_duplicate)
        except DuplicateMediaError as exc:
            them = "it" if len(exc.duplicates) == 1 else "them"
            raise EmoSignError(f"{exc}; nothing was added (--allow-duplicate adds {them} "
                               "anyway)") from None
        for v in added:
            m = v.media
            assert m is not None
            print(f"added {v.name}: {m.frame_count} frames, {m.fps:g} fps, "
                  f"{m.width}x{m.height}, {m.duration:.2f} s, {m.codec}")
    for line in media_warnings(added):
        print(f"emosign add: warning: {line}", file=sys.stderr)
    return 0


def cmd_relink(args: argparse.Namespace) -> int:
    from emosign_desktop.services.relinking import DifferentMediaError, relink_video

    with _open(args.dir) as session:
        try:
            done = relink_video(session.writer, args.video, args.file,
                                accept_changed=args.accept_changed)
        except DifferentMediaError as exc:
            raise EmoSignError(f"{exc} (--accept-changed takes it as the video's new "
                               "content)") from None
    for line in done.lines():
        print(line)
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from emosign_desktop.services.activity import duration_text, totals_by_annotator
    from emosign_desktop.services.summary import project_info

    with _open(args.dir) as session:
        info = project_info(session.project)
        times = totals_by_annotator(session.project)
    if args.json:
        print(json.dumps({**info, "time_on_task": {
            name: {"seconds": round(sec, 1), "videos": n} for name, (sec, n) in times.items()}},
            indent=2, ensure_ascii=False))
        return 0
    videos = info["videos"]
    linked = sum(1 for v in videos if v["media_path"])
    found = sum(1 for v in videos if v["media_found"])
    print(f"project   {info['project']} (format {info['format_version']}, "
          f"schema {info['schema']})")
    if session.project.read_only is not None:
        print(f"read-only {session.project.read_only}")
    print(f"videos    {len(videos)}: {linked} with media ({found} found), "
          f"{len(videos) - linked} by name only")
    for v in videos:
        m = v["media"]
        declared = f" (of {m['declared_frames']} declared)" if m and m.get(
            "declared_frames") else ""
        desc = (f"{m['frame_count']} frames{declared}, {m['fps']:g} fps, "
                f"{m['width']}x{m['height']}" if m else "no media linked")
        state = v.get("media_state", "missing")
        missing = "" if v["media_found"] or not v["media_path"] else (
            f"  [media {state}: {v['media_problem']}]" if v.get("media_problem")
            else f"  [media {state}]")
        print(f"  {v['name']}: {desc}{missing}")
    print(f"annotators {len(info['annotators'])}")
    for a in info["annotators"]:
        print(f"  {a['name']} ({a['kind']}): {a['annotations']} annotations, "
              f"{a['done']} done, {a['in progress']} in progress, {a['skipped']} skipped")
    print("tiers     " + ", ".join(f"{t['name']} ({t['segments']} segments)"
                                   for t in info["tiers"]))
    if times:
        print("time on task (active)")
        for name, (sec, n) in times.items():
            print(f"  {name}: {duration_text(sec)} on {n} videos, "
                  f"{duration_text(sec / n)} per video")
    return 0



def cmd_import_csv(args: argparse.Namespace) -> int:
    from emosign_desktop.services.csv_exchange import import_annotator_csv, import_released

    with _open(args.dir) as session:
        if args.annotator:
            offset = 1 if args.emotion_coding == "released" else 0
            summary = import_annotator_csv(session.writer, args.file, args.annotator,
                                           offset=offset)
        else:
            summary = import_released(session.writer, args.file)
    print(f"{args.file}: {summary}")
    return 0


def cmd_export_csv(args: argparse.Namespace) -> int:
    from emosign_desktop.io.emosign_csv import emotion_offset
    from emosign_desktop.services.aggregation import export_aggregated
    from emosign_desktop.services.csv_exchange import export_annotator_csv, export_released

    if sum(map(bool, (args.annotator, args.aggregate, args.long))) > 1:
        raise EmoSignError("give one of --annotator, --aggregate and --long")
    # as before unless chosen: the released coding (1..4), and 0..3 in the long format
    offset = emotion_offset(args.emotion_coding or ("protocol" if args.long else "released"))
    with _open(args.dir) as session:
        if args.long:
            from emosign_desktop.services.tidy_export import export_long

            n = export_long(session, args.file, raw=args.raw, offset=offset)
        elif args.annotator:
            n = export_annotator_csv(session.repo, args.file, args.annotator, raw=args.raw,
                                     offset=offset)
        elif args.aggregate:
            n = export_aggregated(session.project, args.file, args.aggregate, raw=args.raw,
                                  offset=offset)
        else:
            n = export_released(session.repo, args.file, raw=args.raw, offset=offset)
    print(f"wrote {n} rows to {args.file}")
    return 0


def cmd_export_segments(args: argparse.Namespace) -> int:
    from emosign_desktop.services.tidy_export import export_segments

    with _open(args.dir) as session:
        n = export_segments(session, args.output, raw=args.raw)
    print(f"wrote {n} segments to {args.output}")
    return 0


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


def cmd_pack(args: argparse.Namespace) -> int:
    from emosign_desktop.services.packs import export_pack

    with _open(args.dir) as session:
        pack = export_pack(session.repo, args.annotator, args.output)
    print(f"wrote {args.output}: {pack.annotator}, {len(pack.annotations)} annotations, "
          f"{len(pack.segments)} segments, {len(pack.videos)} videos")
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    from emosign_desktop.services.packs import merge_pack_files

    with _open(args.dir) as session:
        for summary in merge_pack_files(session.writer, args.packs):
            print(summary)
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    with _open(args.dir) as session:
        rows = session.repo.conflicts()
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print("no conflicts")
    for r in rows:
        print(f"{r['pack_name']}: {r['annotator']} / {r['video']} / {r['item']}: kept the edit "
              f"of {r['kept_updated_at']}, logged the one of {r['discarded_updated_at']}")
        print(f"    kept      {r['kept']}\n    discarded {r['discarded']}")
    return 0


def cmd_agreement(args: argparse.Namespace) -> int:
    from emosign_desktop.services.agreement import agreement_report

    if args.over_time:
        from emosign_desktop.cli_quality import cmd_agreement_over_time

        return cmd_agreement_over_time(args)
    with _open(args.dir) as session:
        report = agreement_report(session.project, args.level, args.boundary_frames)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0

    def fmt(a: object) -> str:
        return "undefined" if a is None else f"{a:.3f}"

    print(f"Krippendorff's alpha ({report['level']}), annotators: "
          f"{', '.join(report['annotators']) or 'none'}")
    for label, r in report["labels"].items():
        why = f"  ({r['reason']})" if r.get("reason") else ""
        print(f"  {label:14s} {fmt(r['alpha']):>9s}  {r['units']} videos, "
              f"{r['annotators']} annotators{why}")
    print(f"  {'average':14s} {fmt(report['average']):>9s}")
    for name, r in report["tiers"].items():
        f1 = r["boundary_f1"]
        print(f"tier {name}: alpha (nominal, frame-wise) {fmt(r['alpha'])} over {r['units']} "
              f"frames; boundaries within ±{r['boundary_frames']} frames: "
              f"{'n/a' if f1 is None else f'{f1:.0%}'}")
    if report["videos"]:
        print("most disputed videos:")
        for v in report["videos"][:10]:
            print(f"  {v['name']}  {v['disagreement']:.2f}  ({', '.join(v['labels'])})")
    return 0


def cmd_landmarks(args: argparse.Namespace) -> int:
    from emosign_desktop.landmarks.batch import BatchProgress, Job, run
    from emosign_desktop.landmarks.track import cache_path, load_cached
    from emosign_desktop.media.fingerprint import fingerprint
    from emosign_desktop.services.videos import media_file

    jobs, problems = [], []
    with _open(args.dir) as session:
        videos = session.repo.videos()
        if args.video:
            videos = [v for v in videos if v.name == args.video]
            if not videos:
                raise EmoSignError(f"{args.dir}: no video named '{args.video}'")
        for v in videos:
            path = media_file(session.folder, v)
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
            jobs.append(Job(v.name, path, v.fingerprint, v.media.frame_count))
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


def cmd_signals(args: argparse.Namespace) -> int:
    from emosign_desktop.io.csv_table import write_csv
    from emosign_desktop.landmarks.signals import compute_signals
    from emosign_desktop.landmarks.track import load_cached
    from emosign_desktop.media.frame_index import load_index
    from emosign_desktop.services.videos import media_file

    with _open(args.dir) as session:
        video = session.repo.video_by_name(args.video)
        if video is None:
            raise EmoSignError(f"{args.dir}: no video named '{args.video}'")
        track = load_cached(video.fingerprint) if video.fingerprint else None
        if track is None:
            raise EmoSignError(f"{args.video}: no landmarks yet; run "
                               f"'emosign landmarks {args.dir} --video {args.video}'")
        path = media_file(session.folder, video)
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


def cmd_predictions(args: argparse.Namespace) -> int:
    from emosign_desktop.services.predictions import (
        import_predictions,
        prediction_runs,
        remove_run,
    )

    with _open(args.dir) as session:
        if args.action == "import":
            summary = import_predictions(session.writer, args.file, args.model, args.setting)
            print(f"{args.file}: imported {summary}")
        elif args.action == "remove":
            summary = remove_run(session.writer, args.model, args.setting)
            print(f"removed {summary}")
        else:
            runs = prediction_runs(session.repo)
            if not runs:
                print("no predictions")
            for run in runs:
                print(run)
    return 0


def cmd_import_signstream(args: argparse.Namespace) -> int:
    from emosign_desktop.services.signstream import NoUtterancePlaced, import_signstream

    with _open(args.dir) as session:
        try:
            result = import_signstream(session.writer, args.file, utterance=args.utterance,
                                       video=args.video, tier_prefix=args.tier_prefix)
        except NoUtterancePlaced as exc:
            print("\n".join(exc.result.lines()))
            raise
    print("\n".join(result.lines()))
    return 0


def cmd_export_eaf(args: argparse.Namespace) -> int:
    from emosign_desktop.services.elan import export_eaf

    with _open(args.dir) as session:
        summary = export_eaf(session.repo, args.video, args.output, annotator=args.annotator,
                             only_ours=args.only_ours)
    print(summary)
    return 0


def cmd_import_eaf(args: argparse.Namespace) -> int:
    from emosign_desktop.services.elan import import_eaf

    with _open(args.dir) as session:
        summary = import_eaf(session.writer, args.file, video=args.video,
                             annotator=args.annotator, tier_prefix=args.tier_prefix)
    print(summary)
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from emosign_desktop.services.evaluation import (
        evaluate,
        evaluate_with_videos,
        with_provenance,
    )
    from emosign_desktop.services.report import text_report, write_html

    with _open(args.dir) as session:
        if args.html:
            report, worst = evaluate_with_videos(session.project, args.reference, args.tier,
                                                 args.boundary_frames, limit=50)
        else:
            report = evaluate(session.project, args.reference, args.tier, args.boundary_frames)
        report = with_provenance(session.project, report)  # version, time, project, files
    if args.html:
        write_html(args.html, report, worst)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(text_report(report))
    if args.html:
        print(f"wrote {args.html}", file=sys.stderr if args.json else sys.stdout)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from emosign_desktop.services.safety import check_project

    report = check_project(args.dir)
    if report.sound:
        print(f"{report.file}: sound (SQLite's full integrity and foreign-key checks pass)")
        return 0
    print(f"{report.file}: DAMAGED", file=sys.stderr)
    for line in report.problems:
        print(f"  {line}", file=sys.stderr)
    if report.backup is not None:
        print(f"the newest good backup is {report.backup.describe()}: restore it with "
              f"'emosign restore {Path(args.dir)}'", file=sys.stderr)
    else:
        print("there is no good backup in the project's backups/ folder", file=sys.stderr)
    return 2


def cmd_backup(args: argparse.Namespace) -> int:
    from emosign_desktop.services.safety import backup_now, backups_of

    if not args.list:
        made = backup_now(args.dir)
        print(f"backed up to {made.path} ({made.size / 1e6:.1f} MB)")
        return 0
    found = backups_of(args.dir)
    for b in found:
        print(f"{b.path}  {b.describe()}")
    if not found:
        print("no backups yet")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from emosign_desktop.services.safety import restore_backup

    done = restore_backup(args.dir, args.source)
    print(f"restored {done.backup.describe()}")
    for line in done.differences:
        print(f"  {line}")
    if done.kept_as is not None:
        print(f"the file it replaced is kept as {done.kept_as}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from emosign_desktop.services.demo import ensure_demo_project

    print(f"demo project: {ensure_demo_project(Path(args.dir) if args.dir else None)}")
    return 0


#: ``--raw`` of the commands that write CSV.
RAW_HELP = ("write every cell as stored; by default a text starting with =, +, -, @, a tab or "
            "a carriage return (not a plain number) gets a ' in front, so a spreadsheet "
            "shows it instead of running it as a formula")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``emosign`` (each subcommand has ``--help``)."""
    parser = argparse.ArgumentParser(
        prog="emosign", description="EmoSign Desktop from the command line.")
    parser.add_argument("--version", action="version", version=f"emosign {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("init", help="create a project in a folder")
    p.add_argument("dir", help="project folder (created if missing)")
    p.add_argument("--schema", metavar="FILE", help="label schema (.toml or .json)")
    p.add_argument("--db", metavar="postgresql://HOST[:PORT]/DB",
                   help="keep the project's database on this PostgreSQL server (the folder "
                   "records host, port and database only; the password comes from "
                   "PGPASSWORD, ~/.pgpass or the system keyring; a database that already "
                   "holds an EmoSign project is joined)")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("add", help="probe video files and add them to a project")
    p.add_argument("dir", help="project folder")
    p.add_argument("videos", nargs="+", metavar="VIDEO")
    p.add_argument("--copy", action="store_true", help="copy the files into DIR/media/")
    p.add_argument("--allow-duplicate", action="store_true",
                   help="add a file even when a video of the project (or another file given) "
                   "has the same content")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("relink", help="link a video to its moved or renamed file (its "
                       "content is checked)")
    p.add_argument("dir", help="project folder")
    p.add_argument("video", help="the video's name in the project")
    p.add_argument("file", help="the video's file, where it is now")
    p.add_argument("--accept-changed", action="store_true",
                   help="link the file even when its content differs from the file the "
                   "labels were made on (re-encoded, trimmed): its frame count, rate and "
                   "size are stored; labels and segments are kept")
    p.set_defaults(func=cmd_relink)

    p = sub.add_parser("info", help="videos, annotators and label counts")
    p.add_argument("dir", help="project folder")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser(
        "import-csv", help="import the released EmoSign CSV, or one annotator's CSV",
        description="Without --annotator: the released format (labels -> 'emosign-consensus',"
        " Reasoning_1..3 -> 'reasoning-1..3'). With --annotator: video_name, Sentiment, the "
        "emotions, and optionally sentiment_confidence, emotion_confidence, cues.")
    p.add_argument("dir", help="project folder")
    p.add_argument("file", help="CSV file")
    p.add_argument("--annotator", metavar="NAME", help="import as this annotator's ratings")
    p.add_argument("--emotion-coding", choices=("released", "protocol"), default="released",
                   help="emotions coded 1..4 like the released file (default) or 0..3")
    p.set_defaults(func=cmd_import_csv)

    p = sub.add_parser("export-csv", help="write the released EmoSign format (or one "
                       "annotator's ratings)")
    p.add_argument("dir", help="project folder")
    p.add_argument("file", help="CSV file to write")
    p.add_argument("--annotator", metavar="NAME", help="export this annotator's ratings")
    p.add_argument("--aggregate", choices=("majority", "mean", "median"),
                   help="one label per video from all annotators (majority: the paper's rule, "
                   "ties to the most confident annotator)")
    p.add_argument("--long", action="store_true",
                   help="one row per video, annotator and label, with each annotator's cue "
                   "text and skip (for pandas or R); a .parquet file name writes Parquet")
    p.add_argument("--emotion-coding", choices=("released", "protocol"),
                   help="emotions coded 1..4 like the released file (the default, but for "
                   "--long) or 0..3 as the annotators gave them (the default of --long)")
    p.add_argument("--raw", action="store_true", help=RAW_HELP)
    p.set_defaults(func=cmd_export_csv)

    p = sub.add_parser("export-segments", help="one row per segment, for analysis",
                       description="Columns: video, annotator, annotator_kind, tier, "
                       "tier_group, value, start_frame, end_frame, start_s, end_s, region_x, "
                       "region_y, region_w, region_h, note, source, attributes.")
    p.add_argument("dir", help="project folder")
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help=".csv or .parquet")
    p.add_argument("--raw", action="store_true", help=RAW_HELP)
    p.set_defaults(func=cmd_export_segments)

    p = sub.add_parser("pack", help="write one annotator's work as a pack file")
    p.add_argument("dir", help="project folder")
    p.add_argument("--annotator", required=True, metavar="NAME")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.set_defaults(func=cmd_pack)

    p = sub.add_parser("merge", help="merge annotator packs into a project (one transaction)")
    p.add_argument("dir", help="project folder")
    p.add_argument("packs", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_merge)

    p = sub.add_parser("conflicts", help="the conflict log of merges")
    p.add_argument("dir", help="project folder")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_conflicts)

    p = sub.add_parser("agreement", help="Krippendorff's alpha per label and tier")
    p.add_argument("dir", help="project folder")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--level", choices=("nominal", "ordinal", "interval"), default="ordinal")
    p.add_argument("--boundary-frames", type=int, default=5, metavar="K",
                   help="segment boundaries agree within ±K frames (default 5)")
    p.add_argument("--over-time", action="store_true",
                   help="per annotator, in the order they labelled: rolling sentiment alpha "
                   "and bias and emotion-presence agreement with the gold videos' reference "
                   "and with the other annotators")
    p.add_argument("--window", type=int, default=10, metavar="N",
                   help="with --over-time: videos per rolling window (default 10)")
    p.set_defaults(func=cmd_agreement)

    from emosign_desktop.cli_quality import add_commands

    add_commands(sub)  # blind, gold, propose

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

    p = sub.add_parser("predictions", help="model predictions: import, list, remove",
                       description="Predictions are data beside the annotations: a run is one "
                       "model in one input setting. Files: CSV or JSON Lines (see README).")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    q = actions.add_parser("import", help="import a run (replaces that run's predictions)")
    q.add_argument("dir", help="project folder")
    q.add_argument("file", help="CSV or JSON Lines file")
    q.add_argument("--model", required=True, metavar="NAME")
    q.add_argument("--setting", required=True, choices=("video", "caption", "video+caption"))
    q = actions.add_parser("list", help="the runs in a project")
    q.add_argument("dir", help="project folder")
    q = actions.add_parser("remove", help="remove a run (its predictions and cue segments)")
    q.add_argument("dir", help="project folder")
    q.add_argument("--model", required=True, metavar="NAME")
    q.add_argument("--setting", required=True, choices=("video", "caption", "video+caption"))
    p.set_defaults(func=cmd_predictions)

    p = sub.add_parser(
        "import-signstream", help="SignStream XML (ASLLRP) as read-only reference tiers",
        description="Each field of the coding scheme becomes a reference tier; each utterance "
        "goes on the video named after one of its media files (times from the utterance's "
        "start in it) or the one whose name ends in the utterance ID (times from the clip's "
        "start). Utterances with no video are listed, not guessed. Importing the file again "
        "(same name, or same content) replaces what it brought, wherever it went. A field "
        "named like a reference tier already in the project adds to that tier.")
    p.add_argument("dir", help="project folder")
    p.add_argument("file", help="SignStream XML file")
    p.add_argument("--utterance", metavar="ID", help="only this utterance")
    p.add_argument("--video", metavar="NAME", help="put the utterance on this video")
    p.add_argument("--tier-prefix", metavar="TEXT", default="",
                   help="put TEXT before each tier's name (keeps this file's tiers apart)")
    p.set_defaults(func=cmd_import_signstream)

    p = sub.add_parser(
        "export-eaf", help="write a video's tiers as an ELAN file (.eaf)",
        description="Each of the project's tiers, per annotator, becomes an ELAN tier "
        "'TIER@ANNOTATOR' with its controlled vocabulary; notes and regions go to dependent "
        "tiers; times are the frames' presentation times; the media is linked. Reference "
        "tiers (imported from ELAN or SignStream) are written beside them as their files "
        "defined them, unless --only-ours.")
    p.add_argument("dir", help="project folder")
    p.add_argument("video", help="video name")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the .eaf file")
    p.add_argument("--annotator", metavar="NAME",
                   help="only this annotator's tiers (default: everyone with segments)")
    p.add_argument("--only-ours", action="store_true",
                   help="leave the reference tiers out")
    p.set_defaults(func=cmd_export_eaf)

    p = sub.add_parser(
        "import-eaf", help="import an ELAN file (.eaf) onto a video",
        description="Tiers exported by EmoSign come back to their tiers and annotators; "
        "other tiers come in as read-only reference tiers. The video is the one the file's "
        "media names (by relative path or file name) unless --video; media matching several "
        "videos need --video. Importing the same file again (same name, or same content) "
        "replaces what it brought, wherever it went. A tier named like a reference tier "
        "already in the project adds to that tier.")
    p.add_argument("dir", help="project folder")
    p.add_argument("file", help="the .eaf file (EAF 2.7 to 3.0)")
    p.add_argument("--video", metavar="NAME", help="the video to import onto")
    p.add_argument("--annotator", metavar="NAME",
                   help="annotator of the project's own tiers whose ELAN tier names none")
    p.add_argument("--tier-prefix", metavar="TEXT", default="",
                   help="put TEXT before each reference tier's name (keeps this file's tiers "
                   "apart)")
    p.set_defaults(func=cmd_import_eaf)

    p = sub.add_parser(
        "evaluate", help="score the model runs against the reference labels (models versus "
        "humans)",
        description="The paper's tasks (sentiment 3- and 7-class, single-label emotion, the "
        "multi-expression hit rate, cue grounding) for every imported run, against the "
        "reference labels (emosign-consensus, else the majority of the annotators), beside "
        "the annotators' agreement. A video a run gives no answer for counts as wrong. The "
        "JSON and the HTML state their provenance: the app's version, the time (UTC), the "
        "project and each run's prediction files with their SHA-256.")
    p.add_argument("dir", help="project folder")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--html", metavar="FILE", help="write a self-contained HTML report")
    p.add_argument("--reference", metavar="NAME",
                   help="the annotator whose labels are the truth, or 'majority' (default: "
                   "emosign-consensus when present, else majority)")
    p.add_argument("--tier", metavar="NAME",
                   help="tier of human cue segments for grounding (default: the emotion-cue "
                   "tier)")
    p.add_argument("--boundary-frames", type=int, default=2, metavar="K",
                   help="cue boundaries agree within ±K frames (default 2)")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("check", help="full integrity check of a project file (exit 2 when "
                       "damaged, naming the newest good backup)")
    p.add_argument("dir", help="project folder")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("backup", help="back up the project into its backups/ folder now")
    p.add_argument("dir", help="project folder")
    p.add_argument("--list", action="store_true", help="list the backups instead")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="put a backup in place of the project file (the "
                       "replaced file is kept beside it)")
    p.add_argument("dir", help="project folder")
    p.add_argument("--from", dest="source", metavar="BACKUP",
                   help="the backup file (default: the newest that passes the check)")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("demo", help="create (or find) the demo project")
    p.add_argument("dir", nargs="?", help="folder (default: in the user's data folder)")
    p.set_defaults(func=cmd_demo)
    return parser


#: Exit status when the reader of standard output went away (``emosign info DIR | head -1``):
#: 128 + SIGPIPE, what a shell shows for any program its pipe's reader left.
PIPE_CLOSED = 141


def _discard_stdout() -> None:
    """Send the rest of standard output nowhere: its reader went away, and the interpreter's
    last flush at exit must not complain about it."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real file behind stdout
        pass


def _flush_stdout() -> bool:
    """Flush standard output now (not at exit); False when its reader went away."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _discard_stdout()
        return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``emosign`` console script."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit:  # --help, --version or a usage error: its text may meet a closed pipe
        _flush_stdout()
        raise
    try:
        code = int(args.func(args))
        return code if _flush_stdout() else PIPE_CLOSED
    except BrokenPipeError:  # quietly, like any program whose reader went away
        _discard_stdout()
        return PIPE_CLOSED
    except EmoSignError as exc:
        print(f"emosign {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"emosign {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback in the user's face
        from emosign_desktop.crashlog import write_crash_log

        log = write_crash_log(exc)
        print(f"emosign {args.command}: unexpected error: {plain_text(exc)} (details in "
              f"{log})", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
