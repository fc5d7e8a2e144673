"""The one way a command works on a project: open it, run, close; and the output helpers
every command shares.  A failure is an :class:`~emosign_desktop.core.errors.EmoSignError`
raised on the way, which :func:`emosign_desktop.cli.entry.main` prints as one line (exit 2)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from emosign_desktop.services.session import Session

T = TypeVar("T")

#: ``--raw`` of the commands that write CSV.
RAW_HELP = ("write every cell as stored; by default a text starting with =, +, -, @, a tab or "
            "a carriage return (not a plain number) gets a ' in front, so a spreadsheet "
            "shows it instead of running it as a formula")


def on_project(args: argparse.Namespace, run: Callable[[Session], T]) -> T:
    """Open the project of ``args.dir`` (its folder, or its project.emosign file), return
    ``run(session)`` and close the project, whatever happens."""
    from emosign_desktop.services.session import open_session

    with open_session(args.dir) as session:
        return run(session)


def print_json(data: object) -> int:
    """Print ``data`` as indented JSON (non-ASCII kept); returns the exit status 0."""
    print(json.dumps(data, indent=2, ensure_ascii=False))
    return 0
