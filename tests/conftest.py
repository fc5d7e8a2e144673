"""Shared fixtures: a migrated empty project built once and copied per test, generated media."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from emosign_desktop.storage import PROJECT_FILE, Project, create_project, open_project
from tests.generate import make_video

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _user_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Keep the user's data and log folders out of the tests."""
    base = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("EMOSIGN_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("EMOSIGN_LOG_DIR", str(base / "log"))
    monkeypatch.setenv("EMOSIGN_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("EMOSIGN_CONFIG_DIR", str(base / "config"))


@pytest.fixture(scope="session")
def empty_project_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A freshly migrated project file, built once per run."""
    folder = tmp_path_factory.mktemp("template") / "project"
    create_project(folder).close()
    return folder / PROJECT_FILE


@pytest.fixture
def project_dir(tmp_path: Path, empty_project_file: Path) -> Path:
    """A folder holding a copy of the empty project."""
    folder = tmp_path / "project"
    folder.mkdir()
    shutil.copy(empty_project_file, folder / PROJECT_FILE)
    return folder


@pytest.fixture
def project(project_dir: Path):
    """An open empty project (closed after the test)."""
    p: Project = open_project(project_dir)
    yield p
    p.close()


@pytest.fixture(scope="session")
def sample_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 12-frame 64x48 H.264 clip at 12 fps."""
    return make_video(tmp_path_factory.mktemp("media") / "sample_clip.mp4")


def dump_project(path: Path) -> list[tuple]:
    """Every row of every table of a project file, to compare before and after."""
    import sqlite3

    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return [(t, *row) for t in tables
                for row in con.execute(f"SELECT * FROM {t} ORDER BY 1")]
    finally:
        con.close()
