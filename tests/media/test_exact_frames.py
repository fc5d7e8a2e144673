"""Frame ``i`` is exactly frame ``i``: forward, backward, random, on every kind of clip."""

from __future__ import annotations

import random
import shutil
import subprocess

import numpy as np
import pytest

from emosign_desktop.core.errors import MediaError
from emosign_desktop.media.frame_cache import FrameCache
from emosign_desktop.media.frame_index import FrameIndex, build_index, load_index
from emosign_desktop.media.reader import VideoReader
from tests.media.clips import SPECS, decode_index, make_clip


@pytest.fixture(scope="session")
def clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clips")
    return {name: make_clip(spec, folder) for name, spec in SPECS.items()}


@pytest.fixture(params=sorted(SPECS))
def clip(request, clips):
    return SPECS[request.param], clips[request.param]


def _check(reader: VideoReader, order: list[int]) -> None:
    rotation = reader.index.rotation
    wrong = [(i, decode_index(reader.frame(i), rotation)) for i in order]
    wrong = [(i, got) for i, got in wrong if got != i]
    assert not wrong, f"frames returned for the wrong index: {wrong[:5]}"


def test_index_counts_every_frame(clip):
    spec, path = clip
    index = build_index(path)
    assert index.frame_count == spec.frames
    assert np.all(np.diff(index.pts) > 0)
    assert index.keyframes[0] == 0
    assert index.rotation == spec.rotation % 360
    if spec.pts is None:
        assert index.fps == pytest.approx(float(spec.rate), rel=1e-3)


@pytest.mark.skipif(not shutil.which("ffprobe"), reason="ffprobe not installed")
def test_index_agrees_with_ffprobe_count_frames(clip):
    _spec, path = clip
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
         "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", str(path)],
        capture_output=True, text=True, check=True).stdout
    assert build_index(path).frame_count == int(out.strip().rstrip(","))


@pytest.mark.parametrize("cache_mb", [0.5, 64])
def test_forward_backward_and_random_are_exact(clip, cache_mb):
    _spec, path = clip
    with VideoReader(path, cache=FrameCache(cache_mb)) as reader:
        n = reader.frame_count
        rng = random.Random(n)
        _check(reader, list(range(n)))
        _check(reader, list(range(n - 1, -1, -1)))
        _check(reader, [rng.randrange(n) for _ in range(40)])
        _check(reader, [n - 1, 0, n // 2, n // 2 - 1, n // 2 + 1, 1, n - 2])


def test_times_and_indices(clips):
    vfr = build_index(clips["h264_vfr"])
    assert vfr.time_of(3) == pytest.approx(0.093)
    assert vfr.index_at(0.0599) == 1 and vfr.index_at(0.060) == 2
    assert vfr.index_at(-5) == 0 and vfr.index_at(1e6) == vfr.frame_count - 1
    late = build_index(clips["h264_nonzero_start"])
    assert late.start_pts == 2500 and late.time_of(0) == 0.0
    assert late.time_of(1) == pytest.approx(0.04)
    ntsc = build_index(clips["h264_29.97"])
    assert ntsc.index_at(ntsc.time_of(59)) == 59
    assert all(ntsc.index_at(ntsc.time_of(i) + 0.001) == i for i in range(60))


def test_rotation_is_applied(clips):
    with VideoReader(clips["h264_rotated_90"]) as reader:
        assert reader.index.display_size == (120, 160)
        assert reader.frame(0).shape == (160, 120, 3)
        assert reader.frame(0).flags["C_CONTIGUOUS"]


def test_display_readers_give_the_same_frames_as_bgra(clip):
    """The player's reader returns BGRA (Qt paints it without converting): same pixels,
    same frame, in every clip kind, rotation included."""
    spec, path = clip
    order = [spec.frames - 1, 0, spec.frames // 2, spec.frames // 2 - 1]
    with VideoReader(path) as rgb_reader, VideoReader(path, pixels="bgra") as bgra_reader:
        for i in order:
            rgb, bgra = rgb_reader.frame(i), bgra_reader.frame(i)
            assert bgra.shape == (*rgb.shape[:2], 4) and bgra.flags["C_CONTIGUOUS"]
            assert (bgra[:, :, 3] == 255).all()
            assert np.array_equal(bgra[:, :, 2::-1], rgb), f"frame {i} differs"
    assert bgra_reader.frame_bytes == rgb_reader.frame_bytes * 4 // 3


def test_unknown_pixel_layout_is_refused(clips):
    with pytest.raises(ValueError, match="pixels must be one of"):
        VideoReader(clips["h264_rotated_90"], pixels="yuv420p")


def test_backward_steps_come_from_one_span(clips):
    with VideoReader(clips["h264_long_gop_bframes"], cache=FrameCache(64)) as reader:
        reader.frame(110)
        seeks = reader.seeks
        decoded = reader.decoded
        for i in range(109, 60, -1):
            reader.frame(i)
        assert reader.seeks <= seeks + 1  # one span decoded for 49 back-steps
        assert reader.decoded - decoded <= 110  # ...once, not once per step


def test_forward_steps_never_seek(clips):
    with VideoReader(clips["h264_long_gop_bframes"], cache=FrameCache(1)) as reader:
        reader.frame(3)
        seeks = reader.seeks
        for i in range(4, 150):
            reader.frame(i)
        assert reader.seeks == seeks


def test_index_cache_by_fingerprint(clips, tmp_path, monkeypatch):
    monkeypatch.setenv("EMOSIGN_CACHE_DIR", str(tmp_path / "cache"))
    path = clips["h264_vfr"]
    first = load_index(path)
    files = list((tmp_path / "cache" / "frame-index").glob("*.npz"))
    assert len(files) == 1
    again = FrameIndex.load(files[0])
    assert again is not None and np.array_equal(again.pts, first.pts)
    assert again.time_base == first.time_base and again.rotation == first.rotation
    copy = tmp_path / "moved.mkv"
    shutil.copy(path, copy)
    import emosign_desktop.media.frame_index as fi

    monkeypatch.setattr(fi, "build_index", lambda p: pytest.fail("rebuilt a cached index"))
    assert np.array_equal(load_index(copy).pts, first.pts)
    files[0].write_bytes(b"garbage")
    assert FrameIndex.load(files[0]) is None


def test_out_of_range_frame(clips):
    with VideoReader(clips["mjpeg"]) as reader:
        with pytest.raises(MediaError, match=r"no frame 30 \(the video has frames 0..29\)"):
            reader.frame(30)
        with pytest.raises(MediaError):
            reader.frame(-1)


def test_cache_stays_within_its_budget(clips):
    cache = FrameCache(0.3)
    with VideoReader(clips["h264_60fps"], cache=cache) as reader:
        for i in range(0, 90, 3):
            reader.frame(i)
        for i in range(89, 0, -5):
            reader.frame(i)
    assert 0 < cache.nbytes <= cache.capacity_bytes
