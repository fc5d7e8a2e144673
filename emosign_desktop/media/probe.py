"""Probe a video: frame rate, frame count, size as shown, duration, codec."""

from __future__ import annotations

from pathlib import Path

from emosign_desktop.core.model import MediaInfo
from emosign_desktop.media.frame_index import FrameIndex, build_index


def media_info(index: FrameIndex) -> MediaInfo:
    """What the project stores about a video, from its frame index."""
    width, height = index.display_size
    return MediaInfo(fps=round(index.fps, 6), frame_count=index.frame_count, width=width,
                     height=height, duration=round(index.duration, 6), codec=index.codec,
                     declared_frames=index.declared_frames if index.short_by else None)


def probe(path: str | Path) -> MediaInfo:
    """Read a video's properties; raises :class:`MediaError` naming the file otherwise.

    The frame count is the number of frames in presentation order that can be decoded, as
    the media engine (and ``ffprobe -count_frames``) counts them, up to the first that
    cannot (a file cut short); ``declared_frames`` tells how many the container declares.
    """
    return media_info(build_index(path))


def truncation_warning(file: str, media: MediaInfo) -> str | None:
    """The warning for a video whose container declares frames that cannot be decoded
    (``file`` names it), or None for a whole one."""
    if not media.is_truncated:
        return None
    n = media.frame_count
    used = f"the first {n} are used" if n > 1 else "the first is used"
    return (f"{file}: only {n} of the {media.declared_frames} frames its container declares "
            f"can be decoded; {used}")
