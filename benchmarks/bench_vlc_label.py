"""Does the frame number given to a libVLC picture belong to that picture?  Plays clips with
:class:`~emosign_desktop.media.vlc_playback.VlcPlayback` (no Qt: a sink that records, so
nothing holds the GIL while libVLC calls back) and finds which frame each picture really is:
by its pixel-coded index for generated clips, and for the demo clips as the nearest exact frame
(PyAV, BGRA) by mean absolute difference.  Counts mislabelled pictures and the offsets
(label - truth) at 0.5x, 1x and 2x, from frame 0, from mid-clip, and resuming at mid-clip
from a pause (what the player does after Space, Space).

Run: ``python benchmarks/bench_vlc_label.py [--rounds 1] [--against OLD_vlc_playback.py]``;
``--against`` measures another version of the module too, alternating with this one.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from tests.media.clips import SPECS, decode_index, make_clip  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
DEMO = ROOT / "resources" / "demo"
#: name: (generated?, spec name in tests/media/clips.py or file in resources/demo)
CLIPS = {
    "pixel-coded": (True, "h264_long_gop_bframes"),
    "pixel-coded 29.97": (True, "h264_29.97"),
    "pose_test_video": (False, "pose_test_video.mp4"),
    "signbank_ns_011-019": (False, "signbank_ns_011-019.mp4"),
}
SPEEDS = (1.0, 0.5, 2.0)
STARTS = ("0", "mid", "resume mid")
#: Mean absolute difference (0-255) from the nearest exact frame above which a picture is no
#: frame of the clip (libVLC's pictures of the demo clips match PyAV's to within 0.01).
NOT_A_FRAME = 2.0


def load_module(path: Path | None) -> ModuleType:
    if path is None:
        from emosign_desktop.media import vlc_playback

        return vlc_playback
    spec = importlib.util.spec_from_file_location(f"vlc_playback_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Truth:
    """Which frame a picture is."""

    def __init__(self, path: Path, coded: bool) -> None:
        from emosign_desktop.media.frame_index import build_index
        from emosign_desktop.media.reader import VideoReader

        self.path, self.coded = path, coded
        self.index = build_index(path)
        self.reader = VideoReader(path, self.index, pixels="bgra")
        self.thumbs = None if coded else np.stack(
            [self.small(self.reader.frame(i)) for i in range(self.index.frame_count)])

    @staticmethod
    def small(picture: np.ndarray) -> np.ndarray:
        return picture[::2, ::2, :3].astype(np.float32)

    def of(self, picture: np.ndarray) -> int | None:
        """The frame ``picture`` is; None for a picture that is no frame of the clip (libVLC,
        late at 2x, may skip reference frames and show broken pictures until a keyframe)."""
        if self.coded:
            try:
                return decode_index(picture[:, :, 2::-1])
            except AssertionError:
                return None
        assert self.thumbs is not None
        d = np.abs(self.thumbs - self.small(picture)).mean(axis=(1, 2, 3))
        best = int(np.argmin(d))
        return best if d[best] < NOT_A_FRAME else None


def play(module: ModuleType, truth: Truth, speed: float, start: str) -> list[tuple[int, int]]:
    """(label, truth) for every picture the sink received while playing to the end."""
    n = truth.index.frame_count
    got: list[tuple[int, np.ndarray]] = []
    ended = threading.Event()
    recording = [start != "resume mid"]

    def sink(j: int, picture: np.ndarray) -> None:
        if recording[0]:
            got.append((j, picture))

    playback = module.VlcPlayback(truth.path, truth.index, sink, lambda _j: ended.set(),
                                  truth.reader.frame)
    try:
        if start == "resume mid":  # play a little from 0, pause, play again from mid
            playback.start(0, speed)
            time.sleep(0.4)
            playback.stop()
            time.sleep(0.2)
            recording[0] = True
        playback.start(0 if start == "0" else n // 2, speed)
        ended.wait(truth.index.duration / speed + 10)
    finally:
        playback.stop()
        time.sleep(0.1)  # the version before called libVLC from its callback: no deadlock
        playback.close()
    return [(j, truth.of(p)) for j, p in got]


@dataclass
class Tally:
    """Pictures the sink received, broken ones, mislabelled ones and their offsets."""

    pictures: int = 0
    broken: int = 0
    offsets: Counter[int] = field(default_factory=Counter)

    def add(self, pairs: list[tuple[int, int | None]]) -> None:
        self.pictures += len(pairs)
        for label, real in pairs:
            if real is None:
                self.broken += 1
            else:
                self.offsets[label - real] += 1

    def __str__(self) -> str:
        wrong = sum(v for k, v in self.offsets.items() if k)
        off = {k: v for k, v in sorted(self.offsets.items()) if k}
        spread = ", ".join(f"{k:+d}: {v}" for k, v in off.items())
        if len(off) > 4:  # a count that drifts: its range
            spread = f"{min(off):+d} to {max(off):+d}"
        broken = f"; {self.broken} broken" if self.broken else ""
        spread = f" ({spread})" if spread else ""
        return f"{wrong}/{self.pictures - self.broken}{spread}{broken}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--against", type=Path, help="another vlc_playback.py to measure too")
    parser.add_argument("--clips", nargs="*", default=list(CLIPS))
    parser.add_argument("--speeds", nargs="*", type=float, default=list(SPEEDS))
    parser.add_argument("--starts", nargs="*", default=list(STARTS))
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    versions = {"now": load_module(None)}
    if args.against is not None:
        versions = {"before": load_module(args.against), **versions}
    print("Mislabelled pictures / pictures that are frames of the clip (label - picture: "
          "count); broken: pictures that are no frame (libVLC late at 2x)\n")
    print("| clip | speed | from | " + " | ".join(versions) + " |")
    print("|---|---|---|" + "---|" * len(versions))
    for name in args.clips:
        made, path = CLIPS[name]
        truth = Truth(make_clip(SPECS[path], OUT) if made else DEMO / path, made)
        for speed in args.speeds:
            for start in args.starts:
                tallies = {v: Tally() for v in versions}
                for _ in range(args.rounds):
                    for v, module in versions.items():
                        tallies[v].add(play(module, truth, speed, start))
                print(f"| {name} ({truth.index.frame_count} fr, {truth.index.fps:.5g} fps) "
                      f"| {speed:g}x | {start} | "
                      + " | ".join(str(t) for t in tallies.values()) + " |", flush=True)
        truth.reader.close()


if __name__ == "__main__":
    main()
