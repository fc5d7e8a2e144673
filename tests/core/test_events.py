"""The one evented mechanism of the Qt-free layers: connect, disconnect, emit."""

from __future__ import annotations

from emosign_desktop.core.events import Signal


def test_slots_are_called_in_order_with_the_arguments():
    signal, heard = Signal("s"), []
    signal.connect(lambda *a: heard.append(("first", a)))
    signal.connect(lambda *a: heard.append(("second", a)))
    signal.emit(1, "x")
    assert heard == [("first", (1, "x")), ("second", (1, "x"))]


def test_connect_returns_the_slot_and_disconnect_stops_it():
    signal, heard = Signal(), []
    slot = signal.connect(heard.append)
    signal.connect(heard.append)  # twice: called once
    signal.emit(1)
    signal.disconnect(slot)
    signal.disconnect(slot)  # not connected: nothing happens
    signal.emit(2)
    assert heard == [1] and len(signal) == 0


def test_a_slot_disconnected_during_an_emission_is_not_called_by_it():
    signal, heard = Signal(), []

    def first() -> None:
        heard.append("first")
        signal.disconnect(second)
        signal.connect(third)

    def second() -> None:
        heard.append("second")

    def third() -> None:
        heard.append("third")

    signal.connect(first)
    signal.connect(second)
    signal.emit()
    assert heard == ["first"]  # second let go; third waits for the next emission
    signal.emit()
    assert heard == ["first", "first", "third"]


def test_disconnect_all():
    signal, heard = Signal(), []
    signal.connect(heard.append)
    signal.connect(lambda _x: heard.append("lambda"))
    assert len(signal.slots()) == 2
    signal.disconnect_all()
    signal.emit(1)
    assert heard == [] and not signal.slots()
