"""The project's video list: metadata, media state and each annotator's label status; the
filter above it and the progress summary below.  The list shows the workspace's current
video and makes the one chosen current; it refreshes itself from the workspace's changes
(only the statuses that changed, unless videos or annotators did)."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget

from emosign_desktop.core.changes import Changes
from emosign_desktop.core.model import AnnotationStatus, VideoId
from emosign_desktop.services.summary import VideoRow
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui.fitting import shrinkable

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
        media = row.video.media
        if role == Qt.ItemDataRole.ToolTipRole and col in (2, 6) and media is not None \
                and media.is_truncated:
            return (f"only {media.frame_count} of the {media.declared_frames} frames its "
                    "container declares can be decoded; the first ones are used")
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
            if not row.media_found:
                return "MISSING"
            return "found, cut short" if m is not None and m.is_truncated else "found"
        if col >= len(_FIXED):
            status = row.status.get(self._annotators[col - len(_FIXED)])
            return _STATUS_TEXT[status] if status else "not started"
        if m is None:
            return ""
        return {
            1: f"{m.duration:.2f} s",
            2: (f"{m.frame_count} of {m.declared_frames}" if m.is_truncated
                else str(m.frame_count)),
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


class VideoListPanel(QWidget):
    """Filter, table and summary; follows and sets the workspace's current video."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.model = VideoListModel()
        self.proxy = VideoFilterModel()
        self.proxy.setSourceModel(self.model)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter videos by name (Ctrl+F)")
        self.filter.setAccessibleName("Filter videos by name")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Videos of the project")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list; arrows move in it
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.summary = QLabel()
        self.summary.setAccessibleName("Project summary")
        shrinkable(self.summary)
        box = QVBoxLayout(self)
        box.addWidget(self.filter)
        box.addWidget(self.table)
        box.addWidget(self.summary)
        self.refreshes = 0  # full reloads (tests count them)
        self._resetting = False
        workspace.on_changes(self._on_changes)
        workspace.on_video(self._show_current)
        workspace.on_annotator(self._update_summary)
        self.refresh()

    # -- following the workspace ----------------------------------------------------------------
    def refresh(self) -> None:
        """Reload every row (in place when the videos and annotators are the same)."""
        self.refreshes += 1
        ws = self.workspace
        if not ws.has_project:
            self.model.set_rows([], [])
            self.summary.setText("No project open: File ▸ Open Project (Ctrl+O).")
            return
        queries = ws.queries
        rows = queries.video_rows()
        names = [a.name for a in queries.annotators()]
        if not self.model.update_rows(rows, names):
            self._resetting = True
            try:
                self.model.set_rows(rows, names)
            finally:
                self._resetting = False
            self.table.resizeColumnsToContents()
        self._update_summary()
        self._show_current()

    def _on_changes(self, changes: Changes) -> None:
        if changes.project or changes.videos or changes.annotators:
            self.refresh()
            return
        if changes.annotations:
            for (video_id, name), status in self.workspace.queries.statuses(
                    changes.annotations).items():
                self.model.set_status(video_id, name, status)
            self._update_summary()

    def _update_summary(self) -> None:
        rows = self.model.rows()
        parts = [f"{len(rows)} videos"]
        who = self.workspace.annotator
        if who:
            done = sum(1 for r in rows if r.status.get(who) is AnnotationStatus.DONE)
            parts.append(f"you ({who}): {done} of {len(rows)} done")
        for n in self.model.annotators():
            if n != who:
                done = sum(1 for r in rows if r.status.get(n) is AnnotationStatus.DONE)
                parts.append(f"{n}: {done} of {len(rows)} done")
        self.summary.setText(" · ".join(parts))

    def _show_current(self) -> None:
        video = self.workspace.video
        current = self.selected_id()
        if video is None or video.id == current:
            return
        for row in range(self.proxy.rowCount()):
            source = self.proxy.mapToSource(self.proxy.index(row, 0)).row()
            if self.model.row(source).video.id == video.id:
                self.table.selectRow(row)
                return

    # -- choosing -------------------------------------------------------------------------------
    def selected_id(self) -> VideoId | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row(self.proxy.mapToSource(rows[0]).row()).video.id

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        if self._resetting:
            return
        rows = self.table.selectionModel().selectedRows()
        if not rows and self.workspace.video is not None and self.proxy.rowCount():
            self._show_current()  # keys (Ctrl+arrows, Ctrl+Space) never leave no video
            return
        video = self.model.row(self.proxy.mapToSource(rows[0]).row()).video if rows else None
        self.workspace.select(video)

    def select_name(self, name: str) -> bool:
        """Make the video called ``name`` current (the filter is cleared)."""
        self.filter.clear()
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data() == name:
                self.table.selectRow(row)
                return True
        return False

    def select_next(self) -> bool:
        """The next video in the list's order; False at the end."""
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() + 1 if rows else 0
        if row < self.proxy.rowCount():
            self.table.selectRow(row)
            return True
        return False
