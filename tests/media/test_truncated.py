"""A file cut short is told, not swallowed: the index lists exactly the frames that can be
decoded (from the first, without a gap), keeps the count its container declares, and every
frame it serves is exactly that frame."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from emosign_desktop.core.errors import MediaError
from emosign_desktop.media.frame_cache import FrameCache
from emosign_desktop.media.frame_index import build_index
from emosign_desktop.media.probe import media_info, truncation_warning
from emosign_desktop.media.reader import VideoReader
from emosign_desktop.resources import resource_dir
from tests.media.clips import (
    SPECS,
    decode_index,
    exact_run,
    ffmpeg_decode,
    make_clip,
    packet_ends,
    plain_decode_count,
)

#: A real clip (58 frames, H.264 with B-frames, its header first), as in the issue.
REAL_CLIP = resource_dir() / "demo" / "pose_test_video.mp4"


@pytest.fixture(scope="module")
def faststart(tmp_path_factory) -> dict[str, Path]:
    """MP4 clips whose header (declaring every frame) comes first."""
    folder = tmp_path_factory.mktemp("faststart")
    return {name: make_clip(SPECS[name], folder, faststart=True)
            for name in ("h264_29.97", "h264_long_gop_bframes", "h264_rotated_90")}


def _cut(full: Path, n: int, folder: Path) -> Path:
    path = folder / f"cut_{n}{full.suffix}"
    path.write_bytes(full.read_bytes()[:n])
    return path


def _all_exact(path: Path, *, threads: bool, cache_mb: float = 64) -> None:
    with VideoReader(path, cache=FrameCache(cache_mb), threads=threads) as reader:
        n, rotation = reader.frame_count, reader.index.rotation
        order = [*range(n), *range(n - 1, -1, -1), n - 1, 0, n // 2]
        wrong = [(i, got) for i in order
                 if (got := decode_index(reader.frame(i), rotation)) != i]
        assert not wrong, f"frames served as the wrong index: {wrong[:5]}"
        with pytest.raises(MediaError, match=f"there is no frame {n}"):
            reader.frame(n)


def _cut_points(full: Path) -> list[int]:
    """Every packet boundary (frames declared but missing, nothing incomplete) and the middle
    of every packet (an incomplete last packet), from the first frame on."""
    ends = packet_ends(full)
    middles = [(a + b) // 2 for a, b in itertools.pairwise(ends)]
    return sorted({*ends[:-1], *middles})


@pytest.mark.parametrize(("name", "every"), [("h264_29.97", 1), ("h264_long_gop_bframes", 7)])
def test_index_is_exactly_what_ffmpeg_decodes_without_a_gap(faststart, tmp_path, name, every):
    full = faststart[name]
    declared = SPECS[name].frames
    checked = 0
    for n in _cut_points(full)[::every]:
        cut = _cut(full, n, tmp_path)
        decoded = ffmpeg_decode(cut)
        expected = exact_run(decoded)  # frames after a missing one would be numbered wrong
        if expected == 0:
            with pytest.raises(MediaError, match="no frame of the video can be decoded"):
                build_index(cut)
            continue
        index = build_index(cut)
        assert index.frame_count == expected, (n, decoded)
        assert index.declared_frames == declared
        assert index.short_by == declared - expected
        checked += 1
    assert checked > 30  # boundaries and middles alike


@pytest.mark.parametrize("fraction", [0.5, 0.61, 0.8, 0.97])
@pytest.mark.parametrize("threads", [True, False])
def test_every_frame_served_is_exact(faststart, tmp_path, fraction, threads):
    full = faststart["h264_long_gop_bframes"]
    cut = _cut(full, int(full.stat().st_size * fraction), tmp_path)
    index = build_index(cut)
    assert index.frame_count == exact_run(ffmpeg_decode(cut))
    _all_exact(cut, threads=threads, cache_mb=0.5)


def test_rotated_cut_clip_is_exact(faststart, tmp_path):
    full = faststart["h264_rotated_90"]
    cut = _cut(full, int(full.stat().st_size * 0.8), tmp_path)
    index = build_index(cut)
    assert index.rotation == 90
    assert index.frame_count == exact_run(ffmpeg_decode(cut))  # as coded: no rotation
    _all_exact(cut, threads=True)


def test_a_frame_after_a_missing_one_is_not_offered(faststart, tmp_path):
    """Cut right after a P-frame whose B-frames (shown before it) come later in the file: the
    P-frame decodes, but offering it would give it the number of a missing frame."""
    full = faststart["h264_29.97"]
    for n in packet_ends(full)[:-1]:
        decoded = ffmpeg_decode(_cut(full, n, tmp_path))
        if exact_run(decoded) < len(decoded):
            break
    else:
        pytest.fail("no cut leaves a gap")
    cut = _cut(full, n, tmp_path)
    index = build_index(cut)
    assert index.frame_count == exact_run(decoded) < len(decoded)
    assert plain_decode_count(cut) == len(decoded)  # the plain loop would count it
    _all_exact(cut, threads=True)


def test_warning_names_both_counts(faststart, tmp_path):
    full = faststart["h264_29.97"]
    cut = _cut(full, full.stat().st_size * 2 // 3, tmp_path)
    media = media_info(build_index(cut))
    n = exact_run(ffmpeg_decode(cut))
    assert media.frame_count == n and media.declared_frames == 60
    assert media.is_truncated and media.short_by == 60 - n
    assert truncation_warning("clip.mp4", media) == (
        f"clip.mp4: only {n} of the 60 frames its container declares can be decoded; "
        f"the first {n} are used")


@pytest.mark.parametrize("name", sorted(SPECS))
def test_whole_files_declare_what_they_hold(name, tmp_path):
    spec = SPECS[name]
    index = build_index(make_clip(spec, tmp_path))
    assert index.frame_count == index.declared_frames == spec.frames
    media = media_info(index)
    assert media.declared_frames is None and not media.is_truncated
    assert truncation_warning("x", media) is None


@pytest.mark.parametrize("fraction", [0.5, 0.67, 0.75, 0.9, 0.97])
def test_cut_matroska_stays_exact(tmp_path, fraction):
    """Matroska drops an incomplete last block without a word and states no frame count:
    its duration tells that frames are missing, the time grid where the gap is."""
    full = make_clip(SPECS["h264_nonzero_start"], tmp_path)
    cut = _cut(full, int(full.stat().st_size * fraction), tmp_path)
    index = build_index(cut)
    assert index.frame_count == exact_run(ffmpeg_decode(cut))
    if fraction <= 0.9:
        assert index.declared_frames == 40 and index.short_by > 0
    _all_exact(cut, threads=True)


def test_the_real_clip_cut_at_50000_bytes(tmp_path):
    """``head -c 50000`` of the 58-frame clip: the last packet (frame 8, a P-frame) is cut
    and its B-frames are missing; frames 0..4 decode (a plain decode loop stops at 3)."""
    cut = tmp_path / "clip.mp4"
    cut.write_bytes(REAL_CLIP.read_bytes()[:50000])
    index = build_index(cut)
    assert (index.frame_count, index.declared_frames) == (5, 58)
    assert index.frame_count == len(ffmpeg_decode_any(cut))
    assert truncation_warning("clip.mp4", media_info(index)) == (
        "clip.mp4: only 5 of the 58 frames its container declares can be decoded; "
        "the first 5 are used")
    with VideoReader(REAL_CLIP, threads=False) as whole:
        for threads in (True, False):
            with VideoReader(cut, threads=threads) as reader:
                for i in [*range(5), *range(4, -1, -1)]:
                    assert np.array_equal(reader.frame(i), whole.frame(i)), (threads, i)


def ffmpeg_decode_any(path: Path) -> list[int]:
    """Presentation times of the frames FFmpeg decodes (any picture), going on past errors."""
    import av

    out = []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for packet in container.demux(stream):
            try:
                out.extend(f.pts for f in stream.decode(packet))
            except av.FFmpegError:
                continue
    return out


def test_pyav_playback_plays_a_cut_clip_to_its_last_decodable_frame(tmp_path):
    """Playback decodes like the index (skipping a damaged last packet), so it reaches the
    last frame the index offers, presented, and ends instead of failing (a frame late on a
    loaded machine may be dropped on the way, and is counted)."""
    import threading

    from emosign_desktop.media.pyav_playback import PyAVPlayback

    cut = tmp_path / "clip.mp4"
    cut.write_bytes(REAL_CLIP.read_bytes()[:50000])
    index = build_index(cut)
    shown: list[int] = []
    ended = threading.Event()
    playback = PyAVPlayback(cut, index, lambda i, _p: shown.append(i),
                            lambda _last: ended.set())
    playback.start(0, speed=2.0)
    assert ended.wait(20)
    playback.close()
    assert shown[-1] == index.frame_count - 1 == playback.stats.last
    assert shown == sorted(set(shown))
    assert len(shown) + playback.stats.dropped == index.frame_count
