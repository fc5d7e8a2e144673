"""The demo project: four short clips of real people signing, with a few example labels."""

from __future__ import annotations

import shutil
from pathlib import Path

from emosign_desktop.core.errors import ProjectError
from emosign_desktop.core.model import Region
from emosign_desktop.core.tiers import EMOTION_CUE, FACIAL_GRAMMAR
from emosign_desktop.resources import resource_dir, user_data_dir
from emosign_desktop.services.session import create_session, open_session
from emosign_desktop.services.videos import MEDIA_FOLDER, add_videos, media_file
from emosign_desktop.storage.project import is_project

DEMO_ANNOTATOR = "demo-annotator"
DEMO_CLIPS = ("pose_test_video.mp4", "signbank_ns_011-019.mp4", "pose_sample_video.mp4",
              "signbank_ns_1m.mp4")

# Example labels written for the demo (not research data): one clip done, one in progress.
_LABELS = {
    "pose_test_video": {
        "sentiment": 1, "joy": 1, "excited": 1, "surprise_pos": 0, "surprise_neg": 0,
        "worry": 0, "sadness": 0, "fear": 0, "disgust": 0, "frustration": 0, "anger": 0,
        "sentiment_confidence": 60, "emotion_confidence": 55,
        "cues": "Relaxed face and a small smile; signs at an even pace, close to the camera.",
    },
    "signbank_ns_011-019": {
        "sentiment": 0, "joy": 0, "excited": 0, "surprise_pos": 0, "surprise_neg": 0,
        "worry": 0, "sadness": 0, "fear": 0, "disgust": 0, "frustration": 0, "anger": 0,
        "sentiment_confidence": 90, "emotion_confidence": 90,
        "cues": "Citation forms of the numbers 11-19: neutral face, no affect.",
    },
    "pose_sample_video": {"sentiment": 1, "cues": "Raised brows, open mouth"},
}
# (video, tier, first frame, last frame, value, region as x, y, w, h)
_SEGMENTS = (
    ("pose_test_video", EMOTION_CUE, 20, 45, "facial expression", (0.36, 0.10, 0.40, 0.36)),
    ("pose_test_video", EMOTION_CUE, 5, 40, "larger signs", (0.05, 0.18, 0.45, 0.46)),
    ("pose_test_video", FACIAL_GRAMMAR, 2, 16, "eye gaze shift", None),
    ("signbank_ns_011-019", EMOTION_CUE, 0, 160, "repetition", None),
    ("pose_sample_video", FACIAL_GRAMMAR, 0, 8, "brow raise - yes/no question",
     (0.42, 0.06, 0.18, 0.32)),
)


def default_demo_folder() -> Path:
    """Where ``emosign-desktop --demo`` keeps its project."""
    return user_data_dir() / "demo-project"


def ensure_demo_project(folder: Path | None = None) -> Path:
    """Create the demo project (or reuse it, restoring any demo clip that went missing)."""
    folder = folder or default_demo_folder()
    if is_project(folder):
        with open_session(folder) as session:
            for video in session._repo.videos():
                if video.media_path and media_file(folder, video) is None:
                    _copy_clips(folder)
                    break
        return folder
    if folder.exists() and any(folder.iterdir()):
        raise ProjectError(f"{folder}: the folder is not empty and holds no project")
    building = folder.with_name(folder.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    try:
        _build(building)
        if folder.exists():
            folder.rmdir()
        building.rename(folder)  # the demo project appears whole or not at all
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return folder


def _copy_clips(folder: Path) -> list[Path]:
    source = resource_dir() / "demo"
    dest = folder / MEDIA_FOLDER
    dest.mkdir(parents=True, exist_ok=True)
    copied = []
    for name in DEMO_CLIPS:
        src = source / name
        if not src.is_file():
            raise ProjectError(f"{src}: demo clip missing from the installation")
        shutil.copyfile(src, dest / name)
        copied.append(dest / name)
    shutil.copyfile(source / "NOTICE.md", dest / "NOTICE.md")
    return copied


def _build(folder: Path) -> None:
    with create_session(folder) as session:
        add_videos(session, _copy_clips(folder))
        repo, editing = session._repo, session.editing
        tiers = {t.name: t for t in repo.tiers()}
        with session.writer.operation("demo labels"):
            for name, values in _LABELS.items():
                video = repo.video_by_name(name)
                assert video is not None
                editing.set_labels(video.id, DEMO_ANNOTATOR, values)
            for name, tier, start, end, value, box in _SEGMENTS:
                video = repo.video_by_name(name)
                assert video is not None
                editing.add_segment(video.id, DEMO_ANNOTATOR, tiers[tier].id, start, end,
                                    value, region=Region(*box) if box else None)
