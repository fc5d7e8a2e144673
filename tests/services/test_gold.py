"""Gold videos (a project setting through the write path) and drift over time."""

from __future__ import annotations

import json

import numpy as np
import pytest

from emosign_desktop.cli import main as cli_main
from emosign_desktop.core.errors import LabelValidationError
from emosign_desktop.services.gold import clear_gold, drift_report, gold_videos, set_gold
from tests.conftest import add_videos_by_name

N = 30


@pytest.fixture
def drifting(project):
    """``ref`` labels N videos; ``ana`` copies ref on the first half, then rates every
    sentiment 2 points more positive (capped at 3); ``bo`` always copies ref."""
    videos = add_videos_by_name(project, *(f"v{i:02d}" for i in range(N)))
    rng = np.random.default_rng(7)
    keys = project.schema.emotion_keys
    for i, v in enumerate(videos):
        truth = {"sentiment": int(rng.integers(-3, 2)),
                 **{k: int(rng.integers(0, 4)) for k in keys}}
        project.editing.set_labels(v.id, "ref", truth)
        project.editing.set_labels(v.id, "bo", truth)
        ana = dict(truth)
        if i >= N // 2:
            ana["sentiment"] = min(3, truth["sentiment"] + 2)
        project.editing.set_labels(v.id, "ana", ana)
    return videos


def series(report, name):
    return next(s for s in report["annotators"] if s["annotator"] == name)


def test_marking_gold_is_one_undoable_step(project, drifting):
    set_gold(project, ["v00", "v01"], "ref")
    assert gold_videos(project) == {"v00": "ref", "v01": "ref"}
    assert project.writer.undo_stack.undo_label == "mark 2 videos gold"
    clear_gold(project, ["v01", "v29"])
    assert gold_videos(project) == {"v00": "ref"}
    project.writer.undo()
    assert gold_videos(project) == {"v00": "ref", "v01": "ref"}
    project.writer.undo()
    assert gold_videos(project) == {}


def test_bad_gold_requests_change_nothing(project, drifting):
    add_videos_by_name(project, "unlabelled")
    with pytest.raises(LabelValidationError, match="no annotator named 'zed'"):
        set_gold(project, ["v00"], "zed")
    with pytest.raises(LabelValidationError, match="no video named 'nope'"):
        set_gold(project, ["v00", "nope"], "ref")
    with pytest.raises(LabelValidationError, match="'ref' has not labelled 'unlabelled'"):
        set_gold(project, ["unlabelled"], "ref")
    assert gold_videos(project) == {}


def test_drift_away_from_gold_shows_as_rising_bias(project, drifting):
    set_gold(project, [f"v{i:02d}" for i in range(0, N, 2)], "ref")  # every other
    report = drift_report(project, window=6)
    assert report["gold_videos"] == N // 2
    ana = series(report, "ana")
    assert ana["videos"] == N and [p["video"] for p in ana["with_gold"]][:3] == [
        "v00", "v01", "v02"]
    early, late = ana["with_gold"][N // 2 - 1], ana["with_gold"][-1]
    assert early["sentiment_bias"] == 0 and early["sentiment_alpha"] == 1
    assert early["compared"] == 3  # 3 gold videos among the last 6
    assert late["sentiment_bias"] > 1 and late["sentiment_alpha"] < 0.9
    assert late["emotion_agreement"] == 100  # the emotions did not drift
    assert ana["with_others"][-1]["sentiment_bias"] > 1  # the others disagree too
    bo = series(report, "bo")
    assert all(p["sentiment_bias"] in (0, None) for p in bo["with_gold"])
    ref = series(report, "ref")
    assert all(p["compared"] == 0 for p in ref["with_gold"])  # no one is their own gold


def test_the_commands(project, drifting, capsys):
    folder = str(project.folder)
    project.close()
    assert cli_main(["gold", folder, "--add", "v00", "v01", "v02", "--reference", "ref"]) == 0
    assert "marked 3 video(s) gold" in capsys.readouterr().out
    assert cli_main(["gold", folder, "--add", "v03"]) == 2
    assert "--add needs --reference" in capsys.readouterr().err
    assert cli_main(["gold", folder, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"v00": "ref", "v01": "ref", "v02": "ref"}
    assert cli_main(["agreement", folder, "--over-time", "--window", "3", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["window"] == 3 and series(report, "ana")["videos"] == N
    assert cli_main(["agreement", folder, "--over-time"]) == 0
    out = capsys.readouterr().out
    assert "ana (30 videos labelled)" in out and "3 gold videos" in out
