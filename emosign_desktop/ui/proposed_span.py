"""A proposed cue span as the segment rows and the signal plot show it: outlined with a
dashed border (never filled like a segment), named by its detector, its evidence in the
tooltip.  Nothing here is anyone's label: see ``services.proposing``."""

from __future__ import annotations

from dataclasses import dataclass

#: What a proposal's box says after its detector's name (the dashes say it too).
PROPOSED = "proposed"


@dataclass(frozen=True)
class ProposedSpan:
    """One proposal on the frame axis, on the row of ``annotator`` and ``tier`` (the row it
    would become a segment on).  ``key`` names the proposal for whoever shows it; the frames
    are its edges as they are now (``adjusted`` when the user moved them)."""

    key: tuple[str, int, int, int]  # detector, version, proposed start, proposed end
    annotator: str
    tier: str
    start_frame: int
    end_frame: int
    label: str  # "Brow raise"
    tooltip: str
    selected: bool = False
    adjusted: bool = False

    @property
    def text(self) -> str:
        """What its box says: "Brow raise (proposed)", "▶ Brow raise (selected)"."""
        if self.selected:
            return f"▶ {self.label} (selected{', edges moved' if self.adjusted else ''})"
        return f"{self.label} ({PROPOSED})"
