"""Cue segments proposed from the videos' cached landmark signals (``analysis.proposals``),
and how well they match the segments a person marked.

Read only, for now: proposals are computed when asked for and not stored, so nothing here
changes a project (accepting one as a segment goes through the editing service like any
other segment).  The signer of a video is the video itself: each video's detectors run
against that video's own baseline (the median and MAD of its frames).

**Evaluation** compares, per video, the proposals that go to a tier with one annotator's
segments on that tier (``analysis.grounding``: one-to-one matching by temporal IoU, boundary
F1 within ±k frames).  Each detector is scored against the segments it could have
proposed: those with its value (e.g. "headshake - negation"), or, for a detector that cannot
tell the value (brow raise, mouth opening), those whose value or note starts with its name
("brow raise - yes/no question"; a segment noted "mouth opening"); the "all" row pools every
proposal for the tier against every segment on it.  Only videos with landmarks count, and
of those the ones the annotator has looked at: videos named by the caller, else those where
they marked a segment on the tier or finished the labels (Done).  A video no one has looked
at says nothing about misses; one looked at and left without a mark counts every proposal
on it as a false one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict

import numpy as np

from emosign_desktop.analysis.grounding import GroundingScores, grounding_scores
from emosign_desktop.analysis.proposals import (
    DETECTORS,
    DetectorSettings,
    Proposal,
    baseline,
    detector_signal,
    propose,
)
from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.core.model import AnnotationStatus, Segment, Tier, Video
from emosign_desktop.services.session import ProjectLike

#: Boundary tolerance (frames) of the evaluation unless told otherwise.
DEFAULT_WITHIN = 3


@dataclass(frozen=True)
class VideoProposals:
    """One video's proposals and the tier each would go to (None: the project has no tier
    of the detector's kind)."""

    video: Video
    fps: float
    proposals: list[Proposal]
    tiers: dict[str, Tier | None] = field(default_factory=dict)


@dataclass(frozen=True)
class ProposalRun:
    """Proposals for the videos asked for, and the videos that have no landmarks yet."""

    videos: list[VideoProposals]
    without_landmarks: list[str]


def _signals(video: Video) -> tuple[dict[str, np.ndarray[Any, Any]], float] | None:
    from emosign_desktop.landmarks.signals import compute_signals
    from emosign_desktop.landmarks.track import load_cached

    track = load_cached(video.fingerprint) if video.fingerprint else None
    if track is None:
        return None
    return compute_signals(track), track.fps


def tier_for(detector: str, tiers: Sequence[Tier]) -> Tier | None:
    """The project's first editable tier of the detector's kind."""
    kind = DETECTORS[detector].tier_kind
    return next((t for t in tiers if t.kind is kind and not t.read_only), None)


def _videos(project: ProjectLike, names: Sequence[str] | None) -> list[Video]:
    if not names:
        return project.repo.videos()
    out = []
    for name in names:
        found = project.repo.video_by_name(name)
        if found is None:
            raise EmoSignError(f"no video named '{name}' in the project")
        out.append(found)
    return out


def propose_for(project: ProjectLike, names: Sequence[str] | None = None,
                settings: Mapping[str, DetectorSettings] | None = None) -> ProposalRun:
    """Run every enabled detector on each video (all, or those named) that has landmarks."""
    tiers = project.repo.tiers()
    done: list[VideoProposals] = []
    missing: list[str] = []
    for video in _videos(project, names):
        found = _signals(video)
        if found is None:
            missing.append(video.name)
            continue
        signals, fps = found
        bases = {}
        for name, detector in DETECTORS.items():
            x = detector_signal(detector, signals)
            bases[name] = baseline([x]) if x is not None else None
        proposals = propose(signals, fps, bases, settings)
        done.append(VideoProposals(video, fps, proposals,
                                   {d: tier_for(d, tiers) for d in DETECTORS}))
    return ProposalRun(done, missing)


class DetectorScores(TypedDict):
    """One row of :func:`evaluate_proposals` (figures in percent, None when undefined)."""

    detector: str
    proposals: int
    human_segments: int
    matched: int
    precision: float | None
    recall: float | None
    boundary_f1: float | None
    mean_tiou: float | None


class ProposalEvaluation(TypedDict):
    """What :func:`evaluate_proposals` returns."""

    tier: str
    annotator: str
    within_frames: int
    videos: int
    without_landmarks: list[str]
    rows: list[DetectorScores]


def _row(name: str, scores: GroundingScores) -> DetectorScores:
    n_p, n_h, m = scores["predicted_segments"], scores["human_segments"], scores["matched"]
    return DetectorScores(
        detector=name, proposals=n_p, human_segments=n_h, matched=m,
        precision=round(100 * m / n_p, 2) if n_p else None,
        recall=round(100 * m / n_h, 2) if n_h else None,
        boundary_f1=scores["boundary_f1"], mean_tiou=scores["mean_tiou"])


def _names(segment: Segment, value: str, cue: str) -> bool:
    """Does the segment mark this detector's cue?"""
    if value:
        return segment.value == value
    return any(text.lower().startswith(cue) for text in (segment.value, segment.note))


def evaluate_proposals(project: ProjectLike, tier: str, annotator: str,
                       within: int = DEFAULT_WITHIN, names: Sequence[str] | None = None,
                       settings: Mapping[str, DetectorSettings] | None = None
                       ) -> ProposalEvaluation:
    """Score the proposals for ``tier`` against ``annotator``'s segments on it (see the
    module for what is compared with what)."""
    if within < 0:
        raise EmoSignError("the boundary tolerance must be 0 or more frames")
    tiers = project.repo.tiers()
    target = next((t for t in tiers if t.name == tier), None)
    if target is None:
        known = ", ".join(t.name for t in tiers) or "none"
        raise EmoSignError(f"no tier named '{tier}' (tiers: {known})")
    person = project.repo.annotator_by_name(annotator)
    if person is None:
        known = ", ".join(a.name for a in project.repo.annotators()) or "none"
        raise EmoSignError(f"no annotator named '{annotator}' (annotators: {known})")
    detectors = [d for d in DETECTORS.values() if d.tier_kind is target.kind]
    if not detectors:
        raise EmoSignError(f"tier '{tier}' is a {target.kind.value.replace('_', ' ')} tier: "
                           "no detector proposes segments for it (facial grammar and "
                           "emotion cue tiers have detectors)")
    human: dict[int, list[Segment]] = {}
    for s in project.repo.segments(tier_id=target.id, annotator_id=person.id):
        human.setdefault(s.video_id, []).append(s)
    run = propose_for(project, names, settings)
    looked: set[int]
    if names:
        looked = {v.video.id for v in run.videos}
    else:
        done = {a.video_id for a in project.repo.annotations(annotator_id=person.id)
                if a.status(project.schema) is AnnotationStatus.DONE}
        looked = set(human) | done
    marked = [v for v in run.videos if v.video.id in looked]
    pairs: dict[str, list[tuple[list[Proposal], list[Segment]]]] = {"all": []}
    for vp in marked:
        segs = human.get(vp.video.id, [])
        pooled = [p for p in vp.proposals if DETECTORS[p.detector].tier_kind is target.kind]
        pairs["all"].append((pooled, segs))
        for d in detectors:
            mine = [p for p in pooled if p.detector == d.name]
            theirs = [s for s in segs if _names(s, d.value, d.label.lower())]
            pairs.setdefault(d.name, []).append((mine, theirs))
    rows = [_row(name, grounding_scores(pairs.get(name, []), within))
            for name in [*(d.name for d in detectors), "all"]]
    return ProposalEvaluation(tier=target.name, annotator=person.name, within_frames=within,
                              videos=len(marked), without_landmarks=run.without_landmarks,
                              rows=rows)
