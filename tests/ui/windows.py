"""The one way the UI tests build a main window (napari's ``make_napari_viewer`` is the
model): ``build_window`` here, or the ``make_window`` fixture (tests/ui/conftest.py) that
calls it.  Every window is registered with ``qtbot``, which closes it after the test (each
window's close saves the position, stops its background writer and lets go of the
workspace's signals)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from emosign_desktop.settings import UserSettings
    from emosign_desktop.ui.main_window import MainWindow

#: ``annotator=SAVED``: the window reads the saved settings, as the app starts.
SAVED = object()


def build_window(qtbot: QtBot, folder: str | Path | None = None, *, video: str | None = None,
                 annotator: object = "kim", text_scale: int = 100,
                 size: tuple[int, int] | None = None, show: bool = True,
                 settings: UserSettings | None = None) -> MainWindow:
    """A window for ``annotator`` (``""``: none chosen yet; ``SAVED``: the saved settings)
    at ``size``, shown, on the project in ``folder`` and its ``video`` when given (both
    must open)."""
    from emosign_desktop.settings import UserSettings
    from emosign_desktop.ui.main_window import MainWindow

    if settings is None:
        settings = (UserSettings.load() if annotator is SAVED
                    else UserSettings(annotator=str(annotator), text_scale=text_scale))
    w = MainWindow(settings)
    qtbot.addWidget(w)
    if size is not None:
        w.resize(*size)
    if show:
        w.show()
    if folder is not None:
        assert w.open_project(folder), f"the window did not open {folder}"
    if video is not None:
        assert w.select_video(video), f"no video {video!r} in the window's list"
    return w
