"""Where the packaging scripts and the built bundle are, for the tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
BUNDLE = ROOT / "dist" / "emosign-desktop"
EXECUTABLE = BUNDLE / "emosign-desktop"


def load(name: str) -> ModuleType:
    """A module of packaging/ (not a package) by file name."""
    if str(PACKAGING) not in sys.path:
        sys.path.insert(0, str(PACKAGING))
    key = f"_packaging_{name}"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, PACKAGING / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    spec.loader.exec_module(module)
    return module
