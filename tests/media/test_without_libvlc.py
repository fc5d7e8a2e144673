"""Where libVLC is not installed the app still plays, with PyAV."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from emosign_desktop.resources import resource_dir

NO_LIBVLC = '''
import ctypes, ctypes.util
_find, _cdll = ctypes.util.find_library, ctypes.CDLL
ctypes.util.find_library = lambda name: None if "vlc" in name else _find(name)
class _CDLL(_cdll):
    def __init__(self, name, *a, **k):
        if name and "vlc" in str(name):
            raise OSError(f"{name}: cannot open shared object file")
        super().__init__(name, *a, **k)
ctypes.CDLL = _CDLL
'''

PLAY = '''
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
from PySide6.QtCore import QTimer
from emosign_desktop.services.review_session import ReviewSession
from emosign_desktop.ui.player.player_widget import PlayerWidget
app = QApplication([])
player = PlayerWidget(ReviewSession(), cache_mb=32)
player.show()
assert player.open(sys.argv[1])
print("engine", player.backend.name)
player.playhead.set_playing(True)
def stop():
    player.playhead.set_playing(False)
    import numpy as np
    at = player.playhead.current  # the picture on the view is exactly that frame's
    same = np.array_equal(player.view.picture, player.reader.frame(at))
    print("reached", at, "shown", at if same else -1)
    player.close_media()
    app.quit()
QTimer.singleShot(800, stop)
app.exec()
'''


def test_player_falls_back_to_pyav(tmp_path: Path):
    (tmp_path / "sitecustomize.py").write_text(NO_LIBVLC)
    env = dict(os.environ, PYTHONPATH=f"{tmp_path}{os.pathsep}{Path(__file__).parents[2]}")
    env.pop("EMOSIGN_PLAYBACK", None)
    r = subprocess.run([sys.executable, "-c", PLAY,
                        str(resource_dir() / "demo" / "pose_test_video.mp4")],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "engine PyAV" in r.stdout
    reached = r.stdout.split("reached")[1].split()
    assert int(reached[0]) > 5 and reached[0] == reached[2]  # played; shows the exact frame


def test_bad_vlc_library_path_does_not_exit(tmp_path: Path):
    env = dict(os.environ, PYTHON_VLC_LIB_PATH=str(tmp_path / "missing" / "libvlc.so.5"))
    env.pop("EMOSIGN_PLAYBACK", None)
    r = subprocess.run([sys.executable, "-c", "from emosign_desktop.media.playback import "
                        "vlc_available; print('available', vlc_available())"],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0 and "available False" in r.stdout
