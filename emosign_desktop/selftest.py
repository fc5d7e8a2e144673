"""``emosign-desktop --self-test``: prove an installation works, offline and without a screen.

Each check runs the real code path a collaborator's click would run, on the demo clips that
ship in ``resources/``, in a temporary folder (the user's data, settings, caches and logs are
not touched), and prints one line: ``ok   name: what was found`` or ``FAIL name: why``.  The
run exits 0 when every check passed, 1 otherwise (naming the checks that failed).

The checks that need Qt (the window, plots drawn in a slot, the About box) are given by the
application (``emosign_desktop.app``), which may import Qt; this module may not.

Several checks justify what the PyInstaller bundle leaves out (packaging/bundle_config.py):
``mediapipe`` runs Holistic, and ``face-model`` the face landmarker model that ships in
resources/models/ (its sha256 checked) through MediaPipe's tasks API, without jax, OpenCV,
matplotlib or PIL; ``evaluate`` runs
scikit-learn's metrics without the SciPy subpackages left out; ``parquet`` shows what a
bundle without pyarrow says when asked for a .parquet file (without pandas, also left out);
``postgresql`` loads the libpq psycopg finds (psycopg_binary's own, in the installers) and
keyring's backend for server passwords.  ``playback-pyav`` and ``playback-vlc`` say which of
the two plays videos here: the system's libVLC where VLC is installed (no installer carries
it), PyAV otherwise.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import numpy as np

from emosign_desktop.core.errors import EmoSignError

#: The demo clip most checks use, and the frame decoded exactly (not a keyframe).
CLIP = "pose_test_video"
#: Mean R, G, B of frame FRAME of CLIP as decoded here (FFmpeg's H.264 decoder is exact;
#: the RGB conversion may differ by rounding between builds, hence the tolerance).
FRAME = 37
FRAME_MEAN_RGB = (147.12, 118.11, 113.99)
MEAN_TOLERANCE = 1.0
#: The README's worked example: the example model's sentiment-3 wAcc and the emotion wAcc.
EXPECTED_S3_WACC = 25.0
EXPECTED_EMO_WACC = 50.0
#: Playing one second of video may take this long (a loaded machine) before it fails.
PLAY_LIMIT_S = 10.0

Detail = str


class CheckSkipped(Exception):
    """Raised by a check that does not apply to this installation (printed, not a failure)."""


@dataclass
class Context:
    """What the checks share: a temporary folder and the demo project built in it."""

    root: Path
    demo: Path | None = None
    notes: list[str] = field(default_factory=list)

    def demo_project(self) -> Path:
        if self.demo is None:
            from emosign_desktop.services.demo import ensure_demo_project

            self.demo = ensure_demo_project(self.root / "demo-project")
        return self.demo

    def clip(self, name: str = CLIP) -> Path:
        return self.demo_project() / "media" / f"{name}.mp4"


Check = Callable[[Context], Detail]


# -- the checks ------------------------------------------------------------------------------
def check_demo(ctx: Context) -> Detail:
    """Build and open the demo project from the clips in resources/."""
    from emosign_desktop.services.session import open_session
    from emosign_desktop.services.videos import media_file

    folder = ctx.demo_project()
    with open_session(folder) as session:
        videos = session.queries.videos()
        missing = [v.name for v in videos if media_file(folder, v) is None]
        labelled = len(session.queries.annotations())
    if len(videos) != 4 or missing:
        raise AssertionError(f"{len(videos)} videos, media missing: {missing}")
    return f"opened the demo project: {len(videos)} videos, {labelled} annotations"


def check_frame(ctx: Context) -> Detail:
    """Frame FRAME after a seek equals the same frame decoded in order, and its pixels."""
    from emosign_desktop.media.frame_index import build_index
    from emosign_desktop.media.reader import VideoReader

    path = ctx.clip()
    index = build_index(path)
    key = index.keyframe_at_or_before(FRAME)
    with VideoReader(path, index) as reader:
        reader.frame(index.frame_count - 1)  # decode far away first: FRAME needs a seek
        seeked = np.array(reader.frame(FRAME))
    with VideoReader(path, index) as reader:
        in_order = [np.array(reader.frame(i)) for i in range(FRAME + 1)][-1]
    if not np.array_equal(seeked, in_order):
        diff = int(np.count_nonzero(seeked != in_order))
        raise AssertionError(f"frame {FRAME} after a seek differs from the frame decoded in "
                             f"order in {diff} values")
    mean = seeked.reshape(-1, 3).mean(axis=0)
    off = float(np.abs(mean - np.array(FRAME_MEAN_RGB)).max())
    if off > MEAN_TOLERANCE:
        raise AssertionError(f"frame {FRAME}'s mean colour {np.round(mean, 2).tolist()} is not "
                             f"{list(FRAME_MEAN_RGB)}")
    h, w, _ = seeked.shape
    return (f"{path.name} frame {FRAME} (keyframe {key} before it) decoded exactly: {w}x{h}, "
            f"equal to decoding in order, mean colour within {off:.2f} of the reference")


def _play(ctx: Context, backend_name: str) -> Detail:
    from emosign_desktop.media.frame_index import build_index
    from emosign_desktop.media.pyav_playback import PyAVPlayback
    from emosign_desktop.media.reader import VideoReader
    from emosign_desktop.media.vlc_playback import VlcPlayback

    path = ctx.clip()
    index = build_index(path)
    shown: list[int] = []
    shapes: set[tuple[int, ...]] = set()

    def sink(i: int, picture: np.ndarray) -> None:
        shown.append(i)
        shapes.add(picture.shape)

    fps = index.fps or 30.0
    second = min(index.frame_count, round(fps)) - 1  # the last frame of the first second
    with VideoReader(path, index, pixels="bgra") as reader:
        backend: PyAVPlayback | VlcPlayback
        if backend_name == "VLC":
            backend = VlcPlayback(path, index, sink, None, reader.frame)
        else:
            backend = PyAVPlayback(path, index, sink)
        try:
            started = time.monotonic()
            backend.start(0)
            while (not shown or shown[-1] < second) and time.monotonic() - started < PLAY_LIMIT_S:
                time.sleep(0.02)
            took = time.monotonic() - started
            backend.stop()
        finally:
            backend.close()
    w, h = index.display_size
    if not shown or shown[-1] < second:
        raise AssertionError(f"{len(shown)} frames presented in {took:.1f} s, not one second "
                             f"of video ({second + 1} frames)")
    if shown != sorted(shown) or shown[0] > 2:
        raise AssertionError(f"frames out of order or late start: {shown[:8]}...")
    if shapes != {(h, w, 4)}:
        raise AssertionError(f"pictures of shape {sorted(shapes)}, not {(h, w, 4)}")
    return (f"{backend_name}: played one second of {path.name} (frames {shown[0]}-{shown[-1]}) "
            f"in {took:.2f} s: {len(shown)} presented, {backend.stats.dropped} dropped")


def check_playback_pyav(ctx: Context) -> Detail:
    from emosign_desktop.media.playback import vlc_available

    played = _play(ctx, "PyAV")
    if vlc_available():
        return f"{played} (VLC plays here; PyAV plays rotated videos)"
    return f"{played}; PyAV is in use: no libVLC on this system"


def check_playback_vlc(ctx: Context) -> Detail:
    from emosign_desktop.media.playback import vlc_available

    if not vlc_available():
        why = ("EMOSIGN_PLAYBACK=pyav" if os.environ.get("EMOSIGN_PLAYBACK", "").lower() ==
               "pyav" else "no libVLC on this system (VLC not installed)")
        raise CheckSkipped(f"{why}: videos play with PyAV")
    from emosign_desktop.media.vlc_playback import libvlc_description

    return f"{_play(ctx, 'VLC')}; in use: the system's {libvlc_description()}"


def check_mediapipe(ctx: Context) -> Detail:
    """MediaPipe Holistic on the first frame of a demo clip (the extraction's own code path,
    stopped after one frame) finds the face."""
    from emosign_desktop.landmarks.extract import ExtractionStopped, extract
    from emosign_desktop.landmarks.track import LandmarkTrack, cache_path
    from emosign_desktop.media.fingerprint import fingerprint

    path = ctx.clip()
    fp = fingerprint(path)

    def one_frame(done: int, total: int) -> None:
        raise ExtractionStopped(done, total)

    started = time.monotonic()
    with contextlib.suppress(ExtractionStopped):
        extract(path, fp, progress=one_frame, force=True)
    seconds = time.monotonic() - started
    found = LandmarkTrack.load(cache_path(fp))
    if found is None or found[1] < 1:
        raise AssertionError("no landmarks were written for the first frame")
    track = found[0]
    face = track.face[0]
    if np.isnan(face).any():
        raise AssertionError("no face found on the first frame")
    x, y = float(np.mean(face[:, 0])), float(np.mean(face[:, 1]))
    if not (0 < x < 1 and 0 < y < 1):
        raise AssertionError(f"the face's centre ({x:.2f}, {y:.2f}) is outside the picture")
    from emosign_desktop.landmarks.mediapipe_version import mediapipe_version

    mp_version = mediapipe_version() or "(version unknown)"
    return (f"MediaPipe {mp_version} Holistic found the face ({len(face)} points, "
            f"centre {x:.2f}, {y:.2f}) on frame 0 of {path.name} in {seconds:.1f} s")


def check_face_landmarker(_ctx: Context) -> Detail:
    """The face landmarker model that ships in resources/models/ (its sha256 checked) runs
    in MediaPipe's VIDEO mode, offline: on a generated frame (no face, and it says so), then
    on frame 0 of a demo clip, where it finds the face with its 52 blendshapes and its head
    transformation matrix."""
    from emosign_desktop.landmarks.face_model import (
        FACE_MODEL_SHA256,
        check_face_model,
        detect_face,
        open_face_landmarker,
    )
    from emosign_desktop.media.frame_index import build_index
    from emosign_desktop.media.reader import VideoReader
    from emosign_desktop.resources import resource_dir

    model = check_face_model()
    clip = resource_dir() / "demo" / f"{CLIP}.mp4"
    with VideoReader(clip, build_index(clip)) as reader:
        frame = np.array(reader.frame(0))
    started = time.monotonic()
    with open_face_landmarker(model) as landmarker:
        blank = detect_face(landmarker, np.full((240, 320, 3), 128, np.uint8), 0)
        if blank.face_blendshapes:
            raise AssertionError("a face was found on a plain grey frame")
        result = detect_face(landmarker, frame, 40)
    seconds = time.monotonic() - started
    if not result.face_blendshapes:
        raise AssertionError(f"no face found on frame 0 of {clip.name}")
    shapes = {c.category_name: c.score for c in result.face_blendshapes[0]}
    matrix = np.asarray(result.facial_transformation_matrixes[0])
    if len(shapes) != 52 or "browDownLeft" not in shapes:
        raise AssertionError(f"{len(shapes)} blendshapes, not MediaPipe's 52")
    if matrix.shape != (4, 4) or not np.isfinite(matrix).all():
        raise AssertionError(f"a head transformation matrix of shape {matrix.shape}")
    return (f"{model.name} (sha256 {FACE_MODEL_SHA256[:8]}..., as shipped) ran in VIDEO mode: "
            f"no face on a grey frame; on frame 0 of {clip.name} 52 blendshapes "
            f"(browDownLeft {shapes['browDownLeft']:.2f}) and a 4x4 head matrix, in "
            f"{seconds:.1f} s")


def check_label(ctx: Context) -> Detail:
    """A label written into a new project is there after closing and reopening it."""
    from emosign_desktop.services.session import create_session, open_session
    from emosign_desktop.services.videos import add_videos

    folder = ctx.root / "label-project"
    with create_session(folder) as session:
        [video] = add_videos(session, [ctx.clip()], copy=True)
        session.editing.set_labels(video.id, "self-test",
                                   {"joy": 2, "sentiment": -1, "cues": "Raised brows ✓"})
    with open_session(folder) as session:
        again = session.queries.video_named(video.name)
        assert again is not None
        found = session.queries.annotations(again.id)
        if len(found) != 1:
            raise AssertionError(f"{len(found)} annotations after reopening, not 1")
        values = (found[0].value("joy"), found[0].value("sentiment"), found[0].value("cues"))
    if values != (2, -1, "Raised brows ✓"):
        raise AssertionError(f"read back {values}")
    return f"wrote joy = 2, sentiment = -1 and a cue text, reopened {folder.name}: all there"


def check_agreement(ctx: Context) -> Detail:
    """Two annotators' packs, made in their own projects, merged into a third: alpha is 1
    for sentiment (they agree) and below 1 for joy (they differ on one video)."""
    from emosign_desktop.services.agreement import SENTIMENT_LABEL
    from emosign_desktop.services.packs import merge_pack_files
    from emosign_desktop.services.session import create_session, open_session
    from emosign_desktop.services.videos import add_named_videos

    names = ["clip-a", "clip-b", "clip-c", "clip-d", "clip-e"]
    sentiment = [-2, -1, 0, 1, 3]
    joy = {"ana": [0, 1, 2, 3, 1], "ben": [0, 1, 2, 3, 3]}
    packs = []
    for who, joys in joy.items():
        with create_session(ctx.root / f"pack-{who}") as session:
            videos = add_named_videos(session, names)
            for video, s, j in zip(videos, sentiment, joys, strict=True):
                session.editing.set_labels(video.id, who, {"sentiment": s, "joy": j})
            packs.append(ctx.root / f"{who}.json")
            session.queries.export_pack(who, packs[-1])
    with create_session(ctx.root / "merged") as session:
        merge_pack_files(session, packs)
    with open_session(ctx.root / "merged") as session:
        report = session.queries.agreement()
    s_alpha = report["labels"][SENTIMENT_LABEL]["alpha"]
    j_alpha = report["labels"]["joy"]["alpha"]
    if report["annotators"] != ["ana", "ben"]:
        raise AssertionError(f"annotators {report['annotators']}")
    if s_alpha is None or abs(s_alpha - 1.0) > 1e-9:
        raise AssertionError(f"sentiment alpha {s_alpha}, not 1")
    if j_alpha is None or not 0 < j_alpha < 1:
        raise AssertionError(f"joy alpha {j_alpha}, not between 0 and 1")
    return (f"merged 2 generated packs ({len(names)} videos each): Krippendorff's alpha "
            f"sentiment {s_alpha:.3f}, joy {j_alpha:.3f}")


def check_evaluate(ctx: Context) -> Detail:
    """The README's worked example: the example model against the demo annotator
    (scikit-learn's metrics)."""
    from emosign_desktop.resources import resource_dir
    from emosign_desktop.services.predictions import import_predictions
    from emosign_desktop.services.report import write_html
    from emosign_desktop.services.session import open_session

    folder = ctx.demo_project()
    demo = resource_dir() / "demo"
    with open_session(folder) as session:
        for name in ("example_predictions.csv", "example_cues.jsonl"):
            import_predictions(session, demo / name, "example", "video")
        report = session.queries.evaluation()
    [run] = report["runs"]
    s3, emo = run["sentiment3"], run["emotion"]
    if s3 is None or emo is None:
        raise AssertionError("the example run has no sentiment or emotion scores")
    got = (s3["wacc"], emo["wacc"])
    if None in got or tuple(round(x or 0.0, 2) for x in got) != (EXPECTED_S3_WACC,
                                                                 EXPECTED_EMO_WACC):
        raise AssertionError(f"wAcc sentiment {s3['wacc']}, emotion {emo['wacc']}; the README "
                             f"says {EXPECTED_S3_WACC} and {EXPECTED_EMO_WACC}")
    html = ctx.root / "report.html"
    write_html(html, report, [])
    return (f"evaluated the example run on the demo: s3 wAcc {got[0]:.2f}, emotion wAcc "
            f"{got[1]:.2f} (as in the README); wrote {html.name}")


def check_elan(ctx: Context) -> Detail:
    """Export a demo video's tiers as ELAN and import them into a new project."""
    from emosign_desktop.services.elan import import_eaf
    from emosign_desktop.services.session import create_session, open_session
    from emosign_desktop.services.videos import add_videos

    eaf = ctx.root / "elan" / f"{CLIP}.eaf"
    eaf.parent.mkdir(parents=True, exist_ok=True)
    with open_session(ctx.demo_project()) as session:
        exported = session.queries.export_eaf(CLIP, eaf)
    if exported.segments < 1:
        raise AssertionError("nothing was exported")
    with create_session(ctx.root / "elan" / "project") as session:
        add_videos(session, [ctx.clip()])
        imported = import_eaf(session, eaf)
    if imported.segments != exported.segments:
        raise AssertionError(f"exported {exported.segments} segments, imported "
                             f"{imported.segments}")
    return (f"exported {exported.segments} segments of {CLIP} to ELAN and imported them into "
            f"a new project")


def check_parquet(ctx: Context) -> Detail:
    """Export to .parquet works where pyarrow is installed; elsewhere it says so."""
    from emosign_desktop.services.session import open_session
    from emosign_desktop.services.tidy_export import export_segments

    out = ctx.root / "segments.parquet"
    with open_session(ctx.demo_project()) as session:
        if importlib.util.find_spec("pyarrow") is not None:
            rows = export_segments(session, out)
            if not out.is_file() or rows < 1:
                raise AssertionError(f"{rows} rows written")
            return f"wrote {rows} segments to {out.name}"
        try:
            export_segments(session, out)
        except EmoSignError as exc:
            if "Parquet" not in str(exc) or "pyarrow" not in str(exc):
                raise AssertionError(f"unclear message: {exc}") from None
            return f"not in this build, and says so: {str(exc)[:90]}"
    raise AssertionError("wrote a .parquet file without pyarrow?")


def _libpq_version(number: int) -> str:
    return f"{number // 10000}.{number % 10000}" if number >= 100000 else str(number)


def _keyring_backend() -> str:
    """Linux: keyring's Secret Service backend loads (secretstorage, jeepney and
    cryptography, which it encrypts with, are there); says whether a Secret Service runs."""
    from importlib.metadata import entry_points

    import keyring

    names = {ep.name for ep in entry_points(group="keyring.backends")}
    if sys.platform.startswith("linux"):
        if "SecretService" not in names:
            raise AssertionError(f"keyring has no Secret Service backend (only {sorted(names)})")
        import secretstorage.util  # noqa: F401  (the D-Bus session, encrypted by cryptography)
        from keyring.backends import SecretService

        try:
            SecretService.Keyring.priority  # noqa: B018  (asks D-Bus for the service)
        except RuntimeError as exc:
            if "required" in str(exc):
                raise AssertionError(f"keyring's Secret Service backend: {exc}") from None
            return f"keyring's Secret Service backend loads (no Secret Service here: {exc})"
        return "keyring's Secret Service backend loads and a Secret Service answers"
    return f"keyring: {type(keyring.get_keyring()).__name__}"


def check_postgresql(ctx: Context) -> Detail:
    """psycopg loads a libpq (psycopg_binary's own in the installers), which tries a server
    that is not there (a socket in an empty folder: no network, no server needed) and
    reports it; keyring's backend for server passwords loads."""
    try:
        import psycopg
    except ImportError as exc:
        raise AssertionError(
            f"psycopg finds no libpq ({' '.join(str(exc).split())}); PostgreSQL projects need "
            "the system's libpq here (Debian and Ubuntu: apt-get install libpq5)") from None
    impl, version = psycopg.pq.__impl__, _libpq_version(psycopg.pq.version())
    sockets = ctx.root / "no-server"
    sockets.mkdir(exist_ok=True)
    try:
        psycopg.connect(host=str(sockets), port=5432, dbname="self-test", user="self-test",
                        password="self-test", connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        if ".s.PGSQL.5432" not in str(exc):
            raise AssertionError(f"unexpected error: {exc}") from None
    else:
        raise AssertionError(f"connected to a server in {sockets}?")
    where = ""
    maps = Path("/proc/self/maps")
    if maps.is_file():  # Linux: the file it loaded (the system's, or psycopg_binary's)
        found = [line.split()[-1] for line in maps.read_text().splitlines()
                 if "/libpq" in line]
        where = f" ({found[0]})" if found else ""
    return (f"psycopg {psycopg.__version__} ({impl}) on libpq {version}{where}: a server "
            f"that is not there is reported as such; {_keyring_backend()}")


CHECKS: tuple[tuple[str, Check], ...] = (
    ("demo", check_demo),
    ("frame", check_frame),
    ("playback-pyav", check_playback_pyav),
    ("playback-vlc", check_playback_vlc),
    ("mediapipe", check_mediapipe),
    ("face-model", check_face_landmarker),
    ("label", check_label),
    ("agreement", check_agreement),
    ("evaluate", check_evaluate),
    ("elan", check_elan),
    ("parquet", check_parquet),
    ("postgresql", check_postgresql),
)


# -- running them ----------------------------------------------------------------------------
_ISOLATED = ("EMOSIGN_DATA_DIR", "EMOSIGN_CACHE_DIR", "EMOSIGN_CONFIG_DIR", "EMOSIGN_LOG_DIR")


@contextlib.contextmanager
def isolated(root: Path) -> Iterator[None]:
    """Data, caches, settings and logs in ``root`` while the checks run."""
    saved = {k: os.environ.get(k) for k in _ISOLATED}
    for key in _ISOLATED:
        os.environ[key] = str(root / key.split("_")[1].lower())
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class _Watchdog:
    """Ends the process (exit 1, naming the check) if a check hangs."""

    def __init__(self, out: TextIO, limit_s: float) -> None:
        self.out, self.limit_s = out, limit_s
        self.name = ""
        self._deadline = float("inf")
        self._stop = threading.Event()
        threading.Thread(target=self._watch, daemon=True, name="self-test-watchdog").start()

    def start(self, name: str) -> None:
        self.name, self._deadline = name, time.monotonic() + self.limit_s

    def done(self) -> None:
        self._deadline = float("inf")

    def stop(self) -> None:
        self._stop.set()

    def _watch(self) -> None:
        while not self._stop.wait(0.5):
            if time.monotonic() > self._deadline:
                print(f"FAIL {self.name}: did not finish in {self.limit_s:.0f} s", file=self.out,
                      flush=True)
                print(f"self-test FAILED: {self.name}", file=self.out, flush=True)
                os._exit(1)


def run(extra: Sequence[tuple[str, Check]] = (), *, only: Sequence[str] | None = None,
        out: TextIO | None = None, limit_s: float = 180.0) -> int:
    """Run the checks (and the application's ``extra`` ones), one line each; 0 when all
    passed, 1 otherwise."""
    stream = out or sys.stdout
    checks = [c for c in (*CHECKS, *extra) if only is None or c[0] in only]
    failed: list[str] = []
    passed = skipped = 0
    root = Path(tempfile.mkdtemp(prefix="emosign-self-test-"))
    watchdog = _Watchdog(stream, limit_s)
    started = time.monotonic()
    try:
        with isolated(root):
            ctx = Context(root)
            for name, check in checks:
                watchdog.start(name)
                t0 = time.monotonic()
                try:
                    detail = check(ctx)
                except CheckSkipped as exc:
                    skipped += 1
                    print(f"skip {name}: {exc}", file=stream, flush=True)
                    continue
                except Exception as exc:  # a failing check is reported, and the rest run
                    failed.append(name)
                    where = traceback.extract_tb(exc.__traceback__)[-1]
                    print(f"FAIL {name}: {type(exc).__name__}: {exc} "
                          f"({Path(where.filename).name}:{where.lineno})", file=stream,
                          flush=True)
                    continue
                finally:
                    watchdog.done()
                passed += 1
                print(f"ok   {name}: {detail} [{time.monotonic() - t0:.1f} s]", file=stream,
                      flush=True)
    finally:
        watchdog.stop()
        shutil.rmtree(root, ignore_errors=True)
    total = time.monotonic() - started
    if failed:
        print(f"self-test FAILED: {', '.join(failed)} ({passed} passed, {len(failed)} failed, "
              f"{skipped} skipped, {total:.1f} s)", file=stream, flush=True)
        return 1
    print(f"self-test passed: {passed} checks ({skipped} skipped, {total:.1f} s)", file=stream,
          flush=True)
    return 0


def check_names(extra: Sequence[tuple[str, Check]] = ()) -> list[str]:
    return [name for name, _ in (*CHECKS, *extra)]
