"""The project's video list: metadata, media state and each annotator's label status."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from emosign_desktop.core.model import AnnotationStatus
from emosign_desktop.services.summary import VideoRow

_FIXED = ("Video", "Duration", "Frames", "FPS", "Size", "Codec", "Media")
_STATUS_TEXT = {
    AnnotationStatus.NOT_STARTED: "not started",
    AnnotationStatus.IN_PROGRESS: "in progress",
    AnnotationStatus.DONE: "done",
    AnnotationStatus.SKIPPED: "skipped",
}
Index = QModelIndex | QPersistentModelIndex


class VideoListModel(QAbstractTableModel):
    """Rows are :class:`VideoRow` values; one status column per annotator."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[VideoRow] = []
        self._annotators: list[str] = []

    def set_rows(self, rows: list[VideoRow], annotators: list[str]) -> None:
        self.beginResetModel()
        self._rows = rows
        self._annotators = annotators
        self.endResetModel()

    def update_rows(self, rows: list[VideoRow], annotators: list[str]) -> bool:
        """Replace the rows in place (selection kept) when the videos and annotators are
        the same; returns False when a full reset is needed instead."""
        if annotators != self._annotators or [r.video.id for r in rows] != [
                r.video.id for r in self._rows]:
            return False
        self._rows = rows
        if rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(rows) - 1, self.columnCount() - 1))
        return True

    def set_status(self, video_id: int, annotator: str, status: AnnotationStatus) -> None:
        """Change one video's status for one annotator (one row repainted)."""
        if annotator not in self._annotators:
            return
        for i, row in enumerate(self._rows):
            if row.video.id == video_id:
                row.status[annotator] = status
                col = len(_FIXED) + self._annotators.index(annotator)
                self.dataChanged.emit(self.index(i, col), self.index(i, col))
                return

    def rows(self) -> list[VideoRow]:
        return list(self._rows)

    def annotators(self) -> list[str]:
        """The annotators that have a status column."""
        return list(self._annotators)

    def row(self, index: int) -> VideoRow:
        return self._rows[index]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_FIXED) + len(self._annotators)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section < len(_FIXED):
            return _FIXED[section]
        return self._annotators[section - len(_FIXED)]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, col)
        if role == Qt.ItemDataRole.UserRole:  # sort key
            return self._sort_key(row, col)
        if role == Qt.ItemDataRole.ToolTipRole and col == 6 and row.video.media_path:
            return row.video.media_path
        if role == Qt.ItemDataRole.TextAlignmentRole and 1 <= col <= 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, row: VideoRow, col: int) -> str:
        v, m = row.video, row.video.media
        if col == 0:
            return v.name
        if col == 6:
            if not v.media_path:
                return "not linked"
            return "found" if row.media_found else "MISSING"
        if col >= len(_FIXED):
            status = row.status.get(self._annotators[col - len(_FIXED)])
            return _STATUS_TEXT[status] if status else "not started"
        if m is None:
            return ""
        return {
            1: f"{m.duration:.2f} s",
            2: str(m.frame_count),
            3: f"{m.fps:.3f}".rstrip("0").rstrip("."),
            4: f"{m.width}×{m.height}",
            5: m.codec,
        }[col]

    def _sort_key(self, row: VideoRow, col: int) -> object:
        m = row.video.media
        if m is not None and 1 <= col <= 4:
            return (m.duration, m.frame_count, m.fps, m.width * m.height)[col - 1]
        return self._text(row, col).lower()


class VideoFilterModel(QSortFilterProxyModel):
    """Filters on the video name; sorts numbers as numbers."""

    def __init__(self) -> None:
        super().__init__()
        self.setFilterKeyColumn(0)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setSortRole(Qt.ItemDataRole.UserRole)
