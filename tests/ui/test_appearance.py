"""Text size and contrast: a change restyles every widget; the same appearance again (each
new window applies it) restyles nothing, since a new style sheet polishes every widget of
the application (over a second for one window's widgets)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel

from emosign_desktop.ui.appearance import apply_appearance

RESTYLED = {QEvent.Type.StyleChange, QEvent.Type.FontChange, QEvent.Type.PaletteChange,
            QEvent.Type.ApplicationFontChange, QEvent.Type.ApplicationPaletteChange}


class Restyles(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
        self.count += event.type() in RESTYLED
        return False


def test_the_same_appearance_again_restyles_nothing(qtbot):
    apply_appearance(100, False)
    label = QLabel("joy")
    qtbot.addWidget(label)
    label.show()
    seen = Restyles()
    label.installEventFilter(seen)
    try:
        apply_appearance(100, False)
        assert seen.count == 0
        apply_appearance(150, False)
        assert seen.count > 0
        size = label.font().pointSizeF()
        seen.count = 0
        apply_appearance(None, True)  # contrast only
        assert seen.count > 0 and label.font().pointSizeF() == size
    finally:
        label.removeEventFilter(seen)
        apply_appearance(100, False)


def test_a_plot_redraws_its_bands_after_qt_has_restyled_not_during(qtbot, appearance,
                                                                    monkeypatch):
    """Deleting graphics items while Qt walks every widget for a new style sheet crashed the
    process (seen once in CI): the signal plot redraws its bands and spans only once
    ``apply_appearance`` has finished."""
    from emosign_desktop.media.playhead import Playhead
    from emosign_desktop.ui import appearance as looks
    from emosign_desktop.ui.plots.signal_plot import SignalPlotWidget

    plot = SignalPlotWidget(Playhead(40, 25.0))
    qtbot.addWidget(plot)
    plot.show()
    during: list[bool] = []
    original = plot._draw_reference
    monkeypatch.setattr(plot, "_draw_reference", lambda: (during.append(looks.applying()),
                                                          original())[1])
    apply_appearance(200, False)
    apply_appearance(100, True)
    assert during and not any(during)  # redrawn, and never while Qt restyled
