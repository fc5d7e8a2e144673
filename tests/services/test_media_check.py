"""The right video behind the labels: a video's file is checked against its fingerprint (a
stat while its size and time hold; a read when they differ), a replaced or emptied file is
reported as changed with the labels kept, a touched file with the same content is found
again quietly, and relinking checks the content (same: linked; other: refused unless
accepted as the video's new content, an undoable step)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from emosign_desktop.core.errors import EmoSignError, MediaError
from emosign_desktop.core.media_check import MediaLink, MediaStamp, MediaState
from emosign_desktop.media.fingerprint import file_stamp
from emosign_desktop.services import media_check
from emosign_desktop.services.media_check import MediaScan, check_all, check_video
from emosign_desktop.services.relinking import (
    DifferentMediaError,
    accept_changed_media,
    relink_video,
)
from emosign_desktop.services.videos import add_videos, relink_missing
from tests.conftest import add_videos_by_name, dump_project
from tests.generate import make_video


@pytest.fixture
def house(project, tmp_path):
    """A project with the 20-frame clip house.mp4 copied into its media folder, joy = 2 by
    ana and her segments on frames 2-5, 6-12 and 15-19."""
    clip = make_video(tmp_path / "house.mp4", frames=20)
    [video] = add_videos(project, [clip], copy=True)
    project.editing.set_label(video.id, "ana", "joy", 2)
    tier = project._repo.tiers()[0]
    for start, end in ((2, 5), (6, 12), (15, 19)):
        project.editing.add_segment(video.id, "ana", tier.id, start, end)
    return project, project._repo.video(video.id), project.folder / "media" / "house.mp4"


def labels(project, video) -> list:
    return [(a.annotator_id, a.sentiment, dict(a.emotions))
            for a in project._repo.annotations(video_id=video.id)]


def replace_with_another_clip(path: Path) -> None:
    """Another recording under the same name (fewer frames, another size)."""
    other = make_video(path.with_name("other.mp4"), frames=9, size=(80, 60))
    os.replace(other, path)


def test_a_file_found_as_added_costs_a_stat(house, monkeypatch):
    project, video, path = house
    assert project._repo.media_stamps([video.id]) == {video.id: file_stamp(path)}  # at add
    import emosign_desktop.services.media_check as mc

    def no_read(_path):
        raise AssertionError("the file was read although its size and time are unchanged")

    monkeypatch.setattr(mc, "fingerprint", no_read)
    check = check_video(project, video)
    assert check.state is MediaState.FOUND and check.playable and check.reason == ""


def test_another_clip_under_the_same_name_is_changed(house):
    project, video, path = house
    before_labels = labels(project, video)
    replace_with_another_clip(path)
    check = check_video(project, video)
    assert check.state is MediaState.CHANGED and check.changed and not check.playable
    assert check.reason.startswith("media/house.mp4 is not the file this video's labels were "
                                   "made on: its content differs (now ")
    assert f"was {file_stamp(path).size:,} bytes" not in check.reason  # (it was another size)
    assert labels(project, video) == before_labels  # labels kept
    assert project._repo.video(video.id) == video  # nothing stored for a changed file
    assert check_video(project, video).changed  # and it stays changed


def test_an_emptied_file_is_changed(house):
    project, video, path = house
    size = path.stat().st_size
    path.write_bytes(b"")
    check = check_video(project, video)
    assert check.state is MediaState.CHANGED
    assert check.reason == ("media/house.mp4 is not the file this video's labels were made "
                            f"on: the file is empty (0 bytes, was {size:,} bytes)")


def test_a_touched_file_with_the_same_content_is_found_and_its_time_stored(house):
    project, video, path = house
    old = file_stamp(path)
    os.utime(path, ns=(old.mtime_ns + 5_000_000_000, old.mtime_ns + 5_000_000_000))
    undo_label = project.writer.undo_stack.undo_label
    log = project._repo.edit_count()
    before = dump_project(project.path)
    assert check_video(project, video).state is MediaState.FOUND  # read, same fingerprint
    assert project._repo.media_stamps([video.id]) == {video.id: file_stamp(path)}
    assert project._repo.media_stamps([video.id])[video.id].mtime_ns == old.mtime_ns + 5 * 10**9
    # a cache, not an edit: no undo step, no edit-log line, nothing else written
    assert project.writer.undo_stack.undo_label == undo_label
    assert project._repo.edit_count() == log
    after = dump_project(project.path)
    changed = [row for row in after if row not in before]
    assert len(changed) == 1 and changed[0][0] == "video"


def test_a_missing_and_an_unlinked_file_are_said_so(house):
    project, video, path = house
    path.unlink()
    check = check_video(project, video)
    assert check.state is MediaState.MISSING
    assert check.reason == "Media file missing: media/house.mp4"
    path.mkdir()
    assert check_video(project, video).reason == \
        "Media file missing: media/house.mp4 is a folder, not a file"
    [named] = add_videos_by_name(project, "garden")
    assert check_video(project, named).state is MediaState.NOT_LINKED


def test_relinking_a_renamed_file_checks_its_content(house):
    project, video, path = house
    renamed = path.with_name("house_renamed.mp4")
    path.rename(renamed)
    assert check_video(project, video).state is MediaState.MISSING
    done = relink_video(project, "house", renamed)
    assert not done.new_content and done.past_end == ()
    assert done.lines() == ["relinked house to media/house_renamed.mp4 (same content)"]
    now = project._repo.video(video.id)
    assert now.media_path == "media/house_renamed.mp4"
    assert (now.fingerprint, now.media) == (video.fingerprint, video.media)
    assert project._repo.media_stamps([video.id]) == {video.id: file_stamp(renamed)}
    assert check_video(project, now).playable
    assert project.writer.undo_stack.undo_label == "relink video house"
    project.writer.undo()
    assert project._repo.video(video.id) == video
    assert project._repo.media_stamps([video.id]) == {}  # the next check reads the file


def test_relinking_another_recording_is_refused_and_changes_nothing(house, tmp_path):
    project, _video, _path = house
    other = make_video(tmp_path / "not_house.mp4", frames=9, size=(80, 60))
    before = dump_project(project.path)
    with pytest.raises(DifferentMediaError) as err:
        relink_video(project, "house", other)
    assert str(err.value) == (f"{other}: not the file the labels of 'house' were made on "
                              f"(its content differs: {other.stat().st_size:,} bytes); "
                              "nothing was changed")
    assert dump_project(project.path) == before
    with pytest.raises(MediaError, match="file not found"):
        relink_video(project, "house", tmp_path / "nowhere.mp4")
    with pytest.raises(EmoSignError, match="no video named 'garden'"):
        relink_video(project, "garden", other)
    assert dump_project(project.path) == before


def test_the_content_of_another_video_is_refused_even_when_accepting(house, tmp_path):
    project, _video, _path = house
    garden = make_video(tmp_path / "garden.mp4", frames=5)
    add_videos(project, [garden])
    before = dump_project(project.path)
    with pytest.raises(MediaError, match="has the content of video 'garden', not of 'house'"):
        relink_video(project, "house", garden, accept_changed=True)
    assert dump_project(project.path) == before


def test_accepting_new_content_stores_its_probe_and_is_undoable(house):
    project, video, path = house
    seg_before = project._repo.segments(video_id=video.id)
    label_before = labels(project, video)
    replace_with_another_clip(path)
    done = accept_changed_media(project, video)
    assert done.new_content
    now = project._repo.video(video.id)
    assert now.media.frame_count == 9 and (now.media.width, now.media.height) == (80, 60)
    assert now.fingerprint != video.fingerprint and now.media_path == video.media_path
    assert project._repo.media_stamps([video.id]) == {video.id: file_stamp(path)}
    assert done.lines()[0] == ("house: took the new content of media/house.mp4: 9 frames "
                               "(was 20), 12 fps, 80x60")
    assert check_video(project, now).playable  # shown again
    assert project._repo.segments(video_id=video.id) == seg_before  # kept as they were
    assert labels(project, video) == label_before
    assert project.writer.undo_stack.undo_label == "accept the new content of house"
    project.writer.undo()
    assert project._repo.video(video.id) == video
    assert check_video(project, video).changed  # the file is still the other recording
    project.writer.redo()
    assert check_video(project, project._repo.video(video.id)).playable


def test_accepting_fewer_frames_names_the_segments_past_the_end(house):
    project, video, path = house
    tier = project._repo.tiers()[0].name
    stored = project._repo.segments(video_id=video.id)
    replace_with_another_clip(path)  # 9 frames: 0..8
    done = accept_changed_media(project, video)
    assert done.past_end == (f"ana · {tier} 6-12", f"ana · {tier} 15-19")
    assert done.lines()[1] == (f"house: 2 segments reach past the new last frame 8 and are "
                               f"kept as they are: ana · {tier} 6-12, ana · {tier} 15-19")
    assert project._repo.segments(video_id=video.id) == stored


def test_an_emptied_file_cannot_be_accepted(house):
    project, video, path = house
    path.write_bytes(b"")
    before = dump_project(project.path)
    with pytest.raises(MediaError, match="empty"):
        accept_changed_media(project, video)
    assert dump_project(project.path) == before


def test_the_whole_project_is_checked_a_part_at_a_time(project, tmp_path, monkeypatch):
    """Three videos: one replaced, one touched (same content), one missing; an old project's
    videos (no stamp yet) are read once and get their stamps."""
    clips = [make_video(tmp_path / f"v{i}.mp4", frames=6 + i) for i in range(3)]
    videos = add_videos(project, clips)
    replace_with_another_clip(clips[0])
    st = file_stamp(clips[1])
    os.utime(clips[1], ns=(st.mtime_ns + 10**9, st.mtime_ns + 10**9))
    clips[2].unlink()
    monkeypatch.setattr(media_check, "SCAN_CHUNK", 2)
    scan = MediaScan(project)
    steps = []
    while not scan.done:
        steps.append(scan.step())  # a part at a time
    assert [len(s) for s in steps] == [2, 1]
    assert [c.state for s in steps for _v, c in s] == [
        MediaState.CHANGED, MediaState.FOUND, MediaState.MISSING]
    assert [c.video_id for c in scan.changed] == [videos[0].id] and scan.checked == 3
    stamps = project._repo.media_stamps(v.id for v in videos)
    assert stamps[videos[1].id] == file_stamp(clips[1])  # the touched one: its new time
    assert stamps[videos[0].id] != file_stamp(clips[0])  # the changed one: left as it was
    again = check_all(project)
    assert again.checked == 3 and [c.video_id for c in again.changed] == [videos[0].id]


def test_an_old_projects_videos_are_read_once_then_stat_only(project, tmp_path, monkeypatch):
    """Videos without a stamp (projects before format 10) are read at their first check,
    which stores the stamp; later checks only stat them."""
    import emosign_desktop.services.media_check as mc

    clips = [make_video(tmp_path / f"v{i}.mp4", frames=6 + i) for i in range(3)]
    videos = add_videos(project, clips)
    with project._repo.engine.begin() as conn:  # as the upgrade to format 10 leaves them
        conn.execute(text("UPDATE video SET media_size = NULL, media_mtime = NULL"))
    assert project._repo.media_stamps(v.id for v in videos) == {}
    reads = []
    real = mc.fingerprint
    monkeypatch.setattr(mc, "fingerprint", lambda p: reads.append(Path(p).name) or real(p))
    assert check_all(project).changed == []
    assert sorted(reads) == ["v0.mp4", "v1.mp4", "v2.mp4"]
    assert project._repo.media_stamps(v.id for v in videos) == {
        v.id: file_stamp(c) for v, c in zip(videos, clips, strict=True)}
    reads.clear()
    assert check_all(project).changed == [] and reads == []



def test_relink_missing_still_finds_files_by_content(house, tmp_path):
    project, video, path = house
    moved = tmp_path / "moved"
    moved.mkdir()
    shutil.move(path, moved / "elsewhere.mp4")
    [found] = relink_missing(project, moved)
    assert found.name == "house"
    assert check_video(project, project._repo.video(video.id)).playable


def test_a_stamp_is_stored_only_for_the_link_it_was_found_for(house):
    """A check that raced a relink or an undo (its file or fingerprint is not the video's
    any more) stores nothing."""
    project, video, _path = house
    stored = project._repo.media_stamps([video.id])
    other = MediaStamp(1, 2)
    for link in (MediaLink(video.id, video.media_path, "b2:another", other),
                 MediaLink(video.id, "media/elsewhere.mp4", video.fingerprint, other)):
        assert project._repo.remember_media_stamps([link])
        assert project._repo.media_stamps([video.id]) == stored
    project._repo.remember_media_stamps([MediaLink(video.id, video.media_path,
                                                  video.fingerprint, other)])
    assert project._repo.media_stamps([video.id]) == {video.id: other}


def test_a_project_that_cannot_be_written_is_checked_all_the_same(house):
    project, video, path = house
    before = project._repo.media_stamps([video.id])
    st = file_stamp(path)
    os.utime(path, ns=(st.mtime_ns + 10**9, st.mtime_ns + 10**9))
    project._repo.read_only = "the disk is read-only"  # as a read-only project opens
    try:
        assert check_video(project, video).playable  # read, found: nothing stored
        assert project._repo.media_stamps([video.id]) == before
        replace_with_another_clip(path)
        assert check_video(project, video).changed
    finally:
        project._repo.read_only = None


def test_a_video_known_by_name_only_is_linked_and_probed(project, tmp_path):
    [named] = add_videos_by_name(project, "garden")
    clip = make_video(tmp_path / "garden_take2.mp4", frames=7)
    done = relink_video(project, "garden", clip)
    assert not done.new_content and done.lines() == [f"linked garden to {done.video.media_path}"]
    now = project._repo.video(named.id)
    assert now.media.frame_count == 7 and now.fingerprint is not None
    assert check_video(project, now).playable
