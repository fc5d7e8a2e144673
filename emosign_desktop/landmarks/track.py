"""A video's landmarks, one row per frame (row i belongs to frame i), and their cache.

Coordinates are MediaPipe's: x and y in 0..1 of the picture as shown (rotation applied), z
relative depth on the scale of x; missing parts are NaN.  Beside them, from MediaPipe's
FaceLandmarker on the same frames: the face's 52 blendshape scores (0..1, in
:data:`BLENDSHAPES` order) and its 4x4 transformation matrix (rotation, and translation in
cm), NaN where no face was found.  Stored in a compressed ``.npz`` keyed by the video's
content fingerprint and the model: the points as float16 (0..1 in steps of at most 1/2000,
finer than MediaPipe's jitter), the blendshapes and the matrix as float32: float16 would step
by 1/4000 to 1/2000 between scores of 0.25 and 1 (steps a threshold relative to a quiet
signer's spread about a resting brow score of 0.45 could feel) and by 0.03 cm at a
translation of 50 cm, and float32 costs 272 bytes a frame beside the points' 3,384 (before
compression).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

#: Changes whenever the model or its settings change: old caches are then not used.
MODEL_KEY = "mediapipe-0.10.21-holistic-c1-refine+face-landmarker-v2-bs"
#: Earlier keys whose files hold the same Holistic points but no face blendshapes: shown
#: (overlay, old signals) until the video is extracted again, never used for the new signals.
OUTDATED_KEYS = ("mediapipe-0.10.21-holistic-c1-refine",)
FACE_POINTS, HAND_POINTS, POSE_POINTS = 478, 21, 33
PARTS = ("face", "left_hand", "right_hand", "pose")
#: MediaPipe FaceLandmarker's 52 blendshapes, in the order of its result (``_neutral`` first).
BLENDSHAPES: tuple[str, ...] = (
    "_neutral", "browDownLeft", "browDownRight", "browInnerUp", "browOuterUpLeft",
    "browOuterUpRight", "cheekPuff", "cheekSquintLeft", "cheekSquintRight", "eyeBlinkLeft",
    "eyeBlinkRight", "eyeLookDownLeft", "eyeLookDownRight", "eyeLookInLeft", "eyeLookInRight",
    "eyeLookOutLeft", "eyeLookOutRight", "eyeLookUpLeft", "eyeLookUpRight", "eyeSquintLeft",
    "eyeSquintRight", "eyeWideLeft", "eyeWideRight", "jawForward", "jawLeft", "jawOpen",
    "jawRight", "mouthClose", "mouthDimpleLeft", "mouthDimpleRight", "mouthFrownLeft",
    "mouthFrownRight", "mouthFunnel", "mouthLeft", "mouthLowerDownLeft", "mouthLowerDownRight",
    "mouthPressLeft", "mouthPressRight", "mouthPucker", "mouthRight", "mouthRollLower",
    "mouthRollUpper", "mouthShrugLower", "mouthShrugUpper", "mouthSmileLeft", "mouthSmileRight",
    "mouthStretchLeft", "mouthStretchRight", "mouthUpperUpLeft", "mouthUpperUpRight",
    "noseSneerLeft", "noseSneerRight",
)
#: What a panel or command says of a video whose only landmarks are of an earlier version.
OUTDATED_TEXT = ("landmarks of this video were extracted by an earlier version without face "
                 "blendshapes: extract again")


def _no_array() -> NDArray[Any]:
    return np.empty((0,), np.float32)


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
    #: (n, 52) float32 blendshape scores in BLENDSHAPES order; NaN rows: no face (left out:
    #: all NaN)
    blendshapes: NDArray[Any] = field(default_factory=_no_array)
    #: (n, 4, 4) float32 facial transformation matrix; NaN: no face (left out: all NaN)
    face_matrix: NDArray[Any] = field(default_factory=_no_array)

    def __post_init__(self) -> None:
        n = len(self.face)
        if self.blendshapes.size == 0 and self.blendshapes.ndim == 1:  # left out
            self.blendshapes = np.full((n, len(BLENDSHAPES)), np.nan, np.float32)
        if self.face_matrix.size == 0 and self.face_matrix.ndim == 1:
            self.face_matrix = np.full((n, 4, 4), np.nan, np.float32)
        if self.blendshapes.shape != (n, len(BLENDSHAPES)) or self.face_matrix.shape != (
                n, 4, 4):
            raise ValueError(f"face scores of {self.blendshapes.shape} and matrices of "
                             f"{self.face_matrix.shape} for {n} frames")

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

    @property
    def outdated(self) -> bool:
        """Read from a file of an earlier version (no face blendshapes)."""
        return self.model != MODEL_KEY

    def present(self, part: str) -> NDArray[Any]:
        """Per frame: was ``part`` found?"""
        found: NDArray[Any] = ~np.isnan(getattr(self, part)[:, 0, 0])
        return found

    def has_blendshapes(self) -> NDArray[Any]:
        """Per frame: did FaceLandmarker find the face (blendshapes and matrix)?"""
        found: NDArray[Any] = ~np.isnan(self.blendshapes[:, 0])
        return found

    def save(self, path: Path, frames_done: int | None = None) -> None:
        """Write atomically (``frames_done`` < frame count marks a partial run)."""
        done = self.frame_count if frames_done is None else frames_done
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp.npz")
        arrays: dict[str, Any] = {
            "model": self.model, "size": np.array([self.width, self.height]), "fps": self.fps,
            "frames_done": done, "face": self.face.astype(np.float16),
            "left_hand": self.left_hand.astype(np.float16),
            "right_hand": self.right_hand.astype(np.float16),
            "pose": self.pose.astype(np.float16),
            "blendshapes": self.blendshapes.astype(np.float32),
            "face_matrix": self.face_matrix.astype(np.float32),
            **{f"edges_{k}": v for k, v in (self.edges or {}).items()}}
        np.savez_compressed(tmp, **arrays)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path, model: str = MODEL_KEY) -> tuple[LandmarkTrack, int] | None:
        """The track and how many frames were done; None if absent, stale or damaged.

        ``model`` is the key the file must have: an earlier one (:data:`OUTDATED_KEYS`)
        reads a file without blendshapes (they are NaN)."""
        try:
            with np.load(path) as data:
                if str(data["model"]) != model:
                    return None
                w, h = (int(x) for x in data["size"])
                edges = {k[6:]: data[k] for k in data.files if k.startswith("edges_")}
                face, left_hand, right_hand, pose = (data[p].astype(np.float32)
                                                     for p in PARTS)
                scores = (data["blendshapes"].astype(np.float32),
                          data["face_matrix"].astype(np.float32)) if model == MODEL_KEY \
                    else (_no_array(), _no_array())  # an earlier version's: none
                track = cls(face, left_hand, right_hand, pose, w, h, float(data["fps"]),
                            model, edges or None, *scores)
                return track, int(data["frames_done"])
        except (OSError, KeyError, ValueError, EOFError):
            return None


def landmark_cache_dir() -> Path:
    """Where landmarks are kept."""
    from emosign_desktop.resources import user_cache_dir

    return user_cache_dir("landmarks")


def cache_path(fingerprint: str, model: str = MODEL_KEY) -> Path:
    """The cache file of a video with this fingerprint (for the current model, or ``model``)."""
    return landmark_cache_dir() / f"{fingerprint.replace(':', '-')}.{model}.npz"


def load_cached(fingerprint: str) -> LandmarkTrack | None:
    """The complete cached track of a video, if there is one."""
    found = LandmarkTrack.load(cache_path(fingerprint))
    if found is None or found[1] < found[0].frame_count:
        return None
    return found[0]


def load_outdated(fingerprint: str) -> LandmarkTrack | None:
    """The complete track of an earlier version (no blendshapes: ``track.outdated``) of a
    video that has none of the current one, if there is one."""
    for key in OUTDATED_KEYS:
        found = LandmarkTrack.load(cache_path(fingerprint, key), key)
        if found is not None and found[1] >= found[0].frame_count:
            return found[0]
    return None


def has_outdated(fingerprint: str) -> bool:
    """Is there a landmark file of an earlier version for this video?  (Only whether the
    file is there: cheap enough for a list of videos.)"""
    return any(cache_path(fingerprint, key).is_file() for key in OUTDATED_KEYS)


def remove_outdated(fingerprint: str) -> None:
    """Delete the earlier versions' files of a video (once its current one is complete)."""
    for key in OUTDATED_KEYS:
        cache_path(fingerprint, key).unlink(missing_ok=True)
