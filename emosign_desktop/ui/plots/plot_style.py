"""How the plots look: their text size from the application font and their colours from the
application palette, followed live (:class:`PlotStyle`, :func:`style_plot`,
:data:`RESTYLE_EVENTS`).  Text is drawn in the palette's text colour on the plot's own
background (contrast >= 7:1, WCAG AAA); curves and marks keep >= 4.5:1 against the
background; an axis title is the longest that fits, never a clipped one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPalette
from PySide6.QtWidgets import QApplication

#: Curve colours on a light background and on a dark one (each >= 4.5:1 against white,
#: respectively black; red and yellow are kept for the playhead cursor).
LIGHT_SERIES = ((0, 90, 181), (200, 70, 0), (0, 125, 60), (170, 30, 120), (120, 60, 200),
                (0, 110, 130), (110, 70, 20), (120, 110, 0), (80, 80, 80), (30, 40, 120))
DARK_SERIES = ((90, 180, 255), (255, 150, 50), (60, 210, 120), (255, 130, 210),
               (190, 160, 255), (60, 220, 230), (210, 170, 120), (180, 230, 60),
               (200, 200, 200), (255, 110, 110))
#: The contrast wanted for text on its background (WCAG AAA is 7:1; AA is 4.5:1).
TEXT_CONTRAST = 7.0
#: Events after which a plot takes the application's font and palette again.
RESTYLE_EVENTS = frozenset({QEvent.Type.ApplicationFontChange, QEvent.Type.FontChange,
                            QEvent.Type.ApplicationPaletteChange, QEvent.Type.PaletteChange})


def relative_luminance(color: QColor) -> float:
    """WCAG 2 relative luminance of an sRGB colour (0 black .. 1 white)."""
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    return (0.2126 * channel(color.red()) + 0.7152 * channel(color.green())
            + 0.0722 * channel(color.blue()))


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio of two opaque colours (1 .. 21)."""
    hi, lo = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _readable_on(background: QColor, wanted: QColor) -> QColor:
    """``wanted`` if it contrasts enough with ``background``, else black or white."""
    if contrast_ratio(wanted, background) >= TEXT_CONTRAST:
        return QColor(wanted.red(), wanted.green(), wanted.blue())
    black, white = QColor(0, 0, 0), QColor(255, 255, 255)
    return black if contrast_ratio(black, background) >= contrast_ratio(white, background) \
        else white


@dataclass(frozen=True)
class PlotStyle:
    """Colours and text size for a plot, from the application's palette and font."""

    dark: bool
    background: QColor
    text: QColor
    legend_fill: QColor
    legend_border: QColor
    series: tuple[QColor, ...]
    cursor: QColor
    span_fill: QColor
    span_edge: QColor
    bar: QColor
    font: QFont

    @classmethod
    def current(cls) -> PlotStyle:
        """The style for the application's palette and font as they are now."""
        palette = QApplication.palette()
        base = palette.color(QPalette.ColorRole.Base)
        dark = relative_luminance(base) < 0.18
        # a white page in normal mode; the palette's own (black) page in a dark theme
        background = QColor(base.red(), base.green(), base.blue()) if dark \
            else QColor(255, 255, 255)
        text = _readable_on(background, palette.color(QPalette.ColorRole.Text))
        series = tuple(QColor(*c) for c in (DARK_SERIES if dark else LIGHT_SERIES))
        font = QFont(QApplication.font())
        if font.pointSizeF() <= 0:  # a pixel-sized font: points at 96 dpi
            font.setPointSizeF(font.pixelSize() * 0.75)
        return cls(
            dark=dark, background=background, text=text,
            legend_fill=QColor(background), legend_border=QColor(text), series=series,
            cursor=QColor(255, 230, 0) if dark else QColor(200, 0, 0),
            span_fill=QColor(255, 255, 255, 38) if dark else QColor(90, 140, 220, 45),
            span_edge=QColor(170, 170, 170) if dark else QColor(90, 110, 150),
            bar=QColor(90, 180, 255) if dark else QColor(40, 90, 170),
            font=font)

    @property
    def point_size(self) -> float:
        return self.font.pointSizeF()

    @property
    def css_size(self) -> str:
        """The text size as CSS (for pyqtgraph's labels)."""
        return f"{self.point_size:.1f}pt"

    def colour(self, n: int) -> QColor:
        """The colour of the n-th curve."""
        return self.series[n % len(self.series)]


def style_plot(plot: Any, style: PlotStyle) -> None:
    """Background, axis lines, tick labels and axis titles of a pyqtgraph ``PlotWidget`` in
    this style (text in the style's colour and size)."""
    plot.setBackground(style.background)
    plot.plotItem.layout.setContentsMargins(4, 4, 8, 4)
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(style.text, width=1))
        axis.setTextPen(pg.mkPen(style.text))
        axis.setStyle(tickFont=QFont(style.font), autoExpandTextSpace=True,
                      autoReduceTextSpace=True)
        axis.setLabel(axis.labelText or None, units=axis.labelUnits or None,
                      **{"color": style.text.name(), "font-size": style.css_size,
                         "font-family": style.font.family()})


def fit_axis_title(axis: Any, titles: tuple[str, ...], length: float, font: QFont) -> str:
    """Show the first of ``titles`` that fits in ``length`` pixels along the axis (none if
    none fits: a title is never clipped).  Returns the title shown."""
    metrics = QFontMetricsF(font)
    shown = ""
    for title in titles:
        # the label is "title " in a text item with a 4 px margin each side
        if title and metrics.horizontalAdvance(title + " ") + 8 <= length:
            shown = title
            break
    if shown != (axis.labelText if axis.label.isVisible() else ""):
        axis.setLabel(shown or None)
        axis.resizeEvent()  # centres the new text on the axis (pyqtgraph does so on resize)
    return shown


@dataclass(frozen=True)
class LabelRoom:
    """Where names can go on a plot: its view's range and its scale, and the height of a
    line of names in ``font`` (for the spans' and bands' names)."""

    x0: float
    y0: float
    y1: float
    height: float  # of the view, pixels
    per_frame: float  # pixels
    per_pixel: float  # view units
    metrics: QFontMetricsF
    line: float  # pixels
    width: float = 0.0  # of the view, pixels (0: not known)

    @classmethod
    def of(cls, plot: Any, font: QFont) -> LabelRoom | None:
        """The room on ``plot`` (a pyqtgraph PlotWidget); None before it is laid out."""
        vb = plot.plotItem.vb
        height = vb.height()
        if height <= 0:
            return None
        (x0, x1), (y0, y1) = vb.viewRange()
        metrics = QFontMetricsF(font)
        return cls(x0, y0, y1, height, vb.width() / max(1e-9, x1 - x0), (y1 - y0) / height,
                   metrics, metrics.height() + 4, vb.width())

    def within(self, left: float, width: float) -> float:
        """``left`` (pixels from the view's left) moved so that a name ``width`` wide is
        inside the view (the view clips what is past its edges; a legend may be there)."""
        if self.width <= 0:
            return left
        return max(0.0, min(left, self.width - width))
