"""The landmarks tab: overlay switches, the signal plot on the frame axis, extraction."""

from __future__ import annotations

import re
import time

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QPushButton

from emosign_desktop.core.model import Segment, SegmentId
from emosign_desktop.landmarks.track import LandmarkTrack
from emosign_desktop.media.playhead import Playhead
from emosign_desktop.ui.player.overlay import LandmarkOverlay
from emosign_desktop.ui.plots.signal_plot import SignalPlotWidget
from tests.conftest import demo_copy


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
    item = plot.choices.findItems("Mouth width (pucker)", Qt.MatchFlag.MatchExactly)[0]
    assert "distance between mouth corners 61 and 291" in item.toolTip()
    assert "face scale" in item.toolTip() and "mouth_width" in item.toolTip()
    item.setCheckState(Qt.CheckState.Checked)
    assert "mouth_width" in plot.checked()  # the data keeps its snake_case key


def test_signals_are_named_in_words_in_the_list_legend_and_axis(qtbot):
    from emosign_desktop.landmarks.signals import compute_signals

    playhead = Playhead(40, 25.0)
    plot = SignalPlotWidget(playhead)
    qtbot.addWidget(plot)
    plot.resize(1000, 400)
    plot.show()
    plot.set_data(compute_signals(synthetic_track()), [], 40)
    names = [plot.choices.item(i).text() for i in range(plot.choices.count())]
    assert "Brow raise (left)" in names and "Head nod energy" in names
    assert not any("_" in n for n in names)
    legend = [label.text for _sample, label in plot.legend.items]
    assert legend == ["Brow raise (left)", "Brow raise (right)", "Mouth opening",
                      "Head nod energy (mesh)", "Dominant hand speed"]  # no blendshapes
    for i in range(plot.choices.count()):  # one signal: the axis names it, with its unit
        item = plot.choices.item(i)
        item.setCheckState(Qt.CheckState.Checked if item.text() == "Mouth opening"
                           else Qt.CheckState.Unchecked)
    assert plot.checked() == ["mouth_opening"]
    assert plot.plot.getAxis("left").labelText.startswith("Mouth opening")


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
def window_with_landmarks(make_window, tmp_path, monkeypatch):
    """The demo project in the window, with a stand-in track cached for one video."""
    from emosign_desktop.landmarks.track import cache_path
    from emosign_desktop.storage import open_project

    folder = demo_copy(tmp_path)
    with open_project(folder) as p:
        video = p.repo.video_by_name("pose_test_video")
    track = synthetic_track(58)
    path = cache_path(video.fingerprint)
    path.parent.mkdir(parents=True, exist_ok=True)
    track.save(path)
    return make_window(folder, annotator="")  # no annotator chosen yet


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


# -- extraction in the app: progress with a rate, Stop, resuming, failures ---------------------

RATE = re.compile(r"Frame [\d,]+ of 200 · \d+\.\d frames/s · about .+ left")


def stand_in_extraction(monkeypatch, frames: int = 200, fail: Exception | None = None):
    """Replaces landmarks.extract.extract: a frame every 5 ms, progress after each."""
    import emosign_desktop.landmarks.extract as extract_module

    def fake(path, fingerprint=None, *, progress=None, force=False):
        for done in range(1, frames + 1):
            time.sleep(0.005)
            if progress:
                progress(done, frames)  # raises ExtractionStopped after Stop
            if fail is not None and done == 3:
                raise fail
        return synthetic_track(frames)

    monkeypatch.setattr(extract_module, "extract", fake)


def stop_button(dialog) -> QPushButton:
    return next(b for b in dialog.findChildren(QPushButton) if "Stop" in b.text())


def test_extraction_shows_rate_and_time_left_and_can_be_stopped(window_with_landmarks, qtbot,
                                                                 monkeypatch):
    stand_in_extraction(monkeypatch)
    w = window_with_landmarks
    w.select_video("signbank_ns_1m")
    panel = w.details.landmarks
    w.details.tabs.setCurrentWidget(panel)
    panel.extract()
    dialog = panel.progress_dialog
    assert dialog.isVisible()  # at once, busy while the model loads
    assert "Loading MediaPipe" in dialog.labelText()
    qtbot.waitUntil(lambda: RATE.search(dialog.labelText()) is not None, timeout=10_000)
    assert "frames/s" in dialog.labelText()
    assert dialog.maximum() == 200 and 0 < dialog.value() <= 200
    assert not panel.extract_button.isEnabled()  # one extraction at a time
    qtbot.mouseClick(stop_button(dialog), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel._job is None, timeout=10_000)
    stopped = re.fullmatch(r"Stopped at frame (\d+) of 200; extracting again resumes from "
                           r"there\.", panel.status.text())
    assert stopped and 0 < int(stopped.group(1)) < 200
    assert not dialog.isVisible()
    assert panel.overlay.track is None
    assert panel.extract_button.isVisible() and panel.extract_button.isEnabled()


def test_extraction_failure_is_one_line_in_the_panel(window_with_landmarks, qtbot,
                                                     monkeypatch):
    from emosign_desktop.core.errors import EmoSignError

    stand_in_extraction(monkeypatch, fail=EmoSignError(
        "Cannot read signbank_ns_1m.mp4: moov atom not found\n  (details for the log)"))
    w = window_with_landmarks
    w.select_video("signbank_ns_1m")
    panel = w.details.landmarks
    panel.extract()
    qtbot.waitUntil(lambda: panel._job is None, timeout=10_000)
    assert panel.status.text() == ("Landmark extraction failed: Cannot read "
                                   "signbank_ns_1m.mp4: moov atom not found")
    assert not panel.progress_dialog.isVisible()
    assert panel.extract_button.isEnabled()


def no_face_landmarker(monkeypatch) -> None:
    """A stand-in face landmarker that finds no face (the real one costs ~11 ms a frame)."""
    from types import SimpleNamespace

    import emosign_desktop.landmarks.face_model as face_model

    class NoFace:
        def detect_for_video(self, _image, _timestamp_ms):
            return SimpleNamespace(face_blendshapes=[], facial_transformation_matrixes=[])

        def close(self) -> None:
            pass

    monkeypatch.setattr(face_model, "open_face_landmarker", lambda *a: NoFace())


def test_landmarks_of_an_earlier_version_show_until_extracted_again(
        window_with_landmarks, qtbot, monkeypatch):
    """A video whose landmarks predate face blendshapes: its points are drawn, the panel
    says they are of an earlier version and offers to extract again; once done, the new
    ones show."""
    from emosign_desktop.landmarks.track import OUTDATED_KEYS, cache_path
    from tests.landmarks.test_track import write_old_cache

    w = window_with_landmarks
    video = w.workspace.session.queries.video_named("signbank_ns_1m")
    frames = video.media.frame_count
    write_old_cache(cache_path(video.fingerprint, OUTDATED_KEYS[0]), frames)
    w.select_video("signbank_ns_1m")
    panel = w.details.landmarks
    w.details.tabs.setCurrentWidget(panel)
    assert panel.overlay.track is not None and panel.overlay.track.outdated
    assert panel.status.text() == ("Landmarks of this video were extracted by an earlier "
                                   "version without face blendshapes: extract again.")
    assert panel.extract_button.isVisible() and "again" in panel.extract_button.text()
    from emosign_desktop.ui.proposal_state import ShownProposals

    said = ShownProposals(missing=True).status_text(video, showing=True, running=False)
    assert "signbank_ns_1m were extracted by an earlier version without face" in said
    stand_in_extraction(monkeypatch, frames=frames)
    panel.extract_button.click()
    qtbot.waitUntil(lambda: not panel.overlay.track.outdated, timeout=20_000)
    assert f"face in {frames} of {frames} frames" in panel.status.text()
    assert not panel.extract_button.isVisible()


def test_extraction_done_with_a_stand_in(window_with_landmarks, qtbot, monkeypatch):
    stand_in_extraction(monkeypatch, frames=20)
    w = window_with_landmarks
    w.select_video("signbank_ns_1m")
    panel = w.details.landmarks
    panel.extract()
    qtbot.waitUntil(lambda: panel.overlay.track is not None, timeout=10_000)
    assert "face in 20 of 20 frames" in panel.status.text()
    assert not panel.progress_dialog.isVisible()


def test_stopping_keeps_the_frames_done_and_extracting_again_resumes_there(
        window_with_landmarks, qtbot, monkeypatch):
    """The real extraction with a stand-in model: Stop saves a checkpoint at the frame
    reported, and the next run starts after it."""
    from types import SimpleNamespace

    import mediapipe as mp

    calls = []

    class SlowModel:
        def __init__(self, **_kwargs) -> None:
            pass

        def process(self, _rgb):
            calls.append(1)
            time.sleep(0.02)
            return SimpleNamespace(face_landmarks=None, left_hand_landmarks=None,
                                   right_hand_landmarks=None, pose_landmarks=None)

        def close(self) -> None:
            pass

    monkeypatch.setattr(mp.solutions.holistic, "Holistic", SlowModel)
    no_face_landmarker(monkeypatch)
    w = window_with_landmarks
    w.select_video("signbank_ns_1m")
    panel = w.details.landmarks
    frames = w.workspace.review.media.frame_count
    panel.extract()
    qtbot.waitUntil(lambda: "frames/s ·" in panel.progress_dialog.labelText(),
                    timeout=60_000)
    qtbot.mouseClick(stop_button(panel.progress_dialog), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel._job is None, timeout=10_000)
    stopped = re.fullmatch(rf"Stopped at frame (\d+) of {frames}; extracting again resumes "
                           r"from there\.", panel.status.text())
    assert stopped
    done = int(stopped.group(1))
    assert 0 < done < frames and len(calls) == done
    calls.clear()
    panel.extract()
    qtbot.waitUntil(lambda: "(resumed from frame" in panel.progress_dialog.labelText(),
                    timeout=60_000)
    assert f"(resumed from frame {done})" in panel.progress_dialog.labelText()
    qtbot.waitUntil(lambda: panel.overlay.track is not None, timeout=60_000)
    assert len(calls) == frames - done
