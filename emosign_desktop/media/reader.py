"""Exact frame access: frame ``i`` as an RGB array, in any direction, after any jump.

PyAV seeks to the keyframe at or before the frame and decodes forward, matching decoded
frames to the index by presentation timestamp, so the frame returned is exactly frame ``i``
(libVLC's ``set_time`` is not: it missed 30 times out of 30 in our probe).  Decoded frames go
into a :class:`FrameCache`; stepping backward decodes a span once and serves the following
back-steps from the cache.

Like ``ffmpeg``, the reader goes on past a packet the decoder refuses (the incomplete last
packet of a file cut short), so the frames before it that the decoder still holds come out.
Frame threads lose those frames on such an error: a threaded reader that meets one decodes
on one thread from then on.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np
from numpy.typing import NDArray

from emosign_desktop.core.errors import MediaError
from emosign_desktop.media.decoder import configure, decode_packets
from emosign_desktop.media.frame_cache import FrameCache
from emosign_desktop.media.frame_index import FrameIndex, load_index

if TYPE_CHECKING:
    from av.container import InputContainer
    from av.video.frame import VideoFrame
    from av.video.stream import VideoStream

#: A single frame request may decode for at most this long.
DECODE_TIMEOUT_S = 20.0
#: Fraction of the cache a backward step may fill with the span before the frame (below one
#: half, so the prefetched span and the one being shown fit together).
BACKWARD_SHARE = 0.45
#: Frames kept behind the target when decoding forward (cheap insurance for a back-step).
FORWARD_TRAIL = 4
#: Pixel layouts a reader returns, with their bytes per pixel: RGB for analysis and files;
#: BGRA (Qt's RGB32 on little-endian machines, and what libVLC hands us) for the screen, which
#: Qt scales and paints without a conversion (1080p into 1280x810: 2.6 ms against 8.3 ms).
PIXELS = {"rgb24": 3, "bgra": 4}


class _GaveWay(Exception):
    """A background decode stopped for a foreground request."""


class VideoReader:
    """Decodes exact frames of one video file.  Safe to call from one thread at a time
    (a lock serialises callers); use one reader per thread for parallel decoding."""

    def __init__(
        self,
        path: str | Path,
        index: FrameIndex | None = None,
        cache: FrameCache | None = None,
        *,
        timeout_s: float = DECODE_TIMEOUT_S,
        threads: bool = True,
        pixels: str = "rgb24",
    ) -> None:
        if pixels not in PIXELS:
            raise ValueError(f"pixels must be one of {sorted(PIXELS)}, not {pixels!r}")
        self.pixels = pixels
        self.path = Path(path)
        self.index = index if index is not None else load_index(self.path)
        self.cache = cache if cache is not None else FrameCache()
        self.timeout_s = timeout_s
        self._threads = threads
        self._container: InputContainer | None = None
        self._stream: VideoStream | None = None
        self._frames: Iterator[VideoFrame] | None = None  # iterator over decoded frames
        self._last_decoded: int | None = None
        self._last_request: int | None = None
        self._lock = threading.RLock()
        self._foreground_waiting = threading.Event()
        self.decoded = 0  # frames decoded so far (for benchmarks and tests)
        self.seeks = 0

    # -- public ---------------------------------------------------------------------------
    @property
    def frame_count(self) -> int:
        return self.index.frame_count

    @property
    def frame_bytes(self) -> int:
        """Bytes of one decoded picture as this reader returns it."""
        w, h = self.index.display_size
        return w * h * PIXELS[self.pixels]

    def frame(self, i: int) -> NDArray[np.uint8]:
        """Frame ``i`` (presentation order) as a read-only ``(h, w, 3)`` RGB array, rotation
        applied (``(h, w, 4)`` BGRA for a reader opened with ``pixels="bgra"``)."""
        if not 0 <= i < self.index.frame_count:
            raise MediaError(f"{self.path}: there is no frame {i} "
                             f"(the video has frames 0..{self.index.frame_count - 1})")
        self.cache.set_focus(i)
        backward = self._last_request is not None and i < self._last_request
        self._last_request = i
        hit = self.cache.get(i)
        if hit is not None:
            return hit
        self._foreground_waiting.set()  # ask a background decode to step aside
        with self._lock:
            self._foreground_waiting.clear()
            hit = self.cache.get(i)
            if hit is not None:
                return hit
            return self._decode(i, backward)

    def prefetch(self, i: int, *, backward: bool) -> bool:
        """Decode frame ``i`` (and the span before it when ``backward``) into the cache, in
        the background: gives way at once to a foreground :meth:`frame` call.

        Returns False when it gave way (or the frame could not be decoded).
        """
        if i in self.cache:
            return True
        if self._foreground_waiting.is_set() or not self._lock.acquire(timeout=0.05):
            return False
        try:
            if i in self.cache:
                return True
            self._decode(i, backward, background=True)
            return True
        except (_GaveWay, MediaError):
            return False
        finally:
            self._lock.release()

    def close(self) -> None:
        """Release the file."""
        with self._lock:
            if self._container is not None:
                self._container.close()
            self._container = self._stream = self._frames = None
            self._last_decoded = None

    def __enter__(self) -> VideoReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- decoding -------------------------------------------------------------------------
    def _open(self) -> tuple[InputContainer, VideoStream]:
        import av

        try:
            self._container = container = av.open(str(self.path), metadata_errors="ignore")
        except av.FFmpegError as exc:
            raise MediaError(f"{self.path}: cannot open the video ({exc})") from None
        self._stream = stream = container.streams.video[0]
        configure(stream, self._threads)
        self._frames = None
        return container, stream

    def _one_thread(self) -> None:
        """Decode on one thread from now on (frame threads lost frames near damage)."""
        self._threads = False
        if self._container is not None:
            self._container.close()
        self._container = self._stream = self._frames = None
        self._last_decoded = None

    def _seek(self, k: int) -> Iterator[VideoFrame]:
        """Seek to keyframe ``k``; returns (and keeps) the iterator decoding from there."""
        container, stream = self._container, self._stream
        if container is None or stream is None:
            container, stream = self._open()
        container.seek(int(self.index.pts[k]), stream=stream, backward=True, any_frame=False)
        self._frames = frames = decode_packets(container, stream, strict=self._threads)
        self._last_decoded = None
        self.seeks += 1
        return frames

    def _keep_from(self, i: int, backward: bool) -> int:
        span = self.cache.frames_that_fit(self.frame_bytes)
        if backward:
            return max(0, i - max(1, int(span * BACKWARD_SHARE)) + 1)
        return max(0, i - min(FORWARD_TRAIL, span // 4))

    def _picture(self, frame: VideoFrame) -> NDArray[np.uint8]:
        # swscale on every core; both layouts are 8 bits a channel (PyAV's stubs name every
        # possible dtype)
        picture = cast(NDArray[np.uint8], frame.to_ndarray(format=self.pixels, threads=0))
        if self.index.rotation:
            picture = np.rot90(picture, k=(self.index.rotation // 90) % 4)
        return np.ascontiguousarray(picture)

    def _decode(self, i: int, backward: bool, background: bool = False) -> NDArray[np.uint8]:
        index = self.index
        k = index.keyframe_at_or_before(i)
        keep_from = self._keep_from(i, backward)
        frames = self._frames_towards(i, k)
        deadline = time.monotonic() + self.timeout_s
        attempts = [*[*(int(j) for j in index.keyframes[::-1] if j < k)][:2], 0]
        floor = k if self._last_decoded is None else -1
        while True:
            frame = self._next_frame(frames, i)
            if frame is None:  # frames in flight were lost: again, on one thread
                return self._decode(i, backward, background)
            self.decoded += 1
            j = index.index_of_pts(frame.pts) if frame.pts is not None else None
            if j is None:
                continue  # a picture the index does not list (e.g. discarded lead-in)
            self._last_decoded = j
            if j < floor:
                continue  # leading pictures of an open GOP before our keyframe
            if j > i:  # the seek landed after the target: start from an earlier keyframe
                if not attempts:
                    raise MediaError(f"{self.path}: frame {i} cannot be reached by seeking")
                k = attempts.pop(0)
                frames = self._seek(k)
                floor = k
                continue
            if j >= keep_from:
                picture = self._picture(frame)
                self.cache.put(j, picture)
                if j == i:
                    return picture
            if background and self._foreground_waiting.is_set():
                raise _GaveWay
            if time.monotonic() > deadline:
                raise MediaError(f"{self.path}: decoding frame {i} took over "
                                 f"{self.timeout_s:.0f} s")

    def _frames_towards(self, i: int, k: int) -> Iterator[VideoFrame]:
        """The decoder's frames on towards frame ``i`` of keyframe span ``k``: decoding on
        from where the decoder is beats seeking when it is already in the target's keyframe
        span (or just before the target)."""
        last = self._last_decoded
        ahead = last is not None and last < i and (last >= k or i - last <= 2)
        frames = self._frames
        if frames is None or not ahead:
            frames = self._seek(k)
        return frames

    def _next_frame(self, frames: Iterator[VideoFrame], i: int) -> VideoFrame | None:
        """The next decoded frame on the way to frame ``i``.  None when a threaded decoder
        failed and lost the frames in flight: the reader now decodes on one thread, and the
        caller starts again.  :class:`MediaError` when frame ``i`` cannot be decoded."""
        import av

        try:
            return next(frames)
        except StopIteration:
            problem = (f"{self.path}: the video ends before frame {i} could be "
                       "decoded (damaged or truncated file?)")
        except av.FFmpegError as exc:
            problem = f"{self.path}: frame {i} cannot be decoded ({exc})"
        if self._threads:
            self._one_thread()
            return None
        self._frames = None
        raise MediaError(problem) from None
