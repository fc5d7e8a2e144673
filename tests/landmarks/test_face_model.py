"""The face landmarker model that ships in resources/models/: checked before use (a missing,
truncated or changed file is named with its problem), and it runs in VIDEO mode."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.landmarks.face_model import (
    FACE_MODEL_BYTES,
    FACE_MODEL_FILE,
    FACE_MODEL_SHA256,
    FaceModelError,
    check_face_model,
    detect_face,
    face_model_path,
    open_face_landmarker,
)
from emosign_desktop.resources import resource_dir

SHIPPED = Path(__file__).resolve().parents[2] / "resources" / "models" / FACE_MODEL_FILE


@pytest.fixture
def resources_copy(tmp_path, monkeypatch) -> Path:
    """A resources/ folder of the test's own, with a copy of the model, used by the app."""
    models = tmp_path / "resources" / "models"
    models.mkdir(parents=True)
    shutil.copyfile(SHIPPED, models / FACE_MODEL_FILE)
    monkeypatch.setenv("EMOSIGN_RESOURCES", str(tmp_path / "resources"))
    return models / FACE_MODEL_FILE


def test_the_shipped_file_is_the_one_named_and_passes():
    data = SHIPPED.read_bytes()
    assert len(data) == FACE_MODEL_BYTES == 3_758_596
    assert hashlib.sha256(data).hexdigest() == FACE_MODEL_SHA256
    assert FACE_MODEL_SHA256.startswith("64184e22")
    assert check_face_model(SHIPPED) == SHIPPED


def test_the_path_follows_the_resources_folder(resources_copy):
    assert face_model_path() == resource_dir() / "models" / FACE_MODEL_FILE == resources_copy
    assert check_face_model() == resources_copy


def test_a_missing_model_is_named(resources_copy):
    resources_copy.unlink()
    with pytest.raises(FaceModelError) as caught:
        check_face_model()
    message = str(caught.value)
    assert isinstance(caught.value, EmoSignError)
    assert message.startswith(f"{resources_copy}: ") and "missing" in message
    assert len(message.splitlines()) == 1


def test_a_changed_byte_is_named_with_its_sha256(resources_copy):
    data = bytearray(resources_copy.read_bytes())
    data[len(data) // 2] ^= 0x01
    resources_copy.write_bytes(bytes(data))
    with pytest.raises(FaceModelError) as caught:
        check_face_model()
    message = str(caught.value)
    found = hashlib.sha256(data).hexdigest()
    assert message.startswith(f"{resources_copy}: ")
    assert f"sha256 {found[:16]}" in message and FACE_MODEL_SHA256[:16] in message
    assert len(message.splitlines()) == 1


def test_a_truncated_model_is_named_with_its_size(resources_copy):
    with resources_copy.open("r+b") as fh:
        fh.truncate(1000)
    with pytest.raises(FaceModelError, match=r"is 1000 bytes, not 3758596"):
        check_face_model(resources_copy)


def test_a_folder_in_its_place_is_named(resources_copy):
    resources_copy.unlink()
    resources_copy.mkdir()
    with pytest.raises(FaceModelError, match="not a file"):
        check_face_model()


def test_a_changed_model_is_refused_before_mediapipe_loads_it(resources_copy):
    resources_copy.write_bytes(b"\0" * FACE_MODEL_BYTES)
    with pytest.raises(FaceModelError, match="sha256"):
        open_face_landmarker()


def test_importing_it_loads_no_mediapipe():
    code = ("import sys, emosign_desktop.landmarks.face_model as m; "
            "print(m.FACE_MODEL_FILE, 'mediapipe' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.split() == [FACE_MODEL_FILE, "False"]


def test_it_runs_in_video_mode_on_a_plain_frame_and_on_a_face():
    """No face on a grey frame; on frame 0 of a demo clip the face, MediaPipe's 52
    blendshapes in their order and a finite 4x4 head matrix."""
    from emosign_desktop.media.frame_index import build_index
    from emosign_desktop.media.reader import VideoReader

    clip = resource_dir() / "demo" / "pose_test_video.mp4"
    with VideoReader(clip, build_index(clip)) as reader:
        frame = np.array(reader.frame(0))
    with open_face_landmarker() as landmarker:
        grey = detect_face(landmarker, np.full((240, 320, 3), 128, np.uint8), 0)
        face = detect_face(landmarker, frame, 33)
    assert grey.face_blendshapes == [] and grey.facial_transformation_matrixes == []
    [shapes] = face.face_blendshapes
    names = [c.category_name for c in shapes]
    assert len(names) == 52
    assert names[:6] == ["_neutral", "browDownLeft", "browDownRight", "browInnerUp",
                         "browOuterUpLeft", "browOuterUpRight"]
    assert all(0.0 <= c.score <= 1.0 for c in shapes)
    matrix = np.asarray(face.facial_transformation_matrixes[0])
    assert matrix.shape == (4, 4) and np.isfinite(matrix).all()
    assert np.allclose(matrix[3], [0, 0, 0, 1], atol=1e-5)
