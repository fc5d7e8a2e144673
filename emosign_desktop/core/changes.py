"""What an operation changed, so each view refreshes only for what it shows (Anki's OpChanges).

Each part of a project a view can show has its own flag: the labels of a video by an
annotator, the segments of a video (and their tiers), the gold videos, blind mode, the
detector settings, the signers, the rejected proposals of a video.  ``project`` says
"everything": another project was opened, or what changed is not known.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from emosign_desktop.core.model import AnnotatorId, TierId, VideoId


@dataclass(frozen=True)
class Changes:
    """The parts of a project an operation touched."""

    annotations: frozenset[tuple[VideoId, AnnotatorId]] = frozenset()
    segments_of: frozenset[VideoId] = frozenset()
    #: The tiers of the segments that changed, when known (empty with ``segments_of`` set:
    #: not known, any tier).
    segment_tiers: frozenset[TierId] = frozenset()
    tiers: bool = False
    videos: bool = False
    annotators: bool = False
    merges: bool = False  # the merge record and conflict log
    predictions: bool = False
    gold: bool = False  # which videos are gold, and their references
    blind: bool = False  # the project's blind mode
    detector_settings: bool = False  # the settings of the cue detectors
    signers: bool = False  # who signs which video
    rejections_of: frozenset[VideoId] = frozenset()  # videos whose rejected proposals changed
    project: bool = False  # another project was opened (everything changed)
    #: Who asked for the operation (a panel passes itself), so it can skip re-reading its
    #: own edit; None for undo, redo, other processes and the command line.
    initiator: object | None = field(default=None, compare=False)

    def __or__(self, other: Changes) -> Changes:
        merged: dict[str, object] = {
            f.name: getattr(self, f.name) | getattr(other, f.name)
            for f in fields(self) if f.name != "initiator"}
        return Changes(**merged,  # type: ignore[arg-type]
                       initiator=self.initiator if self.initiator is other.initiator else None)

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self) if f.name != "initiator")


#: Everything changed: another project was opened or closed.
EVERYTHING = Changes(project=True)
