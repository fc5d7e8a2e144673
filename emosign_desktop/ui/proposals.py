"""Cue proposals in the window: *Propose Cues* runs the detectors on the current video's
cached landmarks (``services.proposing``) and shows what they propose as dashed spans on the
segment rows (on the row of the tier each would go to, for the current annotator) and on the
signal plot.  The proposals follow the video and are proposed again after every change that
could change them (an acceptance, a rejection, an undo, new settings, a new signer, landmarks
just extracted).

Keys (where the player, the segment rows or the landmarks tab has the focus, like I and O):
N / P the next / previous proposal (the playhead goes to its first frame), A accepts it (it
becomes the current annotator's segment, with its edges as moved), X rejects it, [ and ]
move its start / end to the playhead (or drag its edges on the rows or the plot).
Ctrl+Shift+P shows or hides the proposals from anywhere.  Accepting and rejecting are each
one step of Edit ▸ Undo ("accept brow raise 20-39"); moving edges changes nothing stored
until the proposal is accepted.

The window calls :func:`install_proposals` once; it adds the *Cues* menu, the keys, buttons
under the list of signals in the landmarks tab and a status line above the plot.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QSize, Qt
from PySide6.QtGui import QAction, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QInputDialog,
    QMainWindow,
    QMenu,
    QScrollArea,
    QToolButton,
    QWidget,
)

from emosign_desktop.analysis.proposals import DETECTORS, Proposal
from emosign_desktop.core.changes import Changes
from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.landmarks.signals import signal_defs
from emosign_desktop.services.proposing import (
    VideoProposals,
    accept_proposal,
    propose_for,
    reject_proposal,
    set_signer,
    video_signers,
)
from emosign_desktop.services.session import Session
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui.fitting import ElidedLabel, FlowLayout
from emosign_desktop.ui.menus import add_action
from emosign_desktop.ui.proposed_span import ProposedSpan
from emosign_desktop.ui.video_details import VideoDetailsPanel
from emosign_desktop.ui.writing import tell, write

Key = tuple[str, int, int, int]

#: The keys, as the shortcuts sheet should list them (``ui.appearance.SHORTCUTS``).
KEYS = {
    "propose": "Ctrl+Shift+P",
    "next": "N",
    "previous": "P",
    "accept": "A",
    "reject": "X",
    "start": "[",
    "end": "]",
}
#: Where the single keys act (like I, O and R): the player, the segment rows, the landmarks tab.
WHERE = "player, segment rows, landmarks tab"


def key_of(p: Proposal) -> Key:
    return (p.detector, p.version, p.start_frame, p.end_frame)


def _n(x: float) -> str:
    return f"{x:.3g}"


def evidence_text(p: Proposal) -> str:
    """Why it was proposed, in words and the signal's own unit."""
    d = DETECTORS[p.detector]
    e = p.evidence
    defs = {s.name: s for s in signal_defs()}
    found = [defs.get(n) for n in e.signal.split("+")]
    parts = [d.label if d else n for d, n in zip(found, e.signal.split("+"), strict=True)]
    unit = found[0].unit.replace("^2", "²") if found[0] else ""
    signal = " + ".join(parts) + (" (mean)" if len(parts) > 1 else "")
    scales = d.direction * (e.peak - e.baseline) / e.scale if e.scale else 0.0
    needed = d.direction * (e.threshold - e.baseline) / e.scale if e.scale else 0.0
    way = "above" if d.direction > 0 else "below"
    return (f"{signal} reaches {_n(e.peak)} {unit} at frame {e.peak_frame}: "
            f"{scales:.1f} scales {way} the signer's usual {_n(e.baseline)} "
            f"(scale {_n(e.scale)}); a span starts {needed:.1f} scales {way} "
            f"({_n(e.threshold)}).")


def tooltip_for(p: Proposal, tier: str, fps: float, start: int, end: int) -> str:
    d = DETECTORS[p.detector]
    seconds = f" ({(end - start + 1) / fps:.2f} s)" if fps > 0 else ""
    moved = f" (proposed {p.start_frame}–{p.end_frame})" if (start, end) != (
        p.start_frame, p.end_frame) else ""
    goes = f"→ {tier}" if tier else "→ no tier of its kind in this project"
    value = f', value "{p.value}"' if p.value else ""
    return (f"{d.label}, proposed by its detector (version {d.version}): {d.what}.\n"
            f"Frames {start}–{end}{seconds}{moved} {goes}{value}.\n"
            f"Evidence: {evidence_text(p)}\n"
            f"{KEYS['accept']} accepts, {KEYS['reject']} rejects, {KEYS['start']} and "
            f"{KEYS['end']} move its edges to the playhead (or drag them).")


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


class ProposalsController(QObject):
    """What is proposed for the current video, which proposal is selected and where its
    edges are; shows them on the rows and the plot and acts on them."""

    def __init__(self, window: QMainWindow, workspace: Workspace,
                 details: VideoDetailsPanel) -> None:
        super().__init__(window)
        self.window_ = window
        self.ws = workspace
        self.details = details
        self.playhead = workspace.review.playhead
        self.found: VideoProposals | None = None
        self.missing = False  # the current video has no landmarks yet
        self.error = ""
        self.selected: Key | None = None
        self.edges: dict[Key, tuple[int, int]] = {}  # moved edges, until accepted
        self._after: tuple[int, str, int] | None = None  # the last one decided
        self.settings_dialog: QWidget | None = None
        self.actions = self._build_actions()
        self.bar = self._build_bar()
        details.add_proposal_bar(self.status, self.bar)
        details.proposal_edited.connect(self.move_edges)
        details.proposal_clicked.connect(lambda span: self.select(span.key, seek=False))
        details.landmarks_ready.connect(self._on_landmarks)
        workspace.on_video(self._on_video)
        workspace.on_annotator(self._publish)
        workspace.on_changes(self._on_changes)
        self._publish()

    # -- building -----------------------------------------------------------------------------
    def _build_actions(self) -> ProposalActions:
        w = self.window_
        menu = QMenu("&Cues", w)
        bar = w.menuBar()
        view = next((a for a in bar.actions() if a.text() == "&View"), None)
        if view is not None:
            bar.insertMenu(view, menu)
        else:
            bar.addMenu(menu)
        propose = add_action(w, menu, "&Propose Cues for This Video", self._on_propose,
                             KEYS["propose"])
        propose.setCheckable(True)
        propose.setIconText("Propose cues")
        propose.setToolTip("Show what the detectors propose on this video's landmarks, and "
                           f"keep doing so for each video ({KEYS['propose']}; again: hide)")
        menu.addSeparator()
        made: dict[str, QAction] = {}
        for name, text, short, slot in (
                ("next", "&Next Proposal", "Next", self.next),
                ("previous", "P&revious Proposal", "Previous", self.previous),
                ("accept", "&Accept Proposal", "Accept", self.accept),
                ("reject", "Re&ject Proposal", "Reject", self.reject),
                ("start", "Proposal &Starts Here", "Start here",
                 lambda: self.edge_here("start")),
                ("end", "Proposal &Ends Here", "End here", lambda: self.edge_here("end"))):
            action = add_action(w, menu, text, slot, KEYS[name])
            action.setIconText(short)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            made[name] = action
        made["start"].setToolTip(f"Move the selected proposal's start to the playhead "
                                 f"({KEYS['start']})")
        made["end"].setToolTip(f"Move the selected proposal's end to the playhead "
                               f"({KEYS['end']})")
        menu.addSeparator()
        settings = add_action(w, menu, "&Detector Settings...", self.show_settings)
        settings.setIconText("Settings…")
        settings.setToolTip("Threshold, shortest span and on/off for each detector")
        signer = add_action(w, menu, "Signer of This &Video...", self.ask_signer)
        signer.setIconText("Signer…")
        signer.setToolTip("Who signs this video: videos of one signer share their usual "
                          "values (the detectors' baseline)")
        actions = ProposalActions(menu, propose, made["next"], made["previous"],
                                  made["accept"], made["reject"], made["start"], made["end"],
                                  settings, signer)
        self.details.add_keyed_actions(actions.keyed())
        return actions

    def _build_bar(self) -> QWidget:
        """The buttons (under the list of signals) and the status line (above the plot)."""
        buttons = QWidget()
        flow = FlowLayout(buttons)
        a = self.actions
        self.buttons: dict[str, QToolButton] = {}
        # moving the edges: keys, the menu or dragging (no buttons: the row stays short)
        for name, action in (("propose", a.propose), ("previous", a.previous),
                             ("next", a.next), ("accept", a.accept), ("reject", a.reject),
                             ("settings", a.settings), ("signer", a.signer)):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            button.setAccessibleName(action.text().replace("&", "").rstrip("."))
            flow.addWidget(button)
            self.buttons[name] = button
        self.status = ElidedLabel()
        self.status.setAccessibleName("Cue proposals status")
        area = RowsThatFit(buttons)
        area.setAccessibleName("Cue proposals")
        return area

    # -- what is proposed ---------------------------------------------------------------------
    @property
    def showing(self) -> bool:
        return self.actions.propose.isChecked()

    @property
    def items(self) -> list[Proposal]:
        return list(self.found.proposals) if self.found is not None else []

    def _proposal(self, key: Key | None) -> Proposal | None:
        return next((p for p in self.items if key_of(p) == key), None)

    def edges_of(self, p: Proposal) -> tuple[int, int]:
        return self.edges.get(key_of(p), (p.start_frame, p.end_frame))

    def _on_propose(self) -> None:
        if self.showing:
            self.refresh(told=True)
        else:
            self._clear()

    def show_proposals(self) -> None:
        """Propose cues for the current video and keep following the videos."""
        if not self.showing:
            self.actions.propose.setChecked(True)
        self.refresh(told=True)

    def _clear(self) -> None:
        self.found, self.missing, self.error = None, False, ""
        self.selected, self._after = None, None
        self.edges.clear()
        self._publish()

    def refresh(self, told: bool = False) -> None:
        """Run the detectors again on the current video (when proposals are shown).  With
        ``told``, the user asked: a problem is also said in the status bar."""
        ws = self.ws
        video = ws.video if ws.has_project else None
        if not self.showing or video is None or ws.session is None:
            self._clear()
            return
        if self.found is None or self.found.video.id != video.id:
            self.selected, self._after = None, None
            self.edges.clear()
        self.status.setText(f"Proposing cues for {video.name}…")
        self.status.repaint()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            run = propose_for(ws.session, [video.name])
        except EmoSignError as exc:
            self.found, self.missing, self.error = None, False, str(exc)
            run = None
        finally:
            QApplication.restoreOverrideCursor()
        if run is not None:
            self.found = run.videos[0] if run.videos else None
            self.missing, self.error = not run.videos, ""
        keys = {key_of(p) for p in self.items}
        self.edges = {k: v for k, v in self.edges.items() if k in keys}
        if self.selected not in keys:
            self.selected = None
        self._publish()
        if told and (self.missing or self.error):
            tell(self.window_, self.status.text())

    def _on_video(self) -> None:
        if self.showing:
            self.refresh()
        else:
            self._clear()

    def _on_changes(self, changes: Changes) -> None:
        video = self.ws.video if self.ws.has_project else None
        if not self.showing or video is None:
            if self.found is not None or changes.project:
                self._clear()  # (and the menu entries follow the project)
            return
        if (changes.project or changes.tiers or changes.detector_settings or changes.signers
                or video.id in changes.segments_of or video.id in changes.rejections_of):
            self.refresh()

    def _on_landmarks(self, fingerprint: str) -> None:
        video = self.ws.video
        if self.showing and video is not None and video.fingerprint == fingerprint:
            self.refresh()

    # -- showing ------------------------------------------------------------------------------
    def spans(self) -> list[ProposedSpan]:
        found = self.found
        if found is None:
            return []
        out = []
        for p in found.proposals:
            tier = found.tiers.get(p.detector)
            name = tier.name if tier is not None else ""
            start, end = self.edges_of(p)
            out.append(ProposedSpan(key_of(p), self.ws.annotator, name, start, end,
                                    DETECTORS[p.detector].label,
                                    tooltip_for(p, name, found.fps, start, end),
                                    key_of(p) == self.selected, key_of(p) in self.edges))
        return out

    def status_text(self) -> str:
        video = self.ws.video if self.ws.has_project else None
        if video is None:
            return "Cue proposals: choose a video."
        if not self.showing:
            return (f"Propose cues ({KEYS['propose']}) shows what the detectors find in "
                    "this video's landmarks.")
        if self.error:
            return f"Cannot propose cues: {self.error}"
        if self.missing:
            return (f"No landmarks yet for {video.name}: extract them first (Extract "
                    "landmarks for this video), then the proposals show.")
        items = self.items
        if not items:
            return (f"Nothing proposed for {video.name} with the current detector "
                    "settings.")
        p = self._proposal(self.selected)
        if p is None:
            keys = f"{KEYS['next']} / {KEYS['previous']}"
            return (f"{len(items)} proposal{'s' if len(items) != 1 else ''} on "
                    f"{video.name}: {keys} goes to the next / previous.")
        i = items.index(p) + 1
        start, end = self.edges_of(p)
        tier = self.found.tiers.get(p.detector) if self.found else None
        moved = " (edges moved)" if key_of(p) in self.edges else ""
        return (f"{i} of {len(items)}: {DETECTORS[p.detector].label} {start}–{end}{moved} "
                f"→ {tier.name if tier else 'no tier'} · {KEYS['accept']} accept, "
                f"{KEYS['reject']} reject, {KEYS['start']} {KEYS['end']} edges")

    def _publish(self) -> None:
        spans = self.spans()
        text = self.status_text()
        self.status.setText(text)
        described = "; ".join(f"{s.label} {s.start_frame}–{s.end_frame}"
                              + (" (selected)" if s.selected else "") for s in spans)
        self.details.show_proposals(spans, f"Proposed cues: {described}" if spans else "")
        has_video = self.ws.has_project and self.ws.video is not None
        a = self.actions
        a.propose.setIconText("Hide proposals" if self.showing else "Propose cues")
        for action in (a.propose, a.settings):
            action.setEnabled(self.ws.has_project)
        a.signer.setEnabled(has_video)
        for action in (a.next, a.previous):
            action.setEnabled(has_video)
        chosen = self._proposal(self.selected) is not None
        for action in (a.accept, a.reject, a.start, a.end):
            action.setEnabled(chosen)

    # -- moving between proposals -------------------------------------------------------------
    def select(self, key: Key | None, seek: bool = True) -> None:
        """Select a proposal (None: none); ``seek``: the playhead to its first frame."""
        p = self._proposal(key)
        self.selected = key_of(p) if p is not None else None
        if p is not None and seek:
            self.playhead.seek(self.edges_of(p)[0])
        self._publish()

    def _step(self, forward: bool) -> None:
        if not self.showing:
            self.show_proposals()
        items = self.items
        if not items:
            tell(self.window_, self.status_text())
            return
        order = [(p.start_frame, p.detector, p.end_frame) for p in items]
        current = self._proposal(self.selected)
        if current is not None:
            i = items.index(current) + (1 if forward else -1)
        else:
            here = self.playhead.current
            after = self._after
            if after is not None and after[0] <= here <= after[2]:
                ahead = [k for k, o in enumerate(order) if (o > after if forward else o < after)]
            elif forward:
                ahead = [k for k, o in enumerate(order) if o[0] >= here]
            else:
                ahead = [k for k, o in enumerate(order) if o[0] < here]
            i = (ahead[0] if forward else ahead[-1]) if ahead else len(items)
        if not 0 <= i < len(items):
            tell(self.window_, "That was the last proposal." if forward
                 else "That was the first proposal.")
            return
        self.select(key_of(items[i]))

    def next(self) -> None:
        """The next proposal: selected, the playhead at its first frame."""
        self._step(True)

    def previous(self) -> None:
        self._step(False)

    # -- deciding -----------------------------------------------------------------------------
    def _chosen(self) -> Proposal | None:
        p = self._proposal(self.selected)
        if p is None:
            tell(self.window_, f"Select a proposal first ({KEYS['next']}: the next one).")
        return p

    def _decide(self, p: Proposal, failure: str, work: Callable[[Session], object],
                decided: str) -> None:
        """Run the decision on the background writer; ``decided`` goes to the status bar
        once it is stored."""
        self._after = (p.start_frame, p.detector, p.end_frame)
        self.selected = None  # decided: the next key press goes on from here
        write(self.window_, self.ws, work, initiator=self, failure=failure,
              done=lambda _r: tell(self.window_, decided))
        self._publish()

    def accept(self) -> None:
        """The selected proposal becomes the current annotator's segment (its edges as
        moved), one undoable step."""
        p = self._chosen()
        found = self.found
        if p is None or found is None:
            return
        who = self.ws.annotator
        if not who:
            tell(self.window_, "Say who is annotating first (Edit ▸ Change Annotator).")
            return
        start, end = self.edges_of(p)
        self._decide(p, "Cannot accept the proposal", lambda s: accept_proposal(
            s.editing, found.video, p, who, start, end),
            f"Accepted: {DETECTORS[p.detector].label} {start}–{end} is {who}'s segment now "
            "(Edit ▸ Undo takes it back).")

    def reject(self) -> None:
        """Reject the selected proposal (not proposed again here), one undoable step."""
        p = self._chosen()
        found = self.found
        if p is None or found is None:
            return
        self._decide(p, "Cannot reject the proposal",
                     lambda s: reject_proposal(s, found.video, p),
                     f"Rejected: {DETECTORS[p.detector].label} {p.start_frame}–{p.end_frame} "
                     "(Edit ▸ Undo brings it back).")

    # -- edges --------------------------------------------------------------------------------
    def edge_here(self, edge: str) -> None:
        """Move the selected proposal's start or end to the playhead."""
        p = self._chosen()
        if p is None:
            return
        start, end = self.edges_of(p)
        here = self.playhead.current
        if edge == "start":
            start = here
        else:
            end = here
        if start > end:
            tell(self.window_, f"The start ({start}) would come after the end ({end}): "
                               "move the playhead first.")
            return
        self._set_edges(p, start, end)

    def move_edges(self, span: ProposedSpan) -> None:
        """A proposal's edges were dragged (on the rows or the plot)."""
        p = self._proposal(span.key)
        if p is not None:
            self.selected = key_of(p)
            self._set_edges(p, span.start_frame, span.end_frame)

    def _set_edges(self, p: Proposal, start: int, end: int) -> None:
        if (start, end) == (p.start_frame, p.end_frame):
            self.edges.pop(key_of(p), None)
        else:
            self.edges[key_of(p)] = (start, end)
        self._publish()

    # -- settings and signer ------------------------------------------------------------------
    def show_settings(self) -> None:
        """The detector settings (one window, kept)."""
        from emosign_desktop.ui.detector_settings import DetectorSettingsDialog

        if not self.ws.has_project:
            return
        if self.settings_dialog is None:
            self.settings_dialog = DetectorSettingsDialog(self.ws, self.window_)
        dialog = self.settings_dialog
        assert isinstance(dialog, DetectorSettingsDialog)
        dialog.load()
        if not dialog.isVisible():
            dialog.fit()
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def ask_signer(self) -> None:
        """Say who signs the current video (one undoable step)."""
        ws = self.ws
        video = ws.video if ws.has_project else None
        if video is None or ws.session is None:
            return
        signers = video_signers(ws.session)
        answer = ask_signer_name(self.window_, video.name, signers.get(video.name, ""),
                                 sorted(set(signers.values())))
        if answer is None or answer == signers.get(video.name, ""):
            return
        write(self.window_, ws, lambda s: set_signer(s, [video.name], answer),
              initiator=self, failure="Cannot set the signer",
              done=lambda _c: tell(self.window_, f"{video.name}: signed by {answer}"
                                   if answer.strip() else f"{video.name}: its own signer again"))


class RowsThatFit(QScrollArea):
    """Wrapping rows of buttons as tall as they need for the width there is, scrolling
    when there is less height than that (large text on a short tab)."""

    def __init__(self, content: QWidget) -> None:
        super().__init__()
        self.content = content
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
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


def install_proposals(window: QMainWindow, workspace: Workspace) -> ProposalsController:
    """Add cue proposals to the window: the Cues menu (before View), the buttons in the
    landmarks tab, the keys, the dashed spans on the segment rows and the signal plot.
    ``window.details`` is its :class:`VideoDetailsPanel`."""
    details = getattr(window, "details", None)
    if not isinstance(details, VideoDetailsPanel):
        raise TypeError("install_proposals needs a window with a VideoDetailsPanel 'details'")
    return ProposalsController(window, workspace, details)


#: Only for the shortcuts sheet: (keys, what they do, where).
SHEET = (
    ((KEYS["propose"],), "propose cues for this video / hide them", "anywhere"),
    ((KEYS["next"], KEYS["previous"]), "next / previous cue proposal (playhead to its start)",
     WHERE),
    ((KEYS["accept"], KEYS["reject"]), "accept / reject the selected cue proposal", WHERE),
    ((KEYS["start"], KEYS["end"]), "the selected proposal starts / ends at the playhead",
     WHERE),
)
