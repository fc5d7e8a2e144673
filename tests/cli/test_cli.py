"""The ``emosign`` command, run as a user would, checking exit codes and what it prints.

Most tests run the command in this process (``tests.cli.run.emosign``: the entry point
``main`` with its output captured and its exit status returned as a subprocess would, checked
to leave no environment change, thread or open file behind), which spares the ~1 s each
interpreter start costs.  The tests about the real program run ``python -m emosign_desktop``
as a process of its own (``emosign_process``): ``--help`` as a program, the whole workflow
(every step's exit status from the interpreter) and the exit status 2 of bad input and of a
usage error; so do the closed-pipe tests of ``test_cli_safety.py``, where the process and its
standard output's file descriptor are the subject.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emosign_desktop.cli import build_parser
from tests.cli.run import emosign, emosign_process
from tests.conftest import demo_copy, dump_project
from tests.generate import make_audio_only, released_rows, write_released

SUBCOMMANDS = ("init", "add", "info", "import-csv", "export-csv", "demo")


def test_every_subcommand_has_help():
    actions = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert set(SUBCOMMANDS) <= set(actions)
    for name in SUBCOMMANDS:
        with pytest.raises(SystemExit) as exit_:
            build_parser().parse_args([name, "--help"])
        assert exit_.value.code == 0


def test_help_runs_as_a_program():
    r = emosign_process("--help")
    assert r.returncode == 0 and "import-csv" in r.stdout


def test_whole_workflow(tmp_path, sample_video):
    folder = tmp_path / "proj"
    r = emosign_process("init", folder)
    assert r.returncode == 0, r.stderr
    r = emosign_process("add", folder, sample_video)
    assert r.returncode == 0, r.stderr
    assert "12 frames, 12 fps, 64x48" in r.stdout
    rows = released_rows(5)
    rows[0][0] = "sample_clip"  # labels for the clip we added, by name
    csv_in = write_released(tmp_path / "labels.csv", rows)
    r = emosign_process("import-csv", folder, csv_in)
    assert r.returncode == 0, r.stderr
    assert "imported 5 rows (4 new videos)" in r.stdout
    r = emosign_process("info", folder, "--json")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert len(info["videos"]) == 5
    clip = next(v for v in info["videos"] if v["name"] == "sample_clip")
    assert clip["media"]["frame_count"] == 12 and clip["media_found"]
    assert clip["media_path"] == "../sample_clip.mp4" or clip["media_path"].endswith(
        "sample_clip.mp4")
    cons = next(a for a in info["annotators"] if a["name"] == "emosign-consensus")
    assert cons["annotations"] == 5 and cons["done"] == 5
    r = emosign_process("info", folder)
    assert r.returncode == 0 and "emosign-consensus (imported): 5 annotations" in r.stdout
    out = tmp_path / "out.csv"
    r = emosign_process("export-csv", folder, out)
    assert r.returncode == 0, r.stderr
    assert out.read_bytes() == csv_in.read_bytes()


def test_add_copy_into_project(tmp_path, sample_video):
    folder = tmp_path / "p"
    assert emosign("init", folder).returncode == 0
    assert emosign("add", "--copy", folder, sample_video).returncode == 0
    assert (folder / "media" / "sample_clip.mp4").is_file()
    info = json.loads(emosign("info", folder, "--json").stdout)
    assert info["videos"][0]["media_path"] == "media/sample_clip.mp4"


def _expect_refusal(args, folder: Path, *needles: str) -> None:
    before = dump_project(folder / "project.emosign")
    r = emosign(*args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    line = r.stderr.strip()
    assert "\n" not in line and "Traceback" not in r.stderr
    for needle in needles:
        assert needle in line, line
    assert dump_project(folder / "project.emosign") == before


def test_add_refuses_non_videos_and_adds_nothing(tmp_path, sample_video):
    folder = tmp_path / "p"
    assert emosign("init", folder).returncode == 0
    fake = tmp_path / "notes.mp4"
    fake.write_text("this is a text file")
    _expect_refusal(("add", folder, sample_video, fake), folder, str(fake), "not a readable video")
    audio = make_audio_only(tmp_path / "voice.m4a")
    _expect_refusal(("add", folder, audio), folder, str(audio), "no video stream")
    missing = tmp_path / "gone.mp4"
    _expect_refusal(("add", folder, missing), folder, str(missing), "file not found")
    truncated = tmp_path / "cut.mp4"
    truncated.write_bytes(sample_video.read_bytes()[:300])
    _expect_refusal(("add", folder, truncated), folder, str(truncated))


def test_add_same_video_twice_is_refused(tmp_path, sample_video):
    folder = tmp_path / "p"
    assert emosign("init", folder).returncode == 0
    assert emosign("add", folder, sample_video).returncode == 0
    _expect_refusal(("add", folder, sample_video), folder, "already has a video named")


def test_add_cut_file_warns_and_adds_what_decodes(tmp_path):
    from tests.media.clips import SPECS, exact_run, ffmpeg_decode, make_clip

    full = make_clip(SPECS["h264_29.97"], tmp_path, faststart=True)
    cut = tmp_path / "clip.mp4"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size * 2 // 3])
    n = exact_run(ffmpeg_decode(cut))
    folder = tmp_path / "p"
    assert emosign("init", folder).returncode == 0
    r = emosign("add", folder, cut)
    assert r.returncode == 0, r.stderr
    assert f"added clip: {n} frames" in r.stdout
    assert r.stderr.strip() == (
        f"emosign add: warning: clip.mp4: only {n} of the 60 frames its container declares "
        f"can be decoded; the first {n} are used")
    info = json.loads(emosign("info", folder, "--json").stdout)
    media = info["videos"][0]["media"]
    assert (media["frame_count"], media["declared_frames"]) == (n, 60)
    assert f"clip: {n} frames (of 60 declared)" in emosign("info", folder).stdout
    r = emosign("probe", cut, "--json")
    assert r.returncode == 0 and "only" in r.stderr
    probed = json.loads(r.stdout)
    assert (probed["frame_count"], probed["declared_frames"]) == (n, 60)
    r = emosign("frame", cut, "--index", n, "-o", tmp_path / "f.png")
    assert r.returncode == 2 and f"there is no frame {n}" in r.stderr


def test_add_same_content_under_another_name(tmp_path, sample_video):
    folder = tmp_path / "p"
    assert emosign("init", folder).returncode == 0
    assert emosign("add", folder, sample_video).returncode == 0
    again = tmp_path / "pose_b.mp4"
    again.write_bytes(sample_video.read_bytes())
    _expect_refusal(("add", folder, again), folder, f"{again}: same content as sample_clip (",
                    "nothing was added", "--allow-duplicate")
    other = tmp_path / "other.mp4"
    other.write_bytes(sample_video.read_bytes())
    _expect_refusal(("add", folder, other, again), folder,
                    f"{other}: same content as sample_clip (", f"{again}: same content as "
                    "sample_clip (", "--allow-duplicate adds them anyway")
    r = emosign("add", folder, again, "--allow-duplicate")
    assert r.returncode == 0 and "added pose_b: 12 frames" in r.stdout and not r.stderr
    info = json.loads(emosign("info", folder, "--json").stdout)
    assert [v["name"] for v in info["videos"]] == ["sample_clip", "pose_b"]
    assert info["videos"][0]["media"]["declared_frames"] is None


def test_import_bad_csv_names_file_row_and_column(tmp_path):
    folder = tmp_path / "p"
    assert emosign("init", folder).returncode == 0
    rows = released_rows(4)
    rows[2][6] = "9"  # worry
    bad = write_released(tmp_path / "bad.csv", rows)
    _expect_refusal(("import-csv", folder, bad), folder, str(bad), "row 4", "column 'worry'",
                    "9 is outside 1..4")


def test_annotator_import_via_cli(tmp_path):
    folder = tmp_path / "p"
    assert emosign("init", folder).returncode == 0
    header = ["video_name", "Sentiment", "joy", "excited", "surprise_pos", "surprise_neg",
              "worry", "sadness", "fear", "disgust", "frustration", "anger", "cues"]
    path = write_released(tmp_path / "a.csv", [["v", "-1", *["1"] * 10, "pursed lips"]], header)
    r = emosign("import-csv", folder, path, "--annotator", "sam")
    assert r.returncode == 0, r.stderr
    out = tmp_path / "sam.csv"
    assert emosign("export-csv", folder, out, "--annotator", "sam").returncode == 0
    assert "pursed lips" in out.read_text()


def test_init_with_custom_schema_and_bad_schema(tmp_path):
    schema = tmp_path / "s.json"
    schema.write_text(json.dumps({
        "name": "Two", "sentiment": {"min": -1, "max": 1},
        "emotion_scale": {"min": 0, "max": 1}, "emotions": [{"key": "calm"}]}))
    r = emosign("init", tmp_path / "p", "--schema", schema)
    assert r.returncode == 0 and "schema Two" in r.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text("[[[")
    r = emosign("init", tmp_path / "q", "--schema", bad)
    assert r.returncode == 2 and str(bad) in r.stderr
    assert not (tmp_path / "q").exists()


def test_open_errors(tmp_path):
    r = emosign_process("info", tmp_path)
    assert r.returncode == 2 and "not an EmoSign project" in r.stderr
    r = emosign_process("init", tmp_path / "p")
    r = emosign_process("init", tmp_path / "p")
    assert r.returncode == 2 and "already exists" in r.stderr
    r = emosign_process("frobnicate")
    assert r.returncode == 2


def test_unexpected_errors_are_logged_not_shown(tmp_path, monkeypatch, capsys):
    from emosign_desktop.cli import entry, projects

    def boom(_args):
        raise RuntimeError("kaput")

    monkeypatch.setattr(projects, "cmd_info", boom)
    monkeypatch.setenv("EMOSIGN_LOG_DIR", str(tmp_path / "logs"))
    parser = entry.build_parser
    monkeypatch.setattr(entry, "build_parser", lambda: _with_info(parser(), boom))
    assert entry.main(["info", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "kaput" in err and "Traceback" not in err
    assert "RuntimeError: kaput" in (tmp_path / "logs" / "crash.log").read_text()


def _with_info(parser, func):
    parser._subparsers._group_actions[0].choices["info"].set_defaults(func=func)
    return parser


def test_the_project_file_works_wherever_the_folder_does(tmp_path, sample_video):
    folder = tmp_path / "proj"
    assert emosign("init", folder).returncode == 0
    file = folder / "project.emosign"
    r = emosign("add", file, sample_video)
    assert r.returncode == 0, r.stderr
    r = emosign("info", file, "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["videos"][0]["name"] == "sample_clip"
    out = tmp_path / "none.csv"
    r = emosign("export-csv", file, out)
    assert r.returncode == 2 and "no 'emosign-consensus'" in r.stderr  # opened, then told


def test_an_annotator_counts_only_once_they_edit(tmp_path, qtbot):
    from emosign_desktop.settings import UserSettings
    from emosign_desktop.ui.main_window import MainWindow

    folder = demo_copy(tmp_path)
    w = MainWindow(UserSettings(annotator="newcomer"))  # as `emosign-desktop --annotator`
    qtbot.addWidget(w)
    w.open_project(folder)
    for name in ("pose_test_video", "signbank_ns_1m"):
        w.select_video(name)
    info = json.loads(emosign("info", folder, "--json").stdout)
    assert [a["name"] for a in info["annotators"]] == ["demo-annotator"]
    assert "newcomer" not in w.videos.model.annotators()
    w.labels._choose("joy", 1)
    w.workspace.wait_idle()  # written on the background writer
    info = json.loads(emosign("info", folder, "--json").stdout)
    assert [a["name"] for a in info["annotators"]] == ["demo-annotator", "newcomer"]
