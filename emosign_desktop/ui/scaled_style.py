"""A style whose indicators, icons and title bars grow with the text: at 200 % a radio
button's circle, a check box, a dock's title and its buttons are twice their 100 % size
(Qt's styles size them in pixels, whatever the font).  Tabs never draw clipped text: a tab
that does not fit ends in "…" (its whole text is its tooltip) instead of scrolling half out
of the bar."""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleHintReturn,
    QStyleOption,
    QStyleOptionTab,
    QTabBar,
    QWidget,
)

PM = QStyle.PixelMetric
#: The pixel metrics that grow with the text size.
SCALED = frozenset({
    PM.PM_ExclusiveIndicatorWidth, PM.PM_ExclusiveIndicatorHeight,
    PM.PM_IndicatorWidth, PM.PM_IndicatorHeight,
    PM.PM_SmallIconSize, PM.PM_ButtonIconSize, PM.PM_TabBarIconSize, PM.PM_ListViewIconSize,
    PM.PM_TitleBarHeight, PM.PM_TitleBarButtonSize, PM.PM_TitleBarButtonIconSize,
    PM.PM_DockWidgetTitleMargin, PM.PM_DockWidgetTitleBarButtonMargin,
    PM.PM_ToolBarIconSize, PM.PM_MenuButtonIndicator,
})
#: Room a tab keeps for the focus ring drawn inside it (3 px on each side).
TAB_RING = 6
#: A tab label this short (in characters) stays whole while longer ones are elided.
SHORT_TAB = 9


def mnemonic_free(text: str) -> str:
    """``text`` as shown: "&" marks dropped, "&&" shown as "&"."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


class _TabTips(QObject):
    """Gives every tab without a tooltip its whole text as tooltip (a tab may be elided)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, QTabBar) and event.type() in (QEvent.Type.Paint,
                                                              QEvent.Type.ToolTip):
            for i in range(watched.count()):
                if not watched.tabToolTip(i):
                    watched.setTabToolTip(i, mnemonic_free(watched.tabText(i)))
        return False


def _elided(text: str) -> str:
    """What QTabBar measures a tab's smallest size with: its first two characters and
    "..." (right elision)."""
    return text if len(text) <= 3 else text[:2] + "..."


def _kept_whole(bar: QTabBar, full: str, measured: str, width: int) -> int:
    """The width to add to the smallest size (``width``, measured on ``measured``, the
    elided ``full``) of a tab so that short labels ("Tiers", "Summary") stay whole while
    longer ones are elided: the shortest first, as many as the bar has room for (0: this
    one may shrink)."""
    # (while a tab is measured, the bar holds its elided text: the full one is ``full``)
    texts = [full if t == measured else t for t in (bar.tabText(i) for i in range(bar.count()))]
    if texts.count(full) != 1:
        return 0
    metrics = bar.fontMetrics()

    def extra(text: str) -> int:  # what keeping ``text`` whole costs over its smallest
        return (metrics.horizontalAdvance(mnemonic_free(text))
                - metrics.horizontalAdvance(mnemonic_free(_elided(text))))

    margins = width - metrics.horizontalAdvance(mnemonic_free(measured))  # of one tab
    room = bar.width() - sum(margins + metrics.horizontalAdvance(mnemonic_free(_elided(t)))
                             for t in texts)  # what is left with every tab at its smallest
    for text in sorted((t for t in texts if len(mnemonic_free(t)) <= SHORT_TAB), key=extra):
        if extra(text) > room:
            return 0
        room -= extra(text)
        if text == full:
            return extra(text)
    return 0


class ScaledStyle(QProxyStyle):
    """The platform's style with its pixel metrics times :attr:`scale` (1.0 at 100 %)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.scale = 1.0
        self._tips = _TabTips()
        self._measured = ""  # the text of the tab measured last, whole

    def pixelMetric(self, metric: QStyle.PixelMetric, option: QStyleOption | None = None,
                    widget: QWidget | None = None) -> int:
        value = super().pixelMetric(metric, option, widget)
        if metric in SCALED and self.scale != 1.0:
            return round(value * self.scale)
        return value

    def styleHint(self, hint: QStyle.StyleHint, option: QStyleOption | None = None,
                  widget: QWidget | None = None,
                  returnData: QStyleHintReturn | None = None) -> int:
        if hint == QStyle.StyleHint.SH_TabBar_ElideMode:
            return int(Qt.TextElideMode.ElideRight.value)
        if hint == QStyle.StyleHint.SH_TabBar_PreferNoArrows:
            return 1  # tabs shrink (elided, whole text in the tooltip) instead of scrolling
        return super().styleHint(hint, option, widget, returnData)

    def sizeFromContents(self, kind: QStyle.ContentsType, option: QStyleOption,
                         size: QSize, widget: QWidget | None = None) -> QSize:
        # (PySide's stub wants a widget; Qt passes none for sizes asked without one)
        result = super().sizeFromContents(kind, option, size, widget)  # type: ignore[arg-type]
        if kind == QStyle.ContentsType.CT_TabBarTab:
            result.setWidth(result.width() + TAB_RING)
            if isinstance(widget, QTabBar) and isinstance(option, QStyleOptionTab):
                result.setWidth(result.width() + self._tab_kept_whole(widget, option.text,
                                                                      result.width()))
        return result

    def _tab_kept_whole(self, bar: QTabBar, text: str, width: int) -> int:
        """QTabBar measures each tab whole, then at its smallest (elided): the first
        measure gives the whole text of the second."""
        if not text.endswith("..."):
            self._measured = text
            return 0
        full = self._measured
        return _kept_whole(bar, full, text, width) if _elided(full) == text else 0

    def drawControl(self, element: QStyle.ControlElement, option: QStyleOption,
                    painter: QPainter, widget: QWidget | None = None) -> None:
        if element == QStyle.ControlElement.CE_DockWidgetTitle and widget is not None:
            # Qt paints a dock's title in a fixed title font: paint it at the text size
            painter.setFont(widget.font())
            option.fontMetrics = QFontMetrics(widget.font())
        super().drawControl(element, option, painter, widget)

    def polish(self, target: Any) -> Any:  # (a widget, the application or a palette)
        if isinstance(target, QTabBar):
            target.removeEventFilter(self._tips)
            target.installEventFilter(self._tips)
        return super().polish(target)


_STYLE: list[ScaledStyle] = []


def scaled_style(app: QApplication) -> tuple[ScaledStyle, bool]:
    """The application's scaled style, and whether it was installed just now (setting a
    style restyles every widget: done once, unless another style replaced it since)."""
    if _STYLE and shiboken6.isValid(_STYLE[0]):
        return _STYLE[0], False
    name = app.style().name().lower()
    available: list[str] = QStyleFactory.keys()  # (a list of style names, not a dict)
    key = next((k for k in available if k.lower() == name), "Fusion")
    style = ScaledStyle(key)
    _STYLE[:] = [style]
    app.setStyle(style)
    return style, True
