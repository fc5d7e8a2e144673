from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from emosign_desktop.core.errors import ProjectError, ProjectTooNewError
from emosign_desktop.core.tiers import EMOTION_CUE, FACIAL_GRAMMAR
from emosign_desktop.services.session import open_session
from emosign_desktop.storage import PROJECT_FILE, create_project, is_project, open_project
from emosign_desktop.storage.project import CURRENT_FORMAT
from tests.conftest import FIXTURES, dump_project


def test_create_then_open(tmp_path):
    folder = tmp_path / "p"
    with create_project(folder) as p:
        assert p.path == folder / PROJECT_FILE
        assert p.repo.meta()["format_version"] == str(CURRENT_FORMAT)
        assert [t.name for t in p.repo.tiers()] == [FACIAL_GRAMMAR, EMOTION_CUE]
    assert is_project(folder)
    assert not list(folder.glob("*.creating*"))
    with open_project(folder) as p:
        assert p.schema.name == "EmoSign"


def test_create_refuses_existing_project(project_dir):
    with pytest.raises(ProjectError, match="already exists"):
        create_project(project_dir)


def test_connection_is_crash_safe(project):
    if project._project.server is not None:  # PostgreSQL: durable commits, checked connections
        with project._project.engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW transaction_isolation").scalar() == "read committed"
        assert project._project.engine.pool._pre_ping
        return
    with project._project.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_not_a_project(tmp_path):
    with pytest.raises(ProjectError, match=r"no project\.emosign"):
        open_project(tmp_path)
    (tmp_path / PROJECT_FILE).write_text("hello")
    with pytest.raises(ProjectError, match="not an SQLite database, nor the settings"):
        open_project(tmp_path)


def test_foreign_sqlite_file_refused(tmp_path):
    con = sqlite3.connect(tmp_path / PROJECT_FILE)
    con.execute("CREATE TABLE x(a)")
    con.commit()
    con.close()
    with pytest.raises(ProjectError, match="no project tables"):
        open_project(tmp_path)


def test_damaged_file_refused(project_dir):
    path = project_dir / PROJECT_FILE
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    path.write_bytes(bytes(data))
    with pytest.raises(ProjectError):
        open_project(project_dir)


def test_newer_project_refused_and_unchanged(project_dir):
    path = project_dir / PROJECT_FILE
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = 'f0099'")
    con.execute("UPDATE meta SET value = '99' WHERE key = 'format_version'")
    con.execute("UPDATE meta SET value = '9.0.0' WHERE key = 'app_version'")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(ProjectTooNewError) as err:
        open_project(project_dir)
    message = str(err.value)
    assert str(path) in message and "9.0.0" in message and "format 99" in message
    assert f"reads formats up to {CURRENT_FORMAT}" in message
    assert path.read_bytes() == before
    assert not list(project_dir.glob("*backup*"))


def _format1_project(tmp_path: Path) -> Path:
    folder = tmp_path / "old"
    folder.mkdir()
    shutil.copy(FIXTURES / "project_format1.emosign", folder / PROJECT_FILE)
    return folder


def test_format1_file_is_backed_up_and_upgraded(tmp_path):
    folder = _format1_project(tmp_path)
    original = dump_project(folder / PROJECT_FILE)
    with open_session(folder) as p:
        assert p._repo.meta()["format_version"] == str(CURRENT_FORMAT)
        alice = p._repo.annotator_by_name("alice")
        ann = p._repo.annotation(p._repo.video_by_name("clip_a").id, alice.id)
        assert ann.sentiment == -2 and ann.emotions == {"anger": 3, "joy": 0}
        assert ann.cues == 'furrowed brows, "sharp" signs'
        p.editing.set_label(ann.video_id, "alice", "joy", 1)  # the new edit log works
        assert p._repo.edit_count() == 1
    backups = list(folder.glob("project.emosign.format1-backup-*"))
    assert len(backups) == 1
    assert dump_project(backups[0]) == original
    with open_project(folder):
        pass
    assert len(list(folder.glob("*format*-backup*"))) == 1  # no second upgrade


def test_failed_upgrade_leaves_file_unchanged(tmp_path, monkeypatch):
    folder = _format1_project(tmp_path)
    before = dump_project(folder / PROJECT_FILE)
    from sqlalchemy.exc import OperationalError

    import emosign_desktop.storage.project as project_module

    def broken(conn, target="head"):
        conn.exec_driver_sql("CREATE TABLE edit_log(id INTEGER)")  # part of the work...
        raise OperationalError("upgrade", {}, Exception("disk I/O error"))  # ...then a failure

    monkeypatch.setattr(project_module, "_run_migrations", broken)
    with pytest.raises(ProjectError, match="upgrading from format 1 failed"):
        open_project(folder)
    assert dump_project(folder / PROJECT_FILE) == before


def test_migration_revisions_match_the_scripts():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from emosign_desktop.storage import project as project_module

    cfg = Config()
    cfg.set_main_option("script_location",
                        str(Path(project_module.__file__).parent / "migrations"))
    script = ScriptDirectory.from_config(cfg)
    assert script.get_current_head() == project_module.HEAD_REVISION
    revisions = [r.revision for r in script.walk_revisions()]
    assert sorted(revisions) == sorted(project_module.FORMAT_REVISIONS)


def test_a_project_file_kept_busy_refuses_the_edit_plainly(project_dir, monkeypatch):
    import sqlite3

    from emosign_desktop.core.errors import ProjectError
    from emosign_desktop.services.session import Session
    from emosign_desktop.storage import engine as engine_module
    from tests.conftest import add_videos_by_name

    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 300)
    with Session(open_project(project_dir)) as s:
        [v1] = add_videos_by_name(s, "v1")
        other = sqlite3.connect(project_dir / "project.emosign", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        try:
            with pytest.raises(ProjectError, match=r"stayed busy .*nothing was changed"):
                s.editing.set_label(v1.id, "kim", "joy", 2)
        finally:
            other.execute("ROLLBACK")
            other.close()
        s.editing.set_label(v1.id, "kim", "joy", 2)  # free again: it works
        assert s._repo.annotator_by_name("kim") is not None


_OTHER_PROCESS_WRITES = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("UPDATE meta SET value = value WHERE key = 'format_version'")
con.commit()
con.close()
"""


def test_looking_at_an_open_project_keeps_its_locks(project_dir):
    """Closing any descriptor of a file drops every lock this process holds on it, SQLite's
    too: another process closing last would then delete the write-ahead log under our open
    connection (a malformed database, seen once under four editing processes).  Opening the
    project a second time, asking whether it can be written, reading its settings and
    verifying an edit stored open no descriptor of the file or its journal files."""
    import subprocess
    import sys

    from emosign_desktop.storage.failures import unwritable_reason
    from emosign_desktop.storage.project import read_server_settings

    path = project_dir / PROJECT_FILE
    wal = Path(str(path) + "-wal")

    def other_process_writes_and_closes() -> None:
        subprocess.run([sys.executable, "-c", _OTHER_PROCESS_WRITES, str(path)], check=True,
                       timeout=60)

    with open_project(project_dir) as p:
        with p.engine.connect() as conn:  # a connection stays open in the pool
            conn.exec_driver_sql("SELECT count(*) FROM meta").all()
        other_process_writes_and_closes()
        assert wal.exists()  # ours is open: the other process did not close last
        assert unwritable_reason(path) is None
        assert read_server_settings(path) is None
        assert p.verify_stored() is not None
        with open_project(project_dir, backups=False) as second:
            assert second.schema.name == "EmoSign"
        other_process_writes_and_closes()
        assert wal.exists()  # still: our locks were kept
        with p.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA quick_check").scalar() == "ok"
