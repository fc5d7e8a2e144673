from __future__ import annotations

import pytest

from emosign_desktop.core.errors import MediaError
from emosign_desktop.media.fingerprint import fingerprint
from emosign_desktop.media.probe import probe
from tests.generate import make_audio_only, make_video


def test_probe_generated_clips(tmp_path):
    info = probe(make_video(tmp_path / "a.mp4", frames=30, size=(96, 64), fps=30))
    assert (info.frame_count, info.width, info.height, info.codec) == (30, 96, 64, "h264")
    assert info.fps == pytest.approx(30) and info.duration == pytest.approx(1.0, abs=0.05)
    info = probe(make_video(tmp_path / "b.webm", frames=10, fps=10, codec="libvpx-vp9"))
    assert info.frame_count == 10 and info.codec == "vp9"
    info = probe(make_video(tmp_path / "c.avi", frames=7, fps=25, codec="mjpeg"))
    assert info.frame_count == 7 and info.codec == "mjpeg"


@pytest.mark.parametrize("kind", ["missing", "folder", "text", "empty", "audio", "truncated"])
def test_bad_media_is_named(tmp_path, sample_video, kind):
    path = tmp_path / f"{kind}.mp4"
    if kind == "folder":
        path.mkdir()
    elif kind == "text":
        path.write_text("not a video at all")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "audio":
        path = make_audio_only(tmp_path / "audio.m4a")
    elif kind == "truncated":
        path.write_bytes(sample_video.read_bytes()[:200])
    with pytest.raises(MediaError) as err:
        probe(path)
    assert str(path) in str(err.value)


def test_fingerprint_follows_content_not_name(tmp_path, sample_video):
    copy = tmp_path / "renamed.mp4"
    copy.write_bytes(sample_video.read_bytes())
    assert fingerprint(copy) == fingerprint(sample_video)
    other = make_video(tmp_path / "other.mp4", frames=13)
    assert fingerprint(other) != fingerprint(sample_video)
    big = tmp_path / "big.bin"
    big.write_bytes(b"a" * (3 << 20))
    before = fingerprint(big)
    with big.open("r+b") as fh:
        fh.seek((3 << 20) - 1)
        fh.write(b"b")
    assert fingerprint(big) != before
    with pytest.raises(MediaError):
        fingerprint(tmp_path / "nope")
