"""Bad media gives a clear error naming the file: never a crash, never a hang."""

from __future__ import annotations

import json
import subprocess
import sys

import av
import pytest

from emosign_desktop.core.errors import MediaError
from emosign_desktop.media.frame_index import build_index
from emosign_desktop.media.reader import VideoReader
from tests.generate import make_audio_only
from tests.media.clips import SPECS, decode_index, make_clip


def _zero_frames(path):
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        out.start_encoding()  # write the header, then no frame at all
    assert path.stat().st_size > 0
    return path


@pytest.mark.parametrize(("kind", "message"), [
    ("missing", "file not found"),
    ("folder", "is a folder"),
    ("text", "not a readable video"),
    ("empty", "the file is empty (0 bytes)"),
    ("audio", "no video stream"),
    ("zero_frames", "ends before any video data"),
])
def test_bad_files_are_named(tmp_path, kind, message):
    path = tmp_path / f"{kind}.mp4"
    if kind == "folder":
        path.mkdir()
    elif kind == "text":
        path.write_text("hello, I am not a video")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "audio":
        path = make_audio_only(tmp_path / "audio.m4a")
    elif kind == "zero_frames":
        path = _zero_frames(tmp_path / "zero_frames.mkv")
    with pytest.raises(MediaError) as err:
        build_index(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_truncated_file_reads_what_is_there_and_names_the_rest(tmp_path):
    full = make_clip(SPECS["h264_29.97"], tmp_path)
    cut = tmp_path / "cut.mkv"
    # MKV keeps working when cut short (MP4's index sits at the end: a cut MP4 is refused)
    mkv = make_clip(SPECS["h264_nonzero_start"], tmp_path)
    data = mkv.read_bytes()
    cut.write_bytes(data[: len(data) * 2 // 3])
    index = build_index(cut)
    assert 0 < index.frame_count < SPECS["h264_nonzero_start"].frames
    assert index.declared_frames == SPECS["h264_nonzero_start"].frames  # from its duration
    with VideoReader(cut) as reader:
        assert decode_index(reader.frame(0)) == 0
        last = index.frame_count - 1
        assert decode_index(reader.frame(last)) == last  # only decodable frames are listed
        with pytest.raises(MediaError) as err:
            reader.frame(last + 1)
        assert str(cut) in str(err.value)
    short = tmp_path / "cut.mp4"
    short.write_bytes(full.read_bytes()[:2000])
    with pytest.raises(MediaError) as err:
        build_index(short)
    assert str(short) in str(err.value)


def test_decoding_is_bounded_in_time(tmp_path):
    clip = make_clip(SPECS["h264_long_gop_bframes"], tmp_path)
    with VideoReader(clip, timeout_s=0.0) as reader, pytest.raises(MediaError, match="took over"):
        reader.frame(100)


def emosign(*args):
    return subprocess.run([sys.executable, "-m", "emosign_desktop", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def test_cli_probe_and_frame(tmp_path):
    clip = make_clip(SPECS["h264_rotated_90"], tmp_path)
    r = emosign("probe", clip, "--json")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    for key in ("frame_count", "fps", "duration", "width", "height", "codec", "rotation",
                "keyframes"):
        assert key in info
    assert (info["frame_count"], info["width"], info["height"], info["rotation"]) == (
        30, 120, 160, 90)
    assert info["keyframes"] == [0] and info["codec"] == "h264"
    out = tmp_path / "f.png"
    r = emosign("frame", clip, "--index", 17, "-o", out)
    assert r.returncode == 0, r.stderr
    picture = next(av.open(str(out)).decode(video=0)).to_ndarray(format="rgb24")
    assert picture.shape == (160, 120, 3) and decode_index(picture, 90) == 17
    r = emosign("probe", clip)
    assert r.returncode == 0 and "rotation" in r.stdout


@pytest.mark.parametrize("args", [("probe", "{bad}"), ("frame", "{bad}", "--index", "0", "-o",
                                                       "{out}"),
                                  ("frame", "{clip}", "--index", "500", "-o", "{out}")])
def test_cli_bad_media_exit_2_with_one_line(tmp_path, args):
    bad = tmp_path / "bad.mp4"
    bad.write_text("text")
    clip = make_clip(SPECS["mjpeg"], tmp_path)
    out = tmp_path / "o.png"
    r = emosign(*(a.format(bad=bad, out=out, clip=clip) for a in args))
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert not out.exists()
