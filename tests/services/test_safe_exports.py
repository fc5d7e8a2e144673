"""Every CSV export neutralises what a spreadsheet would run (names, cue texts, notes), keeps
numbers, and with ``raw`` writes what is stored; the app's exports (``Queries``) are safe."""

from __future__ import annotations

import csv

import pytest

from emosign_desktop.core.model import CONSENSUS_ANNOTATOR
from emosign_desktop.services.aggregation import export_aggregated
from emosign_desktop.services.csv_exchange import (
    export_annotator_csv,
    export_released,
    import_released,
)
from emosign_desktop.services.queries import Queries
from emosign_desktop.services.tidy_export import export_long, export_segments
from tests.conftest import add_videos_by_name
from tests.generate import released_rows, write_released

FORMULA = '=HYPERLINK("http://x")'


def cells(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def hostile(project):
    """A project whose names and texts start like formulas: video '@SUM(A1)', annotator
    '-cmd' (sentiment -3, cues '=HYPERLINK(...)'), tier '+1+1' with a segment whose value is
    '=1' and note starts with a carriage return."""
    [video] = add_videos_by_name(project, "@SUM(A1)")
    project.editing.set_labels(video.id, "-cmd", {"sentiment": -3, "joy": 2, "cues": FORMULA})
    tier = project.editing.add_tier("+1+1")
    project.editing.add_segment(video.id, "-cmd", tier.id, 0, 3, "=1", "\rx")
    return project


def test_segments_are_neutralised_and_raw_keeps_them(hostile, tmp_path):
    safe, raw = tmp_path / "safe.csv", tmp_path / "raw.csv"
    assert export_segments(hostile, safe) == 1 and export_segments(hostile, raw, raw=True) == 1
    [row] = cells(safe)
    assert (row["video"], row["annotator"], row["tier"], row["value"], row["note"]) == (
        "'@SUM(A1)", "'-cmd", "'+1+1", "'=1", "'\rx")
    assert (row["start_frame"], row["end_frame"]) == ("0", "3")
    [row] = cells(raw)
    assert (row["video"], row["annotator"], row["tier"], row["value"], row["note"]) == (
        "@SUM(A1)", "-cmd", "+1+1", "=1", "\rx")


def test_long_export_neutralises_names_not_values(hostile, tmp_path):
    safe, raw = tmp_path / "safe.csv", tmp_path / "raw.csv"
    export_long(hostile, safe)
    export_long(hostile, raw, raw=True)
    rows = {r["label"]: r for r in cells(safe)}
    assert rows["sentiment"]["video"] == "'@SUM(A1)" and rows["sentiment"]["annotator"] == "'-cmd"
    assert rows["sentiment"]["value"] == "-3" and rows["joy"]["value"] == "2"
    assert {r["annotator"] for r in cells(raw)} == {"-cmd"}


def test_annotator_export_neutralises_the_cue_text(hostile, tmp_path):
    safe, raw = tmp_path / "safe.csv", tmp_path / "raw.csv"
    export_annotator_csv(hostile, safe, "-cmd")
    export_annotator_csv(hostile, raw, "-cmd", raw=True)
    [row] = cells(safe)
    assert (row["video_name"], row["Sentiment"], row["cues"]) == ("'@SUM(A1)", "-3",
                                                                 "'" + FORMULA)
    assert cells(raw)[0]["cues"] == FORMULA


def test_aggregate_export_neutralises_the_reasoning(hostile, tmp_path):
    safe, raw = tmp_path / "safe.csv", tmp_path / "raw.csv"
    export_aggregated(hostile, safe, "majority")
    export_aggregated(hostile, raw, "majority", raw=True)
    [row] = cells(safe)
    assert (row["video_name"], row["Sentiment"], row["Reasoning_1"]) == (
        "'@SUM(A1)", "-3", "'" + FORMULA)
    assert cells(raw)[0]["Reasoning_1"] == FORMULA


def test_released_export_round_trips_and_neutralises_only_formulas(project, tmp_path):
    rows = released_rows(20)
    rows[3][0] = "@SUM(A1)"
    rows[3][12:15] = [FORMULA, "+1+1", "\tx"]
    src = write_released(tmp_path / "in.csv", rows)
    import_released(project, src)
    raw, safe = tmp_path / "raw.csv", tmp_path / "safe.csv"
    assert export_released(project, raw, raw=True) == 20
    assert raw.read_bytes() == src.read_bytes()
    export_released(project, safe)
    got = list(csv.reader(safe.open(encoding="utf-8", newline="")))
    want = list(csv.reader(src.open(encoding="utf-8", newline="")))
    assert got[4][0] == "'@SUM(A1)" and got[4][12:15] == ["'" + FORMULA, "'+1+1", "'\tx"]
    assert got[:4] == want[:4] and got[5:] == want[5:]  # the other rows: the same cells
    assert any(r[1].startswith("-") for r in got[1:])  # negative sentiment kept as numbers


def test_the_apps_exports_are_safe(hostile, tmp_path):
    """The File menu's *Export EmoSign CSV* and *Export segments* go through Queries."""
    queries = Queries(hostile)
    hostile.editing.set_labels(hostile._repo.videos()[0].id, CONSENSUS_ANNOTATOR,
                               {"sentiment": -1})
    out = tmp_path / "menu.csv"
    assert queries.export_released(out) == 1
    assert cells(out)[0]["video_name"] == "'@SUM(A1)"
    assert cells(out)[0]["Sentiment"] == "-1"
    segments = tmp_path / "menu_segments.csv"
    assert queries.export_segments(segments) == 1
    assert cells(segments)[0]["note"] == "'\rx"
