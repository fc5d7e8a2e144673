"""The window on the one write path: each panel refreshes itself, once, for what it shows;
bulk operations are one named undo step; a stale undo is refused and said so; the views all
follow the playhead."""

from __future__ import annotations

import time

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from emosign_desktop.services.packs import export_pack
from emosign_desktop.services.session import open_session
from tests.conftest import demo_copy
from tests.generate import released_rows, write_released
from tests.ui.calls import Calls


@pytest.fixture
def demo(tmp_path):
    return demo_copy(tmp_path)


@pytest.fixture
def window(make_window, demo):
    return make_window(demo, video="signbank_ns_1m")


@pytest.fixture
def errors(monkeypatch):
    from emosign_desktop.ui import actions, messages

    shown: list[str] = []
    for module in (actions, messages):  # (messages: what a background write refused)
        monkeypatch.setattr(module, "show_error",
                            lambda _parent, title, exc: shown.append(f"{title}: {exc}"))
    return shown


@pytest.fixture
def refreshes(window, monkeypatch) -> dict[str, Calls]:
    """Each panel's refreshes from now on."""
    return {"labels": Calls(monkeypatch, window.labels, "refresh"),
            "video list": Calls(monkeypatch, window.videos, "refresh"),
            "details": Calls(monkeypatch, window.details, "refresh"),
            "tiers": Calls(monkeypatch, window.tier_editor, "refresh")}


def counts(refreshes: dict[str, Calls]) -> dict[str, int]:
    return {k: c.count for k, c in refreshes.items()}


def delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {k: after[k] - before[k] for k in before}


def test_a_label_edit_refreshes_each_panel_that_shows_it_once(window, refreshes):
    window.labels._choose("joy", 2)  # kim's first edit: kim appears in the video list
    window.workspace.wait_idle()
    before = counts(refreshes)
    window.labels._choose("anger", 1)
    window.workspace.wait_idle()
    # the label panel skips re-reading its own edit; the list updates one status cell
    assert delta(before, counts(refreshes)) == {"labels": 0, "video list": 0, "details": 1,
                                             "tiers": 0}
    window.labels._choose("joy", 3)
    window.workspace.wait_idle()
    window.menus.undo.trigger()
    window.workspace.wait_idle()
    assert delta(before, counts(refreshes)) == {"labels": 1, "video list": 0, "details": 3,
                                             "tiers": 0}  # the undo (no one's edit): read


def test_a_segment_edit_refreshes_the_segment_views_once(window, refreshes):
    player = window.details.player
    player.playhead.seek(2)
    window.tier_editor.mark_in()
    player.playhead.seek(6)
    before = counts(refreshes)
    window.tier_editor.mark_out()
    window.workspace.wait_idle()
    assert delta(before, counts(refreshes)) == {"labels": 0, "video list": 1, "details": 1,
                                             "tiers": 1}  # kim is new: the list gets a column
    before = counts(refreshes)
    window.tier_editor.delete()
    window.workspace.wait_idle()
    assert delta(before, counts(refreshes)) == {"labels": 0, "video list": 0, "details": 1,
                                             "tiers": 1}


def test_merge_then_undo_restores_the_value_before_the_merge(window, demo, tmp_path,
                                                              monkeypatch):
    """The reviewer's scenario: joy = 2, then a newer pack from the same annotator with
    joy = 3.  The Edit menu offers the merge first; undoing it shows joy = 2 again."""
    window.labels._choose("joy", 2)
    window.workspace.wait_idle()
    laptop = tmp_path / "laptop"
    import shutil

    shutil.copytree(demo, laptop)  # kim's laptop: same project, edited later
    time.sleep(0.01)
    with open_session(laptop) as other:
        video = other._repo.video_by_name("signbank_ns_1m")
        other.editing.set_label(video.id, "kim", "joy", 3)
        export_pack(other, "kim", tmp_path / "kim.json")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda *a, **k: ([str(tmp_path / "kim.json")], ""))
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    window.menus.merge.trigger()
    window.workspace.wait_idle()
    assert window.labels.groups["joy"].checkedButton().text() == "3"  # the panel followed
    assert window.menus.undo.text() == "&Undo: merge kim.json"
    window.menus.undo.trigger()
    window.workspace.wait_idle()
    assert window.labels.groups["joy"].checkedButton().text() == "2"
    assert window.menus.undo.text() == "&Undo: joy = 2"
    window.menus.undo.trigger()
    window.workspace.wait_idle()
    assert window.labels.groups["joy"].checkedButton() is None


def test_import_is_one_named_undo_step(window, tmp_path, monkeypatch):
    src = write_released(tmp_path / "emosign_dataset.csv", released_rows(3))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(src), ""))
    window.menus.import_csv.trigger()
    window.workspace.wait_idle()
    assert window.videos.model.rowCount() == 7
    assert window.menus.undo.text() == "&Undo: import emosign_dataset.csv"
    window.menus.undo.trigger()
    window.workspace.wait_idle()
    assert window.videos.model.rowCount() == 4
    assert "emosign-consensus" not in window.videos.model.annotators()
    assert window.workspace.video.name == "signbank_ns_1m"  # the current video stays


def test_stale_undo_is_refused_with_both_values(window, demo, errors):
    window.labels._choose("joy", 2)
    window.workspace.wait_idle()
    video = window.workspace.video
    with open_session(demo) as other:  # another window or process
        other.editing.set_label(video.id, "kim", "joy", 1)
    window.menus.undo.trigger()
    window.workspace.wait_idle()
    assert errors and "Cannot undo" in errors[0]
    assert "joy" in errors[0] and "now 1, not 2" in errors[0]
    assert window.menus.undo.text() == "&Undo"  # the stale step is gone
    with open_session(demo) as p:
        kim = p._repo.annotator_by_name("kim")
        assert p._repo.annotation(video.id, kim.id).emotions == {"joy": 1}


def test_history_cleared_by_a_huge_operation_says_why(window, tmp_path, monkeypatch):
    from emosign_desktop.services import write_path

    monkeypatch.setattr(write_path, "UNDO_LIMIT", 2)
    src = write_released(tmp_path / "big.csv", released_rows(3))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(src), ""))
    window.labels._choose("joy", 2)
    window.workspace.wait_idle()
    window.menus.import_csv.trigger()
    window.workspace.wait_idle()
    assert not window.menus.undo.isEnabled()
    assert window.menus.undo.text().startswith("Can't &Undo: import big.csv changed")


def test_every_view_follows_the_playhead_after_play_pause_and_step(window, qtbot,
                                                                    monkeypatch):
    monkeypatch.setenv("EMOSIGN_PLAYBACK", "pyav")
    window.select_video("pose_test_video")
    details = window.details
    player = details.player
    ph = player.playhead
    assert player.backend is not None

    def agree() -> bool:
        frame = ph.current
        plot = details.landmarks.plot
        return (player.view.playhead is ph and player.slider.value() == frame
                and player.goto.value() == frame
                and player.frame_label.text().startswith(f"Frame {frame} /")
                and (plot is None or round(plot.cursor.value()) == frame)
                and details.segment_rows.playhead is ph)

    ph.set_playing(True)
    qtbot.waitUntil(lambda: ph.current >= 10, timeout=10_000)
    ph.set_playing(False)
    qtbot.waitUntil(agree, timeout=5_000)
    ph.step(1)
    assert agree()
    ph.step(-3)
    assert agree()
    assert ph.last_move == -1
