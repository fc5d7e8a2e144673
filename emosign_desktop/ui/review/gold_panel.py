"""Gold videos, for whoever reviews the annotators: the list of gold videos with each one's
reference annotator, marking the current video (or videos chosen in a list) gold with a
reference, and unmarking.  Each is one operation through ``services.gold`` (one step of
Edit ▸ Undo, named "mark 1 video gold"); a refusal is shown in a message box and changes
nothing.  Nothing in the annotators' own views says which videos are gold: only this panel
(and the agreement over time it feeds) does.  Alt+L marks the current video, Alt+P picks
videos, Delete in the list unmarks (the window's other Alt letters are taken)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, QSize, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from emosign_desktop.core.changes import Changes
from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui.dialog_size import fit_to_screen
from emosign_desktop.ui.messages import show_error
from emosign_desktop.ui.refreshing import RefreshWhenShown
from emosign_desktop.ui.writing import write

MARK_FAILED = "Cannot mark gold: nothing was changed"
UNMARK_FAILED = "Cannot unmark gold: nothing was changed"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"



def _buddy(text: str, widget: QWidget) -> QLabel:
    """A label whose mnemonic (Alt+letter) gives ``widget`` the keyboard focus."""
    label = QLabel(text)
    label.setBuddy(widget)
    return label

class GoldPanel(RefreshWhenShown):
    """The gold videos of the open project, and the buttons that change them."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.note = QLabel("Gold videos: their reference annotator's labels count as the "
                           "truth in Agreement over time. Annotators are not shown which "
                           "videos are gold.")
        self.note.setWordWrap(True)
        self.note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Gold video", "Reference annotator"])
        self.table.setAccessibleName("Gold videos and their reference annotators")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._enable)
        self.table.installEventFilter(self)  # Delete unmarks the selected videos
        self.reference = QComboBox()
        self.reference.setAccessibleName("Reference annotator for the videos to mark gold")
        self.reference.setToolTip("Whose labels are the truth of the videos you mark gold "
                                  "(a person, or labels imported from a file)")
        self.mark_current = QPushButton("Mark Current Video Gold")
        self.mark_current.setToolTip("The video open in the player becomes gold, with the "
                                     "reference annotator's labels as its truth")
        self.mark_current.clicked.connect(self.mark_current_video)
        self.mark_chosen = QPushButton("Pick Videos to Mark...")
        self.mark_chosen.setToolTip("Choose several videos in a list to mark gold")
        self.mark_chosen.clicked.connect(self.choose_videos)
        self.unmark = QPushButton("Unmark Selected")
        self.unmark.setToolTip("The videos selected in the list are gold no more (Delete)")
        self.unmark.clicked.connect(self.unmark_selected)
        self.count = QLabel()
        self.count.setWordWrap(True)

        side = QVBoxLayout()
        side.addWidget(_buddy("Reference annotator:", self.reference))
        side.addWidget(self.reference)
        side.addWidget(self.mark_current)
        side.addWidget(self.mark_chosen)
        side.addWidget(self.unmark)
        side.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.count)
        left.addWidget(self.table, 1)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(side)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.note)
        layout.addLayout(body, 1)

        self.gold: dict[str, str] = {}
        self._stale = True
        workspace.on_changes(self._on_changes)
        workspace.on_video(self._enable)
        self._enable()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.table and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Delete
                and self.selected()):
            self.unmark_selected()
            return True
        return super().eventFilter(watched, event)

    # -- listening -----------------------------------------------------------------------
    def _on_changes(self, changes: Changes) -> None:
        # the gold videos; the reference annotators are those who labelled something
        if changes.project or changes.gold or changes.annotations or changes.annotators:
            self.refresh_when_shown()


    def refresh(self) -> None:
        """Read the gold videos and the possible reference annotators again."""
        self._stale = False
        self.gold = {}
        names: list[str] = []
        problem = ""
        if self.workspace.has_project:
            queries = self.workspace.queries
            names = queries.working_annotators()
            try:
                self.gold = queries.gold_videos()
            except EmoSignError as exc:
                problem = str(exc)
        chosen = self.reference.currentText()
        self.reference.clear()
        self.reference.addItems(names)
        if chosen in names:
            self.reference.setCurrentText(chosen)
        self.table.setRowCount(len(self.gold))
        for r, (video, who) in enumerate(sorted(self.gold.items())):
            for c, text in enumerate((video, who)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, video)
                self.table.setItem(r, c, item)
        if not self.workspace.has_project:
            self.count.setText("No project open.")
        elif problem:
            self.count.setText(problem)
        elif not self.gold:
            self.count.setText("No video is gold yet: choose a reference annotator, then "
                               "mark the current video or choose videos.")
        else:
            self.count.setText(f"{_plural(len(self.gold), 'gold video')}:")
        self._enable()

    def _enable(self) -> None:
        has = self.workspace.has_project
        video = self.workspace.video if has else None
        self.mark_current.setEnabled(video is not None)
        self.mark_current.setToolTip(
            f"Mark {video.name} (the video open in the player) gold, with the reference "
            "annotator's labels as its truth" if video is not None
            else "Open a video in the player first")
        self.mark_chosen.setEnabled(has)
        self.unmark.setEnabled(has and bool(self.selected()))

    def selected(self) -> list[str]:
        """The gold videos selected in the list."""
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        items = [self.table.item(r, 0) for r in rows]
        return [i.text() for i in items if i is not None]

    # -- changing gold -------------------------------------------------------------------
    def mark(self, names: list[str], reference: str,
             then: Callable[[bool], None] | None = None) -> bool:
        """Mark ``names`` gold with ``reference``'s labels (one undo step, on the background
        writer; ``then(ok)`` once it ran); a refusal is shown, and gives False (at once when
        no reference is chosen)."""
        from emosign_desktop.services.gold import set_gold

        if not reference:
            show_error(self, MARK_FAILED, "Choose the reference annotator first: whose "
                       "labels are the truth of these videos.")
            return False
        def marked(_changes: object) -> None:
            self._tell(f"marked {_plural(len(set(names)), 'video')} gold (reference: "
                       f"{reference})")
            if then is not None:
                then(True)

        write(self, self.workspace, lambda s: set_gold(s, names, reference),
              initiator=self, done=marked, failure=MARK_FAILED,
              failed=lambda _exc: then(False) if then is not None else None)
        return True

    def mark_current_video(self) -> bool:
        video = self.workspace.video
        if video is None:
            show_error(self, MARK_FAILED, "Open a video in the player first.")
            return False
        return self.mark([video.name], self.reference.currentText())

    def choose_videos(self) -> None:
        """A list of the project's videos to mark gold (the current one selected)."""
        if not self.workspace.has_project:
            return
        names = [v.name for v in self.workspace.queries.videos()]
        current = self.workspace.video.name if self.workspace.video else None
        dialog = MarkGoldDialog(names, self.gold, [self.reference.itemText(i) for i in
                                                   range(self.reference.count())],
                                self.reference.currentText(), self.mark, self)
        if current is not None:
            dialog.select([current])
        dialog.exec()

    def unmark_selected(self) -> bool:
        from emosign_desktop.services.gold import clear_gold

        names = self.selected()
        if not names:
            show_error(self, UNMARK_FAILED, "Select gold videos in the list first.")
            return False
        write(self, self.workspace, lambda s: clear_gold(s, names), initiator=self,
              done=lambda _c: self._tell(f"{_plural(len(names), 'video')} no longer gold"),
              failure=UNMARK_FAILED)
        return True

    def _tell(self, text: str) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 10000)


class MarkGoldDialog(QDialog):
    """Videos to mark gold, chosen in a list (type to filter), and their reference.  OK runs
    ``mark(names, reference, then)``; when it refuses (and says why) the dialog stays open."""

    def __init__(self, videos: list[str], gold: dict[str, str], references: list[str],
                 reference: str, mark: Callable[[list[str], str, Callable[[bool], None]], bool],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Mark videos gold")
        self._mark = mark
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter videos by name")
        self.filter.setAccessibleName("Filter videos by name")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.videos = QListWidget()
        self.videos.setAccessibleName("Videos to mark gold (Ctrl or Shift selects several)")
        self.videos.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        for name in videos:
            text = name + (f"  (gold: {gold[name]})" if name in gold else "")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.videos.addItem(item)
        self.reference = QComboBox()
        self.reference.setAccessibleName("Reference annotator")
        self.reference.addItems(references)
        if reference in references:
            self.reference.setCurrentText(reference)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Mark Gold")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(_buddy("&Reference annotator:", self.reference))
        row.addWidget(self.reference, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Select the videos to mark gold (Ctrl or Shift selects "
                                "several); one already gold takes this reference instead:",
                                wordWrap=True))
        layout.addWidget(self.filter)
        layout.addWidget(self.videos, 1)
        layout.addLayout(row)
        layout.addWidget(buttons)
        metrics = self.fontMetrics()  # sized for the text, at any text size
        fit_to_screen(self, QSize(metrics.averageCharWidth() * 60, metrics.lineSpacing() * 26))

    def _filter(self, text: str) -> None:
        wanted = text.strip().casefold()
        for i in range(self.videos.count()):
            item = self.videos.item(i)
            item.setHidden(wanted not in item.data(Qt.ItemDataRole.UserRole).casefold())

    def select(self, names: list[str]) -> None:
        """Select the videos called ``names`` (and show the first)."""
        wanted = set(names)
        first = None
        for i in range(self.videos.count()):
            item = self.videos.item(i)
            on = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setSelected(on)
            if on and first is None:
                first = item
        if first is not None:
            self.videos.scrollToItem(first)
            self.videos.setCurrentItem(first, QItemSelectionModel.SelectionFlag.NoUpdate)

    def chosen(self) -> list[str]:
        """The selected videos that the filter shows."""
        return [i.data(Qt.ItemDataRole.UserRole) for i in self.videos.selectedItems()
                if not i.isHidden()]

    def accept(self) -> None:
        names = self.chosen()
        if not names:
            show_error(self, MARK_FAILED, "Select at least one video in the list.")
            return
        self._mark(names, self.reference.currentText(), self._marked)

    def _marked(self, ok: bool) -> None:
        if ok:
            super().accept()
