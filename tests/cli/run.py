"""Running the ``emosign`` command in a test: :func:`emosign` calls its entry point in this
process (no interpreter start-up, no imports again: ~1 s of CPU saved a call) and hands back
what a subprocess would; :func:`emosign_process` runs ``python -m emosign_desktop`` for the
tests whose subject is the process itself (its exit status, a closed pipe, a whole workflow).

In-process, a run is made to look like a process of its own and is checked to leave nothing
behind:

* standard output and error are captured as bytes (UTF-8, as the child's streams) and decoded
  as ``subprocess.run(text=True)`` decodes them; ``cli.entry``'s ``_discard_stdout`` only
  redirects a file descriptor when standard output has one, and the captured streams have
  none, so the test process's own descriptor 1 is never touched (a closed pipe cannot happen
  in-process: those tests stay subprocesses);
* ``SystemExit`` (``--help``, ``--version``, usage errors) becomes the exit status, as the
  interpreter turns it into one;
* the root logger has no handlers for the run, so a warning logged goes to standard error
  through logging's last resort, as in a fresh process (pytest's capturing handlers are put
  back afterwards); Python warnings are filtered and printed as a fresh interpreter would;
* ``cwd`` is entered and left in ``try``/``finally``;
* afterwards the environment, the working folder, the root logger's handlers, the live
  threads and the open file descriptors must be as before: a command that changed or left
  one of them fails the test (:class:`AssertionError`) instead of leaking into the next test.

The crash log is written under ``EMOSIGN_LOG_DIR``, which ``tests/conftest.py`` points at a
folder of each test's own; no module of the package keeps a project open between commands
(each command opens its project with ``with open_session(...)``), which the descriptor check
confirms for every run.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import threading
import warnings
from contextlib import redirect_stderr, redirect_stdout, suppress
from pathlib import Path
from typing import Any, TextIO

from emosign_desktop.cli.entry import main

#: What a fresh interpreter with no ``-W`` option filters (``warnings.filters`` at start-up).
_FRESH_FILTERS = (("default", DeprecationWarning, "__main__"),
                  ("ignore", DeprecationWarning, ""),
                  ("ignore", PendingDeprecationWarning, ""),
                  ("ignore", ImportWarning, ""),
                  ("ignore", ResourceWarning, ""))


def emosign(*args: object, cwd: str | Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``emosign ARGS`` in this process (in ``cwd`` when given); its exit status and
    what it printed, as :func:`subprocess.run` with ``capture_output=True, text=True``."""
    argv = [str(a) for a in args]
    out, err = _captured("strict"), _captured("backslashreplace")
    before = _state()
    here = os.getcwd()
    root = logging.getLogger()
    handlers = root.handlers[:]
    try:
        if cwd is not None:
            os.chdir(cwd)
        there = os.getcwd()
        root.handlers = []
        with redirect_stdout(out), redirect_stderr(err), warnings.catch_warnings():
            _fresh_warnings()
            code = _exit_status(argv)
            out.flush()
            err.flush()
        left = _changes(before, there, root.handlers)
    finally:
        root.handlers = handlers
        os.chdir(here)
    if left:
        raise AssertionError(f"emosign {' '.join(argv)} left behind: {'; '.join(left)}")
    return subprocess.CompletedProcess(argv, code, _text(out), _text(err))


def emosign_process(*args: object, cwd: str | Path | None = None,
                    ) -> subprocess.CompletedProcess[str]:
    """Run ``python -m emosign_desktop ARGS`` as a process of its own."""
    return subprocess.run([sys.executable, "-m", "emosign_desktop", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def _exit_status(argv: list[str]) -> int:
    """``main(argv)``'s return value, or the status its ``SystemExit`` would give a process."""
    try:
        return main(argv)
    except SystemExit as stop:
        if stop.code is None or isinstance(stop.code, int):
            return stop.code or 0
        print(stop.code, file=sys.stderr)  # what the interpreter does with a message
        return 1


def _captured(errors: str) -> io.TextIOWrapper:
    """A text stream over bytes, encoded as a child process's standard stream is."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors=errors)


def _text(stream: io.TextIOWrapper) -> str:
    """What ``subprocess.run(text=True)`` makes of the bytes written (universal newlines)."""
    data = stream.buffer.getvalue()  # type: ignore[attr-defined]
    stream.close()
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def _fresh_warnings() -> None:
    """Filter and show warnings as a fresh interpreter does (pytest's own are put back when
    the surrounding ``catch_warnings`` ends)."""
    warnings.resetwarnings()
    for action, category, module in reversed(_FRESH_FILTERS):
        warnings.filterwarnings(action, category=category, module=module)  # type: ignore[arg-type]
    warnings.showwarning = _show_warning


def _show_warning(message: Warning | str, category: type[Warning], filename: str,
                  lineno: int, file: TextIO | None = None, line: str | None = None) -> None:
    """Print a warning on (the captured) standard error, as the interpreter would."""
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def _state() -> dict[str, Any]:
    """What a command must leave as it found it."""
    return {"environ": dict(os.environ), "threads": set(threading.enumerate()),
            "fds": _open_fds()}


def _open_fds() -> set[str]:
    """This process's open file descriptors with what they point at (empty where the system
    does not list them)."""
    where = Path("/proc/self/fd")
    found = set()
    with suppress(OSError):
        for fd in os.listdir(where):
            with suppress(OSError):  # the descriptor listdir itself used, closed since
                found.add(f"{fd} -> {os.readlink(where / fd)}")
    return found


def _changes(before: dict[str, Any], cwd: str, handlers: list[logging.Handler]) -> list[str]:
    """What the command changed of :func:`_state`, the working folder and the root logger."""
    left = []
    environ = dict(os.environ)
    if environ != before["environ"]:
        changed = sorted(k for k in environ.keys() | before["environ"].keys()
                         if environ.get(k) != before["environ"].get(k))
        os.environ.clear()
        os.environ.update(before["environ"])
        left.append(f"environment variables changed: {', '.join(changed)}")
    if os.getcwd() != cwd:
        left.append(f"the working folder changed to {os.getcwd()}")
    if handlers:
        left.append(f"logging handlers on the root logger: {handlers}")
    threads = [t.name for t in set(threading.enumerate()) - before["threads"]]
    if threads:
        left.append(f"threads still running: {', '.join(sorted(threads))}")
    fds = sorted(_open_fds() - before["fds"])
    if fds:
        left.append(f"files still open: {', '.join(fds)}")
    return left
