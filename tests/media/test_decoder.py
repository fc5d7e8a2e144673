"""The decoder set-up shared by stepping and playback."""

from __future__ import annotations

import av
import pytest

from emosign_desktop.media import decoder
from tests.media.clips import SPECS, make_clip


@pytest.mark.parametrize(("cores", "threads"), [(1, 8), (2, 8), (3, 12), (4, 16), (32, 16)])
def test_frame_threads_grow_with_cores_within_bounds(monkeypatch, cores, threads):
    monkeypatch.setattr(decoder, "cores", lambda: cores)
    assert decoder.decoder_threads() == threads


def test_cores_counts_the_cores_this_process_may_use():
    assert 1 <= decoder.cores() <= (__import__("os").cpu_count() or 1)


def test_configure_sets_frame_threads_or_none(tmp_path):
    path = make_clip(SPECS[sorted(SPECS)[0]], tmp_path)
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        decoder.configure(stream)
        assert stream.codec_context.thread_count == decoder.decoder_threads()
        assert "FRAME" in str(stream.thread_type)
        assert sum(1 for _ in container.decode(stream)) == SPECS[sorted(SPECS)[0]].frames
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        decoder.configure(stream, threads=False)
        assert stream.codec_context.thread_count in (0, 1)
