"""Reference spans on the signal plot: the segments of read-only reference tiers (facial
grammar coded in SignStream, an ELAN file's own tiers) drawn as labelled bands beside the
curves, so a researcher sees the coded "eye brows: raised" or "wh question" next to the
signals that should follow them.

A reference tier's segments that follow each other without a gap and carry the same value
(SignStream's onset, the event and its offset) make one band, from the first frame to the
last; its tooltip lists the parts.  Bands are filled lightly and edged with dotted lines
(proposals are dashed, our own segments plain), and named at the bottom of the plot, one
line per tier, so names never run into each other; when the names would cover more than
half of the plot's height (a short plot, large text) they are left out and the tooltips
name the bands.  Which tiers are shown is a choice:
:data:`SHOW_GRAMMAR` (the facial-grammar reference tiers, the default), :data:`SHOW_ALL`,
:data:`SHOW_NONE`, or one tier by its id."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QComboBox

from emosign_desktop.core.model import Segment, Tier, TierId, TierKind
from emosign_desktop.ui.plots.plot_style import LabelRoom
from emosign_desktop.ui.plots.retired import retire

SHOW_GRAMMAR, SHOW_ALL, SHOW_NONE = "grammar", "all", "none"
#: The band names take at most this share of the plot's height (else they are not shown).
MAX_LABEL_SHARE = 0.5


class BandStyle(Protocol):
    """What the bands take from the plot's style (``signal_plot.PlotStyle``)."""

    @property
    def dark(self) -> bool: ...

    @property
    def text(self) -> QColor: ...

    @property
    def background(self) -> QColor: ...

    @property
    def font(self) -> QFont: ...


@dataclass(frozen=True)
class ReferenceBand:
    """One band: frames ``start_frame..end_frame`` (inclusive) of a reference tier, the
    value coded there, and its parts (phase, first and last frame) for the tooltip."""

    start_frame: int
    end_frame: int
    value: str
    parts: tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class ReferenceTier:
    """A read-only tier with segments in this video, and their bands."""

    tier_id: TierId
    name: str
    group: str
    source: str
    grammar: bool
    bands: tuple[ReferenceBand, ...]

    def label(self, band: ReferenceBand) -> str:
        """What a band is called on the plot: "eye brows: raised" (the tier alone when the
        value is empty or the tier's own name)."""
        value = band.value.strip()
        if not value or value.lower() == self.name.lower():
            return self.name
        return f"{self.name}: {value}"

    def tooltip(self, band: ReferenceBand) -> str:
        """The band's tier, group, source file and parts, in words."""
        parts = ", ".join(f"{phase + ' ' if phase else ''}{a}-{b}"
                          for phase, a, b in band.parts)
        origin = f" (from {self.source})" if self.source else ""
        return (f"{self.group or 'Reference'} · {self.label(band)}{origin}\n"
                f"Frames {band.start_frame}-{band.end_frame}: {parts}\n"
                "A reference tier: read-only, as coded in the file it came from.")


def _phase(segment: Segment) -> str:
    return dict(segment.attributes).get("phase", "")


def bands_of(segments: Sequence[Segment]) -> tuple[ReferenceBand, ...]:
    """One tier's segments as bands: touching segments with the same value are joined."""
    out: list[ReferenceBand] = []
    for s in sorted(segments, key=lambda s: (s.start_frame, s.end_frame)):
        part = (_phase(s), s.start_frame, s.end_frame)
        last = out[-1] if out else None
        if last is not None and last.value == s.value and s.start_frame <= last.end_frame + 1:
            out[-1] = ReferenceBand(last.start_frame, max(last.end_frame, s.end_frame),
                                    last.value, (*last.parts, part))
        else:
            out.append(ReferenceBand(s.start_frame, s.end_frame, s.value, (part,)))
    return tuple(out)


def reference_tiers(tiers: Sequence[Tier], segments: Sequence[Segment]
                    ) -> list[ReferenceTier]:
    """The read-only tiers that have segments among ``segments`` (one video's), facial
    grammar first, then by group and name."""
    by_tier: dict[TierId, list[Segment]] = {}
    for s in segments:
        by_tier.setdefault(s.tier_id, []).append(s)
    found = [ReferenceTier(t.id, t.name, t.group, t.source,
                           t.kind is TierKind.FACIAL_GRAMMAR, bands_of(by_tier[t.id]))
             for t in tiers if t.read_only and t.id in by_tier]
    return sorted(found, key=lambda r: (not r.grammar, r.group, r.name))


def chosen_tiers(tiers: Sequence[ReferenceTier], choice: str) -> list[ReferenceTier]:
    """The tiers a choice shows (see the module)."""
    if choice == SHOW_NONE:
        return []
    if choice == SHOW_ALL:
        return list(tiers)
    if choice == SHOW_GRAMMAR:
        return [t for t in tiers if t.grammar]
    return [t for t in tiers if str(t.tier_id) == choice]


def fill_reference_choice(box: QComboBox, tiers: Sequence[ReferenceTier]) -> None:
    """The reference choice's entries for the tiers this video has (the choice kept
    when it is still there; hidden when there is none)."""
    keep = box.currentData()
    entries = [("Reference: facial grammar", SHOW_GRAMMAR),
               ("Reference: all tiers", SHOW_ALL), ("Reference: none", SHOW_NONE)]
    entries += [(f"Reference: {t.name}", str(t.tier_id)) for t in tiers]
    if [box.itemData(i) for i in range(box.count())] != [v for _t, v in entries]:
        box.blockSignals(True)
        try:
            box.clear()
            for text, value in entries:
                box.addItem(text, value)
                tips = [t for t in tiers if str(t.tier_id) == value]
                if tips:
                    box.setItemData(box.count() - 1,
                                    f"{tips[0].group or 'Reference'} · {tips[0].name}",
                                    Qt.ItemDataRole.ToolTipRole)
            found = box.findData(keep)
            box.setCurrentIndex(found if found >= 0 else 0)
        finally:
            box.blockSignals(False)
    box.setVisible(bool(tiers))


def band_colours(style: BandStyle) -> tuple[QColor, QColor]:
    """(fill, edge) of the bands: a light green wash, edges in the text colour."""
    fill = QColor(120, 230, 160, 50) if style.dark else QColor(0, 150, 80, 40)
    return fill, QColor(style.text)


class ReferenceBands:
    """The bands of the chosen reference tiers on a pyqtgraph plot, and their names."""

    def __init__(self, plot: Any) -> None:
        self.plot = plot
        #: (tier, band, region, label) of every band shown.
        self.items: list[tuple[ReferenceTier, ReferenceBand, Any, Any]] = []

    def show(self, tiers: Sequence[ReferenceTier], style: BandStyle) -> None:
        """Draw the bands of ``tiers`` (replacing those shown)."""
        self.clear()
        fill, edge = band_colours(style)
        pen = pg.mkPen(edge, width=1.5, style=Qt.PenStyle.DotLine)
        back = QColor(style.background)
        back.setAlpha(220)
        font = QFont(style.font)
        for tier in tiers:
            for band in tier.bands:
                region = pg.LinearRegionItem(values=(band.start_frame, band.end_frame + 1),
                                             movable=False, brush=pg.mkBrush(fill))
                region.setZValue(-8)  # over our own segments' shading, under proposals
                for line in region.lines:
                    line.setPen(pen)
                tip = tier.tooltip(band)
                region.setToolTip(tip)
                label = pg.TextItem(tier.label(band), anchor=(0, 1), color=QColor(style.text),
                                    fill=pg.mkBrush(back))
                label.setFont(font)
                label.setZValue(19)
                label.setToolTip(tip)
                self.plot.addItem(region)
                self.plot.addItem(label, ignoreBounds=True)
                self.items.append((tier, band, region, label))
        self.place_labels(style.font)

    def clear(self) -> None:
        """Take every band off the plot.  The items are deleted by Qt's event loop, not
        whenever Python's cycle collector runs (which may be in the middle of Qt
        restyling every widget, where deleting a graphics item crashes: see ui/plots/retired.py)."""
        for _tier, _band, region, label in self.items:
            self.plot.removeItem(region)
            self.plot.removeItem(label)
            retire(region, label)
        self.items = []

    def forget(self) -> None:
        """Drop the items without removing them (the plot was cleared already)."""
        for _tier, _band, region, label in self.items:
            retire(region, label)
        self.items = []

    def place_labels(self, font: QFont) -> None:
        """Each band's name at the bottom of the plot, right of its start: each tier on a
        line of its own, from the bottom up; a name that would run into the one before it
        on that line goes one line higher."""
        room = LabelRoom.of(self.plot, font) if self.items else None
        if room is None:
            return
        lanes: list[float] = []  # where each line of names is free from (pixels)
        order: dict[TierId, int] = {}
        for tier, *_rest in self.items:
            order.setdefault(tier.tier_id, len(order))
        for tier, band, _region, label in sorted(
                self.items, key=lambda t: (order[t[0].tier_id], t[1].start_frame)):
            left = (band.start_frame - room.x0) * room.per_frame
            width = room.metrics.horizontalAdvance(label.toPlainText()) + 8
            first = order[tier.tier_id]
            while len(lanes) <= first:
                lanes.append(float("-inf"))
            lane = next((i for i in range(first, len(lanes)) if left >= lanes[i]), len(lanes))
            if lane == len(lanes):
                lanes.append(float("-inf"))
            lanes[lane] = left + width
            label.setPos(band.start_frame, room.y0 + (lane * room.line + 2) * room.per_pixel)
        # names that would cover more than half of the curves are left out (the bands'
        # tooltips and the reference choice still say what they are)
        fits = len(lanes) * room.line <= room.height * MAX_LABEL_SHARE
        for *_rest, label in self.items:
            label.setVisible(fits)
