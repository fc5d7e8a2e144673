"""The UI tests' window factory fixture (napari's ``make_napari_viewer`` is the model).

``make_window(folder, video=..., annotator=..., size=...)`` builds a ``MainWindow`` (see
``tests/ui/windows.py``), opens the project and the video, and closes every window it made
at teardown.  Tests that need a project build it first (``demo_copy(tmp_path)``: the demo
project built once per run and copied) and pass its folder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

from tests.ui.windows import build_window

if TYPE_CHECKING:
    from emosign_desktop.ui.main_window import MainWindow


@pytest.fixture
def make_window(qtbot) -> Iterator[Callable[..., MainWindow]]:
    """A factory of main windows, each closed after the test (newest first)."""
    made: list[MainWindow] = []

    def make(*args: object, **kwargs: object) -> MainWindow:
        w = build_window(qtbot, *args, **kwargs)  # type: ignore[arg-type]
        made.append(w)
        return w

    yield make
    for w in reversed(made):
        w.close()  # (qtbot closes them again: closing twice is harmless)


@pytest.fixture
def appearance() -> Iterator[None]:
    """Normal text size and theme before and after the test."""
    from emosign_desktop.ui.appearance import apply_text_scale, apply_theme

    apply_text_scale(100)
    apply_theme(False)
    yield
    apply_text_scale(100)
    apply_theme(False)


@pytest.fixture(autouse=True)
def _windows_deleted() -> Iterator[None]:
    """After each test, delete what its closing asked to delete: pytest-qt calls
    ``deleteLater`` on the widgets it closes, but outside a running event loop nothing
    deletes them, so every window of every earlier test would stay alive (about 370 widgets
    each), and each new style sheet, font or app-wide event would go through all of them."""
    yield
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


@pytest.fixture(autouse=True)
def _no_unasked_error_box(monkeypatch) -> Iterator[list[str]]:
    """An error box is modal: offscreen it would wait for a click that never comes and hang
    the run.  A test that expects one patches ``show_error`` itself (its patch wins); any
    other error box fails the test with the box's words."""
    from emosign_desktop.ui import actions, main_window, messages, welcome
    from emosign_desktop.ui.review import gold_panel

    shown: list[str] = []

    def record(_parent: object, title: str, exc: BaseException | str) -> None:
        shown.append(f"{title}: {exc}")

    for module in (messages, actions, main_window, welcome, gold_panel):
        monkeypatch.setattr(module, "show_error", record)
    yield shown
    if shown:
        pytest.fail("an error box was shown that the test did not expect: " + " | ".join(shown))
