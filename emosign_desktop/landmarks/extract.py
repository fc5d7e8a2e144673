"""MediaPipe Holistic and FaceLandmarker on the exact frames of the media engine (offline:
the 0.10.21 wheel carries Holistic's models, ``resources/models`` the face landmarker's).
Both see the very same RGB picture of each frame; runs frame by frame in order,
checkpointing so a killed run resumes."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from emosign_desktop.landmarks.track import LandmarkTrack, cache_path, remove_outdated
from emosign_desktop.media.decoder import cores
from emosign_desktop.media.fingerprint import fingerprint as compute_fingerprint
from emosign_desktop.media.frame_cache import FrameCache
from emosign_desktop.media.frame_index import load_index
from emosign_desktop.media.reader import VideoReader

CHECKPOINT_FRAMES = 300
Progress = Callable[[int, int], None]  # frames done, frames in all


class ExtractionStopped(Exception):
    """Raised by a progress callback to stop a run on purpose: :func:`extract` keeps the
    frames done so far as a checkpoint (the next run resumes there) and raises it again."""

    def __init__(self, frames_done: int = 0, frames: int = 0) -> None:
        super().__init__(f"stopped at frame {frames_done} of {frames}")
        self.frames_done, self.frames = frames_done, frames


def drawing_edges() -> dict[str, NDArray[Any]]:
    """Which points to join when drawing, from MediaPipe's own connection sets."""
    from mediapipe.python.solutions import face_mesh_connections as face
    from mediapipe.python.solutions import hands_connections as hands
    from mediapipe.python.solutions import pose_connections as pose

    def arr(pairs: frozenset[tuple[int, int]]) -> NDArray[Any]:
        return np.array(sorted(pairs), dtype=np.int16)

    upper_body = frozenset((a, b) for a, b in pose.POSE_CONNECTIONS if a <= 24 and b <= 24)
    return {
        "face_brows": arr(face.FACEMESH_LEFT_EYEBROW | face.FACEMESH_RIGHT_EYEBROW),
        "face_eyes": arr(face.FACEMESH_LEFT_EYE | face.FACEMESH_RIGHT_EYE
                         | face.FACEMESH_LEFT_IRIS | face.FACEMESH_RIGHT_IRIS),
        "face_lips": arr(face.FACEMESH_LIPS),
        "face_oval": arr(face.FACEMESH_FACE_OVAL),
        "face_mesh": arr(face.FACEMESH_TESSELATION),
        "hand": arr(hands.HAND_CONNECTIONS),
        "pose": arr(upper_body),
    }


def _points(landmarks: Any, n: int, with_visibility: bool = False) -> NDArray[Any] | None:
    if landmarks is None:
        return None
    cols = 4 if with_visibility else 3
    out = np.empty((n, cols), np.float32)
    for i, p in enumerate(landmarks.landmark[:n]):
        out[i, :3] = (p.x, p.y, p.z)
        if with_visibility:
            out[i, 3] = p.visibility
    return out


def _face_scores(result: Any) -> tuple[NDArray[Any], NDArray[Any]] | None:
    """The 52 blendshape scores and the 4x4 matrix of FaceLandmarker's first face, if any."""
    if not result.face_blendshapes or not result.facial_transformation_matrixes:
        return None
    scores = np.array([c.score for c in result.face_blendshapes[0]], np.float32)
    matrix = np.asarray(result.facial_transformation_matrixes[0], np.float32).reshape(4, 4)
    return scores, matrix


def _record(track: LandmarkTrack, i: int, holistic: Any, face: Any) -> None:
    """Put what Holistic and FaceLandmarker found on frame ``i`` in row ``i``."""
    for name, lms, n, vis in (("face", holistic.face_landmarks, 478, False),
                              ("left_hand", holistic.left_hand_landmarks, 21, False),
                              ("right_hand", holistic.right_hand_landmarks, 21, False),
                              ("pose", holistic.pose_landmarks, 33, True)):
        pts = _points(lms, n, vis)
        if pts is not None:
            getattr(track, name)[i] = pts
    scores = _face_scores(face)
    if scores is not None:
        track.blendshapes[i], track.face_matrix[i] = scores


def timestamps_ms(times_s: list[float], after: int = -1) -> list[int]:
    """Frame times in whole ms for FaceLandmarker's VIDEO mode, strictly increasing (a
    frame less than 1 ms after the last gets the last + 1); ``after`` is the last given."""
    out = []
    for t in times_s:
        after = max(after + 1, round(t * 1000))
        out.append(after)
    return out


def extract(path: str | Path, fingerprint: str | None = None, *,
            progress: Progress | None = None, force: bool = False,
            target: Path | None = None) -> LandmarkTrack:
    """Landmarks of every frame of ``path``, from the cache when done before.

    Resumes a run that was killed (from its last checkpoint), or stopped by ``progress``
    raising :class:`ExtractionStopped` (from the frame it stopped at).  ``target`` is the
    cache file to use instead of the user's (a cluster worker's private one).  Once the
    user's cache file is complete, the video's files of earlier versions are deleted (until
    then they stay: a stopped run loses nothing usable).
    """
    import mediapipe as mp

    from emosign_desktop.landmarks.face_model import detect_face, open_face_landmarker

    path = Path(path)
    fp = fingerprint or compute_fingerprint(path)
    own_cache = target is None
    target = target or cache_path(fp)
    target.parent.mkdir(parents=True, exist_ok=True)
    index = load_index(path, fp)
    width, height = index.display_size
    start = 0
    found = None if force else LandmarkTrack.load(target)
    if found is not None and found[0].frame_count == index.frame_count:
        track, start = found
        if start >= index.frame_count:
            if progress:
                progress(start, index.frame_count)
            if own_cache:
                remove_outdated(fp)
            return track
    else:
        track = LandmarkTrack.empty(index.frame_count, width, height, index.fps)
    track.edges = drawing_edges()
    # the frames' own times (a variable rate stays true), from where this run starts: one
    # landmarker per run, so a resumed run's times need only increase from there
    stamps = timestamps_ms([index.time_of(i) for i in range(start, index.frame_count)])
    face_landmarker = open_face_landmarker()  # checks the model file first
    holistic = None
    last_save = time.monotonic()
    try:
        holistic = mp.solutions.holistic.Holistic(static_image_mode=False, model_complexity=1,
                                                  refine_face_landmarks=True)
        # a worker pinned to one core decodes on that core alone: frame threads would only
        # take turns with MediaPipe's own
        with VideoReader(path, index, FrameCache(64), threads=cores() > 1) as reader:
            for i in range(start, index.frame_count):
                rgb = reader.frame(i)  # RGB, rotation applied: the picture as shown
                _record(track, i, holistic.process(rgb),
                        detect_face(face_landmarker, rgb, stamps[i - start]))
                if progress:
                    try:
                        progress(i + 1, index.frame_count)
                    except ExtractionStopped:
                        track.save(target, frames_done=i + 1)
                        raise ExtractionStopped(i + 1, index.frame_count) from None
                if (i + 1) % CHECKPOINT_FRAMES == 0 or time.monotonic() - last_save > 30:
                    track.save(target, frames_done=i + 1)
                    last_save = time.monotonic()
    finally:
        if holistic is not None:
            holistic.close()
        face_landmarker.close()
    track.save(target)
    if own_cache:
        remove_outdated(fp)
    return track
