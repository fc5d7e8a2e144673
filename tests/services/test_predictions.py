"""Model predictions: imported as runs through the write path (all or nothing, one undo step,
a second import replaces the run), never mixed with annotations, untouched by merges."""

from __future__ import annotations

import json

import pytest

from emosign_desktop.core.errors import EmoSignError, InputFileError
from emosign_desktop.core.model import Region
from emosign_desktop.core.schema import EMOSIGN_SCHEMA
from emosign_desktop.services.packs import export_pack, merge_pack_files
from emosign_desktop.services.predictions import (
    import_predictions,
    prediction_runs,
    remove_run,
)
from emosign_desktop.services.session import create_session
from tests.conftest import add_video_record, add_videos_by_name, dump_project

KEYS = EMOSIGN_SCHEMA.emotion_keys


@pytest.fixture
def videos(project):
    made = add_videos_by_name(project, "v1", "v2", "v3")
    project.writer.undo_stack.clear()
    return made


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_import_list_replace_and_undo(project, videos, tmp_path):
    f = write(tmp_path / "gpt.csv", "video_name,sentiment,emotion,reasoning\n"
              'v1,2,happiness,"smiles, ""big"" signs"\nv2,-1,worry,\n')
    summary = import_predictions(project, f, "gpt-4o", "video")
    assert (summary.predictions, summary.cues) == (2, 0)
    [p1, _p2] = project._repo.predictions(run=("gpt-4o", "video"))
    assert (p1.sentiment, p1.emotion, p1.reasoning) == (2, "happiness", 'smiles, "big" signs')
    assert project._repo.annotations() == [] and project._repo.annotators() == []
    assert project.writer.undo_stack.undo_label == "import predictions gpt-4o (video)"
    again = write(tmp_path / "gpt2.csv", "video_name,sentiment,emotion\nv3,0,neutral\n")
    import_predictions(project, again, "gpt-4o", "video")  # replaces the run
    assert [p.video_id for p in project._repo.predictions(run=("gpt-4o", "video"))] == [
        videos[2].id]
    project.writer.undo()
    assert len(project._repo.predictions(run=("gpt-4o", "video"))) == 2
    assert [str(r) for r in prediction_runs(project)] == [
        "gpt-4o (video): 2 predictions, 0 cue segments"]
    remove_run(project, "gpt-4o", "video")
    assert project._repo.predictions() == []
    project.writer.undo()
    assert len(project._repo.predictions()) == 2


def test_jsonl_with_intensities_and_cue_segments(project, videos, tmp_path):
    line = {"video_name": "v1", "sentiment": 1, **dict.fromkeys(KEYS, 0), "joy": 3,
            "cues": [{"start_frame": 2, "end_frame": 9, "label": "smile",
                      "region": [0.25, 0.1, 0.5, 0.4]}]}
    cue = {"video_name": "v2", "start_frame": 0, "end_frame": 4, "label": "frown"}
    f = write(tmp_path / "q.jsonl", json.dumps(line) + "\n\n" + json.dumps(cue) + "\n")
    summary = import_predictions(project, f, "qwen", "video+caption")
    assert (summary.predictions, summary.cues) == (1, 2)
    [p] = project._repo.predictions()
    assert p.emotion is None and p.intensities["joy"] == 3
    cues = project._repo.predicted_cues(run=("qwen", "video+caption"))
    assert [(c.start_frame, c.end_frame, c.label) for c in cues] == [(2, 9, "smile"),
                                                                     (0, 4, "frown")]
    assert cues[0].region == Region(0.25, 0.1, 0.5, 0.4) and cues[1].region is None


@pytest.mark.parametrize(("text", "row", "column", "message"), [
    ("video_name,sentiment,emotion\nnope,1,happiness\n", 2, "video_name", "no video named"),
    ("video_name,sentiment,emotion\nv1,4,happiness\n", 2, "sentiment", "4 is outside -3..3"),
    ("video_name,sentiment,emotion\nv1,1,joy\n", 2, "emotion", "'joy' is not one of"),
    ("video_name,sentiment,emotion\nv1,1,neutral\nv2,0,neutral\nv1,2,anger\n", 4,
     "video_name", "listed again (first in row 2)"),
    ("video_name,sentiment,emotion\nv1,x,neutral\n", 2, "sentiment", "not a whole number"),
    ("video_name,sentiment," + ",".join(KEYS) + "\nv1,1," + ",".join(["1"] * 9) + ",4\n", 2,
     "anger", "4 is outside 0..3"),
    ("video_name,sentiment,joy\nv1,1,2\n", 2, "excited", "give all ten"),
    ("video_name,start_frame,end_frame,label\nv1,9,3,x\n", 2, "end_frame", "ends (3) before"),
    ("video_name,start_frame,end_frame,region_x,region_y,region_w,region_h\n"
     "v1,1,3,0.5,0.5,0.8,0.2\n", 2, "region_x", "inside the picture"),
])
def test_bad_files_name_file_row_and_column_and_change_nothing(project, videos, tmp_path,
                                                               text, row, column, message):
    f = write(tmp_path / "bad.csv", text)
    before = dump_project(project.path)
    with pytest.raises(InputFileError) as err:
        import_predictions(project, f, "m", "video")
    e = err.value
    assert (e.row, e.column) == (row, column) and message in str(e) and str(f) in str(e)
    assert dump_project(project.path) == before


def test_bad_json_lines_and_runs(project, videos, tmp_path):
    f = write(tmp_path / "bad.jsonl", '{"video_name": "v1", "sentiment": 1}\nnot json\n')
    with pytest.raises(InputFileError, match=r"row 2.*not JSON"):
        import_predictions(project, f, "m", "video")
    good = write(tmp_path / "g.csv", "video_name,sentiment\nv1,1\n")
    with pytest.raises(EmoSignError, match="input setting must be one of"):
        import_predictions(project, good, "m", "audio")
    with pytest.raises(EmoSignError, match="no predictions of m \\(video\\)"):
        remove_run(project, "m", "video")


def test_cue_past_the_last_frame_is_refused(project, tmp_path, sample_video):
    from emosign_desktop.services.videos import add_videos

    add_videos(project, [sample_video])
    f = write(tmp_path / "c.csv", "video_name,start_frame,end_frame\nsample_clip,3,12\n")
    with pytest.raises(InputFileError, match=r"row 2, column .end_frame..*past the video"):
        import_predictions(project, f, "m", "video")


def test_predictions_survive_merges_untouched(project, videos, tmp_path):
    f = write(tmp_path / "p.csv", "video_name,sentiment,emotion\nv1,1,happiness\n")
    import_predictions(project, f, "gpt-4o", "video")
    laptop = create_session(tmp_path / "laptop")
    v = add_video_record(laptop, "v1")
    laptop.editing.set_label(v.id, "kim", "sentiment", -2)
    export_pack(laptop, "kim", tmp_path / "kim.json")
    merge_pack_files(project, [tmp_path / "kim.json"])
    [p] = project._repo.predictions()
    assert (p.sentiment, p.emotion) == (1, "happiness")
    kim = project._repo.annotator_by_name("kim")
    assert project._repo.annotation(videos[0].id, kim.id).sentiment == -2
    project.writer.undo()  # the merge goes; the predictions stay
    assert len(project._repo.predictions()) == 1
