"""Cue segments proposed from the videos' cached landmark signals (``analysis.proposals``),
and how well they match the segments a person marked.

Proposals are computed when asked for, never stored as anyone's labels.  What the project
keeps, each through the write path as one undoable step:

* the **detector settings** (threshold, minimum duration, ...; project setting
  ``detector_settings``, only what differs from the defaults);
* each video's **signer** (project setting ``video_signers``; a video without one is its own
  signer): a detector's baseline (median and MAD) is taken over that signer's videos that
  have landmarks, over their most neutral frames for the face detectors
  (``analysis.proposals.signer_baselines``); a signer with too little video gets a rough
  baseline, which each proposal's evidence and :attr:`VideoProposals.rough_baseline` say;
* **rejections** (project setting ``rejected_proposals:<video id>``): a rejected span is not
  proposed again for that video by the same detector version (a new version of a detector,
  e.g. the face detectors' version 2 from the blendshape signals, proposes it again);
* **acceptance**: the proposal becomes a segment of the annotator who accepts it (edges
  adjusted first if they like), with its provenance in the segment's attributes
  (``proposed_by`` = detector and version, ``evidence`` as JSON); a span that overlaps a
  segment accepted from the same detector (any version) is not proposed again either.

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

Proposing is long on long recordings (the signals are derived from the landmark file, about
5 s for an hour at 25 fps): :func:`propose_for` calls ``services.background.checkpoint``
between videos, signals and detectors, so on the background writer it reports progress and
stops when cancelled.  It writes nothing, and what it keeps in memory (signals, detector
runs) is kept only once complete: a cancel leaves no half-filled cache.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from emosign_desktop.analysis.grounding import GroundingScores, grounding_scores
from emosign_desktop.analysis.proposals import (
    DETECTORS,
    DetectorSettings,
    Proposal,
    propose,
    settings_from_dict,
    settings_to_dict,
    signer_baselines,
)
from emosign_desktop.core import project_settings
from emosign_desktop.core.changes import Changes
from emosign_desktop.core.changeset import ChangeSet, MetaEdit
from emosign_desktop.core.errors import EmoSignError, LabelValidationError
from emosign_desktop.core.model import AnnotationStatus, Segment, Tier, Video
from emosign_desktop.services.background import checkpoint
from emosign_desktop.services.editing import EditingService
from emosign_desktop.services.handle import ProjectHandle as Session
from emosign_desktop.storage.repository import Repository

if TYPE_CHECKING:
    from emosign_desktop.landmarks.cached_signals import VideoSignals

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
    rough_baseline: str = ""  # why the signer's baseline is a rough one ("": it is not)


@dataclass(frozen=True)
class ProposalRun:
    """Proposals for the videos asked for, and the videos that have no landmarks yet."""

    videos: list[VideoProposals]
    without_landmarks: list[str]
    #: Those of ``without_landmarks`` whose landmarks are of an earlier version (no face
    #: blendshapes): extracting again makes them proposable.
    outdated_landmarks: list[str] = field(default_factory=list)


class _Steps:
    """How far :func:`propose_for` got, for :func:`checkpoint`: per video asked for, one step
    per signal to derive and one per detector (kept signals skip theirs)."""

    def __init__(self, videos: int) -> None:
        from emosign_desktop.landmarks.signals import SIGNALS

        self.signals, self.detectors = len(SIGNALS), len(DETECTORS)
        self.total = max(1, videos) * (self.signals + self.detectors)
        self.video, self.text = 0, ""

    def at(self, video: int, name: str) -> None:
        """Proposing for the ``video``-th video asked for (from 0), named ``name``."""
        self.video, self.text = video, f"Proposing cues for {name}"
        checkpoint(self._start, self.total, self.text)

    @property
    def _start(self) -> int:
        return self.video * (self.signals + self.detectors)

    def signal(self, i: int, n: int) -> None:
        """Before the i-th of n signals of the current video."""
        done = self._start + round(i * self.signals / n) if n else self._start
        checkpoint(done, self.total, f"{self.text}: signals {i + 1} of {n}")

    def other_signal(self, _i: int, _n: int) -> None:
        """Before a signal of another video of the same signer (its baseline): a check for
        cancel, the progress stays."""
        checkpoint(self._start, self.total, f"{self.text}: the signer's other videos")

    def detector(self, j: int) -> None:
        """Before the j-th detector of the current video."""
        checkpoint(self._start + self.signals + j, self.total,
                   f"{self.text}: detectors {j + 1} of {self.detectors}")


def _signals(video: Video, between: Callable[[int, int], None] | None = None
             ) -> VideoSignals | None:
    """The video's signals, computed once per version of its landmark file."""
    from emosign_desktop.landmarks.cached_signals import signals_for

    return signals_for(video.fingerprint, between) if video.fingerprint else None


#: How many detector runs are kept (the least recently used go first).
KEPT_RUNS = 32
_runs: OrderedDict[Hashable, tuple[tuple[Proposal, ...], str]] = OrderedDict()
_runs_lock = threading.Lock()


def _detected(video: VideoSignals, signer: Sequence[VideoSignals],
              chosen: Mapping[str, DetectorSettings],
              between: Callable[[int], None] | None = None) -> tuple[list[Proposal], str]:
    """Every enabled detector's proposals for ``video`` against the baseline of the signer's
    videos (``signer``, which holds ``video``), before decided spans are left out, and why
    the signer's neutral baseline is a rough one ("" when it is not).  Kept per
    landmark-file version of each of those videos and the detector settings, so accepting or
    rejecting a proposal does not compute them again; new landmarks, another signer or other
    settings make another key.  ``between(j)`` is called before the j-th detector's baseline
    (it may raise to stop: then nothing is kept)."""
    key = (video.version, tuple(sorted(v.version for v in signer)),
           tuple(sorted(chosen.items())))
    with _runs_lock:
        kept = _runs.get(key)
        if kept is not None:
            _runs.move_to_end(key)
            return list(kept[0]), kept[1]
    bases = signer_baselines([(v.signals, v.fps) for v in signer], DETECTORS, between)
    found = propose(video.signals, video.fps, bases, chosen)  # (milliseconds for an hour)
    rough = next((b.note for b in bases.values() if b is not None and b.short), "")
    with _runs_lock:
        _runs[key] = (tuple(found), rough)
        while len(_runs) > KEPT_RUNS:
            _runs.popitem(last=False)
    return found, rough


def forget_computed() -> None:
    """Drop the kept signals and detector runs (the next proposals are computed afresh)."""
    from emosign_desktop.landmarks.cached_signals import forget_signals

    forget_signals()
    with _runs_lock:
        _runs.clear()


def tier_for(detector: str, tiers: Sequence[Tier]) -> Tier | None:
    """The project's first editable tier of the detector's kind."""
    kind = DETECTORS[detector].tier_kind
    return next((t for t in tiers if t.kind is kind and not t.read_only), None)


def _videos(session: Session, names: Sequence[str] | None) -> list[Video]:
    if not names:
        return session._repo.videos()
    out = []
    for name in names:
        found = session._repo.video_by_name(name)
        if found is None:
            raise EmoSignError(f"no video named '{name}' in the project")
        out.append(found)
    return out


# -- what the project keeps ----------------------------------------------------------------
SETTINGS_META = project_settings.DETECTOR_SETTINGS
SIGNERS_META = project_settings.SIGNERS
REJECTED_META = project_settings.REJECTED_PREFIX  # + the video's id
PROPOSED_BY = "proposed_by"
EVIDENCE = "evidence"


def _json_meta(meta: Mapping[str, str], key: str, default: Any) -> Any:
    raw = meta.get(key)
    if not raw:
        return default
    try:
        return json.loads(raw)
    except ValueError:
        raise EmoSignError(f"the project setting '{key}' is damaged (not JSON)") from None


def _meta_edit(repo: Repository, key: str, value: object) -> ChangeSet:
    before = repo.meta().get(key)
    after = json.dumps(value, ensure_ascii=False, sort_keys=True) if value else None
    return ChangeSet() if before == after else ChangeSet(meta=(MetaEdit(key, before, after),))


def detector_settings(session: Session) -> dict[str, DetectorSettings]:
    """Every detector's settings in this project (the defaults where none were changed)."""
    stored = settings_from_dict(_json_meta(session._repo.meta(), SETTINGS_META, {}))
    return {name: stored.get(name, d.defaults) for name, d in DETECTORS.items()}


def set_detector_settings(session: Session, detector: str, **values: object) -> Changes:
    """Change some of a detector's settings (``threshold=3.0``, ``enabled=False``...), as one
    undoable step; refused, naming the problem, when a value cannot be used."""
    if detector not in DETECTORS:
        raise LabelValidationError(f"no detector named '{detector}' "
                                   f"(known: {', '.join(DETECTORS)})")

    def build(repo: Repository) -> ChangeSet:
        current = settings_to_dict(settings_from_dict(
            _json_meta(repo.meta(), SETTINGS_META, {})))
        mine = {**current.get(detector, {}), **values}
        checked = settings_from_dict({**current, detector: mine})  # refuses bad values
        return _meta_edit(repo, SETTINGS_META, settings_to_dict(checked))

    label = f"change the {DETECTORS[detector].label.lower()} detector"
    return session.writer.run(label, build).changes()


def video_signers(session: Session) -> dict[str, str]:
    """Video name -> signer, for the videos given one."""
    data = _json_meta(session._repo.meta(), SIGNERS_META, {})
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def set_signer(session: Session, names: Sequence[str], signer: str) -> Changes:
    """Say who signs these videos ("" makes each its own signer again), one undoable step."""
    signer = signer.strip()

    def build(repo: Repository) -> ChangeSet:
        missing = [n for n in names if repo.video_by_name(n) is None]
        if missing:
            raise LabelValidationError(f"no video named {', '.join(map(repr, missing))}")
        data = _json_meta(repo.meta(), SIGNERS_META, {})
        for n in names:
            if signer:
                data[n] = signer
            else:
                data.pop(n, None)
        return _meta_edit(repo, SIGNERS_META, data)

    label = (f"set the signer of {len(names)} video{'s' if len(names) != 1 else ''}"
             if signer else "clear the signer")
    return session.writer.run(label, build).changes()


def _rejections(meta: Mapping[str, str], video: Video) -> list[list[Any]]:
    data = _json_meta(meta, f"{REJECTED_META}{video.id}", [])
    return data if isinstance(data, list) else []


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return min(a1, b1) >= max(a0, b0)


def _dropped(p: Proposal, rejected: list[list[Any]], accepted: list[Segment]) -> bool:
    """Was this span rejected before (same detector and version, overlapping) or accepted
    already (a segment from the same detector, of any version, overlaps it: the person has
    that span already)?"""
    if any(r[:2] == [p.detector, p.version] and _overlaps(p.start_frame, p.end_frame, r[2], r[3])
           for r in rejected if len(r) >= 4):
        return True
    return any(str(dict(s.attributes).get(PROPOSED_BY, "")).rsplit(" v", 1)[0] == p.detector
               and _overlaps(p.start_frame, p.end_frame, s.start_frame, s.end_frame)
               for s in accepted)


# -- proposing ----------------------------------------------------------------------------
def propose_for(session: Session, names: Sequence[str] | None = None,
                settings: Mapping[str, DetectorSettings] | None = None, *,
                keep_decided: bool = False) -> ProposalRun:
    """Run every enabled detector on each video (all, or those named) that has landmarks,
    with the project's settings (or ``settings``) against each signer's baseline; spans
    rejected or accepted before are left out unless ``keep_decided`` (for evaluation).
    On the background writer it reports progress and stops with CancelledError when the
    user cancels (between videos, signals and detectors)."""
    repo = session._repo
    tiers = repo.tiers()
    meta = repo.meta()
    chosen = settings if settings is not None else detector_settings(session)
    signers = video_signers(session)
    wanted = _videos(session, names)
    every = repo.videos() if any(v.name in signers for v in wanted) else wanted
    signer_of = {v.id: signers.get(v.name, f"video {v.id}") for v in every}
    loaded: dict[int, VideoSignals | None] = {}
    steps = _Steps(len(wanted))

    def signals_of(video: Video, between: Callable[[int, int], None]) -> VideoSignals | None:
        if video.id not in loaded:
            loaded[video.id] = _signals(video, between)
        return loaded[video.id]

    done: list[VideoProposals] = []
    missing: list[str] = []
    for k, video in enumerate(wanted):
        steps.at(k, video.name)
        found = signals_of(video, steps.signal)
        if found is None:
            missing.append(video.name)
            continue
        same = [v for v in every if signer_of[v.id] == signer_of[video.id]]
        signer = [s for s in (found if o.id == video.id else signals_of(o, steps.other_signal)
                              for o in same) if s is not None]
        proposals, rough = _detected(found, signer, chosen, steps.detector)
        if not keep_decided:
            rejected = _rejections(meta, video)
            accepted = [s for s in repo.segments(video_id=video.id)
                        if PROPOSED_BY in dict(s.attributes)]
            proposals = [p for p in proposals if not _dropped(p, rejected, accepted)]
        done.append(VideoProposals(video, found.fps, proposals,
                                   {d: tier_for(d, tiers) for d in DETECTORS},
                                   rough))
    checkpoint(steps.total, steps.total, steps.text)
    from emosign_desktop.landmarks.track import has_outdated

    outdated = [v.name for v in wanted
                if v.name in missing and v.fingerprint and has_outdated(v.fingerprint)]
    return ProposalRun(done, missing, outdated)


def accept_proposal(editing: EditingService, video: Video, proposal: Proposal,
                    annotator: str, start: int | None = None, end: int | None = None
                    ) -> Segment:
    """The proposal becomes ``annotator``'s segment on its tier (``start``/``end``: edges
    adjusted first), its provenance in the segment's attributes; one undoable step."""
    tier = tier_for(proposal.detector, editing._repo.tiers())
    if tier is None:
        kind = DETECTORS[proposal.detector].tier_kind.value.replace("_", " ")
        raise LabelValidationError(f"the project has no {kind} tier to put a "
                                   f"{DETECTORS[proposal.detector].label.lower()} on")
    first = proposal.start_frame if start is None else start
    last = proposal.end_frame if end is None else end
    value = proposal.value if proposal.value in tier.vocabulary or not tier.vocabulary else ""
    attributes = ((PROPOSED_BY, f"{proposal.detector} v{proposal.version}"),
                  (EVIDENCE, json.dumps(proposal.evidence.as_dict(), sort_keys=True)))
    label = f"accept {DETECTORS[proposal.detector].label.lower()} {first}-{last}"
    return editing.add_segment(video.id, annotator, tier.id, first, last, value,
                               attributes=attributes, label=label)


def reject_proposal(session: Session, video: Video, proposal: Proposal) -> Changes:
    """Remember that this span is not wanted: not proposed again for this video by this
    detector version (one undoable step)."""
    key = f"{REJECTED_META}{video.id}"

    def build(repo: Repository) -> ChangeSet:
        data = _rejections(repo.meta(), video)
        entry = [proposal.detector, proposal.version, proposal.start_frame, proposal.end_frame]
        if entry in data:
            return ChangeSet()
        return _meta_edit(repo, key, [*data, entry])

    label = f"reject {DETECTORS[proposal.detector].label.lower()} {proposal.start_frame}-" \
            f"{proposal.end_frame}"
    return session.writer.run(label, build).changes()


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


def evaluate_proposals(session: Session, tier: str, annotator: str,
                       within: int = DEFAULT_WITHIN, names: Sequence[str] | None = None,
                       settings: Mapping[str, DetectorSettings] | None = None
                       ) -> ProposalEvaluation:
    """Score the proposals for ``tier`` against ``annotator``'s segments on it (see the
    module for what is compared with what)."""
    if within < 0:
        raise EmoSignError("the boundary tolerance must be 0 or more frames")
    tiers = session._repo.tiers()
    target = next((t for t in tiers if t.name == tier), None)
    if target is None:
        known = ", ".join(t.name for t in tiers) or "none"
        raise EmoSignError(f"no tier named '{tier}' (tiers: {known})")
    person = session._repo.annotator_by_name(annotator)
    if person is None:
        known = ", ".join(a.name for a in session._repo.annotators()) or "none"
        raise EmoSignError(f"no annotator named '{annotator}' (annotators: {known})")
    detectors = [d for d in DETECTORS.values() if d.tier_kind is target.kind]
    if not detectors:
        raise EmoSignError(f"tier '{tier}' is a {target.kind.value.replace('_', ' ')} tier: "
                           "no detector proposes segments for it (facial grammar and "
                           "emotion cue tiers have detectors)")
    human: dict[int, list[Segment]] = {}
    for s in session._repo.segments(tier_id=target.id, annotator_id=person.id):
        human.setdefault(s.video_id, []).append(s)
    run = propose_for(session, names, settings, keep_decided=True)
    looked: set[int]
    if names:
        looked = {v.video.id for v in run.videos}
    else:
        done = {a.video_id for a in session._repo.annotations(annotator_id=person.id)
                if a.status(session.schema) is AnnotationStatus.DONE}
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
