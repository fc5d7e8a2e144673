"""The annotator's workspace: the video list (left), the player (centre), the label panel
(right), tiers, review and signals (below the player).  Docks and their layout are
remembered; every edit is committed at once and named in the Edit menu."""

from __future__ import annotations

import base64
from pathlib import Path

from PySide6.QtCore import QByteArray, QItemSelection, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDockWidget,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from emosign_desktop import __version__
from emosign_desktop.core.changes import Changes
from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.core.model import AnnotationStatus, Region, Video
from emosign_desktop.services.editing import EditingService
from emosign_desktop.services.summary import video_rows
from emosign_desktop.settings import UserSettings
from emosign_desktop.storage import Project, open_project
from emosign_desktop.ui.appearance import (
    TEXT_SCALES,
    ShortcutsDialog,
    apply_text_scale,
    apply_theme,
)
from emosign_desktop.ui.label_panel import LabelPanel
from emosign_desktop.ui.messages import show_error
from emosign_desktop.ui.player.region_overlay import RegionOverlay
from emosign_desktop.ui.project_actions import ProjectActions
from emosign_desktop.ui.tier_editor import TierEditor
from emosign_desktop.ui.video_details import VideoDetailsPanel
from emosign_desktop.ui.video_list import VideoFilterModel, VideoListModel


class MainWindow(QMainWindow):
    """The workspace for one project and one annotator."""

    def __init__(self, settings: UserSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or UserSettings.load()
        self.annotator = self.settings.annotator
        self._annotator_cache: tuple[object, object] = (None, None)
        self.project: Project | None = None
        self.editing: EditingService | None = None
        self.video: Video | None = None
        self.agreement = None
        self.agreement_dock = None
        self.actions_ = ProjectActions(self)
        self.model = VideoListModel()
        self.proxy = VideoFilterModel()
        self.proxy.setSourceModel(self.model)
        self._build_video_list()
        self.details = VideoDetailsPanel()
        self.setCentralWidget(self.details)
        self.labels = LabelPanel()
        self.labels.done_requested.connect(self.next_video)
        self.tier_editor = TierEditor(self.details.player.playhead)
        self.details.tabs.insertTab(0, self.tier_editor, "&Tiers")
        self.details.tabs.setCurrentIndex(0)
        self.regions = RegionOverlay()
        self.details.player.view.overlays.append(self.regions)
        self.tier_editor.region_mode.connect(self.details.player.view.set_region_mode)
        self.details.segment_rows.on_edit = self._on_segment_dragged
        self.details.player.view.region_drawn.connect(
            lambda x, y, w, h: self.tier_editor.set_region(Region(x, y, w, h)))
        self.details.player.playhead.subscribe(lambda _e: self._remember_position_later())
        self._docks()
        self._build_menus()
        self._keys()
        self.setAcceptDrops(True)
        self.resize(1440, 900)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(1500)
        self._save_timer.timeout.connect(self._save_position)
        apply_text_scale(self.settings.text_scale)
        apply_theme(self.settings.high_contrast)
        if self.settings.window_state:
            self.restoreState(QByteArray(base64.b64decode(self.settings.window_state)))
        self._update_title()

    # -- layout ---------------------------------------------------------------------------
    def _build_video_list(self) -> None:
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
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.summary = QLabel()
        self.summary.setAccessibleName("Project summary")
        self.summary.setWordWrap(True)

    def _docks(self) -> None:
        videos = QWidget()
        videos.setMinimumWidth(300)
        box = QVBoxLayout(videos)
        box.addWidget(self.filter)
        box.addWidget(self.table)
        box.addWidget(self.summary)
        for name, title, widget, area in (
                ("videos-dock", "Videos", videos, Qt.DockWidgetArea.LeftDockWidgetArea),
                ("labels-dock", "Labels", self.labels, Qt.DockWidgetArea.RightDockWidgetArea)):
            dock = QDockWidget(title, self)
            dock.setObjectName(name)
            dock.setWidget(widget)
            dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                             | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
            self.addDockWidget(area, dock)

    def _action(self, menu, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setToolTip(f"{text.replace('&', '').rstrip('.')} "
                              f"({action.shortcut().toString()})")
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        a, bar = self.actions_, self.menuBar()
        file = bar.addMenu("&File")
        self._action(file, "&New Project...", a.new, QKeySequence.StandardKey.New)
        self._action(file, "&Open Project...", a.open, QKeySequence.StandardKey.Open)
        self.recent_menu = file.addMenu("Open &Recent")
        file.addSeparator()
        self.add_action = self._action(file, "&Add Videos...", lambda: a.add_videos(),
                                       "Ctrl+Shift+A")
        self.relink_action = self._action(file, "&Relink Missing Media...", a.relink)
        self.import_action = self._action(file, "&Import EmoSign CSV...", a.import_csv,
                                          "Ctrl+I")
        self.export_action = self._action(file, "&Export EmoSign CSV...", a.export_csv,
                                          "Ctrl+E")
        file.addSeparator()
        self._action(file, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        edit = bar.addMenu("&Edit")
        self.undo_action = self._action(edit, "&Undo", self.undo, QKeySequence.StandardKey.Undo)
        self.redo_action = self._action(edit, "&Redo", self.redo, "Ctrl+Shift+Z")
        self._action(edit, "Change &Annotator...", self.ask_annotator)
        self.tiers_action = self._action(edit, "&Tiers and Vocabularies...", self.edit_tiers)
        people = bar.addMenu("&Annotators")
        self.pack_action = self._action(people, "&Export My Annotations...", a.export_pack,
                                        "Ctrl+Shift+E")
        self.merge_action = self._action(people, "&Merge Annotator Packs...", a.merge,
                                         "Ctrl+Shift+M")
        self.conflicts_action = self._action(people, "&Conflict Log...", a.conflicts)
        self.agreement_action = self._action(people, "&Agreement", a.agreement, "Ctrl+Shift+G")
        view = bar.addMenu("&View")
        self._action(view, "&Find Video", self.filter.setFocus, QKeySequence.StandardKey.Find)
        self._action(view, "&Larger Text", lambda: self.set_text_scale(+1), "Ctrl++")
        self._action(view, "&Smaller Text", lambda: self.set_text_scale(-1), "Ctrl+-")
        self.contrast_action = self._action(view, "&High Contrast", self.toggle_contrast,
                                            "Ctrl+Shift+H")
        self.contrast_action.setCheckable(True)
        self.contrast_action.setChecked(self.settings.high_contrast)
        self._action(view, "&Refresh", self.refresh, QKeySequence.StandardKey.Refresh)
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard Shortcuts", self.show_shortcuts, "F1")
        self._action(help_menu, "&About EmoSign Desktop", self._on_about)
        self._fill_recent()
        self._set_project_actions()
        self._update_undo()

    def _keys(self) -> None:
        for key, slot in (("I", self.tier_editor.mark_in), ("O", self.tier_editor.mark_out),
                          ("Delete", self.tier_editor.delete),
                          ("R", self.tier_editor.draw_region), ("?", self.show_shortcuts)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for folder in self.settings.recent_projects:
            action = self.recent_menu.addAction(folder)
            action.triggered.connect(lambda _c=False, f=folder: self.open_project(f))
        self.recent_menu.setEnabled(bool(self.settings.recent_projects))

    def _set_project_actions(self) -> None:
        for action in (self.add_action, self.relink_action, self.import_action, self.tiers_action,
                       self.export_action, self.pack_action, self.merge_action,
                       self.conflicts_action, self.agreement_action):
            action.setEnabled(self.project is not None)

    # -- appearance ------------------------------------------------------------------------
    def set_text_scale(self, step: int) -> None:
        """One step larger (+1) or smaller (-1) text, 100 % to 200 %."""
        i = min(range(len(TEXT_SCALES)), key=lambda k: abs(TEXT_SCALES[k]
                                                            - self.settings.text_scale))
        self.settings.text_scale = TEXT_SCALES[min(max(i + step, 0), len(TEXT_SCALES) - 1)]
        apply_text_scale(self.settings.text_scale)
        self.settings.save()
        self.statusBar().showMessage(f"text size {self.settings.text_scale} %", 4000)

    def toggle_contrast(self) -> None:
        self.settings.high_contrast = not self.settings.high_contrast
        self.contrast_action.setChecked(self.settings.high_contrast)
        apply_theme(self.settings.high_contrast)
        self.settings.save()

    def edit_tiers(self) -> None:
        from emosign_desktop.ui.tiers_dialog import TiersDialog

        if self.editing is not None:
            TiersDialog(self.editing, self).exec()

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self).exec()

    # -- annotator and project -----------------------------------------------------------
    def ask_annotator(self) -> bool:
        """Ask who is annotating (kept in the user's settings)."""
        name, ok = QInputDialog.getText(self, "Who is annotating?",
                                        "Your annotator name (every edit is attributed to it):",
                                        text=self.annotator)
        if not ok or not name.strip():
            return False
        self.set_annotator(name.strip())
        return True

    def set_annotator(self, name: str) -> None:
        self.annotator = name
        self.settings.annotator = name
        self.settings.save()
        self.refresh()
        self._bind_editors()

    def open_project(self, folder: str | Path) -> bool:
        """Open the project in ``folder``; on failure show why and keep the current one."""
        try:
            project = open_project(folder)
        except EmoSignError as exc:
            show_error(self, "Cannot open project", exc)
            return False
        self._save_position()
        if self.project is not None:
            self.project.close()
        self.project = project
        self._annotator_cache = (None, None)
        self.editing = EditingService(project.repo)
        self.editing.subscribe(self._on_changes)
        self.editing.undo_stack.subscribe(self._update_undo)
        self.settings.remember_project(project.folder)
        self.settings.save()
        self._fill_recent()
        self._set_project_actions()
        self.refresh()
        place = self.settings.position(project.folder)
        if not (place and self.select_video(place[0])) and self.model.rowCount():
            self.table.selectRow(0)
        if place and self.video is not None and self.video.name == place[0]:
            self.details.player.playhead.seek(place[1])
        self.table.setFocus()
        self._update_undo()
        return True

    def refresh(self) -> None:
        """Reload the video list (in place when only statuses changed)."""
        if self.project is None:
            self.model.set_rows([], [])
            self.summary.setText("No project open: File ▸ Open Project (Ctrl+O).")
            self._update_title()
            return
        rows = video_rows(self.project)
        names = [a.name for a in self.project.repo.annotators()]
        if not self.model.update_rows(rows, names):
            self.model.set_rows(rows, names)
            self.table.resizeColumnsToContents()
        self._update_summary()

    def _update_summary(self) -> None:
        rows = self.model.rows()
        names = self.model.annotators()
        parts = [f"{len(rows)} videos"]
        who = self.annotator
        if who:
            done = sum(1 for r in rows if r.status.get(who) is AnnotationStatus.DONE)
            parts.append(f"you ({who}): {done} of {len(rows)} done")
        for n in names:
            if n != who:
                done = sum(1 for r in rows if r.status.get(n) is AnnotationStatus.DONE)
                parts.append(f"{n}: {done} of {len(rows)} done")
        self.summary.setText(" · ".join(parts))
        self._update_title()

    def _update_title(self) -> None:
        parts = [self.project.folder.name if self.project else "no project"]
        if self.video is not None:
            parts.append(self.video.name)
        parts.append(self.annotator or "no annotator")
        self.setWindowTitle(" — ".join(parts) + f" — EmoSign Desktop {__version__}")

    def _annotator_id(self):
        """The current annotator's id, created in the project on first need (cached: this
        runs on every selection and edit, and creating is a write)."""
        if self.project is None or not self.annotator:
            return None
        key = (str(self.project.folder), self.annotator)
        if self._annotator_cache[0] != key:
            self._annotator_cache = (key, self.project.repo.ensure_annotator(self.annotator).id)
        return self._annotator_cache[1]

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        if self.project is None:
            return
        rows = self.table.selectionModel().selectedRows()
        self.video = None
        if rows:
            self.video = self.model.row(self.proxy.mapToSource(rows[0]).row()).video
        self.details.show_video(self.project, self.video)
        self._bind_editors()
        self._update_title()

    def _bind_editors(self) -> None:
        video_id = self.video.id if self.video else None
        who = self._annotator_id() if video_id is not None else None
        title = (f"{self.video.name}, labelled by {self.annotator}" if self.video and who
                 else "Choose who is annotating: Edit ▸ Change Annotator" if self.video
                 else "")
        self.labels.bind(self.editing, video_id, who, title)
        self.tier_editor.bind(self.editing, video_id, who)
        self._refresh_regions()
        self._set_draggable(who)

    def _set_draggable(self, who) -> None:
        self.details.segment_rows.editable = {
            s.id for row in self.details.segment_rows.rows for s in row.segments
            if who is not None and s.annotator_id == who}

    def _on_segment_dragged(self, segment) -> None:
        if self.editing is not None:
            self.editing.update_segment(segment, "drag segment edge")

    def _refresh_regions(self) -> None:
        if self.project is None or self.video is None:
            self.regions.segments = []
        else:
            self.regions.segments = self.project.repo.segments(video_id=self.video.id)
            self.regions.names = {a.id: a.name for a in self.project.repo.annotators()}
        self.details.player.view.update()

    def _on_changes(self, changes: Changes) -> None:
        if self.video is None or self.project is None:
            return
        if any(v == self.video.id for v, _ in changes.annotations):
            self.labels.refresh()
        if changes.tiers:
            self.tier_editor.bind(self.editing, self.video.id, self._annotator_id())
        if self.video.id in changes.segments_of or changes.tiers:
            self.tier_editor.refresh()
            self.details.show_review(self.project, self.video)
            self._refresh_regions()
            self._set_draggable(self._annotator_id())
        # only the statuses that changed (a full reload would cost seconds on big projects)
        names = {a.id: a.name for a in self.project.repo.annotators()}
        if any(names[a] not in self.model.annotators() for _, a in changes.annotations):
            self.refresh()  # a new annotator: a new column
            return
        for video_id, annotator_id in changes.annotations:
            ann = self.project.repo.annotation(video_id, annotator_id)
            status = ann.status(self.project.schema) if ann else AnnotationStatus.NOT_STARTED
            self.model.set_status(video_id, names[annotator_id], status)
        self._update_summary()

    # -- undo ------------------------------------------------------------------------------
    def undo(self) -> None:
        if self.editing is not None:
            self.editing.undo()

    def redo(self) -> None:
        if self.editing is not None:
            self.editing.redo()

    def _update_undo(self) -> None:
        stack = self.editing.undo_stack if self.editing else None
        for action, label, verb in (
                (self.undo_action, stack.undo_label if stack else None, "Undo"),
                (self.redo_action, stack.redo_label if stack else None, "Redo")):
            action.setEnabled(label is not None)
            action.setText(f"&{verb}: {label}" if label else f"&{verb}")

    # -- moving around ---------------------------------------------------------------------
    def select_video(self, name: str) -> bool:
        """Select the video called ``name`` in the list (it opens in the player)."""
        self.filter.clear()
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data() == name:
                self.table.selectRow(row)
                self.details.player.setFocus()
                return True
        return False

    def next_video(self) -> None:
        """Done with this one: the next video in the list."""
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() + 1 if rows else 0
        if row < self.proxy.rowCount():
            self.table.selectRow(row)
            self.labels.setFocus()
        else:
            self.statusBar().showMessage("That was the last video in the list.", 8000)

    def _remember_position_later(self) -> None:
        self._save_timer.start()

    def _save_position(self) -> None:
        if self.project is not None and self.video is not None:
            self.settings.remember_position(self.project.folder, self.video.name,
                                            self.details.player.playhead.current)
            self.settings.save()

    # -- drag and drop ---------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        folders = [p for p in paths if (p / "project.emosign").is_file()]
        if folders:
            self.open_project(folders[0])
        elif self.project is not None and paths:
            self.actions_.add_videos([str(p) for p in paths])
        event.acceptProposedAction()

    def _on_about(self) -> None:
        QMessageBox.about(self, "About EmoSign Desktop",
                          f"EmoSign Desktop {__version__}\nAnnotate and review sign-language "
                          "video for emotion. Every edit is saved at once.")

    def closeEvent(self, event) -> None:
        self.labels.bind(None, None, None)  # saves cue text still being typed
        self._save_position()
        self.settings.window_state = base64.b64encode(bytes(self.saveState())).decode()
        self.settings.save()
        self.details.player.close_media()
        if self.project is not None:
            self.project.close()
            self.project = None
        super().closeEvent(event)
