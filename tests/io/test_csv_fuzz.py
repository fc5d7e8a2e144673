"""Property tests: arbitrary bytes and rows never crash the importer or write half an import."""

from __future__ import annotations

import shutil

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emosign_desktop.core.errors import InputFileError
from emosign_desktop.services.csv_exchange import export_released, import_released
from emosign_desktop.services.session import open_session
from emosign_desktop.storage import PROJECT_FILE
from tests.conftest import dump_project
from tests.generate import RELEASED_HEADER, write_released

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _fresh(empty_project_file, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    shutil.copy(empty_project_file, folder / PROJECT_FILE)
    return folder


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes(empty_project_file, tmp_path_factory, data):
    folder = _fresh(empty_project_file, tmp_path_factory)
    path = folder / "in.csv"
    path.write_bytes(b"video_name,Sentiment," + data)
    before = dump_project(folder / PROJECT_FILE)
    with open_session(folder) as project:
        try:
            import_released(project, path)
        except InputFileError as exc:
            assert str(path) in str(exc)
    assert dump_project(folder / PROJECT_FILE) == before  # header is never complete: refused


cell = st.one_of(
    st.sampled_from(["-3", "0", "3", "1", "4", "5", "", " 2", "x", "1.0", "+1", "٣"]),
    st.text(max_size=12),
)


@SETTINGS
@given(rows=st.lists(st.lists(cell, min_size=13, max_size=16), min_size=1, max_size=8))
def test_arbitrary_rows(empty_project_file, tmp_path_factory, rows):
    folder = _fresh(empty_project_file, tmp_path_factory)
    path = write_released(folder / "in.csv", rows)
    before = dump_project(folder / PROJECT_FILE)
    with open_session(folder) as project:
        try:
            summary = import_released(project, path)
        except InputFileError as exc:
            assert str(path) in str(exc) and exc.row is not None
            assert dump_project(folder / PROJECT_FILE) == before
            return
        assert summary.rows == len([r for r in rows if r])
        out = folder / "out.csv"
        export_released(project, out)
        again = folder / "again"
        again.mkdir()
        shutil.copy(empty_project_file, again / PROJECT_FILE)
        with open_session(again) as second:  # what we export, we read back the same
            import_released(second, out)
            out2 = folder / "out2.csv"
            export_released(second, out2)
        assert out.read_bytes() == out2.read_bytes()


@SETTINGS
@given(texts=st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                                     blacklist_characters="\x00\r"),
                              max_size=40), min_size=3, max_size=3))
def test_any_cue_text_round_trips(empty_project_file, tmp_path_factory, texts):
    folder = _fresh(empty_project_file, tmp_path_factory)
    row = ["clip", "1", *["2"] * 10, *texts]
    src = write_released(folder / "in.csv", [row])
    with open_session(folder) as project:
        import_released(project, src)
        out = folder / "out.csv"
        export_released(project, out, raw=True)  # (safe exports: tests/io/test_safe_csv)
    assert out.read_bytes() == src.read_bytes()
    assert RELEASED_HEADER[0] == "video_name"
