"""Time on task with a scripted clock."""

from __future__ import annotations

import pytest

from emosign_desktop.core.activity import ActivityClock


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    def wait(self, seconds: float) -> None:
        self.t += seconds


def test_time_counts_only_while_selected_active_and_recently_used() -> None:
    clock = Clock()
    c = ActivityClock(clock, idle_after_s=60)
    c.select(("v1", "ann"))
    clock.wait(30)
    c.input()  # the window is not active yet: nothing counts
    clock.wait(10)
    c.set_active(True)
    clock.wait(20)
    c.input()
    clock.wait(45)
    assert c.take() == pytest.approx({("v1", "ann"): 65.0})
    # Walks away: counting stops 60 s after the last input.
    clock.wait(300)
    assert c.take() == pytest.approx({("v1", "ann"): 15.0})
    clock.wait(100)
    assert c.take() == {}
    # Comes back: counts again from the next input.
    c.input()
    clock.wait(5)
    c.select(("v2", "ann"))
    clock.wait(7)
    c.input()
    clock.wait(3)
    c.set_active(False)  # another application in front
    clock.wait(50)
    c.input()
    assert c.take() == pytest.approx({("v1", "ann"): 5.0, ("v2", "ann"): 10.0})


def test_nothing_selected_counts_nothing() -> None:
    clock = Clock()
    c = ActivityClock(clock)
    c.set_active(True)
    c.input()
    clock.wait(20)
    assert c.take() == {}
    c.select("v")
    clock.wait(20)
    c.select(None)
    clock.wait(20)
    assert c.take() == pytest.approx({"v": 20.0})
    assert c.key is None
