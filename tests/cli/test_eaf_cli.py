"""``emosign export-eaf`` and ``import-eaf`` as a user runs them: a round trip through a file,
exit 2 with one line naming the file and the problem for each kind of bad file (the project
left exactly as it was), and a missing media file reported, not guessed."""

from __future__ import annotations

import pytest

from emosign_desktop.cli import build_parser
from emosign_desktop.core.model import Region
from emosign_desktop.io.eaf import read_eaf
from emosign_desktop.services.session import open_session
from emosign_desktop.storage import PROJECT_FILE
from tests.cli.run import emosign
from tests.conftest import dump_project
from tests.io.test_eaf import BAD_FILES, field_eaf


@pytest.fixture
def folder(tmp_path, sample_video):
    """A project with the sample clip and two of kim's segments."""
    folder = tmp_path / "proj"
    assert emosign("init", folder).returncode == 0
    r = emosign("add", folder, sample_video)
    assert r.returncode == 0, r.stderr
    with open_session(folder) as session:
        video = session._repo.video_by_name("sample_clip")
        cue = next(t for t in session._repo.tiers() if t.name == "Emotion cue")
        session.editing.add_segment(video.id, "kim", cue.id, 2, 5, "repetition", "big, \"wide\"",
                                    Region(0.25, 0.25, 0.5, 0.5))
        session.editing.add_segment(video.id, "kim", cue.id, 7, 11, "other")
    return folder


def segments(folder):
    with open_session(folder) as session:
        people = {a.id: a.name for a in session._repo.annotators()}
        return sorted((people[s.annotator_id], s.start_frame, s.end_frame, s.value, s.note,
                       s.region, s.source) for s in session._repo.segments())


def test_help():
    for name in ("export-eaf", "import-eaf"):
        with pytest.raises(SystemExit) as exit_:
            build_parser().parse_args([name, "--help"])
        assert exit_.value.code == 0


def test_export_and_import_round_trip(folder, tmp_path):
    out = tmp_path / "sample.eaf"
    r = emosign("export-eaf", folder, "sample_clip", "-o", out)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == (f"wrote {out}: video sample_clip, 2 segments on 1 tier (kim)")
    r = emosign("import-eaf", folder, out)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == (f"{out}: imported onto sample_clip: 0 segments on the "
                                "project's tiers, 0 on 0 reference tiers, 2 already in the "
                                "project as they are")
    rows = segments(folder)
    assert [row for row in rows if row[-1] == "elan:sample.eaf"] == []  # not doubled
    assert len(rows) == 2
    r = emosign("export-eaf", folder, "sample_clip", "-o", tmp_path / "pat.eaf",
                "--annotator", "pat")
    assert r.returncode == 0 and "0 segments on 0 tiers (pat)" in r.stdout


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_files_exit_2_and_change_nothing(folder, tmp_path, kind):
    path = tmp_path / "bad.eaf"
    path.write_bytes(BAD_FILES[kind][0])
    before = dump_project(folder / PROJECT_FILE)
    r = emosign("import-eaf", folder, path, "--video", "sample_clip")
    assert r.returncode == 2, r.stderr
    [line] = r.stderr.strip().splitlines()
    assert line.startswith(f"emosign import-eaf: error: {path}: ")
    assert BAD_FILES[kind][1] in line and "Traceback" not in r.stderr
    assert dump_project(folder / PROJECT_FILE) == before


def test_missing_media_is_reported_and_video_overrides(folder, tmp_path):
    path = tmp_path / "field.eaf"
    path.write_text(field_eaf(media="./clip.mp4"), encoding="utf-8")
    before = dump_project(folder / PROJECT_FILE)
    r = emosign("import-eaf", folder, path)
    assert r.returncode == 2
    assert r.stderr.strip() == (f"emosign import-eaf: error: {path} links media clip.mp4, which "
                                "the project does not have; give --video NAME")
    assert dump_project(folder / PROJECT_FILE) == before
    r = emosign("import-eaf", folder, path, "--video", "sample_clip")
    assert r.returncode == 0, r.stderr
    # the sample clip lasts 1 s: only the gesture at 400-800 ms is inside it
    assert r.stdout.strip().endswith("0 segments on the project's tiers, 1 on 6 reference "
                                     "tiers, left out 9 annotations after the video's end")
    r = emosign("export-eaf", folder, "no_such_video", "-o", tmp_path / "x.eaf")
    assert r.returncode == 2 and "no video named 'no_such_video'" in r.stderr


def test_only_ours_and_tier_prefix(folder, tmp_path):
    field = tmp_path / "field.eaf"
    field.write_text(field_eaf(media="./clip.mp4"), encoding="utf-8")
    r = emosign("import-eaf", folder, field, "--video", "sample_clip", "--tier-prefix", "A ")
    assert r.returncode == 0, r.stderr
    with open_session(folder) as session:
        assert {t.name for t in session._repo.tiers() if t.read_only} == {
            "A gloss", "A words", "A tokens", "A pos", "A brows", "A gesture"}
    out = tmp_path / "all.eaf"
    r = emosign("export-eaf", folder, "sample_clip", "-o", out)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == (f"wrote {out}: video sample_clip, 2 segments on 1 tier (kim), "
                                "and 1 annotation on 6 reference tiers as their files defined "
                                "them")  # the gesture inside the clip; the file's other tiers
    assert "gesture" in {t.id for t in read_eaf(out).tiers}
    r = emosign("export-eaf", folder, "sample_clip", "-o", out, "--only-ours")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"wrote {out}: video sample_clip, 2 segments on 1 tier (kim)"
    assert [t.id for t in read_eaf(out).tiers if not t.parent] == [
        "Facial grammar@kim", "Emotion cue@kim"]
