"""Format 10: each video keeps its media file's size and modification time (the last check
that found the file to match its fingerprint).  Format-9 projects (on SQLite and on
PostgreSQL) and the format-1 fixture upgrade to it with the stamps empty, and the first
check fills them; the name search of format 9 keeps working (adding the columns does not
rebuild the table)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from emosign_desktop.core.listing import VideoQuery
from emosign_desktop.core.media_check import MediaState
from emosign_desktop.media.fingerprint import file_stamp, fingerprint
from emosign_desktop.services.media_check import check_all
from emosign_desktop.services.session import Session
from emosign_desktop.storage import PROJECT_FILE, create_project, open_project
from emosign_desktop.storage.project import CURRENT_FORMAT, FORMAT_REVISIONS, HEAD_REVISION
from tests.conftest import FIXTURES
from tests.generate import make_video


def test_format_10_is_the_media_stamp():
    assert FORMAT_REVISIONS["f0010"] == 10 and CURRENT_FORMAT >= 10
    assert list(FORMAT_REVISIONS.values()) == list(range(1, CURRENT_FORMAT + 1))
    assert FORMAT_REVISIONS[HEAD_REVISION] == CURRENT_FORMAT


def _video_row(con, clip: Path, rel: str) -> None:
    con.execute("INSERT INTO video(id, name, media_path, fingerprint, fps, frame_count, width, "
                "height, duration, codec, added_at) VALUES (1, 'slp_asl_house', ?, ?, 12.0, "
                "20, 64, 48, 1.67, 'h264', '2025-01-01T00:00:00Z')", (rel, fingerprint(clip)))


def test_a_format_9_file_upgrades_and_its_first_check_fills_the_stamps(tmp_path):
    folder = tmp_path / "nine"
    create_project(folder, _revision="f0009")
    (folder / "media").mkdir()
    clip = make_video(folder / "media" / "slp_asl_house.mp4", frames=20)
    con = sqlite3.connect(folder / PROJECT_FILE)
    try:
        assert "media_size" not in [r[1] for r in con.execute("PRAGMA table_info(video)")]
        _video_row(con, clip, "media/slp_asl_house.mp4")
        con.commit()
    finally:
        con.close()
    with open_project(folder) as p:
        assert p.repo.meta()["format_version"] == str(CURRENT_FORMAT)
        with p.engine.connect() as conn:
            cols = {r[1]: r[2] for r in conn.exec_driver_sql("PRAGMA table_info(video)")}
            triggers = {r[0] for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert cols["media_size"] == "BIGINT" and cols["media_mtime"] == "BIGINT"
        assert {"video_name_search_ai", "video_name_search_ad",
                "video_name_search_au"} <= triggers  # format 9's search survives
        assert [v.name for v in p.repo.list_videos(VideoQuery(text="asl_ho"))] == [
            "slp_asl_house"]
        session = Session(p)
        assert p.repo.media_stamps([1]) == {}  # filled lazily
        scan = check_all(session)
        assert scan.checked == 1 and scan.changed == []
        assert p.repo.media_stamps([1]) == {1: file_stamp(clip)}
    assert len(list(folder.glob("project.emosign.format9-backup-*"))) == 1


def test_a_file_changed_before_the_upgrade_is_found_changed_after_it(tmp_path):
    folder = tmp_path / "nine"
    create_project(folder, _revision="f0009")
    (folder / "media").mkdir()
    clip = make_video(folder / "media" / "slp_asl_house.mp4", frames=20)
    con = sqlite3.connect(folder / PROJECT_FILE)
    try:
        _video_row(con, clip, "media/slp_asl_house.mp4")
        con.commit()
    finally:
        con.close()
    make_video(clip, frames=9, size=(80, 60))  # replaced while the app was older
    with open_project(folder) as p:
        [check] = check_all(Session(p)).changed
        assert check.state is MediaState.CHANGED and p.repo.media_stamps([1]) == {}


def test_the_format_1_fixture_still_upgrades_with_empty_stamps(tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    shutil.copy(FIXTURES / "project_format1.emosign", folder / PROJECT_FILE)
    with open_project(folder) as p:
        assert p.repo.meta()["format_version"] == str(CURRENT_FORMAT)
        videos = p.repo.videos()
        assert videos and p.repo.media_stamps(v.id for v in videos) == {}
        assert [c.state for c in check_all(Session(p)).changed] == []


def test_a_format_9_server_project_upgrades(server, tmp_path):
    """On PostgreSQL: a database made in format 9 upgrades (64-bit columns, empty)."""
    import psycopg

    from emosign_desktop.core.schema import EMOSIGN_SCHEMA
    from emosign_desktop.storage.engine import make_pg_engine
    from emosign_desktop.storage.project import (
        _fill_new,
        parse_server_url,
        write_server_settings,
    )
    from tests.storage.pg_server import PASSWORD

    name = "emosign_format9"
    server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
    settings = parse_server_url(server.url(name))
    folder = tmp_path / "server"
    folder.mkdir()
    try:
        engine = make_pg_engine(settings)
        try:
            with engine.connect() as conn, conn.begin():
                _fill_new(conn, EMOSIGN_SCHEMA, True, "f0009")
                conn.exec_driver_sql("INSERT INTO video(id, name, added_at) "
                                     "VALUES (1, 'v', 'now')")
        finally:
            engine.dispose()
        write_server_settings(folder / PROJECT_FILE, settings)
        with open_project(folder) as p:
            assert p.repo.meta()["format_version"] == str(CURRENT_FORMAT)
            with psycopg.connect(host=server.host, port=server.port, dbname=name,
                                 user=server.user, password=PASSWORD) as conn:
                types = dict(conn.execute(
                    "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_name = 'video' AND column_name LIKE 'media_%%'").fetchall())
            assert types == {"media_path": "text", "media_size": "bigint",
                             "media_mtime": "bigint"}
            assert p.repo.media_stamps([1]) == {}
    finally:
        server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
