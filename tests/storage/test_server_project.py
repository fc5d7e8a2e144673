"""Projects whose database lives on a PostgreSQL server: the address, the folder's settings
file (no credentials in it), where passwords come from, every command working on it, and a
server that goes away in the middle of an edit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from emosign_desktop.core.changes import EVERYTHING
from emosign_desktop.core.errors import EmoSignError, ProjectError
from emosign_desktop.services.remote import (
    create_server_project,
    forget_server_password,
    remember_password,
    server_of,
)
from emosign_desktop.services.session import open_session
from emosign_desktop.services.videos import add_named_videos
from emosign_desktop.storage import PROJECT_FILE, open_project
from emosign_desktop.storage.engine import KEYRING_SERVICE, ServerSettings, ServerUnavailableError
from emosign_desktop.storage.project import parse_server_url
from tests.storage.pg_server import PASSWORD, PgServer


def emosign(*args: object) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parents[2]))
    return subprocess.run([sys.executable, "-m", "emosign_desktop", *map(str, args)],
                          capture_output=True, text=True, timeout=180, env=env)


def _fresh_db(server: PgServer, name: str) -> str:
    server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    return server.url(name)


# -- the address -------------------------------------------------------------------------------
def test_server_addresses():
    assert parse_server_url("postgresql://db.lab.org/emo") == ServerSettings(
        "db.lab.org", 5432, "emo")
    assert parse_server_url("postgres://10.0.0.5:6543/emo") == ServerSettings(
        "10.0.0.5", 6543, "emo")
    assert parse_server_url("postgresql://[::1]:5433/emo").host == "::1"
    for bad, why in [("postgresql://kim:secret@db/emo", "does not go into the address"),
                     ("postgresql://kim@db/emo", "does not go into the address"),
                     ("mysql://db/emo", "not a PostgreSQL address"),
                     ("postgresql://db/", "postgresql://HOST"),
                     ("postgresql://db:99999/emo", "not a database address")]:
        with pytest.raises(ProjectError, match=why):
            parse_server_url(bad)
    try:
        parse_server_url("postgresql://kim:secret@db/emo")
    except ProjectError as exc:
        assert "secret" not in str(exc)


# -- making, joining and opening -------------------------------------------------------------------
def test_init_db_makes_a_folder_naming_only_the_server(server, tmp_path, sample_video):
    url = _fresh_db(server, "lab_init")  # does not exist: created (the user may)
    folder = tmp_path / "lab"
    r = emosign("init", folder, "--db", url)
    assert r.returncode == 0, r.stderr
    assert f"database 'lab_init' on 127.0.0.1:{server.port}" in r.stdout
    settings = (folder / PROJECT_FILE).read_text()
    assert set(json.loads(settings)) == {"kind", "host", "port", "database"}
    assert PASSWORD not in settings and server.user not in settings
    assert not [p for p in folder.iterdir() if p.name != PROJECT_FILE]
    assert server_of(folder) == ServerSettings("127.0.0.1", server.port, "lab_init")

    # every command opens it as it opens a project file
    assert emosign("add", folder, sample_video, "--copy").returncode == 0
    r = emosign("info", folder, "--json")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert [v["name"] for v in info["videos"]] == ["sample_clip"]
    assert info["videos"][0]["media_found"]
    assert emosign("info", folder / PROJECT_FILE).returncode == 0  # or its project file

    # media are found relative to the folder: a moved folder still finds them
    moved = tmp_path / "elsewhere" / "lab"
    shutil.move(str(folder), moved)
    with open_session(moved) as session:
        from emosign_desktop.services.queries import Queries

        video = session._repo.video_by_name("sample_clip")
        assert Queries(session).media_file(video) == moved / "media" / "sample_clip.mp4"


def test_a_second_folder_joins_the_project_on_the_server(server, tmp_path):
    url = _fresh_db(server, "lab_join")
    with create_server_project(tmp_path / "kim", url) as kim:
        add_named_videos(kim, ["v1"])
        kim.editing.set_label(kim._repo.video_by_name("v1").id, "kim", "joy", 2)
    r = emosign("init", tmp_path / "lee", "--db", url)
    assert r.returncode == 0, r.stderr
    with open_session(tmp_path / "lee") as lee:
        assert [v.name for v in lee._repo.videos()] == ["v1"]
        assert lee._repo.annotations()[0].emotions == {"joy": 2}
    with pytest.raises(ProjectError, match="a project already exists"):
        create_server_project(tmp_path / "lee", url)


def test_a_database_with_other_tables_is_refused(server, tmp_path):
    url = _fresh_db(server, "not_ours")
    server.admin("CREATE DATABASE not_ours")
    import psycopg

    with psycopg.connect(host=server.host, port=server.port, dbname="not_ours",
                         autocommit=True) as conn:
        conn.execute("CREATE TABLE payroll (id int)")
    with pytest.raises(ProjectError, match="holds other tables"):
        create_server_project(tmp_path / "p", url)
    assert not (tmp_path / "p" / PROJECT_FILE).exists()


def test_a_settings_file_naming_no_project(server, tmp_path):
    server.admin("DROP DATABASE IF EXISTS empty_db WITH (FORCE)", "CREATE DATABASE empty_db")
    from emosign_desktop.storage.project import write_server_settings

    tmp_path.joinpath("p").mkdir()
    write_server_settings(tmp_path / "p" / PROJECT_FILE,
                          ServerSettings(server.host, server.port, "empty_db"))
    with pytest.raises(ProjectError, match="not an EmoSign project database"):
        open_project(tmp_path / "p")


# -- where the password comes from ---------------------------------------------------------
class _MemoryKeyring:
    """A keyring backend in memory (the real ones need a desktop session)."""

    priority = 1

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, user: str) -> str | None:
        return self.items.get((service, user))

    def set_password(self, service: str, user: str, password: str) -> None:
        self.items[(service, user)] = password

    def delete_password(self, service: str, user: str) -> None:
        self.items.pop((service, user), None)


@pytest.fixture
def lab_folder(server, tmp_path):
    url = _fresh_db(server, "lab_auth")
    create_server_project(tmp_path / "lab", url).close()
    return tmp_path / "lab", url


def test_password_from_pgpass(lab_folder, monkeypatch, tmp_path, server):
    folder, _ = lab_folder
    monkeypatch.delenv("PGPASSWORD")
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.pgpass, no keyring entry
    monkeypatch.delenv("PGPASSFILE", raising=False)
    import keyring

    monkeypatch.setattr(keyring, "get_password", lambda *_: None)
    with pytest.raises(ServerUnavailableError, match=f"database 'lab_auth' on 127.0.0.1:"
                                                     f"{server.port}"):
        open_project(folder)
    pgpass = tmp_path / ".pgpass"
    pgpass.write_text(f"127.0.0.1:{server.port}:lab_auth:{server.user}:{PASSWORD}\n")
    pgpass.chmod(0o600)
    with open_project(folder) as p:
        assert p.repo.videos() == []


def test_password_from_the_keyring(lab_folder, monkeypatch, tmp_path, server):
    folder, url = lab_folder
    monkeypatch.delenv("PGPASSWORD")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("PGPASSFILE", raising=False)
    import keyring

    backend = _MemoryKeyring()
    monkeypatch.setattr(keyring, "get_password", backend.get_password)
    monkeypatch.setattr(keyring, "set_password", backend.set_password)
    monkeypatch.setattr(keyring, "delete_password", backend.delete_password)
    name = remember_password(url, PASSWORD)
    assert name == f"{server.user}@127.0.0.1:{server.port}/lab_auth"
    assert backend.items == {(KEYRING_SERVICE, name): PASSWORD}
    with open_project(folder) as p:
        assert len(p.repo.tiers()) == 2
    assert PASSWORD not in (folder / PROJECT_FILE).read_text()
    forget_server_password(url)
    assert backend.items == {}


# -- a server that goes away -------------------------------------------------------------------
@pytest.mark.slow
def test_server_going_away_mid_edit_refuses_it_whole_and_work_resumes(tmp_path, pg_server):
    if isinstance(pg_server, str):
        pytest.skip(f"no PostgreSQL server: {pg_server}")
    with PgServer() as own:  # a server of its own: stopping it disturbs no other test
        session = create_server_project(tmp_path / "lab", own.url("lab"), undo=True)
        try:
            add_named_videos(session, ["v1", "v2"])
            v1 = session._repo.video_by_name("v1").id
            session.editing.set_label(v1, "kim", "joy", 1)
            session._repo.watch_external_changes()  # as the app's window does
            with pytest.raises(EmoSignError) as refused, session.writer.operation("two"):
                session.editing.set_label(v1, "kim", "sentiment", 2)
                own.stop("immediate")  # the server goes away in the middle
                session.editing.set_label(v1, "kim", "anger", 3)
            message = str(refused.value)
            assert f"database 'lab' on 127.0.0.1:{own.port}" in message
            assert "Nothing was changed" in message
            with pytest.raises(ServerUnavailableError, match="cannot be reached"):
                session.editing.set_label(v1, "kim", "joy", 3)  # refused while it is away
            assert session.writer.undo_stack.undo_label == "joy = 1"
            assert session._repo.external_changes() is None  # quiet while it is away
            own.resume()
            session.editing.set_label(v1, "kim", "joy", 2)  # reconnects by itself
            heard = [session._repo.external_changes() for _ in range(3)]
            assert EVERYTHING in heard  # what others did meanwhile is unknown: reload
            ann = session._repo.annotation(v1, session._repo.annotator_by_name("kim").id)
            assert ann.emotions == {"joy": 2} and ann.sentiment is None  # nothing half-written
        finally:
            session.close()


def test_the_commands_work_on_a_server_project(server, tmp_path, capsys):
    """The command line opens a server project as it opens a project file: import, export,
    pack, merge, conflicts, agreement, aggregate, each leaving the same result as on SQLite."""
    from emosign_desktop.cli import main
    from emosign_desktop.core.schema import EMOSIGN_SCHEMA
    from tests.generate import released_rows, write_released

    rows = released_rows(12)
    released = write_released(tmp_path / "emosign.csv", rows)
    header = ["video_name", "Sentiment", *EMOSIGN_SCHEMA.emotion_keys]
    for n, who in enumerate(("kim", "lee")):
        write_released(tmp_path / f"{who}.csv",
                       [[r[0], str((int(r[1]) + n) % 4), *r[2:12]] for r in rows], header)
    outputs = {}
    for kind, folder, extra in [("sqlite", tmp_path / "file", []),
                                ("server", tmp_path / "lab",
                                 ["--db", _fresh_db(server, "lab_cli")])]:
        assert main(["init", str(folder), *extra]) == 0
        assert main(["import-csv", str(folder), str(released)]) == 0
        for who in ("kim", "lee"):
            assert main(["import-csv", str(folder), str(tmp_path / f"{who}.csv"),
                         "--annotator", who]) == 0
        assert main(["export-csv", str(folder), str(tmp_path / f"{kind}.csv")]) == 0
        assert main(["pack", str(folder), "--annotator", "emosign-consensus",
                     "-o", str(tmp_path / f"{kind}.json")]) == 0
        assert main(["export-csv", str(folder), str(tmp_path / f"{kind}-agg.csv"),
                     "--aggregate", "majority"]) == 0
        capsys.readouterr()
        assert main(["agreement", str(folder), "--json"]) == 0
        outputs[kind] = capsys.readouterr().out
        assert main(["conflicts", str(folder)]) == 0
    assert (tmp_path / "server.csv").read_bytes() == released.read_bytes()
    aggregated = (tmp_path / "server-agg.csv").read_bytes()
    assert aggregated == (tmp_path / "sqlite-agg.csv").read_bytes()
    assert outputs["server"] == outputs["sqlite"]
    lab2 = tmp_path / "lab2"
    assert main(["init", str(lab2), "--db", _fresh_db(server, "lab_merge")]) == 0
    assert main(["merge", str(lab2), str(tmp_path / "server.json")]) == 0
    assert main(["export-csv", str(lab2), str(tmp_path / "merged.csv"),
                 "--annotator", "emosign-consensus"]) == 0
    assert main(["info", str(lab2)]) == 0
    assert "12" in capsys.readouterr().out


def test_no_postgresql_client_library_is_said_plainly(tmp_path, monkeypatch):
    import builtins

    from emosign_desktop.core.errors import ProjectError
    from emosign_desktop.storage.project import create_project, parse_server_url

    real = builtins.__import__

    def without_psycopg(name, *args, **kwargs):
        if name == "psycopg" or name.startswith("psycopg."):
            raise ImportError("no pq wrapper available")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_psycopg)
    with pytest.raises(ProjectError, match=r"no PostgreSQL client library .*apt install libpq5"):
        create_project(tmp_path / "lab", server=parse_server_url("postgresql://127.0.0.1:1/lab"))
    assert not (tmp_path / "lab" / "project.emosign").exists()
