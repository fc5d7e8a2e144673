"""Names with control characters (NUL included) or over 255 characters are refused wherever
they enter a project (edits, the app's annotator, CSV imports, packs, ELAN files, any change
set), with a message naming the problem, and nothing changes."""

from __future__ import annotations

import json
import shutil

import pytest

from emosign_desktop.core.changeset import ChangeSet, VideoEdit
from emosign_desktop.core.errors import EmoSignError, InputFileError
from emosign_desktop.core.model import MediaInfo, Video, VideoId
from emosign_desktop.core.names import InvalidNameError
from emosign_desktop.services import packs
from emosign_desktop.services.csv_exchange import import_annotator_csv, import_released
from emosign_desktop.services.elan import import_eaf
from emosign_desktop.services.session import Session
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.storage import PROJECT_FILE, open_project
from tests.conftest import add_video_record, add_videos_by_name, dump_project
from tests.generate import EMOTIONS, released_rows, write_released
from tests.io.test_eaf import field_eaf

LONG = "n" * 10_000


@pytest.fixture
def unchanged(project):
    """Asserts, after the test's refusals, that the project holds what it held before."""
    before = dump_project(project.path)
    yield project
    assert dump_project(project.path) == before


def test_an_edit_by_a_bad_annotator_name_is_refused(project):
    [video] = add_videos_by_name(project, "v1")
    before = dump_project(project.path)
    with pytest.raises(InvalidNameError, match=r"the annotator name 'ann\\x00' holds NUL"):
        project.editing.set_labels(video.id, "ann\x00", {"sentiment": 1})
    with pytest.raises(InvalidNameError, match="is 10,000 characters long"):
        project.editing.set_label(video.id, LONG, "joy", 2)
    with pytest.raises(InvalidNameError, match="holds a tab"):
        project.editing.add_segment(video.id, "a\tb", project._repo.tiers()[0].id, 0, 3)
    assert dump_project(project.path) == before


def test_bad_tier_names_are_refused(unchanged):
    project = unchanged
    with pytest.raises(InvalidNameError, match="the tier name 'tier\\\\x00' holds NUL"):
        project.editing.add_tier("tier\x00")
    tier = project._repo.tiers()[0]
    with pytest.raises(InvalidNameError, match="is 300 characters long"):
        project.editing.rename_tier(tier.id, "t" * 300)
    with pytest.raises(InvalidNameError, match="holds a line break"):
        project.editing.rename_tier(tier.id, "two\nlines")


def test_every_change_set_is_checked_by_the_write_path(unchanged):
    project = unchanged

    def build(repo):
        return ChangeSet(videos=(VideoEdit(None, Video(VideoId(repo.next_id("video")),
                                                       "clip\x00.mp4")),))

    with pytest.raises(InvalidNameError, match=r"the video name 'clip\\x00\.mp4' holds NUL"):
        project.writer.run("add", build)


def test_a_good_long_name_is_accepted(project):
    [video] = add_videos_by_name(project, "v" * 255)
    project.editing.set_labels(video.id, "a" * 255, {"sentiment": 1})
    assert project._repo.annotator_by_name("a" * 255) is not None


def test_the_apps_annotator_is_refused(project):
    workspace = Workspace("kim")
    with pytest.raises(InvalidNameError, match="holds NUL"):
        workspace.set_annotator("ki\x00m")
    with pytest.raises(InvalidNameError, match="characters long"):
        workspace.set_annotator(LONG)
    assert workspace.annotator == "kim"
    workspace.set_annotator("  lee ")
    assert workspace.annotator == "lee"


def test_csv_imports_refuse_bad_names_naming_row_and_column(unchanged, tmp_path):
    project = unchanged
    rows = released_rows(3)
    rows[1][0] = "clip\x01"
    path = write_released(tmp_path / "a.csv", rows)
    with pytest.raises(InputFileError) as err:
        import_released(project, path)
    assert (err.value.row, err.value.column) == (3, "video_name")
    assert "the video name 'clip\\x01' holds a control character (U+0001)" in str(err.value)
    rows[1][0] = LONG
    path = write_released(tmp_path / "b.csv", rows)
    with pytest.raises(InputFileError, match="is 10,000 characters long"):
        import_released(project, path)
    good = write_released(tmp_path / "ann.csv", [["v1", "1", *["1"] * len(EMOTIONS)]],
                          ["video_name", "Sentiment", *EMOTIONS])
    with pytest.raises(InvalidNameError, match="the annotator name 'a\\\\tb' holds a tab"):
        import_annotator_csv(project, good, "a\tb")


@pytest.fixture
def pack_dict(tmp_path, empty_project_file):
    folder = tmp_path / "laptop"
    folder.mkdir()
    shutil.copy(empty_project_file, folder / PROJECT_FILE)
    src = Session(open_project(folder), undo=True)
    video = add_video_record(src, "v1")
    src.editing.set_labels(video.id, "zoe", {"sentiment": 2})
    path = tmp_path / "zoe.json"
    packs.export_pack(src, "zoe", path)
    src.close()
    return json.loads(path.read_text())


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: d.update(annotator="mallory\x00"), "the annotator name 'mallory\\x00' holds NUL"),
    (lambda d: d.update(annotator="m" * 256), "is 256 characters long"),
])
def test_packs_with_bad_names_are_refused(unchanged, tmp_path, pack_dict, mutate, message):
    mutate(pack_dict)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(pack_dict))
    with pytest.raises(EmoSignError) as err:
        packs.merge_pack_files(unchanged, [path])
    assert message in str(err.value)


def test_a_pack_with_a_bad_video_name_is_refused(unchanged, tmp_path, pack_dict):
    pack_dict["videos"][0]["name"] = "v\x1b1"
    for ann in pack_dict["annotations"]:
        ann["video"] = "v\x1b1"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(pack_dict))
    with pytest.raises(EmoSignError, match="the video name 'v\\\\x1b1' holds a control"):
        packs.merge_pack_files(unchanged, [path])


@pytest.mark.parametrize(("tier", "message"), [
    ("ges&#9;ture", "the tier name 'ges\\tture' holds a tab (U+0009) at character 4"),
    ("g" * 300, "the tier name 'gggg"),
])
def test_elan_files_with_bad_tier_names_are_refused_naming_the_file(project, tmp_path, tier,
                                                                    message):
    video = Video(VideoId(project._repo.next_id("video")), "clip", None, None,
                  MediaInfo(25.0, 100, 64, 48, 4.0, "h264"))  # the file links clip.mp4
    project.writer.run("add clip", lambda _repo: ChangeSet(videos=(VideoEdit(None, video),)))
    before = dump_project(project.path)
    path = tmp_path / "field.eaf"
    text = field_eaf().replace('TIER_ID="gesture"', f'TIER_ID="{tier}"')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidNameError) as err:
        import_eaf(project, path)
    assert message in str(err.value) and str(err.value).endswith("(elan:field.eaf)")
    assert dump_project(project.path) == before
