"""Model prediction files: CSV or JSON Lines, read and checked whole (nothing is imported from
a file with any bad row; the error names the file, the row and the column).

A prediction row: ``video_name``, ``sentiment`` (-3..+3), and ``emotion`` (one of
:data:`EMOTION_LABELS`) or the ten emotion intensities (``joy`` ... ``anger``, 0..3), and
optionally ``reasoning``.  A cue row: ``video_name, start_frame, end_frame, label`` and
optionally a region in 0..1 image coordinates (CSV: ``region_x, region_y, region_w,
region_h``; JSON Lines: ``"region": [x, y, w, h]``).  A JSON object with a prediction may
carry its cue segments in a ``"cues"`` list.  Row numbers are lines of the file (the CSV
header is row 1).
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from emosign_desktop.core.errors import InputFileError, LabelValidationError, read_text_file
from emosign_desktop.core.model import Region
from emosign_desktop.core.schema import LabelSchema
from emosign_desktop.io.csv_table import read_csv_table

#: The single-label emotion classes of the paper (joy and excited merged into happiness).
EMOTION_LABELS = ("happiness", "surprise_pos", "surprise_neg", "worry", "sadness", "fear",
                  "disgust", "frustration", "anger", "neutral")
MAX_FILE_BYTES = 256 * 1024 * 1024
REGION_COLUMNS = ("region_x", "region_y", "region_w", "region_h")


@dataclass(frozen=True)
class PredictionRow:
    """One checked prediction."""

    row: int
    video_name: str
    sentiment: int | None
    emotion: str | None
    intensities: dict[str, int] | None
    reasoning: str = ""


@dataclass(frozen=True)
class CueRow:
    """One checked predicted cue segment."""

    row: int
    video_name: str
    start_frame: int
    end_frame: int
    label: str = ""
    region: Region | None = None


@dataclass
class PredictionFile:
    """What a file holds: predictions, cue segments, or both."""

    path: Path
    predictions: list[PredictionRow] = field(default_factory=list)
    cues: list[CueRow] = field(default_factory=list)


class _Record:
    """One row of either format, with checks that name the file, row and column."""

    def __init__(self, path: Path, row: int, cells: Mapping[str, object]) -> None:
        self.path, self.row, self.cells = path, row, cells

    def fail(self, column: str | None, problem: str) -> InputFileError:
        return InputFileError(self.path, problem, row=self.row, column=column)

    def has(self, column: str) -> bool:
        value = self.cells.get(column)
        return value is not None and value != ""

    def text(self, column: str) -> str:
        value = self.cells.get(column)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise self.fail(column, f"expected text, got {json.dumps(value)}")
        return value.strip() if column == "video_name" else value

    def integer(self, column: str, lo: int, hi: int, *, required: bool = False) -> int | None:
        value = self.cells.get(column)
        if value is None or value == "":
            if required:
                raise self.fail(column, "the value is missing")
            return None
        number: object = value
        if isinstance(value, str):
            try:
                number = int(value.strip())
            except ValueError:
                raise self.fail(column, f"'{value}' is not a whole number") from None
        if isinstance(number, float) and number.is_integer():
            number = int(number)
        if isinstance(number, bool) or not isinstance(number, int):
            raise self.fail(column, f"{json.dumps(value)} is not a whole number")
        if not lo <= number <= hi:
            raise self.fail(column, f"{number} is outside {lo}..{hi}")
        return number

    def fraction(self, column: str, value: object) -> float:
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise self.fail(column, f"'{value}' is not a number") from None
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not math.isfinite(value) or not 0.0 <= value <= 1.0:
            raise self.fail(column, f"{value} is not a number from 0 to 1")
        return float(value)


def _records(path: Path) -> Iterator[_Record]:
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        text = read_text_file(path)
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputFileError(path, f"not JSON ({exc.msg})", row=number) from None
            if not isinstance(data, dict):
                raise InputFileError(path, "each line must be a JSON object", row=number)
            yield _Record(path, number, data)
        return
    table = read_csv_table(path, ["video_name"])
    for number, record in table.rows:
        yield _Record(path, number, dict(zip(table.header, record, strict=True)))


def read_prediction_file(path: str | Path, schema: LabelSchema,
                         videos: Collection[str]) -> PredictionFile:
    """Parse and check a prediction (or cue) file against the project's videos."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputFileError(path, f"cannot read the file ({exc.strerror})") from None
    if size > MAX_FILE_BYTES:
        raise InputFileError(path, f"the file is larger than {MAX_FILE_BYTES >> 20} MB")
    parsed = PredictionFile(path)
    first_row: dict[str, int] = {}
    for record in _records(path):
        if record.has("start_frame") or record.has("end_frame"):
            parsed.cues.append(_cue(record, videos))
            continue
        parsed.predictions.append(_prediction(record, schema, videos, first_row))
        nested = record.cells.get("cues")
        if nested is not None:
            if not isinstance(nested, list):
                raise record.fail("cues", "expected a list of cue segments")
            for item in nested:
                if not isinstance(item, dict):
                    raise record.fail("cues", "each cue segment must be a JSON object")
                parsed.cues.append(_cue(_Record(path, record.row, {
                    "video_name": record.cells.get("video_name"), **item}), videos))
    if not parsed.predictions and not parsed.cues:
        raise InputFileError(path, "the file holds no predictions and no cue segments")
    return parsed


def _video(record: _Record, videos: Collection[str]) -> str:
    name = record.text("video_name")
    if not name:
        raise record.fail("video_name", "the video name is empty")
    if name not in videos:
        raise record.fail("video_name", f"the project has no video named '{name}'")
    return name


def _prediction(record: _Record, schema: LabelSchema, videos: Collection[str],
                first_row: dict[str, int]) -> PredictionRow:
    name = _video(record, videos)
    if name in first_row:
        raise record.fail("video_name", f"video '{name}' is listed again (first in row "
                                        f"{first_row[name]})")
    first_row[name] = record.row
    s, e = schema.sentiment, schema.emotion_scale
    sentiment = record.integer("sentiment", s.minimum, s.maximum)
    emotion = record.text("emotion").strip() or None
    if emotion is not None and emotion not in EMOTION_LABELS:
        raise record.fail("emotion", f"'{emotion}' is not one of {', '.join(EMOTION_LABELS)}")
    given = [k for k in schema.emotion_keys if record.has(k)]
    intensities = None
    if given:
        missing = [k for k in schema.emotion_keys if k not in given]
        if missing:
            raise record.fail(missing[0], "give all ten emotion intensities or none (this "
                                          f"row lacks {', '.join(missing)})")
        intensities = {}
        for k in schema.emotion_keys:
            value = record.integer(k, e.minimum, e.maximum, required=True)
            assert value is not None
            intensities[k] = value
    if emotion is None and intensities is None and sentiment is None:
        raise record.fail("sentiment", "the row has no sentiment, no emotion and no "
                                       "emotion intensities")
    return PredictionRow(record.row, name, sentiment, emotion, intensities,
                         record.text("reasoning"))


def _cue(record: _Record, videos: Collection[str]) -> CueRow:
    name = _video(record, videos)
    start = record.integer("start_frame", 0, 10**9, required=True)
    end = record.integer("end_frame", 0, 10**9, required=True)
    assert start is not None and end is not None
    if end < start:
        raise record.fail("end_frame", f"the segment ends ({end}) before it starts ({start})")
    region = None
    box = record.cells.get("region")
    if box is None and any(record.has(c) for c in REGION_COLUMNS):
        box = [record.cells.get(c) for c in REGION_COLUMNS]
    if box is not None and box != "":
        if not isinstance(box, list) or len(box) != 4:
            raise record.fail("region", "a region is four numbers: x, y, w, h")
        names = REGION_COLUMNS if "region" not in record.cells else ("region",) * 4
        values = [record.fraction(n, v) for n, v in zip(names, box, strict=True)]
        try:
            region = Region(*values)
        except LabelValidationError as exc:
            raise record.fail(names[0], str(exc)) from None
    return CueRow(record.row, name, start, end, record.text("label"), region)
