"""Details of the selected video: the player and every annotator's labels."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QTabWidget, QTextBrowser, QVBoxLayout, QWidget

from emosign_desktop.core.model import Video
from emosign_desktop.services.videos import media_file
from emosign_desktop.storage.project import Project
from emosign_desktop.ui.landmarks_panel import LandmarksPanel
from emosign_desktop.ui.player.player_widget import PlayerWidget
from emosign_desktop.ui.review.segment_rows import SegmentRow, SegmentRowsWidget
from emosign_desktop.ui.review.side_by_side import SideBySideTable


class VideoDetailsPanel(QWidget):
    """The player for the selected video, and each annotator's labels for it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.player = PlayerWidget()
        self.message = QLabel("Select a video in the list.")
        self.message.setAccessibleName("Media status")
        self.message.setWordWrap(True)
        self.text = QTextBrowser()
        self.text.setAccessibleName("Labels, cues and segments of the selected video")
        self.text.setOpenLinks(False)
        self.side_by_side = SideBySideTable()
        self.segment_rows = SegmentRowsWidget(self.player.playhead)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.text, "&Summary")
        self.tabs.addTab(self.side_by_side, "Side &by side")
        self.tabs.addTab(self.segment_rows, "Se&gments")
        self.landmarks = LandmarksPanel(self.player)
        self.tabs.addTab(self.landmarks, "Landmarks && s&ignals")
        top = QWidget()
        box = QVBoxLayout(top)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.message)
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

    def show_video(self, project: Project, video: Video | None) -> None:
        """Load ``video`` in the player and list its labels (None clears the panel)."""
        if video is None:
            self.player.close_media()
            self.message.setText("Select a video in the list.")
            self.message.show()
            self.text.clear()
            self.side_by_side.setRowCount(0)
            self.segment_rows.set_rows([], 1)
            self.landmarks.show_video(None, None, [], 1)
            return
        path = media_file(project.folder, video)
        if path is None:
            self.player.close_media()
            self.message.setText(
                "No media linked to this video." if not video.media_path
                else f"Media file missing: {video.media_path}")
            self.message.show()
        elif self.player.open(path, video.fingerprint):
            self.message.hide()
        else:
            self.message.setText(self.player.error or "")
            self.message.show()
        self.show_review(project, video)

    def show_review(self, project: Project, video: Video) -> None:
        """Refresh the summary, side-by-side, segment rows and landmarks tabs."""
        self.text.setHtml(self._labels_html(project, video))
        repo = project.repo
        people = {a.id: a for a in repo.annotators()}
        anns = repo.annotations(video_id=video.id)
        self.side_by_side.show_annotations(project.schema,
                                           [(people[a.annotator_id], a) for a in anns])
        tiers = repo.tiers()
        segments = repo.segments(video_id=video.id)
        rows = []
        for who in sorted({s.annotator_id for s in segments}, key=lambda i: people[i].name):
            for tier in tiers:
                mine = tuple(s for s in segments
                             if s.annotator_id == who and s.tier_id == tier.id)
                if mine:
                    rows.append(SegmentRow(f"{people[who].name} · {tier.name}", mine))
        frames = video.media.frame_count if video.media else 1 + max(
            (s.end_frame for s in segments), default=0)
        self.segment_rows.set_rows(rows, frames)
        path = media_file(project.folder, video)
        self.landmarks.show_video(path, video.fingerprint, segments, frames)

    @staticmethod
    def _labels_html(project: Project, video: Video) -> str:
        repo, schema = project.repo, project.schema
        names = {a.id: a.name for a in repo.annotators()}
        parts = [f"<h3>{html.escape(video.name)}</h3>"]
        anns = repo.annotations(video_id=video.id)
        if not anns:
            parts.append("<p>No annotations yet.</p>")
        for ann in anns:
            parts.append(f"<p><b>{html.escape(names[ann.annotator_id])}</b> — "
                         f"{ann.status(schema).value}<br>")
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
        segments = repo.segments(video_id=video.id)
        if segments:
            tiers = {t.id: t.name for t in repo.tiers()}
            parts.append("<p><b>Segments</b><br>")
            for s in segments:
                where = " (region)" if s.region else ""
                parts.append(f"{html.escape(tiers[s.tier_id])}: frames {s.start_frame}–"
                             f"{s.end_frame} {html.escape(s.value)}{where}<br>")
            parts.append("</p>")
        return "".join(parts)
