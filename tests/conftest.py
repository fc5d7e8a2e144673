"""Shared fixtures: a migrated empty project built once and copied per test, generated media."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from emosign_desktop.services.session import Session
from emosign_desktop.storage import PROJECT_FILE, create_project, open_project
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
    """An open empty project with its write path and undo history (closed after the test)."""
    p = Session(open_project(project_dir), undo=True)
    yield p
    p.close()


def add_video_record(session: Session, name: str, fingerprint: str | None = None):
    """A video known by name (and content fingerprint) with no media file, as merges make."""
    from emosign_desktop.core.changeset import ChangeSet, VideoEdit
    from emosign_desktop.core.model import Video, VideoId

    video = Video(VideoId(session.repo.next_id("video")), name, None, fingerprint)
    session.writer.run(f"add video {name}",
                       lambda _repo: ChangeSet(videos=(VideoEdit(None, video),)))
    return video


def add_videos_by_name(session: Session, *names: str) -> list:
    """Videos known by name only, added through the write path."""
    from emosign_desktop.services.videos import add_named_videos

    return add_named_videos(session.writer, names)


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
