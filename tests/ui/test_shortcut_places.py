"""Keys where the sheet says: for every line of the F1 sheet (``SHORTCUTS``) that names where
its keys act, the focus goes to each control there (and to a tab's header while that tab is
the current one), each key is pressed, and what the sheet says it does is checked.  A text
box keeps its editing keys, and the sheet says so where that happens.  The README's key
table lists what the sheet lists."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut, QShortcutEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from emosign_desktop.landmarks.track import cache_path
from emosign_desktop.media.playhead import Playhead
from emosign_desktop.services.session import create_session
from emosign_desktop.services.videos import add_videos
from emosign_desktop.ui.appearance import SHORTCUTS, Shortcut, ShortcutsDialog, apply_appearance
from emosign_desktop.ui.main_window import MainWindow
from emosign_desktop.ui.proposal_texts import key_of
from tests.conftest import demo_copy
from tests.generate import make_video
from tests.services.test_proposing import FPS, FRAMES, raised_brows
from tests.ui.windows import build_window

#: The keys a text box (a note, a number box) uses to edit its text: there, they stay its.
TEXT_KEYS = {"Left", "Right", "Shift+Left", "Shift+Right", "Home", "End", "Delete", "Up",
             "Down"}
TEXT_BOXES = (QLineEdit, QAbstractSpinBox, QPlainTextEdit, QTextEdit)
#: The keys of the window a text box keeps for its text (undo, redo, a typed "?").
TEXT_BOX_KEEPS = {"Ctrl+Z", "Ctrl+Shift+Z", "?"}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """up1 (brows raised over frames 20..39: one proposal), up2 and bare; 100 frames at 25
    fps; kim has 30 one-frame segments on up1 (for Delete to delete)."""
    folder, media = tmp_path / "project", tmp_path / "media"
    media.mkdir()
    files = [make_video(media / f"{name}.mp4", FRAMES, size, int(FPS))
             for name, size in (("up1", (64, 48)), ("up2", (80, 48)), ("bare", (96, 48)))]
    with create_session(folder) as s:
        videos = {v.name: v for v in add_videos(s, files)}
        tier = next(t for t in s.queries.tiers() if t.name == "Facial grammar")
        for frame in range(60, 90):
            s.editing.add_segment(videos["up1"].id, "kim", tier.id, frame, frame)
    path = cache_path(videos["up1"].fingerprint)
    path.parent.mkdir(parents=True, exist_ok=True)
    raised_brows(20, 39, 1).save(path)
    return folder


def places(line: Shortcut) -> list[str]:
    """The places a sheet line names ("player or tier editor (...)": player, tier editor)."""
    bare = re.sub(r"\s*\(.*?\)", "", line.where)
    return [p.strip() for p in re.split(r",|\bor\b", bare) if p.strip()]


@dataclass
class Here:
    """The window, and how many times each key was pressed (to vary what is checked)."""

    w: MainWindow
    presses: dict[str, int] = field(default_factory=dict)

    @property
    def ph(self) -> Playhead:
        return self.w.details.player.playhead

    def settle(self) -> None:
        self.w.workspace.wait_idle()
        QApplication.processEvents()


def _controls(w: MainWindow, root: QWidget) -> list[QWidget]:
    """The controls in ``root`` that take the focus (a spin box's own line edit is the
    spin box; of a group of choices, one stands for the others)."""
    found = [root] if root.focusPolicy() != Qt.FocusPolicy.NoFocus else []
    found += [c for c in root.findChildren(QWidget)
              if c.focusPolicy() != Qt.FocusPolicy.NoFocus and c.isVisibleTo(w)
              and c.isEnabled() and not isinstance(c.parent(), QAbstractSpinBox | QComboBox)]
    groups = {id(b.group()): b for b in reversed(found)
              if isinstance(b, QAbstractButton) and b.group() is not None}
    return [c for c in found if not isinstance(c, QAbstractButton) or c.group() is None
            or groups[id(c.group())] is c]


def _show_tab_of(w: MainWindow, widget: QWidget) -> None:
    tabs = w.details.tabs
    tabs.setCurrentIndex(next(i for i in range(tabs.count())
                              if tabs.widget(i) is widget or tabs.widget(i).isAncestorOf(widget)))
    QApplication.processEvents()


def _select_a_segment(w: MainWindow) -> None:
    editor = w.tier_editor
    assert editor.segments.count() > 0, "no segment left to select"
    editor.segments.setCurrentRow(0)
    QApplication.processEvents()


def targets(w: MainWindow, place: str, key: str) -> Iterator[QWidget]:
    """Each control of ``place`` in turn, shown and ready for ``key``."""
    labels, details = w.labels, w.details
    if place == "player":
        _show_tab_of(w, w.tier_editor)
        _select_a_segment(w)
        yield from _controls(w, details.player)
    elif place == "tier editor":
        _show_tab_of(w, w.tier_editor)
        _select_a_segment(w)
        yield from _controls(w, w.tier_editor)
    elif place in ("Segments tab", "Landmarks tab"):
        page = details.segment_rows if place == "Segments tab" else details.landmarks
        _show_tab_of(w, page)
        yield from [*_controls(w, page), details.tabs.tabBar()]
    elif place == "labels" and key in ("Up", "Down"):  # within the sentiment choices
        yield labels.groups["sentiment"].buttons()[2]
    elif place == "labels":
        yield from _controls(w, labels)
    elif place == "an emotion row":
        yield from (group.buttons()[1] for name, group in labels.groups.items()
                    if name != "sentiment")
    elif place == "lists":
        for i in range(details.tabs.count()):
            details.tabs.setCurrentIndex(i)
            QApplication.processEvents()
            yield from (v for v in w.findChildren(QAbstractItemView)
                        if v.isVisibleTo(w) and v.model() is not None
                        and v.model().rowCount() > 2 and not isinstance(v.parent(), QComboBox))
    else:
        pytest.fail(f"the sheet names a place the test does not know: {place!r}")


def native(h: Here, place: str, key: str, target: QWidget) -> Callable[[], bool] | None:
    """What the keys of a kind of control do: choose on an emotion row, move within a group
    of choices or a list (None: ``key`` is a shortcut of ours)."""
    if place == "an emotion row" or (place == "labels" and key in ("Up", "Down")):
        group = next(g for g in h.w.labels.groups.values() if target in g.buttons())

        def chosen() -> bool:
            h.settle()
            checked, focus = group.checkedButton(), QApplication.focusWidget()
            if key in "0123":
                return checked is not None and checked.accessibleName().endswith(f" {key}")
            return focus is not target and focus in group.buttons()
        return chosen
    if place == "lists":
        assert isinstance(target, QAbstractItemView)
        row = 1
        target.setCurrentIndex(target.model().index(row, 0))
        return lambda: target.currentIndex().row() == row + (1 if key == "Down" else -1)
    return None


def playing(h: Here, key: str, start: int) -> Callable[[], bool] | None:
    """The player's own keys, the playhead at ``start``."""
    ph = h.ph
    moves = {"Left": -1, "Right": 1, "Shift+Left": -round(ph.fps),
             "Shift+Right": round(ph.fps), "Home": -start, "End": ph.frame_count - 1 - start}
    if key in moves:
        return lambda: ph.current == start + moves[key]
    if key in ("Space", "J", "L"):
        return lambda: ph.playing and ph.direction == (-1 if key == "J" else 1)
    if key == "K":
        ph.set_playing(True)
        return lambda: not ph.playing
    return None


def editing(h: Here, key: str, start: int) -> Callable[[], bool] | None:
    """I, O, R and Delete: marks, a new segment, a region, a segment deleted."""
    editor = h.w.tier_editor
    if key in ("R", "Delete"):
        _select_a_segment(h.w)  # (the last one deleted: the next)
    segments = editor.segments.count()
    editor.in_mark = None
    editor.region_button.setChecked(False)
    if key == "I":
        return lambda: editor.in_mark == start
    if key == "R":
        return lambda: editor.region_button.isChecked()
    if key not in ("O", "Delete"):
        return None

    def counted() -> bool:
        h.settle()
        editor.value.hidePopup()  # (O asks for the new segment's value)
        return editor.segments.count() == segments + (1 if key == "O" else -1)
    return counted


def proposing(h: Here, key: str, start: int) -> Callable[[], bool] | None:
    """N, P, A, X, [ and ]: on the one proposal of up1 (frames 20..39)."""
    ph, ctl, editor = h.ph, h.w.proposals, h.w.tier_editor
    if key in ("N", "P"):
        ctl.select(None)
        ph.seek(0 if key == "N" else ph.frame_count - 1)
        return lambda: ctl.shown.selected is not None
    if key not in ("A", "X", "[", "]"):
        return None
    [proposal] = ctl.items
    ctl.select(key_of(proposal), seek=False)
    if key in ("[", "]"):
        here = 21 + start % 8 if key == "[" else 30 + start % 8
        ph.seek(here)
        return lambda: ctl.shown.edges_of(proposal)[key == "]"] == here
    segments = editor.segments.count()

    def decided() -> bool:
        h.settle()
        gone = ctl.items == [] and (key == "X" or editor.segments.count() == segments + 1)
        h.w.menus.undo.trigger()  # back as it was, for the next press
        h.settle()
        return gone
    return decided


def expect(h: Here, place: str, key: str, target: QWidget) -> Callable[[], bool]:
    """Set the state up for ``key``; the answer says whether the key did what it should."""
    done = native(h, place, key, target)
    if done is not None:
        return done
    n = h.presses[key] = h.presses.get(key, 0) + 1
    start = 30 + n % 20  # (a second either way stays within the video)
    h.ph.set_playing(False)
    h.ph.seek(start)
    if key == "Ctrl+Return":
        return lambda: h.w.workspace.video is not None and h.w.workspace.video.name != "up1"
    for kind in (playing, editing, proposing):
        done = kind(h, key, start)
        if done is not None:
            return done
    pytest.fail(f"the test does not know what {key} should do")


def _press(qtbot, target: QWidget, key: str) -> None:
    target.setFocus(Qt.FocusReason.OtherFocusReason)
    focus = QApplication.focusWidget()
    assert focus is not None and (focus is target or target.isAncestorOf(focus)
                                  or focus is target.focusProxy()), \
        f"{_name(target)} did not take the focus for {key} (it is on {focus})"
    combo = QKeySequence(key)[0]
    qtbot.keyClick(focus, combo.key(), combo.keyboardModifiers())


def _name(widget: QWidget) -> str:
    if isinstance(widget, QTabBar):
        return f"the tab header {widget.tabText(widget.currentIndex())!r}"
    return f"{type(widget).__name__} {widget.accessibleName() or widget.objectName()!r}"


def test_the_places_the_sheet_names_are_read():
    line = Shortcut(("Delete",), "delete", "player or tier editor (a text box there keeps it)")
    assert places(line) == ["player", "tier editor"]
    assert places(Shortcut(("F6",), "next group")) == ["anywhere"]


@pytest.mark.slow  # about 480 presses, 60 of them writes and their undos: half a minute
def test_every_key_works_everywhere_the_sheet_says(qtbot, folder):
    press_everywhere(qtbot, folder, every_control=True)


def test_every_key_works_in_each_place_the_sheet_names(qtbot, folder):
    """The quick form for ``make test``: the first and the last control of each place."""
    press_everywhere(qtbot, folder, every_control=False)


def press_everywhere(qtbot, folder, *, every_control: bool) -> None:
    """Each key of the sheet, pressed on the controls of each place it names (all of them,
    or the first and the last of each place), does what the sheet says."""
    w = build_window(qtbot, folder, video="up1", size=(1366, 768))
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    w.proposals.show_proposals()
    w.workspace.wait_idle()
    assert len(w.proposals.items) == 1
    h = Here(w)
    failed: list[str] = []
    tried = 0
    for line in SHORTCUTS:
        for place in places(line):
            if place == "anywhere":
                continue
            for key in line.keys:
                found = list(targets(w, place, key))
                if not every_control:
                    found = list(dict.fromkeys(found[:1] + found[-1:]))
                for target in found:
                    if isinstance(target, TEXT_BOXES) and key in TEXT_KEYS:
                        assert "text box" in line.where, \
                            f"{key} in {_name(target)}: the sheet should say a text box keeps it"
                        continue
                    done = expect(h, place, key, target)
                    if not (target.isEnabled() and target.isVisibleTo(w)):
                        continue  # (Accept is off while no proposal is selected)
                    _press(qtbot, target, key)
                    tried += 1
                    if not done():
                        failed.append(f"{key} ({line.action}) in {place}: {_name(target)}")
                    if w.workspace.video is None or w.workspace.video.name != "up1":
                        assert w.select_video("up1")
                        QApplication.processEvents()
    w.details.player.playhead.set_playing(False)
    assert tried > (300 if every_control else 60)
    assert failed == [], "\n".join(failed)


def test_the_readme_lists_the_keys_of_the_sheet():
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    header = "| keys | action | where the focus is |"
    assert header in readme
    rows = []
    for text in readme.split(header, 1)[1].splitlines()[2:]:
        if not text.startswith("|"):
            break
        rows.append(tuple(cell.strip() for cell in text.strip().strip("|").split(" | ")))
    sheet = [(" / ".join(s.keys).replace("|", "\\|"), s.action, s.where) for s in SHORTCUTS]
    assert rows == sheet


def test_the_sheet_shows_where_each_key_acts_at_200_percent(qtbot):
    apply_appearance(200, False)
    try:
        sheet = ShortcutsDialog()
        qtbot.addWidget(sheet)
        sheet.show()
        QApplication.processEvents()
        table, header = sheet.table, sheet.table.horizontalHeader()
        assert table.horizontalScrollBar().maximum() == 0
        assert header.sectionViewportPosition(2) + header.sectionSize(2) \
            <= table.viewport().width()
        where = table.item(next(r for r, s in enumerate(SHORTCUTS) if s.keys == ("N", "P")), 2)
        needed = table.fontMetrics().boundingRect(
            0, 0, header.sectionSize(2) - 8, 10_000, Qt.TextFlag.TextWordWrap, where.text())
        assert table.rowHeight(where.row()) >= needed.height()  # wrapped, not cut
    finally:
        apply_appearance(100, False)


class _Caught(QObject):
    """Takes the shortcut events of the window's actions and shortcuts, and keeps their keys
    (nothing is run: no dialog opens)."""

    def __init__(self) -> None:
        super().__init__()
        self.keys: list[str] = []

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Shortcut and isinstance(event, QShortcutEvent):
            self.keys.append(event.key().toString())
            return True
        return False


def test_the_keys_that_act_anywhere_act_from_every_control(qtbot, tmp_path):
    w = build_window(qtbot, demo_copy(tmp_path), video="pose_test_video", size=(1366, 768))
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    caught = _Caught()
    things = [*w.findChildren(QAction), *w.findChildren(QShortcut)]
    for thing in things:
        thing.installEventFilter(caught)
    anywhere = [(key, line) for line in SHORTCUTS if not line.native
                and places(line) == ["anywhere"] for key in line.keys]
    tabs = w.details.tabs
    failed: list[str] = []
    tried = 0
    for i in range(tabs.count()):
        tabs.setCurrentIndex(i)
        QApplication.processEvents()
        controls = _controls(w, w) if i == 0 else [*_controls(w, tabs.widget(i)),
                                                    tabs.tabBar()]
        for target in controls:
            for thing in things:  # (Undo with nothing to undo is off: the place is the question)
                thing.setEnabled(True)
            for key, line in anywhere:
                if isinstance(target, TEXT_BOXES) and key in TEXT_BOX_KEEPS:
                    assert "text box" in line.where, f"{key}: a text box keeps it"
                    continue
                caught.keys.clear()
                _press(qtbot, target, key)
                tried += 1
                if caught.keys != [QKeySequence(key).toString()]:
                    failed.append(f"{key} ({line.action}) in {_name(target)}: {caught.keys}")
    assert tried > 500
    assert failed == [], "\n".join(failed)
