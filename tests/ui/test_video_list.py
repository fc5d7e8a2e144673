"""The video list of a project of thousands of videos: it reads a page at a time (never every
video), and filtering, sorting, choosing by name, the next video, the keyboard, status
changes and the summary give what they gave when the list held every row."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from emosign_desktop.core.listing import VideoQuery
from emosign_desktop.core.model import AnnotationStatus
from emosign_desktop.services.session import create_session, open_session
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.settings import UserSettings
from emosign_desktop.ui.main_window import MainWindow
from emosign_desktop.ui.video_list import PAGE, PAGES_HELD, SHOW, VideoListPanel
from tests.ui.calls import Calls
from tests.video_lists import fill, python_list, python_statuses

VIDEOS = 2500
HELD = PAGE * PAGES_HELD
NOT_DONE = SHOW[1][1]


@pytest.fixture(scope="module")
def big_project(tmp_path_factory):
    """A project of 2,500 videos labelled by ana and ben, and the list as Python sees it."""
    folder = tmp_path_factory.mktemp("big") / "project"
    with create_session(folder) as session:
        fill(session, VIDEOS)
        names = python_list(session, VideoQuery())
        statuses = python_statuses(session)
    return folder, names, statuses


@pytest.fixture
def big(tmp_path, big_project):
    import shutil

    folder, names, statuses = big_project
    copy = tmp_path / "project"
    shutil.copytree(folder, copy)
    return copy, names, statuses


@pytest.fixture
def pages_read(monkeypatch) -> Callable[[], int]:
    """How many pages of the list were read from the project from now on (by position or
    by ids)."""
    from emosign_desktop.services.queries import Queries

    by_page = Calls(monkeypatch, Queries, "video_page")
    by_ids = Calls(monkeypatch, Queries, "rows_by_id")
    return lambda: by_page.count + by_ids.count


@pytest.fixture
def panel(qtbot, big, pages_read):
    folder, _names, _statuses = big
    ws = Workspace("ana")
    p = VideoListPanel(ws)
    qtbot.addWidget(p)
    p.resize(700, 500)
    p.show()
    ws.open(folder)
    yield p
    ws.close()


def shown(p: VideoListPanel) -> list[str]:
    return [p.model.row(i).video.name for i in range(p.model.rowCount())]


def query(p: VideoListPanel, **changes) -> VideoQuery:
    import dataclasses

    return dataclasses.replace(VideoQuery(), **changes)


def test_opening_reads_one_page_and_counts_in_sql(panel, qtbot, big, pages_read):
    _folder, names, statuses = big
    model = panel.model
    assert model.rowCount() == VIDEOS
    assert pages_read() <= 2 and model.held_rows() <= PAGE
    assert model.row(0).video.name == names[0]  # sorted by name
    qtbot.waitUntil(lambda: not panel.counting())
    assert pages_read() <= 2 and model.held_rows() <= PAGE
    done = {who: sum(1 for (_v, n), s in statuses.items()
                     if n == who and s is AnnotationStatus.DONE) for who in ("ana", "ben")}
    assert panel.summary.text() == (f"{VIDEOS} videos · you (ana): {done['ana']} of {VIDEOS} "
                                    f"done · ben: {done['ben']} of {VIDEOS} done")


def test_reading_every_row_holds_a_few_pages_only(panel, big):
    _folder, names, _statuses = big
    assert shown(panel) == names
    assert panel.model.held_rows() <= HELD


def test_filtering_by_name_is_done_by_the_query(panel, qtbot, big):
    folder, _names, _statuses = big
    qtbot.keyClicks(panel.filter, "BETA_")
    with open_session(folder) as session:
        expected = python_list(session, VideoQuery(text="BETA_"))
    assert 0 < len(expected) < VIDEOS
    assert shown(panel) == expected
    assert panel.summary.text().startswith(f"{len(expected)} shown · {VIDEOS} videos")
    panel.filter.clear()
    assert panel.model.rowCount() == VIDEOS


def test_the_current_video_stays_current_through_a_filter(panel, big):
    _folder, names, _statuses = big
    assert panel.select_name(names[1234])
    current = panel.workspace.video
    panel.filter.setText("no video is called this")
    assert panel.model.rowCount() == 0 and panel.workspace.video == current
    panel.filter.clear()
    assert panel.selected_id() == current.id  # chosen again in the whole list
    assert panel.table.selectionModel().selectedRows()[0].row() == 1234


def test_next_video_crosses_pages_in_the_list_order(panel, big):
    _folder, names, _statuses = big
    assert panel.select_name(names[PAGE - 2])
    for k in range(PAGE - 1, PAGE + 2):
        assert panel.select_next()
        assert panel.workspace.video.name == names[k]
    assert panel.select_name(names[-1])
    assert not panel.select_next()  # the end of the list
    assert panel.model.held_rows() <= HELD


def test_choosing_a_video_far_down_by_name(panel, big):
    _folder, names, _statuses = big
    assert panel.select_name(names[2400])
    assert panel.workspace.video.name == names[2400]
    assert panel.table.selectionModel().selectedRows()[0].row() == 2400
    assert not panel.select_name("no video is called this")
    assert panel.model.held_rows() <= HELD


def test_keys_move_through_the_list(panel, qtbot, big):
    _folder, names, _statuses = big
    panel.select_name(names[0])
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Down)
    assert panel.workspace.video.name == names[1]
    qtbot.keyClick(panel.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: panel.workspace.video.name == names[-1])
    qtbot.keyClick(panel.table, Qt.Key.Key_Up)
    assert panel.workspace.video.name == names[-2]


def test_a_status_change_shows_in_its_cell_and_the_summary(panel, qtbot, big, pages_read,
                                                            monkeypatch):
    _folder, names, _statuses = big
    ws = panel.workspace
    panel.select_name(names[5])
    row = panel.table.selectionModel().selectedRows()[0].row()
    col = panel.model.annotators().index("ana") + 7
    refreshes, pages = Calls(monkeypatch, panel, "refresh"), pages_read()
    ws.editing.set_skipped(ws.video.id, "ana", True, "too dark")
    assert panel.model.index(row, col).data() == "skipped"
    assert refreshes.count == 0 and pages_read() == pages  # one cell
    ws.editing.set_skipped(ws.video.id, "ana", False)
    values = {"sentiment": 1, **{k: 0 for k in ws.queries.schema.emotion_keys}}
    ws.editing.set_labels(ws.video.id, "ana", values)
    assert panel.model.index(row, col).data() == "done"
    qtbot.waitUntil(lambda: not panel.counting())
    repo = ws.session._repo
    ana = repo.annotator_by_name("ana")
    done = sum(1 for a in repo.annotations(annotator_id=ana.id)
               if a.status(repo.schema) is AnnotationStatus.DONE)
    assert f"you (ana): {done} of {VIDEOS} done" in panel.summary.text()


def test_sorting_by_a_status_column_is_done_by_the_query(panel, big):
    folder, names, _statuses = big
    ws = panel.workspace
    panel.select_name(names[700])
    current = ws.video
    col = panel.model.annotators().index("ben") + 7
    panel.table.sortByColumn(col, Qt.SortOrder.DescendingOrder)
    with open_session(folder) as session:
        expected = python_list(session, query(panel, sort="status", sort_annotator="ben",
                                              descending=True))
    assert shown(panel) == expected
    assert panel.model.held_rows() <= HELD
    assert ws.video == current and panel.selected_id() == current.id
    assert panel.table.selectionModel().selectedRows()[0].row() == expected.index(
        current.name)
    panel.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # duration
    with open_session(folder) as session:
        expected = python_list(session, query(panel, sort="duration"))
    assert [panel.model.row(i).video.name for i in range(VIDEOS - 150, VIDEOS)] \
        == expected[-150:]
    assert panel.selected_id() == current.id


def test_showing_what_you_have_not_done(panel, big):
    folder, _names, _statuses = big
    ws = panel.workspace
    panel.show_status.setCurrentIndex(1)
    with open_session(folder) as session:
        expected = python_list(session, query(panel, annotator="ana", statuses=NOT_DONE))
    assert shown(panel) == expected
    first = panel.model.row(0).video
    values = {"sentiment": 0, **{k: 1 for k in ws.queries.schema.emotion_keys}}
    ws.editing.set_labels(first.id, "ana", values)  # done: it leaves the list
    assert panel.model.rowCount() == len(expected) - 1
    assert panel.model.row(0).video.name == expected[1]
    ws.set_annotator("ben")  # "you" is ben now
    with open_session(folder) as session:
        expected = python_list(session, query(panel, annotator="ben", statuses=NOT_DONE))
    assert shown(panel) == expected


def test_the_window_opens_a_big_project_where_it_was_left(qtbot, big, tmp_path):
    folder, names, _statuses = big
    first = MainWindow(UserSettings(annotator="ana"))
    qtbot.addWidget(first)
    first.show()
    first.open_project(folder)
    assert first.workspace.video.name == names[0]
    first.select_video(names[1800])
    first.next_video()
    assert first.workspace.video.name == names[1801]
    first.close()
    again = MainWindow(UserSettings.load())
    qtbot.addWidget(again)
    again.show()
    again.open_project(folder)
    QApplication.processEvents()
    assert again.workspace.video.name == names[1801]
    assert again.videos.model.held_rows() <= HELD
    again.next_video()
    assert again.workspace.video.name == names[1802]


def done_by(ws: Workspace, who: str) -> int:
    repo = ws.session._repo
    person = repo.annotator_by_name(who)
    return sum(1 for a in repo.annotations(annotator_id=person.id)
               if a.status(repo.schema) is AnnotationStatus.DONE)


def test_the_summary_is_counted_a_part_at_a_time_and_follows_edits(qtbot, big, monkeypatch):
    from emosign_desktop.core.model import VideoId
    from emosign_desktop.ui import video_list

    monkeypatch.setattr(video_list, "COUNT_CHUNK", 50)
    monkeypatch.setattr(video_list, "COUNT_SECONDS", -1)  # one part per turn
    folder, _names, _statuses = big
    ws = Workspace("ana")
    p = VideoListPanel(ws)
    qtbot.addWidget(p)
    p.show()
    ws.open(folder)
    assert p.counting() and p.summary.text() == f"{VIDEOS} videos · counting labels…"
    values = {"sentiment": 2, **{k: 3 for k in ws.queries.schema.emotion_keys}}
    for video_id in (VideoId(1), VideoId(VIDEOS)):  # a part counted, a part still to count
        ws.editing.set_labels(video_id, "ana", values)
    assert p.counting()
    qtbot.waitUntil(lambda: not p.counting())
    assert f"you (ana): {done_by(ws, 'ana')} of {VIDEOS} done" in p.summary.text()
    assert f"ben: {done_by(ws, 'ben')} of {VIDEOS} done" in p.summary.text()
    ws.editing.set_skipped(VideoId(VIDEOS), "ana", True)  # counted again at once
    assert not p.counting()
    assert f"you (ana): {done_by(ws, 'ana')} of {VIDEOS} done" in p.summary.text()
    ws.close()
