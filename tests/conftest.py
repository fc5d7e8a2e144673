"""Shared fixtures: a migrated empty project built once and copied per test, generated media.

The ``project`` fixture runs every storage and services test twice: on an SQLite file and on
a PostgreSQL server (a throwaway cluster started once per run on loopback, see
``tests/storage/pg_server.py``).  The PostgreSQL variants skip, saying why, only where no
server can be started.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from emosign_desktop.services.session import Session
from emosign_desktop.storage import PROJECT_FILE, create_project, open_project
from tests.generate import make_video

FIXTURES = Path(__file__).parent / "fixtures"
ENGINES = ("sqlite", "postgresql")
#: Tests under these folders get the ``project`` fixture on both engines.
_BOTH_ENGINES = ("storage", "services")


#: Fixtures that start a PostgreSQL server: tests using them are of the slow kind.
_SERVER_FIXTURES = {"pg_server", "server", "server_projects", "server_project_dir"}
#: Skip reasons of services a CI run must have (``EMOSIGN_REQUIRE_SERVICES=1``).
_SERVICE_SKIPS = ("no PostgreSQL server", "cannot start a Dask scheduler")


def _is_slow_kind(item: pytest.Item) -> bool:
    """The kinds ``make test`` leaves to ``make test-slow``: own servers (PostgreSQL
    variants), Dask clusters, the built bundle, and tests marked slow by hand."""
    callspec = getattr(item, "callspec", None)
    params = callspec.params.values() if callspec else ()
    if "postgresql" in params or _SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    return item.get_closest_marker("slow") is not None


def pytest_configure(config: pytest.Config) -> None:
    """One hash seed for the run's xdist workers (random for each run unless set): test ids
    made from sets (``frozenset`` reprs) then read the same in every worker, which xdist
    requires (each worker collects the tests itself)."""
    if not hasattr(config, "workerinput") and "PYTHONHASHSEED" not in os.environ:
        import random

        os.environ["PYTHONHASHSEED"] = str(random.randrange(1, 2**32))


def pytest_report_header() -> str:
    return f"PYTHONHASHSEED={os.environ.get('PYTHONHASHSEED', 'random')} (workers share it)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _is_slow_kind(item) and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """With ``EMOSIGN_REQUIRE_SERVICES=1`` (``.ci/run``), a PostgreSQL or Dask test that
    would skip because its service did not start fails instead: CI must really run them."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("EMOSIGN_REQUIRE_SERVICES") == "1":
        reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
        if any(words in reason for words in _SERVICE_SKIPS):
            report.outcome = "failed"
            report.longrepr = f"required service missing (EMOSIGN_REQUIRE_SERVICES=1): {reason}"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "project" not in metafunc.fixturenames:
        return
    here = Path(str(metafunc.definition.path)).relative_to(Path(__file__).parent).parts
    if here and here[0] in _BOTH_ENGINES:
        metafunc.parametrize("project", ENGINES, indirect=True)


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory):
    """A running throwaway PostgreSQL cluster, or a reason why there is none.  While it runs,
    PGUSER and PGPASSWORD name its superuser (as a lab's users set them)."""
    from tests.storage.pg_server import PASSWORD, NoServer, PgServer

    try:
        server = PgServer().start()
    except (NoServer, OSError, subprocess.SubprocessError) as exc:
        yield str(exc)
        return
    saved = {k: os.environ.get(k) for k in ("PGUSER", "PGPASSWORD", "PGHOST", "PGPORT")}
    os.environ.update(PGUSER=server.user, PGPASSWORD=PASSWORD)
    for k in ("PGHOST", "PGPORT"):
        os.environ.pop(k, None)
    try:
        yield server
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        server.destroy()


@pytest.fixture
def server(pg_server):
    """The running PostgreSQL server (the test skips, saying why, when none can start)."""
    if isinstance(pg_server, str):
        pytest.skip(f"no PostgreSQL server: {pg_server}")
    return pg_server


@pytest.fixture(scope="session")
def server_projects(pg_server, tmp_path_factory: pytest.TempPathFactory):
    """Empty server projects, one database reset for each test (None: no server)."""
    if isinstance(pg_server, str):
        return pg_server
    from tests.storage.pg_server import ServerProjects

    return ServerProjects(pg_server, tmp_path_factory.mktemp("pg-template"))


@pytest.fixture(scope="session")
def frame_index_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One frame-index cache for the whole run (for each xdist worker): an index is keyed
    by its clip's content fingerprint, so a test opening a clip another test indexed (the
    demo's minute-long video, say) reads it instead of decoding the clip again.  Tests of
    the cache itself point ``EMOSIGN_CACHE_DIR`` at a folder of their own."""
    return tmp_path_factory.mktemp("frame-index")


@pytest.fixture(autouse=True)
def _user_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
                  frame_index_cache: Path):
    """Keep the user's data and log folders out of the tests.  Each test has a cache folder
    of its own (landmarks written there by one test never show in another), whose
    ``frame-index`` is the run's shared one."""
    base = tmp_path_factory.mktemp("user")
    (base / "cache").mkdir()
    (base / "cache" / "frame-index").symlink_to(frame_index_cache, target_is_directory=True)
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
def server_project_dir(tmp_path: Path, server_projects) -> Path:
    """A folder whose project lives on the PostgreSQL server (an empty project)."""
    if isinstance(server_projects, str):
        pytest.skip(f"no PostgreSQL server: {server_projects}")
    return server_projects.project(tmp_path / "project")


@pytest.fixture
def engine_project_dir(request: pytest.FixtureRequest) -> Path:
    """An empty project folder on the engine of the test's ``project`` parameter."""
    engine = getattr(request, "param", None) or _engine_of(request)
    name = "server_project_dir" if engine == "postgresql" else "project_dir"
    return Path(request.getfixturevalue(name))


def _engine_of(request: pytest.FixtureRequest) -> str:
    callspec = getattr(request.node, "callspec", None)
    return str(callspec.params.get("project", "sqlite")) if callspec else "sqlite"


@pytest.fixture
def project(request: pytest.FixtureRequest):
    """An open empty project with its write path and undo history (closed after the test):
    on SQLite, or (parametrised, for storage and services tests) on PostgreSQL too."""
    engine = getattr(request, "param", "sqlite")
    name = "server_project_dir" if engine == "postgresql" else "project_dir"
    folder = Path(request.getfixturevalue(name))
    p = Session(open_project(folder), undo=True)
    yield p
    p.close()


def add_video_record(session: Session, name: str, fingerprint: str | None = None):
    """A video known by name (and content fingerprint) with no media file, as merges make."""
    from emosign_desktop.core.changeset import ChangeSet, VideoEdit
    from emosign_desktop.core.model import Video, VideoId

    video = Video(VideoId(session._repo.next_id("video")), name, None, fingerprint)
    session.writer.run(f"add video {name}",
                       lambda _repo: ChangeSet(videos=(VideoEdit(None, video),)))
    return video


def add_videos_by_name(session: Session, *names: str) -> list:
    """Videos known by name only, added through the write path."""
    from emosign_desktop.services.videos import add_named_videos

    return add_named_videos(session, names)


@pytest.fixture(scope="session")
def sample_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 12-frame 64x48 H.264 clip at 12 fps."""
    return make_video(tmp_path_factory.mktemp("media") / "sample_clip.mp4")


_DEMO_TEMPLATE: list[Path] = []


def demo_copy(where: Path) -> Path:
    """A copy of the demo project in ``where / "demo"``: built once per run (as
    ``ensure_demo_project`` builds it) and copied for each test that asks."""
    if not _DEMO_TEMPLATE:
        import atexit
        import tempfile

        from emosign_desktop.services.demo import ensure_demo_project

        base = Path(tempfile.mkdtemp(prefix="emosign-demo-template-"))
        atexit.register(shutil.rmtree, base, True)
        _DEMO_TEMPLATE.append(ensure_demo_project(base / "demo"))
    folder = Path(where) / "demo"
    shutil.copytree(_DEMO_TEMPLATE[0], folder)
    return folder


def dump_project(path: Path) -> list[tuple]:
    """Every row of every table of a project (its SQLite file, or the server database its
    settings file names), to compare before and after."""
    import sqlite3

    from emosign_desktop.storage.project import read_server_settings

    server = read_server_settings(Path(path))
    if server is not None:
        from tests.storage.pg_server import dump_server_database

        return dump_server_database(server.host, server.port, server.database)

    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' "
            "AND name NOT LIKE 'video_name_search%' ORDER BY name")]  # (derived: an index)
        return [(t, *row) for t in tables
                for row in con.execute(f"SELECT * FROM {t} ORDER BY 1")]
    finally:
        con.close()
