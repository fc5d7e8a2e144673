"""Blind mode: a project setting under which, until an annotator has finished a video (every
label rated, or the video skipped), the app shows them only their own work on it: not the
other annotators' labels and segments, not the consensus, not the model predictions.  A
*reviewer* (a setting of the person's own, not of the project) sees everything.

This shapes what the app shows; it is not a security boundary: the project file holds every
annotator's labels, and anyone with the file (or the command line) can read them.
"""

from __future__ import annotations

from dataclasses import dataclass

from emosign_desktop.core import project_settings
from emosign_desktop.core.changes import Changes
from emosign_desktop.core.changeset import ChangeSet, MetaEdit
from emosign_desktop.core.model import AnnotationStatus, VideoId
from emosign_desktop.services.handle import ProjectHandle as Session
from emosign_desktop.storage.repository import Repository

#: The project setting ("1" when on; absent when off).
BLIND_META = project_settings.BLIND


def blind_mode(session: Session) -> bool:
    """Is the project in blind mode?"""
    return session._repo.meta().get(BLIND_META) == "1"


def set_blind_mode(session: Session, on: bool) -> Changes:
    """Turn blind mode on or off (one undoable step)."""

    def build(repo: Repository) -> ChangeSet:
        before = repo.meta().get(BLIND_META)
        after = "1" if on else None
        return ChangeSet() if before == after else ChangeSet(
            meta=(MetaEdit(BLIND_META, before, after),))

    return session.writer.run(f"turn blind mode {'on' if on else 'off'}", build).changes()


@dataclass(frozen=True)
class Visibility:
    """What one person may be shown of one video."""

    others: bool  # the other annotators' labels and segments
    consensus: bool  # the consensus, aggregation, agreement figures
    predictions: bool  # model predictions and predicted cues
    why: str = ""  # when something is hidden: the sentence to show in its place

    @property
    def everything(self) -> bool:
        return self.others and self.consensus and self.predictions


SHOW_ALL = Visibility(True, True, True)


def finished(session: Session, video_id: VideoId, annotator: str) -> bool:
    """Has ``annotator`` finished the video (every label rated, or skipped)?"""
    who = session._repo.annotator_by_name(annotator) if annotator else None
    if who is None:
        return False
    ann = session._repo.annotation(video_id, who.id)
    return ann is not None and ann.status(session.schema) in (AnnotationStatus.DONE,
                                                              AnnotationStatus.SKIPPED)


def visibility(session: Session, video_id: VideoId | None, annotator: str,
               reviewer: bool = False) -> Visibility:
    """What ``annotator`` may be shown of the video: everything unless the project is blind,
    they are not a reviewer and have not finished the video."""
    if reviewer or not blind_mode(session):
        return SHOW_ALL
    if video_id is not None and finished(session, video_id, annotator):
        return SHOW_ALL
    return Visibility(False, False, False,
                      "Blind mode: the other annotators' labels, the consensus and the model "
                      "predictions show once you have finished this video.")


def project_wide(session: Session, reviewer: bool = False) -> Visibility:
    """What may be shown of the project as a whole (agreement over all videos, consensus
    export, model comparison): everything, unless blind mode is on and this person is not
    a reviewer."""
    if reviewer or not blind_mode(session):
        return SHOW_ALL
    return Visibility(False, False, False,
                      "Blind mode: agreement, consensus and model comparisons are for "
                      "reviewers (Settings: I am a reviewer).")

