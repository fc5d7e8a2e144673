"""Gold clips and annotator drift.

**Gold clips** are videos whose labels are known: each gold video names the annotator whose
labels are its reference (a person, or labels imported from a file with ``import-csv``).
They are kept as one project setting (``gold_videos``: JSON, video name -> reference
annotator), set and cleared through the write path (one undo step each).  Nothing in the
annotators' view says which videos are gold.

**Drift** (``analysis.drift``): for each annotator, their videos in the order they first
labelled them (the annotation's creation time), and over a rolling window of the last
``window`` videos: sentiment alpha and bias and emotion-presence agreement, against the gold
reference (gold videos only), and against the other annotators (every video they share).
An annotator whose sentiment creeps positive shows a bias rising above 0.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TypedDict

import numpy as np
import numpy.typing as npt

from emosign_desktop.analysis.drift import DEFAULT_WINDOW, DriftPoint, rolling
from emosign_desktop.core import project_settings
from emosign_desktop.core.changes import Changes
from emosign_desktop.core.changeset import ChangeSet, MetaEdit
from emosign_desktop.core.errors import EmoSignError, LabelValidationError
from emosign_desktop.core.model import VideoAnnotation
from emosign_desktop.services.agreement import raters
from emosign_desktop.services.handle import ProjectHandle as Session
from emosign_desktop.storage.repository import Repository

#: The project setting that holds the gold videos.
GOLD_META = project_settings.GOLD


def _read(meta: Mapping[str, str]) -> dict[str, str]:
    raw = meta.get(GOLD_META)
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        raise EmoSignError(f"the project setting '{GOLD_META}' is damaged (not JSON)") from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                             for k, v in data.items()):
        raise EmoSignError(f"the project setting '{GOLD_META}' is damaged (not a mapping of "
                           "video names to annotator names)")
    return data


def gold_videos(session: Session) -> dict[str, str]:
    """Video name -> the annotator whose labels are its reference."""
    return _read(session._repo.meta())


def _edit(repo: Repository, new: dict[str, str]) -> ChangeSet:
    before = repo.meta().get(GOLD_META)
    after = json.dumps(dict(sorted(new.items())), ensure_ascii=False) if new else None
    if before == after:
        return ChangeSet()
    return ChangeSet(meta=(MetaEdit(GOLD_META, before, after),))


def set_gold(session: Session, names: Iterable[str], reference: str) -> Changes:
    """Mark videos gold with ``reference``'s labels as their truth; refused (nothing
    changed) when a video or the annotator is unknown, or the annotator has not labelled a
    video."""
    names = list(dict.fromkeys(names))
    if not names:
        raise LabelValidationError("name at least one video to mark gold")

    def build(repo: Repository) -> ChangeSet:
        who = repo.annotator_by_name(reference)
        if who is None:
            known = ", ".join(a.name for a in repo.annotators()) or "none"
            raise LabelValidationError(f"no annotator named '{reference}' (annotators: "
                                       f"{known})")
        missing, unlabelled = [], []
        for name in names:
            video = repo.video_by_name(name)
            if video is None:
                missing.append(name)
            elif repo.annotation(video.id, who.id) is None:
                unlabelled.append(name)
        if missing:
            raise LabelValidationError(f"no video named {', '.join(map(repr, missing))}")
        if unlabelled:
            raise LabelValidationError(f"'{reference}' has not labelled "
                                       f"{', '.join(map(repr, unlabelled))}: a gold video "
                                       "needs its reference labels")
        return _edit(repo, {**_read(repo.meta()), **dict.fromkeys(names, reference)})

    label = f"mark {len(names)} video{'s' if len(names) != 1 else ''} gold"
    return session.writer.run(label, build).changes()


def clear_gold(session: Session, names: Iterable[str]) -> Changes:
    """Videos are gold no more (names that are not gold are ignored)."""
    names = list(dict.fromkeys(names))

    def build(repo: Repository) -> ChangeSet:
        current = _read(repo.meta())
        return _edit(repo, {k: v for k, v in current.items() if k not in names})

    label = f"unmark {len(names)} gold video{'s' if len(names) != 1 else ''}"
    return session.writer.run(label, build).changes()


class DriftSeries(TypedDict):
    """One annotator's rolling figures (``analysis.drift.DriftPoint.as_dict`` each, with
    the video's name)."""

    annotator: str
    videos: int
    with_gold: list[dict[str, object]]
    with_others: list[dict[str, object]]


class DriftReport(TypedDict):
    """What :func:`drift_report` returns."""

    window: int
    gold_videos: int
    annotators: list[DriftSeries]


def _vector(a: VideoAnnotation, keys: tuple[str, ...]) -> npt.NDArray[np.float64]:
    values = [a.sentiment, *(a.emotions.get(k) for k in keys)]
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def _points(points: list[DriftPoint], names: Mapping[int, str]) -> list[dict[str, object]]:
    return [{**p.as_dict(), "video": names.get(p.video, str(p.video))} for p in points]


def drift_report(session: Session, window: int = DEFAULT_WINDOW) -> DriftReport:
    """Every annotator's agreement over time with gold and with the others (see module)."""
    if window < 1:
        raise EmoSignError("the window must hold at least 1 video")
    repo, schema = session._repo, session.schema
    keys = tuple(schema.emotion_keys)
    names: dict[int, str] = {v.id: v.name for v in repo.videos()}
    by_name = {n: i for i, n in names.items()}
    gold = {by_name[n]: ref for n, ref in gold_videos(session).items() if n in by_name}
    people = raters(session)
    everyone = {a.id: a.name for a in repo.annotators()}
    vectors: dict[str, dict[int, tuple[str, npt.NDArray[np.float64]]]] = {}
    for a in repo.annotations():
        who = everyone.get(a.annotator_id)
        if who is not None and not a.skipped:
            vectors.setdefault(who, {})[a.video_id] = (a.created_at, _vector(a, keys))
    domain = [float(v) for v in schema.sentiment.values]
    out: list[DriftSeries] = []
    for person in people:
        mine_all = vectors.get(person.name, {})
        order = sorted(mine_all.items(), key=lambda kv: (kv[1][0], kv[0]))
        mine = [(video, vec) for video, (_t, vec) in order]
        gold_ref: dict[str, dict[int, npt.NDArray[np.float64]]] = {}
        for video, ref in gold.items():
            if ref != person.name and video in vectors.get(ref, {}):
                gold_ref.setdefault(ref, {})[video] = vectors[ref][video][1]
        others = {p.name: {v: vec for v, (_t, vec) in vectors.get(p.name, {}).items()}
                  for p in people if p.name != person.name}

        out.append(DriftSeries(
            annotator=person.name, videos=len(mine),
            with_gold=_points(rolling(mine, gold_ref, domain, window), names),
            with_others=_points(rolling(mine, others, domain, window), names)))
    return DriftReport(window=window, gold_videos=len(gold), annotators=out)
