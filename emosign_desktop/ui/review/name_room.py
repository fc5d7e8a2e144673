"""Where the names on one segment row go, so that no name is drawn over another: a name
that fits its box stays in it; a proposal's name too wide for its box goes beside it, into
the free room on the side with more of it (never over another box, nor over a name placed
before it; none when it lies on another box); and a name that would still run into the
next one is cut short where that one begins (the caller elides it to the room it has).
Plain numbers: x positions in pixels."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

GAP = 3.0  # pixels between a name and the next box or name


@dataclass(frozen=True)
class NameBox:
    """A box on a row and its name's wishes."""

    box: tuple[float, float]  # the box's left and right edges
    inner: tuple[float, float]  # where its name goes inside the box
    wanted: float  # how wide its name is, whole
    beside: bool  # whether a name too wide for the box may go beside it (proposals)


@dataclass(frozen=True)
class NameRoom:
    """Where a name may be drawn, and how it is placed: ``side`` is "in", "right" (starts
    after its box) or "left" (ends before its box)."""

    left: float
    right: float
    side: str

    @property
    def width(self) -> float:
        return max(0.0, self.right - self.left)


def _wants_left(boxes: Sequence[NameBox], x: float, gap: float, hi: float) -> bool:
    """Whether the name of a box starting at ``x`` will want to go on its left, into the
    ``gap`` before it (too wide for its box, with less room on its right than it wants and
    than the gap)."""
    for b in boxes:
        if b.box[0] == x and b.beside and b.wanted > b.inner[1] - b.inner[0]:
            right_end = min([o.box[0] for o in boxes if o.box[0] >= b.box[1] - 0.5] + [hi])
            room = right_end - b.box[1] - 2 * GAP
            return room < b.wanted and room < gap
    return False


def name_rooms(boxes: Sequence[NameBox], lo: float, hi: float) -> list[NameRoom]:
    """The room of each name (in the order of ``boxes``) between ``lo`` and ``hi``; no two
    rooms overlap, and none is wider than its name wants beside its box."""
    order = sorted(range(len(boxes)), key=lambda k: boxes[k].box[0])
    rooms = [NameRoom(*b.inner, "in") for b in boxes]
    taken = lo  # where the names already put beside a box end
    for k in order:
        b = boxes[k]
        x0, x1 = b.box
        if not b.beside or b.wanted <= b.inner[1] - b.inner[0]:
            continue
        others = [o.box for j, o in enumerate(boxes) if j != k]
        right_end = min([o0 for o0, _ in others if o0 >= x1 - 0.5]
                        + [x1 for o0, o1 in others if o0 < x1 < o1] + [hi])  # (under one)
        if _wants_left(boxes, right_end, right_end - x1 - 2 * GAP, hi):  # the next name
            # needs this gap too: share it
            right_end = x1 + (right_end - x1) / 2
        left_end = max([o1 for _, o1 in others if o1 <= x0 + 0.5]
                       + [x0 for o0, o1 in others if o0 < x0 < o1] + [taken, lo])
        on_right = (x1 + GAP, right_end - GAP)
        on_left = (left_end + GAP, x0 - GAP)
        room_r, room_l = on_right[1] - on_right[0], on_left[1] - on_left[0]
        if room_r >= b.wanted or room_r >= room_l:
            rooms[k] = NameRoom(on_right[0], min(on_right[1], on_right[0] + b.wanted),
                                "right")
        else:
            rooms[k] = NameRoom(max(on_left[0], on_left[1] - b.wanted), on_left[1], "left")
        taken = max(taken, rooms[k].right)
    by_left = sorted(range(len(rooms)), key=lambda k: (rooms[k].left, k))
    for a, nxt in itertools.pairwise(by_left):  # still running into the next: cut short
        limit = rooms[nxt].left - GAP
        if rooms[a].right > limit:
            rooms[a] = NameRoom(rooms[a].left, max(rooms[a].left, limit), rooms[a].side)
    return rooms
