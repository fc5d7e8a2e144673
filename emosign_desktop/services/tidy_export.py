"""Tidy files for analysis in pandas or R: one row per segment, or one row per video,
annotator and label.

``export-segments`` columns: segment_id, parent_id (the segment it depends on: an imported
ELAN annotation's parent annotation; empty when none), video, annotator, annotator_kind,
tier, tier_group, value,
start_frame, end_frame (inclusive), start_s, end_s (the first frame's start and the last
frame's end, seconds from the first frame), region_x, region_y, region_w, region_h (0..1,
empty without a region), note, source (the file an import took it from, empty when made
here), attributes (JSON).  ``export-csv --long`` columns: video, annotator, annotator_kind,
label (sentiment, each emotion, sentiment_confidence, emotion_confidence, and
active_seconds: the annotator's time on task on the video), value (protocol scales: emotions
0..3 unless coded otherwise; seconds to 0.1), cues (the annotator's cue text for the
video), skipped (True/False), skip_reason: the last three repeated on each of the video and
annotator's rows, and a row with empty label and value for an annotation that has a cue
text or a skip but no rated label.  In a CSV a text a spreadsheet would run as a formula
gets a quote in front (:func:`~emosign_desktop.io.csv_table.neutralise_cell`) unless
``raw``; Parquet keeps every value as it is.
"""

from __future__ import annotations

import json
from pathlib import Path

from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.core.model import Video
from emosign_desktop.core.schema import EMOTION_CONFIDENCE, SENTIMENT, SENTIMENT_CONFIDENCE
from emosign_desktop.io.csv_table import write_csv
from emosign_desktop.media.frame_times import frame_starts_ms, nominal_starts_ms
from emosign_desktop.services.handle import ProjectHandle as Session
from emosign_desktop.services.videos import media_file

SEGMENT_COLUMNS = ("segment_id", "parent_id", "video", "annotator", "annotator_kind", "tier",
                   "tier_group", "value",
                   "start_frame", "end_frame", "start_s", "end_s", "region_x", "region_y",
                   "region_w", "region_h", "note", "source", "attributes")
LONG_COLUMNS = ("video", "annotator", "annotator_kind", "label", "value", "cues", "skipped",
                "skip_reason")
ACTIVE_SECONDS = "active_seconds"


def _frame_starts(session: Session, video: Video, frames: int) -> list[float] | None:
    """Each frame's start (ms) and the end of the last; None when nothing tells."""
    path = media_file(session.folder, video)
    if path is not None:
        from emosign_desktop.core.errors import MediaError
        from emosign_desktop.media.frame_index import load_index

        try:
            return frame_starts_ms(load_index(path, video.fingerprint))
        except MediaError:
            pass
    if video.media is not None and video.media.fps:
        return nominal_starts_ms(video.media.fps, max(video.media.frame_count, frames))
    return None


def segment_rows(session: Session) -> list[list[object]]:
    """One row per segment of the project, in video and start-frame order."""
    repo = session._repo
    videos = {v.id: v for v in repo.videos()}
    people = {a.id: a for a in repo.annotators()}
    tiers = {t.id: t for t in repo.tiers()}
    rows: list[list[object]] = []
    times: dict[int, list[float] | None] = {}
    segments = repo.segments()
    ids = {s.uid: s.id for s in segments if s.uid}
    for seg in sorted(segments, key=lambda s: (s.video_id, s.start_frame, s.id)):
        video = videos[seg.video_id]
        if seg.video_id not in times:
            times[seg.video_id] = _frame_starts(session, video, seg.end_frame + 1)
        starts = times[seg.video_id]
        start_s = end_s = None
        if starts is not None and seg.end_frame + 1 < len(starts):
            start_s = round(starts[seg.start_frame] / 1000, 6)
            end_s = round(starts[seg.end_frame + 1] / 1000, 6)
        r = seg.region
        tier = tiers[seg.tier_id]
        who = people[seg.annotator_id]
        parent = ids.get(dict(seg.attributes).get("parent", ""))
        rows.append([seg.id, parent, video.name, who.name, who.kind.value, tier.name,
                     tier.group, seg.value,
                     seg.start_frame, seg.end_frame, start_s, end_s,
                     r.x if r else None, r.y if r else None, r.w if r else None,
                     r.h if r else None, seg.note, seg.source,
                     json.dumps(dict(seg.attributes)) if seg.attributes else ""])
    return rows


def long_rows(session: Session, offset: int = 0) -> list[list[object]]:
    """One row per video, annotator and rated label (empty labels left out; emotions coded
    protocol value + ``offset``), each with the annotation's cue text, skipped flag and skip
    reason; an annotation with a text or a skip but no rated label has one row of its own
    (label and value empty), so that no text and no skip is left out."""
    repo = session._repo
    names = {v.id: v.name for v in repo.videos()}
    people = {a.id: a for a in repo.annotators()}
    emotions = set(session.schema.emotion_keys)
    labels = (SENTIMENT, *session.schema.emotion_keys, SENTIMENT_CONFIDENCE, EMOTION_CONFIDENCE)
    rows: list[list[object]] = []
    notes: dict[tuple[int, str], list[object]] = {}  # (video, annotator) -> cues, skip
    for ann in repo.annotations():
        who = people[ann.annotator_id]
        note: list[object] = [ann.cues, ann.skipped, ann.skip_reason]
        notes[(ann.video_id, who.name)] = note
        start = len(rows)
        for label in labels:
            value = ann.value(label)
            if value is not None:
                if label in emotions:
                    value = ann.emotions[label] + offset
                rows.append([names[ann.video_id], who.name, who.kind.value, label, value,
                             *note])
        if len(rows) == start and (ann.cues or ann.skipped or ann.skip_reason):
            rows.append([names[ann.video_id], who.name, who.kind.value, None, None, *note])
    kinds = {a.name: a.kind.value for a in people.values()}
    for t in repo.active_times():  # time on task, seconds
        if t.video_id in names:
            rows.append([names[t.video_id], t.annotator, kinds.get(t.annotator, "human"),
                         ACTIVE_SECONDS, round(t.seconds, 1),
                         *notes.get((t.video_id, t.annotator), ["", False, ""])])
    return rows


def _write(path: Path, columns: tuple[str, ...], rows: list[list[object]], raw: bool) -> int:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        # pyarrow first: an installation without it (the bundle leaves out both pyarrow and
        # pandas) says what is missing without needing pandas to say it
        try:
            import pyarrow  # noqa: F401  (pandas writes Parquet through it)
        except ImportError as exc:
            raise EmoSignError(f"{path}: writing Parquet needs pyarrow ({exc})") from None
        try:
            import pandas as pd
        except ImportError as exc:
            raise EmoSignError(f"{path}: writing Parquet needs pandas ({exc})") from None
        try:
            pd.DataFrame(rows, columns=list(columns)).to_parquet(path, index=False)
        except ImportError as exc:
            raise EmoSignError(f"{path}: writing Parquet needs pyarrow ({exc})") from None
        except OSError as exc:
            raise EmoSignError(f"{path}: cannot write the file ({exc.strerror})") from None
        return len(rows)
    if suffix not in (".csv", ""):
        raise EmoSignError(f"{path}: write a .csv or a .parquet file")
    write_csv(path, list(columns),
              [["" if v is None else str(v) for v in row] for row in rows], raw=raw)
    return len(rows)


def export_segments(session: Session, path: str | Path, *, raw: bool = False) -> int:
    """Every segment, one row each, to ``path`` (.csv or .parquet); returns the rows.  In a
    CSV, texts a spreadsheet would run get a quote in front unless ``raw``."""
    return _write(Path(path), SEGMENT_COLUMNS, segment_rows(session), raw)


def export_long(session: Session, path: str | Path, *, raw: bool = False,
                offset: int = 0) -> int:
    """Every rated label, one row per video x annotator x label, with the cue texts and
    skips (.csv or .parquet; see :func:`long_rows`); emotions on the protocol's 0..3 plus
    ``offset`` (1: coded like the released file); CSV texts neutralised for spreadsheets
    unless ``raw``."""
    return _write(Path(path), LONG_COLUMNS, long_rows(session, offset), raw)
