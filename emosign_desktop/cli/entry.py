"""The ``emosign`` command's parser and entry point: every command module adds its
subcommands; :func:`main` runs the one asked for and turns what goes wrong into an exit
status (0 success, 2 bad input or usage with one line on stderr, 1 unexpected, logged)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from emosign_desktop import __version__
from emosign_desktop.core.errors import EmoSignError, plain_text


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``emosign`` (each subcommand has ``--help``)."""
    from emosign_desktop.cli import evaluation, exchange, media, projects, quality, safety

    parser = argparse.ArgumentParser(
        prog="emosign", description="EmoSign Desktop from the command line.")
    parser.add_argument("--version", action="version", version=f"emosign {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (projects, safety, exchange, evaluation, quality, media):
        module.add_commands(sub)
    return parser


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line ``argv`` (default: this process's) parsed; ``propose DIR ...`` (the
    first spelling of ``propose``, before its modes were subcommands) still parses."""
    from emosign_desktop.cli.quality import PROPOSE_MODES, first_propose_parser

    words = list(sys.argv[1:] if argv is None else argv)
    if (len(words) > 1 and words[0] == "propose" and words[1] not in PROPOSE_MODES
            and words[1] not in ("-h", "--help")):
        return first_propose_parser().parse_args(words[1:])
    return build_parser().parse_args(words)


#: Exit status when the reader of standard output went away (``emosign info DIR | head -1``):
#: 128 + SIGPIPE, what a shell shows for any program its pipe's reader left.
PIPE_CLOSED = 141


def _discard_stdout() -> None:
    """Send the rest of standard output nowhere: its reader went away, and the interpreter's
    last flush at exit must not complain about it."""
    import os

    try:
        out = sys.stdout.fileno()
    except (OSError, ValueError, AttributeError):  # no real file behind stdout
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, out)
    except OSError:
        pass
    finally:
        os.close(devnull)


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
        args = parse(argv)
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

