"""The landmarks tab: what to draw on the video, the signal plot (with proposed cue spans
when someone asks for them: ``ui.proposals``), and extraction with a progress bar for a
video that has no landmarks yet.  It follows the review session it receives (the video's
media and the playhead); whoever shows the video draws its :attr:`LandmarksPanel.overlay`."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QProgressBar,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from emosign_desktop.core.model import Segment, Tier
from emosign_desktop.landmarks.track import (
    OUTDATED_TEXT,
    LandmarkTrack,
    load_cached,
    load_outdated,
)
from emosign_desktop.services.review_session import ReviewSession
from emosign_desktop.ui.fitting import FlowLayout, scrolling
from emosign_desktop.ui.player.overlay import PART_NAMES, LandmarkOverlay
from emosign_desktop.ui.proposed_span import ProposedSpan

if TYPE_CHECKING:
    from emosign_desktop.ui.plots.signal_plot import SignalPlotWidget


class _Extraction(QThread):
    """Runs :func:`landmarks.extract.extract` off the UI thread.

    ``progressed`` carries (frames done, frames in all, monotonic time of that frame);
    ``failed`` one line saying what went wrong.  After a stop, ``stopped_at`` is the frame
    the run stopped at (its checkpoint: the next run resumes there)."""

    progressed = Signal(int, int, float)
    failed = Signal(str)

    def __init__(self, path: Path, fingerprint: str) -> None:
        super().__init__()
        self.path, self.fingerprint = path, fingerprint
        self.track: LandmarkTrack | None = None
        self.cancelled = False
        self.stopped_at: tuple[int, int] | None = None

    def run(self) -> None:
        from emosign_desktop.landmarks.extract import ExtractionStopped, extract

        def progress(done: int, total: int) -> None:
            self.progressed.emit(done, total, time.monotonic())
            if self.cancelled:
                raise ExtractionStopped(done, total)

        try:
            self.track = extract(self.path, self.fingerprint, progress=progress)
        except ExtractionStopped as stop:  # extract kept a checkpoint there
            self.stopped_at = (stop.frames_done, stop.frames)
        except Exception as exc:  # any failure is shown, in one line
            self.failed.emit(one_line(exc))


def one_line(exc: BaseException) -> str:
    """An error as one line for the panel: its first line, or its type."""
    text = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
    return text or type(exc).__name__


def rate_text(done: int, total: int, first: tuple[int, float] | None, now: float) -> str:
    """ "Frame 120 of 580 · 23.4 frames/s · about 20 s left" (rate and time left measured
    from the first frame of this run, so loading the model does not count)."""
    text = f"Frame {done:,} of {total:,}"
    if first is None or now <= first[1] or done <= first[0]:
        return text + " · measuring frames/s…"
    rate = (done - first[0]) / (now - first[1])
    left = (total - done) / rate if rate > 0 else 0.0
    return f"{text} · {rate:.1f} frames/s · about {duration_text(left)} left"


def duration_text(seconds: float) -> str:
    """12 s, 3 min 05 s, 1 h 02 min."""
    s = max(0, round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


EXTRACT_TEXT = "E&xtract landmarks for this video"
EXTRACT_AGAIN_TEXT = "E&xtract landmarks again (with face blendshapes)"


class LandmarksPanel(QWidget):
    """Overlay switches, signals plot, and an Extract button.  ``landmarks_ready`` carries
    the fingerprint of a video whose extraction has just finished; ``overlay_changed`` says
    the overlay draws something else now (the view showing it repaints)."""

    landmarks_ready = Signal(str)
    overlay_changed = Signal()

    def __init__(self, review: ReviewSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.review = review
        self.overlay = LandmarkOverlay()
        self.toggles = {}
        controls = QWidget()  # wraps onto more lines rather than widen the window
        row = FlowLayout(controls)
        row.addWidget(QLabel("Draw on video:"))
        for key, text in PART_NAMES.items():
            box = QCheckBox(text)
            box.setChecked(self.overlay.parts[key])
            box.toggled.connect(lambda on, k=key: self._toggle(k, on))
            self.toggles[key] = box
            row.addWidget(box)
        self.status = QLabel()
        self.status.setAccessibleName("Landmarks status")
        self.extract_button = QPushButton(EXTRACT_TEXT)
        self.extract_button.setToolTip("Run MediaPipe Holistic and FaceLandmarker (face "
                                       "blendshapes and head pose) on every frame (offline)")
        self.extract_button.clicked.connect(self.extract)
        row.addWidget(self.status)
        row.addWidget(self.extract_button)
        self.plot: SignalPlotWidget | None = None  # made when first needed (pyqtgraph)
        content = QWidget()  # large text on a low tab: it scrolls, its button not cut off
        self.layout_ = QVBoxLayout(content)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.addWidget(controls)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scrolling(content, horizontal=False))
        self._segments: list[Segment] = []  # shown on the plot
        self._frame_count = 1
        self._job: _Extraction | None = None
        self.progress_dialog: QProgressDialog | None = None
        self._first_frame: tuple[int, float] | None = None  # (frame, time) of this run
        self._proposals: list[ProposedSpan] = []
        self._tiers: list[Tier] = []  # the plot draws reference tiers' spans as bands
        self._side: QWidget | None = None
        #: Called with a proposal whose edges were dragged on the plot.
        self.on_proposal_edit: Callable[[ProposedSpan], None] | None = None

    def add_bar(self, line: QWidget, side: QWidget | None = None) -> None:
        """Put ``line`` under the overlay switches, above the plot, and ``side`` under the
        plot's list of signals (where it takes no height from the curves)."""
        self.layout_.insertWidget(1, line)
        if side is not None:
            self._side = side
            if self.plot is not None:
                self.plot.add_side(side)

    def set_proposals(self, proposals: list[ProposedSpan]) -> None:
        """Proposed spans for the plot (shown until others are set)."""
        self._proposals = list(proposals)
        if self.plot is not None:
            self.plot.set_proposals(self._proposals)

    def _proposal_edited(self, span: ProposedSpan) -> None:
        if self.on_proposal_edit is not None:
            self.on_proposal_edit(span)

    def _toggle(self, key: str, on: bool) -> None:
        self.overlay.parts[key] = on
        self.overlay_changed.emit()

    def _media(self) -> tuple[Path, str] | None:
        """The file and fingerprint of the video under review, when it is shown."""
        media = self.review.media
        if media.playable and media.path is not None and media.fingerprint:
            return media.path, media.fingerprint
        return None

    def show_video(self, segments: list[Segment], frame_count: int) -> None:
        """Load the cached landmarks of the video under review (if any; those of an earlier
        version until it is extracted again) into the overlay and the plot, with its
        ``segments`` over ``frame_count`` frames."""
        self._segments, self._frame_count = segments, frame_count
        fingerprint = self.review.media.fingerprint
        track = (load_cached(fingerprint) or load_outdated(fingerprint)) if fingerprint else None
        self._show_track(track, segments, frame_count)

    def set_segments(self, segments: list[Segment]) -> None:
        """New segment spans for the plot (the landmarks and signals stay)."""
        self._segments = segments
        if self.plot is not None:
            self.plot.set_segments(segments)

    def set_tiers(self, tiers: list[Tier]) -> None:
        """The project's tiers (the plot draws the spans of reference tiers as bands)."""
        self._tiers = list(tiers)
        if self.plot is not None:
            self.plot.set_tiers(self._tiers)

    def _show_track(self, track: LandmarkTrack | None, segments: list[Segment],
                    frame_count: int) -> None:
        from emosign_desktop.landmarks.signals import compute_signals

        self.overlay.track = track
        self.overlay_changed.emit()
        media = self._media()
        outdated = track is not None and track.outdated
        self.extract_button.setVisible((track is None or outdated) and media is not None)
        self.extract_button.setText(EXTRACT_AGAIN_TEXT if outdated else EXTRACT_TEXT)
        running = self._job is not None and media is not None \
            and self._job.fingerprint == media[1]
        if running and (track is None or outdated):
            self._say("Extracting landmarks…")
        elif track is None:
            self._say("No landmarks yet for this video." if media else "No media.")
        elif outdated:
            self._say(OUTDATED_TEXT[0].upper() + OUTDATED_TEXT[1:] + ".")
        else:
            self._say(f"Landmarks: face in {int(track.present('face').sum())} of "
                      f"{track.frame_count} frames")
        if self.plot is None:
            from emosign_desktop.ui.plots.signal_plot import SignalPlotWidget

            self.plot = SignalPlotWidget(self.review.playhead)
            self.plot.on_proposal_edit = self._proposal_edited
            self.plot.set_proposals(self._proposals)
            self.plot.set_tiers(self._tiers)
            if self._side is not None:
                self.plot.add_side(self._side)
            self.layout_.addWidget(self.plot, 1)
        self.plot.set_data(compute_signals(track) if track else {}, segments, frame_count)

    def extract(self) -> None:
        """Extract this video's landmarks in a background thread.  A progress dialog shows
        at once (busy while MediaPipe loads), then frames done of all, frames per second
        and the time left; *Stop* keeps what was done, and extracting again resumes there."""
        media = self._media()
        if media is None or self._job is not None:
            return
        path, fingerprint = media
        if self.progress_dialog is not None:
            self.progress_dialog.deleteLater()
        dialog = QProgressDialog(self)
        dialog.setWindowTitle("Extracting landmarks")
        dialog.setLabelText(f"Loading MediaPipe to find face, hands and body in {path.name}…")
        bar = QProgressBar()
        bar.setFormat("%v of %m frames")
        bar.setAccessibleName("Frames done")
        dialog.setBar(bar)
        dialog.setCancelButtonText("&Stop")
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setRange(0, 0)  # busy until the first frame is done
        dialog.setMinimumWidth(dialog.fontMetrics().horizontalAdvance("x") * 60)
        self.progress_dialog = dialog
        job = _Extraction(path, fingerprint)
        self._job = job
        self._first_frame = None
        job.progressed.connect(self._on_progress)
        job.failed.connect(self._on_failed)
        job.finished.connect(self._on_finished)
        dialog.canceled.connect(self.stop)
        self.extract_button.setEnabled(False)
        self._say("Extracting landmarks…")
        dialog.show()
        job.start()

    def stop(self) -> None:
        """Stop the extraction after the frame it is on (what was done is kept)."""
        if self._job is not None and not self._job.cancelled:
            self._job.cancelled = True
            self._say("Stopping after this frame…")

    def _on_progress(self, done: int, total: int, at: float) -> None:
        dialog, job = self.progress_dialog, self._job
        if dialog is None or job is None or job.cancelled:
            return  # a stopped dialog stays closed
        if self._first_frame is None:
            self._first_frame = (done, at)
        if dialog.maximum() != total:
            dialog.setRange(0, total)
        dialog.setValue(done)
        text = rate_text(done, total, self._first_frame, at)
        if self._first_frame[0] > 1:
            text += f"\n(resumed from frame {self._first_frame[0] - 1:,})"
        dialog.setLabelText(text)

    def _on_failed(self, message: str) -> None:
        self._say(f"Landmark extraction failed: {message}")

    def _on_finished(self) -> None:
        job, self._job = self._job, None
        if job is not None:
            job.wait()  # its run() has returned: let the thread end before it is let go
        dialog = self.progress_dialog
        if dialog is not None:
            dialog.canceled.disconnect(self.stop)  # closing a progress dialog "cancels" it
            dialog.hide()
        self.extract_button.setEnabled(True)
        media = self._media()
        if job is None or media is None or media[1] != job.fingerprint:
            return  # another video is shown now; its landmarks show when it is chosen
        if job.stopped_at is not None:
            done, total = job.stopped_at
            self._say(f"Stopped at frame {done:,} of {total:,}; extracting again resumes "
                      "from there.")
        elif job.track is not None:
            self._show_track(job.track, self._segments, self._frame_count)
            self.landmarks_ready.emit(job.fingerprint)

    def _say(self, text: str) -> None:
        """One line in the status label (the whole text in its tooltip)."""
        self.status.setToolTip(text)
        limit = 140
        self.status.setText(text if len(text) <= limit else text[:limit - 1] + "…")
