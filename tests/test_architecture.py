"""The layering rules, checked on every import statement (module level or lazy)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "emosign_desktop"
QT = ("PySide6", "shiboken6", "pyqtgraph")
SQL = ("sqlalchemy", "alembic")
HEAVY_AT_MODULE_LEVEL = ("pandas", "mediapipe", "cv2", "sklearn", "krippendorff", "pympi", "av")


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
        for other in ("storage", "media", "ui", "io", "services"):
            assert f"emosign_desktop.{other}" not in text, path


def test_rule_catches_a_violation(tmp_path):
    bad = tmp_path / "x.py"
    bad.write_text("def f():\n    from PySide6 import QtCore\n")
    assert "PySide6" in _imports(bad)
    assert "PySide6" not in _imports(bad, module_level_only=True)
