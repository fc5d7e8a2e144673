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
    also: tuple[str, ...] = ()  # further checks that run code which might import it
    platforms: tuple[str, ...] = ()  # sys.platform prefixes it applies to (empty: all)

    def applies(self, platform: str) -> bool:
        return not self.platforms or platform.startswith(self.platforms)

    @property
    def checks(self) -> tuple[str, ...]:
        return (self.check, *self.also)


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
    Exclusion("pandas", "only export to .parquet imports it, after pyarrow (left out): the "
              "bundle says 'writing Parquet needs pyarrow' without it; scikit-learn's metrics "
              "do not need it", "parquet", also=("evaluate",)),
    Exclusion("rich", "scikit-learn's optional progress bars only", "evaluate"),
    Exclusion("pygments", "rich's and Mako's optional syntax highlighting only", "evaluate",
              also=("demo",)),
    Exclusion("markdown_it", "a rich dependency", "evaluate"),
    Exclusion("mdurl", "a rich dependency", "evaluate"),
    Exclusion("psycopg_binary", "Linux: psycopg uses the system's libpq through its "
              "pure-Python implementation (the .deb depends on libpq5); psycopg_binary's own "
              "libpq brings Kerberos, LDAP and OpenSSL (10.8 MB)", "postgresql",
              platforms=("linux",)),
    Exclusion("setuptools", "only cffi's build-time API (cffi.api, cffi.recompiler) imports it; "
              "cryptography uses cffi's compiled backend", "postgresql"),
    Exclusion("pkg_resources", "only setuptools imports it", "postgresql"),
    Exclusion("_distutils_hack", "setuptools' own", "postgresql"),
    Exclusion("distutils", "setuptools' and cffi's build-time APIs only", "postgresql"),
    Exclusion("readline", "line editing at an interactive Python prompt (site, pdb, code): the "
              "bundle has none; takes libreadline with it", "window"),
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
    # input for EGLFS and linuxfb (left out above), and TUIO touch over the network, which
    # alone needs QtNetwork (with Kerberos): libQt6Network goes with it
    "generic/",
    # picture formats nothing of the app reads or writes (PNG is built in; JPEG, GIF, ICO and
    # SVG stay for pyqtgraph's export and icons)
    "imageformats/libqtiff", "imageformats/libqwebp", "imageformats/libqicns",
    "imageformats/libqtga", "imageformats/libqwbmp", "imageformats/libqpdf",
)

#: Qt data left out (folders under PySide6/Qt, or PySide6 on Windows): Qt's own translations
#: (7.3 MB); the app installs no translator, so its dialogs are in English either way.
QT_DATA_LEFT_OUT: tuple[str, ...] = ("translations/",)

#: Qt libraries (PySide6/Qt/lib) are kept only where a kept module or plugin needs them
#: (ldd): the Wayland, EGLFS and network libraries go with their plugins and modules.

#: Linux: the system libraries that only VLC's plugins need (Debian's libavcodec59 and the
#: codecs it links, about 150 MB, ICU included) stay out of the bundle.  The bundle records
#: their names in vlc/needs.txt; its runtime hook uses the bundled libVLC only where they are
#: all installed (the .deb depends on their packages), and PyAV plays otherwise.
#: (The spec's trim_linux_libraries does it.)

#: Linux: system libraries PyInstaller would take that every Debian and Ubuntu system has,
#: left to the system (the spec's trim_linux_libraries; checked by every --self-test check
#: that loads them):
#: - OpenSSL (libssl3, 5.4 MB; Python's ssl and hashlib, psycopg's pure-Python libpq
#:   wrapper imports ssl): the system's libpq is built against the system's OpenSSL, and
#:   would otherwise be handed the bundle's (postgresql, demo);
#: - the C++ runtime (libstdc++6, libgcc-s1, 2.3 MB; Qt, MediaPipe, SciPy): an older copy in
#:   the bundle breaks newer systems' OpenGL drivers, which need their own (window,
#:   mediapipe, evaluate);
#: - libmvec (glibc's vector maths, 1.0 MB; PyAV's x265): it must match the system's glibc
#:   (frame).
#: The .deb depends on libssl3 (found with ldd); the C and C++ runtimes need no Depends.
LEFT_TO_THE_SYSTEM: tuple[str, ...] = ("libssl.so.3", "libcrypto.so.3", "libstdc++.so.6",
                                       "libgcc_s.so.1", "libmvec.so.1")

#: Files PyInstaller's --strip must not touch: SciPy's (and numpy's) OpenBLAS in *.libs/
#: fails to load once stripped ("ELF load command address/offset not page-aligned").
NO_STRIP_PARTS = (".libs",)

#: The issue's target for the unpacked bundle, and the ceiling the build enforces: the same
#: since the bundle is under it (440 MB on Debian 12 with Dask, see BENCHMARKS.md "Bundle").
#: Anything new that would grow it past the target fails the build, to be measured first.
TARGET_BUNDLE_MB = 450
MAX_BUNDLE_MB = 450

#: Licences the bundle must carry, by distribution (as pip names it): the notices file
#: collects each one's licence files from its dist-info folder.
NOTICE_DISTRIBUTIONS: tuple[str, ...] = (
    "PySide6_Essentials", "shiboken6", "av", "python-vlc", "mediapipe", "numpy", "scipy",
    "scikit-learn", "SQLAlchemy", "alembic", "Mako", "MarkupSafe", "pyqtgraph",
    "krippendorff", "pympi-ling", "platformdirs", "defusedxml", "protobuf", "absl-py",
    "flatbuffers", "attrs", "joblib", "threadpoolctl", "typing_extensions", "packaging",
    "colorama", "narwhals",
    # PostgreSQL projects: psycopg (LGPL-3.0) and the keyring with its Secret Service backend
    "psycopg", "keyring", "jaraco.classes", "jaraco.context", "jaraco.functools",
    "SecretStorage", "jeepney", "cryptography", "cffi", "pycparser", "importlib_metadata",
    "zipp", "more-itertools", "backports.tarfile",
    # landmarks on a Dask cluster (emosign landmarks --scheduler)
    "dask", "distributed", "tornado", "click", "cloudpickle", "fsspec", "Jinja2", "locket",
    "msgpack", "partd", "psutil", "PyYAML", "sortedcontainers", "tblib", "toolz", "zict",
    "lazy-importer",
)
