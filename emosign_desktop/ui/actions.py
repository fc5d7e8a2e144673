"""What the File, Edit and Annotators menus do: small functions of ``(parent, workspace)``.

Each asks what it needs (a file, a folder), runs one operation through the workspace, and
reports in one clear line: failures in a message box (nothing was changed), results in the
window's status bar.  None of them refreshes a panel: the panels follow the workspace.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMainWindow, QMessageBox, QWidget

from emosign_desktop.core.errors import EmoSignError, StaleChangeError
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui.messages import show_error

VIDEO_FILTER = "Videos (*.mp4 *.mov *.m4v *.mkv *.webm *.avi);;All (*)"


def tell(parent: QWidget, text: str) -> None:
    """Show a result in the window's status bar (for ten seconds)."""
    window = parent.window()
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(text, 10000)


# -- projects -------------------------------------------------------------------------------------
def open_folder(parent: QWidget, workspace: Workspace, folder: str | Path) -> bool:
    """Open the project in ``folder``; on failure say why and keep the current one."""
    try:
        workspace.open(folder)
    except EmoSignError as exc:
        show_error(parent, "Cannot open project", exc)
        return False
    return True


def new_project(parent: QWidget, workspace: Workspace) -> None:
    folder = QFileDialog.getExistingDirectory(parent, "New project: choose an empty folder")
    if not folder:
        return
    try:
        workspace.create(folder)
    except EmoSignError as exc:
        show_error(parent, "Cannot create project", exc)


def open_project(parent: QWidget, workspace: Workspace) -> None:
    folder = QFileDialog.getExistingDirectory(parent, "Open project folder")
    if folder:
        open_folder(parent, workspace, folder)


def add_videos(parent: QWidget, workspace: Workspace, files: list[str] | None = None) -> None:
    """Add video files; one whose content is already in the project is added only when the
    user confirms; files cut short are added with the frames that decode, and said so."""
    from emosign_desktop.core.errors import DuplicateMediaError
    from emosign_desktop.services.videos import add_videos as add
    from emosign_desktop.services.videos import media_warnings

    if files is None:
        files, _ = QFileDialog.getOpenFileNames(parent, "Add videos", "", VIDEO_FILTER)
    if not files:
        return
    try:
        try:
            added = add(workspace.writer, files)
        except DuplicateMediaError as exc:
            same = "\n".join(f"{Path(f).name}: same content as {name}"
                              for f, name in exc.duplicates)
            answer = QMessageBox.question(
                parent, "Same video again?",
                f"{same}\n\nAdd it as another video anyway?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                tell(parent, "nothing was added")
                return
            added = add(workspace.writer, files, allow_duplicate=True)
    except EmoSignError as exc:
        show_error(parent, "Cannot add videos: nothing was added", exc)
        return
    warnings = media_warnings(added)
    if warnings:
        QMessageBox.warning(parent, "Some files are cut short",
                            "\n".join(warnings) + "\n\nThey are marked in the video list.")
    tell(parent, f"added {len(added)} videos")


def relink(parent: QWidget, workspace: Workspace) -> None:
    from emosign_desktop.services.videos import relink_missing

    folder = QFileDialog.getExistingDirectory(parent, "Find missing media in folder")
    if not folder:
        return
    found = relink_missing(workspace.writer, folder)
    QMessageBox.information(parent, "Relink media",
                            f"Found {len(found)} missing media files by their content"
                            + (": " + ", ".join(v.name for v in found) if found else "."))


def import_csv(parent: QWidget, workspace: Workspace) -> None:
    from emosign_desktop.services.csv_exchange import import_released

    file, _ = QFileDialog.getOpenFileName(parent, "Import EmoSign CSV", "", "CSV (*.csv)")
    if not file:
        return
    try:
        summary = import_released(workspace.writer, file)
    except EmoSignError as exc:
        show_error(parent, "Import failed: nothing was changed", exc)
        return
    tell(parent, f"{Path(file).name}: {summary}")


def export_csv(parent: QWidget, workspace: Workspace) -> None:
    file, _ = QFileDialog.getSaveFileName(parent, "Export EmoSign CSV", "", "CSV (*.csv)")
    if not file:
        return
    try:
        n = workspace.queries.export_released(file)
    except EmoSignError as exc:
        show_error(parent, "Export failed", exc)
        return
    tell(parent, f"wrote {n} rows to {file}")


# -- other tools' files ----------------------------------------------------------------------
def import_elan(parent: QWidget, workspace: Workspace) -> None:
    """Import an ELAN file onto the video it links (or, if it links none the project has, the
    current video, after asking)."""
    from emosign_desktop.services.elan import import_eaf

    file, _ = QFileDialog.getOpenFileName(parent, "Import ELAN file", "", "ELAN (*.eaf)")
    if not file:
        return
    try:
        try:
            result = import_eaf(workspace.writer, file)
        except EmoSignError as exc:
            video = workspace.video
            if "give --video" not in str(exc) or video is None:
                raise
            answer = QMessageBox.question(
                parent, "Which video?", f"{exc}\n\nImport it onto {video.name}?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return
            result = import_eaf(workspace.writer, file, video=video.name)
    except EmoSignError as exc:
        show_error(parent, "Import failed: nothing was changed", exc)
        return
    tell(parent, str(result))


def export_elan(parent: QWidget, workspace: Workspace) -> None:
    """Write the current video's tiers (every annotator) as an ELAN file."""
    video = workspace.video
    if video is None:
        show_error(parent, "Export ELAN file", "Select a video first.")
        return
    file, _ = QFileDialog.getSaveFileName(parent, "Export ELAN file", f"{video.name}.eaf",
                                          "ELAN (*.eaf)")
    if not file:
        return
    try:
        result = workspace.queries.export_eaf(video.name, file)
    except EmoSignError as exc:
        show_error(parent, "Export failed", exc)
        return
    tell(parent, str(result))


def import_signstream(parent: QWidget, workspace: Workspace) -> None:
    """Import a SignStream file's annotations as reference tiers on the matching videos."""
    from emosign_desktop.services.signstream import import_signstream as run

    file, _ = QFileDialog.getOpenFileName(parent, "Import SignStream file", "",
                                          "SignStream XML (*.xml)")
    if not file:
        return
    try:
        result = run(workspace.writer, file)
    except EmoSignError as exc:
        show_error(parent, "Import failed: nothing was changed", exc)
        return
    QMessageBox.information(parent, "SignStream import", "\n".join(result.lines()))


def export_segments(parent: QWidget, workspace: Workspace) -> None:
    """Every segment, one row each, for pandas or R (.csv or .parquet)."""
    file, _ = QFileDialog.getSaveFileName(parent, "Export segments for analysis",
                                          "segments.csv", "CSV (*.csv);;Parquet (*.parquet)")
    if not file:
        return
    try:
        n = workspace.queries.export_segments(file)
    except EmoSignError as exc:
        show_error(parent, "Export failed", exc)
        return
    tell(parent, f"wrote {n} segments to {file}")


# -- several annotators ---------------------------------------------------------------------------
def export_pack(parent: QWidget, workspace: Workspace) -> None:
    names = workspace.queries.working_annotators()
    if not names:
        show_error(parent, "Nothing to export", "No annotator has worked in this project.")
        return
    start = names.index(workspace.annotator) if workspace.annotator in names else 0
    name, ok = QInputDialog.getItem(parent, "Export annotations", "Annotator:", names,
                                    start, False)
    if not ok:
        return
    file, _ = QFileDialog.getSaveFileName(parent, "Save annotator pack",
                                          f"{name}.emosignpack.json", "Pack (*.json)")
    if not file:
        return
    try:
        pack = workspace.queries.export_pack(name, file)
    except EmoSignError as exc:
        show_error(parent, "Export failed", exc)
        return
    tell(parent, f"wrote {file}: {len(pack.annotations)} annotations, "
                 f"{len(pack.segments)} segments")


def merge_packs(parent: QWidget, workspace: Workspace) -> None:
    from emosign_desktop.services.packs import merge_pack_files

    files, _ = QFileDialog.getOpenFileNames(parent, "Merge annotator packs", "",
                                            "Packs (*.json);;All (*)")
    if not files:
        return
    try:
        summaries = merge_pack_files(workspace.writer, files)
    except EmoSignError as exc:
        show_error(parent, "Merge failed: nothing was changed", exc)
        return
    QMessageBox.information(parent, "Packs merged", "\n".join(str(s) for s in summaries))


def show_conflicts(parent: QWidget, workspace: Workspace) -> None:
    from emosign_desktop.ui.review.conflicts_dialog import ConflictsDialog

    ConflictsDialog(workspace.queries.conflicts(), parent).exec()


# -- undo -----------------------------------------------------------------------------------------
def undo(parent: QWidget, workspace: Workspace) -> None:
    """Undo the newest step; a step whose target changed since is refused, and said so."""
    try:
        workspace.undo()
    except StaleChangeError as exc:
        show_error(parent, "Cannot undo", f"{exc}\n\nThis step was removed from the Edit menu.")


def redo(parent: QWidget, workspace: Workspace) -> None:
    try:
        workspace.redo()
    except StaleChangeError as exc:
        show_error(parent, "Cannot redo", f"{exc}\n\nThis step was removed from the Edit menu.")


def edit_tiers(parent: QWidget, workspace: Workspace) -> None:
    from emosign_desktop.ui.tiers_dialog import TiersDialog

    TiersDialog(workspace, parent).exec()
