"""Reviewing several annotators in the app: side by side, segments, agreement, packs."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from emosign_desktop.core.schema import EMOSIGN_SCHEMA
from tests.conftest import demo_copy


@pytest.fixture
def window(make_window, tmp_path):
    folder = demo_copy(tmp_path)
    from emosign_desktop.services.session import open_session

    with open_session(folder) as p:  # a second annotator who disagrees on one video
        v = p._repo.video_by_name("pose_test_video")
        p.editing.set_labels(v.id, "rae", {"sentiment": -2, **dict.fromkeys(
            EMOSIGN_SCHEMA.emotion_keys, 0), "joy": 1, "cues": "tense mouth"})
        tier = p._repo.tiers()[1]
        p.editing.add_segment(v.id, "rae", tier.id, 30, 50, "repetition")
    return make_window(folder, annotator="")  # no annotator chosen: a reviewer looking


def test_side_by_side_marks_disagreements(window):
    assert window.select_video("pose_test_video")
    table = window.details.side_by_side
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers == ["", "demo-annotator", "rae"]
    assert "sentiment" in table.disagreeing and "excited" in table.disagreeing
    assert "joy" not in table.disagreeing  # both said 1
    row = 0  # sentiment
    assert table.item(row, 0).text() == "≠"
    assert table.item(row, 1).text() == "+1 slightly positive"
    assert table.item(row, 2).text() == "-2 moderately negative"


def test_segment_rows_follow_and_move_the_playhead(window, qtbot):
    window.select_video("pose_test_video")
    rows = window.details.segment_rows
    titles = [r.title for r in rows.rows]
    assert titles == ["demo-annotator · Facial grammar", "demo-annotator · Emotion cue",
                      "rae · Emotion cue"]
    window.details.tabs.setCurrentWidget(rows)
    rows.resize(800, 100)
    x = rows._x(40)
    qtbot.mouseClick(rows, Qt.MouseButton.LeftButton, pos=rows.rect().center().__class__(
        int(x) + 1, 10))
    playhead = window.workspace.review.playhead
    assert abs(playhead.current - 40) <= 1
    assert window.details.player.view.playhead is playhead  # the view paints its frame


def test_agreement_view_and_one_click_to_the_player(window, qtbot):
    window.agreement_action.trigger()
    panel = window.agreement
    report = panel.report
    assert report["annotators"] == ["demo-annotator", "rae"]
    assert report["labels"]["Sentiment"]["units"] == 1
    assert panel.disputed.count() >= 1
    item = panel.disputed.item(0)
    assert item.text().startswith("pose_test_video")
    window.select_video("signbank_ns_1m")
    panel.disputed.itemClicked.emit(item)
    assert window.details.player.reader is not None
    assert window.details.player.reader.path.name == "pose_test_video.mp4"
    panel.level.setCurrentText("nominal")
    assert panel.report["level"] == "nominal"


def test_export_and_merge_from_the_menu(window, tmp_path, monkeypatch, qtbot):
    pack = tmp_path / "rae.json"
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("rae", True))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(pack), ""))
    window.menus.export_pack.trigger()
    assert pack.is_file()
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(pack)], ""))
    window.menus.merge.trigger()
    window.workspace.wait_idle()
    assert shown and "already" not in shown[0] and "2 unchanged" in shown[0]
    window.menus.merge.trigger()
    window.workspace.wait_idle()
    assert "already merged" in shown[1]


def test_conflict_log_dialog(qtbot):
    from emosign_desktop.ui.review.conflicts_dialog import ConflictsDialog

    row = {"pack_name": "p.json", "annotator": "rae", "video": "v", "item": "annotation",
           "kept_updated_at": "2026-11-27T02:00", "discarded_updated_at": "2026-11-27T01:00",
           "kept": '{"sentiment": 1}', "discarded": '{"sentiment": 2}'}
    dialog = ConflictsDialog([row])
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 1).text() == "rae"


@pytest.mark.slow  # renders and measures every label of the chart
@pytest.mark.parametrize("high_contrast", [False, True])
def test_agreement_chart_text_is_readable(window, qtbot, high_contrast):
    from PySide6.QtGui import QColor, QFontMetricsF

    from emosign_desktop.ui.appearance import apply_text_scale, apply_theme
    from tests.ui.test_plots_readability import contrast

    window.agreement_action.trigger()
    panel = window.agreement
    try:
        apply_theme(high_contrast)
        background = panel.plot.backgroundBrush().color()
        assert background == (QColor(0, 0, 0) if high_contrast else QColor(255, 255, 255))
        assert len(panel.texts) == len(panel.report["labels"])
        for text in panel.texts:  # each value on the plot's own background
            assert text.fill.color() == background
            assert contrast(text.color, background) >= 4.5, text.textItem.toPlainText()
        for name in ("left", "top"):
            axis = panel.plot.getAxis(name)
            assert contrast(axis.textPen().color(), background) >= 4.5
            assert contrast(QColor(axis.labelStyle["color"]), background) >= 4.5
        bars = next(i for i in panel.plot.plotItem.items if hasattr(i, "setOpts"))
        assert contrast(bars.opts["brush"].color(), background) >= 3.0
        names = [t for _v, t in panel.plot.getAxis("left")._tickLevels[0]]
        assert names[:3] == ["Sentiment", "Joy", "Excited"] and "Surprise (positive)" in names
        for scale in (100, 200):  # one row per name, each at least a line of text apart
            apply_text_scale(scale)
            panel.plot.plotItem.layout.activate()
            line = QFontMetricsF(panel.style_.font).height()
            assert panel.plot.plotItem.vb.height() / len(names) >= line
    finally:
        apply_text_scale(100)
        apply_theme(False)


@pytest.mark.slow
def test_agreement_chart_text_follows_larger_text(window, qtbot):
    from emosign_desktop.ui.appearance import apply_text_scale

    def sizes(panel) -> list[float]:
        out = [text.textItem.font().pointSizeF() for text in panel.texts]
        for name in ("left", "top"):
            axis = panel.plot.getAxis(name)
            out += [axis.style["tickFont"].pointSizeF(),
                    float(axis.labelStyle["font-size"].removesuffix("pt"))]
        return out

    window.agreement_action.trigger()
    panel = window.agreement
    try:
        apply_text_scale(100)
        before = sizes(panel)
        apply_text_scale(200)
        after = sizes(panel)
        assert len(after) == len(before) > 4
        assert after == pytest.approx([2 * s for s in before])
    finally:
        apply_text_scale(100)
