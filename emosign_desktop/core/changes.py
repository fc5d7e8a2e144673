"""What an operation changed, so each view refreshes only for what it shows (Anki's OpChanges)."""

from __future__ import annotations

from dataclasses import dataclass, field

from emosign_desktop.core.model import AnnotatorId, VideoId


@dataclass(frozen=True)
class Changes:
    """The parts of a project an operation touched."""

    annotations: frozenset[tuple[VideoId, AnnotatorId]] = frozenset()
    segments_of: frozenset[VideoId] = frozenset()
    tiers: bool = False
    videos: bool = False
    annotators: bool = False
    merges: bool = False  # the merge record and conflict log
    predictions: bool = False
    project: bool = False  # another project was opened (everything changed)
    #: Who asked for the operation (a panel passes itself), so it can skip re-reading its
    #: own edit; None for undo, redo, other processes and the command line.
    initiator: object | None = field(default=None, compare=False)

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.annotations | other.annotations,
            self.segments_of | other.segments_of,
            self.tiers or other.tiers,
            self.videos or other.videos,
            self.annotators or other.annotators,
            self.merges or other.merges,
            self.predictions or other.predictions,
            self.project or other.project,
            self.initiator if self.initiator is other.initiator else None,
        )

    def __bool__(self) -> bool:
        return bool(self.annotations or self.segments_of or self.tiers or self.videos
                    or self.annotators or self.merges or self.predictions or self.project)

    def touches_video(self, video_id: VideoId | None) -> bool:
        """True when labels or segments of ``video_id`` changed (or everything did)."""
        if self.project or self.tiers:
            return True
        return video_id is not None and (
            video_id in self.segments_of or any(v == video_id for v, _ in self.annotations))


#: Everything changed: another project was opened or closed.
EVERYTHING = Changes(project=True)
