"""The in-process runner of the CLI tests (``tests/cli/run.py``): it gives what a process of
its own gives, and a command that leaves something behind fails its test."""

from __future__ import annotations

import io
import logging
import os
import re
import sys
import threading
import warnings

import pytest

from emosign_desktop.services.session import open_session
from emosign_desktop.services.videos import add_named_videos
from tests.cli import run
from tests.cli.run import emosign, emosign_process


def test_in_process_gives_what_the_process_gives(project_dir, tmp_path):
    with open_session(project_dir) as session:
        add_named_videos(session, ["Zoë_été_1"])  # non-ASCII on standard output
    for args in (("--version",), ("frobnicate",), ("info", project_dir), ("info", tmp_path)):
        here, there = emosign(*args), emosign_process(*args)
        assert (here.returncode, here.stdout, here.stderr) == (
            there.returncode, there.stdout, there.stderr), args
    assert "Zoë_été_1" in emosign("info", project_dir).stdout


def fake_main(monkeypatch, func):
    """Let ``emosign`` run ``func`` (given the arguments) instead of the CLI."""
    monkeypatch.setattr(run, "main", func)


def test_exit_status_cwd_and_text_as_a_process_has_them(monkeypatch, tmp_path):
    def speak(argv):
        print(os.getcwd(), end="\r\n")
        print("first\rsecond", file=sys.stderr)
        raise SystemExit(int(argv[0]) if argv[0].isdigit() else None)

    fake_main(monkeypatch, speak)
    here = os.getcwd()
    r = emosign("3", cwd=tmp_path)
    assert r.returncode == 3 and r.args == ["3"]
    assert r.stdout == f"{tmp_path.resolve()}\n" and r.stderr == "first\nsecond\n"
    assert os.getcwd() == here
    assert emosign("none").returncode == 0

    def refuse(_argv):
        raise SystemExit("a message")

    fake_main(monkeypatch, refuse)
    r = emosign()
    assert (r.returncode, r.stderr) == (1, "a message\n")


def test_logged_and_python_warnings_reach_stderr_as_in_a_fresh_process(monkeypatch):
    root = logging.getLogger()
    handlers = root.handlers[:]

    def warn(_argv):
        logging.getLogger("emosign_desktop.storage.backups").warning("disk %s", "full")
        logging.getLogger("emosign_desktop.storage.backups").info("not shown")
        warnings.warn("careful", UserWarning, stacklevel=1)
        warnings.warn("old", DeprecationWarning, stacklevel=1)  # hidden in a fresh process
        return 0

    fake_main(monkeypatch, warn)
    r = emosign()
    assert r.returncode == 0 and r.stderr.startswith("disk full\n")
    assert "UserWarning: careful" in r.stderr and "old" not in r.stderr
    assert root.handlers == handlers  # pytest's own are back


def test_the_captured_streams_have_no_descriptor_to_redirect(monkeypatch):
    """``cli.entry._discard_stdout`` redirects standard output's descriptor when it has one:
    in-process it must find none, or it would silence the test process's own descriptor 1."""
    seen = []

    def look(_argv):
        for stream in (sys.stdout, sys.stderr):
            with pytest.raises(io.UnsupportedOperation):
                stream.fileno()
            seen.append(stream.buffer is not None)  # bytes can be written, as to a pipe
        sys.stdout.buffer.write(b"bytes\n")
        return 0

    fake_main(monkeypatch, look)
    r = emosign()
    assert r.stdout == "bytes\n" and seen == [True, True]


def test_what_a_command_leaves_behind_fails_the_test(monkeypatch, tmp_path):
    stop = threading.Event()
    opened: list = []
    kept = tmp_path / "kept.txt"
    ways = [
        ("environment variables changed: EMOSIGN_LEAK",
         lambda: os.environ.__setitem__("EMOSIGN_LEAK", "1")),
        ("the working folder changed to", lambda: os.chdir(tmp_path)),
        ("logging handlers on the root logger",
         lambda: logging.getLogger().addHandler(logging.NullHandler())),
        ("threads still running: leaky", lambda: threading.Thread(
            target=stop.wait, name="leaky", daemon=True).start()),
        (f"files still open: [0-9]+ -> {re.escape(str(kept))}",
         lambda: opened.append(kept.open("w"))),
    ]
    root = logging.getLogger()
    handlers = root.handlers[:]
    here = os.getcwd()
    try:
        for needle, leak in ways:
            fake_main(monkeypatch, lambda _argv, leak=leak: leak() or 0)
            with pytest.raises(AssertionError, match="left behind: " + needle):
                emosign("x")
        assert "EMOSIGN_LEAK" not in os.environ and os.getcwd() == here
        assert root.handlers == handlers  # put back, whatever the command did
    finally:
        stop.set()
        for fh in opened:
            fh.close()
