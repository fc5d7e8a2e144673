"""What the windows show, read from the project (view models): the label panel's state, the
video list, the tiers and segment rows, the review of a video, agreement.  The windows read
through these and never touch the repository."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from emosign_desktop.core.listing import VideoQuery
from emosign_desktop.core.model import (
    AnnotationStatus,
    Annotator,
    AnnotatorId,
    PredictedCue,
    Segment,
    Tier,
    TierId,
    Video,
    VideoAnnotation,
    VideoId,
)
from emosign_desktop.core.packs import AnnotatorPack
from emosign_desktop.core.schema import LabelSchema
from emosign_desktop.services.handle import ProjectHandle as Session
from emosign_desktop.services.summary import (
    ListSummary,
    VideoRow,
    list_summary,
    rows_of,
    video_rows,
)
from emosign_desktop.services.videos import media_file

if TYPE_CHECKING:
    from emosign_desktop.services.elan import EafExport
    from emosign_desktop.services.evaluation import EvaluationReport, VideoDisagreement
    from emosign_desktop.services.model_review import ModelComparison

if TYPE_CHECKING:
    from emosign_desktop.core.media_check import MediaCheck, MediaLink
    from emosign_desktop.services.agreement import AgreementReport
    from emosign_desktop.services.gold import DriftReport
    from emosign_desktop.services.media_check import MediaScan
    from emosign_desktop.services.predictions import RunSummary


@dataclass(frozen=True)
class SegmentRowView:
    """One row of the segment view: whose segments, on which tier."""

    title: str
    annotator: str
    tier: str
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class VideoReview:
    """Everything shown about one video below the player."""

    video: Video
    media: Path | None
    annotations: tuple[tuple[Annotator, VideoAnnotation], ...]
    segments: tuple[Segment, ...]
    rows: tuple[SegmentRowView, ...]
    tier_names: dict[TierId, str]
    frame_count: int

    def only_of(self, annotator: str) -> VideoReview:
        """This review with only ``annotator``'s labels, segments and segment rows (blind
        mode, until they finish the video)."""
        mine = {a.id for a, _ann in self.annotations if a.name == annotator}
        return replace(
            self,
            annotations=tuple((a, ann) for a, ann in self.annotations if a.name == annotator),
            segments=tuple(s for s in self.segments if s.annotator_id in mine),
            rows=tuple(r for r in self.rows if r.annotator == annotator))


def reference_rows(tiers: list[Tier], segments: tuple[Segment, ...]
                   ) -> list[SegmentRowView]:
    """Rows of the reference tiers (from ELAN, SignStream) that have segments here, after
    ours: by group, each tier followed by the tiers under it ("↳")."""
    used = {s.tier_id for s in segments}
    ref = [t for t in tiers if t.read_only]
    children: dict[TierId | None, list[Tier]] = {}
    for t in ref:
        parent = t.parent_id if any(p.id == t.parent_id for p in ref) else None
        children.setdefault(parent, []).append(t)
    rows: list[SegmentRowView] = []

    def add(tier: Tier, depth: int) -> None:
        if tier.id in used:
            mine = tuple(s for s in segments if s.tier_id == tier.id)
            title = ("  " * depth + "↳ " if depth else f"{tier.group or 'Reference'} · ") \
                + tier.name
            rows.append(SegmentRowView(title, tier.source, tier.name, mine))
        for child in children.get(tier.id, []):
            add(child, depth + 1)

    for top in sorted(children.get(None, []), key=lambda t: (t.group, t.id)):
        add(top, 0)
    return rows


class Queries:
    """Read-only views of one session's project."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._repo = session._repo

    @property
    def schema(self) -> LabelSchema:
        return self._session.schema

    @property
    def folder(self) -> Path:
        return self._session.folder

    # -- who and what --------------------------------------------------------------------------
    def annotators(self) -> list[Annotator]:
        return self._repo.annotators()

    def annotator_id(self, name: str) -> AnnotatorId | None:
        """The id of the annotator called ``name`` (None until their first edit)."""
        found = self._repo.annotator_by_name(name)
        return found.id if found else None

    def videos(self) -> list[Video]:
        return self._repo.videos()

    def video(self, video_id: VideoId) -> Video:
        return self._repo.video(video_id)

    def media_file(self, video: Video) -> Path | None:
        """Where the video's media is now (None when not linked or missing)."""
        return media_file(self._session.folder, video)

    # -- the label panel ---------------------------------------------------------------------
    def annotation(self, video_id: VideoId, annotator: str) -> VideoAnnotation | None:
        """``annotator``'s labels of a video (None when they have none yet)."""
        who = self.annotator_id(annotator)
        return None if who is None else self._repo.annotation(video_id, who)

    def annotations(self, video_id: VideoId | None = None) -> list[VideoAnnotation]:
        """Every annotator's labels (of one video, or of every video)."""
        return self._repo.annotations(video_id=video_id)

    def video_named(self, name: str) -> Video | None:
        """The video called ``name``, if any."""
        return self._repo.video_by_name(name)

    # -- the video list --------------------------------------------------------------------------
    def video_rows(self) -> list[VideoRow]:
        """Every row of the list at once (reads the whole project: reports, small lists)."""
        return video_rows(self._session)

    def video_page(self, query: VideoQuery, offset: int, limit: int) -> list[VideoRow]:
        """The rows of the list ``query`` asks for, from ``offset``, at most ``limit`` (only
        these are read; their media files are looked for now)."""
        project = self._session
        return rows_of(project, project._repo.list_videos(query, offset, limit))

    def video_ids(self, query: VideoQuery) -> list[VideoId]:
        """The ids of the list of ``query`` in its order (one query; for orders and filters
        that read every video anyway: by label status, by duration...)."""
        return self._repo.list_video_ids(query)

    def rows_by_id(self, ids: list[VideoId]) -> dict[VideoId, VideoRow]:
        """The list's rows of these videos (those still there), by id."""
        project = self._session
        videos = project._repo.videos_by_id(ids)
        return {r.video.id: r for r in rows_of(project, [videos[i] for i in ids
                                                          if i in videos])}

    def video_count(self, query: VideoQuery | None = None) -> int:
        """How many videos ``query`` shows (every video of the project without one)."""
        repo = self._repo
        return repo.video_count() if query is None else repo.count_videos(query)

    def video_position(self, query: VideoQuery, video_id: VideoId) -> int | None:
        """Where the video is in the list of ``query`` (0 first; None: not in it)."""
        return self._repo.video_position(query, video_id)

    def list_summary(self) -> ListSummary:
        """How many videos, how many each annotator is done with (aggregate queries)."""
        return list_summary(self._session)

    def video_id_span(self) -> tuple[int, int] | None:
        """The lowest and highest video id (None without videos): to count a large project's
        labels a part at a time (:meth:`done_counts`)."""
        return self._repo.video_id_span()

    def done_counts(self, first_video: int, last_video: int) -> dict[str, int]:
        """How many videos with ids ``first_video..last_video`` each annotator is done with
        (one aggregate query over that part of the project)."""
        repo = self._repo
        names = {a.id: a.name for a in repo.annotators()}
        return {names[a]: c.get(AnnotationStatus.DONE, 0)
                for a, c in repo.status_counts(first_video, last_video).items() if a in names}

    def working_annotators(self) -> list[str]:
        """Annotators who have labelled or marked something (in order of arrival)."""
        repo = self._repo
        counts = repo.annotation_counts()
        marked = {s.annotator_id for s in repo.segments()}
        return [a.name for a in repo.annotators() if counts.get(a.id) or a.id in marked]

    def statuses(self, keys: Iterable[tuple[VideoId, AnnotatorId]],
                 names: Mapping[AnnotatorId, str] | None = None
                 ) -> dict[tuple[VideoId, str], AnnotationStatus]:
        """Each (video, annotator name)'s label status (one query for all of them; the
        annotators' ``names`` are read too unless given)."""
        repo = self._repo
        if names is None:
            names = {a.id: a.name for a in repo.annotators()}
        return {(video_id, names.get(annotator_id, "?")): status
                for (video_id, annotator_id), status in repo.annotation_status_of(keys).items()}

    # -- tiers and segments ------------------------------------------------------------------
    def tiers(self, *, editable: bool = False) -> list[Tier]:
        """The project's tiers (with ``editable``, only its own, not reference tiers)."""
        tiers = self._repo.tiers()
        return [t for t in tiers if not t.read_only] if editable else tiers

    def my_segments(self, video_id: VideoId, annotator: str) -> list[Segment]:
        """``annotator``'s segments of a video, by start frame."""
        who = self.annotator_id(annotator)
        if who is None:
            return []
        return self._repo.segments(video_id=video_id, annotator_id=who)

    def segments(self, video_id: VideoId) -> list[Segment]:
        """Every annotator's segments of a video."""
        return self._repo.segments(video_id=video_id)

    def annotator_names(self) -> dict[AnnotatorId, str]:
        return {a.id: a.name for a in self._repo.annotators()}

    def review(self, video: Video) -> VideoReview:
        """Labels and segments of every annotator for one video."""
        repo = self._repo
        people = {a.id: a for a in repo.annotators()}
        anns = tuple((people[a.annotator_id], a) for a in repo.annotations(video_id=video.id))
        tiers = repo.tiers()
        segments = tuple(repo.segments(video_id=video.id))
        own = [t for t in tiers if not t.read_only]
        rows = []
        for who in sorted({s.annotator_id for s in segments}, key=lambda i: people[i].name):
            for tier in own:
                mine = tuple(s for s in segments
                             if s.annotator_id == who and s.tier_id == tier.id)
                if mine:
                    name = people[who].name
                    rows.append(SegmentRowView(f"{name} · {tier.name}", name, tier.name, mine))
        rows.extend(reference_rows(tiers, segments))
        frames = video.media.frame_count if video.media else 1 + max(
            (s.end_frame for s in segments), default=0)
        return VideoReview(video, self.media_file(video), anns, segments, tuple(rows),
                           {t.id: t.name for t in tiers}, frames)

    def relabelled(self, review: VideoReview) -> VideoReview:
        """``review`` with its labels read again, and only they (after an edit of labels
        alone); the annotators are read again only when one is new to the video."""
        people = {who.id: who for who, _ann in review.annotations}
        anns = self._repo.annotations(video_id=review.video.id)
        if any(a.annotator_id not in people for a in anns):
            people = {a.id: a for a in self._repo.annotators()}
        return replace(review, annotations=tuple((people[a.annotator_id], a) for a in anns))

    # -- media files, time on task, gold -----------------------------------------------------
    def check_media(self, videos: Iterable[Video]) -> dict[VideoId, MediaCheck]:
        """Each video's media file looked at now (its content checked when it changed)."""
        from emosign_desktop.services.media_check import check_media

        return check_media(self._session, videos)

    def quick_checks(self, videos: Iterable[Video]
                     ) -> tuple[dict[VideoId, MediaCheck], list[MediaLink]]:
        """The videos whose files are known unchanged, and the links of those to read."""
        from emosign_desktop.services.media_check import quick_checks

        return quick_checks(self._session, videos)

    def media_scan(self) -> MediaScan:
        """A check of every video's file, a part at a time."""
        from emosign_desktop.services.media_check import MediaScan

        return MediaScan(self._session)

    def times_for_video(self, video_id: VideoId) -> dict[str, float]:
        """Each annotator's active seconds on one video."""
        from emosign_desktop.services.activity import times_for_video

        return times_for_video(self._session, video_id)

    def gold_videos(self) -> dict[str, str]:
        """Video name -> the annotator whose labels are its reference."""
        from emosign_desktop.services.gold import gold_videos

        return gold_videos(self._session)

    def drift(self, window: int) -> DriftReport:
        """Every annotator's agreement over time with gold and with the others."""
        from emosign_desktop.services.gold import drift_report

        return drift_report(self._session, window)

    # -- several annotators ------------------------------------------------------------------
    def agreement(self, level: str = "ordinal") -> AgreementReport:
        from emosign_desktop.services.agreement import agreement_report

        return agreement_report(self._session, level)

    def conflicts(self) -> list[dict[str, object]]:
        return self._repo.conflicts()

    # -- models versus annotators -------------------------------------------------------------
    def model_comparison(self, video: Video) -> ModelComparison:
        """The reference, each annotator and each model run for one video."""
        from emosign_desktop.services.model_review import compare_models

        return compare_models(self._session, video)

    def evaluation(self, reference: str | None = None) -> EvaluationReport:
        """Every run scored against the reference labels (the paper's tasks)."""
        from emosign_desktop.services.evaluation import evaluate

        return evaluate(self._session, reference)

    def video_disagreements(self, reference: str | None = None) -> list[VideoDisagreement]:
        """Videos ranked by how much the models disagree with the reference."""
        from emosign_desktop.services.evaluation import video_disagreements

        return video_disagreements(self._session, reference)

    def prediction_runs(self) -> list[RunSummary]:
        """The model runs imported into the project."""
        from emosign_desktop.services.predictions import prediction_runs

        return prediction_runs(self._session)

    def predicted_cues(self, video_id: VideoId) -> list[PredictedCue]:
        """The cue segments models predict for one video."""
        return self._repo.predicted_cues(video_id=video_id)

    # -- files written from the project --------------------------------------------------------
    def export_released(self, path: str | Path, *, raw: bool = False,
                        offset: int = 1) -> int:
        """The consensus labels in the released EmoSign format; returns the rows written."""
        from emosign_desktop.services.csv_exchange import export_released

        return export_released(self._session, path, raw=raw, offset=offset)

    def export_annotator_csv(self, path: str | Path, annotator: str, *, raw: bool = False,
                             offset: int = 1) -> int:
        """One annotator's ratings as CSV; returns the rows written."""
        from emosign_desktop.services.csv_exchange import export_annotator_csv

        return export_annotator_csv(self._session, path, annotator, raw=raw, offset=offset)

    def export_eaf(self, video: str, path: str | Path, *, annotator: str | None = None,
                   only_ours: bool = False) -> EafExport:
        """A video's tiers, every annotator's (or only ``annotator``'s), as an ELAN file."""
        from emosign_desktop.services.elan import export_eaf

        return export_eaf(self._session, video, path, annotator=annotator,
                          only_ours=only_ours)

    def export_segments(self, path: str | Path) -> int:
        """Every segment, one row each (.csv or .parquet); returns the rows."""
        from emosign_desktop.services.tidy_export import export_segments

        return export_segments(self._session, path)

    def export_pack(self, annotator: str, path: str | Path) -> AnnotatorPack:
        """``annotator``'s work as a pack file."""
        from emosign_desktop.services.packs import export_pack

        return export_pack(self._session, annotator, path)
