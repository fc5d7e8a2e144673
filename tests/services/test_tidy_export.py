"""Tidy exports: one row per segment (CSV and Parquet), one row per video x annotator x label."""

from __future__ import annotations

import csv
import sys

import pytest

from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.core.model import Region
from emosign_desktop.services.tidy_export import (
    LONG_COLUMNS,
    SEGMENT_COLUMNS,
    export_long,
    export_segments,
)
from emosign_desktop.services.videos import add_videos


@pytest.fixture
def filled(project, sample_video):
    [video] = add_videos(project, [sample_video])  # 12 frames at 12 fps
    tier = project._repo.tiers()[1]
    project.editing.add_segment(video.id, "kim", tier.id, 2, 5, "repetition", "n 1",
                                Region(0.1, 0.2, 0.3, 0.4))
    project.editing.set_labels(video.id, "kim", {"sentiment": -2, "joy": 1,
                                                 "sentiment_confidence": 70})
    return project


def test_segments_csv_has_one_row_per_segment_with_seconds(filled, tmp_path):
    out = tmp_path / "s.csv"
    assert export_segments(filled, out) == 1
    rows = list(csv.DictReader(out.open()))
    assert tuple(rows[0]) == SEGMENT_COLUMNS
    r = rows[0]
    assert (r["video"], r["annotator"], r["tier"], r["value"]) == (
        "sample_clip", "kim", "Emotion cue", "repetition")
    assert (r["start_frame"], r["end_frame"]) == ("2", "5")
    assert float(r["start_s"]) == pytest.approx(2 / 12, abs=1e-6) and float(r["end_s"]) == \
        pytest.approx(6 / 12, abs=1e-6)
    assert (r["region_x"], r["region_h"], r["note"]) == ("0.1", "0.4", "n 1")


def test_parquet_reads_back_in_pandas(filled, tmp_path):
    import pandas as pd

    out = tmp_path / "s.parquet"
    export_segments(filled, out)
    frame = pd.read_parquet(out)
    assert list(frame.columns) == list(SEGMENT_COLUMNS) and len(frame) == 1
    assert frame.loc[0, "end_s"] == pytest.approx(0.5)


def test_parquet_without_pyarrow_says_so_without_needing_pandas(filled, tmp_path,
                                                               monkeypatch):
    """The bundle leaves out pyarrow and pandas: the message names pyarrow, and pandas is
    never imported for it."""
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow raises ImportError
    monkeypatch.setitem(sys.modules, "pandas", None)
    out = tmp_path / "s.parquet"
    with pytest.raises(EmoSignError, match="writing Parquet needs pyarrow"):
        export_segments(filled, out)
    assert not out.exists()


def test_long_format(filled, tmp_path):
    out = tmp_path / "l.csv"
    assert export_long(filled, out) == 3
    rows = [tuple(r.values()) for r in csv.DictReader(out.open())]
    assert rows == [("sample_clip", "kim", "human", "sentiment", "-2", "", "False", ""),
                    ("sample_clip", "kim", "human", "joy", "1", "", "False", ""),
                    ("sample_clip", "kim", "human", "sentiment_confidence", "70", "", "False",
                     "")]
    assert tuple(csv.DictReader(out.open()).fieldnames) == LONG_COLUMNS


def test_unknown_file_kind_is_refused(filled, tmp_path):
    with pytest.raises(EmoSignError, match=r"\.csv or a \.parquet"):
        export_segments(filled, tmp_path / "s.xlsx")
