"""How a PyAV decoder is set up for stepping and playback.

Frame threading with a deep pipeline: the decoder keeps several frames in flight on its own
threads while we convert and show the current one, which smooths out the expensive frames
(P-frames of a noisy 1080p clip cost several times a B-frame).  Measured on a 2-core machine,
consecutive 1080p steps with no pause between them: p95 11-13 ms with 8 frame threads against
14-24 ms with FFmpeg's automatic choice (3 threads); see BENCHMARKS.md.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from av.video.stream import VideoStream

#: Frame threads per core, and the bounds (FFmpeg's own automatic limit is 16).
THREADS_PER_CORE, MIN_THREADS, MAX_THREADS = 4, 8, 16


def cores() -> int:
    """Cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def decoder_threads() -> int:
    """Frame threads for one decoder on this machine."""
    return max(MIN_THREADS, min(MAX_THREADS, THREADS_PER_CORE * cores()))


def configure(stream: VideoStream, threads: bool = True) -> None:
    """Set up ``stream``'s decoder before the first packet: frame threads, or none."""
    if threads:
        stream.thread_type = "FRAME"
        stream.codec_context.thread_count = decoder_threads()
