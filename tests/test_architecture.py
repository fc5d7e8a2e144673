"""The layering rules, checked on every import statement (module level or lazy)."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "emosign_desktop"
QT = ("PySide6", "shiboken6", "pyqtgraph")
SQL = ("sqlalchemy", "alembic")
HEAVY_AT_MODULE_LEVEL = ("pandas", "mediapipe", "cv2", "sklearn", "krippendorff", "pympi", "av",
                         "dask", "distributed", "psycopg", "pyarrow")


def _imports(path: Path, module_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if module_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def _files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layering(path: Path):
    rel = path.relative_to(PACKAGE)
    imports = _imports(path)
    in_ui = rel.parts[0] == "ui" or (rel.name in ("app.py", "__main__.py") and len(rel.parts) == 1)
    if not in_ui:
        assert not imports & set(QT), f"{rel} imports Qt outside ui/"
    if rel.parts[0] != "storage":
        assert not imports & set(SQL), f"{rel} imports SQLAlchemy outside storage/"
    if rel.parts[0] == "core":
        assert not imports & {"numpy", "av", *QT, *SQL}, f"{rel}: the core must stay pure"
    heavy = _imports(path, module_level_only=True) & set(HEAVY_AT_MODULE_LEVEL)
    assert not heavy, f"{rel} imports {heavy} at module level (import lazily)"


def test_core_does_not_import_the_rest_of_the_app():
    for path in (PACKAGE / "core").rglob("*.py"):
        text = path.read_text()
        for other in ("storage", "media", "ui", "io", "services", "landmarks", "analysis"):
            assert f"emosign_desktop.{other}" not in text, path


def test_rule_catches_a_violation(tmp_path):
    bad = tmp_path / "x.py"
    bad.write_text("def f():\n    from PySide6 import QtCore\n")
    assert "PySide6" in _imports(bad)
    assert "PySide6" not in _imports(bad, module_level_only=True)


# -- no import cycles ---------------------------------------------------------------------------
def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in list(edges):
        if v not in index:
            visit(v)
    return found


def _import_graph() -> dict[str, set[str]]:
    import grimp

    graph = grimp.build_graph("emosign_desktop")  # lazy and TYPE_CHECKING imports included
    return {m: {i for i in graph.find_modules_directly_imported_by(m)
                if i.startswith("emosign_desktop")} for m in graph.modules}


def test_the_package_has_no_import_cycles():
    assert _cycles(_import_graph()) == []


def test_cycle_finder_finds_one():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


# -- the import contracts can fail -----------------------------------------------------------------
ROOT = PACKAGE.parent
VIOLATIONS = [  # (contract name, start; file to change; the import that breaks it)
    ("Layers", "cli/projects.py", "from emosign_desktop.ui import appearance"),
    ("Layers", "media/reader.py", "from emosign_desktop.storage import base"),
    ("Layers", "io/packs.py", "from emosign_desktop.ui import messages"),
    ("Layers", "storage/base.py", "from emosign_desktop.services import queries"),
    ("The UI reaches storage only through services", "ui/label_panel.py",
     "from emosign_desktop.storage import project"),
    ("The UI reaches storage only through services", "cli/exchange.py",
     "from emosign_desktop.storage import repository"),
    ("The UI reaches storage only through services", "selftest.py",
     "from emosign_desktop.storage import project"),
    ("io/ only parses and formats", "io/packs.py", "from emosign_desktop.storage import base"),
    ("Only ui/ (and the app entry point) imports Qt", "services/queries.py",
     "import PySide6.QtCore"),
    ("Only storage/ imports SQLAlchemy and Alembic", "services/queries.py", "import sqlalchemy"),
    ("Only media/ imports PyAV and libVLC", "services/videos.py", "import av"),
    ("Only landmarks/ imports MediaPipe", "ui/landmarks_panel.py", "import mediapipe"),
    ("The core is pure", "core/model.py", "import numpy"),
]


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(tree), COLUMNS="400")  # one line per contract
    lint = "from importlinter.cli import lint_imports_command; lint_imports_command()"
    return subprocess.run([sys.executable, "-c", lint, "--no-cache", "--config",
                           str(tree / "pyproject.toml")],
                          cwd=tree, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def contracts() -> list[str]:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return [c["name"] for c in config["tool"]["importlinter"]["contracts"]]


def test_every_contract_has_a_violation_to_try(contracts):
    tried = {v[0] for v in VIOLATIONS}
    assert all(any(name.startswith(t) for t in tried) for name in contracts)
    assert len(tried) == len(contracts)


@pytest.mark.parametrize(("contract", "relative", "line"), VIOLATIONS,
                         ids=[f"{c}: {f}" for c, f, _ in VIOLATIONS])
def test_each_contract_fails_on_a_violating_import(contract, relative, line, tmp_path):
    tree = tmp_path / "copy"
    shutil.copytree(PACKAGE, tree / "emosign_desktop",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    target = tree / "emosign_desktop" / relative
    target.write_text(target.read_text() + f"\n\ndef _violation() -> None:\n    {line}\n")
    result = _lint(tree)
    assert result.returncode != 0, result.stdout[-2000:]
    broken = [ln for ln in result.stdout.splitlines() if " BROKEN" in ln]
    assert any(ln.startswith(contract) for ln in broken), result.stdout[-3000:]


def test_the_unchanged_copy_keeps_every_contract(tmp_path):
    tree = tmp_path / "copy"
    shutil.copytree(PACKAGE, tree / "emosign_desktop",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    result = _lint(tree)
    assert result.returncode == 0, result.stdout[-3000:]
    assert str(tree) in _where_linted(tree)


def _where_linted(tree: Path) -> str:
    """Where the copy's package is imported from (proves the copy, not the checkout, is
    the one linted)."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    return subprocess.run([sys.executable, "-c", "import emosign_desktop; "
                           "print(emosign_desktop.__file__)"], cwd=tree, env=env,
                          capture_output=True, text=True, check=True).stdout


# -- the repository stays behind the services ------------------------------------------------------
#: Attributes that hand their holder the repository or the storage project (a session's, a
#: write path's, the queries' session).  Only services and storage may touch them.
BEHIND_SERVICES = frozenset({"repo", "_repo", "_project", "_session"})
OUTSIDE_SERVICES = ("ui", "cli", "selftest.py", "app.py")


def repository_reaches(source: str) -> list[str]:
    """Where ``source`` reaches the repository past the services' facade: an attribute in
    :data:`BEHIND_SERVICES`, or ``.project`` of a session (``session.project``,
    ``ws.session.project``); one "line: text" each."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Attribute):
            continue
        holder = node.value
        of_session = (isinstance(holder, ast.Name) and holder.id == "session") or (
            isinstance(holder, ast.Attribute) and holder.attr == "session")
        if node.attr in BEHIND_SERVICES or (node.attr == "project" and of_session):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def _outside_services() -> list[Path]:
    return sorted(p for p in _files()
                  if p.relative_to(PACKAGE).parts[0] in OUTSIDE_SERVICES)


@pytest.mark.parametrize("path", _outside_services(),
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_ui_cli_and_selftest_reach_no_repository(path: Path):
    reaches = repository_reaches(path.read_text(encoding="utf-8"))
    assert not reaches, f"{path.relative_to(PACKAGE)} reaches past the services: {reaches}"


@pytest.mark.parametrize("source", [
    "videos = session.repo.videos()",
    "rows = ws.queries.session.repo.conflicts()",
    "n = self.workspace.session._repo.video_count()",
    "found = writer.repo.annotations()",
    "session = queries._session",
    "where = ws.session.project.path",
    "where = session._project.path",
])
def test_the_facade_check_catches_a_reach(source: str):
    assert repository_reaches(source), source


def test_the_facade_check_leaves_the_facade_alone():
    assert not repository_reaches("rows = session.queries.conflicts()\n"
                                  "add_videos(ws.session, files)\n"
                                  "where = session.path; project = ws.project_name")


def test_the_services_hide_the_repository():
    """The handles the ui, the command line and the self-test hold (a session, its write
    path, its queries, the editing service) have no public way to the repository."""
    from emosign_desktop.services.editing import EditingService
    from emosign_desktop.services.queries import Queries
    from emosign_desktop.services.session import Session
    from emosign_desktop.services.write_path import WritePath

    for handle in (Session, WritePath, Queries, EditingService):
        public = {n for n in dir(handle) if not n.startswith("_")}
        assert not public & {"repo", "project", "session"}, (handle, public)
