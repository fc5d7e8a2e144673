"""Agreement and aggregation on a project, through the services and the command line."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import krippendorff
import numpy as np
import pytest

from emosign_desktop.core.schema import EMOSIGN_SCHEMA
from emosign_desktop.services.aggregation import aggregated_labels, export_aggregated
from emosign_desktop.services.agreement import agreement_report
from emosign_desktop.services.csv_exchange import import_released
from tests.conftest import add_videos_by_name
from tests.generate import released_rows, write_released

KEYS = EMOSIGN_SCHEMA.emotion_keys


@pytest.fixture
def rated(project, tmp_path):
    """3 annotators x 12 videos with known ratings, plus the import-only annotators."""
    repo = project._repo
    import_released(project, write_released(tmp_path / "rel.csv", released_rows(12)))
    rng = np.random.default_rng(5)
    names = ("ana", "ben", "cy")
    videos = repo.videos()
    truth = rng.integers(-3, 4, len(videos))
    matrix = np.full((3, len(videos)), np.nan)
    for i, who in enumerate(names):
        for j, v in enumerate(videos):
            if i == 2 and j % 4 == 0:
                continue  # cy skipped some videos: missing ratings
            s = int(np.clip(truth[j] + rng.integers(-1, 2), -3, 3))
            matrix[i, j] = s
            project.editing.set_labels(v.id, who, {
                "sentiment": s, "sentiment_confidence": 50 + 10 * i, "emotion_confidence": 60,
                "cues": f"{who} saw {v.name}", **dict.fromkeys(KEYS, 0), "joy": j % 2})
    people = [repo.annotator_by_name(n) for n in names]
    return project, people, matrix


def test_alpha_per_label_matches_the_package(rated):
    project, _people, matrix = rated
    report = agreement_report(project, "ordinal")
    assert report["annotators"] == ["ana", "ben", "cy"]  # import-only annotators left out
    s = report["labels"]["Sentiment"]
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="ordinal",
                                  value_domain=list(range(-3, 4)))
    assert s["alpha"] == pytest.approx(expected) and s["units"] == 12 and s["annotators"] == 3
    assert report["labels"]["joy"]["alpha"] == pytest.approx(1.0)
    assert report["labels"]["anger"]["alpha"] is None  # all zero: no variation
    assert "no variation" in report["labels"]["anger"]["reason"]
    defined = [v["alpha"] for v in report["labels"].values() if v["alpha"] is not None]
    assert report["average"] == pytest.approx(np.mean(defined))
    ranked = [v["disagreement"] for v in report["videos"]]
    assert ranked == sorted(ranked, reverse=True)


def test_levels_differ(rated):
    project, _, matrix = rated
    nominal = agreement_report(project, "nominal")["labels"]["Sentiment"]["alpha"]
    assert nominal == pytest.approx(krippendorff.alpha(reliability_data=matrix,
                                                       level_of_measurement="nominal"))


def test_tier_agreement(project):
    repo = project._repo
    [v] = add_videos_by_name(project, "v")
    tier = repo.tiers()[1]
    for who, (start, end) in (("a", (10, 30)), ("b", (12, 30))):
        project.editing.add_segment(v.id, who, tier.id, start, end, "repetition")
    result = agreement_report(project, boundary_frames=2)["tiers"]["Emotion cue"]
    assert result["boundary_f1"] == 1.0 and result["units"] == 31
    assert 0 < result["alpha"] < 1
    strict = agreement_report(project, boundary_frames=1)["tiers"]["Emotion cue"]
    assert strict["boundary_f1"] == 0.5


def test_aggregate_majority_with_ties(rated):
    project, _people, matrix = rated
    labels = aggregated_labels(project, "majority")
    videos = project._repo.videos()
    for j, v in enumerate(videos):
        col = [(int(x), 50 + 10 * i) for i, x in enumerate(matrix[:, j]) if not np.isnan(x)]
        values = [x for x, _ in col]
        top = max(values.count(x) for x in values)
        winners = {x for x in values if values.count(x) == top}
        if len(winners) == 1:
            assert labels[v.id]["sentiment"] == winners.pop()
        else:  # a tie: the most confident annotator among the tied values
            assert labels[v.id]["sentiment"] == max((c, x) for x, c in col if x in winners)[1]


def test_export_aggregated_released_format(rated, tmp_path):
    project, _, _ = rated
    out = tmp_path / "agg.csv"
    assert export_aggregated(project, out, "median") == 12
    rows = list(csv.reader(out.open(newline="")))
    assert rows[0][:2] == ["video_name", "Sentiment"] and len(rows[0]) == 15
    first = rows[2]  # video 1: all three rated it (cy skipped videos 0, 4, 8)
    assert first[12:15] == [f"ana saw {first[0]}", f"ben saw {first[0]}",
                            f"cy saw {first[0]}"]
    assert first[2] == "2"  # joy 1 for odd videos, in the released coding
    assert rows[1][12:15] == [f"ana saw {rows[1][0]}", f"ben saw {rows[1][0]}", ""]


def emosign(*args):
    return subprocess.run([sys.executable, "-m", "emosign_desktop", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def test_cli_agreement_json_and_text(rated):
    project, _, _ = rated
    r = emosign("agreement", project.folder, "--json", "--level", "interval")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert set(report["labels"]) == {"Sentiment", *KEYS}
    for value in report["labels"].values():
        assert {"alpha", "level", "units", "annotators"} <= set(value)
        assert value["level"] == "interval"
    assert "average" in report and isinstance(report["videos"], list)
    r = emosign("agreement", project.folder)
    assert r.returncode == 0 and "Sentiment" in r.stdout and "undefined" in r.stdout


def test_cli_pack_merge_conflicts_and_aggregate(rated, tmp_path, empty_project_file):
    import shutil

    project, _, _ = rated
    pack = tmp_path / "ana.json"
    r = emosign("pack", project.folder, "--annotator", "ana", "-o", pack)
    assert r.returncode == 0, r.stderr
    lab = tmp_path / "lab"
    lab.mkdir()
    shutil.copy(empty_project_file, lab / "project.emosign")
    r = emosign("merge", lab, pack)
    assert r.returncode == 0 and "12 added" in r.stdout
    r = emosign("merge", lab, pack)
    assert "already merged" in r.stdout
    r = emosign("conflicts", lab)
    assert r.returncode == 0 and "no conflicts" in r.stdout
    out = tmp_path / "agg.csv"
    r = emosign("export-csv", project.folder, out, "--aggregate", "majority")
    assert r.returncode == 0, r.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    r = emosign("merge", lab, bad)
    assert r.returncode == 2 and str(bad) in r.stderr
