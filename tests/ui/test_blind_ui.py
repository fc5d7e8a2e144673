"""Blind mode in the window: what an annotator who has not finished a video is shown."""

from __future__ import annotations

import pytest

from emosign_desktop.services.session import Session
from emosign_desktop.storage import open_project
from tests.conftest import add_videos_by_name


@pytest.fixture
def window(make_window, project_dir):
    with Session(open_project(project_dir)) as s:
        [v1] = add_videos_by_name(s, "v1")
        keys = s.schema.emotion_keys
        s.editing.set_labels(v1.id, "lee", {"sentiment": 2, **dict.fromkeys(keys, 1),
                                            "cues": "lee's cue text"})
        tier = s._repo.tiers()[0]
        s.editing.add_segment(v1.id, "lee", tier.id, 3, 9)
        s.editing.set_label(v1.id, "kim", "joy", 1)  # kim has started, not finished
    return make_window(project_dir, video="v1", size=(1366, 768))


def summary(w) -> str:
    return w.details.text.toPlainText()


def rows(w) -> list[str]:
    return [r.title for r in w.details.segment_rows.shown]


def side_by_side(w) -> list[str]:
    table = w.details.side_by_side
    return [table.horizontalHeaderItem(c).text() for c in range(1, table.columnCount())]


def test_blind_mode_hides_the_others_until_the_video_is_finished(window, qtbot):
    w = window
    assert "lee's cue text" in summary(w) and any("lee" in r for r in rows(w))
    assert sorted(side_by_side(w)) == ["kim", "lee"]
    w.blind_action.trigger()  # Annotators ▸ Blind Mode
    w.workspace.wait_idle()  # written on the background writer
    assert w.blind_action.isChecked() and w.workspace.blind_mode()
    assert "lee" not in summary(w) and "Blind mode:" in summary(w)
    assert not any("lee" in r for r in rows(w))
    assert side_by_side(w) == ["kim"]
    models = w.details.models
    models.refresh()
    assert models.table.columnCount() == 0 and "Blind mode:" in models.note.text()
    w.show_agreement()
    assert w.agreement.blind_note.isVisibleTo(w.agreement)
    assert not w.agreement.tabs.isVisibleTo(w.agreement)
    keys = w.workspace.queries.schema.emotion_keys
    video = w.workspace.video
    w.workspace.editing.set_labels(video.id, "kim", {"sentiment": 1,
                                                      **dict.fromkeys(keys, 0)})
    qtbot.waitUntil(lambda: "lee's cue text" in summary(w))  # finished: everything shows
    assert any("lee" in r for r in rows(w)) and sorted(side_by_side(w)) == ["kim", "lee"]
    models.refresh()
    assert models.table.columnCount() > 0
    w.menus.undo.trigger()
    w.workspace.wait_idle()  # Edit ▸ Undo runs on the background writer
    qtbot.waitUntil(lambda: "lee" not in summary(w))


def test_a_reviewer_sees_everything_and_undo_turns_blind_mode_off(window, qtbot):
    w = window
    w.blind_action.trigger()
    w.workspace.wait_idle()  # written on the background writer
    assert "lee" not in summary(w)
    w.reviewer_action.trigger()  # Annotators ▸ I Am a Reviewer
    assert w.settings.reviewer
    qtbot.waitUntil(lambda: "lee's cue text" in summary(w))
    w.reviewer_action.trigger()
    qtbot.waitUntil(lambda: "lee" not in summary(w))
    assert w.workspace.undo_stack.undo_label == "turn blind mode on"
    w.menus.undo.trigger()
    w.workspace.wait_idle()  # Edit ▸ Undo runs on the background writer
    qtbot.waitUntil(lambda: "lee's cue text" in summary(w))
    assert not w.blind_action.isChecked()


def test_the_summary_shows_time_on_task(window, qtbot):
    from emosign_desktop.services.activity import record_active_time

    w = window
    video = w.workspace.video
    record_active_time(w.workspace.session, video.id, "lee", 125.0)
    record_active_time(w.workspace.session, video.id, "kim", 61.0)
    w.details.refresh()
    assert "lee — in progress — active 2 min 05 s" in summary(w) or \
        "lee — done — active 2 min 05 s" in summary(w)
    assert "active 1 min 01 s" in summary(w)
    w.blind_action.trigger()  # blind: not even the others' time
    w.workspace.wait_idle()  # written on the background writer
    assert "2 min 05 s" not in summary(w) and "active 1 min 01 s" in summary(w)
