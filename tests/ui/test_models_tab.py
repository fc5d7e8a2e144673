"""The Models tab: the reference, each annotator and each model run for the current video,
differences marked by "≠" and bold (not colour alone); predicted cues as extra segment rows."""

from __future__ import annotations

from emosign_desktop.resources import resource_dir
from emosign_desktop.settings import UserSettings
from emosign_desktop.ui.main_window import MainWindow
from tests.conftest import demo_copy


def test_models_tab_compares_and_follows_imports(qtbot, tmp_path):
    from emosign_desktop.services.predictions import import_predictions

    folder = demo_copy(tmp_path)
    w = MainWindow(UserSettings(annotator="kim"))
    qtbot.addWidget(w)
    w.show()
    w.open_project(folder)
    w.select_video("pose_test_video")
    tab = w.details.models
    w.details.tabs.setCurrentWidget(tab)  # (a hidden tab reads nothing until shown)
    assert "0 model runs" in tab.note.text()
    demo = resource_dir() / "demo"
    import_predictions(w.workspace.session, demo / "example_predictions.csv", "example",
                       "video")
    import_predictions(w.workspace.session, demo / "example_cues.jsonl", "example", "video")
    headers = [tab.table.horizontalHeaderItem(c).text() for c in range(tab.table.columnCount())]
    assert headers == ["reference (majority of the annotators)", "demo-annotator",
                       "example · video"]
    model = headers.index("example · video")
    sentiment = tab.table.item(0, model)
    assert sentiment.text() == "\u2260 +2" and sentiment.font().bold()  # demo said +1
    assert tab.table.item(1, model).text() == "happiness"  # the demo's joy 1 = happiness
    assert not tab.table.item(1, model).font().bold()
    assert "smiles" in tab.table.item(2, model).text()
    rows = [r.title for r in w.details.segment_rows.rows]
    assert "example · video (predicted)" in rows
    predicted = next(r for r in w.details.segment_rows.rows if r.title.endswith("(predicted)"))
    assert sorted((s.start_frame, s.end_frame, s.value) for s in predicted.segments) == [
        (4, 12, "larger signs"), (18, 44, "smile")]
    assert not (w.details.segment_rows.editable & {s.id for s in predicted.segments})
    w.menus.undo.trigger()  # the cues go again, and their row
    w.workspace.wait_idle()  # written on the background writer
    assert not any(r.title.endswith("(predicted)") for r in w.details.segment_rows.rows)


def test_model_review_panel_scores_ranks_and_opens_videos(qtbot, tmp_path):
    from emosign_desktop.services.predictions import import_predictions

    folder = demo_copy(tmp_path)
    w = MainWindow(UserSettings(annotator="kim"))
    qtbot.addWidget(w)
    w.show()
    w.open_project(folder)
    demo = resource_dir() / "demo"
    import_predictions(w.workspace.session, demo / "example_predictions.csv", "example",
                       "video")
    w.models_action.trigger()
    panel = w.model_review
    assert panel.run.currentText() == "example · video"
    assert "wAcc" in panel.summary.text() and "n/a (fewer than two annotators)" in \
        panel.summary.text()
    assert panel.videos.rowCount() >= 1
    first = panel.videos.item(0, 0).text()
    panel.videos.itemActivated.emit(panel.videos.item(0, 0))
    assert w.workspace.video.name == first
    panel.task.setCurrentIndex(2)  # emotion
    import_predictions(w.workspace.session, demo / "example_predictions.csv", "second",
                       "caption")
    assert panel.run.count() == 2  # refreshed on import while visible
