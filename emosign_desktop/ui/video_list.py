"""The project's video list: metadata, media state and each annotator's label status; the
filters above it and the progress summary below.  The list shows the workspace's current
video and makes the one chosen current; it refreshes itself from the workspace's changes
(only the statuses that changed, unless videos or annotators did).

The list reads the project a page at a time: how many videos it shows is counted in SQL, the
rows the view paints are read in pages of :data:`PAGE` (at most :data:`PAGES_HELD` pages are
held), and filtering (a part of the name, your label status) and sorting are done by the
query, never by reading every video into Python (an order other than the names' is read
once as a list of ids).  The summary's counts are aggregate queries over a part of the
project at a time, after the window is painted.  So opening a project and moving to the next
video cost the same for 35,000 videos as for 200.

Each row's media file is checked against the video's fingerprint when its page is read (a
``stat`` each; the files whose size or time changed are read on the checking thread, the row
saying "checking…" meanwhile), and after a project opens (or its videos change) every video
is checked, a part at a time, its files looked at on that thread
(:class:`~emosign_desktop.services.media_check.MediaScan`): a file that is not the one the
labels were made on shows CHANGED, and the summary counts them.  The rows, a page at a
time, are ``ui.video_list_model``'s."""

from __future__ import annotations

import dataclasses
import time

from PySide6.QtCore import QEvent, QItemSelection, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from emosign_desktop.core.changes import Changes
from emosign_desktop.core.listing import VideoQuery
from emosign_desktop.core.media_check import MediaCheck, MediaLink
from emosign_desktop.core.model import AnnotationStatus, VideoId
from emosign_desktop.services.summary import ListSummary, VideoRow
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui.appearance import appearance_changed
from emosign_desktop.ui.fitting import shrinkable
from emosign_desktop.ui.media_checker import MediaChecker
from emosign_desktop.ui.video_list_model import PAGE as PAGE
from emosign_desktop.ui.video_list_model import PAGES_HELD as PAGES_HELD
from emosign_desktop.ui.video_list_model import Moved, VideoListModel
from emosign_desktop.ui.video_marks import mark_size

#: The "Show" choices: which of your label statuses the list keeps (empty: every video).
SHOW: tuple[tuple[str, frozenset[AnnotationStatus]], ...] = (
    ("All videos", frozenset()),
    ("Not done by you", frozenset({AnnotationStatus.NOT_STARTED,
                                   AnnotationStatus.IN_PROGRESS})),
    ("Done by you", frozenset({AnnotationStatus.DONE})),
    ("Skipped by you", frozenset({AnnotationStatus.SKIPPED})),
)
#: The summary's counts are read for this many video ids at a time, a few parts per turn of
#: the event loop (for at most COUNT_SECONDS), so a large project opens without waiting for
#: them; an edit counts its part again.
COUNT_CHUNK = 500
COUNT_SECONDS = 0.008


class VideoListPanel(QWidget):
    """Filters, table and summary; follows and sets the workspace's current video."""

    _first_width = 0  # what the first column asks for (as fitted)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.model = VideoListModel(workspace)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter videos by name (Ctrl+F)")
        self.filter.setAccessibleName("Filter videos by name")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._on_filter)
        self.show_status = QComboBox()
        self.show_status.setAccessibleName("Show videos by your label status")
        for text, _statuses in SHOW:
            self.show_status.addItem(text)
        # as narrow as the dock is (the texts are elided), at any text size
        self.show_status.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.show_status.setMinimumContentsLength(6)
        self.show_status.currentIndexChanged.connect(self._on_filter)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Videos of the project")
        rows = self.table.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no row asks its height
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list; arrows move in it
        # titles too narrow for the text are elided (each whole in its tooltip)
        self.table.horizontalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.installEventFilter(self)
        self.table.viewport().installEventFilter(self)
        appearance_changed().connect(self._on_appearance)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.model.modelAboutToBeReset.connect(self._before_reset)
        self.model.modelReset.connect(self._after_reset)
        self.summary = QLabel()
        self.summary.setAccessibleName("Project summary")
        shrinkable(self.summary)
        box = QVBoxLayout(self)
        box.addWidget(self.filter)
        box.addWidget(self.show_status)
        box.addWidget(self.table)
        box.addWidget(self.summary)
        self._resetting = False
        self._columns: list[str] | None = None  # the annotators the widths were fitted for
        # the summary's counts, a part of the project at a time (see COUNT_CHUNK)
        self._videos = 0
        self._first_id = 0
        self._part_count = 0
        self._parts: dict[int, dict[str, int]] = {}  # part -> done videos of each annotator
        self._todo: list[int] = []  # parts still to count
        self._count_timer = QTimer(self)
        self._count_timer.setInterval(0)
        self._count_timer.timeout.connect(self._count_some)
        # every video's file checked, the files on a thread of their own
        self.checker = MediaChecker(workspace, self)
        self.checker.checked.connect(self._on_checked)
        self.checker.dropped.connect(self.model.stop_reading)
        self.model.read_files = self.checker.read
        workspace.on_changes(self._on_changes)
        workspace.on_video(self._show_current)
        workspace.on_annotator(self._on_annotator)
        self.refresh()
        self.checker.start()

    @property
    def proxy(self) -> VideoListModel:
        """The model the table shows, rows in the list's order (filtered and sorted by its
        query: there is no proxy model in between)."""
        return self.model

    # -- following the workspace ----------------------------------------------------------------
    def refresh(self) -> None:
        """Read the list again: count, columns, summary; the current video stays chosen."""
        ws = self.workspace
        self.model.reload(self._query())
        if not ws.has_project:
            self._count_timer.stop()
            self._todo, self._parts, self._videos, self._part_count = [], {}, 0, 0
            self.summary.setText("No project open: File ▸ Open Project (Ctrl+O).")
            return
        self._recount()

    # -- checking every video's file --------------------------------------------------------
    def _on_checked(self, checked: list[tuple[MediaLink, MediaCheck]]) -> None:
        changed = len(self.model.changed_files)
        self.model.note_checks(checked)
        if changed != len(self.model.changed_files) or not self.checker.busy():
            self._update_summary()

    def checking(self) -> bool:
        """True while the project's media files are still being checked."""
        return self.checker.busy()

    def _query(self) -> VideoQuery:
        _text, statuses = SHOW[max(self.show_status.currentIndex(), 0)]
        return dataclasses.replace(self.model.query, text=self.filter.text(),
                                   annotator=self.workspace.annotator, statuses=statuses)

    def _on_filter(self) -> None:
        query = self._query()
        if query != self.model.query and self.workspace.has_project:
            self.model.reload(query)
            self._update_summary()

    def _before_reset(self) -> None:
        self._resetting = True

    def _after_reset(self) -> None:
        self._resetting = False
        columns = self.model.annotators()
        if columns != self._columns and self.model.rowCount():
            self._columns = columns
            self._fit_columns()
        self._show_current()

    def _fit_columns(self) -> None:
        """Each column as wide as its title and its text in the first page of rows (Qt's
        resizeColumnsToContents would read every row of the list), in the text size of now;
        the first (the mark and the name) no wider than the list, so the mark and the start
        of the name are always in view (a longer name is elided, whole in the tooltip)."""
        model, header = self.model, self.table.horizontalHeader()
        self.table.setIconSize(mark_size(self.table.fontMetrics().height()))
        rows = [r for r in (model.find(i) for i in range(min(PAGE, model.rowCount())))
                if r is not None]
        for col in range(model.columnCount()):
            header.resizeSection(col, fitted_width(self.table, col, rows))
        self._first_width = header.sectionSize(0) if header.count() else 0
        self._fit_first()

    def _fit_first(self) -> None:
        """The first column no wider than the list's viewport (its mark stays in view), and
        narrower still, down to the mark and about eight characters of the name, so that the
        second column (the duration) is in view too when the list is narrow."""
        header = self.table.horizontalHeader()
        room = self.table.viewport().width()
        if header.count() and room > 0 and self._first_width:
            second = header.sectionSize(1) if header.count() > 1 else 0
            least = self.table.iconSize().width() + 8 * self.table.fontMetrics().averageCharWidth()
            header.resizeSection(0, min(self._first_width, room, max(room - second, least)))

    def _on_appearance(self) -> None:
        """Another text size or contrast: the columns fit their titles and text again."""
        if self.model.rowCount():
            self._fit_columns()
        self.model.marks_changed()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_first()
        elif watched is self.table and event.type() == QEvent.Type.KeyPress \
                and isinstance(event, QKeyEvent) and self._first_key(event):
            return True
        return super().eventFilter(watched, event)

    def _first_key(self, event: QKeyEvent) -> bool:
        """Down or Up with no video selected selects the first (Qt: the second)."""
        if event.key() not in (Qt.Key.Key_Down, Qt.Key.Key_Up) or event.modifiers() \
                or self.table.selectionModel().hasSelection() or not self.model.rowCount():
            return False
        self.table.setCurrentIndex(self.model.index(0, 0))
        self.table.selectRow(0)
        return True

    def _on_changes(self, changes: Changes) -> None:
        if changes.project:
            self.model.forget_checks()
        if changes.project or changes.videos or changes.annotators:
            self.refresh()
            if changes.project or changes.videos:
                self.checker.start()
            return
        if changes.annotations:
            moved = self.model.update_statuses(changes.annotations)
            if moved is None:
                self.refresh()
                return
            self._count_moves(moved)
            shown = {v for v, _name in moved}
            unseen = {v for v, _a in changes.annotations if v not in shown}
            if unseen:  # rows not held: their parts are counted again
                self._recount(unseen)

    def _count_moves(self, moved: dict[tuple[VideoId, str], Moved]) -> None:
        """Count labels done or undone in rows held: from their status before and now, with
        nothing read (a part not counted yet is counted whole later)."""
        for (video_id, name), (before, now) in moved.items():
            part = self._parts.get((video_id - self._first_id) // COUNT_CHUNK)
            change = (now is AnnotationStatus.DONE) - (before is AnnotationStatus.DONE)
            if part is not None and change:
                part[name] = part.get(name, 0) + change
        self._update_summary()

    def _on_annotator(self) -> None:
        if self.model.query.statuses and self.workspace.has_project:
            self.model.reload(self._query())  # "by you" is someone else now
        else:
            self.model.marks_changed()  # the marks are the new annotator's
        self._update_summary()

    # -- the summary ----------------------------------------------------------------------------
    def _recount(self, videos: set[VideoId] | None = None) -> None:
        """Count the labels done again: of every video (a part now, the rest over the next
        turns of the event loop), or only of the parts holding ``videos``."""
        queries = self.workspace.queries
        if videos is not None:
            parts = {(v - self._first_id) // COUNT_CHUNK for v in videos}
            if len(parts) <= 4 and all(0 <= p < self._part_count for p in parts):
                for part in parts & self._parts.keys():  # the others are still to count
                    self._parts[part] = self._count_part(part)
                self._update_summary()
                return
        self._videos = queries.video_count()
        span = queries.video_id_span()
        self._parts = {}
        self._first_id = span[0] if span else 0
        self._part_count = (span[1] - span[0]) // COUNT_CHUNK + 1 if span else 0
        self._todo = list(range(self._part_count))
        self._count_some()

    def _count_part(self, part: int) -> dict[str, int]:
        first = self._first_id + part * COUNT_CHUNK
        return self.workspace.queries.done_counts(first, first + COUNT_CHUNK - 1)

    def _count_some(self) -> None:
        """Count a few parts (at least one), then show the summary."""
        if not self.workspace.has_project:
            self._todo = []
        start = time.monotonic()
        while self._todo:
            part = self._todo.pop(0)
            self._parts[part] = self._count_part(part)
            if time.monotonic() - start > COUNT_SECONDS:
                break
        if self._todo:
            self._count_timer.start()
        else:
            self._count_timer.stop()
        self._update_summary()

    def counting(self) -> bool:
        """True while the summary's counts are still being read."""
        return bool(self._todo)

    def _update_summary(self) -> None:
        ws = self.workspace
        if not ws.has_project:
            return
        shown = self.model.rowCount()
        if self._todo:
            text = f"{self._videos} videos · counting labels…"
        else:
            done: dict[str, int] = {}
            for part in self._parts.values():
                for name, n in part.items():
                    done[name] = done.get(name, 0) + n
            text = ListSummary(self._videos, done).text(ws.annotator, self.model.annotators())
        if shown != self._videos:
            text = f"{shown} shown · {text}"
        changed = len(self.model.changed_files)
        if changed:
            text += f" · {changed} file{'s' if changed > 1 else ''} CHANGED (Media column)"
        self.summary.setText(text)

    def _show_current(self) -> None:
        """Select the current video's row (none when the list does not show it)."""
        video = self.workspace.video
        if video is None or video.id == self.selected_id():
            return
        row = self.model.position(video.id, video.name)
        if row is not None:
            self.table.selectRow(row)
        elif self.table.selectionModel().hasSelection():
            self.table.clearSelection()

    # -- choosing -------------------------------------------------------------------------------
    def selected_id(self) -> VideoId | None:
        rows = self.table.selectionModel().selectedRows()
        found = self.model.find(rows[0].row()) if rows else None
        return found.video.id if found else None

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        if self._resetting:
            return
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            if self.workspace.video is not None and self.model.rowCount():
                self._show_current()  # keys (Ctrl+arrows, Ctrl+Space) never leave no video
            return
        found = self.model.find(rows[0].row())
        if found is not None:
            self.workspace.select(found.video)

    def select_name(self, name: str) -> bool:
        """Make the video called ``name`` current (the filters are cleared)."""
        self.filter.clear()
        self.show_status.setCurrentIndex(0)
        if not self.workspace.has_project:
            return False
        video = self.workspace.queries.video_named(name)
        row = self.model.position(video.id, name) if video is not None else None
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    def select_next(self) -> bool:
        """The next video in the list's order; False at the end."""
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() + 1 if rows else 0
        if row < self.model.rowCount():
            self.table.selectRow(row)
            return True
        return False


def fitted_width(table: QTableView, col: int, rows: list[VideoRow]) -> int:
    """How wide column ``col`` of the list must be for its title (with the sort arrow, in
    the header's font) and the text of ``rows`` (the first column: with its mark)."""
    model, header = table.model(), table.horizontalHeader()
    assert isinstance(model, VideoListModel)
    style = header.style()
    arrow = (style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
             + 4 * style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header))
    title = str(model.headerData(col, Qt.Orientation.Horizontal) or "")
    cells = table.fontMetrics()
    mark = table.iconSize().width() + 6 if col == 0 else 0
    return max([header.fontMetrics().horizontalAdvance(title) + max(28, arrow),
                *(cells.horizontalAdvance(model.cell_text(r, col)) + 16 + mark
                  for r in rows)])
