from __future__ import annotations

import pytest

from emosign_desktop.core.errors import EmoSignError, InputFileError
from emosign_desktop.core.model import CONSENSUS_ANNOTATOR
from emosign_desktop.services.csv_exchange import (
    export_annotator_csv,
    export_released,
    import_annotator_csv,
    import_released,
)
from tests.conftest import add_videos_by_name, dump_project
from tests.generate import EMOTIONS, RELEASED_HEADER, released_rows, write_released


def test_released_file_round_trips_byte_identical(project, tmp_path):
    src = write_released(tmp_path / "in.csv", released_rows(60))
    summary = import_released(project, src)
    assert summary.rows == 60 and summary.videos_added == 60
    out = tmp_path / "out.csv"
    assert export_released(project, out) == 60
    assert out.read_bytes() == src.read_bytes()


def test_released_values_are_mapped_to_the_protocol(project, tmp_path):
    row = ["vid_1", "-2", "1", "4", "2", "3", "1", "1", "1", "1", "1", "1",
           'said "no", firmly', "line\nbreak", ""]
    import_released(project, write_released(tmp_path / "a.csv", [row]))
    repo = project._repo
    video = repo.video_by_name("vid_1")
    cons = repo.annotation(video.id, repo.annotator_by_name(CONSENSUS_ANNOTATOR).id)
    assert cons.sentiment == -2
    assert cons.emotions["joy"] == 0 and cons.emotions["excited"] == 3
    assert cons.emotions["surprise_pos"] == 1 and cons.emotions["surprise_neg"] == 2
    r1 = repo.annotation(video.id, repo.annotator_by_name("reasoning-1").id)
    r2 = repo.annotation(video.id, repo.annotator_by_name("reasoning-2").id)
    assert r1.cues == 'said "no", firmly' and r2.cues == "line\nbreak"
    assert repo.annotation(video.id, repo.annotator_by_name("reasoning-3").id) is None


def test_reimport_is_idempotent(project, tmp_path):
    src = write_released(tmp_path / "in.csv", released_rows(20))
    import_released(project, src)
    before = dump_project(project.path)
    import_released(project, src)
    assert dump_project(project.path) == before


def test_import_links_to_videos_known_by_name(project, tmp_path):
    rows = released_rows(3)
    [existing] = add_videos_by_name(project, rows[1][0])
    summary = import_released(project, write_released(tmp_path / "in.csv", rows))
    assert summary.videos_added == 2
    assert project._repo.video_by_name(rows[1][0]).id == existing.id


@pytest.mark.parametrize(("mutate", "message", "row", "column"), [
    (lambda rows: rows[2].__setitem__(1, "5"), "5 is outside -3..3", 4, "Sentiment"),
    (lambda rows: rows[0].__setitem__(3, "0"), "0 is outside 1..4", 2, "excited"),
    (lambda rows: rows[1].__setitem__(2, "two"), "'two' is not a whole number", 3, "joy"),
    (lambda rows: rows[1].__setitem__(2, "2.5"), "not a whole number", 3, "joy"),
    (lambda rows: rows[3].__setitem__(0, " "), "video name is empty", 5, "video_name"),
    (lambda rows: rows[3].__setitem__(0, rows[0][0]), "listed again (first in row 2)", 5,
     "video_name"),
    (lambda rows: rows[2].pop(), "has 14 cells where the header has 15", 4, None),
])
def test_bad_rows_are_named_and_change_nothing(project, tmp_path, mutate, message, row, column):
    rows = released_rows(5)
    mutate(rows)
    path = write_released(tmp_path / "bad.csv", rows)
    before = dump_project(project.path)
    with pytest.raises(InputFileError) as err:
        import_released(project, path)
    e = err.value
    assert message in str(e) and str(path) in str(e)
    assert (e.row, e.column) == (row, column)
    assert dump_project(project.path) == before


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty"),
    (b"video_name,Sentiment\nx,1\n", "lacks column(s) 'joy'"),
    (b"\xff\xfe\x00bad", "not UTF-8"),
    (b"video_name,\x00\n", "NUL"),
    (",".join(RELEASED_HEADER).encode() + b'\n"unterminated,1', "malformed CSV"),
    (",".join([*RELEASED_HEADER, "joy"]).encode() + b"\n", "names column 'joy' twice"),
])
def test_bad_files_are_refused(project, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_released(project, path)


def test_missing_file(project, tmp_path):
    with pytest.raises(InputFileError, match="cannot read"):
        import_released(project, tmp_path / "nope.csv")


def test_bom_and_crlf_are_read(project, tmp_path):
    rows = released_rows(2)
    text = "\r\n".join(",".join(r) for r in [RELEASED_HEADER, *[
        [c.replace("\n", " ").replace('"', "").replace(",", ";") for c in r] for r in rows]])
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert import_released(project, path).rows == 2


def _annotator_file(tmp_path, rows, extra=("sentiment_confidence", "emotion_confidence", "cues")):
    header = ["video_name", "Sentiment", *EMOTIONS, *extra]
    return write_released(tmp_path / "ann.csv", rows, header)


def test_annotator_import_and_export(project, tmp_path):
    rows = [["v1", "3", *["1"] * 9, "4", "80", "65", "wide eyes, big signs"],
            ["v2", "", *[""] * 10, "", "", ""]]
    path = _annotator_file(tmp_path, rows)
    assert import_annotator_csv(project, path, "maria").rows == 2
    repo = project._repo
    who = repo.annotator_by_name("maria")
    a1 = repo.annotation(repo.video_by_name("v1").id, who.id)
    assert a1.sentiment == 3 and a1.emotions["anger"] == 3 and a1.emotions["joy"] == 0
    assert (a1.sentiment_confidence, a1.emotion_confidence) == (80, 65)
    assert a1.cues == "wide eyes, big signs"
    out = tmp_path / "back.csv"
    export_annotator_csv(project, out, "maria")
    assert out.read_bytes() == path.read_bytes()


def test_annotator_import_protocol_coding(project, tmp_path):
    path = _annotator_file(tmp_path, [["v1", "0", *["0"] * 9, "3"]], extra=())
    import_annotator_csv(project, path, "li", offset=0)
    who = project._repo.annotator_by_name("li")
    assert project._repo.annotations(annotator_id=who.id)[0].emotions["anger"] == 3


def test_annotator_confidence_out_of_range(project, tmp_path):
    path = _annotator_file(tmp_path, [["v1", "0", *["1"] * 10, "101", "5", ""]])
    with pytest.raises(InputFileError) as err:
        import_annotator_csv(project, path, "li")
    assert err.value.column == "sentiment_confidence" and err.value.row == 2


def test_export_without_consensus_is_explained(project, tmp_path):
    with pytest.raises(EmoSignError, match="no 'emosign-consensus'"):
        export_released(project, tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


def test_import_is_one_undo_step(project, tmp_path):
    src = write_released(tmp_path / "emosign_dataset.csv", released_rows(5))
    before = dump_project(project.path)
    import_released(project, src)
    stack = project.writer.undo_stack
    assert stack.undo_label == "import emosign_dataset.csv"
    project.writer.undo()
    assert project._repo.videos() == [] and project._repo.annotations() == []
    assert project._repo.annotators() == []
    project.writer.redo()
    assert len(project._repo.videos()) == 5
    out = tmp_path / "out.csv"
    export_released(project, out)
    assert out.read_bytes() == src.read_bytes()
    project.writer.undo()
    tables = {row[0] for row in before}
    assert [r for r in dump_project(project.path) if r[0] != "edit_log"] == [
        r for r in before if r[0] != "edit_log"] and "edit_log" in tables | {"edit_log"}


def test_undo_of_import_keeps_what_was_labelled_since(project, tmp_path):
    from emosign_desktop.core.errors import StaleChangeError
    from emosign_desktop.services.session import open_session

    src = write_released(tmp_path / "in.csv", released_rows(2))
    import_released(project, src)
    video = project._repo.videos()[0]
    with open_session(project.folder) as other:  # another window: a person labels it
        other.editing.set_label(video.id, "kim", "joy", 1)
        other.editing.set_label(video.id, "emosign-consensus", "anger", 2)
    with pytest.raises(StaleChangeError, match=r"anger of video .* is now 2"):
        project.writer.undo()
    assert project._repo.annotation(video.id, project._repo.annotator_by_name(
        "emosign-consensus").id).emotions["anger"] == 2
    assert not project.writer.undo_stack.can_undo  # the stale step is gone
