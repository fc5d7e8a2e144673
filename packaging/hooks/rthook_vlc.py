"""PyInstaller runtime hook: python-vlc uses the libVLC and plugins inside the bundle.

The bundle carries ``libvlc`` and ``libvlccore`` at its top and a chosen set of VLC's
plugins in ``vlc/plugins`` (see packaging/bundle_config.py).  On Linux the system libraries
that only those plugins need (Debian's libavcodec59 and its codecs) are not carried:
``vlc/needs.txt`` names them, and the bundled libVLC is used only where all of them are
installed (the .deb depends on them).  Otherwise nothing is set here: python-vlc looks for
a system libVLC as usual, and without one the app plays with PyAV (its About box says
so).  ``EMOSIGN_PLAYBACK=pyav`` still turns VLC off."""

import os
import sys

_here = getattr(sys, "_MEIPASS", "")
_names = {"win32": "libvlc.dll", "darwin": "libvlc.dylib"}
_lib = os.path.join(_here, _names.get(sys.platform, "libvlc.so.5"))
_plugins = os.path.join(_here, "vlc", "plugins")
_LIB_DIRS = ("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
             "/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib")


def _system_has_what_vlc_needs():
    needs = os.path.join(_here, "vlc", "needs.txt")
    if not os.path.isfile(needs):
        return True
    with open(needs, encoding="utf-8") as fh:
        names = [line.strip() for line in fh if line.strip()]
    dirs = [d for d in os.environ.get("LD_LIBRARY_PATH", "").split(os.pathsep) if d]
    dirs += [_here, *_LIB_DIRS]
    return all(any(os.path.exists(os.path.join(d, n)) for d in dirs) for n in names)


if _here and os.path.isfile(_lib) and os.path.isdir(_plugins) and _system_has_what_vlc_needs():
    os.environ.setdefault("PYTHON_VLC_LIB_PATH", _lib)
    os.environ.setdefault("PYTHON_VLC_MODULE_PATH", _plugins)
    os.environ["VLC_PLUGIN_PATH"] = _plugins  # never the system's plugins with our libVLC
