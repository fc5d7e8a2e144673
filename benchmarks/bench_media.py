"""Media figures on a generated 1080p H.264 clip (250-frame GOP, B-frames) whose pixels encode
the frame index: latency (p50/p95) of consecutive forward steps, consecutive backward steps and
random seeks, exactness, peak memory; for our engine, for naive PyAV (seek + decode per
request) and for libVLC (``set_time``, ``next_frame``), each in its own process.

Run: ``make bench`` or ``python benchmarks/bench_media.py [--frames 500] [--steps 150]``.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from tests.media.clips import decode_index, encode_index  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
W, H = 1920, 1080
KEY_REPEAT_S = 1 / 30  # a held arrow key repeats about 30 times a second


def make_clip(frames: int) -> Path:
    """1080p30 H.264, keyframe every 250 frames, 3 B-frames, noisy texture (cached)."""
    import av

    path = OUT / f"gop250_1080p_{frames}.mp4"
    if path.is_file():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 48, (H, W + 64, 1), dtype=np.uint8)
    tmp = path.with_suffix(".part.mp4")
    with av.open(str(tmp), "w") as out:
        s = out.add_stream("libx264", rate=Fraction(30), options={
            "g": "250", "keyint_min": "250", "sc_threshold": "0", "bf": "3",
            "preset": "veryfast", "crf": "23"})
        s.width, s.height, s.pix_fmt = W, H, "yuv420p"
        for i in range(frames):
            base = encode_index(i, W, H)
            tex = noise[:, (i * 3) % 64:(i * 3) % 64 + W]
            img = np.where(base > 128, base - tex, base + tex).astype(np.uint8)
            for p in s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(p)
        for p in s.encode():
            out.mux(p)
    tmp.replace(path)
    return path


def pct(ms: list[float], q: float) -> float:
    ms = sorted(ms)
    return ms[min(len(ms) - 1, round(q / 100 * (len(ms) - 1)))]


def plan(frames: int, steps: int) -> dict[str, list[int]]:
    rng = random.Random(7)
    return {
        "forward": list(range(20, 20 + steps)),
        "backward": list(range(frames - 20, frames - 20 - steps, -1)),
        "random": [rng.randrange(frames) for _ in range(40)],
    }


def run_ours(path: Path, frames: int, steps: int, paced: bool) -> dict:
    from emosign_desktop.media.frame_cache import FrameCache
    from emosign_desktop.media.prefetch import Prefetcher
    from emosign_desktop.media.reader import VideoReader

    reader = VideoReader(path, cache=FrameCache(512), pixels="bgra")  # as the player opens it
    prefetch = Prefetcher(reader)
    results = {}
    for kind, order in plan(frames, steps).items():
        reader.frame(order[0])
        direction = {"forward": 1, "backward": -1}.get(kind, 0)
        times, exact = [], 0
        for i in order[1:]:
            start = time.perf_counter()
            img = reader.frame(i)
            times.append((time.perf_counter() - start) * 1000)
            prefetch.hint(i, direction)
            exact += decode_index(img[::8, ::8, 2::-1]) == i
            if paced:
                time.sleep(max(0.0, KEY_REPEAT_S - (time.perf_counter() - start)))
        results[kind] = (times, exact)
    prefetch.close()
    results["_cache_mb"] = reader.cache.nbytes / 2**20
    return results


def run_naive(path: Path, frames: int, steps: int) -> dict:
    import av

    from emosign_desktop.media.frame_index import build_index

    index = build_index(path)
    container = av.open(str(path))
    stream = container.streams.video[0]
    stream.thread_type = "AUTO"
    results = {}
    for kind, order in plan(frames, steps).items():
        times, exact = [], 0
        for i in order[1:]:
            start = time.perf_counter()
            k = index.keyframe_at_or_before(i)
            container.seek(int(index.pts[k]), stream=stream, backward=True)
            for frame in container.decode(stream):
                if frame.pts == int(index.pts[i]):
                    img = frame.to_ndarray(format="rgb24")
                    break
            times.append((time.perf_counter() - start) * 1000)
            exact += decode_index(img[::8, ::8]) == i
        results[kind] = (times, exact)
    return results


class VlcProbe:
    """libVLC decoding into our buffer through video callbacks (no window)."""

    def __init__(self, path: Path) -> None:
        import threading

        from emosign_desktop.media.vlc_playback import VlcSurface

        self.shown = threading.Event()
        self.surface = VlcSurface(W, H, self.shown.set)
        self.player = self.surface.player
        self.surface.open(path)
        self.shown.wait(10)
        self.player.set_pause(1)
        time.sleep(0.5)

    def index_shown(self) -> int | None:
        try:
            return decode_index(self.surface.picture()[::8, ::8, 2::-1])
        except AssertionError:
            return None


def run_vlc(path: Path, frames: int, steps: int, how: str) -> dict:
    probe = VlcProbe(path)
    results = {}
    order_by_kind = plan(frames, min(steps, 40))
    for kind, order in order_by_kind.items():
        if how == "next_frame" and kind != "forward":
            results[kind] = "libVLC has no previous-frame or seek-to-frame call"
            continue
        if how == "next_frame":
            probe.shown.clear()
            probe.player.set_time(int(order[0] * 1000 / 30))
            probe.shown.wait(2)
        times, exact, stalls = [], 0, 0
        for i in order[1:]:
            probe.shown.clear()
            start = time.perf_counter()
            if how == "set_time":
                probe.player.set_time(round(i * 1000 / 30))
            else:
                probe.player.next_frame()
            if not probe.shown.wait(1.0):
                stalls += 1
            times.append((time.perf_counter() - start) * 1000)
            exact += probe.index_shown() == i
        results[kind] = (times, exact)
        results[f"_{kind}_stalls"] = stalls
    probe.player.stop()
    return results


def run_playback(path: Path, backend_name: str) -> dict:
    """Play the whole clip at 1.0x; count presented and dropped frames, and check that each
    presented picture is the frame the backend says it is."""
    import threading

    from emosign_desktop.media.backend import PlaybackBackend
    from emosign_desktop.media.frame_index import build_index
    from emosign_desktop.media.pyav_playback import PyAVPlayback

    index = build_index(path)
    wrong, done = [0], threading.Event()

    def sink(j: int, picture: np.ndarray) -> None:
        rgb = picture if picture.shape[2] == 3 else picture[:, :, 2::-1]
        try:
            wrong[0] += decode_index(rgb[::8, ::8]) != j
        except AssertionError:
            wrong[0] += 1

    backend: PlaybackBackend
    if backend_name == "VLC":
        from emosign_desktop.media.vlc_playback import VlcPlayback

        backend = VlcPlayback(path, index, sink, lambda _j: done.set())
    else:
        backend = PyAVPlayback(path, index, sink, lambda _j: done.set())
    start = time.perf_counter()
    backend.start(0, 1.0)
    done.wait(index.duration * 3 + 10)
    wall = time.perf_counter() - start
    backend.close()
    st = backend.stats
    return {"shown": st.shown, "dropped": st.dropped, "wrong_index": wrong[0],
            "frames": index.frame_count, "wall_s": wall, "media_s": index.duration}


def run_paint(path: Path) -> dict:
    """Paint 1080p pictures into a 1280x720 player view, as RGB and as BGRA (what the player
    reads since it was measured here), the way a step repaints it."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from emosign_desktop.media.reader import VideoReader
    from emosign_desktop.ui.player.video_view import VideoView

    app = QApplication.instance() or QApplication([])
    view = VideoView()
    view.resize(1280, 720)
    view.show()
    app.processEvents()
    out = {}
    for pixels in ("rgb24", "bgra"):
        times = []
        with VideoReader(path, pixels=pixels) as reader:
            for i in range(100, 160):
                view.set_picture(i, reader.frame(i))
                start = time.perf_counter()
                view.repaint()
                times.append((time.perf_counter() - start) * 1000)
        out[pixels] = {"p50": pct(times, 50), "p95": pct(times, 95)}
    return out


def child(method: str, path: Path, frames: int, steps: int) -> None:
    if method == "paint":
        print(json.dumps(run_paint(path)))
        return
    if method.startswith("play "):
        out = run_playback(path, method.split()[1])
        out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(out))
        return
    runners = {
        "ours (steps at key-repeat pace, 30/s)": lambda: run_ours(path, frames, steps, True),
        "ours (steps back to back)": lambda: run_ours(path, frames, steps, False),
        "naive PyAV (seek + decode per request)": lambda: run_naive(path, frames, steps),
        "libVLC set_time (paused)": lambda: run_vlc(path, frames, steps, "set_time"),
        "libVLC next_frame": lambda: run_vlc(path, frames, steps, "next_frame"),
    }
    results = runners[method]()
    out = {"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    for kind, value in results.items():
        if isinstance(value, tuple):
            times, exact = value
            out[kind] = {"p50": pct(times, 50), "p95": pct(times, 95), "max": max(times),
                         "exact": exact, "n": len(times)}
        else:
            out[kind] = value
    print(json.dumps(out))


METHODS = ("ours (steps at key-repeat pace, 30/s)", "ours (steps back to back)",
           "naive PyAV (seek + decode per request)", "libVLC set_time (paused)",
           "libVLC next_frame")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=500)
    parser.add_argument("--steps", type=int, default=150)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--clip", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, Path(args.clip), args.frames, args.steps)
        return
    t0 = time.perf_counter()
    clip = make_clip(args.frames)
    print(f"clip: {clip.name}, {args.frames} frames 1920x1080 30 fps, GOP 250, 3 B-frames "
          f"({clip.stat().st_size / 1e6:.1f} MB; made in {time.perf_counter() - t0:.0f} s)\n")
    print("| method | forward p50 / p95 ms | backward p50 / p95 ms | random p50 / p95 ms "
          "| exact | peak RSS MB |")
    print("|---|---|---|---|---|---|")
    for method in METHODS:
        r = subprocess.run([sys.executable, __file__, "--child", method, "--clip", str(clip),
                            "--frames", str(args.frames), "--steps", str(args.steps)],
                           capture_output=True, text=True, timeout=1800)
        if r.returncode != 0:
            print(f"| {method} | failed: {r.stderr.strip().splitlines()[-1:]} |||||")
            continue
        res = json.loads(r.stdout.strip().splitlines()[-1])
        cells, exact, total = [], 0, 0
        for kind in ("forward", "backward", "random"):
            v = res[kind]
            if isinstance(v, str):
                cells.append(v)
                continue
            stalls = res.get(f"_{kind}_stalls")
            note = f" ({stalls} gave no picture within 1 s)" if stalls else ""
            cells.append(f"{v['p50']:.1f} / {v['p95']:.1f}{note}")
            exact += v["exact"]
            total += v["n"]
        cache = f" (frame cache {res['_cache_mb']:.0f} MB of 512)" if "_cache_mb" in res else ""
        print(f"| {method} | {' | '.join(cells)} | {exact}/{total} | "
              f"{res['peak_rss_mb']:.0f}{cache} |", flush=True)
    r = subprocess.run([sys.executable, __file__, "--child", "paint", "--clip", str(clip)],
                       capture_output=True, text=True, timeout=600)
    if r.returncode == 0:
        p = json.loads(r.stdout.strip().splitlines()[-1])
        print("\nrepainting the player view (1280x720) with a 1080p picture, p50 / p95 ms: "
              f"RGB {p['rgb24']['p50']:.1f} / {p['rgb24']['p95']:.1f}, "
              f"BGRA {p['bgra']['p50']:.1f} / {p['bgra']['p95']:.1f} (the player reads BGRA)")
    else:
        print(f"\nrepainting the player view: failed: {r.stderr.strip().splitlines()[-1:]}")
    print("\n| playback at 1.0x, 1080p30 | presented | dropped | presented frame not the one "
          "claimed | wall / media s | peak RSS MB |\n|---|---|---|---|---|---|")
    for backend in ("PyAV", "VLC"):
        r = subprocess.run([sys.executable, __file__, "--child", f"play {backend}", "--clip",
                            str(clip)], capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            print(f"| {backend} | failed: {r.stderr.strip().splitlines()[-1:]} |||||")
            continue
        p = json.loads(r.stdout.strip().splitlines()[-1])
        print(f"| {backend} | {p['shown']}/{p['frames']} | {p['dropped']} | {p['wrong_index']} "
              f"| {p['wall_s']:.1f} / {p['media_s']:.1f} | {p['peak_rss_mb']:.0f} |", flush=True)


if __name__ == "__main__":
    main()
