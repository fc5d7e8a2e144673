"""Status in sight (issue 23, items 5 and 6): each video's state is marked before its name in
the list, in view at 100 % and 200 % text on 1366x768, said in words in its tooltip and
accessible text; the list's titles fit their text (or are whole in their tooltips);
proposal names are whole on the plot (inside the curves' view, never under the legend) and
on the segment rows; a detector's signals are offered and plotted for its selected
proposal; blind mode says why in every panel it empties; Down in a list with no video
selected selects the first; Return opens a recent project; another project's Tiers tab is
scrolled to its top."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QScrollArea

from emosign_desktop.core.model import AnnotationStatus
from emosign_desktop.landmarks.signals import compute_signals
from emosign_desktop.media.playhead import Playhead
from emosign_desktop.services.session import Session, open_session
from emosign_desktop.services.videos import add_named_videos, add_videos
from emosign_desktop.storage import open_project
from emosign_desktop.ui.appearance import apply_appearance
from emosign_desktop.ui.plots.signal_plot import SignalPlotWidget
from emosign_desktop.ui.proposed_span import ProposedSpan
from emosign_desktop.ui.review.segment_rows import SegmentRow, SegmentRowsWidget
from emosign_desktop.ui.welcome import WelcomeScreen
from tests.conftest import add_videos_by_name, demo_copy
from tests.ui.test_landmarks_ui import synthetic_track
from tests.ui.windows import build_window

LONG_NAME = "asl_" + "very_long_utterance_name_" * 6 + "2024"
#: The demo's videos and the state kim's labels give each (the cut clip is added).
STATES = {"pose_sample_video": AnnotationStatus.IN_PROGRESS,
          "pose_test_video": AnnotationStatus.DONE,
          "signbank_ns_011-019": AnnotationStatus.SKIPPED,
          "signbank_ns_1m": AnnotationStatus.NOT_STARTED}


@pytest.fixture(autouse=True)
def _normal_text():
    yield
    apply_appearance(100, False)  # the application is shared by the tests


@pytest.fixture
def demo(tmp_path):
    """The demo project: kim's labels in every state, a video cut short (5 of its 58
    frames decode) and one with a long name."""
    from emosign_desktop.resources import resource_dir

    folder = demo_copy(tmp_path)
    cut = tmp_path / "clip_cut.mp4"
    cut.write_bytes((resource_dir() / "demo" / "pose_test_video.mp4").read_bytes()[:50000])
    with open_session(folder) as s:
        add_named_videos(s, [LONG_NAME])
        add_videos(s, [cut])
        videos = {v.name: v for v in s.queries.videos()}
        keys = s.schema.emotion_keys
        s.editing.set_label(videos["pose_sample_video"].id, "kim", "joy", 1)
        s.editing.set_labels(videos["pose_test_video"].id, "kim",
                             {"sentiment": 1, **dict.fromkeys(keys, 0)})
        s.editing.set_skipped(videos["signbank_ns_011-019"].id, "kim", True, "blurry")
    return folder


def window_at(qtbot, folder: Path, scale: int):
    w = build_window(qtbot, folder, video="pose_test_video", text_scale=scale,
                     size=(1366, 768))
    apply_appearance(scale, False)
    w.resize(1366, 768)
    QApplication.processEvents()
    w.balance_docks()
    QApplication.processEvents()
    return w


def rows_by_name(w) -> dict[str, int]:
    model = w.videos.model
    return {model.row(i).video.name: i for i in range(model.rowCount())}


@pytest.mark.parametrize("scale", [100, 200])
def test_each_videos_state_is_marked_in_view_with_words(qtbot, demo, scale):
    w = window_at(qtbot, demo, scale)
    table, model = w.videos.table, w.videos.model
    rows = rows_by_name(w)
    view = table.viewport().rect()
    mark_w = table.iconSize().width()
    assert mark_w >= table.fontMetrics().height()  # as big as the text
    for name in (LONG_NAME, *STATES):
        table.scrollTo(model.index(rows[name], 0))
        QApplication.processEvents()
        cell = table.visualRect(model.index(rows[name], 0))
        mark = QRect(cell.left(), cell.top(), mark_w + 4, cell.height())
        assert view.contains(mark), (name, mark, view)  # no scrolling sideways
    assert table.horizontalScrollBar().value() == 0
    tips, spoken = {}, {}
    for name in (*STATES, "clip_cut"):
        index = model.index(rows[name], 0)
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        assert isinstance(icon, QIcon) and not icon.isNull()
        tips[name] = index.data(Qt.ItemDataRole.ToolTipRole)
        spoken[name] = index.data(Qt.ItemDataRole.AccessibleTextRole)
        assert index.data() == name  # the name itself is unchanged
    for name, status in STATES.items():
        words = {AnnotationStatus.NOT_STARTED: "not started",
                 AnnotationStatus.IN_PROGRESS: "in progress",
                 AnnotationStatus.DONE: "done", AnnotationStatus.SKIPPED: "skipped"}[status]
        assert f"{words} by you (kim)" in tips[name].lower(), tips[name]
        assert f"{words} by you (kim)" in spoken[name], spoken[name]
    assert "file cut short: 5 of 58 frames" in tips["clip_cut"]
    assert "file cut short: 5 of 58 frames" in spoken["clip_cut"]
    assert len(set(tips.values())) == len(tips)  # each state said differently
    # the marks differ in shape, not only in colour: their pictures differ
    pictures = {bytes(model.index(rows[n], 0).data(Qt.ItemDataRole.DecorationRole)
                      .pixmap(table.iconSize()).toImage().constBits())
                for n in (*STATES, "clip_cut")}
    assert len(pictures) == len(STATES) + 1


def test_marks_follow_an_edit_and_the_annotator(qtbot, demo):
    w = window_at(qtbot, demo, 100)
    model = w.videos.model
    row = rows_by_name(w)["signbank_ns_1m"]
    tip = lambda: model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)  # noqa: E731
    assert "Not started by you (kim)" in tip()
    video = w.workspace.queries.video_named("signbank_ns_1m")
    w.workspace.editing.set_label(video.id, "kim", "joy", 2)
    qtbot.waitUntil(lambda: "In progress by you (kim)" in tip())
    w.set_annotator("demo-annotator")
    assert "by you (demo-annotator)" in tip()


def test_header_titles_fit_at_200_percent_and_are_whole_in_tooltips(qtbot, demo):
    w = window_at(qtbot, demo, 100)
    apply_appearance(200, False)  # Larger Text, live
    QApplication.processEvents()
    header, model = w.videos.table.horizontalHeader(), w.videos.model
    metrics = header.fontMetrics()
    for col in range(1, model.columnCount()):  # (the first: as wide as the list at most)
        title = model.headerData(col, Qt.Orientation.Horizontal)
        assert header.sectionSize(col) >= metrics.horizontalAdvance(title) + 8, title
        assert title in model.headerData(col, Qt.Orientation.Horizontal,
                                         Qt.ItemDataRole.ToolTipRole)
    assert header.textElideMode() == Qt.TextElideMode.ElideRight
    tip = model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Video") and "not started" in tip and "cut short" in tip


@pytest.fixture
def plot(qtbot):
    w = SignalPlotWidget(Playhead(40, 25.0))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.set_data(compute_signals(synthetic_track()), [], 40)
    return w


def span(label: str, start: int, end: int, detector: str = "fast_signing",
         selected: bool = False) -> ProposedSpan:
    return ProposedSpan((detector, 1, start, end), "kim", "Emotion cue", start, end, label,
                        f"{label}: evidence", selected)


@pytest.mark.parametrize(("scale", "size"), [(100, (1300, 200)),  # the legend right
                                             (200, (1100, 300)), (100, (700, 260))])
def test_proposal_names_are_whole_on_the_plot_and_clear_of_the_legend(plot, qtbot, scale,
                                                                      size):
    apply_appearance(scale, False)
    plot.resize(*size)
    plot.set_proposals([span("Brow raise", 2, 6, "brow_raise"), span("Fast signing", 38, 39)])
    qtbot.waitUntil(lambda: plot.plot.plotItem.vb.height() > 0)
    for _ in range(20):  # the layout, then the view's new range
        QApplication.processEvents()
    view = plot.plot.plotItem.vb.sceneBoundingRect()
    legend = plot.legend.sceneBoundingRect() if plot.legend.isVisible() else None
    assert plot.proposal_items
    for proposal, _region, label in plot.proposal_items:
        rect = label.sceneBoundingRect()
        assert view.adjusted(-1, -1, 1, 1).contains(rect), (proposal.label, rect, view)
        assert legend is None or not rect.intersects(legend), proposal.label


def test_a_detectors_signal_is_offered_and_plotted_for_its_proposal(plot):
    from emosign_desktop.analysis.proposals import DETECTORS

    keys = {plot.choices.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(plot.choices.count())}
    for detector in DETECTORS.values():
        assert set(detector.signals) <= keys, detector.name
    row = next(plot.choices.item(i) for i in range(plot.choices.count())
               if plot.choices.item(i).data(Qt.ItemDataRole.UserRole) == "wrist_speed")
    assert "Fast signing" in row.toolTip()
    assert "wrist_speed" not in plot.checked()
    plot.set_proposals([span("Fast signing", 10, 14)])
    assert "wrist_speed" not in plot.checked()  # (none selected)
    plot.set_proposals([span("Fast signing", 10, 14, selected=True)])
    assert "wrist_speed" in plot.checked()
    assert "Wrist speed" in [label.text for _s, label in plot.legend.items]


@pytest.mark.parametrize(("scale", "width"), [(100, 800), (200, 1200)])
def test_segment_rows_show_proposal_names_whole(qtbot, scale, width):
    apply_appearance(scale, False)
    rows = SegmentRowsWidget(Playhead(100, 25.0))
    qtbot.addWidget(rows)
    rows.resize(width, 200)
    rows.show()
    rows.set_rows([SegmentRow("kim · Emotion cue, a title longer than its column is wide",
                              (), "kim", "Emotion cue")], 100)
    narrow = span("Fast signing", 60, 62)  # 3 frames: far too narrow for its name
    rows.set_proposals([span("Brow raise", 10, 30, "brow_raise"), narrow])
    placed = {p.label: (where, text) for p, where, text in rows.proposal_names(0)}
    where, text = placed["Fast signing"]
    assert text == narrow.text == "Fast signing (proposed)"
    assert rows.rect().toRectF().contains(where)
    assert where.width() >= rows.fontMetrics().horizontalAdvance(text)
    brow = placed["Brow raise"][0]
    assert not brow.intersects(where)
    # the row's title, elided in its column, is whole in its tooltip
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QToolTip

    pos = QPoint(10, 2 + rows.row_h // 2)
    QApplication.sendEvent(rows, QHelpEvent(QHelpEvent.Type.ToolTip, pos,
                                            rows.mapToGlobal(pos)))
    assert QToolTip.text() == rows.shown[0].title
    QToolTip.hideText()


@pytest.fixture
def blind_window(make_window, project_dir):
    with Session(open_project(project_dir)) as s:
        [v1] = add_videos_by_name(s, "v1")
        s.editing.set_labels(v1.id, "lee", {"sentiment": 2})
        tier = s.queries.tiers()[0]
        s.editing.add_segment(v1.id, "lee", tier.id, 3, 9)
        s.editing.set_label(v1.id, "kim", "joy", 1)  # kim has started, not finished
    return make_window(project_dir, video="v1", size=(1366, 768))


def test_blind_mode_says_why_in_side_by_side_and_segments(blind_window, qtbot):
    w = blind_window
    details = w.details
    assert not details.side_by_side.note.isVisibleTo(details) and not details.segment_rows.note
    w.blind_action.trigger()
    w.workspace.wait_idle()
    why = w.workspace.visibility(w.workspace.video.id).why
    assert why.startswith("Blind mode:")
    details.tabs.setCurrentWidget(details.side_by_side.page)
    qtbot.waitUntil(lambda: details.side_by_side.note.isVisible())
    assert details.side_by_side.note.text() == why
    note = details.side_by_side.note
    assert note.visibleRegion().boundingRect().height() >= note.fontMetrics().height()
    rows = details.segment_rows
    details.tabs.setCurrentWidget(rows)
    qtbot.waitUntil(rows.isVisible)
    assert rows.note == why
    assert rows.rect().toRectF().contains(rows._note_rect())  # painted in the widget
    assert rows.minimumHeight() >= rows._note_rect().bottom()


def test_down_in_a_list_with_no_video_selected_selects_the_first(make_window, qtbot,
                                                                 tmp_path):
    w = make_window(demo_copy(tmp_path), video="signbank_ns_1m", size=(1366, 768))
    table = w.videos.table
    w.videos.filter.setText("pose_")  # the current video is filtered out: none selected
    assert not table.selectionModel().hasSelection()
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert [i.row() for i in table.selectionModel().selectedRows()] == [0]
    assert w.workspace.video.name == "pose_sample_video"
    qtbot.keyClick(table, Qt.Key.Key_Down)  # and on from there
    assert w.workspace.video.name == "pose_test_video"


def test_return_opens_the_focused_recent_project(qtbot, tmp_path):
    from emosign_desktop.services.workspace import Workspace

    folder = demo_copy(tmp_path)
    opened: list[str] = []
    screen = WelcomeScreen(Workspace("kim"), lambda f: opened.append(str(f)) or True,
                           lambda: [str(folder)])
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitExposed(screen)
    button = screen.recent_box.itemAt(0).widget()
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        button.setFocus()
        qtbot.waitUntil(button.hasFocus)
        qtbot.keyClick(button, key)
    assert opened == [str(folder), str(folder)]


def test_another_project_shows_the_tiers_tab_from_its_top(make_window, qtbot, tmp_path):
    first, second = demo_copy(tmp_path / "a"), demo_copy(tmp_path / "b")
    w = make_window(first, video="pose_test_video", text_scale=200, size=(1366, 768))
    apply_appearance(200, False)
    w.resize(1366, 768)
    details = w.details
    details.tabs.setCurrentIndex(0)  # Tiers
    area = w.tier_editor.parentWidget().parentWidget()
    bar = area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    assert bar.value() > 0
    labels = next(a for a in w.labels.findChildren(QScrollArea) if a.verticalScrollBar().maximum())
    labels.verticalScrollBar().setValue(labels.verticalScrollBar().maximum())
    assert labels.verticalScrollBar().value() > 0
    assert w.open_project(second)
    QApplication.processEvents()
    assert bar.value() == 0
    assert labels.verticalScrollBar().value() == 0  # every scrolled panel, not the Tiers tab only
    tier = w.tier_editor.tier
    assert tier.visibleRegion().boundingRect().height() == tier.height()  # in view
