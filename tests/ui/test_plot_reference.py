"""The signal plot offers the face blendshape signals first, each with its formula, and draws
the spans of read-only reference tiers (SignStream's facial grammar coding) as labelled bands
beside the curves, with a choice of which tiers; readable at any text size and in high
contrast."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from emosign_desktop.core.model import Segment, SegmentId, Tier, TierId, TierKind
from emosign_desktop.landmarks.signals import compute_signals
from emosign_desktop.media.playhead import Playhead
from emosign_desktop.ui.appearance import apply_text_scale, apply_theme
from emosign_desktop.ui.plots.signal_plot import SignalPlotWidget
from tests.ui.test_landmarks_ui import synthetic_track
from tests.ui.test_plots_readability import contrast

FRAMES = 100
BROWS = Tier(TierId(10), "eye brows", TierKind.FACIAL_GRAMMAR, ("raised", "lwrd"), True,
             "Facial grammar (reference)", None, "signstream")
WHQ = Tier(TierId(11), "wh question", TierKind.FACIAL_GRAMMAR, ("q/wh",), True,
           "Facial grammar (reference)", None, "signstream")
GLOSS = Tier(TierId(12), "main gloss", TierKind.FREE, (), True, "Glosses (reference)", None,
             "signstream")
OURS = Tier(TierId(1), "Facial grammar", TierKind.FACIAL_GRAMMAR)
TIERS = [OURS, BROWS, WHQ, GLOSS]


def seg(n: int, tier: Tier, a: int, b: int, value: str, phase: str = "") -> Segment:
    return Segment(SegmentId(n), 1, 1, tier.id, a, b, value,
                   attributes=(("phase", phase),) if phase else ())


SEGMENTS = [
    seg(1, OURS, 5, 12, "brow raise - yes/no question"),
    # SignStream's onset, event and offset of one raise: one band 30..89
    seg(2, BROWS, 30, 49, "raised", "onset"), seg(3, BROWS, 50, 74, "raised"),
    seg(4, BROWS, 75, 89, "raised", "offset"),
    seg(5, WHQ, 32, 80, "q/wh"), seg(6, GLOSS, 40, 60, "WHAT"),
]


def face_track(frames: int = FRAMES):
    """A track whose blendshapes say the brows are lowered over frames 40-70."""
    from emosign_desktop.landmarks.track import BLENDSHAPES

    t = synthetic_track(frames)
    shapes = np.full((frames, len(BLENDSHAPES)), 0.05, np.float32)
    shapes[40:71, BLENDSHAPES.index("browDownLeft")] = 0.6
    shapes[40:71, BLENDSHAPES.index("browDownRight")] = 0.6
    t.blendshapes = shapes
    t.face_matrix = np.tile(np.eye(4, dtype=np.float32), (frames, 1, 1))
    return t


@pytest.fixture
def plot(qtbot, appearance):
    w = SignalPlotWidget(Playhead(FRAMES, 25.0))
    qtbot.addWidget(w)
    w.resize(1100, 420)
    w.show()
    qtbot.waitExposed(w)
    return w


def settle(qtbot, w) -> None:
    w.plot.plotItem.layout.activate()
    qtbot.waitUntil(lambda: w.plot.plotItem.vb.height() > 0)
    w._place_labels()


def shown_bands(w) -> list[tuple[str, float, float]]:
    return [(label.toPlainText(), *region.getRegion())
            for _tier, _band, region, label in w.bands.items]


def test_reference_tiers_are_labelled_bands_with_a_choice(plot, qtbot):
    plot.set_tiers(TIERS)
    plot.set_data(compute_signals(synthetic_track(FRAMES)), SEGMENTS, FRAMES)
    # our own segment stays a shaded span; the reference ones are bands, not spans
    assert [span.getRegion() for span in plot.spans] == [(5, 13)]
    # facial grammar by default: the onset, event and offset make one band
    assert sorted(shown_bands(plot)) == [("eye brows: raised", 30, 90),
                                         ("wh question: q/wh", 32, 81)]
    _tier, _band, region, _label = plot.bands.items[0]
    assert "onset 30-49, 50-74, offset 75-89" in region.toolTip()
    assert "signstream" in region.toolTip() and "read-only" in region.toolTip()
    box = plot.reference
    assert box.isVisibleTo(plot)
    texts = [box.itemText(i) for i in range(box.count())]
    assert texts == ["Reference: facial grammar", "Reference: all tiers", "Reference: none",
                     "Reference: eye brows", "Reference: wh question", "Reference: main gloss"]
    box.setCurrentIndex(texts.index("Reference: all tiers"))
    assert ("main gloss: WHAT", 40, 61) in shown_bands(plot)
    box.setCurrentIndex(texts.index("Reference: wh question"))
    assert shown_bands(plot) == [("wh question: q/wh", 32, 81)]
    # the choice stays when the segments are shown again (an edit elsewhere)
    plot.set_segments(SEGMENTS)
    assert box.currentText() == "Reference: wh question"
    assert shown_bands(plot) == [("wh question: q/wh", 32, 81)]
    box.setCurrentIndex(texts.index("Reference: none"))
    assert shown_bands(plot) == [] and len(plot.spans) == 1
    # a video without reference spans: no bands, no choice shown
    plot.set_segments(SEGMENTS[:1])
    assert shown_bands(plot) == [] and not box.isVisibleTo(plot)


def test_band_names_sit_inside_the_plot_one_line_per_tier(plot, qtbot):
    plot.set_tiers(TIERS)
    plot.set_data(compute_signals(synthetic_track(FRAMES)), SEGMENTS, FRAMES)
    settle(qtbot, plot)
    vb = plot.plot.plotItem.vb
    (_x0, _x1), (y0, y1) = vb.viewRange()
    heights = {}
    for tier, _band, _region, label in plot.bands.items:
        pos = label.pos()
        assert y0 <= pos.y() <= y1  # at the bottom of the view, inside it
        heights[tier.name] = pos.y()
    assert heights["eye brows"] != heights["wh question"]  # their starts are 2 frames apart
    scene = [label.sceneBoundingRect() for *_r, label in plot.bands.items]
    assert not scene[0].intersects(scene[1])


def test_face_signals_come_first_with_their_formulas(plot, qtbot):
    plot.set_data(compute_signals(face_track()), [], FRAMES)
    first = plot.choices.item(0)
    assert first.text() == "Face (blendshapes)"
    assert not first.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert not first.flags() & Qt.ItemFlag.ItemIsSelectable  # a heading, not a choice
    assert first.flags() & Qt.ItemFlag.ItemIsEnabled  # drawn in the text colour, not greyed
    texts = [plot.choices.item(i).text() for i in range(plot.choices.count())]
    points = texts.index("Face points, head, hands, body")
    assert texts.index("Brow lowering (furrow)") < points < texts.index("Brow raise (left)")
    item = plot.choices.findItems("Brow lowering (furrow)", Qt.MatchFlag.MatchExactly)[0]
    assert "browDownLeft" in item.toolTip() and "brow_lowering" in item.toolTip()
    assert "blink" in item.toolTip()  # the gap on blink frames is said
    # a video with blendshapes: the face signals are checked and drawn
    assert plot.checked()[:2] == ["brow_lowering", "inner_brow_raise"]
    legend = [label.text for _s, label in plot.legend.items]
    assert "Brow lowering (furrow)" in legend and "Brow raise (left)" not in legend
    # landmarks from before the blendshapes: the face-point signals instead
    plot.set_data(compute_signals(synthetic_track(FRAMES)), [], FRAMES)
    assert "brow_raise_left" in plot.checked() and "brow_lowering" not in plot.checked()
    # once someone chooses, the choice is kept from video to video
    item.setCheckState(Qt.CheckState.Checked)
    plot.set_data(compute_signals(face_track()), [], FRAMES)
    assert "brow_lowering" in plot.checked() and "brow_raise_left" in plot.checked()


@pytest.mark.parametrize("high_contrast", [False, True])
def test_band_names_follow_text_size_and_contrast(plot, qtbot, high_contrast):
    plot.set_tiers(TIERS)
    plot.set_data(compute_signals(synthetic_track(FRAMES)), SEGMENTS, FRAMES)
    apply_theme(high_contrast)
    settle(qtbot, plot)
    background = plot.plot.backgroundBrush().color()
    for _tier, _band, region, label in plot.bands.items:
        fill = label.fill.color()
        behind = QColor(fill.red(), fill.green(), fill.blue())  # nearly opaque: its colour
        assert fill.alpha() >= 200 and behind == QColor(background.red(), background.green(),
                                                         background.blue())
        assert contrast(label.color, behind) >= 7.0
        edge = region.lines[0].pen.color()
        assert contrast(edge, background) >= 4.5
    before = plot.bands.items[0][3].textItem.font().pointSizeF()
    apply_text_scale(200)
    settle(qtbot, plot)
    after = plot.bands.items[0][3].textItem.font().pointSizeF()
    assert after == pytest.approx(2 * before, rel=0.1)
    scene = [label.sceneBoundingRect() for *_r, label in plot.bands.items]
    assert not scene[0].intersects(scene[1])  # still apart at twice the size


def test_a_signstream_import_shows_on_the_plot_in_the_window(make_window, tmp_path, qtbot):
    from emosign_desktop.landmarks.track import cache_path
    from emosign_desktop.services.session import open_session
    from emosign_desktop.services.signstream import import_signstream
    from emosign_desktop.storage import open_project
    from tests.conftest import demo_copy
    from tests.io.test_signstream import write_signstream

    folder = demo_copy(tmp_path)
    with open_project(folder) as p:
        video = p.repo.video_by_name("pose_test_video")
    path = cache_path(video.fingerprint)
    path.parent.mkdir(parents=True, exist_ok=True)
    synthetic_track(58).save(path)
    xml = write_signstream(
        tmp_path / "wrong_what.xml",
        media=(("1", "NCSLGR:video files:master:pose_test_video.mov"),),
        utterances=({"id": "7", "S": 0, "E": 1900, "media": ("1",), "tracks": {
            "10": [(0, 300, "400001"), (333, 1000, "3"), (1033, 1300, "400002")],
            "17": [(400, 1500, "2")], "10000": [(100, 900, "WHAT")]}},))
    with open_session(folder) as session:
        import_signstream(session, xml)
    w = make_window(folder, annotator="")
    w.select_video("pose_test_video")
    plot = w.details.landmarks.plot
    names = sorted(label for label, _a, _b in shown_bands(plot))
    assert names == ["eye brows: lwrd", "wh question: q/wh"]
    assert len(plot.spans) == 3  # the demo's own segments stay shaded spans


def test_band_names_give_way_on_a_short_plot(plot, qtbot):
    plot.set_tiers(TIERS)
    plot.set_data(compute_signals(synthetic_track(FRAMES)), SEGMENTS, FRAMES)
    settle(qtbot, plot)
    assert all(label.isVisible() for *_r, label in plot.bands.items)
    apply_text_scale(200)
    plot.resize(1100, 150)  # two lines of names at twice the size: more than half
    qtbot.waitUntil(lambda: plot.plot.plotItem.vb.height() < 120)
    settle(qtbot, plot)
    assert not any(label.isVisible() for *_r, label in plot.bands.items)
    assert all(region.isVisible() for _t, _b, region, _l in plot.bands.items)
    assert "eye brows: raised" in plot.bands.items[0][2].toolTip()  # still named
