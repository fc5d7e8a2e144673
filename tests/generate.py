"""Generated test material: small videos made with PyAV, CSV files in the EmoSign formats."""

from __future__ import annotations

import csv
import random
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

EMOTIONS = ("joy", "excited", "surprise_pos", "surprise_neg", "worry", "sadness", "fear",
            "disgust", "frustration", "anger")
RELEASED_HEADER = ["video_name", "Sentiment", *EMOTIONS, "Reasoning_1", "Reasoning_2",
                   "Reasoning_3"]
TRICKY_TEXTS = (
    "plain words",
    "commas, and more, commas",
    'he said "smart" with wide eyes',
    "line one\nline two",
    "trailing space ",
    " leading space",
    "café – naïve ✋ signing",
    'mix: "quoted, with comma"\nand a new line',
    "",
)


def make_video(path: Path, frames: int = 12, size: tuple[int, int] = (64, 48),
               fps: int = 12, codec: str = "libx264") -> Path:
    """A short video whose frame i is a flat grey of level 10 * i (mod 250)."""
    w, h = size
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=Fraction(fps))
        stream.width, stream.height = w, h
        stream.pix_fmt = "yuvj420p" if codec == "mjpeg" else "yuv420p"
        for i in range(frames):
            img = np.full((h, w, 3), (10 * i) % 250, dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def make_audio_only(path: Path) -> Path:
    """A short file with an audio stream and no video."""
    with av.open(str(path), "w") as out:
        stream = out.add_stream("aac", rate=8000)
        samples = np.zeros((1, 1024), dtype=np.float32)
        for _ in range(4):
            frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
            frame.sample_rate = 8000
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def released_rows(n: int, seed: int = 1) -> list[list[str]]:
    """``n`` random rows of the released format (emotions coded 1..4) with tricky texts."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        rows.append([
            f"Signer{i % 4}_2025-1-{i % 28 + 1}_sc{i:03d}_{rng.randrange(10**8)}",
            str(rng.randint(-3, 3)),
            *(str(rng.randint(1, 4)) for _ in EMOTIONS),
            *(rng.choice(TRICKY_TEXTS[:-1]) for _ in range(3)),
        ])
    return rows


def write_released(path: Path, rows: list[list[str]],
                   header: list[str] | None = None) -> Path:
    """Write rows the way the released file is written (minimal quoting, LF)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header or RELEASED_HEADER)
        writer.writerows(rows)
    return path
