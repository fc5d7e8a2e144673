"""``emosign evaluate``: text, JSON and HTML output, and exit codes on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emosign_desktop.cli import main
from emosign_desktop.services.predictions import import_predictions
from emosign_desktop.services.session import create_session
from tests.cli.run import emosign
from tests.conftest import add_videos_by_name
from tests.generate import write_released

NAMES = [f"clip{i:02d}" for i in range(9)]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A project with the released file's labels for 9 videos and one run of predictions."""
    folder = tmp_path / "proj"
    assert main(["init", str(folder)]) == 0
    rows = []
    for i, name in enumerate(NAMES):
        emotions = ["1"] * 10
        emotions[i % 10] = "4"
        rows.append([name, str(i % 7 - 3), *emotions, "", "", ""])
    assert main(["import-csv", str(folder), str(write_released(tmp_path / "r.csv", rows))]) == 0
    preds = tmp_path / "p.csv"
    preds.write_text("video_name,sentiment,emotion\n" + "".join(
        f"{n},{1 if i % 2 else -1},{'happiness' if i < 2 else 'anger'}\n"
        for i, n in enumerate(NAMES)), encoding="utf-8")
    assert main(["predictions", "import", str(folder), str(preds), "--model", "m<1>",
                 "--setting", "video"]) == 0
    return folder


def test_text_tables(folder, capsys):
    capsys.readouterr()
    assert main(["evaluate", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "reference: emosign-consensus" in out
    assert "m<1> (video)" in out and "s3 wAcc" in out and "human ceiling" in out


def test_json(folder, capsys):
    capsys.readouterr()
    assert main(["evaluate", str(folder), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["reference"] == "emosign-consensus"
    # joy and excited merge: clip00 and clip01 are both happiness
    assert report["tasks"]["single_expression"] == 9
    run = report["runs"][0]
    assert run["model"] == "m<1>" and run["setting"] == "video"
    assert set(run["sentiment3"]) >= {"wacc", "wf1", "acc"}
    assert run["emotion"]["per_class_acc"]["happiness"] == 100.0
    assert report["human_agreement"] is None


def test_html(folder, tmp_path, capsys):
    out = tmp_path / "report.html"
    assert main(["evaluate", str(folder), "--html", str(out), "--boundary-frames", "3"]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    page = out.read_text(encoding="utf-8")
    assert "<svg" in page and "http://" not in page and "https://" not in page
    assert "m&lt;1&gt;" in page


def test_html_with_json_keeps_stdout_json(folder, tmp_path, capsys):
    capsys.readouterr()
    out = tmp_path / "r.html"
    assert main(["evaluate", str(folder), "--json", "--html", str(out)]) == 0
    captured = capsys.readouterr()
    json.loads(captured.out)
    assert out.is_file() and "wrote" in captured.err


def test_exit_2_on_bad_input(folder, tmp_path):
    r = emosign("evaluate", folder, "--reference", "nobody")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.strip().count("\n") == 0
    assert "emosign evaluate: error: no annotator named 'nobody'" in r.stderr
    r = emosign("evaluate", folder, "--tier", "Nope")
    assert r.returncode == 2 and "no tier named 'Nope'" in r.stderr

    empty = tmp_path / "empty"
    assert main(["init", str(empty)]) == 0
    r = emosign("evaluate", empty)
    assert r.returncode == 2 and "no model predictions" in r.stderr
    assert r.stderr.strip().count("\n") == 0

    unlabelled = tmp_path / "unlabelled"
    with create_session(unlabelled) as session:  # videos and predictions, no labels
        add_videos_by_name(session, *NAMES[:2])
        preds = tmp_path / "q.csv"
        preds.write_text("video_name,sentiment\nclip00,1\n", encoding="utf-8")
        import_predictions(session, preds, "m", "video")
    r = emosign("evaluate", unlabelled)
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0
    assert "error: no reference labels" in r.stderr

    r = emosign("evaluate", folder, "--html", tmp_path / "no" / "such" / "dir.html")
    assert r.returncode == 2 and "cannot write the report" in r.stderr


def test_help():
    r = emosign("evaluate", "--help")
    assert r.returncode == 0 and "--reference" in r.stdout and "--boundary-frames" in r.stdout
