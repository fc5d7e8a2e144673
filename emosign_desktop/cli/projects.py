"""Commands that make and describe a project: ``init``, ``add``, ``info``, ``demo``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from emosign_desktop.cli.running import on_project, print_json
from emosign_desktop.core.errors import EmoSignError


def cmd_init(args: argparse.Namespace) -> int:
    from emosign_desktop.core.schema import EMOSIGN_SCHEMA, load_schema_file
    from emosign_desktop.services.session import create_session

    schema = load_schema_file(args.schema) if args.schema else EMOSIGN_SCHEMA
    with create_session(args.dir, schema, db=args.db) as session:
        where = f"; {session.where}" if args.db else ""
        print(f"created project {session.path} (schema {session.schema.name}{where})")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from emosign_desktop.core.errors import DuplicateMediaError
    from emosign_desktop.services.videos import add_videos, media_warnings

    try:
        added = on_project(args, lambda session: add_videos(
            session, args.videos, copy=args.copy, allow_duplicate=args.allow_duplicate))
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


def cmd_info(args: argparse.Namespace) -> int:
    from emosign_desktop.services.activity import duration_text, totals_by_annotator
    from emosign_desktop.services.summary import project_info

    info, times, read_only = on_project(args, lambda session: (
        project_info(session), totals_by_annotator(session), session.read_only))
    if args.json:
        return print_json({**info, "time_on_task": {
            name: {"seconds": round(sec, 1), "videos": n} for name, (sec, n) in times.items()}})
    videos = info["videos"]
    linked = sum(1 for v in videos if v["media_path"])
    found = sum(1 for v in videos if v["media_found"])
    print(f"project   {info['project']} (format {info['format_version']}, "
          f"schema {info['schema']})")
    if read_only is not None:
        print(f"read-only {read_only}")
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


def cmd_demo(args: argparse.Namespace) -> int:
    from emosign_desktop.services.demo import ensure_demo_project

    print(f"demo project: {ensure_demo_project(Path(args.dir) if args.dir else None)}")
    return 0


def add_commands(sub: Any) -> None:
    """Add ``init``, ``add``, ``info``, ``demo`` to the command line's subparsers."""
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

    p = sub.add_parser("info", help="videos, annotators and label counts")
    p.add_argument("dir", help="project folder")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("demo", help="create (or find) the demo project")
    p.add_argument("dir", nargs="?", help="folder (default: in the user's data folder)")
    p.set_defaults(func=cmd_demo)
