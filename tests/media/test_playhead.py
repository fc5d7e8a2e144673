"""The playhead is the one owner of the current frame, and records which way it last moved."""

from __future__ import annotations

import ast
from pathlib import Path

from emosign_desktop.media.playhead import Playhead, PlayheadEvent

ROOT = Path(__file__).parents[2]


def test_last_move_records_the_direction_of_each_move():
    ph = Playhead(150, 25.0)
    events: list[PlayheadEvent] = []
    ph.subscribe(events.append)
    assert ph.last_move == 0
    ph.seek(10)
    assert (ph.current, ph.last_move) == (10, 1)
    ph.step(-1)
    assert (ph.current, ph.last_move) == (9, -1)
    ph.step(-3)
    assert ph.last_move == -1
    ph.step_seconds(1)
    assert (ph.current, ph.last_move) == (31, 1)
    ph.seek(31, source="playback")  # the same frame, told by playback: no move
    assert (ph.current, ph.last_move, ph.last_source) == (31, 0, "playback")
    ph.seek(40, source="playback")
    assert ph.last_move == 1
    events.clear()
    ph.seek(40, source="playback")  # nothing changes: no event, last_move kept
    assert events == [] and ph.last_move == 1
    ph.seek(-5)  # clamped to 0: still a move back
    assert (ph.current, ph.last_move) == (0, -1)
    ph.step(-1)  # already at 0 (same source): not a move
    assert (ph.current, ph.last_move) == (0, -1) and events == [PlayheadEvent.FRAME]
    ph.seek(1000)
    assert (ph.current, ph.last_move) == (149, 1)
    ph.set_media(60, 30.0)
    assert (ph.current, ph.last_move) == (0, 0)


def test_last_move_is_set_before_listeners_hear_of_the_move():
    ph = Playhead(100, 25.0)
    heard: list[tuple[int, int]] = []
    ph.subscribe(lambda _event: heard.append((ph.current, ph.last_move)))
    ph.seek(50)
    ph.step(-1)
    assert heard == [(50, 1), (49, -1)]


def _owner_is_a_playhead(value: ast.expr) -> bool:
    """``playhead``, ``ph``, ``self.playhead``, ``player.playhead``... (by name)."""
    name = ast.unparse(value).rsplit(".", 1)[-1].lower()
    return "playhead" in name or name == "ph"


def _assigns_current(path: Path) -> list[int]:
    """Lines of ``path`` that assign a playhead's ``.current`` (plain, augmented or
    unpacked)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        for target in targets:
            for t in ast.walk(target):
                if (isinstance(t, ast.Attribute) and t.attr == "current"
                        and _owner_is_a_playhead(t.value)):
                    lines.append(node.lineno)
    return lines


def test_nothing_but_the_playhead_assigns_its_current_frame():
    offenders = []
    for folder in ("emosign_desktop", "tests", "benchmarks"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == ROOT / "emosign_desktop" / "media" / "playhead.py":
                continue
            offenders += [f"{path.relative_to(ROOT)}:{n}" for n in _assigns_current(path)]
    assert offenders == []
