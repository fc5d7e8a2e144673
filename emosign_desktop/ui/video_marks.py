"""The mark before each video's name in the video list: the label status of whoever is
annotating, drawn as a shape (an empty circle: not started; half filled: in progress; a
tick: done; a slashed circle: skipped), and a warning triangle beside it when the video's
file is cut short, missing or changed.  Shapes, never colour alone, in the text colour of
the list; the words are in the cell's tooltip and its accessible text ("done by you; file
cut short: 43 of 58 frames"), and the legend of the shapes is in the column's header
tooltip."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QIcon, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QApplication

from emosign_desktop.core.model import AnnotationStatus

#: What each status's mark is said as, after "by you" (or the annotator's name).
STATUS_WORDS = {
    AnnotationStatus.NOT_STARTED: "not started",
    AnnotationStatus.IN_PROGRESS: "in progress",
    AnnotationStatus.DONE: "done",
    AnnotationStatus.SKIPPED: "skipped",
}
#: The shapes, in words (the header's tooltip).
LEGEND = ("Before each name, your label status: ○ not started, ◐ in progress, ✓ done, "
          "⊘ skipped; a ⚠ triangle beside it: the video's file is cut short, missing or "
          "changed (the tooltip says which).")


def mark_size(font_height: float) -> QSize:
    """The mark's size for text of this line height: the status shape, then the triangle."""
    h = max(12, round(font_height))
    return QSize(round(h * 1.8), h)


def state_text(status: AnnotationStatus, annotator: str, media: str = "") -> str:
    """The words of a mark: "done by you (kim); file cut short: 43 of 58 frames"."""
    who = f"by you ({annotator})" if annotator else "(no annotator chosen)"
    words = f"{STATUS_WORDS[status]} {who}"
    return f"{words}; {media}" if media else words


def mark_icon(status: AnnotationStatus, warned: bool) -> QIcon:
    """The mark as an icon, in the application's text size and colours (the selected row's
    in its highlighted text colour)."""
    app = QApplication.instance()
    palette = QApplication.palette()
    height = QFontMetricsF(QApplication.font()).height() if app is not None else 16.0
    size = mark_size(height)
    icon = QIcon()
    icon.addPixmap(_pixmap(status, warned, size.width(), size.height(),
                           palette.text().color().rgba()), QIcon.Mode.Normal)
    icon.addPixmap(_pixmap(status, warned, size.width(), size.height(),
                           palette.highlightedText().color().rgba()), QIcon.Mode.Selected)
    return icon


@lru_cache(maxsize=64)
def _pixmap(status: AnnotationStatus, warned: bool, width: int, height: int,
            rgba: int) -> QPixmap:
    picture = QPixmap(width, height)
    picture.fill(Qt.GlobalColor.transparent)
    colour = QColor.fromRgba(rgba)
    p = QPainter(picture)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    line = max(1.5, height / 9)
    p.setPen(QPen(colour, line))
    p.setBrush(Qt.BrushStyle.NoBrush)
    d = height - 2 * line - 1
    circle = QRectF(line, (height - d) / 2, d, d)
    if status is AnnotationStatus.DONE:
        tick = QPainterPath(QPointF(circle.left(), circle.center().y()))
        tick.lineTo(circle.left() + d * 0.38, circle.bottom())
        tick.lineTo(circle.right(), circle.top())
        p.setPen(QPen(colour, line * 1.4))
        p.drawPath(tick)
    else:
        p.drawEllipse(circle)
    if status is AnnotationStatus.IN_PROGRESS:
        p.setBrush(colour)
        p.drawPie(circle, 90 * 16, 180 * 16)  # the left half filled
    elif status is AnnotationStatus.SKIPPED:
        p.drawLine(QPointF(circle.left() + d * 0.15, circle.bottom() - d * 0.15),
                   QPointF(circle.right() - d * 0.15, circle.top() + d * 0.15))
    if warned:  # a triangle with "!" in it, right of the status
        left, top, side = height + line, line, width - height - 2 * line
        triangle = QPainterPath(QPointF(left + side / 2, top))
        triangle.lineTo(left + side, height - line)
        triangle.lineTo(left, height - line)
        triangle.closeSubpath()
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(colour, line))
        p.drawPath(triangle)
        x = left + side / 2
        p.drawLine(QPointF(x, top + d * 0.35), QPointF(x, height - line - d * 0.35))
        p.drawPoint(QPointF(x, height - line - d * 0.17))
    p.end()
    return picture
