"""After a write that was refused or not saved, a panel shows what the project holds again,
but only when the project can be read: while its server is away
(:attr:`~emosign_desktop.core.errors.NotSavedError.can_read_back` False) a read would fail
too, so the panel keeps what it shows and reloads when the server is back (the workspace
then announces everything).  The label panel, the tier editor, the video details and the
detector settings all follow this rule."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress

from emosign_desktop.core.errors import NotSavedError
from emosign_desktop.services.workspace import Workspace


def show_stored(workspace: Workspace, exc: BaseException, show: Callable[[], object]) -> None:
    """Call ``show()`` (the panel's read of what is stored) after the failed write ``exc``
    when a project is open and can be read; a read that fails as well is left to the error
    already on its way to the user (it is said once)."""
    if workspace.has_project and getattr(exc, "can_read_back", True):
        with suppress(NotSavedError):
            show()
