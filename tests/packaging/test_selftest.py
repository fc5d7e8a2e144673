"""The self-test from source: every check passes here, a failing check exits 1 naming it,
and every exclusion of the bundle names a check that exists."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

from emosign_desktop import selftest
from emosign_desktop.app import check_about, check_window
from tests.packaging.helpers import ROOT, load

APP_CHECKS = [("window", check_window), ("about", check_about)]


def test_every_exclusion_names_a_check_that_exists():
    config = load("bundle_config")
    names = set(selftest.check_names(APP_CHECKS))
    for exclusion in config.EXCLUDES:
        assert set(exclusion.checks) <= names, exclusion
        assert exclusion.why


def test_exclusions_apply_to_the_platforms_they_name():
    config = load("bundle_config")
    linux_only = config.Exclusion("x", "why", "window", platforms=("linux",))
    assert linux_only.applies("linux") and not linux_only.applies("win32")
    assert not linux_only.applies("darwin")
    assert all(e.applies("linux") for e in config.EXCLUDES)
    # psycopg_binary (its own libpq) is carried everywhere: the system's libpq5 is not base
    assert "psycopg_binary" not in [e.module for e in config.EXCLUDES]


def test_a_failing_check_exits_1_and_names_it():
    def broken(_ctx: selftest.Context) -> str:
        raise ValueError("the bad thing")

    out = io.StringIO()
    code = selftest.run([("ok-one", lambda _ctx: "fine"), ("broken", broken)],
                        only=["ok-one", "broken"], out=out)
    lines = out.getvalue().splitlines()
    assert code == 1
    assert lines[0] == "ok   ok-one: fine [0.0 s]"
    assert lines[1].startswith("FAIL broken: ValueError: the bad thing (test_selftest.py:")
    assert lines[-1].startswith("self-test FAILED: broken (1 passed, 1 failed, 0 skipped")


def test_a_skipped_check_is_said_and_does_not_fail():
    def not_here(_ctx: selftest.Context) -> str:
        raise selftest.CheckSkipped("libVLC is not available here")

    out = io.StringIO()
    assert selftest.run([("maybe", not_here)], only=["maybe"], out=out) == 0
    assert out.getvalue().splitlines() == [
        "skip maybe: libVLC is not available here",
        out.getvalue().splitlines()[-1]]
    assert out.getvalue().splitlines()[-1].startswith("self-test passed: 0 checks (1 skipped")


def test_checks_run_in_a_temporary_home_and_leave_the_environment_as_it_was():
    before = {k: os.environ.get(k) for k in selftest._ISOLATED}
    seen: dict[str, str] = {}

    def look(ctx: selftest.Context) -> str:
        seen.update({k: os.environ[k] for k in selftest._ISOLATED})
        seen["root"] = str(ctx.root)
        return "looked"

    assert selftest.run([("look", look)], only=["look"], out=io.StringIO()) == 0
    assert all(v.startswith(seen["root"]) for k, v in seen.items() if k != "root")
    assert {k: os.environ.get(k) for k in selftest._ISOLATED} == before
    assert not os.path.exists(seen["root"])  # removed afterwards


@pytest.mark.slow
def test_the_self_test_passes_from_the_checkout():
    """``python -m emosign_desktop.app --self-test``: one line per check, exit 0."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-m", "emosign_desktop.app", "--self-test"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    lines = [ln for ln in result.stdout.splitlines()
             if ln.startswith(("ok ", "FAIL ", "skip "))]
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    names = [ln.split(":")[0].split()[-1] for ln in lines]
    assert names == selftest.check_names(APP_CHECKS)
    assert result.stdout.splitlines()[-1].startswith("self-test passed:")


def test_the_face_model_check_runs_the_shipped_model():
    out = io.StringIO()
    assert selftest.run(only=["face-model"], out=out) == 0, out.getvalue()
    [line] = [ln for ln in out.getvalue().splitlines() if "face-model" in ln]
    assert line.startswith("ok   face-model: face_landmarker.task (sha256 64184e22..., as "
                           "shipped) ran in VIDEO mode: no face on a grey frame; on frame 0 of "
                           f"{selftest.CLIP}.mp4 52 blendshapes"), line


def test_the_face_model_check_fails_naming_a_changed_model(tmp_path, monkeypatch):
    resources = tmp_path / "resources"
    (resources / "models").mkdir(parents=True)
    (resources / "demo").symlink_to(ROOT / "resources" / "demo", target_is_directory=True)
    model = resources / "models" / "face_landmarker.task"
    data = bytearray((ROOT / "resources" / "models" / "face_landmarker.task").read_bytes())
    data[100] ^= 0xFF
    model.write_bytes(bytes(data))
    monkeypatch.setenv("EMOSIGN_RESOURCES", str(resources))
    out = io.StringIO()
    assert selftest.run(only=["face-model"], out=out) == 1
    [line] = [ln for ln in out.getvalue().splitlines() if ln.startswith("FAIL")]
    assert line.startswith(f"FAIL face-model: FaceModelError: {model}: the face landmarker "
                           "model has sha256 "), line
    assert out.getvalue().splitlines()[-1].startswith("self-test FAILED: face-model")
