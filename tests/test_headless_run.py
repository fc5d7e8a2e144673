"""The headless run (``tests/headless.py``, in ``make test``) refuses Qt as a machine without
PySide6 would: a module importing Qt at module level fails there, and every module of the
core, storage, services, io and analysis packages imports without it."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: The packages whose tests run headless (the Makefile's HEADLESS folders).
QT_FREE = ("core", "storage", "services", "io", "analysis")


def python(code: str, folder: Path, *, headless: bool) -> subprocess.CompletedProcess[str]:
    """``code`` in a fresh interpreter (with the headless run's blocker when ``headless``),
    ``folder`` first on its path."""
    prelude = "import tests.headless\n" if headless else ""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join((str(folder), str(ROOT))))
    return subprocess.run([sys.executable, "-c", prelude + code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def qt_installed() -> bool:
    try:
        importlib.metadata.distribution("PySide6_Essentials")
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


@pytest.mark.parametrize("line", ["from PySide6.QtCore import QObject", "import pyqtgraph"])
def test_a_module_importing_qt_at_module_level_fails_headless(tmp_path, line):
    (tmp_path / "uses_qt.py").write_text(f"{line}\n\n\ndef f():\n    return 1\n")
    run = python("import uses_qt", tmp_path, headless=True)
    assert run.returncode != 0
    assert "ModuleNotFoundError" in run.stderr and "PySide6 is absent" in run.stderr
    if qt_installed():  # the same module imports with Qt: the blocker refused it, not the machine
        assert python("import uses_qt", tmp_path, headless=False).returncode == 0, run.stderr


def test_a_lazy_import_of_qt_inside_a_function_imports_headless(tmp_path):
    (tmp_path / "lazy_qt.py").write_text("def f():\n    import PySide6\n    return PySide6\n")
    run = python("import lazy_qt\nprint('imported')", tmp_path, headless=True)
    assert run.returncode == 0 and run.stdout.strip() == "imported", run.stderr


def test_every_module_of_the_qt_free_packages_imports_headless(tmp_path):
    code = (
        "import importlib, pkgutil\n"
        "from tests.headless import qt_loaded\n"
        "import emosign_desktop\n"
        "names = []\n"
        f"for package in {QT_FREE!r}:\n"
        "    root = importlib.import_module('emosign_desktop.' + package)\n"
        "    names.append(root.__name__)\n"
        "    for info in pkgutil.walk_packages(root.__path__, root.__name__ + '.'):\n"
        "        if '.migrations' in info.name:\n"
        "            continue  # Alembic's scripts, run by Alembic only\n"
        "        importlib.import_module(info.name)\n"
        "        names.append(info.name)\n"
        "assert not qt_loaded(), qt_loaded()\n"
        "print(len(names))\n")
    run = python(code, tmp_path, headless=True)
    assert run.returncode == 0, run.stderr[-2000:]
    assert int(run.stdout.strip()) > 40  # every module was walked, not an empty list


def test_the_headless_run_fails_on_a_test_module_that_imports_qt(tmp_path):
    (tmp_path / "test_uses_qt.py").write_text(
        "from PySide6.QtCore import QObject\n\n\ndef test_it():\n    assert QObject\n")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
               "-p", "no:pytest-qt", str(tmp_path / "test_uses_qt.py")]
    headless = subprocess.run([*command[:4], "-p", "tests.headless", *command[4:]], cwd=ROOT,
                              capture_output=True, text=True, timeout=300)
    assert headless.returncode != 0, headless.stdout
    assert "PySide6 is absent" in headless.stdout
    if qt_installed():
        plain = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert plain.returncode == 0, plain.stdout[-2000:]
