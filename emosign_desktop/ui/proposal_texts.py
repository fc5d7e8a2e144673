"""The words of cue proposals: their keys, the sheet lines naming them, why each was proposed
(its evidence) and the tooltip of its span."""

from __future__ import annotations

from emosign_desktop.analysis.proposals import DETECTORS, Proposal
from emosign_desktop.landmarks.signals import signal_defs

#: What identifies a proposal while it is shown: detector, version, first and last frame.
Key = tuple[str, int, int, int]

#: The keys, as the shortcuts sheet should list them (``ui.appearance.SHORTCUTS``).
KEYS = {
    "propose": "Ctrl+Shift+P",
    "next": "N",
    "previous": "P",
    "accept": "A",
    "reject": "X",
    "start": "[",
    "end": "]",
}
#: Where the single keys act (like I, O and R): the player, the segment rows, the landmarks tab.
WHERE = "player, Segments tab, Landmarks tab (and the tab's header)"


def key_of(p: Proposal) -> Key:
    """The proposal's key."""
    return (p.detector, p.version, p.start_frame, p.end_frame)


def _n(x: float) -> str:
    return f"{x:.3g}"


def evidence_text(p: Proposal) -> str:
    """Why it was proposed, in words and the signal's own unit."""
    d = DETECTORS[p.detector]
    e = p.evidence
    defs = {s.name: s for s in signal_defs()}
    found = [defs.get(n) for n in e.signal.split("+")]
    parts = [d.label if d else n for d, n in zip(found, e.signal.split("+"), strict=True)]
    unit = found[0].unit.replace("^2", "²") if found[0] else ""
    signal = " + ".join(parts) + (" (mean)" if len(parts) > 1 else "")
    scales = d.direction * (e.peak - e.baseline) / e.scale if e.scale else 0.0
    needed = d.direction * (e.threshold - e.baseline) / e.scale if e.scale else 0.0
    way = "above" if d.direction > 0 else "below"
    return (f"{signal} reaches {_n(e.peak)} {unit} at frame {e.peak_frame}: "
            f"{scales:.1f} scales {way} the signer's usual {_n(e.baseline)} "
            f"(scale {_n(e.scale)}); a span starts {needed:.1f} scales {way} "
            f"({_n(e.threshold)})." + (f" Baseline: {e.baseline_from}." if e.baseline_from
                                       else ""))


def tooltip_for(p: Proposal, tier: str, fps: float, start: int, end: int) -> str:
    """The tooltip of a proposed span (its edges as moved) going to ``tier``."""
    d = DETECTORS[p.detector]
    seconds = f" ({(end - start + 1) / fps:.2f} s)" if fps > 0 else ""
    moved = f" (proposed {p.start_frame}–{p.end_frame})" if (start, end) != (
        p.start_frame, p.end_frame) else ""
    goes = f"→ {tier}" if tier else "→ no tier of its kind in this project"
    value = f', value "{p.value}"' if p.value else ""
    return (f"{d.label}, proposed by its detector (version {d.version}): {d.what}.\n"
            f"Frames {start}–{end}{seconds}{moved} {goes}{value}.\n"
            f"Evidence: {evidence_text(p)}\n"
            f"{KEYS['accept']} accepts, {KEYS['reject']} rejects, {KEYS['start']} and "
            f"{KEYS['end']} move its edges to the playhead (or drag them).")


#: Only for the shortcuts sheet: (keys, what they do, where).
SHEET = (
    ((KEYS["propose"],), "propose cues for this video / hide them", "anywhere"),
    ((KEYS["next"], KEYS["previous"]), "next / previous cue proposal (playhead to its start)",
     WHERE),
    ((KEYS["accept"], KEYS["reject"]), "accept / reject the selected cue proposal", WHERE),
    ((KEYS["start"], KEYS["end"]), "the selected proposal starts / ends at the playhead",
     WHERE),
)
