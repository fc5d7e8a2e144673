"""Playback through libVLC (python-vlc) with video callbacks: VLC decodes and times the
frames, and writes each picture into our buffer; we hand it to the sink as BGRA with the
frame it is, which libVLC does not say (:class:`Numbering`)."""

from __future__ import annotations

import ctypes
import functools
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from emosign_desktop.core.errors import MediaError
from emosign_desktop.media.backend import EndHandler, LoopRange, Picture, PlaybackStats, Sink
from emosign_desktop.media.frame_index import FrameIndex

VLC_ARGS = ["--quiet", "--no-audio", "--intf=dummy", "--no-video-title-show"]
#: Frame ``i`` exactly, BGRA at the video's size (the player's PyAV reader).
Reference = Callable[[int], Picture]
#: A small signed copy of a picture, to compare pictures by content.
Thumb = NDArray[np.int16]
#: Different pictures VLC may present before the start frame when asked to start at it: the
#: picture it was paused on, a few earlier frames (2-4 measured), broken ones at 2x.
PREROLL = 16
#: Frames after the start frame that VLC's first picture may be (it may start late).
AHEAD = 3
#: Largest mean absolute difference (0-255) of a picture from a frame's exact picture for it
#: to be that frame (libVLC's pictures of the demo clips matched PyAV's to within 0.01).
MATCH = 2.0
#: VLC presents a picture at its deadline on its clock, to within a millisecond (measured);
#: a picture this much before a deadline is before it (seconds).
EARLY_S = 0.0005
#: A picture this soon after its deadline is on time (seconds; at most a quarter of a frame).
ON_TIME_S = 0.004
#: A model of VLC's clock that this many pictures in a row find late is moved to them.
LATE_RUN = 3
#: While the count is not tied to a recognised picture, exact pictures are decoded up to this
#: many seconds of video ahead of it, to recognise VLC's picture among them; while it is, a
#: keyframe this far ahead checks it.
CHASE_S = 1.0
CHECK_S = 1.0
#: A start frame not found (VLC started late): pictures not shown until one is recognised,
#: for at most this long (seconds).
HIDE_S = 1.0
#: When libVLC says the video ended, its last picture may still be on its way (seconds).
END_GRACE_S = 0.25


def libvlc_description() -> str:
    """Which libVLC python-vlc loaded: its version and file, for the About box and the
    self-test (libVLC is never part of an installer: it is the system's, where installed)."""
    import vlc

    version = vlc.libvlc_get_version()
    text = version.decode(errors="replace") if isinstance(version, bytes) else str(version)
    path = str(getattr(getattr(vlc, "dll", None), "_name", "") or "")
    maps = Path("/proc/self/maps")
    if not Path(path).is_absolute() and maps.is_file():  # Linux: the file it loaded
        found = [ln.split()[-1] for ln in maps.read_text().splitlines() if "/libvlc.so" in ln]
        path = found[0] if found else path
    return f"libVLC {text.split()[0]}" + (f" ({path})" if path else "")


def _thumb(picture: Picture) -> Thumb:
    return picture[::8, ::8, :3].astype(np.int16)


def vlc_rate(speed: float) -> float:
    """The rate libVLC 3 plays at when asked for ``speed``: it keeps the integer
    ``1000 / speed`` (in float32), so 0.75 plays at 1000/1333."""
    return 1000 / int(np.float32(1000) / np.float32(speed))


class Numbering:
    """Which frame each picture libVLC presents is (libVLC does not say).

    * Asked to start at frame N (a start, or a loop going round), VLC first presents the
      picture it was paused on (again and again at slow speeds), and a few frames from
      before N.  Each picture is compared with the exact pictures of frames N-1..N+AHEAD;
      the first that is one of N..N+AHEAD is that frame, and the ones before it are not
      shown.  The count is then *sure*; the frames up to N+AHEAD are checked too (VLC, late
      at the start, may drop frames before its clock can tell).
    * From there the pictures are counted: VLC presents frames in order.
    * VLC presents each picture at its deadline on its clock (to within a millisecond), and
      when no new frame is due for about 60 ms (12 fps at 1x, 25 fps at 0.5x), the same
      picture again.  A model of its clock (when a frame is due) is set by the second
      picture after a start (the first is shown at once) and moved to any picture
      presented before its frame's deadline (or, LATE_RUN in a row, after it).  A picture
      identical to the one before, presented before the next frame is due (with no model
      yet: sooner than a frame after the one before), is such a repeat: it is not counted,
      nor shown again.  An identical picture on time is the next frame (a video with
      doubled frames).
    * A picture presented nearer the deadline of a later frame than the count (less than
      half a frame after it) means VLC dropped the frames between (under load, or at 2x;
      it drops frames it is late for): the count follows.  (If it was our callback held up
      instead, the next picture, on time, puts it back.)
    * A change of speed: VLC presents the pictures it has decoded (about 0.4 s) at the old
      speed, and repeats the same picture meanwhile; then, going faster, it skips about as
      many frames, and going slower it waits.  The model keeps the old speed until a
      picture leaves it: before its deadline (faster: frames were skipped, the count is not
      sure) or after (slower).
    * Exact pictures decoded ahead of the count (:meth:`wanted`, :meth:`offer`) check it:
      while sure, the next keyframe at least CHECK_S ahead (VLC, lost at 2x, shows broken
      pictures until a keyframe); while not, every frame up to CHASE_S ahead, until one is
      recognised.  The count is not sure when the start frame was not found (VLC started
      late), after frames skipped at a change of speed (their pictures are then not shown
      until one is recognised, for up to HIDE_S), after a failed check, or without exact
      pictures (libVLC's own clock, coarse and lagging, then catches it up).
    """

    def __init__(self, index: FrameIndex, stats: PlaybackStats) -> None:
        self.index, self.stats = index, stats
        self._n = index.frame_count
        self._rate = 1.0
        self._rate_next: float | None = None  # asked for, not seen yet
        self._start = 0
        self._refs: dict[int, Thumb] | None = None  # frames N-1..N+AHEAD, until N is found
        self._first: dict[int, Thumb] = {}  # the same, after: the first frames are checked
        self._skipped = 0
        self._checkable = False  # exact pictures can be had
        self.sure = False  # the count is tied to a picture recognised by its content
        self._check: tuple[int, Thumb] | None = None  # a keyframe ahead, while sure
        self._chase: dict[int, Thumb] = {}  # frames ahead, while not sure
        self._hide_until: float | None = None
        self._untimed = 0  # pictures still to come off VLC's clock (the first after a seek)
        self._switched = False  # the speed changed: no model until a frame comes at it
        self._accepted_t: float | None = None  # when the previous frame was presented
        self._prev: tuple[Picture, Thumb] | None = None
        self._prev_t = 0.0  # when the previous picture was presented
        self._model: tuple[float, float] | None = None  # (wall s, media s): then, this was due
        self._late: list[float] = []
        self._jumped = False  # the last label came from the model, ahead of the count
        self._clock_frame = 0  # where libVLC's clock says
        self._stale_ms: int | None = None  # libVLC's time before a seek, until it moves

    def restart(self, frame: int, refs: dict[int, Thumb] | None, stale_ms: int | None,
                speed: float | None = None) -> None:
        """VLC was asked to play from ``frame``; ``refs``: exact thumbs of the frames around
        it (:data:`AHEAD`), None to count from it unchecked."""
        if speed is not None:
            self._rate, self._rate_next = vlc_rate(speed), None
        self._start = frame
        self.stats.last = frame - 1 if frame > 0 else None
        self._refs, self._skipped, self._checkable = refs, 0, refs is not None
        self._clock_frame = frame
        self._set_sure(False)
        self._hide_until = None
        self._untimed, self._switched = 1, False
        self._prev = self._model = self._accepted_t = None
        self._late, self._jumped = [], False
        self._stale_ms = stale_ms

    @property
    def started(self) -> bool:
        """True once the start frame was found (or given up) and VLC's clock followed."""
        return self._refs is None and self._model is not None

    def set_speed(self, speed: float) -> None:
        """VLC was asked for ``speed``; it gets to it later."""
        rate = vlc_rate(speed)
        if self._model is None:
            self._rate, self._rate_next = rate, None
        else:
            self._rate_next = rate if rate != self._rate else None

    def _set_sure(self, sure: bool) -> None:
        self.sure, self._check, self._chase = sure, None, {}
        if not sure:
            self._first = {}

    # -- exact pictures ahead -------------------------------------------------------------
    def wanted(self) -> int | None:
        """The next frame whose exact thumb would check the count (None: none now)."""
        last = self.stats.last
        if not self._checkable or self._refs is not None or last is None:
            return None
        if self.sure:
            if self._check is not None:
                return None
            keys = self.index.keyframes
            i = int(np.searchsorted(keys, self.index.index_at(self.index.time_of(last) + CHECK_S)))
            return int(keys[i]) if i < len(keys) and keys[i] > last else None
        # VLC is ahead of the count; its clock lags it, or leads a little after a change
        base = max(last, self.index.index_at(self.index.time_of(self._clock_frame) - CHASE_S / 2))
        nxt = max(base + 1, max(self._chase, default=base) + 1)
        ahead = self.index.time_of(min(nxt, self._n - 1)) - self.index.time_of(base)
        return nxt if nxt < self._n and ahead <= CHASE_S else None

    def offer(self, frame: int, thumb: Thumb) -> None:
        """The exact thumb of ``frame``, as :meth:`wanted` asked."""
        last = self.stats.last
        if last is not None and frame <= last:
            return
        if self.sure:
            self._check = (frame, thumb)
        else:
            low = frame - round(CHASE_S * self.index.fps)
            self._chase = {i: v for i, v in self._chase.items() if i > low}
            self._chase[frame] = thumb

    # -- the clock model ------------------------------------------------------------------
    def _due(self, frame: int) -> float:
        """The wall time ``frame`` is due at (the model is set)."""
        assert self._model is not None
        t_ref, m_ref = self._model
        return t_ref + (self.index.time_of(frame) - m_ref) / self._rate

    def _period(self, frame: int) -> float:
        """How long ``frame`` is shown at the model's speed (wall seconds)."""
        now = self.index.time_of(frame)
        period = (self.index.time_of(frame + 1) - now if frame + 1 < self._n
                  else 1 / self.index.fps)
        return period / self._rate

    def _on_time(self, frame: int) -> float:
        """How soon after its deadline a picture of ``frame`` is on time (seconds)."""
        return min(ON_TIME_S, self._period(frame) / 4)

    def _latest_due(self, t: float) -> int:
        """The last frame whose deadline is at or before ``t``."""
        assert self._model is not None
        t_ref, m_ref = self._model
        return self.index.index_at(m_ref + (t - t_ref + EARLY_S) * self._rate)

    def _follow(self, t: float, label: int, last: int | None) -> None:
        """Keep the model on the pictures: one earlier than its deadline moves it at once,
        LATE_RUN in a row later than on time (VLC's clock moved) move it to the least late.
        After a change of speed it starts again from a frame that comes a frame after the
        one before at the new speed."""
        spacing = t - self._accepted_t if self._accepted_t is not None else None
        self._accepted_t = t
        if self._untimed > 0:
            self._untimed -= 1
            return
        if self._model is None:
            if self._switched:
                if last is None or label != last + 1 or spacing is None:
                    return
                expected = (self.index.time_of(label) - self.index.time_of(last)) / self._rate
                if abs(spacing - expected) > max(0.1 * expected, 0.0015):
                    return
                self._switched = False
            self._model = (t, self.index.time_of(label))
            return
        lateness = t - self._due(label)
        if lateness < -EARLY_S:
            self._model = (self._model[0] + lateness, self._model[1])
            self._late = []
        elif lateness > self._on_time(label):
            self._late.append(lateness)
            if len(self._late) >= LATE_RUN:
                self._model = (self._model[0] + min(self._late), self._model[1])
                self._late = []
        else:
            self._late = []

    def _changing(self, t: float, label: int) -> None:
        """While the speed changes, the pictures VLC had decoded come on the old clock; the
        first that does not, comes at the new speed: faster, before its deadline (VLC
        skipped frames: the count is not sure, and the pictures are not shown until one is
        recognised); slower, well after it (VLC waited)."""
        assert self._rate_next is not None
        lateness = t - self._due(label)
        if self._rate_next > self._rate and lateness < -self._on_time(label):
            self._switch()
            self._set_sure(False)
            self._hide_until = t + HIDE_S
        elif self._rate_next < self._rate and lateness > self._period(label) / 2:
            self._switch()

    def _switch(self) -> None:
        """VLC got to the speed asked for."""
        assert self._rate_next is not None
        self._rate, self._rate_next = self._rate_next, None
        self._model, self._late, self._switched = None, [], True

    # -- placing a picture ----------------------------------------------------------------
    @staticmethod
    def _mad(a: Thumb, b: Thumb) -> float:
        return float(np.abs(a - b).mean())

    def _match(self, thumb: Thumb, refs: dict[int, Thumb]) -> int | None:
        """The frame of ``refs`` that ``thumb`` is (the lowest of equals), or None."""
        if not refs:
            return None
        mad = {i: self._mad(thumb, ref) for i, ref in refs.items()}
        best = min(mad, key=lambda i: (mad[i], i))
        return best if mad[best] <= MATCH else None

    def _same(self, picture: Picture, thumb: Thumb) -> bool:
        """True when ``picture`` is the previous picture presented, to the bit."""
        prev = self._prev
        return (prev is not None and np.array_equal(thumb, prev[1])
                and np.array_equal(picture, prev[0]))

    def place(self, t: float, picture: Picture, clock_ms: int) -> int | None:
        """The frame ``picture`` is, presented at wall time ``t`` (``time.monotonic()``)
        while libVLC's clock said ``clock_ms``; None when it is not to be shown (from
        before the start frame, the previous picture again, or not placed yet)."""
        thumb = _thumb(picture)
        since, self._prev_t = t - self._prev_t, t
        last = self.stats.last
        if self._refs is not None:  # looking for the start frame
            found = self._match(thumb, self._refs)
            if found is None or found < self._start:
                if not self._same(picture, thumb):
                    self._skipped += 1
                self._prev = (picture, thumb)
                if self._skipped <= PREROLL:
                    return None
                self._hide_until = t + HIDE_S  # not found: VLC started late
            self._first, self._refs = self._refs, None
            self._set_sure(found is not None and found >= self._start)
            label = found if found is not None and self.sure else self._start
            return self._accept(t, picture, thumb, label, last)
        j = 0 if last is None else last + 1
        if self._same(picture, thumb) and self._repeat(t, since, j):
            return None  # the previous picture again, before the next frame is due
        label = min(j, self._n - 1)
        if self._model is not None and self._untimed == 0 and last is not None:
            if self._rate_next is not None:
                self._changing(t, label)
            else:
                k = self._latest_due(t)
                near = t - self._due(k) < self._period(k) / 2  # nearer k's deadline than k+1's
                if k > label and near:
                    label = k  # VLC dropped the frames between (it drops frames it is late for)
                elif self._jumped and k == last and near:
                    label = k  # the jump before was a picture presented late; this one is k
        label = self._checked(t, thumb, label)
        label = self._clock(clock_ms, label)
        return self._accept(t, picture, thumb, label, last)

    def _repeat(self, t: float, since: float, j: int) -> bool:
        """Whether the previous picture presented again ``since`` seconds after it is a
        repeat rather than frame ``j`` (identical to the one before)."""
        if j >= self._n or self._rate_next is not None:
            return True  # changing speed, VLC presents the same picture again for a while
        if self._model is not None:
            return t < self._due(j) - EARLY_S
        # no model yet: frame j would come a frame after the one before, or later (the
        # picture after a seek is shown early); a repeat comes about 57 ms after a picture
        period = self.index.time_of(j) - self.index.time_of(j - 1) if j > 0 else 0.0
        return since < period / self._rate - EARLY_S

    def _checked(self, t: float, thumb: Thumb, label: int) -> int:
        """``label``, or the frame an exact picture ahead says ``thumb`` is."""
        if self.sure and self._first:  # the frames just after the start frame
            ref = self._first.get(label)
            if label > max(self._first):
                self._first = {}
            elif ref is not None and self._mad(thumb, ref) > MATCH:
                found = self._match(thumb, self._first)
                if found is not None and found >= self._start:
                    return found
                self._set_sure(False)  # VLC, late at the start, dropped frames
                self._hide_until = t + HIDE_S
                return label
        if not self.sure:
            found = self._match(thumb, self._chase)
            if found is not None:
                self._set_sure(True)
                return found
            return label
        if self._check is None:
            return label
        key, ref = self._check
        prev = self._prev
        moved = prev is None or self._mad(thumb, prev[1]) > MATCH
        if key != label and moved and self._mad(thumb, ref) <= MATCH:
            label = key  # VLC is at the keyframe, not where the count was
        elif key == label and self._mad(thumb, ref) > MATCH:
            self._set_sure(False)  # VLC is not where the count says
            return label
        if label >= key:
            self._check = None
        return label

    def _clock(self, ms: int, label: int) -> int:
        """``label``, or, without exact pictures to check the count, where libVLC's clock
        says if the count is behind it.  (Its clock lags the picture by up to half a second,
        but led it by a third of a second just after a change of speed.)"""
        if self._stale_ms is not None and ms == self._stale_ms:
            return label  # the seek has not reached the clock yet
        self._stale_ms = None
        clock = self.index.index_at(max(ms, 0) / 1000.0)
        self._clock_frame = clock
        if self._checkable or clock <= label:
            return label
        self._model = None
        return clock

    def _accept(self, t: float, picture: Picture, thumb: Thumb, label: int,
                last: int | None) -> int | None:
        expected = 0 if last is None else last + 1
        if label > expected:
            self.stats.dropped += label - expected
        self._jumped = label > expected
        self._follow(t, label, last)
        self._prev = (picture, thumb)
        self.stats.last = label
        if self._hide_until is not None:
            if not self.sure and t < self._hide_until:
                return None  # not placed yet
            self._hide_until = None
        self.stats.shown += 1
        if self.stats.first is None:
            self.stats.first = label
        return label


@functools.cache
def vlc_instance() -> Any:
    """The process's one libVLC instance, which every player shares (making one costs
    0.1-0.2 s: opening a video no longer pays it).  None when libVLC cannot start."""
    import vlc

    return vlc.Instance(VLC_ARGS)


class VlcSurface:
    """A libVLC player that draws into our own BGRA buffer through video callbacks (no
    window): ``on_display()`` is called, on VLC's thread, for every picture it presents."""

    def __init__(self, width: int, height: int, on_display: Callable[[], None]) -> None:
        import vlc

        self.vlc = vlc
        self.shape = (height, width, 4)
        self.buffer = (ctypes.c_ubyte * (width * height * 4))()
        address = ctypes.addressof(self.buffer)

        def on_lock(_opaque: Any, planes: Any) -> None:
            planes[0] = address

        def on_unlock(_opaque: Any, _picture: Any, _planes: Any) -> None:
            return None

        def on_display_cb(_opaque: Any, _picture: Any) -> None:
            on_display()

        # ctypes function pointers (python-vlc is untyped: these are Any)
        decorators = vlc.CallbackDecorators
        lock = decorators.VideoLockCb(on_lock)
        unlock = decorators.VideoUnlockCb(on_unlock)
        display = decorators.VideoDisplayCb(on_display_cb)
        self._callbacks = (lock, unlock, display)  # keep them alive while VLC holds them
        self.instance = vlc_instance()
        self.player = self.instance.media_player_new()
        self.player.video_set_callbacks(lock, unlock, display, None)
        self.player.video_set_format("RV32", width, height, width * 4)

    def picture(self) -> Picture:
        """A copy of the last picture, BGRA."""
        return np.frombuffer(memoryview(self.buffer), dtype=np.uint8).reshape(self.shape).copy()

    def open(self, path: Path, start_s: float = 0.0) -> None:
        """Load ``path`` and start playing at ``start_s`` seconds."""
        media = self.instance.media_new(str(path))
        if start_s:
            media.add_option(f":start-time={start_s:.3f}")
        self.player.set_media(media)
        self.player.play()

    def release(self) -> None:
        self.player.stop()
        self.player.release()  # (the instance is the process's, shared)


class VlcPlayback:
    """Real-time playback by libVLC, rendered through callbacks into our own view; a
    :class:`~emosign_desktop.media.backend.PlaybackBackend`.  Each picture goes to the sink
    with the frame it is (:class:`Numbering`)."""

    name = "VLC"

    def __init__(self, path: str | Path, index: FrameIndex, sink: Sink,
                 on_end: EndHandler | None = None, reference: Reference | None = None) -> None:
        self.path, self.index, self.sink, self.on_end = Path(path), index, sink, on_end
        self.reference = reference
        self.stats = PlaybackStats()
        self.numbering = Numbering(index, self.stats)
        self._lock = threading.Lock()  # the numbering, between VLC's thread and the others
        self._now: Callable[[], float] = time.monotonic
        self._clock_ms = 0  # libVLC's time, read by the watch thread
        self._speed = 1.0
        self._speed_pending = False  # to be set once VLC shows the start frame
        self._refs: dict[int, dict[int, Thumb] | None] = {}  # exact thumbs around a frame
        self._loop: LoopRange | None = None
        self._running = False
        self._watch: threading.Thread | None = None
        self._stop = threading.Event()
        self._surface = VlcSurface(index.width, index.height, self._on_display)
        self._player = self._surface.player
        self._vlc = self._surface.vlc

    def _on_display(self) -> None:
        if not self._running:
            return
        t = self._now()
        picture = self._surface.picture()
        with self._lock:  # libVLC is not called here: stop() would wait for this callback
            label = self.numbering.place(t, picture, self._clock_ms)
        if label is not None:
            self.sink(label, picture)

    def _references(self, frame: int) -> dict[int, Thumb] | None:
        """Exact thumbs of frames ``frame - 1 .. frame + AHEAD`` (cached), None without a
        reference."""
        if self.reference is None:
            return None
        if frame not in self._refs:
            frames = range(max(frame - 1, 0), min(frame + AHEAD + 1, self.index.frame_count))
            try:
                pictures = {i: self.reference(i) for i in frames}
            except MediaError:
                pictures = {}
            ok = pictures and all(p.shape == self._surface.shape for p in pictures.values())
            keep = {self._loop[0]} if self._loop is not None else set()
            self._refs = {k: v for k, v in self._refs.items() if k in keep}
            self._refs[frame] = {i: _thumb(p) for i, p in pictures.items()} if ok else None
        return self._refs[frame]

    def start(self, frame: int, speed: float = 1.0, loop: LoopRange | None = None) -> None:
        """Play from ``frame`` at ``speed``."""
        self.stop()
        self._loop = loop
        refs = self._references(frame)
        if loop is not None:
            self._references(loop[0])
        self._clock_ms = self._player.get_time()
        with self._lock:
            self.stats = PlaybackStats()
            self.numbering = Numbering(self.index, self.stats)
            self.numbering.restart(frame, refs, self._clock_ms, self._seek_speed(frame, speed))
        self._stop.clear()
        self._speed = speed
        self._speed_pending = self._seek_speed(frame, speed) != speed
        self._player.set_rate(self._seek_speed(frame, speed))
        ms = round(self.index.time_of(frame) * 1000)
        self._running = True
        if self._player.get_state() == self._vlc.State.Paused:
            self._player.set_time(ms)
            self._player.set_pause(0)
        else:  # stopped or never started: open the media at the start time
            self._surface.open(self.path, ms / 1000)
        self._watch = threading.Thread(target=self._watch_loop, daemon=True, name="vlc-watch")
        self._watch.start()

    def _seek_speed(self, frame: int, speed: float) -> float:
        """The speed to seek to ``frame`` at.  libVLC 3 seeking at another speed than 1
        misplaces its clock by the distance to the keyframe before: at 2x from frame 40
        (keyframe 0) it showed 80 on, or broken pictures; at 0.5x it waited that long.  So
        it seeks at 1x (the speed is set once it shows the start frame), but to a keyframe
        at the speed asked for."""
        return speed if self.index.keyframe_at_or_before(frame) == frame else 1.0

    def _watch_loop(self) -> None:
        """Loop ranges, the end of the video (libVLC may not be called from callbacks), and
        exact pictures ahead while the numbering is not sure."""
        ended = self._vlc.State.Ended
        chasing = self.reference is not None
        while not self._stop.wait(0.01):
            self._clock_ms = self._player.get_time()
            last = self.stats.last
            loop = self._loop
            if self._speed_pending and self.numbering.started:
                with self._lock:
                    self.numbering.set_speed(self._speed)
                self._player.set_rate(self._speed)
                self._speed_pending = False
            if loop is not None and last is not None and last >= loop[1]:
                refs = self._references(loop[0])
                seek_speed = self._seek_speed(loop[0], self._speed)
                with self._lock:
                    self.numbering.restart(loop[0], refs, self._clock_ms, seek_speed)
                self._player.set_rate(seek_speed)
                self._speed_pending = seek_speed != self._speed
                self._player.set_time(int(self.index.time_of(loop[0]) * 1000))
            elif self._player.get_state() == ended:
                deadline = time.monotonic() + END_GRACE_S
                while self.stats.last != self.index.frame_count - 1 and (
                        time.monotonic() < deadline and not self._stop.wait(0.005)):
                    pass  # the last picture may come just after the end
                if self._stop.is_set():
                    return
                self._running = False
                last = self.stats.last
                if self.on_end is not None and last is not None:
                    self.on_end(last)
                return
            elif chasing:
                chasing = self._chase()

    def _chase(self) -> bool:
        """Decode a few exact pictures the numbering wants; False when that fails."""
        assert self.reference is not None
        for _ in range(4):
            with self._lock:
                frame = self.numbering.wanted()
            if frame is None or self._stop.is_set():
                return True
            try:
                picture = self.reference(frame)
            except MediaError:
                return False
            if picture.shape != self._surface.shape:
                return False
            with self._lock:
                self.numbering.offer(frame, _thumb(picture))
        return True

    def set_speed(self, speed: float) -> None:
        self._speed = speed
        if self._speed_pending:
            return  # set once VLC shows the start frame
        with self._lock:
            self.numbering.set_speed(speed)
        self._player.set_rate(speed)

    def set_loop(self, loop: LoopRange | None) -> None:
        self._loop = loop
        if loop is not None:
            self._references(loop[0])

    def stop(self) -> int | None:
        """Pause; returns the index of the last frame presented."""
        self._running = False
        self._stop.set()
        if self._watch is not None and self._watch is not threading.current_thread():
            self._watch.join(timeout=5)
        self._watch = None
        if self._player.is_playing():
            self._player.set_pause(1)
        if self._player.get_state() == self._vlc.State.Ended:
            self._player.stop()
        return self.stats.last

    @property
    def running(self) -> bool:
        return self._running

    def close(self) -> None:
        self.stop()
        self._surface.release()
