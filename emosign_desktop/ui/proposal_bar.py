"""The controls of cue proposals: the *Cues* menu (before View) and its actions, the buttons
under the list of signals in the landmarks tab with the status line above the plot, and the
question who signs a video."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QInputDialog,
    QMainWindow,
    QMenu,
    QScrollArea,
    QToolButton,
    QWidget,
)

from emosign_desktop.ui.fitting import ElidedLabel, FlowLayout
from emosign_desktop.ui.menus import add_action
from emosign_desktop.ui.proposal_texts import KEYS


@dataclass
class ProposalActions:
    """The entries of the Cues menu."""

    menu: QMenu
    propose: QAction
    next: QAction
    previous: QAction
    accept: QAction
    reject: QAction
    start: QAction
    end: QAction
    settings: QAction
    signer: QAction

    def keyed(self) -> list[QAction]:
        """The ones with single keys that act where the focus is."""
        return [self.next, self.previous, self.accept, self.reject, self.start, self.end]


def build_actions(w: QMainWindow, slots: Mapping[str, Callable[[], object]]
                  ) -> ProposalActions:
    """The Cues menu (before View) and its actions, each calling ``slots[name]`` (names:
    propose, next, previous, accept, reject, start, end, settings, signer)."""
    menu = QMenu("&Cues", w)
    bar = w.menuBar()
    view = next((a for a in bar.actions() if a.text() == "&View"), None)
    if view is not None:
        bar.insertMenu(view, menu)
    else:
        bar.addMenu(menu)
    propose = add_action(w, menu, "&Propose Cues for This Video", slots["propose"],
                         KEYS["propose"])
    propose.setCheckable(True)
    propose.setIconText("Propose cues")
    propose.setToolTip("Show what the detectors propose on this video's landmarks, and "
                       f"keep doing so for each video ({KEYS['propose']}; again: hide)")
    menu.addSeparator()
    made: dict[str, QAction] = {}
    for name, text, short in (
            ("next", "&Next Proposal", "Next"),
            ("previous", "P&revious Proposal", "Previous"),
            ("accept", "&Accept Proposal", "Accept"),
            ("reject", "Re&ject Proposal", "Reject"),
            ("start", "Proposal &Starts Here", "Start here"),
            ("end", "Proposal &Ends Here", "End here")):
        action = add_action(w, menu, text, slots[name], KEYS[name])
        action.setIconText(short)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        made[name] = action
    made["start"].setToolTip(f"Move the selected proposal's start to the playhead "
                             f"({KEYS['start']})")
    made["end"].setToolTip(f"Move the selected proposal's end to the playhead "
                           f"({KEYS['end']})")
    menu.addSeparator()
    settings = add_action(w, menu, "&Detector Settings...", slots["settings"])
    settings.setIconText("Settings…")
    settings.setToolTip("Threshold, shortest span and on/off for each detector")
    signer = add_action(w, menu, "Signer of This &Video...", slots["signer"])
    signer.setIconText("Signer…")
    signer.setToolTip("Who signs this video: videos of one signer share their usual "
                      "values (the detectors' baseline)")
    return ProposalActions(menu, propose, made["next"], made["previous"], made["accept"],
                           made["reject"], made["start"], made["end"], settings, signer)


@dataclass
class ProposalBar:
    """The buttons (under the list of signals) and the status line (above the plot)."""

    area: QWidget
    status: ElidedLabel
    buttons: dict[str, QToolButton]


def build_bar(a: ProposalActions) -> ProposalBar:
    """Buttons for the actions (moving the edges: keys, the menu or dragging, no buttons:
    the row stays short) and the status line."""
    content = QWidget()
    flow = FlowLayout(content)
    buttons: dict[str, QToolButton] = {}
    for name, action in (("propose", a.propose), ("previous", a.previous),
                         ("next", a.next), ("accept", a.accept), ("reject", a.reject),
                         ("settings", a.settings), ("signer", a.signer)):
        button = QToolButton()
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        button.setAccessibleName(action.text().replace("&", "").rstrip("."))
        flow.addWidget(button)
        buttons[name] = button
    status = ElidedLabel()
    status.setAccessibleName("Cue proposals status")
    area = RowsThatFit(content)
    area.setAccessibleName("Cue proposals")
    return ProposalBar(area, status, buttons)


class RowsThatFit(QScrollArea):
    """Wrapping rows of buttons as tall as they need for the width there is, scrolling
    when there is less height than that (large text on a short tab)."""

    def __init__(self, content: QWidget) -> None:
        super().__init__()
        self.content = content
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the focus goes to its buttons
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._height = -1

    def _wanted(self) -> int:
        content = self.content
        width = self.viewport().width() if self.viewport().width() > 0 \
            else content.sizeHint().width()
        return content.heightForWidth(width) if content.hasHeightForWidth() \
            else content.sizeHint().height()

    def sizeHint(self) -> QSize:
        return QSize(self.content.minimumSizeHint().width(), self._wanted() + 2)

    def minimumSizeHint(self) -> QSize:
        content = self.content.minimumSizeHint()  # one button: the rest scrolls
        return QSize(content.width(), content.height() + 2)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        wanted = self._wanted()
        if wanted != self._height:  # another width: the rows take another height
            self._height = wanted
            self.updateGeometry()


def ask_signer_name(parent: QWidget, video: str, current: str,
                    known: list[str]) -> str | None:
    """Ask who signs ``video`` (None: cancelled; "": its own signer)."""
    names = [current] + [n for n in known if n != current] if current else ["", *known]
    text, ok = QInputDialog.getItem(
        parent, "Signer", f"Who signs {video}?\nVideos of the same signer share one "
        "baseline (their usual values).  Leave it empty: this video is its own signer.",
        names, 0, True)
    return text.strip() if ok else None
