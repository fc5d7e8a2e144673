"""CSV exports a spreadsheet opens without running anything (OWASP's CSV-injection rule),
and ``raw`` writes cells exactly as stored."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emosign_desktop.core.model import VideoAnnotation
from emosign_desktop.core.schema import EMOSIGN_SCHEMA, SENTIMENT
from emosign_desktop.io.csv_table import neutralise_cell, write_csv
from emosign_desktop.io.emosign_csv import (
    read_released,
    write_annotator_rows,
    write_released,
)
from tests.generate import TRICKY_TEXTS

#: Cells a spreadsheet would run, as the issue and OWASP list them.
FORMULAS = ('=HYPERLINK("http://x")', "+1+1", "-cmd", "@SUM(A1)", "\tx", "\rx",
            "=1", "-", "+", "@", "-2+3", "- 3", "-1,5", "+inf", "-0x1F", "=cmd|' /C calc'!A0")
#: Plain numbers: written as they are.
NUMBERS = ("-3", "-0.5", "+1", "0", "3", "-1e-3", "+2.5E+4", ".5", "-.5", "-1.", "12")


def read_cells(path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_gets_a_quote_in_front(text):
    assert neutralise_cell(text) == "'" + text


@pytest.mark.parametrize("text", NUMBERS)
def test_a_plain_number_stays_as_it_is(text):
    assert neutralise_cell(text) == text


@pytest.mark.parametrize("text", ["", "plain words", " =not first", "a=b", "'=quoted already",
                                  "１２", "cafe -", "x\ty", *TRICKY_TEXTS])
def test_other_text_stays_as_it_is(text):
    assert neutralise_cell(text) == text


def test_write_csv_neutralises_every_cell_and_raw_keeps_them(tmp_path):
    rows = [[text, "-3", "plain"] for text in FORMULAS]
    header = ["=name", "Sentiment", "note"]
    safe, raw = tmp_path / "safe.csv", tmp_path / "raw.csv"
    write_csv(safe, header, rows)
    write_csv(raw, header, rows, raw=True)
    assert read_cells(safe) == [["'=name", "Sentiment", "note"],
                                *(["'" + text, "-3", "plain"] for text in FORMULAS)]
    assert read_cells(raw) == [header, *rows]


def test_released_format_neutralises_names_and_texts_but_not_sentiment(tmp_path):
    labels = {SENTIMENT: -3, **{k: 0 for k in EMOSIGN_SCHEMA.emotion_keys}}
    rows = [("@SUM(A1)", labels, ['=HYPERLINK("http://x")', "+1+1", "\rx"]),
            ("plain_video", {SENTIMENT: -1}, ["-cmd", "\tx", "fine"])]
    safe, raw = tmp_path / "safe.csv", tmp_path / "raw.csv"
    assert write_released(safe, EMOSIGN_SCHEMA, rows) == 2
    write_released(raw, EMOSIGN_SCHEMA, rows, raw=True)
    first, second = read_cells(safe)[1:]
    assert first[0] == "'@SUM(A1)" and first[1] == "-3" and first[2:12] == ["1"] * 10
    assert first[12:] == ['\'=HYPERLINK("http://x")', "'+1+1", "'\rx"]
    assert second[:2] == ["plain_video", "-1"] and second[12:] == ["'-cmd", "'\tx", "fine"]
    back = read_released(raw, EMOSIGN_SCHEMA)  # raw: exactly what was stored
    assert [r.video_name for r in back] == ["@SUM(A1)", "plain_video"]
    assert back[0].texts == ('=HYPERLINK("http://x")', "+1+1", "\rx")
    assert back[1].values[SENTIMENT] == -1


def test_annotator_format_neutralises_cues(tmp_path):
    ann = VideoAnnotation(1, 1, sentiment=-2, sentiment_confidence=80, cues="=1+1")
    safe, raw = tmp_path / "safe.csv", tmp_path / "raw.csv"
    write_annotator_rows(safe, EMOSIGN_SCHEMA, [("-v", ann)])
    write_annotator_rows(raw, EMOSIGN_SCHEMA, [("-v", ann)], raw=True)
    row = read_cells(safe)[1]
    assert row[0] == "'-v" and row[1] == "-2" and row[-3:] == ["80", "", "'=1+1"]
    assert read_cells(raw)[1][0] == "-v" and read_cells(raw)[1][-1] == "=1+1"


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                                     blacklist_characters="\x00"),
                              max_size=30), min_size=1, max_size=4))
def test_any_text_reads_back_neutralised_or_raw(tmp_path_factory, texts):
    """Safe: each cell reads back as the text with a quote in front exactly when it starts
    like a formula and is no plain number; raw: as the text.  One row either way (a carriage
    return inside a cell is quoted too)."""
    folder = tmp_path_factory.mktemp("any")
    safe, raw = folder / "safe.csv", folder / "raw.csv"
    write_csv(safe, ["a"] * len(texts), [texts])
    write_csv(raw, ["a"] * len(texts), [texts], raw=True)
    assert read_cells(raw) == [["a"] * len(texts), texts]
    [_, back] = read_cells(safe)
    for text, cell in zip(texts, back, strict=True):
        starts_like_formula = text[:1] in ("=", "+", "-", "@", "\t", "\r")
        assert cell == ("'" + text if starts_like_formula and not is_number(text) else text)


def is_number(text: str) -> bool:
    """A plain decimal number as Python reads one, in ASCII digits, sign, point, exponent."""
    if not set(text) <= set("0123456789+-.eE"):
        return False
    try:
        float(text)
    except ValueError:
        return False
    return True


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="0123456789+-.eE=@ x", max_size=8))
def test_numbers_are_told_from_formulas(text):
    starts_like_formula = text[:1] in ("=", "+", "-", "@")
    want = "'" + text if starts_like_formula and not is_number(text) else text
    assert neutralise_cell(text) == want
