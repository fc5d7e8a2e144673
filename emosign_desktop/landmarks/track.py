"""A video's landmarks, one row per frame (row i belongs to frame i), and their cache.

Coordinates are MediaPipe's: x and y in 0..1 of the picture as shown (rotation applied), z
relative depth on the scale of x; missing parts are NaN.  Stored as float16 in a compressed
``.npz`` keyed by the video's content fingerprint and the model, apart from the labels.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

#: Changes whenever the model or its settings change: old caches are then not used.
MODEL_KEY = "mediapipe-0.10.21-holistic-c1-refine"
FACE_POINTS, HAND_POINTS, POSE_POINTS = 478, 21, 33
PARTS = ("face", "left_hand", "right_hand", "pose")


@dataclass(eq=False)
class LandmarkTrack:
    """Landmarks of every frame of one video."""

    face: NDArray[Any]  # (n, 478, 3)
    left_hand: NDArray[Any]  # (n, 21, 3): the signer's left hand
    right_hand: NDArray[Any]  # (n, 21, 3)
    pose: NDArray[Any]  # (n, 33, 4): x, y, z, visibility
    width: int  # picture size as shown
    height: int
    fps: float
    model: str = MODEL_KEY
    edges: dict[str, NDArray[Any]] | None = None  # part -> (k, 2) point pairs to draw

    @classmethod
    def empty(cls, frames: int, width: int, height: int, fps: float) -> LandmarkTrack:
        nan = np.float32(np.nan)
        return cls(np.full((frames, FACE_POINTS, 3), nan, np.float32),
                   np.full((frames, HAND_POINTS, 3), nan, np.float32),
                   np.full((frames, HAND_POINTS, 3), nan, np.float32),
                   np.full((frames, POSE_POINTS, 4), nan, np.float32), width, height, fps)

    @property
    def frame_count(self) -> int:
        return len(self.face)

    def present(self, part: str) -> NDArray[Any]:
        """Per frame: was ``part`` found?"""
        found: NDArray[Any] = ~np.isnan(getattr(self, part)[:, 0, 0])
        return found

    def save(self, path: Path, frames_done: int | None = None) -> None:
        """Write atomically (``frames_done`` < frame count marks a partial run)."""
        done = self.frame_count if frames_done is None else frames_done
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp.npz")
        arrays = {f"edges_{k}": v for k, v in (self.edges or {}).items()}
        np.savez_compressed(
            tmp, model=self.model, size=np.array([self.width, self.height]), fps=self.fps,
            frames_done=done, face=self.face.astype(np.float16),
            left_hand=self.left_hand.astype(np.float16),
            right_hand=self.right_hand.astype(np.float16), pose=self.pose.astype(np.float16),
            **arrays)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> tuple[LandmarkTrack, int] | None:
        """The track and how many frames were done; None if absent, stale or damaged."""
        try:
            with np.load(path) as data:
                if str(data["model"]) != MODEL_KEY:
                    return None
                w, h = (int(x) for x in data["size"])
                edges = {k[6:]: data[k] for k in data.files if k.startswith("edges_")}
                face, left_hand, right_hand, pose = (data[p].astype(np.float32)
                                                     for p in PARTS)
                track = cls(face, left_hand, right_hand, pose, w, h, float(data["fps"]),
                            MODEL_KEY, edges or None)
                return track, int(data["frames_done"])
        except (OSError, KeyError, ValueError, EOFError):
            return None


def landmark_cache_dir() -> Path:
    """Where landmarks are kept."""
    from emosign_desktop.resources import user_cache_dir

    return user_cache_dir("landmarks")


def cache_path(fingerprint: str) -> Path:
    """The cache file of a video with this fingerprint (for the current model)."""
    return landmark_cache_dir() / f"{fingerprint.replace(':', '-')}.{MODEL_KEY}.npz"


def load_cached(fingerprint: str) -> LandmarkTrack | None:
    """The complete cached track of a video, if there is one."""
    found = LandmarkTrack.load(cache_path(fingerprint))
    if found is None or found[1] < found[0].frame_count:
        return None
    return found[0]
