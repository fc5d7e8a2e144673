"""Landmarks drawn over the exact frame shown: face contours (or the full mesh), hands and
upper body, each part switchable.  When every part is off it is not called at all."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter, QPen

from emosign_desktop.landmarks.track import LandmarkTrack

PART_NAMES = {"face": "Face contours", "mesh": "Full face mesh", "hands": "Hands",
              "pose": "Upper body"}
COLOURS = {"face_brows": (255, 200, 0), "face_eyes": (0, 220, 255), "face_lips": (255, 80, 160),
           "face_oval": (180, 255, 120), "face_mesh": (200, 200, 200), "hand": (255, 140, 0),
           "pose": (80, 160, 255)}
FACE_CONTOURS = ("face_brows", "face_eyes", "face_lips", "face_oval")


class LandmarkOverlay:
    """Paints one video's landmarks for a given frame into the picture's rectangle."""

    def __init__(self) -> None:
        self.track: LandmarkTrack | None = None
        self.parts = {"face": True, "mesh": False, "hands": True, "pose": True}

    @property
    def active(self) -> bool:
        return self.track is not None and self.track.edges is not None and any(
            self.parts.values())

    def _segments(self, frame: int) -> list[tuple[str, NDArray[Any]]]:
        """(colour key, (k, 2, 2) line ends in 0..1 picture coordinates) to draw."""
        t = self.track
        assert t is not None and t.edges is not None
        out = []
        face = t.face[frame, :, :2]
        if not np.isnan(face[0, 0]):
            keys = list(FACE_CONTOURS) if self.parts["face"] else []
            if self.parts["mesh"]:
                keys = ["face_mesh", *keys]
            out += [(k, face[t.edges[k]]) for k in keys]
        if self.parts["hands"]:
            for hand in (t.left_hand[frame, :, :2], t.right_hand[frame, :, :2]):
                if not np.isnan(hand[0, 0]):
                    out.append(("hand", hand[t.edges["hand"]]))
        if self.parts["pose"]:
            pose = t.pose[frame]
            edges = t.edges["pose"]
            seen = (pose[edges[:, 0], 3] > 0.5) & (pose[edges[:, 1], 3] > 0.5)
            if not np.isnan(pose[0, 0]) and seen.any():
                out.append(("pose", pose[edges[seen]][:, :, :2]))
        return out

    def points_in(self, rect: QRectF, frame: int, part: str = "face_oval") -> NDArray[Any]:
        """Where the points of ``part``'s lines land in widget coordinates, (k, 2)."""
        for key, lines in self._segments(frame):
            if key == part:
                pts = lines.reshape(-1, 2)
                return np.column_stack([rect.x() + pts[:, 0] * rect.width(),
                                        rect.y() + pts[:, 1] * rect.height()])
        return np.empty((0, 2))

    def paint(self, painter: QPainter, rect: QRectF, frame: int) -> None:
        """Draw the switched-on parts for ``frame`` over the picture in ``rect``."""
        from pyqtgraph.functions import arrayToQPath  # numpy -> QPainterPath without a loop

        if self.track is None or not 0 <= frame < self.track.frame_count:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for key, lines in self._segments(frame):
            pts = lines.reshape(-1, 2).astype(np.float64)
            x = rect.x() + pts[:, 0] * rect.width()
            y = rect.y() + pts[:, 1] * rect.height()
            pen = QPen(QColor(*COLOURS[key]))
            pen.setWidthF(1.0 if key == "face_mesh" else 2.0)
            painter.setPen(pen)
            painter.drawPath(arrayToQPath(x, y, connect="pairs"))
