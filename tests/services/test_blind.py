"""Blind mode: the project setting, who may see what, and packs carrying it."""

from __future__ import annotations

import json

import pytest

from emosign_desktop.cli import main as cli_main
from emosign_desktop.core.errors import InputFileError
from emosign_desktop.io.packs import read_pack
from emosign_desktop.services import packs
from emosign_desktop.services.blind import (
    blind_mode,
    project_wide,
    set_blind_mode,
    visibility,
)
from tests.conftest import add_videos_by_name


def finish(project, video, who):
    keys = project.schema.emotion_keys
    project.editing.set_labels(video.id, who, {"sentiment": 1, **dict.fromkeys(keys, 0)})


def test_blind_mode_hides_others_until_the_video_is_finished(project):
    v1, v2 = add_videos_by_name(project, "v1", "v2")
    assert visibility(project, v1.id, "kim").everything  # not blind: everything
    set_blind_mode(project, True)
    assert blind_mode(project) and project.writer.undo_stack.undo_label == "turn blind mode on"
    seen = visibility(project, v1.id, "kim")
    assert not (seen.others or seen.consensus or seen.predictions)
    assert "once you have finished this video" in seen.why
    project.editing.set_label(v1.id, "kim", "joy", 1)  # started is not finished
    assert not visibility(project, v1.id, "kim").others
    finish(project, v1, "kim")
    assert visibility(project, v1.id, "kim").everything
    assert not visibility(project, v2.id, "kim").others  # per video
    project.editing.set_skipped(v2.id, "kim", True, "no signer visible")
    assert visibility(project, v2.id, "kim").everything  # skipped counts as finished
    assert visibility(project, v1.id, "lee", reviewer=True).everything
    assert not project_wide(project).consensus and project_wide(project, reviewer=True).consensus
    project.writer.undo()
    project.writer.undo()
    project.writer.undo()
    project.writer.undo()
    assert not blind_mode(project)


def test_packs_carry_blind_mode(project, tmp_path):
    [v1] = add_videos_by_name(project, "v1")
    project.editing.set_label(v1.id, "kim", "joy", 1)
    set_blind_mode(project, True)
    path = tmp_path / "kim.json"
    packs.export_pack(project, "kim", path)
    assert json.loads(path.read_text())["blind_mode"] is True
    assert read_pack(path).blind_mode is True
    data = json.loads(path.read_text())
    data["blind_mode"] = "yes"
    path.write_text(json.dumps(data))
    with pytest.raises(InputFileError, match="blind_mode: must be true or false"):
        read_pack(path)


def test_the_command(project, capsys):
    folder = str(project.folder)
    project.close()
    assert cli_main(["blind", folder]) == 0
    assert capsys.readouterr().out.strip() == "blind mode is off"
    assert cli_main(["blind", folder, "on"]) == 0
    assert "blind mode is on: until an annotator finishes" in capsys.readouterr().out
    assert cli_main(["blind", folder, "off"]) == 0
    assert "off" in capsys.readouterr().out
