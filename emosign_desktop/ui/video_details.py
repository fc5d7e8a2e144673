"""Details of the current video: the player (with regions drawn over it) and every
annotator's labels and segments below it.  Follows the workspace: another video loads the
player; an operation that changed this video's labels or segments refreshes the review tabs
only."""

from __future__ import annotations

import html
from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from emosign_desktop.core.changes import Changes
from emosign_desktop.core.media_check import MediaState
from emosign_desktop.core.model import (
    AnnotatorId,
    PredictedCue,
    Segment,
    SegmentId,
    TierId,
    Video,
)
from emosign_desktop.core.schema import LabelSchema
from emosign_desktop.services.activity import duration_text, times_for_video
from emosign_desktop.services.media_check import check_video
from emosign_desktop.services.queries import VideoReview
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui import actions
from emosign_desktop.ui.fitting import shrinkable
from emosign_desktop.ui.landmarks_panel import LandmarksPanel
from emosign_desktop.ui.player.player_widget import PlayerWidget
from emosign_desktop.ui.player.region_overlay import RegionOverlay
from emosign_desktop.ui.review.models_tab import ModelsTab
from emosign_desktop.ui.review.segment_rows import SegmentRow, SegmentRowsWidget
from emosign_desktop.ui.review.side_by_side import SideBySideTable


class VideoDetailsPanel(QWidget):
    """The player for the current video, and each annotator's labels for it."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.player = PlayerWidget()
        self.regions = RegionOverlay()
        self.player.view.overlays.append(self.regions)
        self.message = QLabel("Select a video in the list.")
        self.message.setAccessibleName("Media status")
        shrinkable(self.message)
        self.media_actions = QWidget()  # shown when the file is not the one labelled
        self.relink_button = QPushButton("Relink Video File…")
        self.relink_button.setToolTip("Choose this video's own file (moved or renamed)")
        self.accept_button = QPushButton("Accept New Content…")
        self.accept_button.setToolTip("This file is the same recording (re-encoded): take "
                                      "it as the video's content")
        row = QHBoxLayout(self.media_actions)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.relink_button)
        row.addWidget(self.accept_button)
        row.addStretch(1)
        self.media_actions.hide()
        self.text = QTextBrowser()
        self.text.setAccessibleName("Labels, cues and segments of the selected video")
        self.text.setOpenLinks(False)
        self.text.setTabChangesFocus(True)
        self.side_by_side = SideBySideTable()
        self.segment_rows = SegmentRowsWidget(self.player.playhead)
        self.segment_rows.on_edit = self._on_segment_dragged
        self.tabs = QTabWidget()
        self.tabs.addTab(self.text, "&Summary")
        self.tabs.addTab(self.side_by_side, "Side &by side")
        self.tabs.addTab(self.segment_rows, "Se&gments")
        self.landmarks = LandmarksPanel(self.player)
        self.tabs.addTab(self.landmarks, "Landmarks && s&ignals")
        self.models = ModelsTab(workspace)
        self.tabs.addTab(self.models, "&Models")
        top = QWidget()
        box = QVBoxLayout(top)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.message)
        box.addWidget(self.media_actions)
        box.addWidget(self.player, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 1)
        self.tabs.setMinimumHeight(220)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        # (video id, media path, fingerprint) loaded
        self._media: tuple[int, str | None, str | None] | None = None
        self.refreshes = 0  # review refreshes (tests count them)
        self._seen: tuple[object, object] | None = None  # (video id, what may be shown)
        workspace.on_video(self.show_current)
        workspace.on_annotator(self.refresh)
        workspace.on_changes(self._on_changes)
        self.relink_button.clicked.connect(lambda: actions.relink_video_file(self, workspace))
        self.accept_button.clicked.connect(lambda: actions.accept_changed_file(self, workspace))

    # -- following the workspace ----------------------------------------------------------------
    def show_current(self) -> None:
        """Load the current video in the player and show its labels."""
        video = self.workspace.video if self.workspace.has_project else None
        if video is None:
            self._media = None
            self.player.close_media()
            self.message.setText("Select a video in the list.")
            self.message.show()
            self.media_actions.hide()
            self.text.clear()
            self.side_by_side.setRowCount(0)
            self.segment_rows.set_rows([], 1)
            self.regions.segments = []
            self.landmarks.show_video(None, None, [], 1)
            return
        playable = self._load_media(video)
        review = self.workspace.queries.review(video)
        self.landmarks.show_video(review.media if playable else None, video.fingerprint,
                                  list(review.segments), review.frame_count)
        self.refresh()

    def _load_media(self, video: Video) -> bool:
        """Check the video's file, then show it; a file that is not the one the labels were
        made on is refused, and the panel says why and offers to relink or accept it."""
        self._media = (video.id, video.media_path, video.fingerprint)
        queries = self.workspace.queries
        check = check_video(queries.session, video)
        path = queries.media_file(video) if check.playable else None
        self.media_actions.setVisible(check.state in (MediaState.CHANGED,
                                                      MediaState.MISSING))
        self.accept_button.setVisible(check.changed)
        self.media_actions.setEnabled(self.workspace.read_only is None)  # (they write)
        if check.changed or check.state is MediaState.UNREADABLE:
            self.player.refuse(f"Not shown: {check.reason}.")
            self.message.setText(
                f"{check.reason}. The labels are kept; the player does not show this file "
                "until you relink the video's own file or accept this one as its new "
                "content (File ▸ Relink Video File…, File ▸ Accept Changed Video File…)."
                if check.changed else f"{check.reason}.")
            self.message.show()
        elif path is None:
            self.player.close_media()
            self.message.setText(
                "No media linked to this video." if check.state is MediaState.NOT_LINKED
                else check.reason)
            self.message.show()
        elif self.player.open(path, video.fingerprint):
            self.message.hide()
            return True
        else:
            self.message.setText(self.player.error or "")
            self.message.show()
        return False

    def _on_changes(self, changes: Changes) -> None:
        video = self.workspace.video
        if video is None or not self.workspace.has_project:
            if changes.project:
                self.show_current()
            return
        if self._media != (video.id, video.media_path, video.fingerprint):  # relinked...
            self.show_current()
            return
        everything = changes.project or changes.tiers or changes.annotators
        labels = everything or any(v == video.id for v, _ in changes.annotations)
        segments = everything or video.id in changes.segments_of or changes.predictions
        if labels or segments:
            self.refresh(labels=labels, segments=segments)

    def refresh(self, *, labels: bool = True, segments: bool = True) -> None:
        """Refresh what shows this video's labels (summary, side by side) and what shows its
        segments (summary, segment rows, regions, spans on the signal plot)."""
        video = self.workspace.video
        if video is None or not self.workspace.has_project:
            return
        self.refreshes += 1
        queries = self.workspace.queries
        review = queries.review(video)
        seen = self.workspace.visibility(video.id)
        if (video.id, seen) != self._seen:  # blind mode lifted (or set): show it all again
            labels = segments = True
            self._seen = (video.id, seen)
        if not seen.others:  # blind mode: only their own work until they finish the video
            review = review.only_of(self.workspace.annotator)
        times = times_for_video(queries.session, video.id)
        if not seen.others:
            times = {k: v for k, v in times.items() if k == self.workspace.annotator}
        self.text.setHtml(labels_html(queries.schema, review, times, seen.why))
        if labels:
            self.side_by_side.show_annotations(queries.schema, list(review.annotations))
        if not segments:
            return
        rows = [SegmentRow(r.title, r.segments, r.annotator, r.tier) for r in review.rows]
        if seen.predictions:
            rows += predicted_rows(queries.predicted_cues(video.id))
        self.segment_rows.set_rows(rows, review.frame_count)
        who = queries.annotator_id(self.workspace.annotator) if self.workspace.annotator \
            else None
        self.segment_rows.editable = {s.id for s in review.segments
                                      if who is not None and s.annotator_id == who}
        self.regions.segments = list(review.segments)
        self.regions.names = queries.annotator_names()
        self.player.view.update()
        self.landmarks.set_segments(list(review.segments), review.frame_count)

    def _on_segment_dragged(self, segment: Segment) -> None:
        if self.workspace.has_project:
            self.workspace.editing.update_segment(segment, "drag segment edge")


def predicted_rows(cues: list[PredictedCue]) -> list[SegmentRow]:
    """Models' predicted cue segments as rows under the annotators' (never editable)."""
    runs: dict[tuple[str, str], list[Segment]] = {}
    for c in cues:
        runs.setdefault((c.model, c.input_setting), []).append(Segment(
            SegmentId(-c.id), c.video_id, AnnotatorId(0), TierId(0), c.start_frame,
            c.end_frame, c.label, "", c.region))
    return [SegmentRow(f"{model} · {setting} (predicted)", tuple(segs))
            for (model, setting), segs in runs.items()]


def labels_html(schema: LabelSchema, review: VideoReview,
                times: Mapping[str, float] | None = None, hidden: str = "") -> str:
    """The Summary tab: each annotator's labels, cues and time on task, then the segments
    (``hidden``: what blind mode keeps back, said in words)."""
    parts = [f"<h3>{html.escape(review.video.name)}</h3>"]
    if hidden:
        parts.append(f"<p><i>{html.escape(hidden)}</i></p>")
    if not review.annotations:
        parts.append("<p>No annotations yet.</p>")
    times = dict(times or {})
    for who, ann in review.annotations:
        spent = times.pop(who.name, None)
        parts.append(f"<p><b>{html.escape(who.name)}</b> — {ann.status(schema).value}"
                     + (f" — active {duration_text(spent)}" if spent else "") + "<br>")
        if ann.sentiment is not None:
            parts.append(f"Sentiment {ann.sentiment:+d} "
                         f"({schema.sentiment.word(ann.sentiment)})<br>")
        present = [f"{schema.display_name(k)} {ann.emotions[k]}"
                   for k in schema.emotion_keys if ann.emotions.get(k)]
        if ann.emotions:
            parts.append("Emotions: " + (", ".join(present) or "none present") + "<br>")
        if ann.cues:
            parts.append(f"Cues: <i>{html.escape(ann.cues)}</i><br>")
        if ann.skipped:
            parts.append(f"Skipped: {html.escape(ann.skip_reason)}<br>")
        parts.append("</p>")
    for name, spent in sorted(times.items()):  # time on the video, no labels yet
        parts.append(f"<p><b>{html.escape(name)}</b> — active {duration_text(spent)}</p>")
    if review.segments:
        parts.append("<p><b>Segments</b><br>")
        for s in review.segments:
            where = " (region)" if s.region else ""
            parts.append(f"{html.escape(review.tier_names.get(s.tier_id, '?'))}: frames "
                         f"{s.start_frame}–{s.end_frame} {html.escape(s.value)}{where}<br>")
        parts.append("</p>")
    return "".join(parts)
