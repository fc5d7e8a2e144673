"""The evaluation report states its provenance: the app's version, the time (UTC, ISO 8601),
the project, and each run's prediction files with their SHA-256, kept at import through the
write path (undone with the import, removed with the run)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

import pytest

from emosign_desktop import __version__
from emosign_desktop.core.changeset import ChangeSet, MetaEdit
from emosign_desktop.services.csv_exchange import import_released
from emosign_desktop.services.evaluation import evaluate, with_provenance
from emosign_desktop.services.predictions import (
    import_predictions,
    remove_run,
    run_source_key,
    run_sources,
)
from emosign_desktop.services.provenance import report_provenance
from emosign_desktop.services.report import NOT_KEPT, render_html
from emosign_desktop.storage import PROJECT_FILE
from tests.generate import write_released

NAMES = [f"clip{i:02d}" for i in range(6)]


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def utc(text: str) -> datetime:
    when = datetime.fromisoformat(text)
    assert when.utcoffset() == timedelta(0)
    return when


@pytest.fixture
def scored(project, tmp_path):
    """Reference labels for 6 videos and the run m1 (video) from ``preds.csv``."""
    rows = []
    for i, name in enumerate(NAMES):
        emotions = ["1"] * 10
        emotions[i % 10] = "4"
        rows.append([name, str(i % 7 - 3), *emotions, "", "", ""])
    import_released(project, write_released(tmp_path / "released.csv", rows))
    preds = tmp_path / "preds.csv"
    preds.write_text("video_name,sentiment,emotion\n" + "".join(
        f"{n},{1 if i % 2 else -1},anger\n" for i, n in enumerate(NAMES)), encoding="utf-8")
    import_predictions(project, preds, "m1", "video")
    return project, preds


def test_the_report_states_version_time_project_and_files(scored):
    project, preds = scored
    before = datetime.now().astimezone()
    report = with_provenance(project, evaluate(project))
    p = report["provenance"]
    assert next(iter(report)) == "provenance" and report["runs"][0]["model"] == "m1"
    assert (p["app"], p["app_version"]) == ("EmoSign Desktop", __version__)
    assert utc(p["created_at"]) >= before - timedelta(seconds=1)
    folder = project.folder.resolve()
    assert p["project"]["folder"] == str(folder)
    assert p["project"]["file"] == str(folder / PROJECT_FILE)
    assert p["project"]["id"] == project._repo.project_id()
    assert (p["project"]["database"] is None) == (project._repo.server is None)
    [f] = p["prediction_files"]
    assert (f["model"], f["setting"], f["carries"]) == ("m1", "video", ["predictions"])
    assert f["file"] == str(preds.resolve())
    assert f["sha256"] == sha256(preds) and f["bytes"] == preds.stat().st_size
    assert utc(f["imported_at"]) <= utc(p["created_at"]) and f["imported_by"] == __version__
    json.dumps(report)  # what --json prints
    assert evaluate(project) == evaluate(project)  # the scores alone stay a pure function


def test_a_file_of_cues_adds_a_source_and_one_file_of_both_is_listed_once(scored, tmp_path):
    project, preds = scored
    cues = tmp_path / "cues.jsonl"
    cues.write_text(json.dumps({"video_name": "clip01", "start_frame": 0, "end_frame": 3,
                                "label": "smile"}) + "\n", encoding="utf-8")
    import_predictions(project, cues, "m1", "video")  # the predictions stay
    sources = run_sources(project, "m1", "video")
    assert [(s.carries, s.sha256) for s in sources] == [
        (("predictions",), sha256(preds)), (("cues",), sha256(cues))]
    both = tmp_path / "both.jsonl"
    both.write_text(json.dumps({"video_name": "clip02", "sentiment": 2, "emotion": "anger",
                                "cues": [{"start_frame": 1, "end_frame": 2}]}) + "\n",
                    encoding="utf-8")
    import_predictions(project, both, "m2", "caption")
    [source] = run_sources(project, "m2", "caption")
    assert source.carries == ("predictions", "cues") and source.sha256 == sha256(both)
    files = report_provenance(project)["prediction_files"]
    assert [(f["model"], f["carries"], f["sha256"]) for f in files] == [
        ("m1", ["predictions"], sha256(preds)), ("m1", ["cues"], sha256(cues)),
        ("m2", ["predictions", "cues"], sha256(both))]


def test_reimport_undo_and_remove_keep_the_sources_with_the_run(scored, tmp_path):
    project, preds = scored
    first = sha256(preds)
    preds.write_text("video_name,sentiment,emotion\nclip00,3,anger\n", encoding="utf-8")
    import_predictions(project, preds, "m1", "video")  # the same file, new content
    assert [s.sha256 for s in run_sources(project, "m1", "video")] == [sha256(preds)]
    project.writer.undo()
    assert [s.sha256 for s in run_sources(project, "m1", "video")] == [first]
    remove_run(project, "m1", "video")
    assert run_source_key("m1", "video") not in project._repo.meta()
    assert report_provenance(project)["prediction_files"] == []
    project.writer.undo()
    assert [s.sha256 for s in run_sources(project, "m1", "video")] == [first]


def test_a_run_imported_before_sources_were_kept_says_so(scored):
    project, _preds = scored
    key = run_source_key("m1", "video")
    before = project._repo.meta()[key]
    project.writer.run("forget", lambda _r: ChangeSet(meta=(MetaEdit(key, before, None),)))
    [f] = report_provenance(project)["prediction_files"]
    assert (f["model"], f["carries"], f["file"], f["sha256"]) == (
        "m1", ["predictions"], None, None)
    page = render_html(with_provenance(project, evaluate(project)))
    assert NOT_KEPT in page


def test_the_html_shows_the_provenance(scored):
    project, preds = scored
    report = with_provenance(project, evaluate(project))
    page = render_html(report)
    p = report["provenance"]
    assert f'<meta name="generator" content="EmoSign Desktop {__version__}">' in page
    section = page[page.index("Where this report comes from</h2>"):]
    for text in (__version__, p["created_at"], p["project"]["folder"], p["project"]["file"],
                 p["project"]["id"], str(preds.resolve()), sha256(preds),
                 p["prediction_files"][0]["imported_at"]):
        assert text in section
    assert "provenance" not in render_html(evaluate(project))  # only when it is given
