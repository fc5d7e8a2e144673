"""What goes into the PyInstaller bundle and what is left out, and why.

Plain data, read by the spec (``emosign-desktop.spec``), by ``build_bundle.py`` (which
measures each part) and by the tests in ``tests/packaging/`` (every exclusion names the
self-test check that proves the bundle works without it: the check must exist, and must pass
inside the bundle).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Exclusion:
    """A package (or module) left out of the bundle."""

    module: str
    why: str
    check: str  # the --self-test check that runs the code which would need it


_MP = "mediapipe"
_DRAW = ("only mediapipe.python.solutions.drawing_utils imports it; the runtime hook "
         "hooks/rthook_mediapipe_drawing.py provides that module without it")
_JAX = "only MediaPipe's LLM converter (mediapipe.tasks.python.genai) imports it; Holistic never"
_SCIPY = ("scikit-learn's metrics (the evaluate path) load 15 SciPy subpackages; not this one")

EXCLUDES: tuple[Exclusion, ...] = (
    Exclusion("jax", _JAX, _MP),
    Exclusion("jaxlib", _JAX, _MP),
    Exclusion("ml_dtypes", _JAX, _MP),
    Exclusion("opt_einsum", _JAX, _MP),
    Exclusion("sentencepiece", "MediaPipe's LLM tokenizer only", _MP),
    Exclusion("mediapipe.tasks.python.genai.converter", _JAX, _MP),
    Exclusion("mediapipe.tasks.python.genai.bundler", _JAX, _MP),
    Exclusion("mediapipe.model_maker", "training MediaPipe models: not used", _MP),
    Exclusion("sounddevice", "MediaPipe's audio tasks only", _MP),
    Exclusion("cv2", _DRAW, _MP),
    Exclusion("matplotlib", _DRAW, _MP),
    Exclusion("PIL", _DRAW + " (and matplotlib, also left out)", _MP),
    Exclusion("contourpy", "a matplotlib dependency", _MP),
    Exclusion("kiwisolver", "a matplotlib dependency", _MP),
    Exclusion("fontTools", "a matplotlib dependency", _MP),
    Exclusion("cycler", "a matplotlib dependency", _MP),
    Exclusion("pyarrow", "only export to .parquet needs it: the bundle refuses .parquet "
              "with 'writing Parquet needs pyarrow' and writes .csv", "parquet"),
    Exclusion("scipy.signal", _SCIPY, "evaluate"),
    Exclusion("scipy.differentiate", _SCIPY, "evaluate"),
    Exclusion("scipy.io", _SCIPY, "evaluate"),
    Exclusion("scipy.odr", _SCIPY, "evaluate"),
    Exclusion("scipy.datasets", _SCIPY, "evaluate"),
    Exclusion("scipy.misc", _SCIPY, "evaluate"),
    Exclusion("scipy.cluster", _SCIPY, "evaluate"),
    Exclusion("scipy.fftpack", _SCIPY, "evaluate"),
    Exclusion("tkinter", "the window is Qt", "window"),
    Exclusion("PySide6.QtNetwork", "nothing of the app uses the network", "window"),
    Exclusion("PySide6.QtQml", "no QML", "window"),
    Exclusion("PySide6.QtQuick", "no QML", "window"),
    Exclusion("PySide6.QtTest", "tests only", "window"),
    Exclusion("PySide6.QtDBus", "not used", "window"),
    Exclusion("pyqtgraph.opengl", "pyqtgraph's 3-D widgets: not used (the 2-D plots still "
              "need PySide6.QtOpenGL, which is kept)", "window"),
    Exclusion("pyqtgraph.examples", "pyqtgraph's demos", "window"),
    Exclusion("pyqtgraph.jupyter", "notebooks only", "window"),
    Exclusion("IPython", "not used", "window"),
    Exclusion("pytest", "tests only", "window"),
)

#: The MediaPipe files Holistic opens (model_complexity=1, refine_face_landmarks=True), the
#: same for images and video (found with strace): 8 of the wheel's files.
HOLISTIC_MODELS: tuple[str, ...] = (
    "modules/face_detection/face_detection_short_range.tflite",
    "modules/face_landmark/face_landmark_with_attention.tflite",
    "modules/hand_landmark/hand_landmark_full.tflite",
    "modules/hand_landmark/handedness.txt",
    "modules/holistic_landmark/hand_recrop.tflite",
    "modules/holistic_landmark/holistic_landmark_cpu.binarypb",
    "modules/pose_detection/pose_detection.tflite",
    "modules/pose_landmark/pose_landmark_full.tflite",
)

#: VLC's plugins the bundle carries (folder: plugin names), enough to play local video files
#: without sound into the player's own buffer: the file access, the usual containers, every
#: codec libavcodec knows, packetizers and picture conversions.  VLC playing a demo clip
#: uses filesystem, mp4, avcodec, swscale, yuvp, vmem (-vv); the rest covers .mov, .mkv,
#: .webm, .avi, MPEG files.  Every plugin in the folder is loaded when libVLC starts, so
#: each one left out also keeps its libraries out.
VLC_PLUGINS: dict[str, tuple[str, ...]] = {
    "access": ("filesystem",),
    "control": ("dummy",),
    "demux": ("mp4", "mkv", "avi", "es", "ps", "ts", "h26x", "mpgv"),
    "codec": ("avcodec",),
    "packetizer": ("packetizer_h264", "packetizer_hevc", "packetizer_mpeg4video",
                   "packetizer_mpegvideo", "packetizer_av1", "packetizer_vc1",
                   "packetizer_copy", "packetizer_avparser"),
    "stream_filter": ("cache_read", "prefetch"),
    "video_chroma": ("chain", "swscale", "yuvp", "i420_rgb", "i420_rgb_sse2",
                     "i420_rgb_mmx", "i422_i420", "i420_nv12", "i420_10_p010", "grey_yuv",
                     "yuy2_i420", "yuy2_i422", "rv32"),
    "video_filter": ("deinterlace",),
    "video_output": ("vmem", "vdummy"),
    "logger": ("console_logger",),
    "keystore": ("memory_keystore",),
}

#: Qt plugins left out (folder/file name prefixes under PySide6/Qt/plugins), with the system
#: libraries only they need: the window runs on X11 (xcb, also under Wayland through
#: XWayland) and offscreen; the GTK theme would need GTK 3, which the bundle does not carry.
QT_PLUGINS_LEFT_OUT: tuple[str, ...] = (
    "platformthemes/libqgtk3", "platforms/libqwayland", "platforms/libqeglfs",
    "platforms/libqlinuxfb", "platforms/libqvnc", "platforms/libqminimal",
    "platforms/libqvkkhrdisplay", "wayland-", "egldeviceintegrations/",
)

#: Linux: the system libraries that only VLC's plugins need (Debian's libavcodec59 and the
#: codecs it links, about 150 MB, ICU included) stay out of the bundle.  The bundle records
#: their names in vlc/needs.txt; its runtime hook uses the bundled libVLC only where they are
#: all installed (the .deb depends on their packages), and PyAV plays otherwise.
#: (The spec's trim_linux_libraries does it.)

#: Files PyInstaller's --strip must not touch: SciPy's (and numpy's) OpenBLAS in *.libs/
#: fails to load once stripped ("ELF load command address/offset not page-aligned").
NO_STRIP_PARTS = (".libs",)

#: The issue's target for the unpacked bundle, and the ceiling the build enforces.  The
#: bundle is over the target (494 MB on Debian 12, see BENCHMARKS.md "Bundle"): pandas is
#: kept only so that .parquet says "needs pyarrow" (17 MB), and the PostgreSQL client
#: (psycopg, keyring's cryptography, libpq's Kerberos and OpenSSL: about 31 MB) came with
#: server projects.  The ceiling catches anything new that would grow it further.
TARGET_BUNDLE_MB = 450
MAX_BUNDLE_MB = 520

#: Licences the bundle must carry, by distribution (as pip names it): the notices file
#: collects each one's licence files from its dist-info folder.
NOTICE_DISTRIBUTIONS: tuple[str, ...] = (
    "PySide6_Essentials", "shiboken6", "av", "python-vlc", "mediapipe", "numpy", "scipy",
    "scikit-learn", "pandas", "SQLAlchemy", "alembic", "Mako", "MarkupSafe", "pyqtgraph",
    "krippendorff", "pympi-ling", "platformdirs", "defusedxml", "protobuf", "absl-py",
    "flatbuffers", "attrs", "joblib", "threadpoolctl", "python-dateutil", "tzdata",
    "typing_extensions", "packaging", "colorama",
)
