"""``emosign import-signstream``, run as a user would: what it prints, its exit codes, and a
project left unchanged by a bad file or a file with no utterance for its videos."""

from __future__ import annotations

import pytest

from emosign_desktop.services.session import open_session
from tests.cli.run import emosign
from tests.conftest import dump_project
from tests.generate import make_video
from tests.io.test_signstream import BOMB, write_signstream


@pytest.fixture
def folder(tmp_path):
    """A project with one EmoSign-style clip: 24 frames at 12 fps, named after utterance
    24363254."""
    folder = tmp_path / "proj"
    assert emosign("init", folder).returncode == 0
    clip = make_video(tmp_path / "10-Ben-Conclusion_24363254.mp4", frames=24)
    assert emosign("add", folder, clip).returncode == 0
    return folder


def test_import_lists_what_went_where(folder, tmp_path):
    path = write_signstream(tmp_path / "ncslgr.xml")
    r = emosign("import-signstream", folder, path)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "ncslgr.xml: 2 utterances, 7 fields, 14 annotations"
    assert ("  utterance 24363254 -> 10-Ben-Conclusion_24363254 (named after it; times from "
            "the video's start): 5 segments") in lines
    assert any(line.startswith("  utterance 5: not imported: no video named after its media "
                               "files (669_474_master_small.mov, 669_474_slave1_small.mov)")
               for line in lines)
    assert lines[-1] == "not imported: 1 utterances (listed above)"
    with open_session(folder) as session:
        segments = session._repo.segments()
        assert len(segments) == 5 and {s.source for s in segments} == {"signstream:ncslgr.xml"}
        wh = next(t for t in session._repo.tiers() if t.name == "wh question")
        assert wh.read_only and wh.group == "Facial grammar (reference)"
        # 12 fps: the onset 0..200 ms covers frames 0..2, q/wh 233..1200 ms frames 3..14
        assert [(s.start_frame, s.end_frame, s.value) for s in session._repo.segments(
            tier_id=wh.id)] == [(0, 2, "q/wh"), (3, 14, "q/wh")]
    r = emosign("import-signstream", folder, path)  # again: replaces
    assert r.returncode == 0 and "replaced 5 segments" in r.stdout
    r = emosign("import-signstream", folder, path, "--utterance", "5", "--video",
                "10-Ben-Conclusion_24363254")
    assert r.returncode == 0, r.stderr
    assert "utterance 5 -> 10-Ben-Conclusion_24363254 (given; times from" in r.stdout


def test_bad_files_and_no_match_exit_2_and_change_nothing(folder, tmp_path):
    before = dump_project(folder / "project.emosign")
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(BOMB, encoding="utf-8")
    r = emosign("import-signstream", folder, bomb)
    assert r.returncode == 2
    [line] = r.stderr.splitlines()
    assert line.startswith(f"emosign import-signstream: error: {bomb}: the XML declares an "
                           "entity") and line.endswith("refused")
    other = write_signstream(tmp_path / "other.xml", utterances=({
        "id": "7", "S": 0, "E": 900, "media": ("1",), "tracks": {"10": [(0, 100, "2")]}},))
    r = emosign("import-signstream", folder, other)
    assert r.returncode == 2
    assert "utterance 7: not imported: no video named after its media files" in r.stdout
    [line] = r.stderr.splitlines()
    assert f"{other}: none of its 1 utterances could be placed on a video of the project" in line
    r = emosign("import-signstream", folder, other, "--utterance", "8")
    assert r.returncode == 2 and "no utterance '8' (it has 7)" in r.stderr
    assert dump_project(folder / "project.emosign") == before


def test_tier_prefix_keeps_a_files_tiers_apart(folder, tmp_path):
    first = write_signstream(tmp_path / "a.xml")
    second = write_signstream(tmp_path / "b.xml", participants=(("0", "Ben"),))
    assert emosign("import-signstream", folder, first).returncode == 0
    r = emosign("import-signstream", folder, second)  # the same coding scheme: same tiers
    assert r.returncode == 0, r.stderr
    assert "added to 7 tiers other files brought too (eye brows, " in r.stdout
    r = emosign("import-signstream", folder, second, "--tier-prefix", "b/")
    assert r.returncode == 0, r.stderr
    assert "replaced 5 segments of an earlier import on 10-Ben-Conclusion_24363254" in r.stdout
    with open_session(folder) as session:
        names = {t.name for t in session._repo.tiers() if t.read_only}
        assert {"wh question", "b/wh question"} <= names
        by_tier = {t.id: t.name for t in session._repo.tiers()}
        assert sorted({by_tier[s.tier_id] for s in session._repo.segments()
                       if s.source == "signstream:b.xml"}) == [
            "b/main gloss", "b/mouth", "b/wh question"]
