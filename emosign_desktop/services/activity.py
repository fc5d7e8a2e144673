"""Time on task: storing what the activity clock (``core.activity``) gathered, and reading
it back per video and annotator.

Active time is a measurement, not an edit: it is added to the project at once (a single
increment, safe when two windows add at the same time), is not an undo step, does not
appear in the edit log, and an undo never takes it back.  It is kept by annotator name, so
time spent before an annotator's first edit counts, and undoing that edit (which removes the
annotator) leaves their time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from emosign_desktop.core.errors import ProjectError
from emosign_desktop.core.model import VideoId
from emosign_desktop.services.handle import ProjectHandle as Session


@dataclass(frozen=True)
class TimeOnTask:
    """Active seconds of one annotator on one video."""

    video: str
    annotator: str
    seconds: float


def record_active_time(session: Session, video_id: VideoId, annotator: str,
                       seconds: float) -> bool:
    """Add ``seconds`` of ``annotator``'s active time on a video; False (nothing stored)
    when there is nothing to add, no annotator name, or the video is gone."""
    annotator = annotator.strip()
    if not annotator or not seconds > 0:
        return False
    try:
        session._repo.video(video_id)
    except ProjectError:
        return False
    session._repo.add_active_seconds(video_id, annotator, float(seconds))
    return True


def time_on_task(session: Session) -> list[TimeOnTask]:
    """Every (video, annotator) with active time, in video then annotator order."""
    repo = session._repo
    names = {v.id: v.name for v in repo.videos()}
    return [TimeOnTask(names[r.video_id], r.annotator, r.seconds)
            for r in repo.active_times() if r.video_id in names]


def totals_by_annotator(session: Session) -> dict[str, tuple[float, int]]:
    """Annotator -> (active seconds over all videos, videos with active time)."""
    out: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    for row in time_on_task(session):
        out[row.annotator][0] += row.seconds
        out[row.annotator][1] += 1
    return {k: (v[0], int(v[1])) for k, v in sorted(out.items())}


def times_for_video(session: Session, video_id: VideoId) -> dict[str, float]:
    """Annotator -> active seconds on one video."""
    return {r.annotator: r.seconds for r in session._repo.active_times(video_id=video_id)}


def duration_text(seconds: float) -> str:
    """``1 h 02 min``, ``4 min 05 s`` or ``12 s``."""
    s = round(seconds)
    if s >= 3600:
        return f"{s // 3600} h {s % 3600 // 60:02d} min"
    if s >= 60:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s} s"
