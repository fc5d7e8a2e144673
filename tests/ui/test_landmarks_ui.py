"""The landmarks tab: overlay switches, the signal plot on the frame axis, extraction."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from emosign_desktop.core.model import Segment, SegmentId
from emosign_desktop.landmarks.track import LandmarkTrack
from emosign_desktop.media.playhead import Playhead
from emosign_desktop.ui.player.overlay import LandmarkOverlay
from emosign_desktop.ui.plots.signal_plot import SignalPlotWidget


def synthetic_track(frames: int = 40) -> LandmarkTrack:
    t = LandmarkTrack.empty(frames, 640, 480, 25.0)
    rng = np.random.default_rng(1)
    t.face[:] = rng.uniform(0.3, 0.6, (frames, 478, 3)).astype(np.float32)
    t.right_hand[:] = rng.uniform(0.2, 0.8, (frames, 21, 3)).astype(np.float32)
    t.pose[:] = rng.uniform(0.2, 0.8, (frames, 33, 4)).astype(np.float32)
    t.pose[:, :, 3] = 1.0
    t.edges = {"face_brows": np.array([[0, 1]]), "face_eyes": np.array([[2, 3]]),
               "face_lips": np.array([[4, 5]]), "face_oval": np.array([[6, 7], [7, 8]]),
               "face_mesh": np.array([[i, i + 1] for i in range(400)]),
               "hand": np.array([[0, 1], [1, 2]]), "pose": np.array([[11, 12]])}
    return t


def test_plot_cursor_follows_and_moves_the_playhead(qtbot):
    from emosign_desktop.landmarks.signals import compute_signals

    playhead = Playhead(40, 25.0)
    plot = SignalPlotWidget(playhead)
    qtbot.addWidget(plot)
    plot.resize(800, 300)
    plot.show()
    track = synthetic_track()
    seg = Segment(SegmentId(1), 1, 1, 1, 5, 12, "repetition")
    plot.set_data(compute_signals(track), [seg], 40)
    assert len(plot.spans) == 1 and plot.spans[0].getRegion() == (5, 13)
    playhead.seek(17)
    assert plot.cursor.value() == 17
    plot.cursor.setValue(30.2)  # dragging the cursor
    assert playhead.current == 30
    vb = plot.plot.plotItem.vb
    scene_pos = vb.mapViewToScene(QPointF(8, 0.5))
    view_pos = plot.plot.mapFromScene(scene_pos)
    qtbot.mouseClick(plot.plot.viewport(), Qt.MouseButton.LeftButton, pos=view_pos)
    assert abs(playhead.current - 8) <= 1
    item = plot.choices.findItems("mouth_width", Qt.MatchFlag.MatchExactly)[0]
    item.setCheckState(Qt.CheckState.Checked)
    assert "mouth_width" in plot.checked()


def test_overlay_parts_switch_and_off_means_not_called(qtbot):
    overlay = LandmarkOverlay()
    assert not overlay.active  # no track: the view never calls it
    overlay.track = synthetic_track()
    keys = [k for k, _ in overlay._segments(3)]
    assert keys == ["face_brows", "face_eyes", "face_lips", "face_oval", "hand", "pose"]
    overlay.parts.update(face=False, mesh=True, hands=False, pose=False)
    assert [k for k, _ in overlay._segments(3)] == ["face_mesh"]
    for key in overlay.parts:
        overlay.parts[key] = False
    assert not overlay.active


@pytest.fixture
def window_with_landmarks(qtbot, tmp_path, monkeypatch):
    """The demo project in the window, with a stand-in track cached for one video."""
    from emosign_desktop.landmarks.track import cache_path
    from emosign_desktop.services.demo import ensure_demo_project
    from emosign_desktop.storage import open_project
    from emosign_desktop.ui.main_window import MainWindow

    folder = ensure_demo_project(tmp_path / "demo")
    with open_project(folder) as p:
        video = p.repo.video_by_name("pose_test_video")
    track = synthetic_track(58)
    path = cache_path(video.fingerprint)
    path.parent.mkdir(parents=True, exist_ok=True)
    track.save(path)
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    w.open_project(folder)
    return w


def test_landmarks_tab_in_the_window(window_with_landmarks, qtbot):
    w = window_with_landmarks
    w.select_video("pose_test_video")
    panel = w.details.landmarks
    assert panel.overlay.active and panel.overlay in w.details.player.view.overlays
    assert "face in 58 of 58 frames" in panel.status.text()
    assert not panel.extract_button.isVisible()
    assert len(panel.plot.spans) == 3  # the demo's segments on this video
    panel.toggles["hands"].setChecked(False)
    assert panel.overlay.parts["hands"] is False
    w.select_video("signbank_ns_1m")
    assert panel.overlay.track is None and "No landmarks yet" in panel.status.text()
    w.details.tabs.setCurrentWidget(panel)
    assert panel.extract_button.isVisible()


def test_extract_from_the_app_with_progress(window_with_landmarks, qtbot):
    w = window_with_landmarks
    w.select_video("pose_sample_video")  # 9 frames: real MediaPipe, a few seconds
    panel = w.details.landmarks
    assert panel.overlay.track is None
    panel.extract()
    qtbot.waitUntil(lambda: panel.overlay.track is not None, timeout=120_000)
    assert panel.overlay.track.frame_count == 9
    assert panel.overlay.track.present("face").all()
    assert "face in 9 of 9 frames" in panel.status.text()
