"""``propose``'s four modes are subcommands; the first spelling (``propose DIR --evaluate``
and so on) still reaches the same command with the same options."""

from __future__ import annotations

import pytest

from emosign_desktop.cli import main
from emosign_desktop.cli.entry import parse
from emosign_desktop.cli.quality import (
    cmd_propose,
    cmd_propose_evaluate,
    cmd_propose_list,
    cmd_propose_settings,
    cmd_propose_signer,
)

BOTH = [  # (new spelling, first spelling, the command the new one runs, options to compare)
    (["propose", "list", "D", "--video", "a", "--json"], ["propose", "D", "--video", "a",
                                                            "--json"],
     cmd_propose_list, ("dir", "video", "json")),
    (["propose", "evaluate", "D", "--tier", "T", "--annotator", "A", "--within", "4"],
     ["propose", "D", "--evaluate", "--tier", "T", "--annotator", "A", "--within", "4"],
     cmd_propose_evaluate, ("dir", "tier", "annotator", "within")),
    (["propose", "settings", "D", "--set", "brow_raise", "threshold=3"],
     ["propose", "D", "--set", "brow_raise", "threshold=3"],
     cmd_propose_settings, ("dir", "set")),
    (["propose", "signer", "D", "Ann", "--video", "a", "--video", "b"],
     ["propose", "D", "--signer", "Ann", "--video", "a", "--video", "b"],
     cmd_propose_signer, ("dir", "signer", "video")),
]


@pytest.mark.parametrize(("new", "old", "command", "options"), BOTH,
                         ids=[b[0][1] for b in BOTH])
def test_both_spellings_parse_to_the_same_options(new, old, command, options):
    now, before = parse(new), parse(old)
    assert now.func is command
    assert before.func is cmd_propose and before.command == "propose"
    assert {k: getattr(now, k) for k in options} == {k: getattr(before, k) for k in options}


def test_the_first_spelling_dispatches_by_its_options():
    assert parse(["propose", "D", "--settings"]).settings
    assert parse(["propose", "D"]).evaluate is False


def test_mode_errors_are_one_line_and_exit_2(tmp_path, capsys):
    assert main(["init", str(tmp_path / "p")]) == 0
    capsys.readouterr()
    folder = str(tmp_path / "p")
    assert main(["propose", "signer", folder, "Ann"]) == 2  # no --video
    assert main(["propose", folder, "--signer", "Ann"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["emosign propose: error: --signer needs --video NAME (repeat for each of "
                   "the signer's videos)"] * 2
    assert main(["propose", folder, "--evaluate"]) == 2
    assert "--evaluate needs --tier NAME" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:  # a subcommand's required options: usage, exit 2
        main(["propose", "evaluate", folder])
    assert stop.value.code == 2


def test_settings_in_both_spellings_show_the_same(tmp_path, capsys):
    folder = str(tmp_path / "p")
    assert main(["init", folder]) == 0
    capsys.readouterr()
    assert main(["propose", "settings", folder, "--set", "brow_raise", "threshold=3.5"]) == 0
    new = capsys.readouterr().out
    assert main(["propose", folder, "--settings"]) == 0
    assert capsys.readouterr().out == new and "threshold=3.5" in new
