"""The list of signals to plot: grouped under headings, the face signals from MediaPipe's
blendshapes first ("Face (blendshapes)"), then the signals measured on the face points, the
head, hands and body; each with its formula as tooltip.  Headings are plain rows that cannot
be checked.  Until someone changes the choice, the signals checked follow what the video
has: the blendshape brow, blink and head signals when its landmarks carry them, else the
face-point ones.  A plotted signal's row shows a line in its curve's colour (a swatch).
Every signal a cue detector uses is in the list, its tooltip naming the detectors
(:func:`detector_signals`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from emosign_desktop.landmarks.signals import SignalDef

FACE_HEADING = "Face (blendshapes)"
POINTS_HEADING = "Face points, head, hands, body"
#: Checked when the video's landmarks have the blendshape signals...
FACE_DEFAULTS = ("brow_lowering", "inner_brow_raise", "eye_blink", "head_nod_energy",
                 "dominant_hand_speed")
#: ...and when they do not (landmarks extracted before FaceLandmarker ran).
POINTS_DEFAULTS = ("brow_raise_left", "brow_raise_right", "mouth_opening",
                   "head_nod_energy_mesh", "dominant_hand_speed")


def face_signal_names() -> tuple[str, ...]:
    """The names of the signals computed from the face blendshapes and matrix."""
    from emosign_desktop.landmarks.face_signals import FACE_SIGNALS

    return tuple(FACE_SIGNALS)


def signal_groups(defs: Iterable[SignalDef]) -> list[tuple[str, list[SignalDef]]]:
    """(heading, signals) in the order the list shows them: the face blendshape signals
    first, then the others, each group in the registry's order."""
    face = set(face_signal_names())
    defs = list(defs)
    groups = [(FACE_HEADING, [d for d in defs if d.name in face]),
              (POINTS_HEADING, [d for d in defs if d.name not in face])]
    return [(heading, members) for heading, members in groups if members]


def has_face_signals(signals: Mapping[str, Any]) -> bool:
    """Do these signals (one video's) hold blendshape values on some frame?"""
    for name in face_signal_names():
        values = signals.get(name)
        if values is not None and np.isfinite(np.asarray(values, dtype=float)).any():
            return True
    return False


def default_signals(signals: Mapping[str, Any]) -> tuple[str, ...]:
    """The signals checked for a video until someone chooses others."""
    return FACE_DEFAULTS if has_face_signals(signals) else POINTS_DEFAULTS


def fill_choices(choices: QListWidget, groups: Sequence[tuple[str, list[SignalDef]]],
                 checked: Iterable[str], tooltip: Any) -> None:
    """Headings and checkable signal rows (key in ``UserRole``, ``tooltip(d)`` as tooltip)."""
    wanted = set(checked)
    for heading, members in groups:
        title = QListWidgetItem(heading)
        # a heading: enabled (drawn in the text colour, not greyed) but neither checkable
        # nor selectable
        title.setFlags(Qt.ItemFlag.ItemIsEnabled)
        font = QFont(choices.font())
        font.setBold(True)
        title.setFont(font)
        title.setData(Qt.ItemDataRole.AccessibleTextRole, f"Heading: {heading}")
        choices.addItem(title)
        for d in members:
            item = QListWidgetItem(d.label)
            item.setData(Qt.ItemDataRole.UserRole, d.name)
            item.setToolTip(tooltip(d))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if d.name in wanted
                               else Qt.CheckState.Unchecked)
            choices.addItem(item)


def set_checked(choices: QListWidget, names: Iterable[str]) -> None:
    """Check exactly ``names`` (without signalling a change of choice per row)."""
    wanted = set(names)
    choices.blockSignals(True)
    try:
        for i in range(choices.count()):
            item = choices.item(i)
            key = item.data(Qt.ItemDataRole.UserRole)
            if key is not None:
                item.setCheckState(Qt.CheckState.Checked if key in wanted
                                   else Qt.CheckState.Unchecked)
    finally:
        choices.blockSignals(False)


def checked_keys(choices: QListWidget) -> list[str]:
    """The keys of the checked signal rows, in list order (headings have none)."""
    out = []
    for i in range(choices.count()):
        item = choices.item(i)
        key = item.data(Qt.ItemDataRole.UserRole)
        if key is not None and item.checkState() == Qt.CheckState.Checked:
            out.append(str(key))
    return out


def check_evidence(choices: QListWidget, detectors: Iterable[str]) -> bool:
    """Check the signals these cue detectors propose from (a selected proposal's: its
    evidence, plotted), keeping those checked; True when some were not checked."""
    uses = detector_signals()
    wanted = {s for name in detectors for s in uses.get(name, ())}
    checked = checked_keys(choices)
    keys = {choices.item(i).data(Qt.ItemDataRole.UserRole) for i in range(choices.count())}
    missing = sorted((wanted & keys) - set(checked))
    if missing:
        set_checked(choices, [*checked, *missing])
    return bool(missing)


def show_swatches(choices: QListWidget, colours: dict[str, QColor]) -> None:
    """A line in its curve's colour by each plotted signal in the list (the legend
    when the plot has no room for one)."""
    line = QFontMetricsF(choices.font()).height()
    size = QSize(max(12, int(line * 1.4)), max(8, int(line * 0.8)))
    choices.setIconSize(size)
    choices.blockSignals(True)  # an icon is not a change of choice
    try:
        for i in range(choices.count()):
            item = choices.item(i)
            picture = QPixmap(size)
            picture.fill(Qt.GlobalColor.transparent)
            colour = colours.get(item.data(Qt.ItemDataRole.UserRole))
            if colour is not None:
                painter = QPainter(picture)
                painter.setPen(QPen(colour, max(2.0, line / 6)))
                painter.drawLine(1, size.height() // 2, size.width() - 2,
                                 size.height() // 2)
                painter.end()
            item.setIcon(QIcon(picture))
    finally:
        choices.blockSignals(False)
    choices.viewport().update()


def display_unit(unit: str) -> str:
    """A unit as shown to people ("(deg/s)^2" as "(deg/s)²")."""
    return unit.replace("^2", "²")


def detector_signals() -> dict[str, tuple[str, ...]]:
    """The signals each cue detector proposes from, by the detector's name."""
    from emosign_desktop.analysis.proposals import DETECTORS

    return {name: tuple(d.signals) for name, d in DETECTORS.items()}


def used_by(signal: str) -> list[str]:
    """The labels of the cue detectors that use ``signal`` ("Fast signing")."""
    from emosign_desktop.analysis.proposals import DETECTORS

    return [d.label for d in DETECTORS.values() if signal in d.signals]


def signal_tooltip(d: SignalDef) -> str:
    """A signal's formula and unit, its name in data and CSV files, and the cue detectors
    that propose from it."""
    users = used_by(d.name)
    uses = f"\nCue proposals from it: {', '.join(users)}" if users else ""
    return (f"{d.label}: {d.formula}\nUnit: {display_unit(d.unit)}\n"
            f"In CSV files (emosign signals): {d.name}{uses}")
