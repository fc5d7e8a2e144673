"""The command line as a user runs it: CSV exports safe for spreadsheets (``--raw`` writes what
is stored), bad names refused with one line, a closed pipe ending quietly, XML with a DTD
refused."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from emosign_desktop.cli import PIPE_CLOSED, build_parser
from emosign_desktop.core.model import CONSENSUS_ANNOTATOR
from emosign_desktop.services.session import open_session
from emosign_desktop.storage import PROJECT_FILE
from tests.cli.run import emosign
from tests.conftest import dump_project
from tests.io.test_eaf import field_eaf
from tests.io.test_signstream import signstream_xml

FORMULA = '=HYPERLINK("http://x")'


def rows(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def hostile(project_dir):
    """Video '@SUM(A1)'; annotator '-cmd' (sentiment -3, cues '=HYPERLINK(...)'); consensus
    sentiment -1 with the same reasoning; tier '+1+1' with a segment '=1' noted '\\rx'."""
    with open_session(project_dir) as session:
        from emosign_desktop.services.videos import add_named_videos

        [video] = add_named_videos(session, ["@SUM(A1)"])
        session.editing.set_labels(video.id, "-cmd", {"sentiment": -3, "cues": FORMULA})
        session.editing.set_labels(video.id, CONSENSUS_ANNOTATOR, {"sentiment": -1})
        tier = session.editing.add_tier("+1+1")
        session.editing.add_segment(video.id, "-cmd", tier.id, 0, 3, "=1", "\rx")
    return project_dir


@pytest.mark.parametrize(("options", "column", "safe", "stored"), [
    ((), "video_name", "'@SUM(A1)", "@SUM(A1)"),
    (("--annotator=-cmd",), "cues", "'" + FORMULA, FORMULA),
    (("--aggregate", "majority"), "Reasoning_1", "'" + FORMULA, FORMULA),
    (("--long",), "annotator", "'-cmd", "-cmd"),
])
def test_export_csv_is_safe_in_every_mode_and_raw_writes_what_is_stored(
        hostile, tmp_path, options, column, safe, stored):
    out, raw = tmp_path / "out.csv", tmp_path / "raw.csv"
    r = emosign("export-csv", hostile, out, *options)
    assert r.returncode == 0, r.stderr
    assert emosign("export-csv", hostile, raw, *options, "--raw").returncode == 0
    first = rows(out)[0]
    assert first[column] == safe and rows(raw)[0][column] == stored
    numbers = {r.get("Sentiment") or r.get("value") for r in rows(out)}
    assert numbers & {"-1", "-3"}  # negative sentiments stay numbers


def test_export_segments_is_safe_and_raw_writes_what_is_stored(hostile, tmp_path):
    out, raw = tmp_path / "s.csv", tmp_path / "raw.csv"
    assert emosign("export-segments", hostile, "-o", out).returncode == 0
    assert emosign("export-segments", hostile, "-o", raw, "--raw").returncode == 0
    [safe_row], [raw_row] = rows(out), rows(raw)
    assert [safe_row[c] for c in ("video", "annotator", "tier", "value", "note")] == [
        "'@SUM(A1)", "'-cmd", "'+1+1", "'=1", "'\rx"]
    assert [raw_row[c] for c in ("video", "annotator", "tier", "value", "note")] == [
        "@SUM(A1)", "-cmd", "+1+1", "=1", "\rx"]


@pytest.mark.parametrize("command", [["export-csv", "d", "f.csv"],
                                     ["export-segments", "d", "-o", "f.csv"],
                                     ["signals", "d", "v", "-o", "f.csv"]])
def test_every_command_that_writes_csv_has_raw(command):
    parser = build_parser()
    assert parser.parse_args([*command, "--raw"]).raw is True
    assert parser.parse_args(command).raw is False


# -- names -------------------------------------------------------------------------------------
def test_a_bad_annotator_name_is_refused_with_one_line(project_dir, tmp_path):
    src = tmp_path / "mine.csv"
    src.write_text("video_name,Sentiment," + ",".join(
        ["joy", "excited", "surprise_pos", "surprise_neg", "worry", "sadness", "fear",
         "disgust", "frustration", "anger"]) + "\nv1,1," + ",".join(["1"] * 10) + "\n")
    before = dump_project(project_dir / PROJECT_FILE)
    for name, problem in (("a\tb", "holds a tab (U+0009) at character 2"),
                          ("x" * 300, "is 300 characters long; a name may have at most 255")):
        r = emosign("import-csv", project_dir, src, "--annotator", name)
        assert r.returncode == 2 and r.stdout == ""
        assert r.stderr.count("\n") == 1 and problem in r.stderr
        assert r.stderr.startswith("emosign import-csv: error: the annotator name '")
    assert dump_project(project_dir / PROJECT_FILE) == before


def test_a_video_file_whose_name_holds_a_control_character_is_not_added(project_dir, tmp_path,
                                                                        sample_video):
    odd = tmp_path / "bad\x1bclip.mp4"
    shutil.copy(sample_video, odd)
    r = emosign("add", project_dir, odd)
    assert r.returncode == 2, r.stderr
    assert "the video name 'bad\\x1bclip' holds a control character (U+001B)" in r.stderr
    with open_session(project_dir) as session:
        assert session._repo.videos() == []


# -- a closed pipe -----------------------------------------------------------------------------
def run_into_closed_pipe(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``emosign`` with standard output a pipe nobody reads: closed before it starts."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run([sys.executable, "-m", "emosign_desktop", *map(str, args)],
                              stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)


@pytest.mark.parametrize("args", [("info", "{dir}"), ("info", "{dir}", "--json"),
                                  ("conflicts", "{dir}"), ("--help",), ("info", "--help"),
                                  ("--version",)])
def test_a_closed_pipe_ends_quietly(project_dir, args):
    r = run_into_closed_pipe(*(a.format(dir=project_dir) for a in args))
    assert r.stderr == ""
    assert r.returncode in (0, PIPE_CLOSED)
    assert not (Path(os.environ["EMOSIGN_LOG_DIR"]) / "crash.log").exists()


def test_info_into_head_ends_quietly(project_dir):
    """``emosign info DIR | head -1`` on a project whose listing is larger than a pipe holds."""
    with open_session(project_dir) as session:
        from emosign_desktop.services.videos import add_named_videos

        add_named_videos(session, [f"Signer{i % 4}_2025-1-1_sc{i:05d}" for i in
                                          range(3000)])
    writer = subprocess.Popen([sys.executable, "-m", "emosign_desktop", "info", project_dir],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    head = subprocess.run(["head", "-1"], stdin=writer.stdout, capture_output=True, timeout=120)
    assert writer.stdout is not None
    writer.stdout.close()
    _, err = writer.communicate(timeout=120)
    assert head.stdout.startswith(b"project ")
    assert err == b"" and writer.returncode == PIPE_CLOSED


# -- XML with a DTD ----------------------------------------------------------------------------
@pytest.mark.parametrize(("command", "name", "text", "root"), [
    ("import-eaf", "clip.eaf", field_eaf(), "ANNOTATION_DOCUMENT"),
    ("import-signstream", "clip.xml", signstream_xml(), "SIGNSTREAM-DATABASE"),
])
def test_xml_with_an_external_dtd_is_refused(project_dir, tmp_path, command, name, text, root):
    at = text.index(f"<{root}")
    path = tmp_path / name
    path.write_text(text[:at] + f'<!DOCTYPE {root} SYSTEM "http://127.0.0.1:9/x.dtd">'
                    + text[at:], encoding="utf-8")
    before = dump_project(project_dir / PROJECT_FILE)
    r = emosign(command, project_dir, path)
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert (f"{path}: the XML declares a document type (DTD) '{root}' (external: "
            "http://127.0.0.1:9/x.dtd, not fetched)") in r.stderr
    assert dump_project(project_dir / PROJECT_FILE) == before


def test_the_apps_annotator_option_is_refused_before_any_window(capsys):
    from emosign_desktop import app

    with pytest.raises(SystemExit) as exit_:
        app.main(["--annotator", "a\tb"])
    assert exit_.value.code == 2
    assert "--annotator: the name holds a tab (U+0009) at character 2" in capsys.readouterr().err
