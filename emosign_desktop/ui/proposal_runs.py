"""Proposing cues off the GUI thread: one computation at a time on the workspace's background
writer (queued behind the edits asked for before it, so it sees them), its result handed
back on the GUI thread.

Requests that come while one runs (a change, another video, landmarks just extracted) are
coalesced: the running one is marked stale and ONE more runs once it has finished, for
whatever is current then; a stale result is dropped, never shown.  A request dropped
altogether (the proposals hidden, no video) makes the running one's result stale too.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from emosign_desktop.core.model import Video
from emosign_desktop.services.background import Ticket
from emosign_desktop.services.proposing import ProposalRun, propose_for
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui.writing import write

#: ``shown(video, run)``: the result for the video asked for, still wanted.
Shown = Callable[[Video, ProposalRun], None]
#: ``failed(video, error)``: the computation for the video asked for failed or was
#: cancelled; True when it said so itself (else the error box shows it).
Failed = Callable[[Video, BaseException], bool]


class ProposingInBackground:
    """Runs ``propose_for`` for one video at a time on the background writer; ``again()`` is
    called when a request came while one ran (the caller asks anew for what is current)."""

    def __init__(self, parent: QWidget, workspace: Workspace, initiator: object,
                 shown: Shown, failed: Failed, again: Callable[[], None]) -> None:
        self.parent, self.ws, self.initiator = parent, workspace, initiator
        self._shown, self._failed, self._again = shown, failed, again
        self.ticket: Ticket[ProposalRun] | None = None
        self.video: Video | None = None  # what the running one proposes for
        self.dirty = False  # asked again while it ran: one more afterwards
        self._asked = 0  # each request or drop; a result for an older one is stale
        #: How many computations were started (they run one at a time).
        self.started = 0

    @property
    def running(self) -> bool:
        """True from the request until its result (or error) is handed back."""
        return self.ticket is not None

    def ask(self, video: Video) -> None:
        """Propose cues for ``video``: now, or (one runs) once the running one is done."""
        self._asked += 1
        if self.ticket is not None:
            self.dirty = True
            return
        self._start(video)

    def drop(self) -> None:
        """Want nothing: the running one's result is dropped, nothing runs after it."""
        self._asked += 1
        self.dirty = False

    def _start(self, video: Video) -> None:
        asked = self._asked
        name = video.name
        self.video, self.dirty = video, False
        self.started += 1
        self.ticket = write(
            self.parent, self.ws, lambda s: propose_for(s, [name]), initiator=self.initiator,
            long=f"Proposing cues for {name}",
            done=lambda run: self._finished(asked, video, run, None),
            failed=lambda exc: self._finished(asked, video, None, exc))

    def _finished(self, asked: int, video: Video, run: ProposalRun | None,
                  error: BaseException | None) -> bool:
        """The computation ended (on the GUI thread); True: its error needs no error box."""
        from shiboken6 import isValid

        from emosign_desktop.services.background import CancelledError

        self.ticket, self.video = None, None
        if not isValid(self.parent):  # the window closed meanwhile
            return True
        if error is not None and isinstance(error, CancelledError):
            self.dirty = False  # the user stopped it: nothing more runs by itself
            return self._failed(video, error)
        if asked != self._asked:  # stale: what was asked since wins
            if self.dirty:
                self.dirty = False
                self._again()
            return True
        if error is not None:
            return self._failed(video, error)
        assert run is not None
        self._shown(video, run)
        return True
