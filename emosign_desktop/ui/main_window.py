"""The main window: the project's video list and the selected video's details."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from emosign_desktop import __version__
from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.core.model import AnnotationStatus
from emosign_desktop.services.summary import video_rows
from emosign_desktop.storage import Project, create_project, open_project
from emosign_desktop.ui.messages import show_error
from emosign_desktop.ui.video_details import VideoDetailsPanel
from emosign_desktop.ui.video_list import VideoFilterModel, VideoListModel


class MainWindow(QMainWindow):
    """Video list (filterable, sortable) beside the selected video's picture and labels."""

    def __init__(self) -> None:
        super().__init__()
        self.project: Project | None = None
        self.agreement = None
        self.agreement_dock = None
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
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.summary = QLabel()
        self.summary.setAccessibleName("Project summary")
        self.details = VideoDetailsPanel()

        left = QWidget()
        box = QVBoxLayout(left)
        box.addWidget(self.filter)
        box.addWidget(self.table)
        box.addWidget(self.summary)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.setCentralWidget(splitter)
        self._build_menus()
        self.resize(1280, 760)
        self._update_title()

    # -- menus ----------------------------------------------------------------------------
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
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action(file, "&New Project...", self._on_new, QKeySequence.StandardKey.New)
        self._action(file, "&Open Project...", self._on_open, QKeySequence.StandardKey.Open)
        file.addSeparator()
        self.add_action = self._action(file, "&Add Videos...", self._on_add_videos, "Ctrl+Shift+A")
        self.import_action = self._action(file, "&Import EmoSign CSV...", self._on_import,
                                          "Ctrl+I")
        self.export_action = self._action(file, "&Export EmoSign CSV...", self._on_export,
                                          "Ctrl+E")
        file.addSeparator()
        self._action(file, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        people = bar.addMenu("&Annotators")
        self.pack_action = self._action(people, "&Export My Annotations...", self._on_pack,
                                        "Ctrl+Shift+E")
        self.merge_action = self._action(people, "&Merge Annotator Packs...", self._on_merge,
                                         "Ctrl+Shift+M")
        self.conflicts_action = self._action(people, "&Conflict Log...", self._on_conflicts)
        self.agreement_action = self._action(people, "&Agreement", self._on_agreement,
                                             "Ctrl+Shift+G")
        view = bar.addMenu("&View")
        self._action(view, "&Find Video", self.filter.setFocus, QKeySequence.StandardKey.Find)
        self._action(view, "&Refresh", self.refresh, QKeySequence.StandardKey.Refresh)
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&About EmoSign Desktop", self._on_about)
        self._set_project_actions()

    def _set_project_actions(self) -> None:
        for action in (self.add_action, self.import_action, self.export_action,
                       self.pack_action, self.merge_action, self.conflicts_action,
                       self.agreement_action):
            action.setEnabled(self.project is not None)

    # -- project --------------------------------------------------------------------------
    def open_project(self, folder: str | Path) -> bool:
        """Open the project in ``folder``; on failure show why and keep the current one."""
        try:
            project = open_project(folder)
        except EmoSignError as exc:
            show_error(self, "Cannot open project", exc)
            return False
        if self.project is not None:
            self.project.close()
        self.project = project
        self._set_project_actions()
        self.refresh()
        if self.model.rowCount():
            self.table.selectRow(0)
        self.table.setFocus()
        return True

    def refresh(self) -> None:
        """Reload the video list from the project."""
        if self.project is None:
            self.model.set_rows([], [])
            self.summary.setText("No project open: File ▸ Open Project (Ctrl+O).")
            return
        rows = video_rows(self.project)
        names = [a.name for a in self.project.repo.annotators()]
        self.model.set_rows(rows, names)
        self.table.resizeColumnsToContents()
        done = {n: sum(1 for r in rows if r.status.get(n) is AnnotationStatus.DONE)
                for n in names}
        parts = [f"{len(rows)} videos"] + [f"{n}: {d} of {len(rows)} done"
                                           for n, d in done.items()]
        self.summary.setText(" · ".join(parts))
        self._update_title()

    def _update_title(self) -> None:
        where = self.project.folder.name if self.project else "no project"
        self.setWindowTitle(f"{where} — EmoSign Desktop {__version__}")

    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        if self.project is None:
            return
        rows = self.table.selectionModel().selectedRows()
        video = None
        if rows:
            video = self.model.row(self.proxy.mapToSource(rows[0]).row()).video
        self.details.show_video(self.project, video)

    def _on_new(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "New project: choose an empty folder")
        if not folder:
            return
        try:
            create_project(folder).close()
        except EmoSignError as exc:
            show_error(self, "Cannot create project", exc)
            return
        self.open_project(folder)

    def _on_open(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open project folder")
        if folder:
            self.open_project(folder)

    def _on_add_videos(self) -> None:
        from emosign_desktop.services.videos import add_videos

        assert self.project is not None
        files, _ = QFileDialog.getOpenFileNames(
            self, "Add videos", "", "Videos (*.mp4 *.mov *.m4v *.mkv *.webm *.avi);;All (*)")
        if not files:
            return
        try:
            add_videos(self.project, files)
        except EmoSignError as exc:
            show_error(self, "Cannot add videos", exc)
        self.refresh()

    def _on_import(self) -> None:
        from emosign_desktop.io.emosign_csv import import_released

        assert self.project is not None
        file, _ = QFileDialog.getOpenFileName(self, "Import EmoSign CSV", "", "CSV (*.csv)")
        if not file:
            return
        try:
            summary = import_released(self.project.repo, file)
        except EmoSignError as exc:
            show_error(self, "Import failed: nothing was changed", exc)
            return
        self.refresh()
        self.statusBar().showMessage(f"{Path(file).name}: {summary}", 10000)

    def _on_export(self) -> None:
        from emosign_desktop.io.emosign_csv import export_released

        assert self.project is not None
        file, _ = QFileDialog.getSaveFileName(self, "Export EmoSign CSV", "", "CSV (*.csv)")
        if not file:
            return
        try:
            n = export_released(self.project.repo, file)
        except EmoSignError as exc:
            show_error(self, "Export failed", exc)
            return
        self.statusBar().showMessage(f"wrote {n} rows to {file}", 10000)

    def _on_pack(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        from emosign_desktop.services.packs import export_pack

        assert self.project is not None
        names = [a.name for a in self.project.repo.annotators()]
        if not names:
            show_error(self, "Nothing to export", "No annotator has worked in this project yet.")
            return
        name, ok = QInputDialog.getItem(self, "Export annotations", "Annotator:", names, 0, False)
        if not ok:
            return
        file, _ = QFileDialog.getSaveFileName(self, "Save annotator pack",
                                              f"{name}.emosignpack.json", "Pack (*.json)")
        if not file:
            return
        try:
            pack = export_pack(self.project, name, file)
        except EmoSignError as exc:
            show_error(self, "Export failed", exc)
            return
        self.statusBar().showMessage(
            f"wrote {file}: {len(pack.annotations)} annotations, {len(pack.segments)} segments",
            10000)

    def _on_merge(self) -> None:
        from emosign_desktop.services.packs import merge_pack_files

        assert self.project is not None
        files, _ = QFileDialog.getOpenFileNames(self, "Merge annotator packs", "",
                                                "Packs (*.json);;All (*)")
        if not files:
            return
        try:
            summaries = merge_pack_files(self.project, files)
        except EmoSignError as exc:
            show_error(self, "Merge failed: nothing was changed", exc)
            return
        self.refresh()
        QMessageBox.information(self, "Packs merged", "\n".join(str(s) for s in summaries))

    def _on_conflicts(self) -> None:
        from emosign_desktop.ui.review.conflicts_dialog import ConflictsDialog

        assert self.project is not None
        ConflictsDialog(self.project.repo.conflicts(), self).exec()

    def _on_agreement(self) -> None:
        from PySide6.QtWidgets import QDockWidget

        from emosign_desktop.ui.review.agreement_panel import AgreementPanel

        assert self.project is not None
        if self.agreement is None:
            self.agreement = AgreementPanel()
            self.agreement.video_chosen.connect(self.select_video)
            dock = QDockWidget("Agreement", self)
            dock.setObjectName("agreement-dock")
            dock.setWidget(self.agreement)
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
            self.agreement_dock = dock
        self.agreement_dock.show()
        self.agreement.show_project(self.project)

    def select_video(self, name: str) -> bool:
        """Select the video called ``name`` in the list (it opens in the player)."""
        self.filter.clear()
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data() == name:
                self.table.selectRow(row)
                self.details.player.setFocus()
                return True
        return False

    def _on_about(self) -> None:
        QMessageBox.about(self, "About EmoSign Desktop",
                          f"EmoSign Desktop {__version__}\nAnnotate and review sign-language "
                          "video for emotion. Every edit is saved at once.")

    def closeEvent(self, event) -> None:
        if self.project is not None:
            self.project.close()
            self.project = None
        super().closeEvent(event)
