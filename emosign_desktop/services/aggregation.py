"""One label per video from several annotators (the paper's rule, or mean or median), and
the released EmoSign file written from it."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from emosign_desktop.analysis.aggregate import aggregate
from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.core.model import VideoId
from emosign_desktop.core.schema import EMOTION_CONFIDENCE, SENTIMENT, SENTIMENT_CONFIDENCE
from emosign_desktop.io.emosign_csv import RELEASED_OFFSET, write_released
from emosign_desktop.services.agreement import raters
from emosign_desktop.services.handle import ProjectHandle as Session


def aggregated_labels(session: Session, method: str = "majority"
                      ) -> dict[int, dict[str, int | None]]:
    """video id -> field -> aggregated value, over the annotators who rated each video."""
    repo = session._repo
    people = {a.id for a in raters(session)}
    confidence = {
        field: {(a, v): c for a, v, c in repo.ratings(field) if a in people}
        for field in (SENTIMENT_CONFIDENCE, EMOTION_CONFIDENCE)
    }
    out: dict[int, dict[str, int | None]] = defaultdict(dict)
    for field in (SENTIMENT, *repo.schema.emotion_keys):
        task = SENTIMENT_CONFIDENCE if field == SENTIMENT else EMOTION_CONFIDENCE
        by_video: dict[VideoId, list[tuple[int, int | None]]] = defaultdict(list)
        for a, v, value in repo.ratings(field):
            if a in people:
                by_video[v].append((value, confidence[task].get((a, v))))
        for v, ratings in by_video.items():
            out[v][field] = aggregate(ratings, method)
    return dict(out)


def export_aggregated(session: Session, path: str | Path, method: str = "majority", *,
                      raw: bool = False, offset: int = RELEASED_OFFSET) -> int:
    """Write the released format from the annotators' aggregated labels; Reasoning_1..3 are
    the annotators' cue texts, annotators in name order (neutralised for spreadsheets
    unless ``raw``); emotions coded protocol value + ``offset`` (1..4 by default)."""
    labels = aggregated_labels(session, method)
    if not labels:
        raise EmoSignError("no annotator has rated any video yet: nothing to aggregate "
                           "(import-only annotators do not count)")
    people = sorted(raters(session), key=lambda a: a.name)
    cues: dict[int, list[str]] = defaultdict(list)
    for person in people:
        for ann in session._repo.annotations(annotator_id=person.id):
            if ann.cues:
                cues[ann.video_id].append(ann.cues)
    rows = [(v.name, labels[v.id], cues.get(v.id, [])) for v in session._repo.videos()
            if v.id in labels]
    return write_released(path, session.schema, rows, raw=raw, offset=offset)
