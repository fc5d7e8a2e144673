"""The annotator's workspace window: the video list (left), the player (centre), the label
panel (right), tiers, review and signals (below the player).

The window only composes: each panel receives the workspace, shows what it shows and
refreshes itself from the workspace's changes; menu entries are actions of
``(window, workspace)``.  The window keeps what is the user's own (appearance, who is
annotating, where each project was left, the dock layout)."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QInputDialog,
    QLabel,
    QMainWindow,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from emosign_desktop import __version__
from emosign_desktop.core.changes import Changes
from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.core.model import Region
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.settings import UserSettings
from emosign_desktop.ui import actions, messages
from emosign_desktop.ui.about import show_about
from emosign_desktop.ui.activity import ActivityRecorder
from emosign_desktop.ui.appearance import (
    TEXT_SCALES,
    ShortcutsDialog,
    apply_appearance,
)
from emosign_desktop.ui.connections import release
from emosign_desktop.ui.fitting import scrolling
from emosign_desktop.ui.focus import focus_first, install_focus_in_view, scroll_home
from emosign_desktop.ui.label_panel import LabelPanel
from emosign_desktop.ui.menus import add_action, build_project_menus
from emosign_desktop.ui.messages import show_error
from emosign_desktop.ui.polling import ChangesPoller
from emosign_desktop.ui.proposals import install_proposals
from emosign_desktop.ui.tier_editor import TierEditor
from emosign_desktop.ui.video_details import VideoDetailsPanel
from emosign_desktop.ui.video_list import VideoListPanel
from emosign_desktop.ui.welcome import install_welcome
from emosign_desktop.ui.writing import deliver_on_gui_thread, write

if TYPE_CHECKING:
    from emosign_desktop.ui.review.agreement_panel import AgreementPanel
    from emosign_desktop.ui.review.model_review_panel import ModelReviewPanel


#: From this text scale on (1.75 = 175 %), the window gives the video the room first.
LARGE_TEXT = 1.75


class MainWindow(QMainWindow):
    """The workspace for one project and one annotator."""

    def __init__(self, settings: UserSettings | None = None,
                 workspace: Workspace | None = None) -> None:
        super().__init__()
        self.settings = settings or UserSettings.load()
        self.workspace = workspace or Workspace(self.settings.annotator)
        ws = self.workspace
        deliver_on_gui_thread(ws)  # writes run on the background writer, shown here
        self.videos = VideoListPanel(ws)
        self.details = VideoDetailsPanel(ws)
        self.read_only_banner = QLabel()
        self.read_only_banner.setObjectName("readOnlyBanner")
        self.read_only_banner.setWordWrap(True)
        self.read_only_banner.setTextFormat(Qt.TextFormat.PlainText)
        self.read_only_banner.setAccessibleName("Read-only project")
        self.read_only_banner.setStyleSheet(
            "#readOnlyBanner { background: #fff3cd; color: #1a1a1a; border: 2px solid #8a6d00;"
            " padding: 4px; }")
        self.read_only_banner.hide()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.read_only_banner)
        column.addWidget(self.details, 1)
        self.setCentralWidget(central)
        messages.stored_check = ws.stored_check
        self.labels = LabelPanel(ws)
        self.labels.done_requested.connect(self.next_video)
        playhead = ws.review.playhead  # the review session's: one current frame
        self.tier_editor = TierEditor(ws, playhead)
        self.details.tabs.insertTab(0, scrolling(self.tier_editor), "&Tiers")
        self.details.tabs.setCurrentIndex(0)
        self.tier_editor.region_mode.connect(self.details.set_region_mode)
        self.details.region_drawn.connect(
            lambda x, y, w, h: self.tier_editor.set_region(Region(x, y, w, h)))
        playhead.changed.connect(lambda _e: self._save_timer.start())
        self.agreement_dock: QDockWidget | None = None
        self.agreement: AgreementPanel | None = None
        self.model_review: ModelReviewPanel | None = None
        self.model_review_dock: QDockWidget | None = None
        self._docks()
        self.menus = build_project_menus(self, ws)
        self._build_menus()
        self._keys()
        install_focus_in_view()  # a control taking the focus scrolls into view (once)
        self.proposals = install_proposals(self, ws)  # the Cues menu, before View
        self.activity = ActivityRecorder(self, ws)  # time on task, recorded without asking
        self.setAcceptDrops(True)
        self._fit_screen()
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(1500)
        self._save_timer.timeout.connect(self._save_position)
        apply_appearance(self.settings.text_scale, self.settings.high_contrast)
        if self.settings.window_state:
            self.restoreState(QByteArray(base64.b64decode(self.settings.window_state)))
        self._shown_session: object = None  # the session whose project the window went to
        self._journal_told: str | None = None
        ws.on_changes(self._on_changes)
        self.poller = ChangesPoller(ws, self)  # what other annotators change, every second
        self.poller.trouble.connect(lambda text: self.statusBar().showMessage(text, 10000))
        ws.on_video(self._update_title)
        ws.on_annotator(self._update_title)
        self._update_title()
        self.welcome = install_welcome(self, ws, self.open_project,
                                       lambda: self.settings.recent_projects,
                                       [self.videos_dock, self.labels_dock])
        # the welcome screen shares the centre (a stack) with the workspace but is shown
        # without docks: its width must not hold the player wide (at 200 % it squeezed the
        # label panel to a horizontal scroll bar)
        self.welcome.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)

    # -- layout ---------------------------------------------------------------------------
    def _docks(self) -> None:
        self.videos_dock = self._dock("videos-dock", "Videos", self.videos,
                                      Qt.DockWidgetArea.LeftDockWidgetArea)
        self.labels_dock = self._dock("labels-dock", "Labels", self.labels,
                                      Qt.DockWidgetArea.RightDockWidgetArea)

    def balance_docks(self) -> None:
        """Give the label panel the width its controls ask for (up to 45 % of the window)
        and the video list a quarter at most (a sixth at large text); the player takes the
        rest.  At large text the tabs below the player get no more height than they need:
        the video keeps a fifth of the window at 200 % on a laptop's 1366x768."""
        scale = self.settings.text_scale / 100
        labels = self.labels.preferred_width()
        width = max(self.width(), 1)
        large = scale >= LARGE_TEXT
        self.resizeDocks([self.videos_dock, self.labels_dock],
                         [min(int(250 * scale), width // (6 if large else 4)),
                          min(labels, int(width * 0.45))],
                         Qt.Orientation.Horizontal)
        tabs = self.details.tabs
        splitter = tabs.parentWidget()
        if large and isinstance(splitter, QSplitter) and splitter.count() == 2:
            total = sum(splitter.sizes())
            below = max(tabs.minimumSizeHint().height(), tabs.minimumHeight(), total // 4)
            splitter.setSizes([total - below, below])

    def _dock(self, name: str, title: str, widget: QWidget,
              area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        return dock

    def _build_menus(self) -> None:
        m = self.menus
        add_action(self, m.edit, "Change &Annotator...", self.ask_annotator)
        self.agreement_action = add_action(self, m.people, "&Agreement", self.show_agreement,
                                           "Ctrl+Shift+G")
        self.models_action = add_action(self, m.people, "Models &versus Annotators",
                                        self.show_model_review)
        m.people.addSeparator()
        self.blind_action = add_action(self, m.people, "&Blind Mode (Hide Others' Work)",
                                       self.toggle_blind_mode)
        self.blind_action.setCheckable(True)
        self.blind_action.setToolTip(
            "Until an annotator finishes a video, show them only their own labels and "
            "segments: not the others', the consensus or model predictions (for the project)")
        self.reviewer_action = add_action(self, m.people, "I Am a &Reviewer (See Everything)",
                                          self.toggle_reviewer)
        self.reviewer_action.setCheckable(True)
        self.reviewer_action.setChecked(self.settings.reviewer)
        self.workspace.set_reviewer(self.settings.reviewer)
        for action in (self.agreement_action, self.models_action, self.blind_action):
            m.needs_project.append(action)
            action.setEnabled(self.workspace.has_project)
        self.workspace.on_changes(
            lambda c: self._show_blind_mode() if c.blind or c.project else None)
        view = self.menuBar().addMenu("&View")
        add_action(self, view, "&Find Video", self.videos.filter.setFocus,
                   QKeySequence.StandardKey.Find)
        add_action(self, view, "&Larger Text", lambda: self.set_text_scale(+1), "Ctrl++")
        add_action(self, view, "&Smaller Text", lambda: self.set_text_scale(-1), "Ctrl+-")
        self.contrast_action = add_action(self, view, "&High Contrast", self.toggle_contrast,
                                          "Ctrl+Shift+H")
        self.contrast_action.setCheckable(True)
        self.contrast_action.setChecked(self.settings.high_contrast)
        help_menu = self.menuBar().addMenu("&Help")
        add_action(self, help_menu, "&Keyboard Shortcuts", self.show_shortcuts, "F1")
        add_action(self, help_menu, "&About EmoSign Desktop", lambda: show_about(self))
        self._fill_recent()

    def _keys(self) -> None:
        """Keys that act where the focus is: I, O, R (and Delete) on the player, Delete on
        the tier editor; F6 / Shift+F6 move between the window's groups."""
        editor, player = self.tier_editor, self.details.player
        for widget, key, slot in ((player, "I", editor.mark_in), (player, "O", editor.mark_out),
                                  (player, "R", editor.draw_region),
                                  (player, "Delete", editor.delete),
                                  (editor, "Delete", editor.delete)):
            shortcut = QShortcut(QKeySequence(key), widget)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        for key, slot in (("F6", lambda: self.cycle_groups(+1)),
                          ("Shift+F6", lambda: self.cycle_groups(-1)),
                          ("?", self.show_shortcuts)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)

    def groups(self) -> list[tuple[str, QWidget]]:
        """The window's groups, in F6 order: the video list, the player, the tabs below it,
        the review docks once opened (F6 skips them while closed), the label panel."""
        review: list[tuple[str, QWidget | None]] = [
            ("Agreement", self.agreement), ("Models versus annotators", self.model_review)]
        return [("Videos", self.videos), ("Player", self.details.player),
                ("Below the player", self.details.tabs),
                *((name, panel) for name, panel in review if panel is not None),
                ("Labels", self.labels)]

    def cycle_groups(self, step: int) -> None:
        """Put the focus on the first control of the next (+1) or previous (-1) group that
        can take it (the Labels group: its first sentiment choice), scrolled into view."""
        groups = [w for _name, w in self.groups()]
        focus = QApplication.focusWidget()
        here = next((i for i, w in enumerate(groups)
                     if focus is not None and (w is focus or w.isAncestorOf(focus))), -1)
        for k in range(1, len(groups) + 1):
            target = groups[(here + step * k) % len(groups)]
            if focus_first(target):
                return

    def _fill_recent(self) -> None:
        menu = self.menus.recent
        menu.clear()
        for folder in self.settings.recent_projects:
            action = menu.addAction(folder)
            action.triggered.connect(lambda _c=False, f=folder: self.open_project(f))
        menu.setEnabled(bool(self.settings.recent_projects))

    def _fit_screen(self) -> None:
        """Open within the screen (1440x900 where there is room; a laptop's 1366x768 or
        1280x720 otherwise)."""
        screen = self.screen()
        room = screen.availableGeometry() if screen is not None else None
        width, height = 1440, 900
        if room is not None and room.width() > 0:
            width, height = min(width, room.width()), min(height, room.height())
        self.resize(width, height)

    # -- appearance ------------------------------------------------------------------------
    def set_text_scale(self, step: int) -> None:
        """One step larger (+1) or smaller (-1) text, 100 % to 200 %."""
        i = min(range(len(TEXT_SCALES)), key=lambda k: abs(TEXT_SCALES[k]
                                                            - self.settings.text_scale))
        self.settings.text_scale = TEXT_SCALES[min(max(i + step, 0), len(TEXT_SCALES) - 1)]
        apply_appearance(self.settings.text_scale)
        self.settings.save()
        QTimer.singleShot(0, self.balance_docks)
        self.statusBar().showMessage(f"text size {self.settings.text_scale} %", 4000)

    def toggle_contrast(self) -> None:
        self.settings.high_contrast = not self.settings.high_contrast
        self.contrast_action.setChecked(self.settings.high_contrast)
        apply_appearance(high_contrast=self.settings.high_contrast)
        self.settings.save()

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self).exec()

    def _share_bottom(self, dock: QDockWidget) -> None:
        """A review dock opened under the player takes a third of the window's height, so
        the video and its plots keep theirs on a laptop's screen (drag the edge for more)."""
        self.resizeDocks([dock], [max(120, self.height() // 3)], Qt.Orientation.Vertical)

    def show_agreement(self) -> None:
        """The agreement dock (made on first use)."""
        from emosign_desktop.ui.review.agreement_panel import AgreementPanel

        if self.agreement is None or self.agreement_dock is None:
            self.agreement = AgreementPanel(self.workspace)
            self.agreement.video_chosen.connect(self.select_video)
            self.agreement_dock = self._dock("agreement-dock", "Agreement", self.agreement,
                                             Qt.DockWidgetArea.BottomDockWidgetArea)
            self._share_bottom(self.agreement_dock)
        self.agreement_dock.show()
        self.agreement.refresh()

    def show_model_review(self) -> None:
        """The models-versus-annotators dock (made on first use)."""
        from emosign_desktop.ui.review.model_review_panel import ModelReviewPanel

        if self.model_review is None or self.model_review_dock is None:
            self.model_review = ModelReviewPanel(self.workspace)
            self.model_review.video_chosen.connect(self.select_video)
            self.model_review_dock = self._dock("models-dock", "Models versus annotators",
                                                self.model_review,
                                                Qt.DockWidgetArea.BottomDockWidgetArea)
            self._share_bottom(self.model_review_dock)
        self.model_review_dock.show()
        self.model_review.refresh()

    # -- annotator and project -----------------------------------------------------------
    def ask_annotator(self) -> bool:
        """Ask who is annotating (kept in the user's settings)."""
        name, ok = QInputDialog.getText(self, "Who is annotating?",
                                        "Your annotator name (every edit is attributed to it):",
                                        text=self.workspace.annotator)
        if not ok or not name.strip():
            return False
        try:
            self.set_annotator(name.strip())
        except EmoSignError as exc:  # a control character, or too long: say so, ask again
            show_error(self, "Who is annotating?", exc)
            return self.ask_annotator()
        return True

    def set_annotator(self, name: str) -> None:
        self.workspace.set_annotator(name)  # checks the name first
        self.settings.annotator = name
        self.settings.save()

    def _show_blind_mode(self) -> None:
        self.blind_action.setChecked(self.workspace.blind_mode())

    def toggle_blind_mode(self) -> None:
        """Turn the project's blind mode on or off (one undoable step)."""
        if not self.workspace.has_project:
            self._show_blind_mode()
            return
        on, ws = self.blind_action.isChecked(), self.workspace
        write(self, ws, lambda _s: ws.set_blind_mode(on), initiator=self,
              failure="Cannot change blind mode",
              failed=lambda _exc: self._show_blind_mode())  # refused: as the project holds

    def toggle_reviewer(self) -> None:
        """This person reviews: blind mode hides nothing from them (their own setting)."""
        self.settings.reviewer = self.reviewer_action.isChecked()
        self.settings.save()
        self.workspace.set_reviewer(self.settings.reviewer)

    def open_project(self, folder: str | Path) -> bool:
        """Open the project in ``folder``; on failure show why and keep the current one."""
        self._save_position()
        return actions.open_folder(self, self.workspace, folder)

    def _show_read_only(self) -> None:
        reason = self.workspace.read_only
        self.read_only_banner.setVisible(reason is not None)
        if reason is not None:
            self.read_only_banner.setText(
                f"Read-only: this project cannot be written ({reason}). You can look, export, "
                "and compute agreement and evaluations; editing is off.")

    def _on_changes(self, changes: Changes) -> None:
        warning = self.workspace.journal_warning
        if warning is not None and warning != self._journal_told:
            self._journal_told = warning
            QTimer.singleShot(0, lambda: show_error(self, "The project's journal was deleted",
                                                    warning))
        if not changes.project:
            return
        self._show_read_only()
        folder = self.workspace.folder
        opened = self.workspace.session is not self._shown_session
        self._shown_session = self.workspace.session
        # everything may also have changed in the open project (others' bulk operations, a
        # server back after a break): the panels reload, the window stays where it is
        if opened:  # another project's panels show from their top, not where the last was
            scroll_home(self)
        if folder is not None and opened:  # a project was opened: remember it, go back there
            self.settings.remember_project(folder)
            self.settings.save()
            self._fill_recent()
            place = self.settings.position(folder)
            if not (place and self.videos.select_name(place[0])):
                self.videos.select_next()
            video = self.workspace.video
            if place and video is not None and video.name == place[0]:
                self.workspace.review.playhead.seek(place[1])
            self.videos.table.setFocus()
            if not self.settings.window_state:
                QTimer.singleShot(0, self.balance_docks)
        self._update_title()

    def _update_title(self) -> None:
        ws = self.workspace
        parts = [ws.folder.name if ws.folder else "no project"]
        if ws.video is not None:
            parts.append(ws.video.name)
        parts.append(ws.annotator or "no annotator")
        self.setWindowTitle(" — ".join(parts) + f" — EmoSign Desktop {__version__}")

    # -- moving around ---------------------------------------------------------------------
    def select_video(self, name: str) -> bool:
        """Make the video called ``name`` current (it opens in the player)."""
        if self.videos.select_name(name):
            self.details.player.setFocus()
            return True
        return False

    def next_video(self) -> None:
        """Done with this one: the next video in the list."""
        if self.videos.select_next():
            self.labels.setFocus()
        else:
            self.statusBar().showMessage("That was the last video in the list.", 8000)

    def _save_position(self) -> None:
        ws = self.workspace
        if ws.folder is not None and ws.video is not None:
            self.settings.remember_position(ws.folder, ws.video.name,
                                            ws.review.playhead.current)
            self.settings.save()

    # -- drag and drop ---------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        folders = [p for p in paths if (p / "project.emosign").is_file()]
        if folders:
            self.open_project(folders[0])
        elif self.workspace.has_project and paths:
            actions.add_videos(self, self.workspace, [str(p) for p in paths])
        event.acceptProposedAction()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_position()
        self.settings.window_state = base64.b64encode(bytes(self.saveState().data())).decode()
        self.settings.save()
        self.details.player.close_media()
        self.activity.close()  # stores the last seconds
        try:
            self.workspace.close()  # the label panel saves cue text still being typed first
        except EmoSignError as exc:  # the project's server went away: closed all the same
            show_error(self, "Closing the project", exc)
        self.workspace.background.close()  # every write asked for has landed: its thread ends
        release(self, self.workspace.signals())  # its panels follow the workspace no more
        super().closeEvent(event)
