"""``export-csv`` options: the emotion coding of every mode (protocol 0..3 or released 1..4),
and the long format's cue texts and skips, in CSV (spreadsheet-safe unless raw) and
Parquet."""

from __future__ import annotations

import csv

import pytest

from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.io.emosign_csv import emotion_offset
from emosign_desktop.services.aggregation import export_aggregated
from emosign_desktop.services.csv_exchange import (
    export_annotator_csv,
    export_released,
    import_annotator_csv,
    import_released,
)
from emosign_desktop.services.tidy_export import LONG_COLUMNS, export_long
from tests.conftest import add_videos_by_name
from tests.generate import EMOTIONS, released_rows, write_released

FORMULA = '=HYPERLINK("http://x")'


def cells(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def protocol_file(path, rows: list[tuple[str, int, list[int]]]):
    """One annotator's file with the emotions on 0..3."""
    path.write_text("video_name,Sentiment," + ",".join(EMOTIONS) + "\n" + "".join(
        f"{name},{s}," + ",".join(map(str, e)) + "\n" for name, s, e in rows),
        encoding="utf-8")
    return path


GIVEN = [("v1", -3, [0, 1, 2, 3, 0, 0, 1, 1, 2, 3]),
         ("v2", 2, [3, 3, 3, 3, 3, 0, 0, 0, 0, 0])]


def test_emotion_codings_and_an_unknown_one():
    assert (emotion_offset("released"), emotion_offset("protocol")) == (1, 0)
    with pytest.raises(EmoSignError, match="must be one of released, protocol"):
        emotion_offset("1..4")


def test_annotator_round_trip_on_the_protocol_scale(project, tmp_path):
    src = protocol_file(tmp_path / "ana.csv", GIVEN)
    import_annotator_csv(project, src, "ana", offset=emotion_offset("protocol"))
    out, released = tmp_path / "out.csv", tmp_path / "released.csv"
    assert export_annotator_csv(project, out, "ana",
                                offset=emotion_offset("protocol")) == 2
    back = {r["video_name"]: (int(r["Sentiment"]), [int(r[e]) for e in EMOTIONS])
            for r in cells(out)}
    assert back == {name: (s, e) for name, s, e in GIVEN}  # the numbers as given
    export_annotator_csv(project, released, "ana")  # the default: released coding
    assert [int(cells(released)[0][e]) for e in EMOTIONS] == [v + 1 for v in GIVEN[0][2]]


def test_released_and_aggregate_exports_in_either_coding(project, tmp_path):
    rows = released_rows(6, seed=4)
    src = write_released(tmp_path / "released.csv", rows)
    import_released(project, src)
    same, protocol = tmp_path / "same.csv", tmp_path / "protocol.csv"
    export_released(project, same)
    assert same.read_bytes() == src.read_bytes()  # the default is as before
    export_released(project, protocol, offset=0)
    got = {r["video_name"]: r for r in cells(protocol)}
    for row in rows:
        assert [int(got[row[0]][e]) for e in EMOTIONS] == [int(v) - 1 for v in row[2:12]]
        assert got[row[0]]["Sentiment"] == row[1]  # sentiment has one scale
    import_annotator_csv(project, protocol_file(tmp_path / "ana.csv", GIVEN), "ana",
                         offset=0)
    agg = tmp_path / "agg.csv"
    export_aggregated(project, agg, "majority", offset=0)
    one = {r["video_name"]: r for r in cells(agg)}
    assert [int(one["v1"][e]) for e in EMOTIONS] == GIVEN[0][2]
    export_aggregated(project, agg, "majority")
    assert [int(cells(agg)[0][e]) for e in EMOTIONS] == [v + 1 for v in GIVEN[0][2]]


@pytest.fixture
def noted(project):
    """kim rated v1 (sentiment 1, joy 3) with a cue text that starts like a formula;
    kim skipped v2 without rating it; lee wrote only a cue text on v1."""
    v1, v2 = add_videos_by_name(project, "v1", "v2")
    project.editing.set_labels(v1.id, "kim", {"sentiment": 1, "joy": 3,
                                              "cues": FORMULA + ", then a nod"})
    project.editing.set_skipped(v2.id, "kim", True, "signer out of frame")
    project.editing.set_labels(v1.id, "lee", {"cues": "raised brows\nline two"})
    return project


def test_long_format_has_cue_texts_and_skips(noted, tmp_path):
    out = tmp_path / "long.csv"
    assert export_long(noted, out) == 4
    rows = cells(out)
    assert tuple(rows[0]) == LONG_COLUMNS
    assert LONG_COLUMNS[-3:] == ("cues", "skipped", "skip_reason")
    got = sorted((r["video"], r["annotator"], r["label"], r["value"], r["cues"], r["skipped"],
                  r["skip_reason"]) for r in rows)
    assert got == [
        ("v1", "kim", "joy", "3", "'" + FORMULA + ", then a nod", "False", ""),
        ("v1", "kim", "sentiment", "1", "'" + FORMULA + ", then a nod", "False", ""),
        ("v1", "lee", "", "", "raised brows\nline two", "False", ""),  # a text only
        ("v2", "kim", "", "", "", "True", "signer out of frame"),  # a skip, nothing rated
    ]
    raw = tmp_path / "raw.csv"
    export_long(noted, raw, raw=True)
    assert {r["cues"] for r in cells(raw) if r["annotator"] == "kim" and r["video"] == "v1"} \
        == {FORMULA + ", then a nod"}  # as stored


def test_long_format_emotion_coding(noted, tmp_path):
    out = tmp_path / "long.csv"
    export_long(noted, out, offset=emotion_offset("released"))
    values = {r["label"]: r["value"] for r in cells(out) if r["annotator"] == "kim"}
    assert values["joy"] == "4" and values["sentiment"] == "1"  # only emotions are coded


def test_long_parquet_keeps_texts_and_a_boolean_skip(noted, tmp_path):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    out = tmp_path / "long.parquet"
    export_long(noted, out)
    frame = pd.read_parquet(out)
    assert list(frame.columns) == list(LONG_COLUMNS) and len(frame) == 4
    assert frame["skipped"].dtype == bool and frame["skipped"].sum() == 1
    skipped = frame[frame["skipped"]].iloc[0]
    assert (skipped["video"], skipped["skip_reason"]) == ("v2", "signer out of frame")
    assert FORMULA + ", then a nod" in set(frame["cues"])  # Parquet: as stored
