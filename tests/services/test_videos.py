"""Adding videos tells what it finds: a file cut short is added with the frames that can be
decoded and a warning naming both counts; a file with the content of a video already there
(or of another file of the same add) is refused with nothing written, unless allowed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from emosign_desktop.core.errors import DuplicateMediaError
from emosign_desktop.services.summary import project_info, video_rows
from emosign_desktop.services.videos import add_videos, media_warnings, relink_missing
from tests.conftest import add_video_record, dump_project
from tests.media.clips import SPECS, exact_run, ffmpeg_decode, make_clip


@pytest.fixture(scope="module")
def cut_clip(tmp_path_factory) -> Path:
    """A 60-frame MP4 (header first) cut to two thirds of its bytes."""
    folder = tmp_path_factory.mktemp("cut")
    full = make_clip(SPECS["h264_29.97"], folder, faststart=True)
    cut = folder / "clip.mp4"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size * 2 // 3])
    return cut


def test_a_cut_file_is_added_with_a_warning(project, cut_clip):
    [video] = add_videos(project, [cut_clip])
    n = exact_run(ffmpeg_decode(cut_clip))
    assert 0 < n < 60
    assert video.media.frame_count == n and video.media.declared_frames == 60
    assert video.media.short_by == 60 - n and video.media.is_truncated
    assert media_warnings([video]) == [
        f"clip.mp4: only {n} of the 60 frames its container declares can be decoded; "
        f"the first {n} are used"]
    assert project._repo.video(video.id) == video  # stored with the declared count
    [row] = video_rows(project)
    assert row.declared_frames == 60
    media = project_info(project)["videos"][0]["media"]
    assert media is not None
    assert (media["frame_count"], media["declared_frames"]) == (n, 60)


def test_a_whole_file_has_no_warning(project, sample_video):
    videos = add_videos(project, [sample_video])
    assert videos[0].media.declared_frames is None and not videos[0].media.is_truncated
    assert media_warnings(videos) == []
    assert media_warnings(project._repo.videos()) == []
    assert project_info(project)["videos"][0]["media"]["declared_frames"] is None


def test_same_content_as_a_video_of_the_project_is_refused(project, sample_video, tmp_path):
    [first] = add_videos(project, [sample_video])
    again = tmp_path / "pose_b.mp4"
    shutil.copy(sample_video, again)
    before = dump_project(project.path)
    with pytest.raises(DuplicateMediaError) as err:
        add_videos(project, [again], copy=True)
    assert err.value.duplicates == [(str(again), "sample_clip")]
    assert str(err.value) == f"{again}: same content as sample_clip ({first.media_path})"
    assert dump_project(project.path) == before
    assert not (project.folder / "media").exists()  # nothing copied either
    assert project.writer.undo_stack.undo_label == "add video sample_clip"


def test_same_content_twice_in_one_add_is_refused(project, sample_video, tmp_path):
    a, b = tmp_path / "a.mp4", tmp_path / "b.mp4"
    shutil.copy(sample_video, a)
    shutil.copy(sample_video, b)
    before = dump_project(project.path)
    with pytest.raises(DuplicateMediaError) as err:
        add_videos(project, [a, b])
    assert err.value.duplicates == [(str(b), "a")]
    assert f"{b}: same content as a ({a}" in str(err.value)
    assert dump_project(project.path) == before


def test_duplicates_are_added_when_allowed(project, sample_video, tmp_path):
    add_videos(project, [sample_video])
    a, b = tmp_path / "a.mp4", tmp_path / "b.mp4"
    shutil.copy(sample_video, a)
    shutil.copy(sample_video, b)
    added = add_videos(project, [a, b], allow_duplicate=True)
    assert [v.name for v in added] == ["a", "b"]
    assert len(project._repo.videos_by_fingerprint(added[0].fingerprint)) == 3
    project.writer.undo()  # one step
    assert [v.name for v in project._repo.videos()] == ["sample_clip"]


def test_a_video_known_by_name_gets_its_media_not_a_refusal(project, sample_video, tmp_path):
    from emosign_desktop.media.fingerprint import fingerprint

    fp = fingerprint(sample_video)
    add_video_record(project, "sample_clip", fp)  # as a merged pack makes it
    [linked] = add_videos(project, [sample_video])
    assert linked.name == "sample_clip" and linked.has_media
    other = tmp_path / "renamed.mp4"
    shutil.copy(sample_video, other)
    with pytest.raises(DuplicateMediaError, match="same content as sample_clip"):
        add_videos(project, [other])


def test_relink_finds_every_video_of_a_file(project, sample_video, tmp_path):
    a, b = tmp_path / "a.mp4", tmp_path / "b.mp4"
    shutil.copy(sample_video, a)
    shutil.copy(sample_video, b)
    add_videos(project, [a, b], allow_duplicate=True)
    moved = tmp_path / "moved"
    moved.mkdir()
    shutil.move(a, moved / "a.mp4")
    b.unlink()
    found = relink_missing(project, moved)
    assert sorted(v.name for v in found) == ["a", "b"]
    assert all(v.media_path and v.media_path.endswith("moved/a.mp4")
               for v in project._repo.videos())
