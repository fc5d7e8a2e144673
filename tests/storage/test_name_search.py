"""Format 9's name search: the trigram index is made, used, and kept in step with the videos
(added, removed by undo, renamed), on SQLite and on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import text

from emosign_desktop.core.listing import VideoQuery
from tests.conftest import add_videos_by_name


def names(project, found: str) -> list[str]:
    return [v.name for v in project._repo.list_videos(VideoQuery(text=found))]


def test_the_index_is_there_and_follows_the_videos(project):
    repo = project._repo
    with repo.engine.connect() as conn:
        if repo.is_pg:
            index = conn.execute(text("SELECT indexdef FROM pg_indexes WHERE indexname = "
                                      "'video_name_trgm'")).scalar()
            assert index is not None and "gin_trgm_ops" in index
        else:
            assert repo._searchable(conn, "a_c") and not repo._searchable(conn, "ab")
            plan = " ".join(str(r) for r in conn.execute(text(
                "EXPLAIN QUERY PLAN SELECT rowid FROM video_name_search "
                "WHERE name LIKE '%abc%'")))
            assert "VIRTUAL TABLE" in plan
    add_videos_by_name(project, "Alpha-Signer 1", "beta_one", "GAMMA-signer 2", "beta%two")
    assert names(project, "signer") == ["Alpha-Signer 1", "GAMMA-signer 2"]  # any case
    assert names(project, "BETA") == ["beta%two", "beta_one"] or \
        names(project, "BETA") == ["beta_one", "beta%two"]
    assert names(project, "a%t") == ["beta%two"]  # LIKE's own characters: read as text
    assert names(project, "ta_") == ["beta_one"]
    assert names(project, "a_o") == ["beta_one"]  # (the index's "_" would match "a%t" too)
    assert names(project, "ph") == ["Alpha-Signer 1"]  # shorter than a trigram
    add_videos_by_name(project, "delta signer 3")
    assert names(project, "signer 3") == ["delta signer 3"]
    project.writer.undo()  # the video goes: so does its entry
    assert names(project, "signer 3") == []
    assert names(project, "nothing like it") == []
