"""Probe a video: frame rate, frame count, size as shown, duration, codec."""

from __future__ import annotations

from pathlib import Path

from emosign_desktop.core.model import MediaInfo
from emosign_desktop.media.frame_index import FrameIndex, build_index


def media_info(index: FrameIndex) -> MediaInfo:
    """What the project stores about a video, from its frame index."""
    width, height = index.display_size
    return MediaInfo(fps=round(index.fps, 6), frame_count=index.frame_count, width=width,
                     height=height, duration=round(index.duration, 6), codec=index.codec)


def probe(path: str | Path) -> MediaInfo:
    """Read a video's properties; raises :class:`MediaError` naming the file otherwise.

    The frame count is the number of frames in presentation order, as the media engine
    (and ``ffprobe -count_frames``) counts them.
    """
    return media_info(build_index(path))
