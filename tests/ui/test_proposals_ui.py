"""Cue proposals in the window: dashed spans on the segment rows and the signal plot, the
keys to go through them, accept (with moved edges) and reject, undo, detector settings and
the signer; each write one step of Edit ▸ Undo."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from emosign_desktop.landmarks.track import cache_path
from emosign_desktop.services.proposing import video_signers
from emosign_desktop.services.session import create_session
from emosign_desktop.services.videos import add_videos
from emosign_desktop.settings import UserSettings
from emosign_desktop.ui.main_window import MainWindow
from emosign_desktop.ui.proposal_texts import KEYS
from tests.generate import make_video
from tests.landmarks.test_signals import base_track
from tests.services.test_proposing import FPS, FRAMES, raised_brows

KEY = {"N": Qt.Key.Key_N, "P": Qt.Key.Key_P, "A": Qt.Key.Key_A, "X": Qt.Key.Key_X,
       "[": Qt.Key.Key_BracketLeft, "]": Qt.Key.Key_BracketRight}


@pytest.fixture
def project_folder(tmp_path):
    """Videos up1 (brows raised over 20..39), up2 (50..69) with cached landmarks, and bare
    without; 100 frames at 25 fps each."""
    folder = tmp_path / "project"
    media = tmp_path / "media"
    media.mkdir()
    files = [make_video(media / "up1.mp4", FRAMES, (64, 48), int(FPS)),
             make_video(media / "up2.mp4", FRAMES, (80, 48), int(FPS)),
             make_video(media / "bare.mp4", FRAMES, (96, 48), int(FPS))]
    with create_session(folder) as s:
        videos = {v.name: v for v in add_videos(s, files)}
    for name, span, seed in (("up1", (20, 39), 1), ("up2", (50, 69), 2)):
        track = raised_brows(*span, seed) if span else base_track(FRAMES, FPS)
        path = cache_path(videos[name].fingerprint)
        path.parent.mkdir(parents=True, exist_ok=True)
        track.save(path)
    return folder


@pytest.fixture
def window(make_window, project_folder):
    return make_window(project_folder, video="up1", size=(1366, 768))


def press(qtbot, key: str) -> None:
    qtbot.keyClick(QApplication.focusWidget(), KEY[key])


def dashed(pen) -> bool:
    return pen.style() in (Qt.PenStyle.DashLine, Qt.PenStyle.CustomDashLine)


def segments(w):
    return w.workspace.session._repo.segments()


def test_proposals_show_as_dashed_named_spans_on_the_rows_and_the_plot(window, qtbot):
    ctl = window.proposals
    assert ctl.shown.found is None and window.details.segment_rows.proposals == []
    assert "Propose cues" in ctl.status.text()
    ctl.actions.propose.trigger()
    assert ctl.status.text() == "Proposing cues for up1…"  # on the background writer
    window.workspace.wait_idle()
    assert [(p.detector, p.start_frame, p.end_frame) for p in ctl.items] == [
        ("brow_raise", 20, 39)]
    rows = window.details.segment_rows
    [span] = rows.proposals
    assert (span.tier, span.annotator, span.label) == ("Facial grammar", "kim", "Brow raise")
    assert "kim · Facial grammar (proposed)" in [r.title for r in rows.shown]
    assert dashed(rows.proposal_pen(span))
    assert span.text == "Brow raise (proposed)"
    assert "Evidence: Inner brow raise + Outer brow raise (mean) reaches" in span.tooltip
    assert "a rough baseline" in span.tooltip  # 4 s of this signer: the evidence says so
    assert "→ Facial grammar" in span.tooltip
    assert rows.proposal_at(rows._x(30), 2 + rows.shown.index(
        next(r for r in rows.shown if r.title.endswith("(proposed)"))) * rows.row_h + 5) == span
    plot = window.details.landmarks.plot
    [(shown, region, label)] = plot.proposal_items
    assert shown == span and region.getRegion() == (20, 40)
    assert all(dashed(line.pen) for line in region.lines)
    assert label.textItem.toPlainText() == "Brow raise"  # the hatch and the dashes say "proposed"
    assert region.brush.style() == Qt.BrushStyle.BDiagPattern  # hatched, not filled
    assert "1 proposal on up1" in ctl.status.text()
    assert "baseline is the quietest 30 % of the only 4.0 s" in ctl.status.text()
    assert segments(window) == []  # nothing stored by proposing
    assert window.proposals.buttons["propose"].text() == "Hide proposals"
    ctl.actions.propose.trigger()  # hides them
    assert rows.proposals == [] and plot.proposal_items == []


def test_next_and_accept_by_keys_make_the_annotators_segment_with_moved_edges(window, qtbot):
    ctl, player = window.proposals, window.details.player
    player.setFocus()
    press(qtbot, "N")  # proposes on the way, and goes to the first once they are there
    window.workspace.wait_idle()
    assert ctl.showing and player.playhead.current == 20
    assert ctl.shown.selected == ("brow_raise", 2, 20, 39)
    [span] = window.details.segment_rows.proposals
    assert span.selected and span.text.startswith("▶ Brow raise")
    player.playhead.seek(22)
    press(qtbot, "[")
    player.playhead.seek(37)
    press(qtbot, "]")
    assert ctl.shown.edges == {("brow_raise", 2, 20, 39): (22, 37)}
    assert "22–37 (edges moved)" in ctl.status.text()
    press(qtbot, "A")
    window.workspace.wait_idle()
    [seg] = segments(window)
    repo = window.workspace.session._repo
    assert (seg.start_frame, seg.end_frame, repo.tier(seg.tier_id).name) == (
        22, 37, "Facial grammar")
    assert repo.annotator_by_name("kim").id == seg.annotator_id
    attrs = dict(seg.attributes)
    assert attrs["proposed_by"] == "brow_raise v2" and "peak" in json.loads(attrs["evidence"])
    assert window.menus.undo.text() == "&Undo: accept brow raise 22-37"
    assert ctl.items == [] and window.details.segment_rows.proposals == []
    assert "kim · Facial grammar" in [r.title for r in window.details.segment_rows.rows]
    window.menus.undo.trigger()
    window.workspace.wait_idle()
    assert segments(window) == []
    assert len(ctl.items) == 1 and ctl.shown.selected is None


def test_reject_hides_it_and_undo_brings_it_back(window, qtbot):
    ctl, player = window.proposals, window.details.player
    ctl.actions.propose.trigger()
    window.workspace.wait_idle()
    player.setFocus()
    press(qtbot, "N")
    press(qtbot, "X")
    window.workspace.wait_idle()
    assert ctl.items == [] and window.details.segment_rows.proposals == []
    assert window.menus.undo.text() == "&Undo: reject brow raise 20-39"
    assert segments(window) == []  # a rejection is no one's label
    assert window.workspace.video.name == "up1"
    assert "Nothing proposed for up1" in ctl.status.text()
    window.menus.undo.trigger()
    window.workspace.wait_idle()
    assert [(p.start_frame, p.end_frame) for p in ctl.items] == [(20, 39)]
    assert len(window.details.segment_rows.proposals) == 1


def test_dragging_the_selected_proposals_edge_like_a_segments(window, qtbot):
    ctl = window.proposals
    rows = window.details.segment_rows
    window.details.tabs.setCurrentWidget(rows)
    ctl.show_proposals()
    window.workspace.wait_idle()
    ctl.next()
    row = next(i for i, r in enumerate(rows.shown) if r.title.endswith("(proposed)"))
    y = 2 + row * rows.row_h + rows.row_h // 2
    start = QPoint(int(rows._x(40)), y)  # the end edge (after frame 39)
    target = QPoint(int(rows._x(34.5)), y)
    qtbot.mousePress(rows, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(rows, QPoint(int(rows._x(36)), y))
    qtbot.mouseMove(rows, target)
    qtbot.mouseRelease(rows, Qt.MouseButton.LeftButton, pos=target)
    [(start_frame, end_frame)] = ctl.shown.edges.values()
    assert start_frame == 20 and end_frame in (33, 34)
    assert segments(window) == []  # moving edges stores nothing
    plot = window.details.landmarks.plot  # the plot's edges drag too
    [(_span, region, _label)] = [t for t in plot.proposal_items if t[0].selected]
    region.lines[0].setValue(22.4)
    region.lines[0].sigPositionChangeFinished.emit(region.lines[0])
    assert list(ctl.shown.edges.values()) == [(22, end_frame)]
    ctl.accept()
    window.workspace.wait_idle()
    [seg] = segments(window)
    assert (seg.start_frame, seg.end_frame) == (22, end_frame)


def test_the_proposals_follow_the_video_and_say_when_there_are_no_landmarks(window, qtbot):
    ctl = window.proposals
    ctl.show_proposals()
    assert window.select_video("up2")
    window.workspace.wait_idle()
    assert [(p.start_frame, p.end_frame) for p in ctl.items] == [(50, 69)]
    assert window.select_video("bare")
    window.workspace.wait_idle()
    assert ctl.items == [] and ctl.shown.missing
    assert "No landmarks yet for bare" in ctl.status.text()
    ctl.next()
    assert "No landmarks yet for bare" in window.statusBar().currentMessage()
    bare = window.workspace.video  # its landmarks are extracted: the proposals show
    track = raised_brows(10, 29, 3)
    track.save(cache_path(bare.fingerprint))
    window.details.landmarks.landmarks_ready.emit(bare.fingerprint)
    window.workspace.wait_idle()
    assert [(p.start_frame, p.end_frame) for p in ctl.items] == [(10, 29)]


def test_keys_act_only_where_the_player_rows_or_landmarks_have_the_focus(window, qtbot):
    ctl = window.proposals
    ctl.show_proposals()
    window.workspace.wait_idle()
    window.videos.table.setFocus()
    qtbot.keyClick(window.videos.table, Qt.Key.Key_N)
    assert ctl.shown.selected is None
    window.details.player.setFocus()
    press(qtbot, "N")
    assert ctl.shown.selected is not None
    press(qtbot, "P")  # there is none before it: it stays
    assert ctl.shown.selected is not None
    assert "first proposal" in window.statusBar().currentMessage()
    assert ctl.actions.next.shortcut().toString() == KEYS["next"]


def test_detector_settings_change_in_one_undoable_step_each(window, qtbot):
    from emosign_desktop.ui.detector_settings import DetectorSettingsDialog

    ctl = window.proposals
    ctl.show_proposals()
    ctl.actions.settings.trigger()
    dialog = ctl.settings_dialog
    assert isinstance(dialog, DetectorSettingsDialog) and dialog.isVisible()
    spin = dialog.spins[("brow_raise", "threshold")]
    assert spin.value() == 3.0 and spin.accessibleName() == "Brow raise: threshold"
    before = window.menus.undo.text()
    spin.setValue(50.0)  # z 30 < 50: nothing proposed
    window.workspace.wait_idle()
    assert ctl.items == []
    assert window.menus.undo.text() == "&Undo: change the brow raise detector"
    window.menus.undo.trigger()
    window.workspace.wait_idle()
    assert spin.value() == 3.0 and len(ctl.items) == 1
    assert window.menus.undo.text() == before  # the change was one step, no more
    dialog.enabled["brow_raise"].setChecked(False)
    window.workspace.wait_idle()
    assert ctl.items == []
    assert window.menus.undo.text() == "&Undo: change the brow raise detector"
    window.menus.undo.trigger()
    window.workspace.wait_idle()
    assert dialog.enabled["brow_raise"].isChecked() and len(ctl.items) == 1
    assert window.menus.undo.text() == before
    duration = dialog.spins[("brow_raise", "min_duration_s")]
    duration.setValue(1.0)  # 20 frames at 25 fps = 0.8 s: too short now
    window.workspace.wait_idle()
    assert ctl.items == []
    window.menus.undo.trigger()
    window.workspace.wait_idle()
    assert window.workspace.session._repo.meta().get("detector_settings") is None


def test_the_signer_of_the_video(window, qtbot, monkeypatch):
    from emosign_desktop.ui import proposals

    asked = []

    def answer(_parent, video, current, known):
        asked.append((video, current, known))
        return "Signer A"

    monkeypatch.setattr(proposals, "ask_signer_name", answer)
    window.proposals.actions.signer.trigger()
    window.workspace.wait_idle()
    assert asked == [("up1", "", [])]
    assert video_signers(window.workspace.session) == {"up1": "Signer A"}
    assert window.menus.undo.text() == "&Undo: set the signer of 1 video"
    window.menus.undo.trigger()
    window.workspace.wait_idle()
    assert video_signers(window.workspace.session) == {}


def test_the_cues_menu_sits_before_view(window):
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles.index("&Cues") == titles.index("&View") - 1
    texts = [a.text() for a in window.proposals.actions.menu.actions() if a.text()]
    assert texts[:3] == ["&Propose Cues for This Video", "&Next Proposal",
                         "P&revious Proposal"]
    assert "(N)" in window.proposals.actions.next.toolTip()


@pytest.mark.slow  # a window walk at each text size
@pytest.mark.parametrize("size", [(1366, 768), (1280, 720)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_window_still_fits_a_laptop_at_large_text(qtbot, project_folder, size):
    from emosign_desktop.ui.appearance import apply_appearance

    w = MainWindow(UserSettings(annotator="kim", text_scale=200))
    qtbot.addWidget(w)
    try:
        w.resize(*size)
        w.show()
        w.open_project(project_folder)
        w.select_video("up1")
        QApplication.processEvents()
        hint = w.minimumSizeHint()
        assert hint.width() <= size[0] and hint.height() <= size[1], hint
        assert (w.width(), w.height()) == size
    finally:
        apply_appearance(100, False)


def test_every_proposal_key_is_registered_once_and_named_in_the_sheet_lines(window):
    from PySide6.QtGui import QAction, QKeySequence

    from emosign_desktop.ui.proposal_texts import SHEET

    mine = {a.shortcut().toString() for a in window.proposals.actions.menu.actions()
            if not a.shortcut().isEmpty()}
    assert mine == {QKeySequence(k).toString() for keys, _what, _where in SHEET for k in keys}
    from PySide6.QtGui import QShortcut

    others = [a.shortcut().toString() for a in window.findChildren(QAction)
              if not a.shortcut().isEmpty() and a not in window.proposals.actions.menu.actions()]
    others += [s.key().toString() for s in window.findChildren(QShortcut)]
    assert not mine & set(others)  # no key taken twice
