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
labels were made on shows CHANGED, and the summary counts them."""

from __future__ import annotations

import dataclasses
import time
from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from emosign_desktop.core.changes import Changes
from emosign_desktop.core.listing import VideoQuery
from emosign_desktop.core.media_check import MediaCheck, MediaLink, MediaState
from emosign_desktop.core.model import AnnotationStatus, AnnotatorId, Video, VideoId
from emosign_desktop.services.summary import ListSummary, VideoRow
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui.fitting import shrinkable
from emosign_desktop.ui.media_checker import MediaChecker

_FIXED = ("Video", "Duration", "Frames", "FPS", "Size", "Codec", "Media")
#: The order each fixed column sorts by (status columns: that annotator's status).
_SORT_KEYS = ("name", "duration", "frames", "fps", "size", "codec", "media")
_STATUS_TEXT = {
    AnnotationStatus.NOT_STARTED: "not started",
    AnnotationStatus.IN_PROGRESS: "in progress",
    AnnotationStatus.DONE: "done",
    AnnotationStatus.SKIPPED: "skipped",
}
#: The "Show" choices: which of your label statuses the list keeps (empty: every video).
SHOW: tuple[tuple[str, frozenset[AnnotationStatus]], ...] = (
    ("All videos", frozenset()),
    ("Not done by you", frozenset({AnnotationStatus.NOT_STARTED,
                                   AnnotationStatus.IN_PROGRESS})),
    ("Done by you", frozenset({AnnotationStatus.DONE})),
    ("Skipped by you", frozenset({AnnotationStatus.SKIPPED})),
)
PAGE = 50  # rows read at a time (a list in a tall window shows about 40)
PAGES_HELD = 4  # pages kept; others are read again when shown
#: The summary's counts are read for this many video ids at a time, a few parts per turn of
#: the event loop (for at most COUNT_SECONDS), so a large project opens without waiting for
#: them; an edit counts its part again.
COUNT_CHUNK = 500
COUNT_SECONDS = 0.008
#: More changed labels than this at once: the list reads its rows again instead.
_FEW_CHANGES = 400
_MEDIA_COLUMN = 6
#: What the Media column says of a file that is there but cannot be shown.
_MEDIA_TEXT = {MediaState.CHANGED: "CHANGED", MediaState.UNREADABLE: "UNREADABLE"}
Index = QModelIndex | QPersistentModelIndex
MediaKey = tuple[str | None, str | None]  # (media path, fingerprint) a check was made for
Moved = tuple[AnnotationStatus | None, AnnotationStatus]  # a label status before and now


class VideoListModel(QAbstractTableModel):
    """Rows are :class:`VideoRow` values, read a page at a time from the workspace's project;
    one status column per annotator.  :attr:`query` says which videos, in which order."""

    def __init__(self, workspace: Workspace | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.query = VideoQuery()
        self._count = 0
        self._annotators: list[str] = []
        self._names: dict[AnnotatorId, str] = {}  # the annotators' names, by id
        self._pages: OrderedDict[int, list[VideoRow | None]] = OrderedDict()
        # the whole list's ids, for an order no index gives (see ``by_ids``)
        self._ids: list[VideoId] | None = None
        self._rows_of: dict[VideoId, int] | None = None
        # the newest check of each video's file, with the link it was made for
        self._checks: dict[VideoId, tuple[MediaKey, MediaCheck]] = {}
        self.changed_files: set[VideoId] = set()  # videos whose file is not the one added
        self._reading: dict[VideoId, MediaKey] = {}  # files being read (size or time changed)
        #: Reads files off this thread (the panel's checking thread); without it the
        #: model reads them at once.
        self.read_files: Callable[[list[MediaLink]], None] | None = None

    # -- what it shows -------------------------------------------------------------------------
    def reload(self, query: VideoQuery | None = None) -> None:
        """Count the videos of ``query`` (or of the same query) again and forget the rows
        read but the first page: the view asks again for the rows it shows (a reset)."""
        self.beginResetModel()
        if query is not None:
            self.query = query
        ws = self.workspace
        self._ids = self._rows_of = None
        self._pages.clear()
        if ws is None or not ws.has_project:
            self._count, self._annotators = 0, []
        else:
            queries = ws.queries
            people = queries.annotators()
            self._annotators = [a.name for a in people]
            self._names = {a.id: a.name for a in people}
            if self.by_ids():
                self._ids = queries.video_ids(self.query)
                self._count = len(self._ids)
            else:  # the first page now: when it is not full, it is the whole list
                first: list[VideoRow | None] = list(queries.video_page(self.query, 0, PAGE))
                self._check_rows(first)
                self._pages[0] = first
                self._count = (len(first) if len(first) < PAGE
                               else queries.video_count(self.query))
        self.endResetModel()

    def by_ids(self) -> bool:
        """True when the list's order is not the order of the names (which the database
        reads along its index, a page at a time, at any size): the order of every video
        shown is then worked out once, as a list of ids, and rows are read a page of ids at
        a time (not the whole order again for each page)."""
        return self.query.sort != "name" or bool(self.query.statuses)

    def update_statuses(self, keys: frozenset[tuple[VideoId, AnnotatorId]]
                        ) -> dict[tuple[VideoId, str], Moved] | None:
        """Show the new statuses of these (video, annotator) labels in the rows held (the
        others are read when shown); returns each one shown with its status before and now,
        or None when the rows must be read again instead (too many changes, a new
        annotator, or the order or the filter depends on statuses)."""
        q = self.query
        if q.statuses or q.sort == "status" or len(keys) > _FEW_CHANGES:
            return None
        held = {row.video.id: (i, row) for i, row in self._held()}
        wanted = [(v, a) for v, a in keys if v in held]
        if any(a not in self._names for _v, a in wanted):
            return None  # a new annotator: a new column
        if not wanted or self.workspace is None:
            return {}
        moved: dict[tuple[VideoId, str], Moved] = {}
        for (video_id, name), status in self.workspace.queries.statuses(
                wanted, self._names).items():
            i, row = held[video_id]
            moved[(video_id, name)] = (row.status.get(name), status)
            row.status[name] = status
            col = len(_FIXED) + self._annotators.index(name)
            self.dataChanged.emit(self.index(i, col), self.index(i, col))
        return moved

    def annotators(self) -> list[str]:
        """The annotators that have a status column."""
        return list(self._annotators)

    # -- media checks --------------------------------------------------------------------------
    def media_check(self, row: VideoRow) -> MediaCheck | None:
        """The newest check of the row's file (None: not checked as it is linked now)."""
        held = self._checks.get(row.video.id)
        key = (row.video.media_path, row.video.fingerprint)
        return held[1] if held is not None and held[0] == key else None

    def reading(self, row: VideoRow) -> bool:
        """True while the row's file is being read to check it."""
        return self._reading.get(row.video.id) == (row.video.media_path, row.video.fingerprint)

    def _check_rows(self, rows: list[VideoRow | None]) -> None:
        """A ``stat`` of each row's file; those whose size or time changed are read (off this
        thread when :attr:`read_files` is set)."""
        ws = self.workspace
        todo = [r.video for r in rows if r is not None and self.media_check(r) is None
                and not self.reading(r)]
        if not todo or ws is None or not ws.has_project:
            return
        if self.read_files is None:
            found = ws.queries.check_media(todo)
            self._note([(v, found[v.id]) for v in todo])
            return
        checks, to_read = ws.queries.quick_checks(todo)
        self._note([(v, checks[v.id]) for v in todo if v.id in checks])
        if to_read:
            self._reading.update((k.video_id, (k.media_path, k.fingerprint)) for k in to_read)
            self.read_files(to_read)

    def stop_reading(self, links: list[MediaLink]) -> None:
        """These files were not read after all (their rows say what they said before)."""
        for link in links:
            self._reading.pop(link.video_id, None)

    def _note(self, checked: list[tuple[Video | MediaLink, MediaCheck]]) -> None:
        for link, check in checked:
            self._checks[check.video_id] = ((link.media_path, link.fingerprint), check)
            if check.changed:
                self.changed_files.add(check.video_id)
            else:
                self.changed_files.discard(check.video_id)

    def note_checks(self, checked: list[tuple[MediaLink, MediaCheck]]) -> None:
        """Take these checks (of the whole project's, a part at a time): rows held whose
        Media cell says something else now are repainted."""
        if not checked:
            return
        before = {c.video_id: self._checks.get(c.video_id) for _link, c in checked}
        for link, _c in checked:
            if self._reading.get(link.video_id) == (link.media_path, link.fingerprint):
                del self._reading[link.video_id]
        self._note(list(checked))
        held = {row.video.id: i for i, row in self._held()}
        for _link, check in checked:
            old = before[check.video_id]
            if check.video_id in held and (old is None or old[1] != check):
                cell = self.index(held[check.video_id], _MEDIA_COLUMN)
                self.dataChanged.emit(cell, cell)

    def forget_checks(self) -> None:
        """Forget every check (another project)."""
        self._checks.clear()
        self.changed_files.clear()
        self._reading.clear()

    # -- rows, a page at a time ----------------------------------------------------------------
    def _held(self) -> list[tuple[int, VideoRow]]:
        return [(page * PAGE + k, row) for page, rows in self._pages.items()
                for k, row in enumerate(rows) if row is not None]

    def held_rows(self) -> int:
        """How many rows are held now (at most PAGE * PAGES_HELD)."""
        return sum(len(rows) for rows in self._pages.values())

    def _page(self, page: int) -> list[VideoRow | None]:
        rows = self._pages.get(page)
        if rows is not None:
            self._pages.move_to_end(page)
            return rows
        ws = self.workspace
        if ws is None or not ws.has_project:
            return []
        if self._ids is not None:
            ids = self._ids[page * PAGE:(page + 1) * PAGE]
            found = ws.queries.rows_by_id(ids)
            rows = [found.get(i) for i in ids]  # None: removed since (not heard of yet)
        else:
            rows = list(ws.queries.video_page(self.query, page * PAGE, PAGE))
        self._check_rows(rows)
        self._pages[page] = rows
        while len(self._pages) > PAGES_HELD:
            self._pages.popitem(last=False)
        return rows

    def find(self, index: int) -> VideoRow | None:
        """The row at ``index`` (None past the end, or when the project changed under the
        list and it has not heard yet)."""
        if not 0 <= index < self._count:
            return None
        rows = self._page(index // PAGE)
        k = index % PAGE
        return rows[k] if k < len(rows) else None

    def row(self, index: int) -> VideoRow:
        found = self.find(index)
        if found is None:
            raise IndexError(f"no row {index} in the video list")
        return found

    def position(self, video_id: VideoId, name: str | None = None) -> int | None:
        """The row of the video (None when the list does not show it).  With its ``name``, a
        video the text filter leaves out is known at once."""
        for i, row in self._held():
            if row.video.id == video_id:
                return i
        if name is not None and self.query.text.lower() not in name.lower():
            return None  # (the query ignores the case of fewer letters, never of more)
        if self._ids is not None:
            if self._rows_of is None:
                self._rows_of = {v: i for i, v in enumerate(self._ids)}
            return self._rows_of.get(video_id)
        ws = self.workspace
        if ws is None or not ws.has_project:
            return None
        return ws.queries.video_position(self.query, video_id)

    # -- Qt ------------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_FIXED) + len(self._annotators)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section < len(_FIXED):
            return _FIXED[section]
        if section - len(_FIXED) < len(self._annotators):
            return self._annotators[section - len(_FIXED)]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column (in the query: the whole list, not the rows held)."""
        if column < 0:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if column < len(_FIXED):
            query = dataclasses.replace(self.query, sort=_SORT_KEYS[column],
                                        descending=descending)
        elif column - len(_FIXED) < len(self._annotators):
            query = dataclasses.replace(self.query, sort="status", descending=descending,
                                        sort_annotator=self._annotators[column - len(_FIXED)])
        else:
            return
        if query != self.query:
            self.reload(query)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self.find(index.row())
        if row is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, col)
        media = row.video.media
        check = self.media_check(row)
        if role == Qt.ItemDataRole.ToolTipRole and col == _MEDIA_COLUMN and check is not None \
                and check.reason and check.state is not MediaState.NOT_LINKED:
            return check.reason
        if role == Qt.ItemDataRole.ToolTipRole and col in (2, 6) and media is not None \
                and media.is_truncated:
            return (f"only {media.frame_count} of the {media.declared_frames} frames its "
                    "container declares can be decoded; the first ones are used")
        if role == Qt.ItemDataRole.ToolTipRole and col == 6 and row.video.media_path:
            return row.video.media_path
        if role == Qt.ItemDataRole.TextAlignmentRole and 1 <= col <= 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def cell_text(self, row: VideoRow, col: int) -> str:
        """What column ``col`` shows of ``row``."""
        return self._text(row, col)

    def _text(self, row: VideoRow, col: int) -> str:
        v, m = row.video, row.video.media
        if col == 0:
            return v.name
        if col == _MEDIA_COLUMN:
            check = self.media_check(row)
            if not v.media_path:
                return "not linked"
            if check is None and self.reading(row):
                return "checking…"
            if check is not None and check.state in _MEDIA_TEXT:
                return _MEDIA_TEXT[check.state]
            if not row.media_found or (check is not None and
                                       check.state is MediaState.MISSING):
                return "MISSING"
            return "found, cut short" if m is not None and m.is_truncated else "found"
        if col >= len(_FIXED):
            names = self._annotators
            k = col - len(_FIXED)
            status = row.status.get(names[k]) if k < len(names) else None
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


class VideoListPanel(QWidget):
    """Filters, table and summary; follows and sets the workspace's current video."""

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
        resizeColumnsToContents would read every row of the list)."""
        model, header = self.model, self.table.horizontalHeader()
        cells, titles = self.table.fontMetrics(), header.fontMetrics()
        rows = [r for r in (model.find(i) for i in range(min(PAGE, model.rowCount())))
                if r is not None]
        for col in range(model.columnCount()):
            title = str(model.headerData(col, Qt.Orientation.Horizontal) or "")
            width = max([titles.horizontalAdvance(title) + 28,  # room for the sort arrow
                         *(cells.horizontalAdvance(model.cell_text(r, col)) + 16
                           for r in rows)])
            header.resizeSection(col, width)

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
