"""The packaging scripts, from source (no bundle needed): what the bundle keeps and leaves
out, the runtime hooks, the notices, the icons, the Debian files, the launcher."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.packaging.helpers import PACKAGING, ROOT, load

config = load("bundle_config")


def test_the_models_kept_are_files_of_the_installed_mediapipe():
    mediapipe = Path(importlib.util.find_spec("mediapipe").submodule_search_locations[0])
    for rel in config.HOLISTIC_MODELS:
        assert (mediapipe / rel).is_file(), rel
    all_models = [p for p in mediapipe.rglob("*") if p.suffix in (".tflite", ".binarypb")]
    assert len(config.HOLISTIC_MODELS) == 8 < len(all_models)


def test_the_vlc_plugins_chosen_exist_where_libvlc_is_installed():
    plugins = Path("/usr/lib/x86_64-linux-gnu/vlc/plugins")
    if not plugins.is_dir():
        pytest.skip("libVLC's plugins are not installed here (Debian: vlc-plugin-base)")
    for folder, names in config.VLC_PLUGINS.items():
        for name in names:
            assert (plugins / folder / f"lib{name}_plugin.so").is_file(), (folder, name)


HOOK_PROBE = """
import sys, importlib.abc
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("cv2", "matplotlib", "PIL", "jax", "jaxlib"):
            raise ImportError(f"{name} is left out of the bundle")
sys.meta_path.insert(0, Block())
exec(open(sys.argv[1]).read())
import mediapipe as mp
from mediapipe.python.solutions import drawing_styles, drawing_utils
assert drawing_utils.BUNDLE_STUB and drawing_styles.get_default_hand_landmarks_style()
holistic = mp.solutions.holistic.Holistic(static_image_mode=True)
holistic.close()
try:
    drawing_utils.draw_landmarks(None, None)
except RuntimeError as exc:
    print("drawing:", exc)
print("ok", mp.__version__)
"""


def test_the_drawing_hook_lets_holistic_run_without_opencv_matplotlib_pil_and_jax():
    hook = PACKAGING / "hooks" / "rthook_mediapipe_drawing.py"
    result = subprocess.run([sys.executable, "-c", HOOK_PROBE, str(hook)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "drawing: MediaPipe's OpenCV drawing is not part" in result.stdout
    assert result.stdout.strip().endswith("ok 0.10.21")


def test_the_vlc_hook_points_python_vlc_into_the_bundle_only_when_it_carries_libvlc(tmp_path):
    hook = (PACKAGING / "hooks" / "rthook_vlc.py").read_text()
    probe = ("import os, sys; sys._MEIPASS = sys.argv[1]; exec(sys.argv[2]); "
             "print(os.environ.get('PYTHON_VLC_LIB_PATH', '-'), "
             "os.environ.get('VLC_PLUGIN_PATH', '-'))")
    env = {k: v for k, v in os.environ.items() if "VLC" not in k}
    empty = subprocess.run([sys.executable, "-c", probe, str(tmp_path), hook], env=env,
                           capture_output=True, text=True, check=True)
    assert empty.stdout.split() == ["-", "-"]
    (tmp_path / "libvlc.so.5").write_bytes(b"")
    (tmp_path / "vlc" / "plugins").mkdir(parents=True)
    carried = subprocess.run([sys.executable, "-c", probe, str(tmp_path), hook], env=env,
                             capture_output=True, text=True, check=True)
    assert carried.stdout.split() == [str(tmp_path / "libvlc.so.5"),
                                      str(tmp_path / "vlc" / "plugins")]


def test_debug_info_is_found_and_libs_folders_are_never_stripped(tmp_path):
    build = load("build_bundle")
    libs = Path(importlib.util.find_spec("numpy").origin).parent.parent / "numpy.libs"
    assert build.has_debug_info(Path(sys.executable).resolve()) in (True, False)
    assert not build.has_debug_info(PACKAGING / "launcher.py")
    if shutil.which("strip") is None or shutil.which("gcc") is None:
        pytest.skip("needs gcc and strip (binutils)")
    src = tmp_path / "x.c"
    src.write_text("int answer(void) { return 42; }\n")
    for folder in ("plain", "scipy.libs"):
        (tmp_path / "bundle" / folder).mkdir(parents=True)
        subprocess.run(["gcc", "-g", "-shared", "-fPIC", "-o",
                        str(tmp_path / "bundle" / folder / "libx.so"), str(src)], check=True)
    assert build.has_debug_info(tmp_path / "bundle" / "plain" / "libx.so")
    files, saved = build.strip_debug(tmp_path / "bundle")
    assert files == 1 and saved > 0
    assert not build.has_debug_info(tmp_path / "bundle" / "plain" / "libx.so")
    assert build.has_debug_info(tmp_path / "bundle" / "scipy.libs" / "libx.so")
    assert libs.name.endswith(config.NO_STRIP_PARTS)


def test_parts_are_measured_by_folder(tmp_path):
    build = load("build_bundle")
    internal = tmp_path / "b" / "_internal"
    for rel, size in (("PySide6/Qt/lib/libQt6Core.so.6", 1000), ("av.libs/libavcodec.so", 500),
                      ("libvlc.so.5", 20), ("vlc/plugins/codec/libavcodec_plugin.so", 30),
                      ("libx265.so.199", 70), ("somepkg/__init__.pyc", 5),
                      ("libpython3.11.so.1.0", 3), ("python3.11/lib-dynload/_ssl.so", 2)):
        (internal / rel).parent.mkdir(parents=True, exist_ok=True)
        (internal / rel).write_bytes(b"x" * size)
    (tmp_path / "b" / "emosign-desktop").write_bytes(b"x" * 7)
    (tmp_path / "b" / "emosign").symlink_to("emosign-desktop")
    sizes = build.measure(tmp_path / "b")
    assert sizes["PySide6 (Qt)"] == 1000 and sizes["PyAV and FFmpeg"] == 500
    assert sizes["libVLC"] == 20 and sizes["libVLC plugins"] == 30
    assert sizes[build.OTHER_LIBRARIES] == 70 and sizes["Python"] == 5
    assert sizes["other Python packages"] == 5 and sizes["executables and notices"] == 7
    assert sizes["total"] == 1637


def test_the_notices_carry_qt_ffmpeg_mediapipe_and_the_demo_clips(tmp_path):
    out = tmp_path / "NOTICES.txt"
    subprocess.run([sys.executable, str(PACKAGING / "notices.py"), str(out)], check=True,
                   capture_output=True)
    text = out.read_text(encoding="utf-8")
    for needle in ("PySide6_Essentials", "LGPL-3.0", "FFmpeg", "libavcodec", "mediapipe 0.10.21",
                   "Apache License", "The demo clips: resources/demo/NOTICE.md",
                   (ROOT / "resources" / "demo" / "NOTICE.md").read_text().splitlines()[0]):
        assert needle in text, needle


def test_icons_are_drawn_at_the_usual_sizes(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    subprocess.run([sys.executable, str(PACKAGING / "make_icons.py"), str(tmp_path)], env=env,
                   check=True, capture_output=True)
    from PySide6.QtGui import QImage

    for size in (16, 32, 48, 64, 128, 256, 512):
        image = QImage(str(tmp_path / "hicolor" / f"{size}x{size}" / "apps" /
                           "emosign-desktop.png"))
        assert (image.width(), image.height()) == (size, size)
        assert image.pixelColor(size // 2, size // 2).alpha() == 255
    assert (tmp_path / "emosign-desktop.ico").read_bytes()[:4] == b"\0\0\1\0"


def test_the_menu_entry_is_valid_and_opens_project_files(tmp_path):
    deb = load("build_deb")
    desktop = tmp_path / "emosign-desktop.desktop"
    desktop.write_text(deb.DESKTOP)
    assert f"MimeType={deb.MIME_TYPE};" in deb.DESKTOP and "Exec=emosign-desktop %f" in deb.DESKTOP
    root = ET.fromstring(deb.MIME)
    ns = "{http://www.freedesktop.org/standards/shared-mime-info}"
    [mime] = root.findall(f"{ns}mime-type")
    assert mime.get("type") == deb.MIME_TYPE
    assert "project.emosign" in [g.get("pattern") for g in mime.findall(f"{ns}glob")]
    validate = shutil.which("desktop-file-validate")
    if validate is None:
        pytest.skip("desktop-file-validate is not installed (Debian: desktop-file-utils)")
    result = subprocess.run([validate, str(desktop)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


def test_the_launcher_chooses_by_the_name_it_was_started_as(monkeypatch, capsys):
    launcher = load("launcher")
    monkeypatch.setattr(sys, "argv", ["/usr/bin/emosign", "--version"])
    with pytest.raises(SystemExit):
        launcher._entry()
    assert capsys.readouterr().out.startswith("emosign ")
    monkeypatch.setattr(sys, "argv", ["/opt/emosign-desktop/emosign-desktop", "--version"])
    with pytest.raises(SystemExit):
        launcher._entry()
    assert capsys.readouterr().out.startswith("emosign-desktop ")


def test_the_spec_and_the_windows_and_macos_recipes_are_there():
    spec = (PACKAGING / "emosign-desktop.spec").read_text()
    compile(spec, "emosign-desktop.spec", "exec")
    for needle in ("WINDOWS", "MACOS", "BUNDLE(", "CFBundleDocumentTypes", 'name="emosign"'):
        assert needle in spec
    iss = (PACKAGING / "windows" / "emosign-desktop.iss").read_text()
    assert "{app}\\emosign-desktop.exe" in iss and ".emosign" in iss
    dmg = (PACKAGING / "macos" / "make_dmg.sh").read_text()
    assert "hdiutil create" in dmg
    workflow = (ROOT / ".github" / "workflows" / "installers.yml").read_text()
    for needle in ("windows-latest", "macos-latest", "--self-test", "make_dmg.sh", "ISCC"):
        assert needle in workflow


def test_the_deb_depends_on_libpq5_where_the_bundle_has_no_psycopg_binary(tmp_path):
    deb = load("build_deb")
    internal = tmp_path / "b" / "_internal"
    internal.mkdir(parents=True)
    assert deb.loaded_by_name(tmp_path / "b") == ["libpq5"]
    (internal / "psycopg_binary").mkdir()
    assert deb.loaded_by_name(tmp_path / "b") == []

