"""The EmoSign CSV formats.

*Released*: ``video_name, Sentiment, <10 emotions>, Reasoning_1..3``, one row per video,
emotions coded 1..4 (protocol value + 1).

Both formats are written with the emotions coded like the released file (``released``, the
default) or as the annotators gave them on the protocol's 0..3 (``protocol``):
:func:`emotion_offset` turns the name of a coding into the offset the writers add.

*Annotator*: ``video_name, Sentiment, <emotions>`` and optionally ``sentiment_confidence,
emotion_confidence, cues``: one annotator's own ratings.

This module only parses and formats: every file is read and checked whole before anything
is written (the imports themselves are operations in ``services.csv_exchange``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from emosign_desktop.core.errors import EmoSignError, InputFileError
from emosign_desktop.core.model import VideoAnnotation
from emosign_desktop.core.names import name_problem, shown_name
from emosign_desktop.core.schema import (
    CUES,
    EMOTION_CONFIDENCE,
    SENTIMENT,
    SENTIMENT_CONFIDENCE,
    LabelSchema,
)
from emosign_desktop.io.csv_table import CsvTable, parse_int, read_csv_table, write_csv

VIDEO = "video_name"
SENTIMENT_COLUMN = "Sentiment"
REASONING_COLUMNS = ("Reasoning_1", "Reasoning_2", "Reasoning_3")
RELEASED_OFFSET = 1  # the released file codes emotions as protocol value + 1
#: How emotion ratings are coded in a file: the offset added to the protocol's 0..3.
EMOTION_CODINGS = {"released": RELEASED_OFFSET, "protocol": 0}
OPTIONAL_ANNOTATOR_COLUMNS = (SENTIMENT_CONFIDENCE, EMOTION_CONFIDENCE, CUES)


@dataclass(frozen=True)
class LabelRow:
    """One checked row: labels on the protocol scale, plus texts."""

    row: int
    video_name: str
    values: dict[str, object]
    texts: tuple[str, ...] = ()


@dataclass
class ImportSummary:
    """What an import did."""

    rows: int = 0
    videos_added: int = 0
    annotators: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"imported {self.rows} rows ({self.videos_added} new videos) for "
                f"{', '.join(self.annotators)}")


def released_header(schema: LabelSchema) -> list[str]:
    """The released file's columns for this schema."""
    return [VIDEO, SENTIMENT_COLUMN, *schema.emotion_keys, *REASONING_COLUMNS]


def _label_values(
    table: CsvTable, number: int, cells: dict[str, str], schema: LabelSchema, offset: int
) -> dict[str, object]:
    s, e = schema.sentiment, schema.emotion_scale
    values: dict[str, object] = {
        SENTIMENT: parse_int(table, number, SENTIMENT_COLUMN, cells[SENTIMENT_COLUMN],
                             s.minimum, s.maximum)
    }
    for key in schema.emotion_keys:
        values[key] = parse_int(table, number, key, cells[key], e.minimum + offset,
                                e.maximum + offset, offset=offset)
    return values


def _check_names(table: CsvTable) -> list[tuple[int, dict[str, str]]]:
    seen: dict[str, int] = {}
    out = []
    for number, record in table.rows:
        cells = dict(zip(table.header, record, strict=True))
        name = cells[VIDEO]
        if not name.strip():
            raise InputFileError(table.path, "the video name is empty", row=number, column=VIDEO)
        problem = name_problem(name)
        if problem is not None:
            raise InputFileError(table.path, f"the video name {shown_name(name)} {problem}",
                                 row=number, column=VIDEO)
        if name in seen:
            raise InputFileError(
                table.path, f"video '{name}' is listed again (first in row {seen[name]})",
                row=number, column=VIDEO,
            )
        seen[name] = number
        out.append((number, cells))
    return out


def read_released(path: str | Path, schema: LabelSchema) -> list[LabelRow]:
    """Parse and check a released-format file."""
    required = released_header(schema)
    table = read_csv_table(path, required)
    return [
        LabelRow(number, cells[VIDEO],
                 _label_values(table, number, cells, schema, RELEASED_OFFSET),
                 tuple(cells[c] for c in REASONING_COLUMNS))
        for number, cells in _check_names(table)
    ]


def read_annotator_csv(
    path: str | Path, schema: LabelSchema, *, offset: int = RELEASED_OFFSET
) -> list[LabelRow]:
    """Parse and check one annotator's file (emotions coded like the released file unless
    ``offset`` is 0, for files on the protocol's 0..3 scale)."""
    table = read_csv_table(path, [VIDEO, SENTIMENT_COLUMN, *schema.emotion_keys])
    rows = []
    c = schema.confidence
    for number, cells in _check_names(table):
        values = _label_values(table, number, cells, schema, offset)
        for name in (SENTIMENT_CONFIDENCE, EMOTION_CONFIDENCE):
            if name in cells:
                values[name] = parse_int(table, number, name, cells[name], c.minimum, c.maximum)
        if CUES in cells:
            values[CUES] = cells[CUES]
        rows.append(LabelRow(number, cells[VIDEO], values))
    return rows


def emotion_offset(coding: str) -> int:
    """The offset a file's emotion coding adds to the protocol's 0..3 (``released``: 1,
    ``protocol``: 0); :class:`EmoSignError` for another name."""
    try:
        return EMOTION_CODINGS[coding]
    except KeyError:
        raise EmoSignError(f"the emotion coding must be one of {', '.join(EMOTION_CODINGS)} "
                           f"(got '{coding}')") from None


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def _emotion_cells(schema: LabelSchema, values: Mapping[str, object], offset: int
                   ) -> list[str]:
    return [_cell(None if values.get(k) is None else int(values[k]) + offset)  # type: ignore[call-overload]
            for k in schema.emotion_keys]


def write_released(path: str | Path, schema: LabelSchema,
                   rows: Sequence[tuple[str, Mapping[str, object], Sequence[str]]], *,
                   raw: bool = False, offset: int = RELEASED_OFFSET) -> int:
    """Write ``(video name, labels on the protocol scale, up to 3 texts)`` rows in the
    released format, emotions coded protocol value + ``offset`` (1 like the released file,
    0 for 0..3); returns the number of rows.  Texts that a spreadsheet would run are
    neutralised unless ``raw`` (see :func:`~emosign_desktop.io.csv_table.neutralise_cell`)."""
    out = []
    for name, labels, texts in rows:
        reasons = [*texts[:3], *[""] * (3 - len(texts[:3]))]
        out.append([name, _cell(labels.get(SENTIMENT)), *_emotion_cells(schema, labels, offset),
                    *reasons])
    write_csv(path, released_header(schema), out, raw=raw)
    return len(out)


def write_annotator_rows(path: str | Path, schema: LabelSchema,
                         rows: list[tuple[str, VideoAnnotation]], *, raw: bool = False,
                         offset: int = RELEASED_OFFSET) -> int:
    """Write ``(video name, annotation)`` rows in the annotator format (emotions coded
    protocol value + ``offset``: 1..4 by default); returns the number of rows.  Texts are
    neutralised unless ``raw``."""
    out = []
    for name, ann in rows:
        out.append([name, _cell(ann.sentiment), *_emotion_cells(schema, ann.emotions, offset),
                    _cell(ann.sentiment_confidence), _cell(ann.emotion_confidence), ann.cues])
    header = [VIDEO, SENTIMENT_COLUMN, *schema.emotion_keys, *OPTIONAL_ANNOTATOR_COLUMNS]
    write_csv(path, header, out, raw=raw)
    return len(out)
