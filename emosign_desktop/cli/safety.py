"""Commands that keep a project safe: ``relink`` (a moved media file, its content
checked), ``check`` (integrity), ``backup`` and ``restore``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from emosign_desktop.cli.running import on_project
from emosign_desktop.core.errors import EmoSignError


def cmd_relink(args: argparse.Namespace) -> int:
    from emosign_desktop.services.relinking import DifferentMediaError, relink_video

    try:
        done = on_project(args, lambda session: relink_video(
            session, args.video, args.file, accept_changed=args.accept_changed))
    except DifferentMediaError as exc:
        raise EmoSignError(f"{exc} (--accept-changed takes it as the video's new "
                           "content)") from None
    for line in done.lines():
        print(line)
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


def add_commands(sub: Any) -> None:
    """Add ``relink``, ``check``, ``backup``, ``restore`` to the command line's subparsers."""
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
