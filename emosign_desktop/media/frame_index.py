"""The frame index of a video: the presentation time of every frame, and its keyframes.

Frame ``i`` is the i-th frame in presentation order, as ``ffprobe -count_frames`` counts
decoded frames.  The index is built once by demuxing (no decoding: packets carry the
presentation times) and cached on disk by the file's content fingerprint.
"""

from __future__ import annotations

import bisect
import os
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from emosign_desktop.core.errors import MediaError

if TYPE_CHECKING:
    from av.container import InputContainer
    from av.video.stream import VideoStream

INDEX_FORMAT = 1
#: Demuxing a file may take at most this long before we give up on it.
DEMUX_TIMEOUT_S = 120.0


@dataclass(frozen=True, eq=False)
class FrameIndex:
    """Presentation timestamps (stream time base) of every frame, sorted, and keyframes."""

    pts: NDArray[np.int64]  # one per frame, increasing
    keyframes: NDArray[np.int64]  # frame indices of keyframes, increasing
    time_base: Fraction
    fps: float  # nominal frame rate
    width: int  # decoded (coded) size; see display_size for rotation
    height: int
    rotation: int  # counter-clockwise degrees, a multiple of 90
    codec: str

    @property
    def frame_count(self) -> int:
        return len(self.pts)

    @property
    def start_pts(self) -> int:
        return int(self.pts[0])

    @property
    def display_size(self) -> tuple[int, int]:
        """Width and height as shown to the user (rotation applied)."""
        if self.rotation % 180:
            return self.height, self.width
        return self.width, self.height

    @property
    def duration(self) -> float:
        """Seconds from the first frame's start to the last frame's end."""
        if self.frame_count == 1:
            return 1.0 / self.fps if self.fps else 0.0
        last = float((int(self.pts[-1]) - self.start_pts) * self.time_base)
        step = float((int(self.pts[-1]) - int(self.pts[-2])) * self.time_base)
        return last + step

    def time_of(self, index: int) -> float:
        """Seconds from the first frame to frame ``index``."""
        return float((int(self.pts[index]) - self.start_pts) * self.time_base)

    def index_at(self, seconds: float) -> int:
        """The frame shown at ``seconds`` after the first frame (clamped to the video)."""
        target = self.start_pts + seconds / float(self.time_base)
        i = int(np.searchsorted(self.pts, target + 1e-6, side="right")) - 1
        return min(max(i, 0), self.frame_count - 1)

    def index_of_pts(self, pts: int) -> int | None:
        """The frame with exactly this presentation timestamp, if any."""
        i = int(np.searchsorted(self.pts, pts))
        return i if i < self.frame_count and int(self.pts[i]) == pts else None

    def keyframe_at_or_before(self, index: int) -> int:
        """The nearest keyframe at or before frame ``index`` (0 if none)."""
        keys = self.keyframes
        i = bisect.bisect_right(keys, index) - 1
        return int(keys[i]) if i >= 0 else 0

    def save(self, path: Path) -> None:
        """Write the index atomically as a compressed ``.npz``."""
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp.npz")
        np.savez_compressed(
            tmp, format=INDEX_FORMAT, pts=self.pts, keyframes=self.keyframes,
            time_base=np.array([self.time_base.numerator, self.time_base.denominator]),
            fps=self.fps, size=np.array([self.width, self.height]), rotation=self.rotation,
            codec=self.codec,
        )
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> FrameIndex | None:
        """Read an index written by :meth:`save`; None if absent, stale or damaged."""
        try:
            with np.load(path) as data:
                if int(data["format"]) != INDEX_FORMAT:
                    return None
                num, den = (int(x) for x in data["time_base"])
                w, h = (int(x) for x in data["size"])
                return cls(data["pts"].astype(np.int64), data["keyframes"].astype(np.int64),
                           Fraction(num, den), float(data["fps"]), w, h, int(data["rotation"]),
                           str(data["codec"]))
        except (OSError, KeyError, ValueError, EOFError):
            return None


def _rotation(stream: VideoStream, container: InputContainer) -> int:
    """Display rotation from the first decoded frame (PyAV reads the display matrix there)."""
    try:
        for frame in container.decode(stream):
            return round((frame.rotation or 0) / 90.0) * 90 % 360
    except Exception:
        return 0
    return 0


def build_index(path: str | Path, *, timeout_s: float = DEMUX_TIMEOUT_S) -> FrameIndex:
    """Demux ``path`` and index its first video stream; :class:`MediaError` names the file."""
    import av

    path = Path(path)
    if not path.exists():
        raise MediaError(f"{path}: file not found")
    if path.is_dir():
        raise MediaError(f"{path}: is a folder, not a video file")
    if path.stat().st_size == 0:
        raise MediaError(f"{path}: the file is empty (0 bytes)")
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except EOFError:
        raise MediaError(f"{path}: the file ends before any video data "
                         "(no frames, or cut short)") from None
    except av.FFmpegError as exc:
        raise MediaError(f"{path}: not a readable video file ({_reason(exc)})") from None
    with container:
        if not container.streams.video:
            kinds = sorted({str(s.type) for s in container.streams}) or ["no streams"]
            raise MediaError(f"{path}: has no video stream ({', '.join(kinds)})")
        stream = container.streams.video[0]
        ctx = stream.codec_context
        pts: list[int] = []
        key_pts: list[int] = []
        deadline = time.monotonic() + timeout_s
        try:
            for packet in container.demux(stream):
                if packet.size == 0 or packet.is_discard:
                    continue
                t = packet.pts if packet.pts is not None else packet.dts
                if t is None:
                    continue
                pts.append(t)
                if packet.is_keyframe:
                    key_pts.append(t)
                if len(pts) % 4096 == 0 and time.monotonic() > deadline:
                    raise MediaError(f"{path}: reading the video took over {timeout_s:.0f} s")
        except av.FFmpegError as exc:
            if not pts:
                raise MediaError(f"{path}: the video cannot be read ({_reason(exc)})") from None
        if not pts:
            raise MediaError(f"{path}: the video stream has no frames")
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        time_base = stream.time_base or Fraction(1, 1000)
    with av.open(str(path)) as again:
        rotation = _rotation(again.streams.video[0], again)
    order = np.unique(np.asarray(pts, dtype=np.int64))  # sorted presentation order
    if len(order) != len(pts):
        raise MediaError(f"{path}: {len(pts) - len(order)} frames share a timestamp; "
                         "this file cannot be read frame-exactly")
    keys = np.searchsorted(order, np.asarray(sorted(set(key_pts)), dtype=np.int64))
    if len(keys) == 0 or keys[0] != 0:
        keys = np.concatenate([[0], keys]).astype(np.int64)
    fps = float(rate) if rate else 0.0
    if not fps and len(order) > 1:
        fps = (len(order) - 1) / float((order[-1] - order[0]) * time_base)
    return FrameIndex(order, keys.astype(np.int64), Fraction(time_base), fps,
                      int(ctx.width), int(ctx.height), rotation, ctx.name or "")


def _reason(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or str(exc)


def index_cache_dir() -> Path:
    """Where frame indices are cached."""
    from emosign_desktop.resources import user_cache_dir

    return user_cache_dir("frame-index")


def load_index(path: str | Path, fingerprint: str | None = None) -> FrameIndex:
    """The frame index of ``path``, from the cache when its fingerprint was seen before."""
    from emosign_desktop.media.fingerprint import fingerprint as compute

    path = Path(path)
    fp = fingerprint or compute(path)
    cache = index_cache_dir() / f"{fp.replace(':', '-')}.v{INDEX_FORMAT}.npz"
    cached = FrameIndex.load(cache) if cache.is_file() else None
    if cached is not None:
        return cached
    index = build_index(path)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        index.save(cache)
    except OSError:
        pass  # a cache we cannot write only costs time
    return index
