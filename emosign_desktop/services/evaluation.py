"""Models versus humans: every imported prediction run scored on the paper's benchmark tasks
against reference labels, beside the annotators' own agreement (the human ceiling), and
the videos ranked by how much the models disagree with the reference.

**The reference** is an annotator's labels (``emosign-consensus``, made by importing the
released file, by default) or, when the project has no such annotator or ``reference`` is
``"majority"``, the paper's majority rule over the project's annotators
(``services.aggregation``).  An annotator's name takes precedence over ``"majority"``.

**Tasks** (``core.benchmark``): 3-class and 7-class sentiment on the videos whose reference
has a sentiment; single-label emotion on the single-expression set; the multi-expression set
scored apart, as the hit rate (the answer is one of the tied labels).

**Missing answers count as wrong** (``analysis.metrics``): a video of a task that a run gives
no answer for is scored as ``(none)``; ``answered`` and ``coverage`` say how many it
answered.  A task block is None for a run that gives no answer of that kind at all (e.g. a
run of cue segments only).  A model's emotion is its ``emotion``, else derived from its
intensities (a tie goes to the first tied label in the paper's label order).

**Grounding** (``analysis.grounding``): for each run with cue segments, against the human
segments of a tier (``tier``, default the first emotion-cue tier), per video and annotator.

All scores are percent with 2 decimals; alpha is Krippendorff's (ordinal), 3 decimals.

**Provenance**: a report to be written (``emosign evaluate --json``/``--html``) goes through
:func:`with_provenance`: the app's version, the time (UTC), the project and every run's
prediction files with their SHA-256 (``services.provenance``).  :func:`evaluate` itself
depends on the project alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import NotRequired, TypedDict, cast

import numpy as np
import numpy.typing as npt

from emosign_desktop.analysis.alpha import krippendorff_alpha
from emosign_desktop.analysis.grounding import GroundingScores, grounding_scores
from emosign_desktop.analysis.metrics import HitRate, Scores, percent, scores_from_codes
from emosign_desktop.core.benchmark import (
    EMOTION_CLASSES,
    NEUTRAL,
    PROTOCOL_EMOTIONS,
    SENTIMENT3_CLASSES,
    BenchmarkTasks,
    derive_tasks,
    emotion_labels,
    has_all_emotions,
    predicted_emotion,
)
from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.core.model import (
    CONSENSUS_ANNOTATOR,
    PredictedCue,
    Prediction,
    Segment,
    Tier,
    TierKind,
)
from emosign_desktop.core.schema import SENTIMENT
from emosign_desktop.core.tiers import EMOTION_CUE
from emosign_desktop.services.aggregation import aggregated_labels
from emosign_desktop.services.agreement import label_fields, raters, rating_matrices
from emosign_desktop.services.handle import ProjectHandle as Session
from emosign_desktop.services.provenance import Provenance, report_provenance

MAJORITY = "majority"
Reference = dict[int, dict[str, int | None]]


class MultiCombination(TypedDict):
    """A kept multi-expression label combination."""

    labels: list[str]
    videos: int


class TaskSizes(TypedDict):
    """How many videos each task has."""

    videos: int
    sentiment: int
    single_expression: int
    multi_expression: int
    dropped: int
    multi_combinations: list[MultiCombination]


class HumanAgreement(TypedDict):
    """The annotators' Krippendorff alpha per label and its average: the human ceiling."""

    level: str
    annotators: list[str]
    labels: dict[str, float | None]
    average: float | None


class RunReport(TypedDict):
    """One run's scores (a task is None when the run answers none of its kind)."""

    model: str
    setting: str
    predictions: int
    cues: int
    sentiment3: Scores | None
    sentiment7: Scores | None
    emotion: Scores | None
    multi_expression: HitRate | None
    grounding: GroundingScores | None


class EvaluationReport(TypedDict):
    """What :func:`evaluate` returns (and ``emosign evaluate --json`` prints, with its
    ``provenance``: :func:`with_provenance`)."""

    provenance: NotRequired[Provenance]
    reference: str
    reference_kind: str
    tasks: TaskSizes
    labels: dict[str, list[str]]
    human_agreement: HumanAgreement | None
    grounding_tier: str | None
    boundary_frames: int
    runs: list[RunReport]


class RunAnswer(TypedDict):
    """One run's answer for one video in :func:`video_disagreements`."""

    model: str
    setting: str
    sentiment: int | None
    emotion: str | None
    score: float


class VideoDisagreement(TypedDict):
    """A video in :func:`video_disagreements`'s ranking (the reference, and each run)."""

    video_id: int
    name: str
    score: float
    sentiment: int | None
    emotion: list[str] | None
    answers: list[RunAnswer]


# -- the reference ---------------------------------------------------------------------------

def _annotator_labels(session: Session, annotator_id: int) -> Reference:
    repo = session._repo
    out: Reference = defaultdict(dict)
    for field in (SENTIMENT, *session.schema.emotion_keys):
        for a, v, value in repo.ratings(field):
            if a == annotator_id:
                out[v][field] = value
    return dict(out)


def reference_labels(session: Session, reference: str | None = None
                     ) -> tuple[str, str, Reference]:
    """(name, kind, video id -> field -> value) of the reference: the named annotator, the
    majority of the annotators (``"majority"``), or by default ``emosign-consensus`` when
    the project has it and else the majority.  Raises EmoSignError for an unknown name or
    when there are no reference labels."""
    repo = session._repo
    if reference is None:
        consensus = repo.annotator_by_name(CONSENSUS_ANNOTATOR)
        if consensus is not None:
            labels = _annotator_labels(session, consensus.id)
            if labels:
                return CONSENSUS_ANNOTATOR, "annotator", labels
        reference = MAJORITY
    person = repo.annotator_by_name(reference)
    if person is not None:
        name, kind = reference, "annotator"
        labels = _annotator_labels(session, person.id)
    elif reference == MAJORITY:
        name, kind = MAJORITY, "aggregate"
        labels = {v: dict(row) for v, row in aggregated_labels(session, MAJORITY).items()}
    else:
        known = ", ".join(a.name for a in repo.annotators()) or "none"
        raise EmoSignError(f"no annotator named '{reference}' to use as the reference "
                           f"(annotators: {known}; or '{MAJORITY}' for the majority of "
                           "the annotators)")
    if not labels:
        where = (f"annotator '{name}' has rated no video" if kind == "annotator" else
                 "no annotator has rated any video (import the released file with "
                 "'emosign import-csv', or rate videos)")
        raise EmoSignError(f"no reference labels: {where}")
    return name, kind, labels


# -- the data, loaded once -------------------------------------------------------------------

@dataclass
class _RunData:
    model: str
    setting: str
    predictions: int
    cues: int
    sentiment: npt.NDArray[np.int64]  # per reference video, NO_SENTIMENT when no answer
    emotion: npt.NDArray[np.int64]  # per reference video, code in EMOTION_CLASSES; 10 = none
    has_sentiment: bool
    has_emotion: bool


NO_SENTIMENT = np.iinfo(np.int64).min
_EMOTION_CODE = {label: i for i, label in enumerate(EMOTION_CLASSES)}
_NO_EMOTION = len(EMOTION_CLASSES)


@dataclass
class _Data:
    name: str
    kind: str
    reference: Reference
    tasks: BenchmarkTasks
    videos: npt.NDArray[np.int64]  # reference video ids, sorted
    position: dict[int, int]
    runs: list[_RunData]


def _run_arrays(predictions: Sequence[Prediction], position: Mapping[int, int], n: int
                ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], bool, bool]:
    kept = [p for p in predictions if p.video_id in position]
    pos = np.fromiter((position[p.video_id] for p in kept), dtype=np.int64, count=len(kept))
    sentiment = np.full(n, NO_SENTIMENT, dtype=np.int64)
    sentiment[pos] = np.fromiter(
        (NO_SENTIMENT if p.sentiment is None else p.sentiment for p in kept), dtype=np.int64,
        count=len(kept))
    emotion = np.full(n, _NO_EMOTION, dtype=np.int64)
    emotion[pos] = emotion_codes(kept)
    has_sentiment = any(p.sentiment is not None for p in predictions)
    has_emotion = any(p.emotion or p.intensities is not None for p in predictions)
    return sentiment, emotion, has_sentiment, has_emotion


_INTENSITIES = itemgetter(*PROTOCOL_EMOTIONS)


def emotion_codes(predictions: Sequence[Prediction]) -> npt.NDArray[np.int64]:
    """Each prediction's emotion as its index in ``EMOTION_CLASSES`` (10 = no answer):
    ``core.benchmark.predicted_emotion``, vectorised for the intensities (a tie goes to the
    first tied label in ``EMOTION_CLASSES`` order, as there)."""
    codes = np.full(len(predictions), _NO_EMOTION, dtype=np.int64)
    rows: list[int] = []
    table: list[tuple[int, ...]] = []
    for i, p in enumerate(predictions):
        if p.emotion:
            codes[i] = _EMOTION_CODE.get(p.emotion, _NO_EMOTION)
        elif p.intensities is not None:
            try:
                values = _INTENSITIES(p.intensities)
            except KeyError:
                label = predicted_emotion(p)  # not the protocol's ten: no answer
                codes[i] = _NO_EMOTION if label is None else _EMOTION_CODE[label]
                continue
            rows.append(i)
            table.append(values)
    if rows:
        m = np.array(table, dtype=np.int64)
        merged = np.column_stack([np.maximum(m[:, 0], m[:, 1]), m[:, 2:]])
        code = np.argmax(merged, axis=1)  # the first maximum: EMOTION_CLASSES order
        code[merged.max(axis=1) <= 0] = _EMOTION_CODE[NEUTRAL]
        codes[np.array(rows)] = code
    return codes


def _load(session: Session, reference: str | None) -> _Data:
    repo = session._repo
    runs = repo.prediction_runs()
    if not runs:
        raise EmoSignError("the project has no model predictions (import a run with "
                           "'emosign predictions import')")
    name, kind, labels = reference_labels(session, reference)
    tasks = derive_tasks(labels)
    if not tasks.videos:
        raise EmoSignError(f"no reference labels: '{name}' gives no video a sentiment or all "
                           "ten emotions")
    videos = np.array(tasks.videos, dtype=np.int64)
    position = {int(v): i for i, v in enumerate(tasks.videos)}
    data: list[_RunData] = []
    for model, setting, n_pred, n_cues in runs:
        preds = repo.predictions(run=(model, setting)) if n_pred else []
        s, e, has_s, has_e = _run_arrays(preds, position, len(videos))
        data.append(_RunData(model, setting, n_pred, n_cues, s, e, has_s, has_e))
    return _Data(name, kind, labels, tasks, videos, position, data)


# -- scores ----------------------------------------------------------------------------------

def _sentiment_labels(session: Session) -> list[str]:
    return [f"{v:+d}" if v else "0" for v in session.schema.sentiment.values]


def _human_agreement(session: Session) -> HumanAgreement | None:
    people = raters(session)
    if len(people) < 2:
        return None
    schema = session.schema
    matrices = rating_matrices(session, people)
    labels: dict[str, float | None] = {}
    for label, field in label_fields(session):
        scale = schema.sentiment if field == SENTIMENT else schema.emotion_scale
        alpha = krippendorff_alpha(matrices[label], "ordinal",
                                   [float(v) for v in scale.values]).alpha
        labels[label] = None if alpha is None else round(float(alpha), 3)
    defined = [a for a in labels.values() if a is not None]
    return {"level": "ordinal", "annotators": [a.name for a in people], "labels": labels,
            "average": round(float(np.mean(defined)), 3) if defined else None}


def _grounding_tier(session: Session, tier: str | None) -> Tier | None:
    tiers = session._repo.tiers()
    if tier is not None:
        found = next((t for t in tiers if t.name == tier), None)
        if found is None:
            known = ", ".join(t.name for t in tiers) or "none"
            raise EmoSignError(f"no tier named '{tier}' (tiers: {known})")
        return found
    return next((t for t in tiers if t.kind is TierKind.EMOTION_CUE),
                next((t for t in tiers if t.name == EMOTION_CUE), None))


def _human_segments(session: Session, tier: Tier
                    ) -> dict[int, dict[int, list[Segment]]]:
    people = {a.id for a in raters(session)}
    grouped: dict[int, dict[int, list[Segment]]] = defaultdict(lambda: defaultdict(list))
    for s in session._repo.segments(tier_id=tier.id):
        if s.annotator_id in people:
            grouped[s.video_id][s.annotator_id].append(s)
    return grouped


def _grounding(session: Session, run: _RunData,
               human: Mapping[int, Mapping[int, list[Segment]]], k: int) -> GroundingScores:
    cues: dict[int, list[PredictedCue]] = defaultdict(list)
    for c in session._repo.predicted_cues(run=(run.model, run.setting)):
        cues[c.video_id].append(c)
    pairs = [(cues.get(video, []), segs) for video in sorted(human)
             for _a, segs in sorted(human[video].items())]
    return grounding_scores(pairs, k)


def evaluate(session: Session, reference: str | None = None, tier: str | None = None,
             boundary_frames: int = 2) -> EvaluationReport:
    """Every run scored on the benchmark tasks against the reference (see the module)."""
    _check_frames(boundary_frames)
    return _evaluate(session, _load(session, reference), tier, boundary_frames)


def evaluate_with_videos(session: Session, reference: str | None = None,
                         tier: str | None = None, boundary_frames: int = 2,
                         limit: int | None = None
                         ) -> tuple[EvaluationReport, list[VideoDisagreement]]:
    """:func:`evaluate` and :func:`video_disagreements` (up to ``limit`` videos; none when
    the runs have cue segments only) from one read of the project."""
    _check_frames(boundary_frames)
    data = _load(session, reference)
    report = _evaluate(session, data, tier, boundary_frames)
    videos = _disagreements(session, data, limit) if any(r.predictions for r in data.runs) \
        else []
    return report, videos


def with_provenance(session: Session, report: EvaluationReport) -> EvaluationReport:
    """``report`` with its provenance first: the app's version, now (UTC), the project and
    the prediction files of its runs with their SHA-256 (``services.provenance``)."""
    rest = {k: v for k, v in report.items() if k != "provenance"}
    return cast(EvaluationReport, {"provenance": report_provenance(session), **rest})


def _check_frames(boundary_frames: int) -> None:
    if boundary_frames < 0:
        raise EmoSignError(f"the boundary tolerance must be 0 or more frames (got "
                           f"{boundary_frames})")


def _evaluate(session: Session, data: _Data, tier: str | None, boundary_frames: int
              ) -> EvaluationReport:
    tasks = data.tasks
    s_min = session.schema.sentiment.minimum
    s7_labels = _sentiment_labels(session)
    k7 = len(s7_labels)

    s_vid = np.array(sorted(tasks.sentiment), dtype=np.int64)
    s_pos = np.array([data.position[int(v)] for v in s_vid], dtype=np.int64)
    s_true = np.array([tasks.sentiment[int(v)] for v in s_vid], dtype=np.int64)
    t7 = s_true - s_min
    t3 = np.sign(s_true) + 1
    e_vid = sorted(tasks.single_expression)
    e_pos = np.array([data.position[v] for v in e_vid], dtype=np.int64)
    e_true = np.array([_EMOTION_CODE[tasks.single_expression[v]] for v in e_vid],
                      dtype=np.int64)
    m_vid = sorted(tasks.multi_expression)
    m_pos = np.array([data.position[v] for v in m_vid], dtype=np.int64)
    allowed = np.zeros((len(m_vid), _NO_EMOTION + 1), dtype=bool)  # last column: no answer
    for row, v in enumerate(m_vid):
        for label in tasks.multi_expression[v]:
            allowed[row, _EMOTION_CODE[label]] = True

    human = None
    ground_tier = _grounding_tier(session, tier)
    if ground_tier is not None and any(r.cues for r in data.runs):
        human = _human_segments(session, ground_tier)

    runs: list[RunReport] = []
    for run in data.runs:
        s3 = s7 = emo = None
        multi: HitRate | None = None
        if run.has_sentiment:
            p = run.sentiment[s_pos]
            missing = (p == NO_SENTIMENT) | (p < s_min) | (p > s_min + k7 - 1)
            p7 = np.where(missing, k7, p - s_min)
            p3 = np.where(missing, 3, np.sign(np.where(missing, 0, p)) + 1)
            s3 = scores_from_codes(t3, p3, SENTIMENT3_CLASSES)
            s7 = scores_from_codes(t7, p7, s7_labels)
        if run.has_emotion:
            emo = scores_from_codes(e_true, run.emotion[e_pos], EMOTION_CLASSES)
            pm = run.emotion[m_pos]
            hits = int(allowed[np.arange(len(m_vid)), pm].sum())
            n = len(m_vid)
            multi = {"n": n, "answered": int((pm != _NO_EMOTION).sum()), "hits": hits,
                     "hit_rate": percent(hits / n) if n else None}
        grounding = None
        if human is not None and run.cues:
            grounding = _grounding(session, run, human, boundary_frames)
        runs.append({"model": run.model, "setting": run.setting,
                     "predictions": run.predictions, "cues": run.cues,
                     "sentiment3": s3, "sentiment7": s7, "emotion": emo,
                     "multi_expression": multi, "grounding": grounding})

    combos = sorted(tasks.multi_combinations.items(), key=lambda x: (-x[1], x[0]))
    return {
        "reference": data.name,
        "reference_kind": data.kind,
        "tasks": {"videos": len(tasks.videos), "sentiment": len(tasks.sentiment),
                  "single_expression": len(tasks.single_expression),
                  "multi_expression": len(tasks.multi_expression),
                  "dropped": len(tasks.dropped),
                  "multi_combinations": [{"labels": list(c), "videos": n}
                                         for c, n in combos]},
        "labels": {"sentiment3": list(SENTIMENT3_CLASSES), "sentiment7": s7_labels,
                   "emotion": list(EMOTION_CLASSES)},
        "human_agreement": _human_agreement(session),
        "grounding_tier": ground_tier.name if ground_tier is not None else None,
        "boundary_frames": boundary_frames,
        "runs": runs,
    }


# -- the videos the models get most wrong ----------------------------------------------------

def video_disagreements(session: Session, reference: str | None = None,
                        limit: int | None = None) -> list[VideoDisagreement]:
    """The reference's videos ranked by model-human disagreement, most first (then by name).

    A run's score on a video is ``|sentiment - reference| / (scale range)`` (1 when it gives
    no sentiment) plus 1 when its emotion is none of the reference's labels (tied labels
    count, and no answer is a mismatch); each part only where the reference has that label.
    The video's score is the mean over the runs with predictions (0..2)."""
    return _disagreements(session, _load(session, reference), limit)


def _disagreements(session: Session, data: _Data, limit: int | None
                   ) -> list[VideoDisagreement]:
    runs = [r for r in data.runs if r.predictions]
    if not runs:
        raise EmoSignError("the project has no model predictions, only cue segments")
    scale = session.schema.sentiment
    span = max(scale.maximum - scale.minimum, 1)
    n = len(data.videos)
    ref_s = np.full(n, NO_SENTIMENT, dtype=np.int64)
    allowed = np.zeros((n, _NO_EMOTION + 1), dtype=bool)
    has_e = np.zeros(n, dtype=bool)
    ref_labels: list[tuple[str, ...] | None] = [None] * n
    for i, v in enumerate(data.videos.tolist()):
        row = data.reference[v]
        value = row.get(SENTIMENT)
        if value is not None:
            ref_s[i] = value
        if has_all_emotions(row):
            labels = emotion_labels(row)
            ref_labels[i] = labels
            has_e[i] = True
            for label in labels:
                allowed[i, _EMOTION_CODE[label]] = True
    has_s = ref_s != NO_SENTIMENT
    sent = np.stack([r.sentiment for r in runs])  # runs x videos
    emo = np.stack([r.emotion for r in runs])
    answered = sent != NO_SENTIMENT
    diff = np.where(answered, np.abs(np.where(answered, sent, 0) - np.where(has_s, ref_s, 0))
                    / span, 1.0)
    per_run = np.where(has_s, diff, 0.0)
    per_run = per_run + np.where(has_e, ~allowed[np.arange(n), emo], False)
    score = per_run.mean(axis=0)
    names = {v.id: v.name for v in session._repo.videos()}
    vids = data.videos.tolist()
    order = sorted(range(n), key=lambda i: (-float(score[i]), names.get(vids[i], "")))
    if limit is not None:
        order = order[:limit]
    sent_l, emo_l, run_l = sent.T.tolist(), emo.T.tolist(), per_run.T.tolist()
    out: list[VideoDisagreement] = []
    for i in order:
        answers: list[RunAnswer] = [
            {"model": r.model, "setting": r.setting,
             "sentiment": None if s == NO_SENTIMENT else s,
             "emotion": None if e == _NO_EMOTION else EMOTION_CLASSES[e],
             "score": round(x, 4)}
            for r, s, e, x in zip(runs, sent_l[i], emo_l[i], run_l[i], strict=True)]
        ref = ref_labels[i]
        out.append({"video_id": vids[i], "name": names.get(vids[i], str(vids[i])),
                    "score": round(float(score[i]), 4),
                    "sentiment": int(ref_s[i]) if has_s[i] else None,
                    "emotion": list(ref) if ref is not None else None,
                    "answers": answers})
    return out
