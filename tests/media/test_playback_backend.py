"""The playback backends and the protocol they share: every member of
:class:`PlaybackBackend` works on :class:`PyAVPlayback`, both backends define every member
(no isinstance: the protocol is structural, and mypy checks ``choose_backend``'s returns), and
the media modules import one another without a cycle."""

from __future__ import annotations

import ast
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from emosign_desktop.media.backend import PlaybackBackend, PlaybackStats
from emosign_desktop.media.frame_index import build_index
from emosign_desktop.media.playback import vlc_available
from emosign_desktop.media.pyav_playback import PyAVPlayback
from emosign_desktop.media.vlc_playback import VlcPlayback
from tests.media.clips import SPECS, decode_index, make_clip

MEDIA = Path(__file__).parents[2] / "emosign_desktop" / "media"
MEMBERS = {"name", "stats", "running", "start", "stop", "set_speed", "set_loop", "close"}


def protocol_members() -> set[str]:
    return {m for m in vars(PlaybackBackend) if not m.startswith("_")}


def test_the_protocol_is_what_the_player_uses():
    assert protocol_members() == MEMBERS


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return make_clip(SPECS["h264_long_gop_bframes"], tmp_path_factory.mktemp("backend"))


@pytest.mark.parametrize("cls", [PyAVPlayback, VlcPlayback], ids=lambda c: c.__name__)
def test_both_backends_define_every_member(cls, clip):
    for member in protocol_members() - {"stats"}:  # stats is set in __init__
        assert hasattr(cls, member), f"{cls.__name__} has no {member}"
    if cls is VlcPlayback and not vlc_available():
        pytest.skip("libVLC is not installed")
    backend: PlaybackBackend = cls(clip, build_index(clip), lambda _j, _picture: None)
    try:
        for member in protocol_members():
            assert hasattr(backend, member), f"{cls.__name__} has no {member}"
        assert isinstance(backend.stats, PlaybackStats)
    finally:
        backend.close()


def test_every_protocol_member_on_pyav_playback(clip):
    path, index = clip, build_index(clip)
    presented: list[tuple[int, int]] = []
    ended = threading.Event()
    got_to_20 = threading.Event()

    def sink(j: int, picture: np.ndarray) -> None:
        assert picture.dtype == np.uint8 and picture.shape == (120, 160, 4)  # BGRA
        presented.append((j, decode_index(picture[:, :, 2::-1])))
        if j >= 20:
            got_to_20.set()

    backend: PlaybackBackend = PyAVPlayback(path, index, sink, lambda _last: ended.set())
    try:
        assert backend.name == "PyAV"
        assert isinstance(backend.stats, PlaybackStats) and backend.stats.shown == 0
        assert not backend.running
        assert backend.stop() is None  # nothing presented yet

        backend.start(10, speed=1.5, loop=(10, 30))
        assert backend.running
        assert got_to_20.wait(10)
        backend.set_speed(2.0)
        backend.set_loop(None)  # play on past the old loop's end, to the end of the video
        assert ended.wait(20)
        last = backend.stop()
        assert not backend.running
        assert last == backend.stats.last == 149
        assert backend.stats.first == 10
        assert backend.stats.shown + backend.stats.dropped >= 140
        assert all(j == truth for j, truth in presented)  # each picture is its frame
        assert presented[0][0] == 10

        presented.clear()
        backend.start(100, speed=2.0, loop=(100, 105))  # starting again resets the stats
        assert backend.running
        deadline = time.monotonic() + 10
        while backend.stats.shown < 9 and time.monotonic() < deadline:  # wraps at least once
            time.sleep(0.01)
    finally:
        backend.close()
    assert not backend.running
    assert backend.stats.first == 100 and backend.stats.shown >= 9
    assert {j for j, _truth in presented} <= set(range(100, 106))


def _imports_of(path: Path) -> set[str]:
    """The emosign_desktop.media modules ``path`` imports (at module level or lazily)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found |= {n.rsplit(".", 1)[-1] for n in names if n.startswith("emosign_desktop.media.")}
    return found


def test_media_modules_import_without_a_cycle():
    graph = {p.stem: _imports_of(p) for p in MEDIA.glob("*.py")}
    assert graph["backend"] == set()
    assert graph["vlc_playback"] & {"playback", "pyav_playback"} == set()
    assert graph["pyav_playback"] & {"playback", "vlc_playback"} == set()
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, f"import cycle: {' -> '.join((*path, module))}"
        if module in done:
            return
        for other in graph.get(module, set()):
            visit(other, (*path, module))
        done.add(module)

    for module in graph:
        visit(module, ())
