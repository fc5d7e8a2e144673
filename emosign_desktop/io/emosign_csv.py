"""The EmoSign CSV formats.

*Released*: ``video_name, Sentiment, <10 emotions>, Reasoning_1..3``, one row per video,
emotions coded 1..4 (protocol value + 1).  Its labels become the annotations of the annotator
``emosign-consensus``; ``Reasoning_k`` becomes the cue text of annotator ``reasoning-k``.

*Annotator*: ``video_name, Sentiment, <emotions>`` and optionally ``sentiment_confidence,
emotion_confidence, cues``: one annotator's own ratings.

Imports read and check the whole file first and then write in one transaction: a bad file
changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from emosign_desktop.core.errors import EmoSignError, InputFileError
from emosign_desktop.core.model import (
    CONSENSUS_ANNOTATOR,
    REASONING_ANNOTATORS,
    AnnotatorKind,
    VideoAnnotation,
)
from emosign_desktop.core.schema import (
    CUES,
    EMOTION_CONFIDENCE,
    SENTIMENT,
    SENTIMENT_CONFIDENCE,
    LabelSchema,
)
from emosign_desktop.io.csv_table import CsvTable, parse_int, read_csv_table, write_csv
from emosign_desktop.storage.repository import Repository

VIDEO = "video_name"
SENTIMENT_COLUMN = "Sentiment"
REASONING_COLUMNS = ("Reasoning_1", "Reasoning_2", "Reasoning_3")
RELEASED_OFFSET = 1  # the released file codes emotions as protocol value + 1
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


def _video_ids(repo: Repository, rows: list[LabelRow], summary: ImportSummary) -> list[int]:
    ids = []
    for r in rows:
        video = repo.video_by_name(r.video_name)
        if video is None:
            video = repo.add_video(r.video_name)
            summary.videos_added += 1
        ids.append(video.id)
    return ids


def import_released(repo: Repository, path: str | Path) -> ImportSummary:
    """Import the released EmoSign file into the project, all or nothing."""
    rows = read_released(path, repo.schema)
    summary = ImportSummary(rows=len(rows))
    with repo.transaction():
        consensus = repo.ensure_annotator(CONSENSUS_ANNOTATOR, AnnotatorKind.IMPORTED)
        reasoners = [repo.ensure_annotator(n, AnnotatorKind.IMPORTED)
                     for n in REASONING_ANNOTATORS]
        for video_id, r in zip(_video_ids(repo, rows, summary), rows, strict=True):
            repo.put_fields(video_id, consensus.id, r.values)
            for annotator, text in zip(reasoners, r.texts, strict=True):
                if text or repo.annotation(video_id, annotator.id) is not None:
                    repo.put_fields(video_id, annotator.id, {CUES: text})
    summary.annotators = [CONSENSUS_ANNOTATOR, *REASONING_ANNOTATORS]
    return summary


def import_annotator_csv(
    repo: Repository, path: str | Path, annotator: str, *, offset: int = RELEASED_OFFSET
) -> ImportSummary:
    """Import one annotator's ratings, all or nothing."""
    rows = read_annotator_csv(path, repo.schema, offset=offset)
    summary = ImportSummary(rows=len(rows), annotators=[annotator])
    with repo.transaction():
        who = repo.ensure_annotator(annotator)
        for video_id, r in zip(_video_ids(repo, rows, summary), rows, strict=True):
            repo.put_fields(video_id, who.id, r.values)
    return summary


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def _emotion_cells(schema: LabelSchema, values: Mapping[str, object]) -> list[str]:
    return [_cell(None if values.get(k) is None else int(values[k]) + RELEASED_OFFSET)  # type: ignore[call-overload]
            for k in schema.emotion_keys]


def write_released(path: str | Path, schema: LabelSchema,
                   rows: list[tuple[str, Mapping[str, object], list[str]]]) -> int:
    """Write ``(video name, labels on the protocol scale, up to 3 texts)`` rows in the
    released format; returns the number of rows."""
    out = []
    for name, labels, texts in rows:
        reasons = [*texts[:3], *[""] * (3 - len(texts[:3]))]
        out.append([name, _cell(labels.get(SENTIMENT)), *_emotion_cells(schema, labels),
                    *reasons])
    write_csv(path, released_header(schema), out)
    return len(out)


def export_released(repo: Repository, path: str | Path) -> int:
    """Write the consensus labels and reasoning texts in the released format; returns rows.

    Importing the released file and exporting it gives the same bytes.
    """
    consensus = repo.annotator_by_name(CONSENSUS_ANNOTATOR)
    if consensus is None:
        raise EmoSignError(
            f"the project has no '{CONSENSUS_ANNOTATOR}' annotations to export "
            "(import a released EmoSign file first, or use --aggregate)"
        )
    labels = {a.video_id: a for a in repo.annotations(annotator_id=consensus.id)}
    texts: list[dict[int, str]] = []
    for name in REASONING_ANNOTATORS:
        who = repo.annotator_by_name(name)
        found = repo.annotations(annotator_id=who.id) if who else []
        texts.append({a.video_id: a.cues for a in found})
    rows = []
    for video in repo.videos():
        if video.id not in labels and not any(video.id in t for t in texts):
            continue
        ann = labels.get(video.id) or VideoAnnotation(video.id, consensus.id)
        values = {SENTIMENT: ann.sentiment, **ann.emotions}
        rows.append((video.name, values, [t.get(video.id, "") for t in texts]))
    return write_released(path, repo.schema, rows)


def export_annotator_csv(repo: Repository, path: str | Path, annotator: str) -> int:
    """Write one annotator's ratings in the annotator format (emotions coded 1..4)."""
    who = repo.annotator_by_name(annotator)
    if who is None:
        raise EmoSignError(f"the project has no annotator named '{annotator}'")
    names = {v.id: v.name for v in repo.videos()}
    schema = repo.schema
    rows = []
    for ann in repo.annotations(annotator_id=who.id):
        emotions = _emotion_cells(schema, ann.emotions)
        rows.append([names[ann.video_id], _cell(ann.sentiment), *emotions,
                     _cell(ann.sentiment_confidence), _cell(ann.emotion_confidence), ann.cues])
    header = [VIDEO, SENTIMENT_COLUMN, *schema.emotion_keys, *OPTIONAL_ANNOTATOR_COLUMNS]
    write_csv(path, header, rows)
    return len(rows)
