"""Merge and agreement figures: merging generated annotator packs (3 annotators x 200 videos,
and 100 annotators x 10,000 videos) into a new project, and agreement over the latter.
Targets: < 1 s and < 60 s.  Run: ``make bench`` or ``python benchmarks/bench_merge.py``."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from emosign_desktop.core.packs import AnnotatorPack, PackAnnotation, PackVideo  # noqa: E402
from emosign_desktop.core.schema import EMOSIGN_SCHEMA  # noqa: E402
from emosign_desktop.io.packs import write_pack  # noqa: E402
from emosign_desktop.services.agreement import agreement_report  # noqa: E402
from emosign_desktop.services.packs import merge_pack_files  # noqa: E402
from emosign_desktop.services.session import create_session  # noqa: E402


def make_packs(folder: Path, annotators: int, videos: int, seed: int = 0) -> list[Path]:
    """Packs where annotators agree with a hidden truth about 70% of the time."""
    rng = np.random.default_rng(seed)
    keys = EMOSIGN_SCHEMA.emotion_keys
    truth_s = rng.integers(-3, 4, videos)
    truth_e = rng.integers(0, 4, (videos, len(keys)))
    vids = tuple(PackVideo(f"video_{i:05d}", f"b2:{i:040x}", 30.0, 150) for i in range(videos))
    paths = []
    for a in range(annotators):
        noisy = rng.random((videos, len(keys) + 1)) > 0.7
        s = np.where(noisy[:, 0], rng.integers(-3, 4, videos), truth_s)
        e = np.where(noisy[:, 1:], rng.integers(0, 4, (videos, len(keys))), truth_e)
        conf = rng.integers(20, 100, (videos, 2))
        anns = tuple(
            PackAnnotation(vids[i].name, {
                "sentiment": int(s[i]), "sentiment_confidence": int(conf[i, 0]),
                "emotion_confidence": int(conf[i, 1]), "cues": "furrowed brows, faster signs",
                **{k: int(e[i, j]) for j, k in enumerate(keys)}},
                "2026-11-27T01:00:00.000+00:00", "2026-11-27T01:30:00.000+00:00")
            for i in range(videos))
        pack = AnnotatorPack(f"annotator-{a + 1:03d}", EMOSIGN_SCHEMA, f"laptop-{a}", "bench",
                             "2026-11-27T02:00:00.000+00:00", vids, anns)
        path = folder / f"annotator-{a + 1:03d}.json"
        write_pack(pack, path)
        paths.append(path)
    return paths


def run(folder: Path, annotators: int, videos: int, with_agreement: bool) -> None:
    t0 = time.perf_counter()
    packs = make_packs(folder, annotators, videos)
    made = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in packs) / 1e6
    with create_session(folder / "project", undo=True) as project:  # as the app merges
        t0 = time.perf_counter()
        summaries = merge_pack_files(project.writer, packs)
        merge_s = time.perf_counter() - t0
        added = sum(s.added for s in summaries)
        stack = project.writer.undo_stack
        assert stack is not None
        undo = stack.undo_label or f"none ({stack.cleared})"
        t0 = time.perf_counter()
        again = merge_pack_files(project.writer, packs[:1])
        again_s = time.perf_counter() - t0
        print(f"| {annotators} x {videos:,} | {size:.0f} MB of packs (made in {made:.0f} s) | "
              f"{merge_s:.2f} s ({added:,} annotations) | re-merge of one pack "
              f"{again_s * 1000:.0f} ms, changed nothing: {again[0].already_merged} | "
              f"{undo} |", flush=True)
        if with_agreement:
            t0 = time.perf_counter()
            report = agreement_report(project, "ordinal")
            agree_s = time.perf_counter() - t0
            alphas = [v["alpha"] for v in report["labels"].values()]
            print(f"\nagreement over {annotators} x {videos:,} (ordinal, 11 labels + tiers, "
                  f"videos ranked): {agree_s:.1f} s; alpha Sentiment "
                  f"{alphas[0]:.3f}, average {report['average']:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--large-annotators", type=int, default=100)
    parser.add_argument("--large-videos", type=int, default=10_000)
    args = parser.parse_args()
    print("| packs | input | merge (one transaction) | again | undo step |\n"
          "|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "small"
        small.mkdir()
        run(small, 3, 200, False)
        large = Path(tmp) / "large"
        large.mkdir()
        run(large, args.large_annotators, args.large_videos, True)


if __name__ == "__main__":
    main()
