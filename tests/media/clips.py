"""Generated clips whose pixels encode their own frame index, in every kind the media engine
must read exactly.  A 4 x 5 grid: the top row is an orientation marker (white cell in the
top-left corner), the 16 cells below hold the index in binary, most significant bit first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

COLS, ROWS = 4, 5


def encode_index(i: int, width: int, height: int) -> np.ndarray:
    """An RGB picture carrying ``i`` (0 <= i < 65536)."""
    img = np.zeros((height, width, 3), dtype=np.uint8)
    cw, ch = width // COLS, height // ROWS
    img[0:ch, 0:cw] = 255
    for bit in range(16):
        if (i >> (15 - bit)) & 1:
            r, c = 1 + bit // COLS, bit % COLS
            img[r * ch:(r + 1) * ch, c * cw:(c + 1) * cw] = 255
    return img


def decode_index(img: np.ndarray, rotation: int = 0) -> int:
    """Read the index back from a picture shown with ``rotation`` (ccw degrees) applied."""
    img = np.rot90(img, k=-(rotation // 90) % 4)
    grey = img.mean(axis=2)
    h, w = grey.shape
    cw, ch = w // COLS, h // ROWS

    def cell(r: int, c: int) -> bool:
        rows = slice(r * ch + ch // 4, (r + 1) * ch - ch // 4)
        block = grey[rows, c * cw + cw // 4:(c + 1) * cw - cw // 4]
        return float(block.mean()) > 128

    if not cell(0, 0) or cell(0, COLS - 1):
        raise AssertionError("orientation marker not in the top-left corner")
    value = 0
    for bit in range(16):
        value = (value << 1) | int(cell(1 + bit // COLS, bit % COLS))
    return value


@dataclass(frozen=True)
class ClipSpec:
    """How to make one kind of clip."""

    name: str
    suffix: str
    codec: str
    frames: int
    rate: Fraction = Fraction(25)
    size: tuple[int, int] = (160, 120)
    options: dict[str, str] | None = None
    pts: Callable[[int], int] | None = None  # frame i -> pts in 1/1000 s (VFR, offsets)
    rotation: int = 0
    pix_fmt: str = "yuv420p"


def _vfr_pts(i: int) -> int:
    """Irregular frame times: steps of 20, 40, 33 and 100 ms in turn, from 0."""
    steps = (20, 40, 33, 100)
    return sum(steps[j % 4] for j in range(i))


SPECS = {
    s.name: s for s in (
        ClipSpec("h264_long_gop_bframes", ".mp4", "libx264", 150,
                 options={"g": "120", "keyint_min": "120", "bf": "3", "sc_threshold": "0"}),
        ClipSpec("h264_29.97", ".mp4", "libx264", 60, rate=Fraction(30000, 1001),
                 options={"bf": "2"}),
        ClipSpec("h264_nonzero_start", ".mkv", "libx264", 40, pts=lambda i: 2500 + 40 * i,
                 options={"bf": "2", "g": "15"}),
        ClipSpec("h264_vfr", ".mkv", "libx264", 48, pts=_vfr_pts,
                 options={"bf": "0", "g": "12"}),
        ClipSpec("hevc", ".mp4", "libx265", 40,
                 options={"x265-params": "log-level=error:keyint=16:bframes=3"}),
        ClipSpec("vp9_webm", ".webm", "libvpx-vp9", 40, options={"g": "16", "lag-in-frames": "8",
                                                                   "auto-alt-ref": "1"}),
        ClipSpec("mjpeg", ".avi", "mjpeg", 30, pix_fmt="yuvj420p"),
        ClipSpec("h264_60fps", ".mp4", "libx264", 90, rate=Fraction(60),
                 options={"bf": "3", "g": "60"}),
        ClipSpec("h264_rotated_90", ".mp4", "libx264", 30, rotation=90, size=(160, 120)),
        ClipSpec("h264_rotated_270", ".mov", "libx264", 20, rotation=-90, size=(160, 120)),
    )
}


def make_clip(spec: ClipSpec, folder: Path, *, faststart: bool = False) -> Path:
    """Write the clip ``spec`` into ``folder``; frame i shows :func:`encode_index` (i).

    With ``faststart`` (MP4 and MOV) the header with the table of every frame comes first,
    so a copy cut short still opens and declares every frame.
    """
    path = folder / f"{spec.name}{'_faststart' if faststart else ''}{spec.suffix}"
    w, h = spec.size
    with av.open(str(path), "w",
                 options={"movflags": "+faststart"} if faststart else None) as out:
        stream = out.add_stream(spec.codec, rate=spec.rate, options=spec.options or {})
        stream.width, stream.height, stream.pix_fmt = w, h, spec.pix_fmt
        if spec.pts is not None:
            stream.codec_context.time_base = Fraction(1, 1000)
            stream.time_base = Fraction(1, 1000)
        if spec.rotation:
            stream.set_display_rotation(spec.rotation)
        for i in range(spec.frames):
            frame = av.VideoFrame.from_ndarray(encode_index(i, w, h), format="rgb24")
            if spec.pts is not None:
                frame.pts = spec.pts(i)
                frame.time_base = Fraction(1, 1000)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def ffmpeg_decode(path: Path, rotation: int = 0) -> list[int]:
    """The index each picture carries, for every frame FFmpeg decodes from ``path`` on one
    thread, going on past packets the decoder refuses and flushing at the end, as ``ffmpeg``
    and ``ffprobe -count_frames`` do (independent of the code under test)."""
    out = []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for packet in container.demux(stream):
            try:
                frames = stream.decode(packet)
            except av.FFmpegError:
                continue
            out.extend(decode_index(f.to_ndarray(format="rgb24"), rotation) for f in frames)
    return out


def plain_decode_count(path: Path) -> int:
    """Frames a plain ``for f in container.decode(video=0)`` loop yields before it stops."""
    n = 0
    with av.open(str(path)) as container:
        try:
            for _ in container.decode(video=0):
                n += 1
        except av.FFmpegError:
            pass
    return n


def exact_run(indices: list[int]) -> int:
    """How many decoded frames from the first are frames 0, 1, 2... without a gap."""
    n = 0
    while n < len(indices) and indices[n] == n:
        n += 1
    return n


def packet_ends(path: Path) -> list[int]:
    """File offsets at which each video packet of ``path`` ends, in file order."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return sorted(p.pos + p.size for p in container.demux(stream)
                      if p.size and p.pos is not None and p.pos >= 0)
