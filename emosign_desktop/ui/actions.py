"""What the File, Edit and Annotators menus do: small functions of ``(parent, workspace)``.

Each asks what it needs (a file, a folder), runs one operation through the workspace, and
reports in one clear line: failures in a message box (nothing was changed), results in the
window's status bar.  None of them refreshes a panel: the panels follow the workspace.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from emosign_desktop.core.errors import (
    EmoSignError,
    NotSavedError,
    ProjectDamagedError,
    StaleChangeError,
)
from emosign_desktop.core.model import Video
from emosign_desktop.services.background import checkpoint
from emosign_desktop.services.session import Session
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui.messages import error_text, show_error
from emosign_desktop.ui.writing import tell, write

VIDEO_FILTER = "Videos (*.mp4 *.mov *.m4v *.mkv *.webm *.avi);;All (*)"
T = TypeVar("T")


def attempt(parent: QWidget, failure: str, work: Callable[[], T]) -> T | None:
    """Run ``work``; a refusal (bad file, bad value) is shown under ``failure`` and gives
    None.  Nothing was changed then: every operation is all or nothing."""
    try:
        return work()
    except NotSavedError as exc:
        show_error(parent, *error_text(exc))
        return None
    except EmoSignError as exc:
        show_error(parent, failure, exc)
        return None


def confirm(parent: QWidget, title: str, text: str, *, default_yes: bool = False) -> bool:
    """Ask a yes/no question; True when the answer is Yes (No is the default unless
    ``default_yes``)."""
    yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
    return QMessageBox.question(parent, title, text, yes | no, yes if default_yes else no) == yes


def open_file(parent: QWidget, title: str, kinds: str) -> str | None:
    file, _ = QFileDialog.getOpenFileName(parent, title, "", kinds)
    return file or None


def save_file(parent: QWidget, title: str, name: str, kinds: str) -> str | None:
    file, _ = QFileDialog.getSaveFileName(parent, title, name, kinds)
    return file or None


IMPORT_FAILED = "Import failed: nothing was changed"


# -- projects -------------------------------------------------------------------------------------
def open_folder(parent: QWidget, workspace: Workspace, folder: str | Path) -> bool:
    """Open the project in ``folder``; on failure say why and keep the current one.  A
    damaged project file is offered its newest good backup."""
    try:
        workspace.open(folder)
        return True
    except ProjectDamagedError as exc:
        if exc.backup is None:
            show_error(parent, "Cannot open project: the file is damaged", exc)
            return False
        if not confirm(parent, "The project file is damaged",
                       f"{exc}\n\nRestore the newest good backup now? The damaged file is "
                       "kept beside it, renamed.", default_yes=True):
            return False
        return restore_and_open(parent, workspace, folder, exc.backup)
    except EmoSignError as exc:
        show_error(parent, "Cannot open project", exc)
        return False


def restore_and_open(parent: QWidget, workspace: Workspace, folder: str | Path,
                     backup: Path | None) -> bool:
    """Restore ``backup`` (None: the newest good one) over the project in ``folder`` and
    open it; say what differs."""
    from emosign_desktop.services.safety import restore_backup

    if workspace.folder is not None and Path(workspace.folder) == Path(folder):
        workspace.close()
    done = attempt(parent, "Cannot restore the backup: nothing was changed",
                   lambda: restore_backup(folder, backup))
    if done is None:
        return False
    kept = f"\n\nThe replaced file is kept as {done.kept_as.name}." if done.kept_as else ""
    QMessageBox.information(parent, "Backup restored",
                            f"Restored {done.backup.describe()}.\n\n"
                            + "\n".join(done.differences) + kept)
    return attempt(parent, "Cannot open project", lambda: workspace.open(folder)) is not None


def backup_now(parent: QWidget, workspace: Workspace) -> None:
    """Back the open project up into its backups/ folder now."""
    from emosign_desktop.services.safety import backup_now as make

    folder = workspace.folder
    if folder is None:
        return
    made = attempt(parent, "Cannot back up the project", lambda: make(folder))
    if made is not None:
        tell(parent, f"backed up: {made.path.name} ({made.size / 1e6:.1f} MB)")


def restore(parent: QWidget, workspace: Workspace) -> None:
    """Choose a backup of the open project (or of a folder) and restore it."""
    from emosign_desktop.services.safety import backups_of

    folder = workspace.folder or QFileDialog.getExistingDirectory(
        parent, "Restore a backup: choose the project folder")
    if not folder:
        return
    found = attempt(parent, "Cannot list the backups", lambda: backups_of(folder))
    if not found:
        if found is not None:
            show_error(parent, "No backups", f"{folder}: its backups/ folder holds no backups")
        return
    names = [b.describe() for b in found]
    choice, ok = QInputDialog.getItem(parent, "Restore from backup",
                                      "Put this backup in place of the project file (the "
                                      "current file is kept beside it, renamed):", names, 0,
                                      False)
    if ok and choice:
        restore_and_open(parent, workspace, folder, found[names.index(choice)].path)


def new_project(parent: QWidget, workspace: Workspace) -> None:
    folder = QFileDialog.getExistingDirectory(parent, "New project: choose an empty folder")
    if folder:
        attempt(parent, "Cannot create project", lambda: workspace.create(folder))


def open_project(parent: QWidget, workspace: Workspace) -> None:
    folder = QFileDialog.getExistingDirectory(parent, "Open project folder")
    if folder:
        open_folder(parent, workspace, folder)


def add_videos(parent: QWidget, workspace: Workspace, files: list[str] | None = None) -> None:
    """Add video files; one whose content is already in the project (or given twice) is
    added only when the user confirms: "No" adds the other files without it, and a message
    says which were left out and which were added.  Files cut short are added with the
    frames that decode, and said so."""
    from emosign_desktop.core.errors import DuplicateMediaError
    from emosign_desktop.services.videos import add_videos as add

    if files is None:
        files, _ = QFileDialog.getOpenFileNames(parent, "Add videos", "", VIDEO_FILTER)
    if not files:
        return
    failure = "Cannot add videos: nothing was added"

    def run(session: Session, chosen: list[str], allow_duplicate: bool = False
            ) -> list[Video]:
        return add(session, chosen, allow_duplicate=allow_duplicate,
                   progress=lambda i, n: checkpoint(i, n, f"reading video {i + 1} of {n}"))

    def ask(exc: BaseException) -> bool:
        """Files already in the project: add them anyway, or the others only?"""
        if not isinstance(exc, DuplicateMediaError):
            return False
        same = [f"{Path(f).name}: same content as {name}" for f, name in exc.duplicates]
        dupes = {str(Path(f)) for f, _name in exc.duplicates}
        others = [f for f in files if str(Path(f)) not in dupes]
        one = len(exc.duplicates) == 1
        no = (f"No adds the other {len(others)} file{'s' * (len(others) != 1)} without "
              f"{'it' if one else 'them'}." if others else "No adds nothing.")
        answer = QMessageBox.question(
            parent, "Same video again?",
            "\n".join(same) + f"\n\nAdd {'it' if one else 'them'} as another video "
            f"anyway? {no}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes:
            write(parent, workspace, lambda s: run(s, files, True), failure=failure,
                  done=lambda added: _tell_added(parent, added, []), long="Adding videos")
        elif others:
            write(parent, workspace, lambda s: run(s, others), failure=failure,
                  done=lambda added: _tell_added(parent, added, same), long="Adding videos")
        else:
            _tell_added(parent, [], same)
        return True

    write(parent, workspace, lambda s: run(s, files), failure=failure, failed=ask,
          done=lambda added: _tell_added(parent, added, []), long="Adding videos")


def _tell_added(parent: QWidget, added: list[Video], left_out: list[str]) -> None:
    """Say what was added, what was left out, and which files are cut short."""
    from emosign_desktop.services.videos import media_warnings

    if left_out and not added:  # the user's "No" to the only files given
        tell(parent, "nothing was added")
        return
    if left_out:
        names = "\n".join(Path(v.media_path or v.name).name for v in added)
        QMessageBox.information(
            parent, "Videos added without the duplicates",
            f"Added {len(added)}:\n{names}\n\nLeft out {len(left_out)} (the same video "
            "again):\n" + "\n".join(left_out))
    warnings = media_warnings(added)
    if warnings:
        QMessageBox.warning(parent, "Some files are cut short",
                            "\n".join(warnings) + "\n\nThey are marked in the video list.")
    tell(parent, f"added {len(added)} videos"
         + (f", left out {len(left_out)} duplicates" if left_out else ""))


def relink(parent: QWidget, workspace: Workspace) -> None:
    from emosign_desktop.services.videos import relink_missing

    folder = QFileDialog.getExistingDirectory(parent, "Find missing media in folder")
    if not folder:
        return
    def found(videos: list[Video]) -> None:
        QMessageBox.information(parent, "Relink media",
                                f"Found {len(videos)} missing media files by their content"
                                + (": " + ", ".join(v.name for v in videos) if videos else "."))

    write(parent, workspace, lambda s: relink_missing(s, folder), done=found,
          failure="Cannot relink: nothing was changed", long="Looking for missing media")


_NEW_CONTENT = ("Its frame count, rate and size are read from the file and stored; the labels "
                "and segments are kept as they are. Edit ▸ Undo takes it back.")


def relink_video_file(parent: QWidget, workspace: Workspace, file: str | None = None) -> None:
    """Link the current video to a file the user chooses (moved or renamed): linked when its
    content is the video's; other content only after the user accepts it as new content."""
    from emosign_desktop.services.relinking import DifferentMediaError, Relinked, relink_video

    video = workspace.video
    if video is None:
        show_error(parent, "Relink video file", "Select a video first.")
        return
    file = file or open_file(parent, f"Relink {video.name}: choose its file", VIDEO_FILTER)
    if not file:
        return
    chosen = file
    failure = "Cannot relink: nothing was changed"

    def linked(done: Relinked) -> None:
        _tell_relinked(parent, done.lines(), bool(done.past_end))

    def ask(exc: BaseException) -> bool:
        if not isinstance(exc, DifferentMediaError):
            return False
        if confirm(parent, "Another file's content",
                   f"{exc}.\n\nUse {Path(chosen).name} as the new content of "
                   f"{video.name} (the same recording, re-encoded)? {_NEW_CONTENT}"):
            write(parent, workspace, lambda s: relink_video(s, video.name, chosen,
                                                          accept_changed=True),
                  done=linked, failure=failure)
        else:
            tell(parent, "nothing was relinked")
        return True

    write(parent, workspace, lambda s: relink_video(s, video.name, chosen), done=linked,
          failed=ask, failure=failure)


def accept_changed_file(parent: QWidget, workspace: Workspace) -> None:
    """Take the changed file at the current video's path as its new content, after asking."""
    from emosign_desktop.services.media_check import check_video
    from emosign_desktop.services.relinking import accept_changed_media

    video = workspace.video
    if video is None or workspace.session is None:
        show_error(parent, "Accept changed video file", "Select a video first.")
        return
    check = check_video(workspace.session, video)
    if not check.changed:
        show_error(parent, "Accept changed video file",
                   f"{video.name}: nothing to accept: its file is {check.state.value}.")
        return
    if not confirm(parent, "Accept the changed file?",
                   f"{check.reason}.\n\nAccept it as the new content of {video.name} (the "
                   f"same recording, re-encoded)? {_NEW_CONTENT}"):
        return
    write(parent, workspace, lambda s: accept_changed_media(s, video),
          failure="Cannot accept the file: nothing was changed",
          done=lambda done: _tell_relinked(parent, done.lines(), bool(done.past_end)))


def _tell_relinked(parent: QWidget, lines: list[str], warn: bool) -> None:
    if warn:  # segments now reach past the last frame: worth more than a status line
        QMessageBox.warning(parent, "Segments past the last frame", "\n".join(lines))
    else:
        tell(parent, "; ".join(lines))


def import_csv(parent: QWidget, workspace: Workspace) -> None:
    from emosign_desktop.services.csv_exchange import import_released

    file = open_file(parent, "Import EmoSign CSV", "CSV (*.csv)")
    if not file:
        return
    write(parent, workspace, lambda s: import_released(s, file), failure=IMPORT_FAILED,
          done=lambda summary: tell(parent, f"{Path(file).name}: {summary}"),
          long=f"Importing {Path(file).name}")


def export_csv(parent: QWidget, workspace: Workspace) -> None:
    file = save_file(parent, "Export EmoSign CSV", "", "CSV (*.csv)")
    n = file and attempt(parent, "Export failed", lambda: workspace.queries.export_released(file))
    if file and n is not None:
        tell(parent, f"wrote {n} rows to {file}")


# -- other tools' files ----------------------------------------------------------------------
def import_elan(parent: QWidget, workspace: Workspace) -> None:
    """Import an ELAN file onto the video it links (or, if it links none the project has, the
    current video, after asking)."""
    from emosign_desktop.services.elan import import_eaf

    file = open_file(parent, "Import ELAN file", "ELAN (*.eaf)")
    if not file:
        return
    def which_video(exc: BaseException) -> bool:
        video = workspace.video
        if not isinstance(exc, EmoSignError) or "give --video" not in str(exc) \
                or video is None:
            return False
        if confirm(parent, "Which video?", f"{exc}\n\nImport it onto {video.name}?"):
            write(parent, workspace, lambda s: import_eaf(s, file, video=video.name),
                  failure=IMPORT_FAILED, done=lambda result: tell(parent, str(result)),
                  long=f"Importing {Path(file).name}")
        return True

    write(parent, workspace, lambda s: import_eaf(s, file), failure=IMPORT_FAILED,
          failed=which_video, done=lambda result: tell(parent, str(result)),
          long=f"Importing {Path(file).name}")


def export_elan(parent: QWidget, workspace: Workspace) -> None:
    """Write the current video's tiers (every annotator) as an ELAN file."""
    video = workspace.video
    if video is None:
        show_error(parent, "Export ELAN file", "Select a video first.")
        return
    file = save_file(parent, "Export ELAN file", f"{video.name}.eaf", "ELAN (*.eaf)")
    result = file and attempt(parent, "Export failed",
                              lambda: workspace.queries.export_eaf(video.name, file))
    if result:
        tell(parent, str(result))


def import_signstream(parent: QWidget, workspace: Workspace) -> None:
    """Import a SignStream file's annotations as reference tiers on the matching videos."""
    from emosign_desktop.services.signstream import import_signstream as run

    file = open_file(parent, "Import SignStream file", "SignStream XML (*.xml)")
    if not file:
        return
    write(parent, workspace, lambda s: run(s, file), failure=IMPORT_FAILED,
          done=lambda result: QMessageBox.information(parent, "SignStream import",
                                                      "\n".join(result.lines())),
          long=f"Importing {Path(file).name}")


def export_segments(parent: QWidget, workspace: Workspace) -> None:
    """Every segment, one row each, for pandas or R (.csv or .parquet)."""
    file = save_file(parent, "Export segments for analysis", "segments.csv",
                     "CSV (*.csv);;Parquet (*.parquet)")
    n = file and attempt(parent, "Export failed", lambda: workspace.queries.export_segments(file))
    if file and n is not None:
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
    file = save_file(parent, "Save annotator pack", f"{name}.emosignpack.json",
                     "Pack (*.json)")
    pack = file and attempt(parent, "Export failed",
                            lambda: workspace.queries.export_pack(name, file))
    if pack:
        tell(parent, f"wrote {file}: {len(pack.annotations)} annotations, "
                     f"{len(pack.segments)} segments")


def merge_packs(parent: QWidget, workspace: Workspace) -> None:
    from emosign_desktop.services.packs import merge_pack_files

    files, _ = QFileDialog.getOpenFileNames(parent, "Merge annotator packs", "",
                                            "Packs (*.json);;All (*)")
    if not files:
        return
    write(parent, workspace, lambda s: merge_pack_files(s, files),
          failure="Merge failed: nothing was changed",
          done=lambda summaries: QMessageBox.information(
              parent, "Packs merged", "\n".join(str(s) for s in summaries)),
          long=f"Merging {len(files)} pack{'s' * (len(files) != 1)}")


def show_conflicts(parent: QWidget, workspace: Workspace) -> None:
    from emosign_desktop.ui.review.conflicts_dialog import ConflictsDialog

    ConflictsDialog(workspace.queries.conflicts(), parent).exec()


# -- undo -----------------------------------------------------------------------------------------
def undo(parent: QWidget, workspace: Workspace) -> None:
    """Undo the newest step (on the background writer, after the writes asked for before);
    a step whose target changed since is refused, and said so."""
    if workspace.has_project:
        write(parent, workspace, lambda _s: workspace.undo(),
              failed=lambda exc: _stale(parent, "undo", exc))


def redo(parent: QWidget, workspace: Workspace) -> None:
    if workspace.has_project:
        write(parent, workspace, lambda _s: workspace.redo(),
              failed=lambda exc: _stale(parent, "redo", exc))


def _stale(parent: QWidget, what: str, exc: BaseException) -> bool:
    if not isinstance(exc, StaleChangeError):
        return False
    show_error(parent, f"Cannot {what}", f"{exc}\n\nThis step was removed from the Edit menu.")
    return True


def edit_tiers(parent: QWidget, workspace: Workspace) -> None:
    from emosign_desktop.ui.tiers_dialog import TiersDialog

    TiersDialog(workspace, parent).exec()
