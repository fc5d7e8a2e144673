"""A poster frame for previews: one picture from about a third into a video (not frame-exact;
exact frame access is the media engine's job)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from emosign_desktop.core.errors import MediaError


def poster_frame(path: str | Path, max_side: int = 480) -> np.ndarray:
    """An RGB array (height, width, 3) from about a third into the video, scaled down."""
    import av

    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            if container.duration and container.duration > 0:
                container.seek(container.duration // 3)
            for frame in container.decode(stream):
                w, h = frame.width, frame.height
                scale = min(1.0, max_side / max(w, h))
                frame = frame.reformat(width=max(2, int(w * scale)),
                                       height=max(2, int(h * scale)), format="rgb24")
                return np.ascontiguousarray(frame.to_ndarray())
    except (av.FFmpegError, IndexError) as exc:
        raise MediaError(f"{path}: cannot read a picture ({exc})") from None
    raise MediaError(f"{path}: the video has no pictures")
