"""Details of the selected video: a picture from it and every annotator's labels."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy, QTextBrowser, QVBoxLayout, QWidget

from emosign_desktop.core.errors import MediaError
from emosign_desktop.core.model import Video
from emosign_desktop.media.poster import poster_frame
from emosign_desktop.services.videos import media_file
from emosign_desktop.storage.project import Project


class VideoDetailsPanel(QWidget):
    """Shows a poster frame, the media facts and each annotator's labels for one video."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.picture = QLabel("Select a video in the list.")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(320, 240)
        self.picture.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.picture.setAccessibleName("Video picture")
        self.text = QTextBrowser()
        self.text.setAccessibleName("Labels of the selected video")
        self.text.setOpenLinks(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picture, 3)
        layout.addWidget(self.text, 2)
        self._pixmap: QPixmap | None = None

    def show_video(self, project: Project, video: Video | None) -> None:
        """Fill the panel for ``video`` (None clears it)."""
        self._pixmap = None
        if video is None:
            self.picture.setText("Select a video in the list.")
            self.text.clear()
            return
        path = media_file(project.folder, video)
        if path is None:
            self.picture.setText(
                "No media linked to this video." if not video.media_path
                else f"Media file missing:\n{video.media_path}")
        else:
            try:
                rgb = poster_frame(path)
                h, w, _ = rgb.shape
                image = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
                self._pixmap = QPixmap.fromImage(image)
                self._fit()
            except MediaError as exc:
                self.picture.setText(str(exc))
        self.text.setHtml(self._labels_html(project, video))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if self._pixmap is not None:
            self.picture.setPixmap(self._pixmap.scaled(
                self.picture.size(), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))

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
