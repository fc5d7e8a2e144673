"""Probe a video with PyAV: frame rate, frame count, size, duration, codec."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from emosign_desktop.core.errors import MediaError
from emosign_desktop.core.model import MediaInfo


def probe(path: str | Path) -> MediaInfo:
    """Read a video's properties; raises :class:`MediaError` naming the file otherwise.

    The frame count is the number of video packets that carry a picture (demuxed, not
    decoded), which equals the number of frames in presentation order for the codecs we
    read; the exact per-frame index is the media engine's job.
    """
    import av  # lazy: PyAV loads FFmpeg

    path = Path(path)
    if not path.exists():
        raise MediaError(f"{path}: file not found")
    if path.is_dir():
        raise MediaError(f"{path}: is a folder, not a video file")
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except av.FFmpegError as exc:
        raise MediaError(f"{path}: not a readable video file ({_reason(exc)})") from None
    try:
        if not container.streams.video:
            kinds = sorted({s.type for s in container.streams}) or ["no streams"]
            raise MediaError(f"{path}: has no video stream ({', '.join(kinds)})")
        stream = container.streams.video[0]
        ctx = stream.codec_context
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        count = 0
        last_end = None
        first_pts = None
        try:
            for packet in container.demux(stream):
                if packet.size == 0 or packet.pts is None:
                    continue
                count += 1
                if first_pts is None or packet.pts < first_pts:
                    first_pts = packet.pts
                end = packet.pts + (packet.duration or 0)
                last_end = end if last_end is None else max(last_end, end)
        except av.FFmpegError as exc:
            if count == 0:
                raise MediaError(f"{path}: the video cannot be read ({_reason(exc)})") from None
        if count == 0:
            raise MediaError(f"{path}: the video stream has no frames")
        fps = float(rate) if rate else 0.0
        if stream.time_base and last_end is not None and first_pts is not None:
            duration = float((last_end - first_pts) * stream.time_base)
        elif fps:
            duration = count / fps
        else:
            duration = float(Fraction(container.duration or 0, 1_000_000))
        if not fps and duration:
            fps = count / duration
        return MediaInfo(
            fps=round(fps, 6),
            frame_count=count,
            width=int(ctx.width),
            height=int(ctx.height),
            duration=round(duration, 6),
            codec=ctx.name or "",
        )
    finally:
        container.close()


def _reason(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return text.split(":")[0].strip() if ":" in text and len(text) > 80 else text
