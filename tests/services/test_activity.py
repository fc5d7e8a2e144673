"""Time on task: stored as a measurement (no undo, adds up), carried in packs and the long
export."""

from __future__ import annotations

import csv
import json

import pytest

from emosign_desktop.core.errors import InputFileError
from emosign_desktop.io.packs import read_pack
from emosign_desktop.services import packs
from emosign_desktop.services.activity import (
    record_active_time,
    time_on_task,
    totals_by_annotator,
)
from emosign_desktop.services.session import Session
from emosign_desktop.services.tidy_export import export_long
from emosign_desktop.storage import open_project
from tests.conftest import add_videos_by_name


def seconds_of(project, video: str, annotator: str) -> float | None:
    return next((r.seconds for r in time_on_task(project)
                 if r.video == video and r.annotator == annotator), None)


def test_time_adds_up_and_is_not_an_edit(project):
    v1, v2 = add_videos_by_name(project, "v1", "v2")
    assert record_active_time(project, v1.id, "kim", 30.0)  # before kim's first edit
    project.editing.set_label(v1.id, "kim", "joy", 2)
    steps = project.writer.undo_stack.undo_label
    log = project._repo.edit_count()
    assert record_active_time(project, v1.id, "kim", 12.5)
    assert record_active_time(project, v2.id, "kim", 5.0)
    assert record_active_time(project, v2.id, "kim", 0) is False
    assert seconds_of(project, "v1", "kim") == pytest.approx(42.5)
    assert totals_by_annotator(project) == {"kim": (pytest.approx(47.5), 2)}
    assert project.writer.undo_stack.undo_label == steps  # not an undo step
    assert project._repo.edit_count() == log  # nor an edit-log line
    assert record_active_time(project, v1.id, " ", 5.0) is False
    project.writer.undo()  # undoing kim's first label (kim goes) leaves the time alone
    assert project._repo.annotator_by_name("kim") is None
    assert seconds_of(project, "v1", "kim") == pytest.approx(42.5)


def test_two_windows_adding_at_once_both_count(project):
    [v1] = add_videos_by_name(project, "v1")
    project.editing.set_label(v1.id, "kim", "joy", 2)
    other = Session(open_project(project.folder))
    try:
        record_active_time(project, v1.id, "kim", 10.0)
        record_active_time(other, v1.id, "kim", 20.0)
        record_active_time(project, v1.id, "kim", 1.0)
    finally:
        other.close()
    assert seconds_of(project, "v1", "kim") == pytest.approx(31.0)


@pytest.fixture
def two_projects(tmp_path, empty_project_file):
    import shutil

    from emosign_desktop.storage import PROJECT_FILE

    made = []
    for name in ("laptop", "lab"):
        folder = tmp_path / name
        folder.mkdir()
        shutil.copy(empty_project_file, folder / PROJECT_FILE)
        made.append(Session(open_project(folder), undo=True))
    yield made
    for s in made:
        s.close()


def test_packs_carry_time_and_merging_keeps_the_larger_total(two_projects, tmp_path):
    laptop, lab = two_projects
    v1, v2 = add_videos_by_name(laptop, "v1", "v2")
    laptop.editing.set_label(v1.id, "maria", "joy", 1)
    laptop.editing.set_label(v2.id, "maria", "joy", 2)
    record_active_time(laptop, v1.id, "maria", 60.0)
    first = tmp_path / "maria-1.json"
    packs.export_pack(laptop, "maria", first)
    assert json.loads(first.read_text())["activity"] == [{"video": "v1", "seconds": 60.0}]
    packs.merge_pack_files(lab, [first])
    assert seconds_of(lab, "v1", "maria") == 60.0
    record_active_time(laptop, v1.id, "maria", 30.0)
    record_active_time(laptop, v2.id, "maria", 15.0)
    second = tmp_path / "maria-2.json"
    packs.export_pack(laptop, "maria", second)
    packs.merge_pack_files(lab, [second, first])  # the older one again: no change
    assert seconds_of(lab, "v1", "maria") == 90.0 and seconds_of(lab, "v2", "maria") == 15.0
    packs.merge_pack_files(lab, [second])
    assert seconds_of(lab, "v1", "maria") == 90.0


def test_a_pack_without_activity_still_reads_and_bad_activity_is_refused(two_projects,
                                                                         tmp_path):
    laptop, _lab = two_projects
    [v1] = add_videos_by_name(laptop, "v1")
    laptop.editing.set_label(v1.id, "maria", "joy", 1)
    path = tmp_path / "maria.json"
    packs.export_pack(laptop, "maria", path)
    data = json.loads(path.read_text())
    del data["activity"]  # as packs from before time on task
    path.write_text(json.dumps(data))
    assert read_pack(path).activity == ()
    for bad, message in (([{"video": "v9", "seconds": 3}], "does not list"),
                         ([{"video": "v1", "seconds": -3}], "0 or more"),
                         ([{"video": "v1", "seconds": "a lot"}], "must be a number"),
                         ([{"video": "v1", "seconds": 1}, {"video": "v1", "seconds": 2}],
                          "listed twice")):
        path.write_text(json.dumps({**data, "activity": bad}))
        with pytest.raises(InputFileError, match=message) as refused:
            read_pack(path)
        assert "maria.json" in str(refused.value)


def test_the_long_export_has_active_seconds(project, tmp_path):
    [v1] = add_videos_by_name(project, "v1")
    project.editing.set_label(v1.id, "kim", "joy", 2)
    record_active_time(project, v1.id, "kim", 83.26)
    out = tmp_path / "long.csv"
    export_long(project, out)
    rows = list(csv.DictReader(out.open()))
    assert {"video": "v1", "annotator": "kim", "annotator_kind": "human",
            "label": "active_seconds", "value": "83.3", "cues": "", "skipped": "False",
            "skip_reason": ""} in rows


def test_info_shows_time_on_task(project, capsys):
    from emosign_desktop.cli import main as cli_main

    v1, v2 = add_videos_by_name(project, "v1", "v2")
    record_active_time(project, v1.id, "kim", 125.0)
    record_active_time(project, v2.id, "kim", 3720.0)
    folder = str(project.folder)
    project.close()
    assert cli_main(["info", folder]) == 0
    assert "kim: 1 h 04 min on 2 videos, 32 min 02 s per video" in capsys.readouterr().out
    assert cli_main(["info", folder, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["time_on_task"] == {"kim": {"seconds": 3845.0, "videos": 2}}
