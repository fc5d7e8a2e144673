"""The headless run (napari's): the core, storage, services, io and analysis tests as on a
machine without PySide6.

Loaded with ``python -m pytest -p tests.headless -p no:pytest-qt ...`` (``make test`` does),
this plugin makes every import of Qt fail as if PySide6 were not installed, so a module of
those packages that imports Qt (or pyqtgraph) at module level fails its tests here.
"""

from __future__ import annotations

import importlib.abc
import sys

import pytest

#: The top-level packages a machine without PySide6 lacks (or cannot load without it).
ABSENT = ("PySide6", "shiboken6", "pyqtgraph", "pytestqt")


class QtAbsent(importlib.abc.MetaPathFinder):
    """A finder, first on ``sys.meta_path``, that refuses the packages in :data:`ABSENT`."""

    def find_spec(self, fullname: str, *_: object) -> None:
        """Refuse ``fullname`` when it belongs to a package of :data:`ABSENT`."""
        if fullname.partition(".")[0] in ABSENT:
            raise ModuleNotFoundError(
                f"No module named {fullname!r} (the headless run: PySide6 is absent)",
                name=fullname)
        return None


def block_qt() -> QtAbsent:
    """Put the blocker first on ``sys.meta_path`` (once) and return it."""
    for finder in sys.meta_path:
        if isinstance(finder, QtAbsent):
            return finder
    finder = QtAbsent()
    sys.meta_path.insert(0, finder)
    return finder


def qt_loaded() -> list[str]:
    """The refused packages already imported (none in a headless run)."""
    return sorted(name for name in sys.modules if name.partition(".")[0] in ABSENT)


block_qt()  # at import, before the test modules and their conftests are collected


def pytest_addoption(parser: pytest.Parser) -> None:
    # pyproject's [tool.pytest.ini_options] names pytest-qt's option; without the plugin
    # pytest would warn about an unknown key
    parser.addini("qt_api", "pytest-qt's Qt binding (unused in the headless run)")


def pytest_configure() -> None:
    loaded = qt_loaded()
    if loaded:
        raise pytest.UsageError(
            f"the headless run found Qt already imported ({', '.join(loaded[:3])}): "
            "run it with -p tests.headless -p no:pytest-qt")


def pytest_report_header() -> str:
    return "headless: PySide6, shiboken6, pyqtgraph and pytest-qt refused at import"
