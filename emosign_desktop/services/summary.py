"""A project at a glance: videos with their label status, annotators with their counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, NotRequired, TypedDict

from emosign_desktop.core.model import AnnotationStatus, Video
from emosign_desktop.services.handle import ProjectHandle as Session
from emosign_desktop.services.videos import media_file
from emosign_desktop.storage.project import CURRENT_FORMAT


class VideoJson(TypedDict):
    """:meth:`VideoRow.to_json`."""

    name: str
    media_path: str | None
    media_found: bool
    fingerprint: str | None
    media: dict[str, Any] | None  # the fields of MediaInfo (declared_frames included)
    status: dict[str, str]  # annotator name -> status
    #: what the check of the file against its fingerprint found (``emosign info`` only)
    media_state: NotRequired[str]
    media_problem: NotRequired[str]


class ProjectInfo(TypedDict):
    """What :func:`project_info` returns (and ``emosign info --json`` prints)."""

    project: str
    format_version: int
    schema: str
    videos: list[VideoJson]
    annotators: list[dict[str, object]]  # name, kind, annotations and a count per status
    tiers: list[dict[str, object]]  # name, kind, segments


@dataclass(frozen=True)
class VideoRow:
    """One line of the video list."""

    video: Video
    media_found: bool
    status: dict[str, AnnotationStatus]  # annotator name -> status

    @property
    def declared_frames(self) -> int | None:
        """Frames the video's container declares when fewer can be decoded (a file cut
        short: mark it), None otherwise."""
        return self.video.media.declared_frames if self.video.media else None

    def to_json(self) -> VideoJson:
        media = asdict(self.video.media) if self.video.media else None
        return {
            "name": self.video.name,
            "media_path": self.video.media_path,
            "media_found": self.media_found,
            "fingerprint": self.video.fingerprint,
            "media": media,
            "status": {k: v.value for k, v in self.status.items()},
        }


@dataclass(frozen=True)
class ListSummary:
    """The line under the video list: how many videos, and how many each annotator is done
    with (counted by aggregate queries, never by reading every video)."""

    videos: int
    done: dict[str, int]  # annotator name -> videos whose labels are complete

    def text(self, you: str, annotators: list[str]) -> str:
        """``12 videos · you (kim): 3 of 12 done · ana: 5 of 12 done``."""
        n = self.videos
        parts = [f"{n} videos"]
        if you:
            parts.append(f"you ({you}): {self.done.get(you, 0)} of {n} done")
        parts += [f"{a}: {self.done.get(a, 0)} of {n} done" for a in annotators if a != you]
        return " · ".join(parts)


def list_summary(session: Session) -> ListSummary:
    """How many videos the project has and how many each annotator is done with."""
    repo = session._repo
    names = {a.id: a.name for a in repo.annotators()}
    counts = repo.status_counts()
    return ListSummary(repo.video_count(), {
        names[a]: c.get(AnnotationStatus.DONE, 0) for a, c in counts.items() if a in names})


def rows_of(session: Session, videos: Sequence[Video]) -> list[VideoRow]:
    """The list's rows of ``videos``: whether each one's media is found (looked up now) and
    each annotator's status (one query for all of them)."""
    repo = session._repo
    names = {a.id: a.name for a in repo.annotators()}
    status: dict[int, dict[str, AnnotationStatus]] = {}
    for (video_id, annotator_id), s in repo.annotation_statuses(v.id for v in videos).items():
        if annotator_id in names:
            status.setdefault(video_id, {})[names[annotator_id]] = s
    return [VideoRow(v, media_file(session.folder, v) is not None, status.get(v.id, {}))
            for v in videos]


def video_rows(session: Session) -> list[VideoRow]:
    """Every video (in the order they were added) with whether its media is found and each
    annotator's status.  Reads the whole project: for reports; the app's list reads pages
    (:meth:`Queries.video_page`)."""
    return rows_of(session, session._repo.videos())


def project_info(session: Session) -> ProjectInfo:
    """Everything ``emosign info`` prints, as plain data."""
    from emosign_desktop.core.media_check import MediaState
    from emosign_desktop.services.media_check import check_media

    repo = session._repo
    rows = video_rows(session)
    checks = check_media(session, (r.video for r in rows if r.video.media_path))
    videos = []
    for r in rows:
        row = r.to_json()
        check = checks.get(r.video.id)
        if check is not None:  # the file checked against its fingerprint, not only found
            row["media_found"] = check.state is MediaState.FOUND
            row["media_state"] = check.state.value
            row["media_problem"] = check.reason
        videos.append(row)
    annotators: list[dict[str, object]] = []
    status_counts = repo.status_counts()
    for a in repo.annotators():
        counts = status_counts.get(a.id, {})
        annotators.append({"name": a.name, "kind": a.kind.value,
                           "annotations": sum(counts.values()), **{
                               s.value: counts.get(s, 0) for s in AnnotationStatus
                               if s is not AnnotationStatus.NOT_STARTED}})
    tiers: list[dict[str, object]] = [
        {"name": t.name, "kind": t.kind.value, "segments": len(repo.segments(tier_id=t.id))}
        for t in repo.tiers()]
    return {
        "project": str(session.folder),
        "format_version": CURRENT_FORMAT,
        "schema": repo.schema.name,
        "videos": videos,
        "annotators": annotators,
        "tiers": tiers,
    }
