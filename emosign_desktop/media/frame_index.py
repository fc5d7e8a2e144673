"""The frame index of a video: the presentation time of every frame, and its keyframes.

Frame ``i`` is the i-th frame in presentation order, as ``ffprobe -count_frames`` counts
decoded frames.  The index is built once by demuxing (packets carry the presentation times)
and by decoding the file's end, then cached on disk by the file's content fingerprint.

A file cut short (a copy that stopped, a recording that crashed) declares more frames than it
holds, and its last packet is often incomplete.  The index lists only the frames that can
really be decoded, from the first on without a gap, so that frame ``i`` stays exactly frame
``i``; :attr:`FrameIndex.declared_frames` keeps what the container declares.
"""

from __future__ import annotations

import bisect
import os
import time
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from emosign_desktop.core.errors import MediaError
from emosign_desktop.media.decoder import configure, decode_packets

if TYPE_CHECKING:
    from av.container import InputContainer
    from av.packet import Packet
    from av.video.stream import VideoStream

INDEX_FORMAT = 2  # 2: only decodable frames, and the count the container declares
#: Demuxing a file (and decoding its end) may take at most this long before we give up on it.
DEMUX_TIMEOUT_S = 120.0
#: The end of a file is decoded from this many keyframes before its last frame (two: the
#: leading pictures of an open GOP before the last keyframe depend on the one before).
TAIL_KEYFRAMES = 2


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
    #: Frames the container declares: its frame count (MP4, MOV, AVI), or for one that only
    #: states its duration (Matroska, WebM) and is cut short, that duration at the frame
    #: rate; otherwise the frames found.  More than :attr:`frame_count` when frames are
    #: missing or cannot be decoded.
    declared_frames: int = 0

    @property
    def frame_count(self) -> int:
        return len(self.pts)

    @property
    def short_by(self) -> int:
        """Frames the container declares that cannot be decoded (0 for a whole file)."""
        return max(0, self.declared_frames - self.frame_count)

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
            codec=self.codec, declared_frames=self.declared_frames,
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
                           str(data["codec"]), int(data["declared_frames"]))
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
    """Index the first video stream of ``path``: demux every packet, then decode the end of
    the file, so that the index lists exactly the frames that can be decoded.

    :class:`MediaError` names the file when it cannot be read at all.
    """
    import av

    path = Path(path)
    container = _open_video(path)
    deadline = time.monotonic() + timeout_s
    with container:
        stream = _video_stream(container, path)
        ctx = stream.codec_context
        stated = max(0, int(stream.frames or 0))  # read while the file is open
        stated_end = _stated_end(stream)
        found = _demux(container, stream, path, deadline, timeout_s)
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        time_base = Fraction(stream.time_base or Fraction(1, 1000))
        pts = found.pts
        declared = stated - found.hidden if stated - found.hidden >= len(pts) else len(pts)
        missing_from: int | None = None  # decode timestamp of the first frame not in the file
        if declared > len(pts) and "mov" in container.format.name.split(","):
            missing_from = _first_missing_dts(stream, found.dts_seen)
    with av.open(str(path)) as again:
        rotation = _rotation(again.streams.video[0], again)
    order = _presentation_order(pts, path)
    keys = _keyframe_indices(order, found.key_pts)
    fps = _frame_rate(rate, order, time_base)
    if not stated and stated_end is not None and _ends_early(order, time_base, fps, stated_end):
        first = float(order[0] * time_base)
        declared = max(len(order) + 1, round((stated_end - first) * fps))
    # Frames may be missing from the file: a frame the file still holds is only frame i when
    # no missing frame comes before it.
    cut_short = declared > len(order) or found.failed or bool(found.bad_pts)
    # (a container that counts its frames and holds them all is whole: a gap in its time
    # grid is the recording's, not a cut)
    bound = None if stated and not cut_short else (
        missing_from if missing_from is not None else found.max_dts)
    nominal_step = 1.0 / float(fps * time_base) if fps else 0.0
    served = _whole_from_start(order, bound, cut_short, nominal_step)
    # ...and of those, the ones that decode, up to the first that does not.
    served = _decodable_from_start(path, order, keys, served, found.bad_pts, deadline, timeout_s)
    if served == 0:
        raise MediaError(f"{path}: no frame of the video can be decoded "
                         "(the file is damaged or cut short)")
    order = order[:served]
    keys = keys[keys < served]
    return FrameIndex(order, keys.astype(np.int64), time_base, fps, int(ctx.width),
                      int(ctx.height), rotation, ctx.name or "", max(declared, served))


def _open_video(path: Path) -> InputContainer:
    """Open ``path`` for demuxing; :class:`MediaError` says why a file cannot be opened."""
    import av

    if not path.exists():
        raise MediaError(f"{path}: file not found")
    if path.is_dir():
        raise MediaError(f"{path}: is a folder, not a video file")
    if path.stat().st_size == 0:
        raise MediaError(f"{path}: the file is empty (0 bytes)")
    try:
        return av.open(str(path), metadata_errors="ignore")
    except EOFError:
        raise MediaError(f"{path}: the file ends before any video data "
                         "(no frames, or cut short)") from None
    except av.FFmpegError as exc:
        raise MediaError(f"{path}: not a readable video file ({_reason(exc)})") from None


def _video_stream(container: InputContainer, path: Path) -> VideoStream:
    """The first video stream; :class:`MediaError` lists what the file holds instead."""
    if not container.streams.video:
        kinds = sorted({str(s.type) for s in container.streams}) or ["no streams"]
        raise MediaError(f"{path}: has no video stream ({', '.join(kinds)})")
    return container.streams.video[0]


@dataclass
class _Demuxed:
    """What demuxing the video stream found, packet by packet."""

    pts: list[int] = field(default_factory=list)  # one per frame shown, in file order
    key_pts: list[int] = field(default_factory=list)
    bad_pts: list[int] = field(default_factory=list)  # packets the demuxer found incomplete
    dts_seen: set[int] = field(default_factory=set)
    max_dts: int | None = None
    hidden: int = 0  # packets that show no frame (dropped by an edit list, or empty)
    failed: bool = False  # the demuxer stopped on an error after some frames

    def take(self, packet: Packet[VideoStream]) -> None:
        """Record one packet."""
        if packet.size == 0 and packet.pts is None and packet.dts is None:
            return  # the flush packet at the end
        if packet.dts is not None:
            self.dts_seen.add(packet.dts)
            self.max_dts = packet.dts if self.max_dts is None else max(self.max_dts, packet.dts)
        if packet.size == 0 or packet.is_discard:
            self.hidden += 1
            return
        t = packet.pts if packet.pts is not None else packet.dts
        if t is None:
            return
        self.pts.append(t)
        if packet.is_keyframe:
            self.key_pts.append(t)
        if packet.is_corrupt:
            self.bad_pts.append(t)


def _demux(container: InputContainer, stream: VideoStream, path: Path, deadline: float,
           timeout_s: float) -> _Demuxed:
    """Read every packet of ``stream`` (no decoding); :class:`MediaError` when none shows a
    frame, or when reading takes past ``deadline``."""
    import av

    found = _Demuxed()
    try:
        for packet in container.demux(stream):
            found.take(packet)
            if len(found.pts) % 4096 == 0 and time.monotonic() > deadline:
                raise MediaError(f"{path}: reading the video took over {timeout_s:.0f} s")
    except av.FFmpegError as exc:
        if not found.pts:
            raise MediaError(f"{path}: the video cannot be read ({_reason(exc)})") from None
        found.failed = True
    if not found.pts:
        raise MediaError(f"{path}: the video stream has no frames")
    return found


def _presentation_order(pts: list[int], path: Path) -> NDArray[np.int64]:
    """The frames' presentation times, sorted; :class:`MediaError` when two frames share one."""
    order = np.unique(np.asarray(pts, dtype=np.int64))
    if len(order) != len(pts):
        raise MediaError(f"{path}: {len(pts) - len(order)} frames share a timestamp; "
                         "this file cannot be read frame-exactly")
    return order


def _keyframe_indices(order: NDArray[np.int64], key_pts: list[int]) -> NDArray[np.int64]:
    """Frame indices of the keyframes, the first frame always among them."""
    keys = np.searchsorted(order, np.asarray(sorted(set(key_pts)), dtype=np.int64))
    if len(keys) == 0 or keys[0] != 0:
        keys = np.concatenate([[0], keys]).astype(np.int64)
    return keys


def _frame_rate(rate: Fraction | None, order: NDArray[np.int64], time_base: Fraction) -> float:
    """The nominal frame rate; from the frames' times when the stream states none."""
    fps = float(rate) if rate else 0.0
    if not fps and len(order) > 1:
        fps = (len(order) - 1) / float((order[-1] - order[0]) * time_base)
    return fps


def _decodable_from_start(path: Path, order: NDArray[np.int64], keys: NDArray[np.int64],
                          served: int, bad_pts: list[int], deadline: float,
                          timeout_s: float) -> int:
    """Of the first ``served`` frames, how many decode, up to the first that does not (the
    end of the file is decoded from :func:`_tail_start`)."""
    start = _tail_start(keys, order[:served], bad_pts)
    if not served:
        return served
    decoded = _decoded_pts(path, int(order[start]) if start else None, deadline, timeout_s)
    bad = set(bad_pts)
    for i in range(start, served):
        t = int(order[i])
        if t not in decoded or t in bad:
            return i
    return served


def _whole_from_start(order: NDArray[np.int64], bound: int | None, cut_short: bool,
                      nominal_step: float) -> int:
    """How many frames from the first can have no missing frame before them.

    A missing frame comes after every frame the file holds in decode order, and no frame is
    shown before it is decoded (pts >= dts), so the frames shown up to ``bound`` (the decode
    time of the first missing frame, or of the last frame read when that is not known) are
    whole, and so is the first frame (a keyframe: nothing is shown before it).  Beyond them,
    on a constant frame rate, frames are whole up to the first gap in the time grid (a
    B-frame cut off just before the last frame read); with no regular grid, a file known to
    be cut short keeps only the frames up to ``bound``.
    """
    n = len(order)
    if bound is None:
        return n
    safe = max(1, int(np.searchsorted(order, bound, side="right")))
    steps = np.diff(order[:safe])
    step: int | None = None
    if len(steps):
        if np.all(steps == steps[0]):
            step = int(steps[0])
    elif nominal_step >= 1 and abs(nominal_step - round(nominal_step)) < 1e-6:
        step = round(nominal_step)
    if step is None:
        return safe if cut_short else n
    while safe < n and int(order[safe] - order[safe - 1]) == step:
        safe += 1
    return safe


def _stated_end(stream: VideoStream) -> float | None:
    """Seconds at which the container says the video track ends (Matroska's and WebM's
    ``DURATION`` tag, ``HH:MM:SS.nnnnnnnnn``), if it says."""
    text = stream.metadata.get("DURATION") or stream.metadata.get("duration")
    if not text:
        return None
    try:
        h, m, sec = str(text).split(":")
        return int(h) * 3600 + int(m) * 60 + float(sec)
    except ValueError:
        return None


def _ends_early(order: NDArray[np.int64], time_base: Fraction, fps: float,
                stated_end: float) -> bool:
    """True when the frames found stop well before the time the container says they end."""
    last = float(order[-1] * time_base)
    step = float(np.max(np.diff(order)) * time_base) if len(order) > 1 else 0.0
    nominal = 1.0 / fps if fps else step
    return stated_end - last > 2 * max(step, nominal) + nominal


def _first_missing_dts(stream: VideoStream, seen: set[int]) -> int | None:
    """The decode time of the first sample in the container's table that was not read (MP4
    and MOV list every sample, with its decode time, in the header)."""
    try:
        entries = stream.index_entries
        missing = [e.timestamp for e in entries if e.timestamp not in seen]
    except Exception:  # an index PyAV cannot read is no index
        return None
    return min(missing) if missing else None


def _tail_start(keys: NDArray[np.int64], order: NDArray[np.int64], bad_pts: list[int]) -> int:
    """The frame (a keyframe) from which the end of the file is decoded."""
    last = len(order) - 1
    if bad_pts:
        last = min(last, int(np.searchsorted(order, min(bad_pts))))
    k = bisect.bisect_right(keys, last) - 1
    return int(keys[max(0, k - (TAIL_KEYFRAMES - 1))])


def _decoded_pts(path: Path, start_pts: int | None, deadline: float,
                 timeout_s: float) -> set[int]:
    """Presentation times of the frames FFmpeg decodes whole from keyframe ``start_pts`` (the
    start when None) to the end, on one thread, going on past packets it refuses as
    ``ffmpeg`` does."""
    import av

    seen: set[int] = set()
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            stream = container.streams.video[0]
            configure(stream, threads=False)
            if start_pts is not None:
                container.seek(start_pts, stream=stream, backward=True, any_frame=False)
            for n, frame in enumerate(decode_packets(container, stream)):
                if frame.pts is not None and not frame.is_corrupt:
                    seen.add(frame.pts)
                if n % 64 == 63 and time.monotonic() > deadline:
                    raise MediaError(f"{path}: reading the video took over {timeout_s:.0f} s")
    except av.FFmpegError as exc:
        raise MediaError(f"{path}: the video cannot be decoded ({_reason(exc)})") from None
    return seen


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
