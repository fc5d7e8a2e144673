"""Agreement between the project's annotators, per label and per tier, and the videos they
disagree on most.  Import-only annotators (``emosign-consensus``, ``reasoning-*``) are left
out: they are not raters."""

from __future__ import annotations

from typing import TypedDict

import numpy as np
import numpy.typing as npt

from emosign_desktop.analysis.alpha import AlphaJson, krippendorff_alpha
from emosign_desktop.analysis.tiers import boundary_f1, group_segments, tier_matrix
from emosign_desktop.core.model import (
    CONSENSUS_ANNOTATOR,
    REASONING_ANNOTATORS,
    Annotator,
    AnnotatorKind,
)
from emosign_desktop.services.handle import ProjectHandle as Session

SENTIMENT_LABEL = "Sentiment"


class TierAgreement(AlphaJson):
    """One tier in :func:`tier_report`: nominal alpha and boundary F1."""

    boundary_f1: float | None
    boundary_frames: int


class DisputedVideo(TypedDict):
    """A video in :func:`agreement_report`'s ranking."""

    name: str
    disagreement: float
    labels: list[str]


class AgreementReport(TypedDict):
    """What :func:`agreement_report` returns (and ``emosign agreement --json`` prints)."""

    level: str
    annotators: list[str]
    labels: dict[str, AlphaJson]
    average: float | None
    videos: list[DisputedVideo]
    tiers: dict[str, TierAgreement]


def raters(session: Session) -> list[Annotator]:
    """The annotators whose ratings count for agreement and aggregation."""
    skip = {CONSENSUS_ANNOTATOR, *REASONING_ANNOTATORS}
    return [a for a in session._repo.annotators()
            if a.name not in skip and a.kind is not AnnotatorKind.IMPORTED]


def label_fields(session: Session) -> list[tuple[str, str]]:
    """(label as reported, field name) for sentiment and each emotion."""
    return [(SENTIMENT_LABEL, "sentiment"), *((k, k) for k in session.schema.emotion_keys)]


def rating_matrices(session: Session, people: list[Annotator]
                    ) -> dict[str, npt.NDArray[np.float64]]:
    """label -> annotators x videos matrix of ratings (nan = not rated)."""
    videos = session._repo.videos()
    col = {v.id: i for i, v in enumerate(videos)}
    row = {a.id: i for i, a in enumerate(people)}
    out: dict[str, npt.NDArray[np.float64]] = {}
    for label, field in label_fields(session):
        m = np.full((len(people), len(videos)), np.nan)
        rows = [(row[a], col[v], x) for a, v, x in session._repo.ratings(field) if a in row]
        if rows:
            r = np.array(rows, dtype=float)
            m[r[:, 0].astype(int), r[:, 1].astype(int)] = r[:, 2]
        out[label] = m
    return out


def agreement_report(session: Session, level: str = "ordinal", boundary_frames: int = 5,
                     top_videos: int = 20) -> AgreementReport:
    """Alpha per label and tier, the average, and the videos ranked by disagreement."""
    people = raters(session)
    videos = session._repo.videos()
    schema = session.schema
    matrices = rating_matrices(session, people)
    labels: dict[str, AlphaJson] = {}
    spread = np.zeros(len(videos))
    counted = np.zeros(len(videos))
    disputed: list[list[str]] = [[] for _ in videos]
    for label, field in label_fields(session):
        scale = schema.sentiment if field == "sentiment" else schema.emotion_scale
        m = matrices[label]
        labels[label] = krippendorff_alpha(m, level, [float(v) for v in scale.values]).to_json()
        n = (~np.isnan(m)).sum(axis=0)
        ok = n >= 2
        rng = np.zeros(len(videos))
        if ok.any():
            cols = m[:, ok]
            rng[ok] = (np.nanmax(cols, axis=0) - np.nanmin(cols, axis=0)) / (
                scale.maximum - scale.minimum)
        spread[ok] += rng[ok]
        counted[ok] += 1
        for i in np.flatnonzero(ok & (rng > 0)):
            disputed[i].append(label)
    alphas = [v["alpha"] for v in labels.values() if v["alpha"] is not None]
    with np.errstate(all="ignore"):
        score = np.where(counted > 0, spread / np.maximum(counted, 1), np.nan)
    order = [i for i in np.argsort(-np.nan_to_num(score, nan=-1.0)) if counted[i] > 0]
    ranked: list[DisputedVideo] = [
        {"name": videos[i].name, "disagreement": round(float(score[i]), 4),
         "labels": disputed[i]} for i in order[:top_videos]]
    return {
        "level": level,
        "annotators": [a.name for a in people],
        "labels": labels,
        "average": float(np.mean(alphas)) if alphas else None,
        "videos": ranked,
        "tiers": tier_report(session, people, boundary_frames),
    }


def tier_report(session: Session, people: list[Annotator], k: int
                ) -> dict[str, TierAgreement]:
    """Per tier: nominal alpha over frame-wise values, and boundary F1 within +-k frames."""
    ids = [a.id for a in people]
    grouped = group_segments(session._repo.segments(), set(ids))
    frames_of: dict[int, int] = {}
    for v in session._repo.videos():
        frames_of[v.id] = v.media.frame_count if v.media else 0
    out: dict[str, TierAgreement] = {}
    for tier in session._repo.tiers():
        by_video = grouped.get(tier.id, {})
        sizes = {vid: max(frames_of.get(vid, 0), 1 + max(s.end_frame for segs in per.values()
                                                            for s in segs))
                 for vid, per in by_video.items()}
        matrix = tier_matrix(by_video, sizes, ids)
        out[tier.name] = {**krippendorff_alpha(matrix, "nominal").to_json(),
                          "boundary_f1": boundary_f1(by_video, k), "boundary_frames": k}
    return out
