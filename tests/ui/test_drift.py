"""Agreement over time and gold videos in the Agreement panel: the drifting annotator's bias
rises in the plotted data, gold is marked and unmarked from the panel (one undo step each,
named in the Edit menu), refusals are shown, and an empty chart says why in words."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from PySide6.QtCore import Qt

from emosign_desktop.services.gold import gold_videos
from emosign_desktop.services.session import open_session
from emosign_desktop.storage.project import PROJECT_FILE
from emosign_desktop.ui.main_window import MainWindow
from emosign_desktop.ui.review import gold_panel
from emosign_desktop.ui.review.gold_panel import MarkGoldDialog
from tests.conftest import add_videos_by_name

N = 24


def label(project_dir, n: int = N, people: tuple[str, ...] = ("ref", "bo", "ana")) -> None:
    """``ref`` labels n videos; ``bo`` copies ref; ``ana`` copies ref on the first half,
    then rates every sentiment 2 points more positive (capped at 3)."""
    with open_session(project_dir) as p:
        videos = add_videos_by_name(p, *(f"v{i:02d}" for i in range(n)))
        rng = np.random.default_rng(7)
        keys = p.schema.emotion_keys
        for i, v in enumerate(videos):
            truth = {"sentiment": int(rng.integers(-3, 2)),
                     **{k: int(rng.integers(0, 4)) for k in keys}}
            for who in people:
                labels = dict(truth)
                if who == "ana" and i >= n // 2:
                    labels["sentiment"] = min(3, truth["sentiment"] + 2)
                p.editing.set_labels(v.id, who, labels)


def open_window(make_window, project_dir) -> MainWindow:
    """kim's window on the project, at a laptop's size."""
    return make_window(project_dir, size=(1366, 768))


@pytest.fixture
def errors(monkeypatch):
    from emosign_desktop.ui import messages

    shown: list[str] = []
    for module in (gold_panel, messages):  # (messages: what a background write refused)
        monkeypatch.setattr(module, "show_error",
                            lambda _parent, title, exc: shown.append(f"{title}: {exc}"))
    return shown


@pytest.fixture(scope="module")
def labelled(tmp_path_factory, empty_project_file):
    """The labelled project, built once for this file's tests (72 labelled annotations)."""
    folder = tmp_path_factory.mktemp("drift") / "project"
    folder.mkdir()
    shutil.copy(empty_project_file, folder / PROJECT_FILE)
    label(folder)
    return folder


@pytest.fixture
def drifting(make_window, project_dir, labelled):
    shutil.copytree(labelled, project_dir, dirs_exist_ok=True)
    return open_window(make_window, project_dir)


def over_time(qtbot, w: MainWindow):
    w.agreement_action.trigger()
    panel = w.agreement
    panel.tabs.setCurrentWidget(panel.over_time)
    chart = panel.over_time
    qtbot.waitUntil(lambda: chart.report is not None)
    return chart


def gold_tab(qtbot, w: MainWindow):
    w.agreement_action.trigger()
    panel = w.agreement
    panel.tabs.setCurrentIndex(panel.tabs.count() - 1)
    qtbot.waitUntil(lambda: panel.gold.isVisible())
    return panel.gold


def test_the_drifting_annotators_bias_rises(drifting, qtbot, project_dir):
    w = drifting
    gold = gold_tab(qtbot, w)
    assert gold.mark([f"v{i:02d}" for i in range(0, N, 2)], "ref")  # every other video
    chart = over_time(qtbot, w)
    chart.choose("ana")
    assert chart.chosen() == "ana" and chart.message == ""
    assert chart.stack.currentWidget() is chart.chart_scroll
    assert "ana labelled 24 videos; 12 gold videos" in chart.summary.text()
    x, bias = chart.data("sentiment_bias", "gold")
    assert list(x) == list(range(1, N + 1))  # the n-th video they labelled
    assert np.all(bias[: N // 2] == 0)  # copies the reference on the first half
    assert bias[-1] > 1 and np.nanmean(bias[-4:]) > np.nanmean(bias[: N // 2]) + 1
    assert np.all(np.diff(bias[N // 2 - 1:]) >= 0)  # rising, never falling back
    _x, others = chart.data("sentiment_bias", "others")
    assert others[-1] > 1  # the others disagree too
    _x, alpha = chart.data("sentiment_alpha", "gold")
    assert alpha[N // 2 - 1] == 1 and alpha[-1] < 0.9
    _x, emotions = chart.data("emotion_agreement", "gold")
    assert np.all(emotions == 100)  # the emotions did not drift
    # the two comparisons differ in line style and marker, not colour alone
    gold_curve = chart.curves[("sentiment_bias", "gold")]
    others_curve = chart.curves[("sentiment_bias", "others")]
    assert gold_curve.opts["pen"].style() != others_curve.opts["pen"].style()
    assert gold_curve.opts["symbol"] != others_curve.opts["symbol"]
    assert [t.text() for t in chart.legend_texts] == ["against gold",
                                                      "against the other annotators"]
    assert chart.zero.value() == 0 and chart.zero.isVisible()
    # the one who copies the reference does not drift
    chart.choose("bo")
    _x, bias = chart.data("sentiment_bias", "gold")
    assert np.all(bias[np.isfinite(bias)] == 0)
    # the videos by name: pointing, the table, a click to the player
    chart.choose("ana")
    chart.point_at(N - 1)
    assert chart.readout.text().startswith(f"#{N} v{N - 1:02d}: against gold (5 in window)")
    chart.as_table.setChecked(True)
    assert chart.stack.currentWidget() is chart.table
    assert chart.table.rowCount() == N
    assert [chart.table.item(r, 1).text() for r in (0, 1, 2)] == ["v00", "v01", "v02"]
    assert chart.table.item(0, 2).text() == "gold" and chart.table.item(1, 2).text() == ""
    with qtbot.waitSignal(w.agreement.video_chosen) as chosen:
        chart.table.itemActivated.emit(chart.table.item(3, 1))
    assert chosen.args == ["v03"]
    # a smaller window: computed again
    chart.window_size.setValue(4)
    qtbot.waitUntil(lambda: chart.report is not None and chart.report["window"] == 4)
    assert chart.table.item(N - 1, 6).text() == "2"  # gold videos among the last 4


def test_the_chart_follows_gold_and_labels(drifting, qtbot):
    w = drifting
    chart = over_time(qtbot, w)
    chart.choose("ana")
    assert chart.message == ""  # the others are there to compare with
    assert "Only the other annotators are compared: no video is gold yet" in \
        chart.summary.text()
    _x, bias = chart.data("sentiment_bias", "gold")
    assert np.isnan(bias).all()
    w.agreement.gold.mark(["v20", "v22"], "ref")  # the panel hears of it while it shows
    qtbot.waitUntil(lambda: np.isfinite(chart.data("sentiment_bias", "gold")[1]).any())
    _x, bias = chart.data("sentiment_bias", "gold")
    assert bias[-1] == 2  # ana rates v20 and v22 two points above ref (or at the cap)
    w.menus.undo.trigger()
    qtbot.waitUntil(lambda: np.isnan(chart.data("sentiment_bias", "gold")[1]).all())


def test_marking_and_unmarking_gold_from_the_panel(drifting, qtbot, project_dir,
                                                   monkeypatch, errors):
    w = drifting
    assert w.select_video("v03")
    gold = gold_tab(qtbot, w)
    assert "No video is gold yet" in gold.count.text()
    gold.reference.setCurrentText("ref")
    qtbot.mouseClick(gold.mark_current, Qt.MouseButton.LeftButton)
    w.workspace.wait_idle()  # written on the background writer
    assert gold_videos(w.workspace.queries._session) == {"v03": "ref"}
    assert w.menus.undo.text() == "&Undo: mark 1 video gold"
    assert gold.table.rowCount() == 1 and gold.table.item(0, 1).text() == "ref"
    # several at once, chosen in the dialog (the current video comes selected)

    def pick(dialog: MarkGoldDialog) -> None:
        assert dialog.chosen() == ["v03"]
        dialog.filter.setText("v1")
        dialog.select(["v10", "v11", "v03"])
        assert dialog.chosen() == ["v10", "v11"]  # v03 is filtered out
        dialog.reference.setCurrentText("bo")
        dialog.accept()
        w.workspace.wait_idle()  # written on the background writer
        assert dialog.result() == MarkGoldDialog.DialogCode.Accepted

    monkeypatch.setattr(MarkGoldDialog, "exec", pick)
    qtbot.mouseClick(gold.mark_chosen, Qt.MouseButton.LeftButton)
    w.workspace.wait_idle()  # written on the background writer
    assert gold_videos(w.workspace.queries._session) == {"v03": "ref", "v10": "bo",
                                                        "v11": "bo"}
    assert w.menus.undo.text() == "&Undo: mark 2 videos gold"
    assert [gold.table.item(r, 0).text() for r in range(3)] == ["v03", "v10", "v11"]
    assert not gold.unmark.isEnabled()
    gold.table.selectRow(1)
    assert gold.unmark.isEnabled() and gold.selected() == ["v10"]
    qtbot.mouseClick(gold.unmark, Qt.MouseButton.LeftButton)
    w.workspace.wait_idle()  # written on the background writer
    assert gold_videos(w.workspace.queries._session) == {"v03": "ref", "v11": "bo"}
    assert w.menus.undo.text() == "&Undo: unmark 1 gold video"
    gold.table.selectRow(1)  # Delete in the list unmarks too
    qtbot.keyClick(gold.table, Qt.Key.Key_Delete)
    w.workspace.wait_idle()  # written on the background writer
    assert gold_videos(w.workspace.queries._session) == {"v03": "ref"}
    w.menus.undo.trigger()
    w.workspace.wait_idle()  # written on the background writer
    for expected in ({"v03": "ref", "v10": "bo", "v11": "bo"}, {"v03": "ref"}, {}):
        w.menus.undo.trigger()
        w.workspace.wait_idle()  # written on the background writer
        assert gold_videos(w.workspace.queries._session) == expected
    assert gold.table.rowCount() == 0
    assert errors == []
    w.close()
    with open_session(project_dir) as p:  # stored in the project, not the window
        assert gold_videos(p) == {}


def test_refusals_are_shown_and_change_nothing(qtbot, make_window, project_dir, monkeypatch,
                                               errors):
    label(project_dir, n=4, people=("ref", "ana"))
    with open_session(project_dir) as p:
        add_videos_by_name(p, "unlabelled")
    w = open_window(make_window, project_dir)
    gold = gold_tab(qtbot, w)
    assert w.select_video("unlabelled")
    gold.reference.setCurrentText("ref")
    qtbot.mouseClick(gold.mark_current, Qt.MouseButton.LeftButton)
    w.workspace.wait_idle()  # written on the background writer
    assert errors == ["Cannot mark gold: nothing was changed: 'ref' has not labelled "
                      "'unlabelled': a gold video needs its reference labels"]
    assert gold_videos(w.workspace.queries._session) == {}
    assert w.menus.undo.text() != "&Undo: mark 1 video gold"
    # the dialog stays open after a refusal, to choose again
    dialog = MarkGoldDialog(["v00", "unlabelled"], {}, ["ana", "ref"], "ref", gold.mark)
    qtbot.addWidget(dialog)
    dialog.select(["v00", "unlabelled"])
    dialog.accept()
    w.workspace.wait_idle()  # written on the background writer
    assert dialog.result() != MarkGoldDialog.DialogCode.Accepted and len(errors) == 2
    dialog.select([])
    dialog.accept()
    w.workspace.wait_idle()  # written on the background writer
    assert errors[-1].endswith("Select at least one video in the list.")
    dialog.select(["v00"])
    dialog.accept()
    w.workspace.wait_idle()  # written on the background writer
    assert dialog.result() == MarkGoldDialog.DialogCode.Accepted
    assert gold_videos(w.workspace.queries._session) == {"v00": "ref"}


def test_an_empty_chart_says_why(qtbot, make_window, project_dir):
    with open_session(project_dir) as p:
        add_videos_by_name(p, "a", "b")
    w = open_window(make_window, project_dir)
    chart = over_time(qtbot, w)
    assert chart.stack.currentWidget() is chart.empty
    assert chart.empty.text() == ("No one has labelled a video yet: there is nothing to "
                                  "follow over time.")
    assert not chart.as_table.isEnabled() and chart.annotator.count() == 0
    # one annotator, no gold: nothing to compare with
    w.workspace.editing.set_labels(w.workspace.queries.videos()[0].id, "solo",
                                   {"sentiment": 1})
    qtbot.waitUntil(lambda: chart.chosen() == "solo")
    assert chart.stack.currentWidget() is chart.empty
    assert chart.empty.text() == (
        "Nothing to compare solo's labels with: no video is gold yet (mark some in the Gold "
        "videos tab), and solo is the only annotator who has labelled videos.")
    assert len(chart.data("sentiment_bias", "gold")[0]) == 0
    # a second annotator on another video: still nothing shared
    w.workspace.editing.set_labels(w.workspace.queries.videos()[1].id, "duo",
                                   {"sentiment": 1})
    qtbot.waitUntil(lambda: chart.annotator.count() == 2)
    assert chart.chosen() == "solo"
    assert "no other annotator labelled the videos solo labelled" in chart.empty.text()
    w.workspace.close()
    qtbot.waitUntil(lambda: chart.empty.text() == "No project open.")


@pytest.mark.slow  # renders and measures every label, in both themes and sizes
@pytest.mark.parametrize("high_contrast", [False, True])
def test_the_chart_reads_in_both_themes_and_follows_the_text_size(drifting, qtbot,
                                                                  high_contrast):
    from PySide6.QtGui import QColor

    from emosign_desktop.ui.appearance import apply_appearance
    from tests.ui.test_plots_readability import contrast

    chart = over_time(qtbot, drifting)
    chart.choose("ana")
    try:
        apply_appearance(100, high_contrast)
        plot = chart.plots["sentiment_bias"]
        background = plot.backgroundBrush().color()
        assert background == (QColor(0, 0, 0) if high_contrast else QColor(255, 255, 255))
        for (_figure, _key), curve in chart.curves.items():
            assert contrast(curve.opts["pen"].color(), background) >= 3.0
        for name in ("left", "bottom"):
            assert contrast(plot.getAxis(name).textPen().color(), background) >= 4.5
        small = plot.getAxis("left").style["tickFont"].pointSizeF()
        legend = chart.legend_texts[0].font().pointSizeF()
        apply_appearance(200)
        assert plot.getAxis("left").style["tickFont"].pointSizeF() == pytest.approx(2 * small)
        assert chart.legend_texts[0].font().pointSizeF() == pytest.approx(2 * legend)
        assert plot.plotItem.titleLabel.opts["size"] == chart.style_.css_size
        for figure in chart.plots.values():  # each title fits over its curves (none is cut)
            title = figure.plotItem.titleLabel
            room = figure.width() - figure.getAxis("left").width()
            assert not title.text or title.item.boundingRect().width() <= room
    finally:
        apply_appearance(100, False)
