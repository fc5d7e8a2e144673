"""Format 4: a video keeps the frame count its container declares (a file cut short), and
older project files upgrade to it."""

from __future__ import annotations

import dataclasses
import sqlite3

from emosign_desktop.core.changeset import ChangeSet, VideoEdit
from emosign_desktop.core.model import MediaInfo, Video, VideoId
from emosign_desktop.storage import PROJECT_FILE, create_project, open_project
from emosign_desktop.storage.project import CURRENT_FORMAT, FORMAT_REVISIONS, HEAD_REVISION
from tests.conftest import dump_project


def test_format_4_keeps_declared_frames_and_newer_formats_follow():
    assert FORMAT_REVISIONS["f0004"] == 4 and CURRENT_FORMAT >= 4
    assert list(FORMAT_REVISIONS.values()) == list(range(1, CURRENT_FORMAT + 1))
    assert FORMAT_REVISIONS[HEAD_REVISION] == CURRENT_FORMAT


def test_declared_frames_are_stored_and_read_back(project):
    repo = project._repo
    cut = MediaInfo(29.916667, 5, 540, 720, 0.167131, "h264", declared_frames=58)
    whole = MediaInfo(25.0, 40, 160, 120, 1.6, "h264")
    a = Video(VideoId(1), "cut", "cut.mp4", "b2:cut", cut)
    b = Video(VideoId(2), "whole", "whole.mp4", "b2:whole", whole)
    repo.apply(ChangeSet(videos=(VideoEdit(None, a), VideoEdit(None, b))))
    assert repo.video(a.id) == a and repo.video(b.id) == b
    assert repo.video(a.id).media.short_by == 53 and repo.video(a.id).media.is_truncated
    assert repo.video(b.id).media.declared_frames is None
    assert not repo.video(b.id).media.is_truncated
    relinked = dataclasses.replace(a, media_path="elsewhere/cut.mp4")
    repo.apply(ChangeSet(videos=(VideoEdit(a, relinked),)), verify=True)  # before-image holds
    assert repo.video(a.id).media == cut


def _insert_format3_video(path) -> None:
    con = sqlite3.connect(path)
    try:
        columns = [r[1] for r in con.execute("PRAGMA table_info(video)")]
        assert "declared_frames" not in columns
        con.execute("INSERT INTO video(id, name, media_path, fingerprint, fps, frame_count, "
                    "width, height, duration, codec, added_at) VALUES (1, 'clip', "
                    "'media/clip.mp4', 'b2:abc', 25.0, 40, 160, 120, 1.6, 'h264', "
                    "'2025-01-01T00:00:00Z')")
        con.commit()
    finally:
        con.close()


def test_format3_file_is_backed_up_and_upgraded(tmp_path):
    folder = tmp_path / "three"
    create_project(folder, _revision="f0003")
    path = folder / PROJECT_FILE
    _insert_format3_video(path)
    original = dump_project(path)
    assert ("meta", "format_version", "3") in original
    with open_project(folder) as p:
        assert p.repo.meta()["format_version"] == str(CURRENT_FORMAT)
        video = p.repo.video_by_name("clip")
        assert video.media == MediaInfo(25.0, 40, 160, 120, 1.6, "h264")
        assert video.media.declared_frames is None
        cut = dataclasses.replace(video, media=dataclasses.replace(
            video.media, frame_count=31, declared_frames=40))
        p.repo.apply(ChangeSet(videos=(VideoEdit(video, cut),)))
        assert p.repo.video_by_name("clip").media.declared_frames == 40
    backups = list(folder.glob("project.emosign.format3-backup-*"))
    assert len(backups) == 1 and dump_project(backups[0]) == original
    with open_project(folder):
        pass
    assert len(list(folder.glob("*format*-backup*"))) == 1  # no second upgrade


def test_format1_file_gains_the_column(tmp_path):
    from tests.conftest import FIXTURES

    folder = tmp_path / "one"
    folder.mkdir()
    (folder / PROJECT_FILE).write_bytes((FIXTURES / "project_format1.emosign").read_bytes())
    with open_project(folder) as p:
        assert p.repo.meta()["format_version"] == str(CURRENT_FORMAT)
        assert all(v.media is None or v.media.declared_frames is None
                   for v in p.repo.videos())
    con = sqlite3.connect(folder / PROJECT_FILE)
    try:
        assert "declared_frames" in [r[1] for r in con.execute("PRAGMA table_info(video)")]
    finally:
        con.close()
