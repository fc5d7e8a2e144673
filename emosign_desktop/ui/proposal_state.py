"""What the window shows of cue proposals for the current video, Qt-free: what was proposed
(or why nothing), which one is selected, the edges moved and not yet accepted, the last one
decided; the spans to draw, the status line, and which proposal N / P go to."""

from __future__ import annotations

from dataclasses import dataclass, field

from emosign_desktop.analysis.proposals import DETECTORS, Proposal
from emosign_desktop.core.model import Video
from emosign_desktop.services.proposing import ProposalRun, VideoProposals
from emosign_desktop.ui.proposal_texts import KEYS, Key, key_of, tooltip_for
from emosign_desktop.ui.proposed_span import ProposedSpan


@dataclass
class ShownProposals:
    """The proposals shown for the current video and what the user did with them so far."""

    found: VideoProposals | None = None
    missing: bool = False  # the current video has no landmarks yet
    error: str = ""
    cancelled: Video | None = None  # proposing for it was cancelled
    selected: Key | None = None
    edges: dict[Key, tuple[int, int]] = field(default_factory=dict)  # moved, until accepted
    after: tuple[int, str, int] | None = None  # the last one decided

    @property
    def items(self) -> list[Proposal]:
        """What is proposed, in frame order."""
        return list(self.found.proposals) if self.found is not None else []

    def proposal(self, key: Key | None) -> Proposal | None:
        """The proposal with this key (None: none shown has it)."""
        return next((p for p in self.items if key_of(p) == key), None)

    def edges_of(self, p: Proposal) -> tuple[int, int]:
        """Its edges, as moved."""
        return self.edges.get(key_of(p), (p.start_frame, p.end_frame))

    def forget(self, keep_cancelled: bool = False) -> None:
        """Show nothing (what was cancelled stays said with ``keep_cancelled``)."""
        self.found, self.missing, self.error = None, False, ""
        self.selected, self.after = None, None
        self.edges = {}
        if not keep_cancelled:
            self.cancelled = None

    def for_video(self, video: Video) -> None:
        """About to propose for ``video``: another video's proposals go."""
        self.cancelled = None
        if self.found is None or self.found.video.id != video.id:
            self.forget()

    def take(self, run: ProposalRun) -> None:
        """What was proposed for the current video; moved edges and the selection stay where
        their proposal is still there."""
        self.found = run.videos[0] if run.videos else None
        self.missing, self.error = not run.videos, ""
        keys = {key_of(p) for p in self.items}
        self.edges = {k: v for k, v in self.edges.items() if k in keys}
        if self.selected not in keys:
            self.selected = None

    def set_edges(self, p: Proposal, start: int, end: int) -> None:
        """Move its edges (back where proposed: not moved any more)."""
        if (start, end) == (p.start_frame, p.end_frame):
            self.edges.pop(key_of(p), None)
        else:
            self.edges[key_of(p)] = (start, end)

    def decided(self, p: Proposal) -> None:
        """``p`` was accepted or rejected: the next key press goes on from there."""
        self.after = (p.start_frame, p.detector, p.end_frame)
        self.selected = None

    def step(self, forward: bool, here: int) -> int | None:
        """The index of the proposal N (``forward``) or P goes to from the selected one, or
        from the playhead at ``here`` (None: there is none that way)."""
        items = self.items
        order = [(p.start_frame, p.detector, p.end_frame) for p in items]
        current = self.proposal(self.selected)
        if current is not None:
            i = items.index(current) + (1 if forward else -1)
        else:
            after = self.after
            if after is not None and after[0] <= here <= after[2]:
                ahead = [k for k, o in enumerate(order) if (o > after if forward else o < after)]
            elif forward:
                ahead = [k for k, o in enumerate(order) if o[0] >= here]
            else:
                ahead = [k for k, o in enumerate(order) if o[0] < here]
            i = (ahead[0] if forward else ahead[-1]) if ahead else len(items)
        return i if 0 <= i < len(items) else None

    def spans(self, annotator: str) -> list[ProposedSpan]:
        """The dashed spans to draw on the rows of ``annotator`` and on the plot."""
        found = self.found
        if found is None:
            return []
        out = []
        for p in found.proposals:
            tier = found.tiers.get(p.detector)
            name = tier.name if tier is not None else ""
            start, end = self.edges_of(p)
            out.append(ProposedSpan(key_of(p), annotator, name, start, end,
                                    DETECTORS[p.detector].label,
                                    tooltip_for(p, name, found.fps, start, end),
                                    key_of(p) == self.selected, key_of(p) in self.edges))
        return out

    def status_text(self, video: Video | None, showing: bool, running: bool) -> str:
        """The status line above the plot."""
        if video is None:
            return "Cue proposals: choose a video."
        if not showing:
            if self.cancelled is not None and self.cancelled.id == video.id:
                return (f"Proposing cues for {video.name} was cancelled: nothing is shown "
                        f"(Propose cues, {KEYS['propose']}, tries again).")
            return (f"Propose cues ({KEYS['propose']}) shows what the detectors find in "
                    "this video's landmarks.")
        if running:
            return f"Proposing cues for {video.name}…"
        if self.error:
            return f"Cannot propose cues: {self.error}"
        if self.missing:
            from emosign_desktop.landmarks.track import has_outdated

            if video.fingerprint and has_outdated(video.fingerprint):
                return (f"The landmarks of {video.name} were extracted by an earlier version "
                        "without face blendshapes: extract them again (Extract landmarks "
                        "again), then the proposals show.")
            return (f"No landmarks yet for {video.name}: extract them first (Extract "
                    "landmarks for this video), then the proposals show.")
        items = self.items
        rough = self.found.rough_baseline if self.found is not None else ""
        rough = f" The face detectors' baseline is {rough}." if rough else ""
        if not items:
            return (f"Nothing proposed for {video.name} with the current detector "
                    f"settings.{rough}")
        p = self.proposal(self.selected)
        if p is None:
            keys = f"{KEYS['next']} / {KEYS['previous']}"
            return (f"{len(items)} proposal{'s' if len(items) != 1 else ''} on "
                    f"{video.name}: {keys} goes to the next / previous.{rough}")
        i = items.index(p) + 1
        start, end = self.edges_of(p)
        tier = self.found.tiers.get(p.detector) if self.found else None
        moved = " (edges moved)" if key_of(p) in self.edges else ""
        return (f"{i} of {len(items)}: {DETECTORS[p.detector].label} {start}–{end}{moved} "
                f"→ {tier.name if tier else 'no tier'} · {KEYS['accept']} accept, "
                f"{KEYS['reject']} reject, {KEYS['start']} {KEYS['end']} edges")
