"""PyInstaller runtime hook: a ``mediapipe.python.solutions.drawing_utils`` without OpenCV,
matplotlib and PIL.

``mediapipe.python.solutions`` imports ``drawing_utils`` (and ``drawing_styles``, which takes
its ``DrawingSpec`` and colours) for every solution; the real module imports cv2 and
matplotlib at its top.  EmoSign Desktop never draws with it (the player draws landmarks
with Qt), so the bundle leaves OpenCV, matplotlib and PIL out and this hook provides the
module's data with drawing functions that say they are not in this build.  A pip install
keeps MediaPipe's own module: this hook runs only inside the bundle."""

import dataclasses
import importlib.abc
import importlib.machinery
import sys

_NAME = "mediapipe.python.solutions.drawing_utils"


def _fill(module):
    @dataclasses.dataclass
    class DrawingSpec:
        color: tuple = (224, 224, 224)
        thickness: int = 2
        circle_radius: int = 2

    def _not_here(*_args, **_kwargs):
        raise RuntimeError("MediaPipe's OpenCV drawing is not part of EmoSign Desktop's "
                           "bundle (the player draws landmarks itself)")

    module.DrawingSpec = DrawingSpec
    module.WHITE_COLOR = (224, 224, 224)
    module.BLACK_COLOR = (0, 0, 0)
    module.RED_COLOR = (0, 0, 255)
    module.GREEN_COLOR = (0, 128, 0)
    module.BLUE_COLOR = (255, 0, 0)
    module.BUNDLE_STUB = True
    for name in ("draw_detection", "draw_landmarks", "draw_axis", "plot_landmarks"):
        setattr(module, name, _not_here)


class _Loader(importlib.abc.Loader):
    def create_module(self, spec):
        return None  # the default module object

    def exec_module(self, module):
        _fill(module)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname != _NAME:
            return None
        return importlib.machinery.ModuleSpec(fullname, _Loader())


sys.meta_path.insert(0, _Finder())
