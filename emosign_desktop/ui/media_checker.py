"""Checking the open project's media files for the video list without making the window
wait: the whole project a part at a time after it opens (or its videos change), and the
files of the rows shown whose size or time changed.  The files are looked at on a thread of
their own (:func:`~emosign_desktop.services.media_check.check_links` touches no database);
the project is read, and the sizes and times found are stored, on the window's thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, Signal

from emosign_desktop.core.media_check import MediaCheck, MediaLink, MediaStamp
from emosign_desktop.services.media_check import MediaScan, check_links, store_found
from emosign_desktop.services.workspace import Workspace

log = logging.getLogger(__name__)
#: What the checking thread found of one file.
Checked = tuple[MediaLink, MediaCheck, MediaStamp | None]


class _Bridge(QObject):
    """Carries what the checking thread found to the window's thread."""

    part = Signal(object, object)  # the scan, its results (None: the check failed)
    files = Signal(object, object, object)  # the session, the links, the results (or None)


class MediaChecker(QObject):
    """Checks files off the window's thread and emits :attr:`checked` with each batch of
    outcomes (``[(link, check)]``); :attr:`dropped` gives back links that could not be
    checked (never expected: a check says what it finds in words)."""

    checked = Signal(object)
    dropped = Signal(object)

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.scan: MediaScan | None = None
        self._in_flight = False  # a part of the scan is being checked
        self._reads = 0  # batches of rows' files being read
        # two threads: the rows shown are not kept waiting for a part of the scan
        self._pool = ThreadPoolExecutor(2, thread_name_prefix="emosign-media-check")
        self._bridge = _Bridge(self)  # (goes with its owner: late results are dropped)
        self._bridge.part.connect(self._on_part)
        self._bridge.files.connect(self._on_files)

    def busy(self) -> bool:
        """True while files are being checked."""
        return (self._in_flight or self._reads > 0
                or (self.scan is not None and not self.scan.done))

    def _run(self, files: list[MediaLink], done: Callable[[list[Checked] | None], None]
             ) -> None:
        folder = str(self.workspace.queries.folder)

        def work() -> None:  # on the checking thread: files only, no database
            try:
                results: list[Checked] | None = check_links(folder, files)
            except Exception:
                log.exception("checking media files failed")
                results = None
            done(results)

        self._pool.submit(work)

    # -- the whole project -----------------------------------------------------------------
    def start(self) -> None:
        """Check every video's file again, a part at a time."""
        ws = self.workspace
        self.scan = ws.queries.media_scan() if ws.has_project else None
        if not self._in_flight:
            self._next_part()

    def _next_part(self) -> None:
        scan = self.scan
        if scan is None or scan.project is not self.workspace.session:
            return
        links = scan.next_links()
        if links:
            self._in_flight = True
            self._run(links, lambda results: self._bridge.part.emit(scan, results))

    def _on_part(self, scan: MediaScan, results: list[Checked] | None) -> None:
        self._in_flight = False
        if scan is self.scan and results is None:
            self.scan = None  # stop there: the rows are still checked as they are shown
        elif scan is self.scan and self.workspace.session is scan.project:
            assert results is not None
            self.checked.emit(scan.take(results))
        self._next_part()

    # -- the rows shown --------------------------------------------------------------------
    def read(self, links: list[MediaLink]) -> None:
        """Read these files (rows shown whose size or time changed since their check)."""
        session = self.workspace.session
        self._reads += 1
        self._run(links, lambda results: self._bridge.files.emit(session, links, results))

    def _on_files(self, session: object, links: list[MediaLink],
                  results: list[Checked] | None) -> None:
        self._reads -= 1
        ws = self.workspace
        if ws.session is None or session is not ws.session:
            return
        if results is None:
            self.dropped.emit(links)
            return
        # a cache, stored in turn with the edits (never waiting here for a long import)
        ws.submit(lambda s: store_found(s, results), on_error=lambda _exc: None)
        self.checked.emit([(link, check) for link, check, _stamp in results])
