"""What an operation changed, so each view refreshes only for what it shows (Anki's OpChanges)."""

from __future__ import annotations

from dataclasses import dataclass

from emosign_desktop.core.model import AnnotatorId, VideoId


@dataclass(frozen=True)
class Changes:
    """The parts of a project an operation touched."""

    annotations: frozenset[tuple[VideoId, AnnotatorId]] = frozenset()
    segments_of: frozenset[VideoId] = frozenset()
    tiers: bool = False
    videos: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.annotations | other.annotations,
            self.segments_of | other.segments_of,
            self.tiers or other.tiers,
            self.videos or other.videos,
        )
