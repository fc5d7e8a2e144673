"""``emosign export-csv --emotion-coding protocol|released`` (the import side has it too) and
``--long`` with cue texts and skips, through the command line."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from emosign_desktop.cli import main
from tests.generate import EMOTIONS

GIVEN = {"v1": ("-3", ["0", "1", "2", "3", "0", "0", "1", "1", "2", "3"], "nod, brows up"),
         "v2": ("2", ["3", "3", "3", "3", "3", "0", "0", "0", "0", "0"], "")}


def cells(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A project with ana's ratings imported from a file on the protocol's 0..3."""
    folder = tmp_path / "proj"
    assert main(["init", str(folder)]) == 0
    src = tmp_path / "ana.csv"
    src.write_text("video_name,Sentiment," + ",".join(EMOTIONS) + ",cues\n" + "".join(
        f"{name},{s}," + ",".join(e) + f',"{cues}"\n' for name, (s, e, cues) in GIVEN.items()),
        encoding="utf-8")
    assert main(["import-csv", str(folder), str(src), "--annotator", "ana",
                 "--emotion-coding", "protocol"]) == 0
    return folder


def test_protocol_round_trip_gives_the_same_numbers(folder, tmp_path):
    out = tmp_path / "out.csv"
    assert main(["export-csv", str(folder), str(out), "--annotator", "ana",
                 "--emotion-coding", "protocol"]) == 0
    back = {r["video_name"]: (r["Sentiment"], [r[e] for e in EMOTIONS]) for r in cells(out)}
    assert back == {name: (s, e) for name, (s, e, _c) in GIVEN.items()}


def test_released_coding_is_the_default_and_can_be_named(folder, tmp_path):
    default, named = tmp_path / "default.csv", tmp_path / "named.csv"
    assert main(["export-csv", str(folder), str(default), "--annotator", "ana"]) == 0
    assert main(["export-csv", str(folder), str(named), "--annotator", "ana",
                 "--emotion-coding", "released"]) == 0
    assert default.read_bytes() == named.read_bytes()
    v1 = next(r for r in cells(default) if r["video_name"] == "v1")
    assert [int(v1[e]) for e in EMOTIONS] == [int(v) + 1 for v in GIVEN["v1"][1]]
    agg = tmp_path / "agg.csv"
    assert main(["export-csv", str(folder), str(agg), "--aggregate", "majority",
                 "--emotion-coding", "protocol"]) == 0
    v1 = next(r for r in cells(agg) if r["video_name"] == "v1")
    assert [v1[e] for e in EMOTIONS] == GIVEN["v1"][1]


def test_long_keeps_the_protocol_scale_unless_told_and_has_the_cue_texts(folder, tmp_path):
    plain, coded = tmp_path / "long.csv", tmp_path / "coded.csv"
    assert main(["export-csv", str(folder), str(plain), "--long"]) == 0
    assert main(["export-csv", str(folder), str(coded), "--long",
                 "--emotion-coding", "released"]) == 0
    rows = cells(plain)
    joy = {r["video"]: r["value"] for r in rows if r["label"] == "joy"}
    assert joy == {"v1": "0", "v2": "3"}  # as today: 0..3
    assert {r["video"]: r["value"] for r in cells(coded) if r["label"] == "joy"} == {
        "v1": "1", "v2": "4"}
    assert {r["cues"] for r in rows if r["video"] == "v1"} == {"nod, brows up"}
    assert {r["skipped"] for r in rows} == {"False"}


def test_an_unknown_coding_is_refused_by_the_parser(folder, tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["export-csv", str(folder), str(tmp_path / "x.csv"), "--emotion-coding", "1..4"])
    assert exited.value.code == 2 and "invalid choice" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()
