"""The video list's model: one row per video of the project, read a page at a time
(:data:`PAGE` rows, at most :data:`PAGES_HELD` pages held), filtered and sorted by its query;
its metadata, media state and each annotator's label status in columns, and in the first
column, before the name, a mark of the video's state for whoever is annotating
(``ui.video_marks``): visible without scrolling, said in its tooltip and accessible text.
See ``ui.video_list`` for the panel that shows it."""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from emosign_desktop.core.listing import VideoQuery
from emosign_desktop.core.media_check import MediaCheck, MediaLink, MediaState
from emosign_desktop.core.model import AnnotationStatus, AnnotatorId, Video, VideoId
from emosign_desktop.services.summary import VideoRow
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui.video_marks import LEGEND, STATUS_WORDS, mark_icon, state_text

_FIXED = ("Video", "Duration", "Frames", "FPS", "Size", "Codec", "Media")
#: The order each fixed column sorts by (status columns: that annotator's status).
_SORT_KEYS = ("name", "duration", "frames", "fps", "size", "codec", "media")
PAGE = 50  # rows read at a time (a list in a tall window shows about 40)
PAGES_HELD = 4  # pages kept; others are read again when shown
#: More changed labels than this at once: the list reads its rows again instead.
_FEW_CHANGES = 400
_MEDIA_COLUMN = 6
#: What the Media column says of a file that is there but cannot be shown.
_MEDIA_TEXT = {MediaState.CHANGED: "CHANGED", MediaState.UNREADABLE: "UNREADABLE"}
Index = QModelIndex | QPersistentModelIndex
#: What the first column says besides the name: its mark, the mark's words.
_MARK_ROLES = (Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole,
               Qt.ItemDataRole.AccessibleTextRole)
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
            if name == self.workspace.annotator:  # the mark before the name
                self.dataChanged.emit(self.index(i, 0), self.index(i, 0))
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
                mark = self.index(held[check.video_id], 0)
                self.dataChanged.emit(mark, mark)

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
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.ToolTipRole:  # the whole title (an elided one too)
            title = self.headerData(section, orientation)
            if section == 0:
                return f"{title}. {LEGEND}"
            return f"{title}'s label status" if section >= len(_FIXED) and title else title
        if role != Qt.ItemDataRole.DisplayRole:
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
        if col == 0 and role in _MARK_ROLES:
            return self._mark(row, role)
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

    def state(self, row: VideoRow) -> tuple[AnnotationStatus, str]:
        """The row's label status for whoever is annotating, and what is wrong with its
        file in words ("" when nothing is)."""
        ws = self.workspace
        who = ws.annotator if ws is not None else ""
        status = row.status.get(who, AnnotationStatus.NOT_STARTED) if who \
            else AnnotationStatus.NOT_STARTED
        media = self._text(row, _MEDIA_COLUMN)
        m = row.video.media
        if media == "found, cut short" and m is not None:
            note = f"file cut short: {m.frame_count} of {m.declared_frames} frames"
        elif media in ("found", "checking…"):
            note = ""
        else:
            note = f"file {media.lower()}"
        return status, note

    def _mark(self, row: VideoRow, role: int) -> object:
        """The first column's mark: an icon, and its words for the tooltip and for a
        screen reader (``ui.video_marks``)."""
        status, note = self.state(row)
        if role == Qt.ItemDataRole.DecorationRole:
            return mark_icon(status, bool(note))
        ws = self.workspace
        words = state_text(status, ws.annotator if ws is not None else "", note)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.video.name}\n{words[0].upper()}{words[1:]}"
        return f"{row.video.name}, {words}"  # AccessibleTextRole

    def marks_changed(self) -> None:
        """Repaint every mark (someone else is annotating, or the palette changed)."""
        if self._count:
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, 0))

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
            return STATUS_WORDS[status] if status else "not started"
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


