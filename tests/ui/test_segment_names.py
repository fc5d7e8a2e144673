"""Names on a segment row never overlap (issue 23, item 5), at 200 % text in the Segments
tab of a 1366x768 window: proposals' names too wide for their boxes share the room between
them, segments' values are elided in their boxes (whole in the tooltip), and the row titles
are elided by the annotator's name first, the tier whole."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from emosign_desktop.core.model import Segment
from emosign_desktop.ui.appearance import apply_appearance
from emosign_desktop.ui.proposed_span import ProposedSpan
from emosign_desktop.ui.review.segment_rows import SegmentRow
from tests.conftest import demo_copy

FRAMES = 100


@pytest.fixture(autouse=True)
def _normal_text():
    yield
    apply_appearance(100, False)  # the application is shared by the tests


def proposal(label: str, start: int, end: int) -> ProposedSpan:
    return ProposedSpan(("fast_signing", 1, start, end), "kim", "Emotion cue", start, end,
                        label, f"{label}: evidence")


def segment(sid: int, value: str, start: int, end: int) -> Segment:
    return Segment(sid, 1, 1, 1, start, end, value)  # type: ignore[arg-type]


@pytest.fixture
def rows(make_window, tmp_path, qtbot):
    """The Segments tab of the demo's main window on 1366x768 at 200 % text."""
    window = make_window(demo_copy(tmp_path), video="pose_test_video", text_scale=200,
                         size=(1366, 768))
    apply_appearance(200, False)
    window.balance_docks()
    details = window.details
    details.tabs.setCurrentWidget(details.segment_rows)
    widget = details.segment_rows
    qtbot.waitUntil(lambda: widget.isVisible() and widget.width() > 300)
    return widget


def _assert_apart(rows, names) -> None:
    metrics = rows.fontMetrics()
    for _span, where, label in names:
        assert rows.rect().toRectF().contains(where)
        assert metrics.horizontalAdvance(label) <= where.width() + 0.5, label  # not cut
    drawn = [where for _s, where, label in names if label]
    for a, b in itertools.combinations(drawn, 2):
        assert not a.intersects(b), (a, b)


def test_proposal_names_on_a_row_never_overlap(rows):
    rows.set_rows([SegmentRow("kim · Emotion cue", (), "kim", "Emotion cue")], FRAMES)
    # the first sits by the titles (no room on its left), so its name goes right; the
    # second's right is blocked by the third, so it wants the same gap on its left
    rows.set_proposals([proposal("Larger signing space than before", 1, 2),
                        proposal("Facial expression of surprise", 60, 61),
                        proposal("Brow raise held long", 64, 65)])
    names = rows.proposal_names(0)
    assert len(names) == 3
    _assert_apart(rows, names)
    assert all(label for _s, _w, label in names)  # each says at least part of its name


def test_segment_values_are_elided_in_their_boxes_and_whole_in_the_tooltip(rows):
    long_a = "larger signing space than the last sentence"
    long_b = "facial expression of surprise"
    segs = (segment(1, long_a, 20, 34), segment(2, long_b, 35, 49))  # touching, narrow
    rows.set_rows([SegmentRow("demo-annotator · Emotion cue", segs, "kim", "Emotion cue")],
                  FRAMES)
    rows.set_proposals([proposal("Fast signing", 50, 51)])
    names = rows.name_rects(0)
    assert len(names) == 3
    _assert_apart(rows, names)
    by_value = {getattr(s, "value", ""): label for s, _w, label in names}
    assert by_value[long_a] != long_a and by_value[long_a].endswith("…")
    pos = QPoint(int(rows._segment_box(0, segs[0]).center().x()), 2 + rows.row_h // 2)
    QApplication.sendEvent(rows, QHelpEvent(QHelpEvent.Type.ToolTip, pos,
                                            rows.mapToGlobal(pos)))
    assert QToolTip.text() == long_a
    QToolTip.hideText()
    # the row title: whole when its column holds it, else the annotator's name is elided
    # first so the tier stays whole (and the whole title is in the tooltip)
    title = "demo-annotator · Emotion cue"
    shown = rows.title_text(0)
    fits = rows.fontMetrics().horizontalAdvance(title) <= rows.label_w - 8
    assert shown == title if fits else shown.endswith("… · Emotion cue")
    assert rows.fontMetrics().horizontalAdvance(shown) <= rows.label_w - 8
