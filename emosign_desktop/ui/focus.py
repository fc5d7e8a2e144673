"""Focus you can always see: the control that takes the focus is scrolled into view, and a
group's first control is where F6 lands.

``install_focus_in_view()`` (once, by the main window) follows the application's focus:
when a control inside one or more scroll areas takes it (by Tab from outside, F6, a
shortcut), each scroll area scrolls so that the control shows whole (its top, when it is
taller than the scroll area).  Scroll areas themselves never take the focus
(``scroll_without_focus``): the keys go to their controls.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, QRect, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QGroupBox,
    QScrollArea,
    QWidget,
)

#: Room left around a control scrolled into view (its focus ring and a little more).
MARGIN = 6
_INSTALLED: list[QObject] = []
_LONGEST_CHAIN = 20000  # a window's focus chain is a ring: this bounds a broken one


def scroll_without_focus(area: QAbstractScrollArea) -> QAbstractScrollArea:
    """A scroll area whose content has controls: Tab and F6 go to them, never to the
    area itself (a bare area shows no focus ring and its arrow keys only scroll)."""
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return area


def scroll_home(root: QWidget) -> None:
    """Scroll every scrolled panel and list under ``root`` back to its top left (another
    project opened: its panels show from their first control, e.g. the Tiers tab's Tier)."""
    for area in root.findChildren(QAbstractScrollArea):
        area.verticalScrollBar().setValue(0)
        area.horizontalScrollBar().setValue(0)


def tab_between(before: QWidget, content: QWidget, after: QWidget) -> None:
    """Put the controls of ``content`` (made after ``before`` and ``after``, so last in the
    window's tab order) between those two, in the order they had: Tab then goes through
    them where they are shown.  ``before`` must have no focusable children."""
    controls: list[QWidget] = []
    widget = content.nextInFocusChain()
    for _step in range(_LONGEST_CHAIN):
        if widget is None or widget is content:
            break
        if (content.isAncestorOf(widget) and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
                and widget.focusProxy() is None and widget not in controls):
            controls.append(widget)
        widget = widget.nextInFocusChain()
    previous = before
    for control in [*controls, after]:
        QWidget.setTabOrder(previous, control)
        previous = control


def _scroll_area_of(widget: QWidget) -> QScrollArea | None:
    """The nearest scroll area whose content holds ``widget`` (not one it is part of)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            content = parent.widget()
            if content is not None and (content is widget or content.isAncestorOf(widget)):
                return parent
            return None  # a scroll bar or the corner of the area: nothing to scroll
        parent = parent.parentWidget()
    return None


def _group_box_of(widget: QWidget, content: QWidget | None) -> QGroupBox | None:
    """The group box around ``widget`` inside a scroll area's ``content``, if any."""
    parent = widget.parentWidget()
    while parent is not None and content is not None and content.isAncestorOf(parent):
        if isinstance(parent, QGroupBox):
            return parent
        parent = parent.parentWidget()
    return None


def _scroll_to(area: QScrollArea, target: QRect) -> None:
    """Scroll ``area`` so that ``target`` (in the coordinates of its content) shows: whole
    when it fits, its left or top edge otherwise."""
    content = area.widget()
    port = area.viewport().size()
    if content is None or port.isEmpty():
        return
    seen = QRect(-content.pos(), port)
    for bar, low, high, start, room in (
            (area.horizontalScrollBar(), target.left(), target.right(), seen.left(),
             port.width()),
            (area.verticalScrollBar(), target.top(), target.bottom(), seen.top(),
             port.height())):
        end = start + room - 1
        margin = MARGIN if high - low + 1 + 2 * MARGIN <= room else 0
        if high - low + 1 > room or low < start:
            bar.setValue(low - margin)  # too large: its start shows; above: it comes down
        elif high > end:
            bar.setValue(high + margin - room + 1)


def show_in_view(widget: QWidget) -> None:
    """Scroll every scroll area around ``widget`` (the innermost first) so that it shows."""
    target = QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())
    inner: QWidget = widget
    area = _scroll_area_of(inner)
    box = _group_box_of(widget, area.widget() if area is not None else None)
    if area is not None and box is not None:  # its group's title too, when both fit
        top = box.mapToGlobal(QPoint(0, 0)).y()
        if target.bottom() - top + 1 + 2 * MARGIN <= area.viewport().height():
            target.setTop(min(top, target.top()))
    while area is not None:
        content = area.widget()
        assert content is not None
        _scroll_to(area, QRect(content.mapFromGlobal(target.topLeft()), target.size()))
        port = area.viewport()
        shown = QRect(port.mapToGlobal(QPoint(0, 0)), port.size())
        target = target.intersected(shown) if target.intersects(shown) else shown
        inner = area
        area = _scroll_area_of(inner)


class _FocusInView(QObject):
    """Follows ``QApplication.focusChanged``: the new focus widget is scrolled into view
    (not while a mouse button is down: a click shows what it clicked).  Now, and again
    once the key's events are done: after Tab within it, a scroll area centres a control
    wider than itself, which would hide the control's start."""

    def on_focus(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is None or not new.isVisible() or _scroll_area_of(new) is None:
            return
        if QApplication.mouseButtons() != Qt.MouseButton.NoButton:
            return
        show_in_view(new)
        QTimer.singleShot(0, self, lambda: self._again(new))

    @staticmethod
    def _again(widget: QWidget) -> None:
        if QApplication.focusWidget() is widget and widget.isVisible():
            show_in_view(widget)


def install_focus_in_view() -> None:
    """Scroll each control that takes the focus into view, for the whole application
    (once: later calls do nothing)."""
    app = QApplication.instance()
    if _INSTALLED or not isinstance(app, QApplication):
        return
    follower = _FocusInView(app)
    app.focusChanged.connect(follower.on_focus)
    _INSTALLED.append(follower)


def takes_tab(widget: QWidget) -> bool:
    """``widget`` is a control that Tab can reach now (shown, enabled, its own focus)."""
    return (bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus) and widget.isVisible()
            and widget.isEnabled() and widget.focusProxy() is None)


def first_control(group: QWidget) -> QWidget | None:
    """The control of ``group`` that Tab reaches first (the chosen one of a group of radio
    buttons, as Tab and the arrow keys do), or None."""
    widget = group.nextInFocusChain()
    for _step in range(_LONGEST_CHAIN):
        if widget is None or widget is group:
            break
        if group.isAncestorOf(widget) and takes_tab(widget):
            buttons = widget.group() if isinstance(widget, QAbstractButton) else None
            chosen = buttons.checkedButton() if buttons is not None else None
            if chosen is not None and chosen.isVisible() and chosen.isEnabled():
                return chosen
            return widget
        widget = widget.nextInFocusChain()
    return None


def focus_first(group: QWidget) -> bool:
    """Give the focus to the first control of ``group`` (its focus proxy when it has one),
    scrolled into view with its focus ring; False when it has none to take it."""
    if not group.isVisible() or not group.isEnabled():
        return False
    proxy = group.focusProxy()
    target = proxy if proxy is not None and proxy.isVisible() and proxy.isEnabled() \
        else first_control(group)
    if target is None:
        return False
    target.setFocus(Qt.FocusReason.TabFocusReason)  # Tab's reason: the ring shows
    show_in_view(target)
    return True
