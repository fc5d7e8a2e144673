"""What accepting or rejecting a cue proposal costs, with the signals kept per video and, in
the same run, computed afresh each time (the path before the cache).

A throwaway project gets one video of ``--frames`` frames (3,000 by default, two minutes at
25 fps) with a synthetic landmark file as MediaPipe writes it (every point jittering by a
pixel or so, so the file is as large as a real one; brows raised for 0.8 s every 2.4 s), and
an annotator.  One decision is what the app does for an accept or a reject: the write
(``accept_proposal`` / ``reject_proposal``) and then the proposals for that video again
(``propose_for``, which the Cue proposals controller calls after every change of its
video).  Printed: median and worst time of ``--rounds`` decisions of each kind, cached
and afresh, and how many proposals there were.

Run: ``python benchmarks/bench_proposals_accept.py [--frames 3000] [--rounds 10]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

W, H, FPS = 1280, 720, 25.0


def _track(frames: int):  # type: ignore[no-untyped-def]
    """A front-facing signer whose every point jitters, brows raised every 2.4 s."""
    import numpy as np

    from emosign_desktop.landmarks import signals as s
    from emosign_desktop.landmarks.track import LandmarkTrack

    rng = np.random.default_rng(7)
    t = LandmarkTrack.empty(frames, W, H, FPS)
    face = np.zeros((478, 3))
    face[:, 0] = rng.uniform(560, 720, 478)
    face[:, 1] = rng.uniform(200, 400, 478)
    face[s.EYE_OUTER_R], face[s.EYE_OUTER_L] = (580, 300, 0), (700, 300, 0)
    face[s.FOREHEAD], face[s.CHIN] = (640, 180, 0), (640, 420, 0)
    t.face[:] = (face / [W, H, W])[None] + rng.normal(0, 1.0, (frames, 478, 3)) / W
    for start in range(30, frames - 20, 60):
        for i in (*s.BROW_R, *s.BROW_L):
            t.face[start:start + 20, i, 1] -= 12 / H
    pose = np.zeros((33, 4))
    pose[:, :2] = (640, 500)
    pose[:, 3] = 1
    pose[s.SHOULDER_L], pose[s.SHOULDER_R] = (800, 520, 0, 1), (480, 520, 0, 1)
    t.pose[:] = (pose / [W, H, W, 1])[None] + rng.normal(0, 1.0, (frames, 33, 4)) / W * [
        1, 1, 1, 0]
    for hand in (t.left_hand, t.right_hand):
        hand[:] = rng.uniform(0.3, 0.7, (21, 3))[None] + rng.normal(0, 2.0, (frames, 21, 3)) / W
    return t


def _timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--frames", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=10)
    args = ap.parse_args()
    base = Path(tempfile.mkdtemp(prefix="emosign-accept-"))
    os.environ["EMOSIGN_CACHE_DIR"] = str(base / "cache")

    from emosign_desktop.core.changeset import ChangeSet, VideoEdit
    from emosign_desktop.core.model import Video, VideoId
    from emosign_desktop.landmarks.track import cache_path
    from emosign_desktop.services.proposing import (
        accept_proposal,
        forget_computed,
        propose_for,
        reject_proposal,
    )
    from emosign_desktop.services.session import create_session

    fingerprint = "sha256:bench-accept"
    path = cache_path(fingerprint)
    path.parent.mkdir(parents=True, exist_ok=True)
    _track(args.frames).save(path)
    folder = base / "project"
    folder.mkdir()
    session = create_session(folder)
    session.writer.run("add video", lambda repo: ChangeSet(videos=(VideoEdit(None, Video(
        VideoId(repo.next_id("video")), "clip", None, fingerprint)),)))
    video = propose_for(session, ["clip"]).videos[0].video
    print(f"{args.frames} frames, landmark file {path.stat().st_size / 1e6:.1f} MB")

    def decide(kind: str, afresh: bool) -> float:
        """One accept or reject and the proposals again, as the controller does."""
        proposals = propose_for(session, ["clip"]).videos[0].proposals
        if not proposals:
            raise SystemExit("no proposals left: use fewer --rounds or more --frames")
        p = proposals[0]
        if afresh:
            forget_computed()

        def once() -> None:
            if kind == "accept":
                accept_proposal(session.editing, video, p, "bench")
            else:
                reject_proposal(session, video, p)
            propose_for(session, ["clip"])

        return _timed(once)

    first = propose_for(session, ["clip"]).videos[0].proposals
    print(f"{len(first)} proposals on the clip")
    results: dict[tuple[str, bool], list[float]] = {}
    for i in range(args.rounds):  # interleaved, so both paths see the same project sizes
        for kind in ("accept", "reject"):
            for afresh in (i % 2 == 0, i % 2 == 1):
                results.setdefault((kind, afresh), []).append(decide(kind, afresh))
    for (kind, afresh), times in sorted(results.items()):
        how = "afresh (before)" if afresh else "cached (after) "
        print(f"  {kind:6s} {how}: median {1000 * statistics.median(times):6.1f} ms, "
              f"worst {1000 * max(times):6.1f} ms over {len(times)}")
    session.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
