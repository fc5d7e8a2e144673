"""Cue proposals in the window: *Propose Cues* runs the detectors on the current video's
cached landmarks (``services.proposing``) and shows what they propose as dashed spans on the
segment rows (on the row of the tier each would go to, for the current annotator) and on the
signal plot.  The proposals follow the video and are proposed again after every change that
could change them (an acceptance, a rejection, an undo, new settings, a new signer, landmarks
just extracted).

Proposing runs on the background writer (``ui.proposal_runs``: one at a time, behind the
edits asked for before it, requests meanwhile coalesced into one more); the status line says
"Proposing cues for …" meanwhile and a long one shows a progress dialog with Cancel.  A
cancelled one shows nothing and turns *Propose Cues* off (it would otherwise start again at
the next change); pressing it again proposes anew.

Keys (where the player, the segment rows or the landmarks tab has the focus, like I and O):
N / P the next / previous proposal (the playhead goes to its first frame), A accepts it (it
becomes the current annotator's segment, with its edges as moved), X rejects it, [ and ]
move its start / end to the playhead (or drag its edges on the rows or the plot).
Ctrl+Shift+P shows or hides the proposals from anywhere.  Accepting and rejecting are each
one step of Edit ▸ Undo ("accept brow raise 20-39"); moving edges changes nothing stored
until the proposal is accepted.

The window calls :func:`install_proposals` once; it adds the *Cues* menu, the keys, buttons
under the list of signals in the landmarks tab and a status line above the plot
(``ui.proposal_bar``; their words in ``ui.proposal_texts``).  What is shown, selected and
moved is ``ui.proposal_state`` (Qt-free).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMainWindow, QWidget

from emosign_desktop.analysis.proposals import DETECTORS, Proposal
from emosign_desktop.core.changes import Changes
from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.core.model import Video
from emosign_desktop.services.background import CancelledError
from emosign_desktop.services.proposing import (
    ProposalRun,
    accept_proposal,
    reject_proposal,
    set_signer,
    video_signers,
)
from emosign_desktop.services.session import Session
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui.proposal_bar import ask_signer_name, build_actions, build_bar
from emosign_desktop.ui.proposal_runs import ProposingInBackground
from emosign_desktop.ui.proposal_state import ShownProposals
from emosign_desktop.ui.proposal_texts import KEYS, Key, key_of
from emosign_desktop.ui.proposed_span import ProposedSpan
from emosign_desktop.ui.video_details import VideoDetailsPanel
from emosign_desktop.ui.writing import tell, write


class ProposalsController(QObject):
    """What is proposed for the current video (:attr:`shown`), which proposal is selected and
    where its edges are; shows them on the rows and the plot and acts on them."""

    def __init__(self, window: QMainWindow, workspace: Workspace,
                 details: VideoDetailsPanel) -> None:
        super().__init__(window)
        self.window_ = window
        self.ws = workspace
        self.details = details
        self.playhead = workspace.review.playhead
        self.shown = ShownProposals()
        self._told = False  # the user asked: a problem also goes to the status bar
        self._then: bool | None = None  # N (True) or P (False) pressed while proposing
        self.settings_dialog: QWidget | None = None
        self.runs = ProposingInBackground(window, workspace, self, self._on_proposed,
                                          self._on_failed, self.refresh)
        self.actions = build_actions(window, {
            "propose": self._on_propose, "next": self.next, "previous": self.previous,
            "accept": self.accept, "reject": self.reject,
            "start": lambda: self.edge_here("start"), "end": lambda: self.edge_here("end"),
            "settings": self.show_settings, "signer": self.ask_signer})
        details.add_keyed_actions(self.actions.keyed())
        bar = build_bar(self.actions)
        self.bar, self.status, self.buttons = bar.area, bar.status, bar.buttons
        details.add_proposal_bar(self.status, self.bar)
        details.proposal_edited.connect(self.move_edges)
        details.proposal_clicked.connect(lambda span: self.select(span.key, seek=False))
        details.landmarks_ready.connect(self._on_landmarks)
        workspace.on_video(self._on_video)
        workspace.on_annotator(self._publish)
        workspace.on_changes(self._on_changes)
        self._publish()

    # -- what is proposed ---------------------------------------------------------------------
    @property
    def showing(self) -> bool:
        return self.actions.propose.isChecked()

    @property
    def items(self) -> list[Proposal]:
        return self.shown.items

    def _video(self) -> Video | None:
        return self.ws.video if self.ws.has_project else None

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

    def _clear(self, keep_cancelled: bool = False) -> None:
        self.runs.drop()  # what is being proposed is not wanted any more
        self.shown.forget(keep_cancelled)
        self._then = None
        self._publish()

    def refresh(self, told: bool = False) -> None:
        """Propose again for the current video (when proposals are shown) on the background
        writer; the result shows when it comes (:meth:`_on_proposed`).  With ``told``, the
        user asked: a problem is also said in the status bar."""
        video = self._video()
        if not self.showing or video is None or self.ws.session is None:
            self._clear()
            return
        self._told = self._told or told
        self.shown.for_video(video)
        self.runs.ask(video)
        self._publish()

    def _on_proposed(self, video: Video, run: ProposalRun) -> None:
        """What was proposed for ``video`` (nothing asked since)."""
        current = self._video()
        if not self.showing or current is None or current.id != video.id:
            return  # (a request for what is current follows or has run)
        self.shown.take(run)
        self._publish()
        self._after_result()

    def _on_failed(self, video: Video, exc: BaseException) -> bool:
        """Proposing for ``video`` failed or was cancelled; True: said here (the status line,
        the status bar), no error box."""
        if isinstance(exc, CancelledError):
            self.actions.propose.setChecked(False)  # else the next change starts it again
            self.shown.cancelled = video
            self._clear(keep_cancelled=True)
            tell(self.window_, self.status.text())
            return True
        self.shown.forget()
        self.shown.error = str(exc) if isinstance(exc, EmoSignError) else ""
        self._publish()
        self._after_result()
        return isinstance(exc, EmoSignError)

    def _after_result(self) -> None:
        """Tell what the user asked about, and go on with a key pressed meanwhile."""
        told, self._told = self._told, False
        if told and (self.shown.missing or self.shown.error):
            tell(self.window_, self.status.text())
        forward, self._then = self._then, None
        if forward is not None and not (self.shown.missing or self.shown.error):
            self._step(forward)

    def _on_video(self) -> None:
        if self.showing:
            self.refresh()
        else:
            self._clear()

    def _on_changes(self, changes: Changes) -> None:
        video = self._video()
        if not self.showing or video is None:
            if self.shown.found is not None or changes.project:
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
    def status_text(self) -> str:
        return self.shown.status_text(self._video(), self.showing, self.runs.running)

    def _publish(self) -> None:
        spans = self.shown.spans(self.ws.annotator)
        self.status.setText(self.status_text())
        described = "; ".join(f"{s.label} {s.start_frame}–{s.end_frame}"
                              + (" (selected)" if s.selected else "") for s in spans)
        self.details.show_proposals(spans, f"Proposed cues: {described}" if spans else "")
        has_video = self._video() is not None
        a = self.actions
        a.propose.setIconText("Hide proposals" if self.showing else "Propose cues")
        for action in (a.propose, a.settings):
            action.setEnabled(self.ws.has_project)
        for action in (a.signer, a.next, a.previous):
            action.setEnabled(has_video)
        chosen = self.shown.proposal(self.shown.selected) is not None
        for action in (a.accept, a.reject, a.start, a.end):
            action.setEnabled(chosen)

    # -- moving between proposals -------------------------------------------------------------
    def select(self, key: Key | None, seek: bool = True) -> None:
        """Select a proposal (None: none); ``seek``: the playhead to its first frame."""
        p = self.shown.proposal(key)
        self.shown.selected = key_of(p) if p is not None else None
        if p is not None and seek:
            self.playhead.seek(self.shown.edges_of(p)[0])
        self._publish()

    def _step(self, forward: bool) -> None:
        if not self.showing:
            self.show_proposals()
        if self.runs.running:  # once they are there
            self._then = forward
            return
        items = self.items
        if not items:
            tell(self.window_, self.status_text())
            return
        i = self.shown.step(forward, self.playhead.current)
        if i is None:
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
        p = self.shown.proposal(self.shown.selected)
        if p is None:
            tell(self.window_, f"Select a proposal first ({KEYS['next']}: the next one).")
        return p

    def _decide(self, p: Proposal, failure: str, work: Callable[[Session], object],
                decided: str) -> None:
        """Run the decision on the background writer; ``decided`` goes to the status bar
        once it is stored."""
        self.shown.decided(p)  # the next key press goes on from here
        write(self.window_, self.ws, work, initiator=self, failure=failure,
              done=lambda _r: tell(self.window_, decided))
        self._publish()

    def accept(self) -> None:
        """The selected proposal becomes the current annotator's segment (its edges as
        moved), one undoable step."""
        p = self._chosen()
        found = self.shown.found
        if p is None or found is None:
            return
        who = self.ws.annotator
        if not who:
            tell(self.window_, "Say who is annotating first (Edit ▸ Change Annotator).")
            return
        start, end = self.shown.edges_of(p)
        self._decide(p, "Cannot accept the proposal", lambda s: accept_proposal(
            s.editing, found.video, p, who, start, end),
            f"Accepted: {DETECTORS[p.detector].label} {start}–{end} is {who}'s segment now "
            "(Edit ▸ Undo takes it back).")

    def reject(self) -> None:
        """Reject the selected proposal (not proposed again here), one undoable step."""
        p = self._chosen()
        found = self.shown.found
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
        start, end = self.shown.edges_of(p)
        here = self.playhead.current
        if edge == "start":
            start = here
        else:
            end = here
        if start > end:
            tell(self.window_, f"The start ({start}) would come after the end ({end}): "
                               "move the playhead first.")
            return
        self.shown.set_edges(p, start, end)
        self._publish()

    def move_edges(self, span: ProposedSpan) -> None:
        """A proposal's edges were dragged (on the rows or the plot)."""
        p = self.shown.proposal(span.key)
        if p is not None:
            self.shown.selected = key_of(p)
            self.shown.set_edges(p, span.start_frame, span.end_frame)
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


def install_proposals(window: QMainWindow, workspace: Workspace) -> ProposalsController:
    """Add cue proposals to the window: the Cues menu (before View), the buttons in the
    landmarks tab, the keys, the dashed spans on the segment rows and the signal plot.
    ``window.details`` is its :class:`VideoDetailsPanel`."""
    details = getattr(window, "details", None)
    if not isinstance(details, VideoDetailsPanel):
        raise TypeError("install_proposals needs a window with a VideoDetailsPanel 'details'")
    return ProposalsController(window, workspace, details)
