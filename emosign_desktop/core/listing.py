"""What the video list asks for: which videos (a part of the name, some label statuses of one
annotator) in which order.  The project answers it a page at a time (filtered, sorted, counted
where the data are), so the list costs the same for 200 videos as for 35,000."""

from __future__ import annotations

from dataclasses import dataclass

from emosign_desktop.core.model import AnnotationStatus

#: The orders the list can be sorted in (each ties broken by the order videos were added).
SORT_KEYS = ("name", "duration", "frames", "fps", "size", "codec", "media", "status")
#: Statuses in the order a status column sorts them (ascending).
STATUS_ORDER = (AnnotationStatus.DONE, AnnotationStatus.IN_PROGRESS,
                AnnotationStatus.NOT_STARTED, AnnotationStatus.SKIPPED)


@dataclass(frozen=True)
class VideoQuery:
    """Which videos the list shows and in what order.

    ``text``: a part of the name, any case (empty: every video).  ``statuses``: only videos
    whose label status for ``annotator`` is one of these (empty: any).  ``sort``: one of
    :data:`SORT_KEYS`; ``"status"`` sorts by the status of ``sort_annotator``; ``"media"``
    puts found media first, then files cut short, then videos with no media linked (whether a
    linked file is still there is not part of the order: that is known only by looking)."""

    text: str = ""
    annotator: str = ""
    statuses: frozenset[AnnotationStatus] = frozenset()
    sort: str = "name"
    sort_annotator: str = ""
    descending: bool = False

    def __post_init__(self) -> None:
        if self.sort not in SORT_KEYS:
            raise ValueError(f"cannot sort videos by '{self.sort}' (one of {SORT_KEYS})")
