"""The review session: the one owner of the video under review, its media and the playhead
(Qt-free: no display needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from emosign_desktop.core.media_check import MediaState
from emosign_desktop.media.playhead import PlayheadEvent
from emosign_desktop.services.review_session import NO_MEDIA, ReviewSession
from emosign_desktop.services.videos import add_named_videos, add_videos
from emosign_desktop.services.workspace import Workspace
from tests.generate import make_video


@pytest.fixture
def ws(project_dir: Path, tmp_path: Path):
    """A workspace on a project with a 20-frame clip (12 fps) and a 30-frame one, both
    linked where they are (not copied)."""
    workspace = Workspace("ana")
    workspace.open(project_dir)
    clips = [make_video(tmp_path / "twenty.mp4", frames=20),
             make_video(tmp_path / "thirty.mp4", frames=30)]
    assert workspace.session is not None
    add_videos(workspace.session, clips)
    yield workspace
    workspace.close()


def video(ws: Workspace, name: str):
    found = ws.queries.video_named(name)
    assert found is not None
    return found


def test_selecting_a_video_gives_the_playhead_its_frames_and_rate(ws):
    review, told = ws.review, []
    review.media_changed.connect(lambda: told.append(("media", review.playhead.frame_count)))
    review.playhead.changed.connect(lambda e: told.append((e, review.playhead.frame_count)))
    ws.select(video(ws, "twenty"))
    assert review.video == ws.video and review.media.playable
    assert review.media.state is MediaState.FOUND and review.media.reason == ""
    ph = review.playhead
    assert (ph.frame_count, ph.fps, ph.current) == (20, 12.0, 0)
    # the media first (whoever shows the picture opens the file), then the playhead
    assert told == [("media", 0), (PlayheadEvent.MEDIA, 20)]


def test_stepping_the_playhead_of_the_video_under_review(ws):
    ws.select(video(ws, "thirty"))
    ph = ws.review.playhead
    ph.step(3)
    assert ph.current == 3 and ph.last_move == 1
    ph.step_seconds(1)
    assert ph.current == 15
    ph.step(100)
    assert ph.current == 29  # the last frame
    ws.select(video(ws, "twenty"))  # another video: its first frame, its length
    assert (ph.current, ph.frame_count) == (0, 20)
    ph.seek(50)
    assert ph.current == 19


def test_no_video_means_no_media_and_an_empty_playhead(ws):
    ws.select(video(ws, "twenty"))
    ws.review.playhead.seek(5)
    ws.select(None)
    assert ws.review.video is None and ws.review.media is NO_MEDIA
    assert (ws.review.playhead.frame_count, ws.review.playhead.current) == (0, 0)


def test_a_video_with_no_media_linked_says_so(ws):
    assert ws.session is not None
    [named] = add_named_videos(ws.session, ["named only"])
    ws.select(ws.queries.video(named.id))
    media = ws.review.media
    assert not media.playable and media.state is MediaState.NOT_LINKED
    assert media.reason == "No media linked to this video."
    assert not media.relinkable and ws.review.playhead.frame_count == 0


def test_a_missing_file_can_be_relinked(ws, tmp_path):
    (tmp_path / "thirty.mp4").unlink()
    ws.select(video(ws, "thirty"))
    media = ws.review.media
    assert not media.playable and not media.refused
    assert media.state is MediaState.MISSING and media.relinkable
    assert "thirty.mp4" in media.reason


def test_another_file_in_its_place_is_refused_until_accepted(ws, tmp_path):
    from emosign_desktop.services.relinking import accept_changed_media

    make_video(tmp_path / "twenty.mp4", frames=8, size=(32, 24))  # another recording
    ws.select(video(ws, "twenty"))
    media = ws.review.media
    assert media.refused and media.changed and media.relinkable and not media.playable
    assert ws.review.playhead.frame_count == 0  # never shown beside the labels
    assert ws.session is not None
    accept_changed_media(ws.session, video(ws, "twenty"))  # announced: shown again
    media = ws.review.media
    assert media.playable and not media.refused
    assert ws.review.playhead.frame_count == 8
    assert ws.review.shows(ws.video)


def test_a_file_that_is_no_video_is_explained(tmp_path):
    bad = tmp_path / "bad.mp4"
    bad.write_text("not a video")
    review = ReviewSession()
    media = review.open_file(bad)
    assert not media.playable and str(bad) in media.reason
    assert review.playhead.frame_count == 0


def test_closing_the_project_ends_the_review(ws):
    ws.select(video(ws, "twenty"))
    ws.close()
    assert ws.review.video is None and ws.review.media is NO_MEDIA
