"""Cue signals plotted on the video's frame axis: a cursor that follows the playhead (drag it,
or click the plot, to seek), signals to choose, zoom and pan in time, and the segments of
the tiers as shaded spans."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QWidget

from emosign_desktop.core.model import Segment
from emosign_desktop.landmarks.signals import signal_defs
from emosign_desktop.media.playhead import Playhead, PlayheadEvent

DEFAULT_SIGNALS = ("brow_raise_left", "brow_raise_right", "mouth_opening", "head_nod_energy",
                   "dominant_hand_speed")
PALETTE = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
           (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207)]


class SignalPlotWidget(QWidget):
    """Signals of the current video, each scaled to its own range over the clip."""

    #: The playhead line, a pyqtgraph ``InfiniteLine`` (pyqtgraph has no type hints).  As an
    #: attribute it hides QWidget.cursor(), which this widget does not use.
    cursor: Any

    def __init__(self, playhead: Playhead, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        import pyqtgraph as pg

        self._pg = pg
        self.playhead = playhead
        self.signals: dict[str, np.ndarray] = {}
        self.choices = QListWidget()
        self.choices.setAccessibleName("Signals to plot (Space toggles)")
        self.choices.setMaximumWidth(220)
        for d in signal_defs():
            item = QListWidgetItem(d.name)
            item.setToolTip(f"{d.formula} [{d.unit}]")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if d.name in DEFAULT_SIGNALS
                               else Qt.CheckState.Unchecked)
            self.choices.addItem(item)
        self.choices.itemChanged.connect(lambda _i: self._draw())
        self.plot = pg.PlotWidget()
        self.plot.setAccessibleName("Cue signals over frames")
        self.plot.setBackground("w")
        self.plot.setMouseEnabled(x=True, y=False)
        self.plot.setLabel("bottom", "frame")
        self.plot.setLabel("left", "each signal scaled to its range")
        self.plot.addLegend(offset=(5, 5))
        self.cursor = pg.InfiniteLine(angle=90, movable=True, pen=pg.mkPen((220, 30, 30),
                                                                           width=2))
        self.cursor.sigPositionChanged.connect(self._on_cursor)
        self.plot.scene().sigMouseClicked.connect(self._on_click)
        self.spans: list = []
        self._segments: list[Segment] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.choices)
        layout.addWidget(self.plot, 1)
        self.frame_count = 1
        playhead.subscribe(self._on_playhead)

    def set_data(self, signals: dict[str, np.ndarray], segments: list[Segment],
                 frame_count: int) -> None:
        """Show these signals and segment spans for a video of ``frame_count`` frames."""
        self.signals = signals
        self.frame_count = max(1, frame_count)
        self._segments = list(segments)
        self._draw()
        self.plot.setXRange(0, self.frame_count - 1, padding=0.01)

    def set_segments(self, segments: list[Segment]) -> None:
        """Show these segments as shaded spans (replacing the ones shown)."""
        pg = self._pg
        for span in self.spans:
            self.plot.removeItem(span)
        self.spans = []
        self._segments = list(segments)
        for s in segments:
            span = pg.LinearRegionItem(values=(s.start_frame, s.end_frame + 1), movable=False,
                                       brush=pg.mkBrush(90, 140, 220, 40))
            span.setToolTip(s.value)
            span.setZValue(-10)
            self.plot.addItem(span)
            self.spans.append(span)

    def checked(self) -> list[str]:
        return [self.choices.item(i).text() for i in range(self.choices.count())
                if self.choices.item(i).checkState() == Qt.CheckState.Checked]

    def _draw(self) -> None:
        pg = self._pg
        self.plot.clear()
        self.spans = []
        self.set_segments(self._segments)
        legend = self.plot.plotItem.legend
        if legend is not None:
            legend.clear()
        frames = np.arange(self.frame_count)
        for n, name in enumerate(self.checked()):
            values = self.signals.get(name)
            if values is None or np.isnan(values).all():
                continue
            lo, hi = np.nanmin(values), np.nanmax(values)
            scaled = (values - lo) / (hi - lo) if hi > lo else values * 0 + 0.5
            self.plot.plot(frames[:len(scaled)], scaled, name=name, connect="finite",
                           pen=pg.mkPen(PALETTE[n % len(PALETTE)], width=2))
        self.plot.addItem(self.cursor)
        self.cursor.setValue(self.playhead.current)

    def _on_cursor(self) -> None:
        frame = round(self.cursor.value())
        if frame != self.playhead.current:
            self.playhead.seek(frame)

    def _on_click(self, event) -> None:
        vb = self.plot.plotItem.vb
        if self.plot.sceneBoundingRect().contains(event.scenePos()):
            x = vb.mapSceneToView(event.scenePos()).x()
            self.playhead.seek(round(min(max(x, 0), self.frame_count - 1)))

    def _on_playhead(self, event: PlayheadEvent) -> None:
        if event in (PlayheadEvent.FRAME, PlayheadEvent.MEDIA):
            self.cursor.blockSignals(True)
            self.cursor.setValue(self.playhead.current)
            self.cursor.blockSignals(False)
