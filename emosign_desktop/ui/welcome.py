"""The welcome screen: what the window shows while no project is open.

Three ways in, each one click: open a project, open the demo project, or make a project
from a folder of videos (inside that folder or beside it, with every video found in it added
through the workspace's write path).  Recent projects are listed below.  Nothing here needs
the network, except the fourth way in, for a lab: a project on a PostgreSQL server, made or
joined (see ``server_project.py``).  :func:`install_welcome` puts the screen in a window's
centre and switches between it and the workspace as projects open and close.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from emosign_desktop.core.changes import Changes
from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.services.videos import VIDEO_SUFFIXES
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui import actions
from emosign_desktop.ui.messages import show_error

INSIDE_NAME = "EmoSign project"
BESIDE_SUFFIX = " (EmoSign project)"


def videos_in(folder: Path, skip: Path | None = None) -> list[Path]:
    """Every video file under ``folder`` (sub-folders included, ``skip`` and hidden folders
    left out), in name order."""
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if skip is not None and (path == skip or skip in path.parents):
            continue
        if path.suffix.lower() in VIDEO_SUFFIXES and path.is_file():
            found.append(path)
    return found


def project_location(videos: Path, inside: bool) -> Path:
    """Where a project for the folder ``videos`` goes: ``videos/EmoSign project`` or
    ``videos (EmoSign project)`` beside it."""
    videos = videos.resolve()
    if inside:
        return videos / INSIDE_NAME
    return videos.with_name(videos.name + BESIDE_SUFFIX)


def create_from_folder(parent: QWidget, workspace: Workspace, videos: Path,
                       inside: bool) -> Path | None:
    """Create a project for the folder ``videos`` and add every video found in it (one
    operation on the workspace's writer).  Returns the project folder, or None (said why)."""
    target = project_location(videos, inside)
    files = videos_in(videos, skip=target)
    if not files:
        show_error(parent, "No videos found",
                   f"There are no video files ({', '.join(VIDEO_SUFFIXES)}) in {videos}. "
                   "No project was created.")
        return None
    if target.exists() and any(target.iterdir()):
        show_error(parent, "Cannot create project",
                   f"{target} already exists and is not empty. No project was created.")
        return None
    try:
        workspace.create(target)
    except EmoSignError as exc:
        show_error(parent, "Cannot create project", exc)
        return None
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        actions.add_videos(parent, workspace, [str(f) for f in files])
    finally:
        QApplication.restoreOverrideCursor()
    return target


class WelcomeScreen(QWidget):
    """Open a project, open the demo, or make a project from a folder of videos."""

    def __init__(self, workspace: Workspace, open_folder: Callable[[str | Path], bool],
                 recent: Callable[[], list[str]]) -> None:
        super().__init__()
        self.setObjectName("welcome")
        self.workspace = workspace
        self._open_folder = open_folder
        self._recent = recent
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        column = QVBoxLayout()
        title = QLabel("<h1>Welcome to EmoSign Desktop</h1>")
        title.setTextFormat(Qt.TextFormat.RichText)
        column.addWidget(title)
        intro = QLabel("Annotate sign-language video for emotion. Everything stays on this "
                       "computer: no account and no network are needed, and every edit is "
                       "saved the moment you make it.")
        intro.setWordWrap(True)
        column.addWidget(intro)
        self.open_button = self._button("&Open a Project...", self.open_project,
                                        "Open a project folder (or its project.emosign file)")
        self.demo_button = self._button("Open the &Demo Project", self.open_demo,
                                        "Four short clips of people signing, with example "
                                        "labels, to try everything out")
        self.folder_button = self._button("&New Project from a Folder of Videos...",
                                          self.from_folder,
                                          "Choose a folder: every video in it is added")
        self.server_button = self._button(
            "New Project on a &Server...", self.on_server,
            "For a lab: the labels live in a PostgreSQL database on a server, so several "
            "annotators work at once (a project already there is joined)")
        self.server_button.setMinimumHeight(0)
        self.server_button.setFlat(True)
        for button in (self.open_button, self.demo_button, self.folder_button,
                       self.server_button):
            column.addWidget(button)
        self.recent_label = QLabel("Recent projects:")
        column.addWidget(self.recent_label)
        self.recent_box = QVBoxLayout()
        column.addLayout(self.recent_box)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addLayout(column, 3)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.setFocusProxy(self.open_button)
        self.refresh()

    def _button(self, text: str, slot: Callable[[], object], tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setAccessibleDescription(tip)
        button.setMinimumHeight(40)
        button.setAutoDefault(True)  # Return and Enter press it, as Space does
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def refresh(self) -> None:
        """List the recent projects that still exist."""
        while self.recent_box.count():
            item = self.recent_box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        recent = [f for f in self._recent() if (Path(f) / "project.emosign").is_file()][:5]
        for folder in recent:
            button = QPushButton(Path(folder).name)
            button.setToolTip(folder)
            button.setFlat(True)
            button.setAutoDefault(True)  # Return and Enter open it, as Space does
            button.clicked.connect(lambda _c=False, f=folder: self._open_folder(f))
            self.recent_box.addWidget(button)
        self.recent_label.setVisible(bool(recent))

    # -- the three ways in -----------------------------------------------------------------
    def open_project(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open project folder")
        if folder:
            self._open_folder(folder)

    def open_demo(self) -> bool:
        from emosign_desktop.services.demo import ensure_demo_project

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            folder = ensure_demo_project()
        except EmoSignError as exc:
            show_error(self, "Cannot create the demo project", exc)
            return False
        finally:
            QApplication.restoreOverrideCursor()
        return self._open_folder(folder)

    def on_server(self) -> bool:
        from emosign_desktop.ui.server_project import new_server_project

        return new_server_project(self, self.workspace)

    def from_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Choose the folder with your videos")
        if not chosen:
            return
        videos = Path(chosen)
        found = videos_in(videos)
        if not found:
            show_error(self, "No videos found",
                       f"There are no video files in {videos}. No project was created.")
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Where should the project go?",
                          f"{len(found)} videos found in {videos}.\n\nCreate the project "
                          f"inside that folder (as “{INSIDE_NAME}”) or beside it (as "
                          f"“{videos.name}{BESIDE_SUFFIX}”)? The videos stay where they are.",
                          parent=self)
        inside = box.addButton("&Inside the Folder", QMessageBox.ButtonRole.AcceptRole)
        beside = box.addButton("&Beside the Folder", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        if clicked not in (inside, beside):
            return
        create_from_folder(self, self.workspace, videos, inside=clicked is inside)


def install_welcome(window: QMainWindow, workspace: Workspace,
                    open_folder: Callable[[str | Path], bool], recent: Callable[[], list[str]],
                    docks: list[QWidget]) -> WelcomeScreen:
    """Put the welcome screen in ``window``'s centre, in front of its central widget while
    no project is open (the ``docks`` are hidden meanwhile)."""
    workspace_view = window.takeCentralWidget()
    stack = QStackedWidget()
    welcome = WelcomeScreen(workspace, open_folder, recent)
    stack.addWidget(welcome)
    if workspace_view is not None:
        stack.addWidget(workspace_view)
    window.setCentralWidget(stack)

    def follow(_changes: Changes | None = None) -> None:
        has = workspace.has_project
        if has and workspace_view is not None:
            stack.setCurrentWidget(workspace_view)
        else:
            welcome.refresh()
            stack.setCurrentWidget(welcome)
        for dock in docks:
            dock.setVisible(has)

    workspace.on_changes(follow)
    follow()
    return welcome
