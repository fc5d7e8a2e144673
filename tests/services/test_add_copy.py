"""``add --copy`` writes each copy under a temporary name in ``media/`` and renames it into
place only when whole: a copy that fails (a full disk) leaves no file behind, adds nothing,
and the error names the file and the reason."""

from __future__ import annotations

import errno
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest

from emosign_desktop.core.errors import MediaError
from emosign_desktop.services.videos import add_videos
from tests.conftest import dump_project
from tests.generate import make_video


def noisy_clip(path: Path, frames: int = 24) -> Path:
    """A clip of random pictures (it does not compress: a few hundred KB)."""
    import av
    import numpy as np

    rng = np.random.default_rng(7)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=Fraction(12))
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        for _ in range(frames):
            img = rng.integers(0, 255, (120, 160, 3), dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.is_file() and not p.name.startswith("project.emosign"))


def test_a_copy_that_fails_midway_leaves_nothing(project, tmp_path, monkeypatch):
    a = make_video(tmp_path / "a.mp4", frames=12)
    b = make_video(tmp_path / "b.mp4", frames=14)
    before = dump_project(project.path)
    real = shutil.copyfile
    calls: list[str] = []

    def disk_fills(src, dst, *args, **kwargs):
        calls.append(Path(dst).name)
        if Path(src).name == "a.mp4":
            return real(src, dst)
        data = Path(src).read_bytes()
        Path(dst).write_bytes(data[: len(data) // 2])  # half of it written, then
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", disk_fills)
    with pytest.raises(MediaError) as err:
        add_videos(project, [a, b], copy=True)
    target = project.folder / "media" / "b.mp4"
    assert str(err.value) == (f"{target}: cannot copy {b} there (No space left on device); "
                              "nothing was added")
    assert calls[0].startswith(".a.mp4.") and calls[0].endswith(".part")  # a temporary name
    assert files_under(project.folder) == []  # neither the cut copy nor the whole one
    assert not (project.folder / "media").exists()
    assert dump_project(project.path) == before
    monkeypatch.setattr(shutil, "copyfile", real)
    added = add_videos(project, [a, b], copy=True)  # then it works
    assert [v.media_path for v in added] == ["media/a.mp4", "media/b.mp4"]
    assert files_under(project.folder) == ["media/a.mp4", "media/b.mp4"]
    assert (project.folder / "media" / "b.mp4").read_bytes() == b.read_bytes()


@pytest.fixture
def tiny_media_disk(project_dir: Path):
    """The project's ``media/`` folder on a 64 KiB tmpfs (skips where it cannot be
    mounted: not root, or no mount)."""
    media = project_dir / "media"
    media.mkdir()
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(media)],
                       check=True, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"cannot mount a tmpfs here: {exc}")
    try:
        yield media
    finally:
        subprocess.run(["umount", str(media)], check=False, timeout=30)


def test_a_full_disk_leaves_no_cut_off_file(tiny_media_disk, tmp_path):
    from emosign_desktop.services.session import open_session

    big = noisy_clip(tmp_path / "big.mp4")
    small = make_video(tmp_path / "small.mp4", frames=12)
    assert big.stat().st_size > 64 * 1024
    with open_session(tiny_media_disk.parent, undo=True) as session:
        before = dump_project(session.path)
        with pytest.raises(MediaError) as err:
            add_videos(session, [small, big], copy=True)
        assert str(err.value) == (f"{tiny_media_disk / 'big.mp4'}: cannot copy {big} there "
                                  "(No space left on device); nothing was added")
        assert list(tiny_media_disk.iterdir()) == []  # the small one's copy went too
        assert dump_project(session.path) == before
        [added] = add_videos(session, [small], copy=True)  # room for this one
        assert added.media_path == "media/small.mp4"
        assert [p.name for p in tiny_media_disk.iterdir()] == ["small.mp4"]
