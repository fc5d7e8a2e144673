"""The ``emosign`` command: thin argument parsing over the packages, one module per
responsibility (:mod:`.projects`, :mod:`.safety`, :mod:`.exchange`, :mod:`.evaluation`,
:mod:`.quality`, :mod:`.media`), each command opening its project through the one helper
:func:`.running.on_project` and reading it through its queries.

Exit codes: 0 success, 2 bad input or usage (one line on stderr naming the file and the
problem; the project is left unchanged), 1 an unexpected failure (logged, never a traceback).
"""

from __future__ import annotations

from emosign_desktop.cli.entry import PIPE_CLOSED, build_parser, main

__all__ = ["PIPE_CLOSED", "build_parser", "main"]
