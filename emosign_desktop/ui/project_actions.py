"""What the File and Annotators menus do to a project: new, open, add videos, relink media,
import and export, packs, merges, conflicts, agreement."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QFileDialog, QInputDialog, QMessageBox

from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.storage import create_project
from emosign_desktop.ui.messages import show_error

if TYPE_CHECKING:
    from emosign_desktop.ui.main_window import MainWindow


class ProjectActions:
    """Menu operations on the window's project; each reports failures in one clear line."""

    def __init__(self, window: MainWindow) -> None:
        self.w = window

    def new(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.w, "New project: choose an empty folder")
        if not folder:
            return
        try:
            create_project(folder).close()
        except EmoSignError as exc:
            show_error(self.w, "Cannot create project", exc)
            return
        self.w.open_project(folder)

    def open(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.w, "Open project folder")
        if folder:
            self.w.open_project(folder)

    def add_videos(self, files: list[str] | None = None) -> None:
        from emosign_desktop.services.videos import add_videos

        assert self.w.project is not None
        if files is None:
            files, _ = QFileDialog.getOpenFileNames(
                self.w, "Add videos", "",
                "Videos (*.mp4 *.mov *.m4v *.mkv *.webm *.avi);;All (*)")
        if not files:
            return
        try:
            added = add_videos(self.w.project, files)
        except EmoSignError as exc:
            show_error(self.w, "Cannot add videos: nothing was added", exc)
            return
        self.w.refresh()
        self.w.statusBar().showMessage(f"added {len(added)} videos", 10000)

    def relink(self) -> None:
        from emosign_desktop.services.videos import relink_missing

        assert self.w.project is not None
        folder = QFileDialog.getExistingDirectory(self.w, "Find missing media in folder")
        if not folder:
            return
        found = relink_missing(self.w.project, folder)
        self.w.refresh()
        QMessageBox.information(self.w, "Relink media",
                                f"Found {len(found)} missing media files by their content"
                                + (": " + ", ".join(v.name for v in found) if found else "."))

    def import_csv(self) -> None:
        from emosign_desktop.io.emosign_csv import import_released

        assert self.w.project is not None
        file, _ = QFileDialog.getOpenFileName(self.w, "Import EmoSign CSV", "", "CSV (*.csv)")
        if not file:
            return
        try:
            summary = import_released(self.w.project.repo, file)
        except EmoSignError as exc:
            show_error(self.w, "Import failed: nothing was changed", exc)
            return
        self.w.refresh()
        self.w.statusBar().showMessage(f"{Path(file).name}: {summary}", 10000)

    def export_csv(self) -> None:
        from emosign_desktop.io.emosign_csv import export_released

        assert self.w.project is not None
        file, _ = QFileDialog.getSaveFileName(self.w, "Export EmoSign CSV", "", "CSV (*.csv)")
        if not file:
            return
        try:
            n = export_released(self.w.project.repo, file)
        except EmoSignError as exc:
            show_error(self.w, "Export failed", exc)
            return
        self.w.statusBar().showMessage(f"wrote {n} rows to {file}", 10000)

    def export_pack(self) -> None:
        from emosign_desktop.services.packs import export_pack

        assert self.w.project is not None
        names = [a.name for a in self.w.project.repo.annotators()]
        if not names:
            show_error(self.w, "Nothing to export", "No annotator has worked in this project.")
            return
        start = names.index(self.w.annotator) if self.w.annotator in names else 0
        name, ok = QInputDialog.getItem(self.w, "Export annotations", "Annotator:", names,
                                        start, False)
        if not ok:
            return
        file, _ = QFileDialog.getSaveFileName(self.w, "Save annotator pack",
                                              f"{name}.emosignpack.json", "Pack (*.json)")
        if not file:
            return
        try:
            pack = export_pack(self.w.project, name, file)
        except EmoSignError as exc:
            show_error(self.w, "Export failed", exc)
            return
        self.w.statusBar().showMessage(
            f"wrote {file}: {len(pack.annotations)} annotations, {len(pack.segments)} segments",
            10000)

    def merge(self) -> None:
        from emosign_desktop.services.packs import merge_pack_files

        assert self.w.project is not None
        files, _ = QFileDialog.getOpenFileNames(self.w, "Merge annotator packs", "",
                                                "Packs (*.json);;All (*)")
        if not files:
            return
        try:
            summaries = merge_pack_files(self.w.project, files)
        except EmoSignError as exc:
            show_error(self.w, "Merge failed: nothing was changed", exc)
            return
        self.w.refresh()
        QMessageBox.information(self.w, "Packs merged", "\n".join(str(s) for s in summaries))

    def conflicts(self) -> None:
        from emosign_desktop.ui.review.conflicts_dialog import ConflictsDialog

        assert self.w.project is not None
        ConflictsDialog(self.w.project.repo.conflicts(), self.w).exec()

    def agreement(self) -> None:
        from emosign_desktop.ui.review.agreement_panel import AgreementPanel

        assert self.w.project is not None
        if self.w.agreement is None:
            self.w.agreement = AgreementPanel()
            self.w.agreement.video_chosen.connect(self.w.select_video)
            dock = QDockWidget("Agreement", self.w)
            dock.setObjectName("agreement-dock")
            dock.setWidget(self.w.agreement)
            self.w.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
            self.w.agreement_dock = dock
        self.w.agreement_dock.show()
        self.w.agreement.show_project(self.w.project)
