"""Landmark figures: MediaPipe Holistic extraction frames/s at 720p with 1 and 2 worker
processes side by side, overlay paint time per frame at 1080p, cache load time for a 5 s
clip.  Targets: 2 workers >= 1.6x one worker; overlay <= 3 ms per frame at 1080p.  And what
the face landmarker (blendshapes, head pose) costs: frames/s of Holistic alone (extraction
before it) and of Holistic + FaceLandmarker on the same decoded frames (extraction now) of
real clips, in one run, alternating, plus the whole extraction (:func:`extract`, cache
written) on them.

Run: ``make bench`` or ``python benchmarks/bench_landmarks.py`` (everything);
``python benchmarks/bench_landmarks.py face [FOLDER]`` (the face landmarker's cost only, on
the ``*.mp4`` in FOLDER, default /work/shared/data/realclips).  The 720p clips are the demo
clip of a signer (resources/demo, MIT) padded to 1280x720 and looped to 150 frames.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CLIPS, FRAMES, ROUNDS = 8, 150, 3
REAL_CLIPS = Path("/work/shared/data/realclips")
_APP = None


def make_720p_clips(folder: Path) -> list[Path]:
    import av

    from emosign_desktop.media.reader import VideoReader
    from emosign_desktop.resources import resource_dir

    with VideoReader(resource_dir() / "demo" / "pose_test_video.mp4") as reader:
        frames = [reader.frame(i) for i in range(reader.frame_count)]
    loop = frames + frames[::-1]
    paths = []
    for c in range(CLIPS):
        path = folder / f"signer_720p_{c}.mp4"
        with av.open(str(path), "w") as out:
            s = out.add_stream("libx264", rate=Fraction(30), options={"preset": "veryfast"})
            s.width, s.height, s.pix_fmt = 1280, 720, "yuv420p"
            for i in range(FRAMES):
                canvas = np.zeros((720, 1280, 3), np.uint8)
                canvas[:, 370:910] = loop[(i + 17 * c) % len(loop)]
                for p in s.encode(av.VideoFrame.from_ndarray(canvas, format="rgb24")):
                    out.mux(p)
            for p in s.encode():
                out.mux(p)
        paths.append(path)
    return paths


def extraction(paths: list[Path], workers: int, cache: Path) -> float:
    from emosign_desktop.landmarks.batch import Job, run
    from emosign_desktop.media.fingerprint import fingerprint

    os.environ["EMOSIGN_CACHE_DIR"] = str(cache)
    jobs = [Job(p.stem, p, fingerprint(p), FRAMES) for p in paths]
    start = time.perf_counter()
    result = run(jobs, workers)
    elapsed = time.perf_counter() - start
    assert not result.failed, result.failed
    return len(paths) * FRAMES / elapsed


def overlay_paint(track, mesh: bool) -> list[float]:
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QApplication

    from emosign_desktop.ui.player.overlay import LandmarkOverlay

    global _APP
    _APP = QApplication.instance() or QApplication([])
    image = QImage(1920, 1080, QImage.Format.Format_RGB32)
    overlay = LandmarkOverlay()
    overlay.track = track
    overlay.parts["mesh"] = mesh
    rect = QRectF(0, 0, 1920, 1080)
    times = []
    for i in range(300):
        painter = QPainter(image)
        start = time.perf_counter()
        overlay.paint(painter, rect, i % track.frame_count)
        painter.end()  # the drawing is finished (flushed into the image) here
        times.append((time.perf_counter() - start) * 1000)
    return times


def models_pass(path: Path, face: bool) -> tuple[int, float, float]:
    """One pass over every frame of ``path`` as extraction makes it (exact frames decoded,
    Holistic, and FaceLandmarker when ``face``), models loaded before the clock starts:
    (frames, seconds, seconds in FaceLandmarker)."""
    import mediapipe as mp

    from emosign_desktop.landmarks.extract import timestamps_ms
    from emosign_desktop.landmarks.face_model import detect_face, open_face_landmarker
    from emosign_desktop.media.fingerprint import fingerprint
    from emosign_desktop.media.frame_cache import FrameCache
    from emosign_desktop.media.frame_index import load_index
    from emosign_desktop.media.reader import VideoReader

    index = load_index(path, fingerprint(path))
    stamps = timestamps_ms([index.time_of(i) for i in range(index.frame_count)])
    holistic = mp.solutions.holistic.Holistic(static_image_mode=False, model_complexity=1,
                                              refine_face_landmarks=True)
    landmarker = open_face_landmarker() if face else None
    in_face = 0.0
    try:
        with VideoReader(path, index, FrameCache(64)) as reader:
            start = time.perf_counter()
            for i in range(index.frame_count):
                rgb = reader.frame(i)
                holistic.process(rgb)
                if landmarker is not None:
                    t = time.perf_counter()
                    detect_face(landmarker, rgb, stamps[i])
                    in_face += time.perf_counter() - t
            elapsed = time.perf_counter() - start
    finally:
        holistic.close()
        if landmarker is not None:
            landmarker.close()
    return index.frame_count, elapsed, in_face


def face_cost(folder: Path, rounds: int = ROUNDS) -> None:
    """Holistic alone against Holistic + FaceLandmarker on the clips of ``folder``."""
    from emosign_desktop.landmarks.extract import extract
    from emosign_desktop.media.frame_index import build_index

    clips = sorted(folder.glob("*.mp4"))
    if not clips:
        print(f"face landmarker cost: no clips in {folder}")
        return
    # rounds alternate which goes first, so a slow spell of a shared machine hits both
    seconds: dict[tuple[str, bool], list[float]] = {}
    face_s: dict[str, list[float]] = {}
    frames: dict[str, int] = {}
    for r in range(rounds):
        for clip in clips:
            for face in ((False, True) if r % 2 == 0 else (True, False)):
                n, s, f = models_pass(clip, face)
                frames[clip.stem] = n
                seconds.setdefault((clip.stem, face), []).append(s)
                if face:
                    face_s.setdefault(clip.stem, []).append(f)
        print(f"round {r + 1} of {rounds} done", file=sys.stderr, flush=True)
    whole: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["EMOSIGN_CACHE_DIR"] = tmp
        for clip in clips:
            build_index(clip)  # not timed: extraction finds it made when a video is added
            start = time.perf_counter()
            extract(clip)
            whole[clip.stem] = time.perf_counter() - start
    print(f"\nface landmarker's cost on {len(clips)} clips of {folder} (exact frames decoded "
          f"in each pass; models loaded before the clock; median of {rounds} alternating "
          "rounds; 'extract()' is one whole extraction, models loading and cache written):\n")
    print("| clip | frames | Holistic alone, frames/s | Holistic + FaceLandmarker, frames/s "
          "| FaceLandmarker, ms/frame | extract(), frames/s |")
    print("|---|---|---|---|---|---|")
    totals = [0, 0.0, 0.0, 0.0, 0.0]
    for clip in clips:
        n = frames[clip.stem]
        alone = statistics.median(seconds[(clip.stem, False)])
        both = statistics.median(seconds[(clip.stem, True)])
        face_ms = statistics.median(face_s[clip.stem]) / n * 1000
        print(f"| {clip.stem} | {n} | {n / alone:.1f} | {n / both:.1f} | {face_ms:.1f} | "
              f"{n / whole[clip.stem]:.1f} |")
        for k, v in enumerate((n, alone, both, face_ms * n / 1000, whole[clip.stem])):
            totals[k] += v
    n = int(totals[0])
    print(f"| all | {n} | {n / totals[1]:.1f} | {n / totals[2]:.1f} | "
          f"{totals[3] / n * 1000:.1f} | {n / totals[4]:.1f} |")
    print(f"\nHolistic + FaceLandmarker / Holistic alone: {totals[1] / totals[2]:.2f}x the "
          "frames/s")


def main() -> None:
    if sys.argv[1:2] == ["face"]:
        face_cost(Path(sys.argv[2]) if len(sys.argv) > 2 else REAL_CLIPS)
        return
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        paths = make_720p_clips(tmp_path)
        # alternate 1 and 2 workers, so a slow spell of a shared machine hits both alike
        rates: dict[int, list[float]] = {1: [], 2: []}
        for r in range(ROUNDS):
            for workers in (1, 2):
                rates[workers].append(extraction(paths, workers, tmp_path / f"c{workers}{r}"))
        one, two = (statistics.median(rates[w]) for w in (1, 2))
        print(f"extraction at 1280x720, {CLIPS} clips x {FRAMES} frames, worker start-up "
              f"included; median of {ROUNDS} alternating rounds (each round's figure):")
        print("| workers | frames/s |\n|---|---|")
        for w, med in ((1, one), (2, two)):
            each = ", ".join(f"{x:.1f}" for x in rates[w])
            print(f"| {w} | {med:.1f} ({each}) |")
        ratios = ", ".join(f"{b / a:.2f}" for a, b in zip(rates[1], rates[2], strict=True))
        print(f"\n2 workers / 1 worker: {two / one:.2f}x (per round: {ratios})\n")

        from emosign_desktop.landmarks.track import LandmarkTrack, load_cached
        from emosign_desktop.media.fingerprint import fingerprint

        os.environ["EMOSIGN_CACHE_DIR"] = str(tmp_path / "c10")
        track = load_cached(fingerprint(paths[0]))
        assert track is not None
        for mesh in (False, True):
            ms = overlay_paint(track, mesh)
            what = "contours + hands + upper body" + (" + full mesh" if mesh else "")
            print(f"overlay paint at 1920x1080 ({what}): p50 {statistics.median(ms):.2f} ms, "
                  f"p95 {sorted(ms)[int(0.95 * len(ms))]:.2f} ms")
        five_s = tmp_path / "five_seconds.npz"
        track.save(five_s)  # 150 frames = 5 s at 30 fps
        loads = []
        for _ in range(20):
            start = time.perf_counter()
            LandmarkTrack.load(five_s)
            loads.append((time.perf_counter() - start) * 1000)
        print(f"\ncache load of a 5 s clip ({FRAMES} frames, {five_s.stat().st_size / 1e3:.0f} "
              f"kB): median {statistics.median(loads):.1f} ms, max {max(loads):.1f} ms")
    if REAL_CLIPS.is_dir():
        face_cost(REAL_CLIPS)


if __name__ == "__main__":
    main()
