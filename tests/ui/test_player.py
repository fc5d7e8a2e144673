"""The player, driven by its keys: the frame shown is exactly the playhead's frame."""

from __future__ import annotations

import itertools
import time

import pytest
from PySide6.QtCore import Qt

from emosign_desktop.services.review_session import ReviewSession
from emosign_desktop.ui.player.player_widget import PlayerWidget, timecode
from tests.media.clips import SPECS, decode_index, make_clip


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return make_clip(SPECS["h264_long_gop_bframes"], tmp_path_factory.mktemp("player"))


@pytest.fixture(params=["pyav", "vlc"])
def player(request, qtbot, clip, monkeypatch):
    from emosign_desktop.media.playback import vlc_available

    if request.param == "pyav":
        monkeypatch.setenv("EMOSIGN_PLAYBACK", "pyav")
    elif not vlc_available():
        pytest.skip("libVLC is not installed")
    widget = PlayerWidget(ReviewSession(), cache_mb=64)
    qtbot.addWidget(widget)
    widget.resize(640, 480)
    widget.show()
    assert widget.open(clip)
    widget.setFocus()
    yield widget
    widget.close_media()


def shown(player: PlayerWidget) -> int:
    """The frame index the picture on the view encodes (the view keeps no frame number)."""
    return decode_index(player.view.rgb())


def press(qtbot, player, key, modifier=Qt.KeyboardModifier.NoModifier, times=1):
    for _ in range(times):
        qtbot.keyClick(player, key, modifier)


def test_keys_step_exactly(player, qtbot):
    assert shown(player) == 0
    press(qtbot, player, Qt.Key.Key_Right, times=5)
    assert player.playhead.current == 5 and shown(player) == 5
    press(qtbot, player, Qt.Key.Key_Left, times=2)
    assert shown(player) == 3
    press(qtbot, player, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert player.playhead.current == 28 and shown(player) == 28  # 25 fps
    press(qtbot, player, Qt.Key.Key_End)
    assert shown(player) == 149
    for expected in range(148, 118, -1):  # backward across the keyframe at 120
        press(qtbot, player, Qt.Key.Key_Left)
        assert shown(player) == expected
    press(qtbot, player, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert shown(player) == 94
    press(qtbot, player, Qt.Key.Key_Home)
    assert shown(player) == 0
    press(qtbot, player, Qt.Key.Key_Left)
    assert shown(player) == 0  # clamped
    assert player.frame_label.text() == "Frame 0 / 149"
    assert player.time_label.text() == "00:00:00.000 / 00:00:06.000"


def test_go_to_frame_and_slider(player, qtbot):
    player.goto.setValue(77)
    assert shown(player) == 77
    player.slider.setValue(12)
    assert shown(player) == 12 and player.goto.value() == 12


def test_play_then_pause_shows_the_exact_frame(player, qtbot):
    press(qtbot, player, Qt.Key.Key_Space)
    assert player.playhead.playing
    qtbot.waitUntil(lambda: player.playhead.current >= 10, timeout=5000)
    press(qtbot, player, Qt.Key.Key_Space)
    assert not player.playhead.playing
    at = player.playhead.current
    assert at >= 10 and shown(player) == at
    assert "Play" in player.play_button.text()


def assert_controls_follow_the_playhead(player: PlayerWidget) -> None:
    """The slider, the go-to box, the frame label and the view all show the playhead's frame."""
    at = player.playhead.current
    assert player.slider.value() == at
    assert player.goto.value() == at
    assert player.frame_label.text() == f"Frame {at} / 149"
    assert decode_index(player.view.rgb()) == at


def settle(qtbot, ms: int = 200) -> None:
    """Let queued events (frames in flight from a playback thread) be handled."""
    until = time.monotonic() + ms / 1000
    qtbot.waitUntil(lambda: time.monotonic() >= until, timeout=ms + 5000)


def test_controls_follow_the_playhead_after_play_pause_and_step(player, qtbot):
    press(qtbot, player, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: player.playhead.current >= 10, timeout=5000)
    press(qtbot, player, Qt.Key.Key_Space)
    assert not player.playhead.playing
    assert_controls_follow_the_playhead(player)
    paused_at = player.playhead.current
    settle(qtbot)  # frames presented before the pause arrive late: they change nothing
    assert player.playhead.current == paused_at
    assert_controls_follow_the_playhead(player)
    press(qtbot, player, Qt.Key.Key_Right)
    assert player.playhead.current == paused_at + 1 and player.playhead.last_move == 1
    assert_controls_follow_the_playhead(player)
    press(qtbot, player, Qt.Key.Key_Left, times=2)
    assert player.playhead.current == paused_at - 1 and player.playhead.last_move == -1
    assert_controls_follow_the_playhead(player)


def test_pausing_moves_the_playhead_to_the_last_frame_presented(player, qtbot, monkeypatch):
    """Frames still in flight when playback pauses: the playhead moves (through ``seek``, so
    every listener hears of it) to the last one the backend presented, shown exactly."""
    from emosign_desktop.media.playhead import PlayheadEvent

    heard: list[tuple[PlayheadEvent, int, str]] = []
    player.playhead.subscribe(
        lambda e: heard.append((e, player.playhead.current, player.playhead.last_source)))
    press(qtbot, player, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: player.playhead.current >= 10, timeout=5000)
    backend, stop = player.backend, player.backend.stop
    in_flight: list[int] = []

    def stop_with_frames_in_flight() -> int:
        stop()
        in_flight.append(player.playhead.current + 3)
        return in_flight[0]

    monkeypatch.setattr(backend, "stop", stop_with_frames_in_flight)
    heard.clear()
    press(qtbot, player, Qt.Key.Key_Space)
    assert not player.playhead.playing
    assert (PlayheadEvent.FRAME, in_flight[0], "playback") in heard
    assert player.playhead.current == in_flight[0] and player.playhead.last_move == 1
    assert_controls_follow_the_playhead(player)


def test_jkl_shuttle(player, qtbot):
    player.playhead.seek(100)
    press(qtbot, player, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: player.playhead.current <= 95, timeout=5000)
    press(qtbot, player, Qt.Key.Key_K)
    assert not player.playhead.playing and shown(player) == player.playhead.current
    press(qtbot, player, Qt.Key.Key_L)
    assert player.playhead.playing and player.playhead.direction == 1
    press(qtbot, player, Qt.Key.Key_L)
    assert player.playhead.speed == 1.25
    press(qtbot, player, Qt.Key.Key_K)
    assert shown(player) == player.playhead.current


def test_loop_range_keeps_playback_inside(player, qtbot):
    player.playhead.set_loop(40, 50)
    player.playhead.seek(40)
    player.playhead.set_speed(2.0)
    player.playhead.set_playing(True)
    seen: list[int] = []

    def wrapped_twice() -> bool:
        seen.append(player.playhead.current)
        return sum(1 for a, b in itertools.pairwise(seen) if b < a) >= 2

    qtbot.waitUntil(wrapped_twice, timeout=10000)
    player.playhead.set_playing(False)
    assert min(seen) >= 40 and max(seen) <= 50


def test_playing_to_the_end_stops(player, qtbot):
    player.playhead.seek(140)
    player.playhead.set_playing(True)
    qtbot.waitUntil(lambda: not player.playhead.playing, timeout=8000)
    assert player.playhead.current >= 145 and shown(player) == player.playhead.current


def test_bad_file_is_explained(qtbot, tmp_path):
    widget = PlayerWidget(ReviewSession())
    qtbot.addWidget(widget)
    bad = tmp_path / "bad.mp4"
    bad.write_text("not a video")
    assert not widget.open(bad)
    assert str(bad) in widget.frame_label.text()
    qtbot.keyClick(widget, Qt.Key.Key_Space)  # nothing to play: no crash
    assert not widget.playhead.playing


def test_timecode():
    assert timecode(3723.0456) == "01:02:03.046"


def test_pyav_playback_of_a_clip_whose_rows_are_padded(qtbot, monkeypatch):
    """540 px wide frames come out of the decoder with padded rows."""
    from emosign_desktop.resources import resource_dir

    monkeypatch.setenv("EMOSIGN_PLAYBACK", "pyav")
    widget = PlayerWidget(ReviewSession(), cache_mb=32)
    qtbot.addWidget(widget)
    widget.show()
    assert widget.open(resource_dir() / "demo" / "pose_test_video.mp4")
    assert widget.backend.name == "PyAV"
    widget.playhead.set_playing(True)
    qtbot.waitUntil(lambda: widget.playhead.current >= 10, timeout=5000)
    widget.playhead.set_playing(False)
    assert widget.view.playhead is widget.playhead
    assert widget.view.picture.flags["C_CONTIGUOUS"]
    widget.close_media()
