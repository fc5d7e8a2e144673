"""The signal plot is readable: text contrast from the colours actually used (in normal and
high contrast), the legend outside the curves on an opaque box, axis titles never clipped,
and text that follows View > Larger Text live."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from emosign_desktop.landmarks.signals import compute_signals
from emosign_desktop.media.playhead import Playhead
from emosign_desktop.ui.appearance import apply_text_scale, apply_theme
from emosign_desktop.ui.plots.signal_plot import SignalPlotWidget
from tests.ui.test_landmarks_ui import synthetic_track


def luminance(c: QColor) -> float:
    """WCAG 2 relative luminance (computed here, not taken from the code under test)."""
    def lin(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4
    return 0.2126 * lin(c.red()) + 0.7152 * lin(c.green()) + 0.0722 * lin(c.blue())


def contrast(a: QColor, b: QColor) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def points(css: str) -> float:
    assert css.endswith("pt")
    return float(css[:-2])


@pytest.fixture
def plot(qtbot, appearance):
    w = SignalPlotWidget(Playhead(40, 25.0))
    qtbot.addWidget(w)
    w.resize(1100, 420)
    w.show()
    qtbot.waitExposed(w)
    w.set_data(compute_signals(synthetic_track()), [], 40)
    return w


def settle(qtbot, widget) -> None:
    """Let the plot's layout run (the legend and axes take their places)."""
    widget.plot.plotItem.layout.activate()
    qtbot.waitUntil(lambda: widget.plot.plotItem.vb.height() > 0)


def text_colours(w) -> list[tuple[str, QColor, QColor]]:
    """(what, text colour, colour behind it) for every text the plot draws."""
    background = w.plot.backgroundBrush().color()
    out = []
    for name in ("left", "bottom"):
        axis = w.plot.getAxis(name)
        out.append((f"{name} ticks", axis.textPen().color(), background))
        out.append((f"{name} title", QColor(axis.labelStyle["color"]), background))
    legend = w.legend
    fill = legend.opts["brush"].color()
    assert fill.alpha() == 255  # an opaque box
    for _sample, label in legend.items:
        out.append((f"legend {label.text}", QColor(label.opts["color"]), fill))
    return out


@pytest.mark.parametrize("high_contrast", [False, True])
def test_text_contrast_and_legend_outside_the_curves(plot, qtbot, high_contrast):
    apply_theme(high_contrast)
    settle(qtbot, plot)
    background = plot.plot.backgroundBrush().color()
    if high_contrast:  # the plot follows the application palette
        assert background == QApplication.palette().base().color() == QColor(0, 0, 0)
    else:
        assert background == QColor(255, 255, 255)
    for what, fg, bg in text_colours(plot):
        assert contrast(fg, bg) >= 4.5, (what, fg.name(), bg.name())
    for item in plot.plot.plotItem.listDataItems():  # curves stand out from the page
        assert contrast(item.opts["pen"].color(), background) >= 3.0
    assert contrast(plot.cursor.pen.color(), background) >= 3.0
    legend, view = plot.legend, plot.plot.plotItem.vb
    assert legend.isVisible() and len(legend.items) == 5
    overlap = legend.sceneBoundingRect().intersected(view.sceneBoundingRect())
    assert overlap.width() * overlap.height() < 1.0  # never over the curves
    visible = plot.plot.mapToScene(plot.plot.viewport().rect()).boundingRect()
    assert visible.adjusted(-1, -1, 1, 1).contains(legend.sceneBoundingRect())


def title_fits(w, name: str) -> bool:
    """The axis title lies wholly inside the plot as shown (or is not shown at all)."""
    axis = w.plot.getAxis(name)
    if not axis.label.isVisible():
        return True
    visible = w.plot.mapToScene(w.plot.viewport().rect()).boundingRect()
    text = axis.label.mapRectToScene(axis.label.document().documentLayout().blockBoundingRect(
        axis.label.document().firstBlock()))
    return visible.adjusted(-1, -1, 1, 1).contains(text)


@pytest.mark.parametrize("height", [420, 260, 160])
def test_axis_titles_are_never_clipped(plot, qtbot, height):
    for scale in (100, 200):
        apply_text_scale(scale)
        plot.resize(1100, height)
        settle(qtbot, plot)
        assert title_fits(plot, "left") and title_fits(plot, "bottom"), (scale, height)
        assert plot.plot.getAxis("bottom").label.isVisible()  # "Frame" always has room
    apply_text_scale(100)
    plot.resize(1100, 420)
    settle(qtbot, plot)
    assert plot.plot.getAxis("left").labelText == "Each signal scaled to its range"


def sizes(w) -> dict[str, float]:
    """The point sizes the plot draws its text in."""
    out = {}
    for name in ("left", "bottom"):
        axis = w.plot.getAxis(name)
        out[f"{name} ticks"] = axis.style["tickFont"].pointSizeF()
        out[f"{name} title"] = points(axis.labelStyle["font-size"])
    for _sample, label in w.legend.items:
        out[f"legend {label.text}"] = points(label.opts["size"])
    return out


def test_text_follows_larger_text_live(plot, qtbot):
    apply_text_scale(100)
    at_100 = sizes(plot)
    heights = [label.item.boundingRect().height() for _s, label in plot.legend.items]
    assert all(v == pytest.approx(QApplication.font().pointSizeF()) for v in at_100.values())
    apply_text_scale(200)
    at_200 = sizes(plot)
    assert at_200.keys() == at_100.keys() and len(at_100) == 9
    for key, size in at_100.items():
        assert at_200[key] == pytest.approx(2 * size), key
    taller = [label.item.boundingRect().height() for _s, label in plot.legend.items]
    assert all(t > 1.6 * h for t, h in zip(taller, heights, strict=True))  # drawn larger
    apply_text_scale(100)
    assert sizes(plot) == at_100


def test_colours_follow_the_palette_live(plot, qtbot):
    normal = plot.plot.backgroundBrush().color()
    apply_theme(True)
    assert plot.plot.backgroundBrush().color() == QColor(0, 0, 0)
    assert plot.legend.opts["brush"].color() == QColor(0, 0, 0)
    assert QColor(plot.legend.items[0][1].opts["color"]) == QColor(255, 255, 255)
    apply_theme(False)
    assert plot.plot.backgroundBrush().color() == normal
