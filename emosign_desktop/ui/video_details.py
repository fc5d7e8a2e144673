"""Details of the current video: the player (with regions drawn over it) and every
annotator's labels and segments below it.  Follows the workspace's review session: another
video (or other media of it) loads the player; an operation that changed this video's labels
or segments refreshes the review tabs only.

What shows the current video receives the review session (the player, the segment rows, the
landmarks tab and its plot); what acts on it from outside (the cue proposals, the window's
keys) goes through this panel's methods, never through its children."""

from __future__ import annotations

import html
from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
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
from emosign_desktop.core.model import (
    AnnotatorId,
    PredictedCue,
    Segment,
    SegmentId,
    TierId,
)
from emosign_desktop.core.schema import LabelSchema
from emosign_desktop.services.activity import duration_text
from emosign_desktop.services.queries import VideoReview
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui import actions
from emosign_desktop.ui.fitting import shrinkable
from emosign_desktop.ui.landmarks_panel import LandmarksPanel
from emosign_desktop.ui.player.player_widget import PlayerWidget
from emosign_desktop.ui.player.region_overlay import RegionOverlay
from emosign_desktop.ui.proposed_span import ProposedSpan
from emosign_desktop.ui.read_back import show_stored
from emosign_desktop.ui.review.models_tab import ModelsTab
from emosign_desktop.ui.review.segment_rows import SegmentRow, SegmentRowsWidget
from emosign_desktop.ui.review.side_by_side import SideBySideTable
from emosign_desktop.ui.writing import write


class VideoDetailsPanel(QWidget):
    """The player for the current video, and each annotator's labels for it.

    ``landmarks_ready`` carries the fingerprint of a video whose landmarks were just
    extracted; ``region_drawn`` a rectangle drawn on the video (x, y, w, h in 0..1);
    ``proposal_edited`` / ``proposal_clicked`` a proposed span dragged / clicked."""

    landmarks_ready = Signal(str)
    region_drawn = Signal(float, float, float, float)
    proposal_edited = Signal(object)
    proposal_clicked = Signal(object)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.review = workspace.review
        self.player = PlayerWidget(self.review)
        self.player.view.region_drawn.connect(self.region_drawn)
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
        self.segment_rows = SegmentRowsWidget(self.review.playhead)
        self.segment_rows.on_edit = self._on_segment_dragged
        self.segment_rows.on_proposal_edit = self.proposal_edited.emit
        self.segment_rows.on_proposal_click = self.proposal_clicked.emit
        self.tabs = QTabWidget()
        self.tabs.addTab(self.text, "Summar&y")
        self.tabs.addTab(self.side_by_side.page, "Side &by side")  # (a note, the table)
        self.tabs.addTab(self.segment_rows, "Se&gments")
        self.landmarks = LandmarksPanel(self.review)
        self.player.view.overlays.append(self.landmarks.overlay)
        self.landmarks.overlay_changed.connect(self.player.view.update)
        self.landmarks.landmarks_ready.connect(self.landmarks_ready)
        self.landmarks.on_proposal_edit = self.proposal_edited.emit
        self.tabs.addTab(self.landmarks, "Landmar&ks && signals")
        self.models = ModelsTab(workspace)
        self.tabs.addTab(self.models, "M&odels")
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
        self._seen: tuple[object, object] | None = None  # (video id, what may be shown)
        # the review last read (all of it), and the time on task then: an edit of labels
        # alone reads only the labels again
        self._review: VideoReview | None = None
        self._times: dict[str, float] = {}
        self.review.media_changed.connect(self.show_current)  # another video, or relinked
        workspace.on_annotator(self.refresh)
        workspace.on_changes(self._on_changes)
        self.relink_button.clicked.connect(lambda: actions.relink_video_file(self, workspace))
        self.accept_button.clicked.connect(lambda: actions.accept_changed_file(self, workspace))

    # -- following the workspace ----------------------------------------------------------------
    def show_current(self) -> None:
        """Show the media state and the labels of the video under review (the player
        follows the review session itself)."""
        video = self.review.video if self.workspace.has_project else None
        if video is None:
            self.message.setText("Select a video in the list.")
            self.message.show()
            self.media_actions.hide()
            self.text.clear()
            self.side_by_side.setRowCount(0)
            self.segment_rows.set_rows([], 1)
            self.regions.segments = []
            self.landmarks.show_video([], 1)
            return
        self._show_media()
        review = self.workspace.queries.review(video)
        self.landmarks.show_video(list(review.segments), review.frame_count)
        self.refresh()

    def _show_media(self) -> None:
        """Say what the review session found of the video's file: a file that is not the
        one the labels were made on is refused (the player says so), and the panel says why
        and offers to relink or accept it."""
        media = self.review.media
        self.media_actions.setVisible(media.relinkable)
        self.accept_button.setVisible(media.changed)
        self.media_actions.setEnabled(self.workspace.read_only is None)  # (they write)
        if media.playable and self.player.error is None:
            self.message.hide()
            return
        if media.changed:
            self.message.setText(
                f"{media.reason}. The labels are kept; the player does not show this file "
                "until you relink the video's own file or accept this one as its new "
                "content (File ▸ Relink Video File…, File ▸ Accept Changed Video File…).")
        elif media.refused:  # a file that cannot be read as a video
            self.message.setText(f"{media.reason}.")
        else:  # none linked, missing, or it could not be opened
            self.message.setText(self.player.error or media.reason)
        self.message.show()

    def _on_changes(self, changes: Changes) -> None:
        video = self.workspace.video
        if video is None or not self.workspace.has_project:
            if changes.project:
                self.show_current()
            return
        everything = changes.project or changes.tiers or changes.annotators or changes.videos
        labels = everything or any(v == video.id for v, _ in changes.annotations)
        segments = everything or video.id in changes.segments_of or changes.predictions
        if labels or segments or changes.blind:  # (blind mode: what may be shown changed)
            self.refresh(labels=labels or changes.blind, segments=segments or changes.blind)

    def refresh(self, *, labels: bool = True, segments: bool = True) -> None:
        """Refresh what shows this video's labels (summary, side by side) and what shows its
        segments (summary, segment rows, regions, spans on the signal plot)."""
        video = self.workspace.video
        if video is None or not self.workspace.has_project:
            return
        queries = self.workspace.queries
        seen = self.workspace.visibility(video.id)
        if (video.id, seen) != self._seen:  # blind mode lifted (or set): show it all again
            labels = segments = True
            self._seen = (video.id, seen)
        held = self._review
        if segments or held is None or held.video != video:
            review = self._review = queries.review(video)
            self._times = queries.times_for_video(video.id)
        else:  # the labels alone changed: only they are read again
            review = self._review = queries.relabelled(held)
        if not seen.others:  # blind mode: only their own work until they finish the video
            review = review.only_of(self.workspace.annotator)
        times = self._times
        if not seen.others:
            times = {k: v for k, v in times.items() if k == self.workspace.annotator}
        self.text.setHtml(labels_html(queries.schema, review, times, seen.why))
        if labels:
            self.side_by_side.show_annotations(queries.schema, list(review.annotations),
                                               seen.why)
        self.segment_rows.set_note(seen.why)  # (blind mode: why the others' rows are not)
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
        self.landmarks.set_tiers(queries.tiers())  # reference tiers' spans: bands on the plot
        self.landmarks.set_segments(list(review.segments))

    def _on_segment_dragged(self, segment: Segment) -> None:
        if self.workspace.has_project:
            write(self, self.workspace,
                  lambda s: s.editing.update_segment(segment, "drag segment edge"),
                  initiator=self,  # refused: the rows show what is stored again
                  failed=lambda exc: show_stored(self.workspace, exc,
                                                 lambda: self.refresh(labels=False)))

    # -- what others ask of it (the window, the cue proposals) -----------------------------
    def set_region_mode(self, on: bool) -> None:
        """A drag on the video draws a region (``region_drawn``) while ``on``."""
        self.player.view.set_region_mode(on)

    def add_keyed_actions(self, keyed: list[QAction]) -> None:
        """Actions whose single keys act where the player, the segment rows or the landmarks
        tab has the focus (like I, O and R), and on the tab header while the Segments or
        Landmarks tab is the current one."""
        for widget in (self.player, self.segment_rows, self.landmarks):
            widget.addActions(keyed)
        bar = self.tabs.tabBar()

        def follow(index: int) -> None:
            page = self.tabs.widget(index)
            keys_here = page is not None and any(
                page is w or page.isAncestorOf(w) for w in (self.segment_rows, self.landmarks))
            for action in keyed:
                bar.removeAction(action)
            if keys_here:
                bar.addActions(keyed)

        self.tabs.currentChanged.connect(follow)
        follow(self.tabs.currentIndex())

    def add_proposal_bar(self, line: QWidget, side: QWidget) -> None:
        """The proposals' status ``line`` above the signal plot, their buttons at its
        ``side``."""
        self.landmarks.add_bar(line, side)

    def show_proposals(self, spans: list[ProposedSpan], description: str) -> None:
        """Proposed cue spans on the segment rows and the signal plot (``description``: what
        the rows say of them to a screen reader)."""
        self.segment_rows.set_proposals(spans)
        self.landmarks.set_proposals(spans)
        self.segment_rows.setAccessibleDescription(description)


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
