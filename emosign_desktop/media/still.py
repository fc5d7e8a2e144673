"""Write one exact frame as a PNG picture (with PyAV's PNG encoder; no Qt needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from emosign_desktop.core.errors import EmoSignError


def write_png(path: str | Path, rgb: NDArray[np.uint8]) -> None:
    """Save an RGB array as ``path`` (written to a temporary name, then renamed)."""
    import av

    path = Path(path)
    h, w, _ = rgb.shape
    tmp = path.with_name(path.name + ".part")
    try:
        with av.open(str(tmp), "w", format="image2") as out:
            stream = out.add_stream("png")
            stream.width, stream.height, stream.pix_fmt = w, h, "rgb24"
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            for packet in stream.encode(frame):
                out.mux(packet)
            for packet in stream.encode():
                out.mux(packet)
        tmp.replace(path)
    except (OSError, av.FFmpegError) as exc:
        tmp.unlink(missing_ok=True)
        raise EmoSignError(f"{path}: cannot write the picture ({exc})") from None
