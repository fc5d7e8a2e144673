"""Adding videos to a project, and finding their media again (relative path, fingerprint)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from emosign_desktop.core.errors import MediaError, ProjectError
from emosign_desktop.core.model import MediaInfo, Video
from emosign_desktop.media.fingerprint import fingerprint
from emosign_desktop.media.frame_index import load_index
from emosign_desktop.media.probe import media_info
from emosign_desktop.storage.project import Project

MEDIA_FOLDER = "media"
VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".mts")


@dataclass(frozen=True)
class ProbedFile:
    """A media file that has been checked and is ready to add."""

    path: Path
    name: str
    fingerprint: str
    media: MediaInfo


def stored_path(project_folder: Path, media: Path) -> str:
    """The path to store: relative to the project folder (POSIX separators) where possible."""
    media = media.resolve()
    try:
        return Path(os.path.relpath(media, project_folder.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return str(media)


def media_file(project_folder: Path, video: Video) -> Path | None:
    """Where the video's media is now, or None when it is not linked or not found."""
    if video.media_path is None:
        return None
    path = Path(video.media_path)
    if not path.is_absolute():
        path = project_folder / path
    return path if path.is_file() else None


def probe_files(paths: Iterable[str | Path]) -> list[ProbedFile]:
    """Probe every file first, so that one bad file means nothing is added."""
    probed = []
    names: dict[str, Path] = {}
    for p in paths:
        path = Path(p)
        if not path.is_file():
            raise MediaError(f"{path}: file not found" if not path.exists()
                             else f"{path}: is a folder, not a video file")
        fp = fingerprint(path)
        media = media_info(load_index(path, fp))  # the index is cached for the player
        name = path.stem
        if name in names:
            raise MediaError(f"{path}: has the same name '{name}' as {names[name]}")
        names[name] = path
        probed.append(ProbedFile(path, name, fp, media))
    return probed


def add_videos(
    project: Project,
    paths: Iterable[str | Path],
    *,
    copy: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> list[Video]:
    """Probe and add video files; a video known by name only gets its media linked.

    With ``copy`` the files are copied into the project's ``media/`` folder first.
    All files are checked before anything is written; then all are added in one transaction.
    """
    probed = probe_files(paths)
    repo = project.repo
    for f in probed:
        existing = repo.video_by_name(f.name)
        if existing is not None and existing.has_media:
            raise ProjectError(
                f"{f.path}: the project already has a video named '{f.name}' "
                f"(media {existing.media_path})"
            )
    targets = []
    for f in probed:
        target = f.path
        if copy:
            dest_dir = project.folder / MEDIA_FOLDER
            dest_dir.mkdir(exist_ok=True)
            target = dest_dir / f.path.name
            if target.resolve() != f.path.resolve():
                if target.exists():
                    raise ProjectError(f"{target}: a different file of that name is already there")
                shutil.copy2(f.path, target)
        targets.append(target)
    added = []
    with repo.transaction():
        for i, (f, target) in enumerate(zip(probed, targets, strict=True)):
            rel = stored_path(project.folder, target)
            existing = repo.video_by_name(f.name)
            if existing is not None:
                added.append(repo.link_media(existing.id, rel, f.fingerprint, f.media))
            else:
                added.append(repo.add_video(f.name, rel, f.fingerprint, f.media))
            if progress:
                progress(i + 1, len(probed))
    return added


def relink_missing(project: Project, folder: str | Path) -> list[Video]:
    """Find the media of videos whose files are missing by fingerprint under ``folder``."""
    missing = {v.fingerprint: v for v in project.repo.videos()
               if v.fingerprint and media_file(project.folder, v) is None}
    found = []
    if not missing:
        return found
    for path in sorted(Path(folder).rglob("*")):
        if path.suffix.lower() not in VIDEO_SUFFIXES or not path.is_file():
            continue
        fp = fingerprint(path)
        video = missing.pop(fp, None)
        if video is not None and video.media is not None:
            found.append(project.repo.link_media(
                video.id, stored_path(project.folder, path), fp, video.media))
        if not missing:
            break
    return found
