"""The landmarks tab: what to draw on the video, the signal plot, and extraction with a
progress bar for a video that has no landmarks yet."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.core.model import Segment
from emosign_desktop.landmarks.track import LandmarkTrack, load_cached
from emosign_desktop.ui.player.overlay import PART_NAMES, LandmarkOverlay
from emosign_desktop.ui.player.player_widget import PlayerWidget

if TYPE_CHECKING:
    from emosign_desktop.ui.plots.signal_plot import SignalPlotWidget


class _Extraction(QThread):
    progressed = Signal(int, int)
    failed = Signal(str)

    def __init__(self, path: Path, fingerprint: str) -> None:
        super().__init__()
        self.path, self.fingerprint = path, fingerprint
        self.track: LandmarkTrack | None = None
        self.cancelled = False

    def run(self) -> None:
        from emosign_desktop.landmarks.extract import extract

        def progress(done: int, total: int) -> None:
            self.progressed.emit(done, total)
            if self.cancelled:
                raise InterruptedError

        try:
            self.track = extract(self.path, self.fingerprint, progress=progress)
        except InterruptedError:
            pass  # the checkpoint lets a later run resume
        except EmoSignError as exc:
            self.failed.emit(str(exc))


class LandmarksPanel(QWidget):
    """Overlay switches, signals plot, and an Extract button."""

    def __init__(self, player: PlayerWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.player = player
        self.overlay = LandmarkOverlay()
        player.view.overlays.append(self.overlay)
        self.toggles = {}
        row = QHBoxLayout()
        row.addWidget(QLabel("Draw on video:"))
        for key, text in PART_NAMES.items():
            box = QCheckBox(text)
            box.setChecked(self.overlay.parts[key])
            box.toggled.connect(lambda on, k=key: self._toggle(k, on))
            self.toggles[key] = box
            row.addWidget(box)
        row.addStretch(1)
        self.status = QLabel()
        self.status.setAccessibleName("Landmarks status")
        self.extract_button = QPushButton("&Extract landmarks for this video")
        self.extract_button.setToolTip("Run MediaPipe Holistic on every frame (offline)")
        self.extract_button.clicked.connect(self.extract)
        row.addWidget(self.status)
        row.addWidget(self.extract_button)
        self.plot: SignalPlotWidget | None = None  # made when first needed (pyqtgraph)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.addLayout(row)
        self._video: tuple[Path, str, list[Segment], int] | None = None
        self._job: _Extraction | None = None

    def _toggle(self, key: str, on: bool) -> None:
        self.overlay.parts[key] = on
        self.player.view.update()

    def show_video(self, path: Path | None, fingerprint: str | None,
                   segments: list[Segment], frame_count: int) -> None:
        """Load the cached landmarks of a video (if any) into the overlay and the plot."""
        self._video = (path, fingerprint, segments, frame_count) if path and fingerprint \
            else None
        track = load_cached(fingerprint) if fingerprint else None
        self._show_track(track, segments, frame_count)

    def set_segments(self, segments: list[Segment], frame_count: int) -> None:
        """New segment spans for the plot (the landmarks and signals stay)."""
        if self._video is not None:
            path, fingerprint, _old, frames = self._video
            self._video = (path, fingerprint, segments, frames)
        if self.plot is not None:
            self.plot.set_segments(segments)

    def _show_track(self, track: LandmarkTrack | None, segments: list[Segment],
                    frame_count: int) -> None:
        from emosign_desktop.landmarks.signals import compute_signals

        self.overlay.track = track
        self.player.view.update()
        self.extract_button.setVisible(track is None and self._video is not None)
        if track is None:
            self.status.setText("No landmarks yet for this video." if self._video
                                else "No media.")
        else:
            self.status.setText(f"Landmarks: face in {int(track.present('face').sum())} of "
                                f"{track.frame_count} frames")
        if self.plot is None:
            from emosign_desktop.ui.plots.signal_plot import SignalPlotWidget

            self.plot = SignalPlotWidget(self.player.playhead)
            self.layout_.addWidget(self.plot, 1)
        self.plot.set_data(compute_signals(track) if track else {}, segments, frame_count)

    def extract(self) -> None:
        """Extract this video's landmarks in a background thread, with a progress bar."""
        if self._video is None or self._job is not None:
            return
        path, fingerprint, segments, frames = self._video
        dialog = QProgressDialog("Finding face, hands and body in every frame…", "Stop", 0,
                                 frames, self)
        dialog.setWindowTitle("Landmarks")
        dialog.setMinimumDuration(0)
        job = _Extraction(path, fingerprint)
        self._job = job
        job.progressed.connect(lambda done, total: dialog.setValue(done))
        job.failed.connect(lambda message: self.status.setText(message))
        dialog.canceled.connect(lambda: setattr(job, "cancelled", True))

        def finished() -> None:
            dialog.close()
            self._job = None
            if job.track is not None:
                self._show_track(job.track, segments, frames)

        job.finished.connect(finished)
        job.start()
