"""A long operation's progress that presses Cancel when told to (the cancel tests)."""

from __future__ import annotations

from collections.abc import Callable

from emosign_desktop.services.background import Progress


class CancelAt(Progress):
    """The user presses Cancel once a report says ``when(done, total, text)``; every report
    is kept as (done, total, text)."""

    def __init__(self, when: Callable[[int, int, str], bool]) -> None:
        super().__init__()
        self.when = when
        self.seen: list[tuple[int, int, str]] = []

    def report(self, done: int, total: int = 0, text: str = "") -> None:
        super().report(done, total, text)
        self.seen.append((done, total, text))
        if self.when(done, total, text):
            self.cancel()
