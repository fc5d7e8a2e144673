"""The player: video view, transport controls and keys.

Keys: Space play/pause; Left/Right one frame; Shift+Left/Right one second; Home/End;
J play backward, K pause, L play forward (again: faster, up to 2x).

The player receives the review session (``services.review_session``): it shows the media the
session holds and moves the session's playhead; it owns neither.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from emosign_desktop.core.errors import MediaError
from emosign_desktop.media.backend import Picture, PlaybackBackend
from emosign_desktop.media.frame_cache import FrameCache
from emosign_desktop.media.playback import choose_backend
from emosign_desktop.media.playhead import PlayheadEvent
from emosign_desktop.media.prefetch import Prefetcher
from emosign_desktop.media.reader import VideoReader
from emosign_desktop.services.review_session import ReviewSession
from emosign_desktop.ui.fitting import FlowLayout
from emosign_desktop.ui.number_box import pass_letters
from emosign_desktop.ui.player.video_view import VideoView

SPEEDS = (0.1, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
#: Said under the video while its keys act (never drawn over the picture).
KEYS_ON = "Player keys on: Space, arrows, I, O, R, N, P, A, X"


class _Bridge(QObject):
    """Carries frames from playback threads to the GUI thread."""

    presented = Signal(int, object)
    ended = Signal(int)


def timecode(seconds: float) -> str:
    """``HH:MM:SS.mmm``."""
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


class PlayerWidget(QWidget):
    """Shows exactly the frame the review session's playhead is on; plays in real time."""

    def __init__(self, review: ReviewSession, parent: QWidget | None = None,
                 cache_mb: float = 512) -> None:
        super().__init__(parent)
        self.review = review
        self.playhead = review.playhead  # the session's: moved here, owned there
        self.cache = FrameCache(cache_mb)
        self.reader: VideoReader | None = None
        self.prefetch: Prefetcher | None = None
        self.backend: PlaybackBackend | None = None
        self.error: str | None = None
        self._bridge = _Bridge()
        self._bridge.presented.connect(self._on_presented)
        self._bridge.ended.connect(self._on_ended)
        self._reverse = QTimer(self)
        self._reverse.timeout.connect(self._on_reverse_tick)
        self._build()
        review.media_changed.connect(self._on_media)
        self.playhead.changed.connect(self._on_playhead)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFocusProxy(self.view)  # the player's keys act where its ring shows

    # -- layout ---------------------------------------------------------------------------
    def _button(self, text: str, name: str, key: str, slot: Callable[[], object]) -> QToolButton:
        b = QToolButton()
        b.setText(text)
        b.setAccessibleName(name)
        b.setToolTip(f"{name} ({key})")
        b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        b.clicked.connect(slot)
        return b

    def _build(self) -> None:
        ph = self.playhead
        self.view = VideoView(ph)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setAccessibleName("Position (frame)")
        self.slider.setToolTip("Position: drag to scrub")
        self.slider.valueChanged.connect(lambda v: ph.seek(v))
        self.play_button = self._button("▶ Play", "Play or pause", "Space", ph.toggle)
        buttons = [
            self._button("|◀", "First frame", "Home", lambda: ph.seek(0)),
            self._button("−1 s", "Back one second", "Shift+Left", lambda: ph.step_seconds(-1)),
            self._button("◀ 1", "Back one frame", "Left", lambda: ph.step(-1)),
            self.play_button,
            self._button("1 ▶", "Forward one frame", "Right", lambda: ph.step(1)),
            self._button("+1 s", "Forward one second", "Shift+Right",
                         lambda: ph.step_seconds(1)),
            self._button("▶|", "Last frame", "End", lambda: ph.seek(ph.frame_count - 1)),
        ]
        self.goto = QSpinBox()
        self.goto.setAccessibleName("Go to frame")
        self.goto.setToolTip("Go to frame (type a number, Enter)")
        self.goto.setKeyboardTracking(False)
        pass_letters(self.goto)  # the player's letter keys act in the Frame box too
        self.goto.valueChanged.connect(lambda v: ph.seek(v))
        self.speed = QComboBox()
        self.speed.setAccessibleName("Playback speed")
        self.speed.setToolTip("Playback speed (L: faster)")
        for s in SPEEDS:
            self.speed.addItem(f"{s:g}×", s)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.speed.currentIndexChanged.connect(lambda i: ph.set_speed(SPEEDS[i]))
        self.frame_label = QLabel()
        self.frame_label.setAccessibleName("Frame number")
        self.time_label = QLabel()
        self.time_label.setAccessibleName("Time code")
        self.backend_label = QLabel()
        self.backend_label.setAccessibleName("Playback engine")
        self.bar = QWidget()  # the player bar: wraps onto more rows rather than widen
        self.bar.setAccessibleName("Player controls")
        transport = FlowLayout(self.bar)
        for b in buttons:
            transport.addWidget(b)
        goto_label = QLabel("Frame:")
        goto_label.setBuddy(self.goto)
        goto = QWidget()  # the label and its box wrap onto a new row together
        pair = QHBoxLayout(goto)
        pair.setContentsMargins(0, 0, 0, 0)
        pair.addWidget(goto_label)
        pair.addWidget(self.goto)
        for w in (goto, self.speed, self.frame_label, self.time_label, self.backend_label):
            transport.addWidget(w)
        self.keys_line = self._keys_line()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.keys_line)
        layout.addWidget(self.slider)
        layout.addWidget(self.bar)
        keys = {
            "Space": ph.toggle,
            "Left": lambda: ph.step(-1),
            "Right": lambda: ph.step(1),
            "Shift+Left": lambda: ph.step_seconds(-1),
            "Shift+Right": lambda: ph.step_seconds(1),
            "Home": lambda: ph.seek(0),
            "End": lambda: ph.seek(ph.frame_count - 1),
            "J": lambda: ph.set_playing(True, -1),
            "K": lambda: ph.set_playing(False),
            "L": self._on_l,
        }
        self.shortcuts: list[QShortcut] = []
        for key, slot in keys.items():
            sc = QShortcut(QKeySequence(key), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)
            self.shortcuts.append(sc)
        self._refresh_controls()

    def _keys_line(self) -> QLabel:
        """The line under the video that says the player's keys act while the video has
        the focus (its room is kept meanwhile: the picture does not jump)."""
        line = QLabel(KEYS_ON)
        line.setObjectName("playerKeys")
        line.setAccessibleName("Player keys")
        line.setWordWrap(True)
        line.setMinimumWidth(0)
        policy = line.sizePolicy()
        policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
        policy.setRetainSizeWhenHidden(True)
        line.setSizePolicy(policy)
        line.hide()
        self.view.focus_changed.connect(self._show_keys)
        return line

    def _show_keys(self, on: bool) -> None:
        from emosign_desktop.ui.appearance import focus_ring_color

        ring = QColor(focus_ring_color())
        text = "#000000" if ring.lightness() > 128 else "#ffffff"
        sheet = f"#playerKeys {{ background: {ring.name()}; color: {text}; padding: 1px 4px; }}"
        if self.keys_line.styleSheet() != sheet:  # (the theme's ring colour)
            self.keys_line.setStyleSheet(sheet)
        self.keys_line.setVisible(on)

    # -- media ----------------------------------------------------------------------------
    def open(self, path: str | Path, fingerprint: str | None = None) -> bool:
        """Review a file of no project's video (through the review session); on failure
        the view says why (and :attr:`error` holds it)."""
        return self.review.open_file(path, fingerprint).playable and self.reader is not None

    def _on_media(self) -> None:
        """The review session has other media: show it, or say why not."""
        self.close_media()
        media = self.review.media
        self.error = None
        if media.index is not None and media.path is not None:
            try:
                self.reader = VideoReader(media.path, media.index, self.cache, pixels="bgra")
            except MediaError as exc:
                self.error = str(exc)
            else:
                self.prefetch = Prefetcher(self.reader)
                self.backend = choose_backend(media.path, media.index,
                                              self._bridge.presented.emit,
                                              self._bridge.ended.emit, self.reader.frame)
                self.backend_label.setText(f"Playback: {self.backend.name}")
        elif media.refused:  # never shown beside labels made on another file: said why
            self.view.set_notice(f"Not shown: {media.reason}.")
        elif media.path is not None:  # a file that cannot be read
            self.error = media.reason
        self._refresh_controls()

    @property
    def refused(self) -> str:
        """Why no video is shown (empty unless the review session refused its file)."""
        return self.view.notice

    def close_media(self) -> None:
        """Stop playback and release the video."""
        self.playhead.set_playing(False)
        if self.backend is not None:
            self.backend.close()
        if self.prefetch is not None:
            self.prefetch.close()
        if self.reader is not None:
            self.reader.close()
        self.backend = self.prefetch = self.reader = None
        self.cache.clear()
        self.view.clear()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.close_media()
        super().closeEvent(event)

    # -- following the playhead -------------------------------------------------------------
    def _show_exact(self, index: int, direction: int = 0) -> None:
        if self.reader is None:
            return
        try:
            picture = self.reader.frame(index)
        except MediaError as exc:
            self.error = str(exc)
            self.frame_label.setText(self.error)
            return
        self.view.set_picture(picture)
        if self.prefetch is not None:
            self.prefetch.hint(index, direction)

    def _on_playhead(self, event: PlayheadEvent) -> None:
        ph = self.playhead
        if event == PlayheadEvent.MEDIA:
            self._show_exact(0)
        elif event == PlayheadEvent.FRAME:
            if ph.last_source != "playback":
                self._show_exact(ph.current, ph.last_move)
        elif event == PlayheadEvent.PLAYING:
            self._start_or_stop()
        elif event == PlayheadEvent.SPEED:
            if self.backend is not None:
                self.backend.set_speed(ph.speed)
            self._reverse.setInterval(self._reverse_interval())
        elif event == PlayheadEvent.LOOP and self.backend is not None:
            self.backend.set_loop(ph.loop)
        self._refresh_controls()

    def _start_or_stop(self) -> None:
        ph = self.playhead
        if self.backend is None:
            return
        if ph.playing and ph.direction > 0:
            self._reverse.stop()
            start = ph.current
            if ph.next_in_playback(start) is None:  # at the end: start over
                start = ph.loop[0] if ph.loop else 0
            self.backend.start(start, ph.speed, ph.loop)
        elif ph.playing:
            self.backend.stop()
            self._reverse.start(self._reverse_interval())
        else:
            self._reverse.stop()
            last = self.backend.stop()
            if last is not None and ph.last_source == "playback":
                # the last frame presented (later ones than the view got may be in flight)
                ph.seek(last, source="playback")
            self._show_exact(ph.current)  # paused: exactly the frame for the position

    def _reverse_interval(self) -> int:
        fps = self.playhead.fps or 30.0
        return max(1, round(1000 / (fps * self.playhead.speed)))

    def _on_reverse_tick(self) -> None:
        ph = self.playhead
        nxt = ph.next_in_playback(ph.current)
        if nxt is None:
            ph.set_playing(False)
        else:
            ph.seek(nxt, source="reverse")

    def _on_presented(self, index: int, picture: Picture) -> None:
        if not (self.playhead.playing and self.playhead.direction > 0):
            return  # a frame that was in flight when playback stopped
        self.view.set_picture(picture)
        self.playhead.seek(index, source="playback")

    def _on_ended(self, _last: int) -> None:
        if self.playhead.playing and self.playhead.direction > 0:
            self.playhead.set_playing(False)

    def _on_l(self) -> None:
        ph = self.playhead
        if ph.playing and ph.direction > 0:
            faster = [s for s in SPEEDS if s > ph.speed]
            if faster:
                self.speed.setCurrentIndex(SPEEDS.index(faster[0]))
        else:
            ph.set_playing(True, 1)

    def _refresh_controls(self) -> None:
        ph = self.playhead
        last = max(0, ph.frame_count - 1)
        for widget, value in ((self.slider, ph.current), (self.goto, ph.current)):
            widget.blockSignals(True)
            widget.setMaximum(last)
            widget.setValue(value)
            widget.blockSignals(False)
        self.speed.blockSignals(True)
        self.speed.setCurrentIndex(min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - ph.speed)))
        self.speed.blockSignals(False)
        self.play_button.setText("❚❚ Pause" if ph.playing else "▶ Play")
        if self.reader is None:
            self.frame_label.setText("Video not shown" if self.refused
                                     else self.error or "No video")
            self.time_label.setText("")
            return
        index = self.reader.index
        self.frame_label.setText(f"Frame {ph.current} / {last}")
        self.time_label.setText(f"{timecode(index.time_of(ph.current))} / "
                                f"{timecode(index.duration)}")
