"""Adding videos to a project, and finding their media again (relative path, fingerprint).

Adding tells what it finds: a file cut short is added with the frames that can be decoded
and a warning (:func:`media_warnings`); a file with the same content as a video of the
project, or as another file of the same add, is refused (:class:`DuplicateMediaError`)
unless duplicates are allowed.  Adding with ``copy`` writes each copy under a temporary
name in ``media/`` and renames it into place only when whole: a failed copy (a full disk)
leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePath

from emosign_desktop.core.changeset import ChangeSet, VideoEdit
from emosign_desktop.core.errors import DuplicateMediaError, MediaError, ProjectError
from emosign_desktop.core.media_check import MediaLink, MediaStamp
from emosign_desktop.core.model import MediaInfo, Video, VideoId
from emosign_desktop.media.fingerprint import file_stamp, fingerprint
from emosign_desktop.media.frame_index import load_index
from emosign_desktop.media.probe import media_info, truncation_warning
from emosign_desktop.services.background import checkpoint
from emosign_desktop.services.building import NewIds
from emosign_desktop.services.handle import ProjectHandle as Session
from emosign_desktop.storage.repository import Repository

MEDIA_FOLDER = "media"
VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".mts")


@dataclass(frozen=True)
class ProbedFile:
    """A media file that has been checked and is ready to add."""

    path: Path
    name: str
    fingerprint: str
    media: MediaInfo
    stamp: MediaStamp | None = None  # the file's size and time, taken before it was read


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


def probe_files(paths: Iterable[str | Path],
                progress: Callable[[int, int], None] | None = None) -> list[ProbedFile]:
    """Probe every file first, so that one bad file means nothing is added."""
    probed = []
    names: dict[str, Path] = {}
    todo = list(paths)
    for i, p in enumerate(todo):
        if progress:
            progress(i, len(todo))
        path = Path(p)
        stamp, fp, media = probe_file(path)
        name = path.stem
        if name in names:
            raise MediaError(f"{path}: has the same name '{name}' as {names[name]}")
        names[name] = path
        probed.append(ProbedFile(path, name, fp, media, stamp))
    return probed


def probe_file(path: Path) -> tuple[MediaStamp, str, MediaInfo]:
    """A video file's stamp, fingerprint and probe; :class:`MediaError` naming the file
    when it is missing, a folder, unreadable or not a video."""
    stamp, fp = stamp_and_fingerprint(path)
    return stamp, fp, media_info(load_index(path, fp))  # the index is cached for the player


def stamp_and_fingerprint(path: Path) -> tuple[MediaStamp, str]:
    """A file's stamp (taken first) and content fingerprint; :class:`MediaError` naming the
    file when it is missing, a folder or unreadable."""
    if not path.is_file():
        raise MediaError(f"{path}: file not found" if not path.exists()
                         else f"{path}: is a folder, not a video file")
    try:
        stamp = file_stamp(path)
    except OSError as exc:
        raise MediaError(f"{path}: cannot read the file ({exc.strerror})") from None
    return stamp, fingerprint(path)


def copy_into_media(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` through a temporary file beside it, renamed into place
    only when the copy is whole (and on disk); on failure nothing is left behind and a
    :class:`MediaError` names the file and the reason."""
    tmp: str | None = None
    try:
        target.parent.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                   suffix=".part")
        os.close(fd)
        shutil.copyfile(source, tmp)
        shutil.copystat(source, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise MediaError(f"{target}: cannot copy {source} there "
                         f"({exc.strerror or exc}); nothing was added") from None


def media_warnings(videos: Iterable[Video]) -> list[str]:
    """One line for each video whose file is cut short or damaged at its end (its container
    declares frames that cannot be decoded), naming the file and both counts, e.g.
    ``clip.mp4: only 31 of the 58 frames its container declares can be decoded; the first
    31 are used``."""
    lines = []
    for v in videos:
        if v.media is None:
            continue
        name = PurePath(v.media_path).name if v.media_path else v.name
        line = truncation_warning(name, v.media)
        if line is not None:
            lines.append(line)
    return lines


def find_duplicates(repo: Repository, probed: Iterable[ProbedFile]) -> DuplicateMediaError | None:
    """The error to raise when files have the content of a video of the project, or of
    another of the files (None when every file is new)."""
    pairs: list[tuple[str, str]] = []
    lines: list[str] = []
    earlier: dict[str, ProbedFile] = {}
    for f in probed:
        same = [v for v in repo.videos_by_fingerprint(f.fingerprint) if v.name != f.name]
        if same:
            v = same[0]
            pairs.append((str(f.path), v.name))
            missing = v.media_path is not None and media_file(repo.folder, v) is None
            lines.append(f"{f.path}: same content as {v.name} "
                         f"({v.media_path or 'no media linked'}"
                         + ("; its file is missing: relink it to this file instead)"
                            if missing else ")"))
        elif f.fingerprint in earlier:
            other = earlier[f.fingerprint]
            pairs.append((str(f.path), other.name))
            lines.append(f"{f.path}: same content as {other.name} ({other.path}, in the "
                         "same add)")
        earlier.setdefault(f.fingerprint, f)
    return DuplicateMediaError(pairs, lines) if pairs else None


def add_videos(
    session: Session,
    paths: Iterable[str | Path],
    *,
    copy: bool = False,
    allow_duplicate: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> list[Video]:
    """Probe and add video files (one undoable operation); a video known by name only gets
    its media linked.

    With ``copy`` the files are copied into the project's ``media/`` folder first.
    All files are checked before anything is written; then all are added in one transaction.
    A file with the same content as a video of the project (or as another file given) raises
    :class:`DuplicateMediaError` and nothing is added, unless ``allow_duplicate``.  A file cut
    short is added with the frames that can be decoded: :func:`media_warnings` of the videos
    returned tells which.
    """
    repo = session._repo
    probed = probe_files(paths, progress)
    for f in probed:
        existing = repo.video_by_name(f.name)
        if existing is not None and existing.has_media:
            raise ProjectError(
                f"{f.path}: the project already has a video named '{f.name}' "
                f"(media {existing.media_path})"
            )
    if not allow_duplicate:
        duplicates = find_duplicates(repo, probed)
        if duplicates is not None:
            raise duplicates
    targets = []
    copied: list[Path] = []  # removed again when the add fails: nothing is left behind
    media_dir = repo.folder / MEDIA_FOLDER
    made_dir = copy and not media_dir.exists()
    try:
        for f in probed:
            target = f.path
            if copy:
                target = media_dir / f.path.name
                if target.resolve() != f.path.resolve():
                    if target.exists():
                        raise ProjectError(
                            f"{target}: a different file of that name is already there")
                    copy_into_media(f.path, target)
                    copied.append(target)
            targets.append(target)
        return _add_probed(session, probed, targets)
    except BaseException:
        for path in copied:
            with contextlib.suppress(OSError):
                path.unlink()
        if made_dir:
            with contextlib.suppress(OSError):
                media_dir.rmdir()  # (only when empty)
        raise


def _add_probed(session: Session, probed: list[ProbedFile], targets: list[Path]
                ) -> list[Video]:
    """Add the probed files, linked to ``targets`` (one operation)."""
    added: list[Video] = []
    stamps: list[MediaLink] = []

    def build(repo: Repository) -> ChangeSet:
        ids = NewIds(repo)
        edits = []
        for f, target in zip(probed, targets, strict=True):
            rel = stored_path(repo.folder, target)
            existing = repo.video_by_name(f.name)
            video = Video(existing.id if existing else VideoId(ids("video")), f.name, rel,
                          f.fingerprint, f.media)
            edits.append(VideoEdit(existing, video))
            added.append(video)
            stamp = f.stamp if target == f.path else _stamp_or_none(target)
            if stamp is not None:
                stamps.append(MediaLink(video.id, rel, f.fingerprint, stamp))
        return ChangeSet(videos=tuple(edits))

    label = f"add {len(probed)} videos" if len(probed) != 1 else f"add video {probed[0].name}"
    with session.writer.operation(label) as op:
        op.apply(build(session._repo))
        session._repo.set_media_stamps(stamps)  # the files' checks start from here
    return added


def _stamp_or_none(path: Path) -> MediaStamp | None:
    try:
        return file_stamp(path)
    except OSError:
        return None


def add_named_videos(session: Session, names: Iterable[str]) -> list[Video]:
    """Add videos known by name only (their media can be linked later)."""
    wanted = list(dict.fromkeys(n.strip() for n in names))
    if any(not n for n in wanted):
        raise ProjectError("a video needs a name")
    added: list[Video] = []

    def build(repo: Repository) -> ChangeSet:
        ids = NewIds(repo)
        edits = []
        for name in wanted:
            if repo.video_by_name(name) is not None:
                raise ProjectError(f"the project already has a video named '{name}'")
            video = Video(VideoId(ids("video")), name)
            edits.append(VideoEdit(None, video))
            added.append(video)
        return ChangeSet(videos=tuple(edits))

    session.writer.run(f"add {len(wanted)} videos by name", build)
    return added


def relink_missing(session: Session, folder: str | Path) -> list[Video]:
    """Find the media of videos whose files are missing, by fingerprint under ``folder``
    (one undoable operation).  Only the project's links change, never a file; on the
    background writer it may be cancelled between files (then nothing changes)."""
    repo = session._repo
    missing: dict[str, list[Video]] = {}  # several when duplicates were allowed
    for v in repo.videos():
        if v.fingerprint and media_file(repo.folder, v) is None:
            missing.setdefault(v.fingerprint, []).append(v)
    found: list[Video] = []
    candidates = _video_files(Path(folder)) if missing else []
    for i, path in enumerate(candidates, 1):
        checkpoint(i, len(candidates), f"looking for missing media: file {i:,} of "
                   f"{len(candidates):,}")
        fp = fingerprint(path)
        for video in missing.pop(fp, []):
            if video.media is not None:
                found.append(dataclasses.replace(video,
                                                 media_path=stored_path(repo.folder, path)))
        if not missing:
            break
    if found:
        def build(repo: Repository) -> ChangeSet:
            return ChangeSet(videos=tuple(VideoEdit(repo.video(v.id), v) for v in found))

        session.writer.run(f"relink {len(found)} media files", build)
    return found


def _video_files(folder: Path) -> list[Path]:
    """The video files under ``folder`` (by suffix), in order; a long listing may be
    cancelled on the background writer."""
    files: list[Path] = []
    for i, path in enumerate(folder.rglob("*"), 1):
        checkpoint(i, 0, f"listing the files under {folder.name or folder}: {i:,}")
        if path.suffix.lower() in VIDEO_SUFFIXES and path.is_file():
            files.append(path)
    return sorted(files)
