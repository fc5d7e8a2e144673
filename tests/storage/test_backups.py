"""Issue 19, item 5: rolling backups, integrity checks on open and on request, restoring
a backup (after a damaged page, after a truncated file), and a write-ahead log deleted
under a running app."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from emosign_desktop.cli import main
from emosign_desktop.core.errors import ProjectDamagedError
from emosign_desktop.services.safety import backup_now, check_project, restore_backup
from emosign_desktop.services.session import open_session
from emosign_desktop.storage import backups
from emosign_desktop.storage.project import PROJECT_FILE
from tests.conftest import dump_project
from tests.storage.safety_helpers import REPO, labelled, stored

PAGE = 4096


def _backups(folder):
    return sorted(p.name for p in (folder / "backups").glob("project-*.emosign"))


def _set_joy(folder, joy: int) -> None:
    with open_session(folder) as s:
        video = next(v for v in s._repo.videos() if v.name == "clip")
        s.editing.set_label(video.id, "ann1", "joy", joy)


def test_opening_an_edited_project_backs_it_up_once_a_day(project_dir):
    with open_session(project_dir):
        pass
    assert _backups(project_dir) == []  # nothing edited yet: nothing to keep
    labelled(project_dir)
    assert _backups(project_dir) == []  # edited, but not yet opened again
    with open_session(project_dir):  # opened with edits and no backup: one is made
        pass
    first = _backups(project_dir)
    assert len(first) == 1
    labelled_again = open_session(project_dir)
    labelled_again.close()
    assert _backups(project_dir) == first  # the newest is younger than a day
    made = backups.list_backups(project_dir / PROJECT_FILE)[0]
    assert backups.quick_check(made.path) == []
    assert not list((project_dir / "backups").glob("*-wal"))  # reading leaves nothing


def test_every_so_many_edits_and_only_the_newest_kept(project_dir, monkeypatch):
    monkeypatch.setattr(backups, "EVERY_EDITS", 3)
    monkeypatch.setattr(backups, "KEEP", 2)
    labelled(project_dir)
    with open_session(project_dir) as s:
        video = next(v for v in s._repo.videos() if v.name == "clip")
        for joy in (0, 1, 2, 3, 0, 1, 2):
            s.editing.set_label(video.id, "ann1", "joy", joy)
            assert s._project.backups is not None
            s._project.backups.wait()
    names = _backups(project_dir)
    assert len(names) == 2  # the oldest were dropped
    newest = backups.list_backups(project_dir / PROJECT_FILE)[0]
    assert newest.log_position > 0


def _damage_a_page(path) -> None:
    size = path.stat().st_size
    offset = (size // 2) // PAGE * PAGE
    with path.open("r+b") as fh:
        fh.seek(offset)
        fh.write(os.urandom(PAGE))


def _truncate(path) -> None:
    with path.open("r+b") as fh:
        fh.truncate(path.stat().st_size // 2)


@pytest.mark.parametrize("damage", [_damage_a_page, _truncate], ids=["page", "truncated"])
def test_damaged_file_is_named_and_the_newest_backup_restored(project_dir, damage, capsys):
    labelled(project_dir, joy=2)
    for i in range(40):  # enough rows that the file spans many pages
        with open_session(project_dir) as s:
            from emosign_desktop.services.videos import add_named_videos

            add_named_videos(s, [f"v{i:03d}-" + "x" * 200])
    made = backup_now(project_dir)
    good = dump_project(project_dir / PROJECT_FILE)
    _set_joy(project_dir, 3)  # an edit after the backup (lost with the damage)
    damage(project_dir / PROJECT_FILE)

    with pytest.raises(ProjectDamagedError) as caught:
        open_session(project_dir)
    assert caught.value.backup == made.path and made.path.name in str(caught.value)
    assert "emosign restore" in str(caught.value)

    assert main(["check", str(project_dir)]) == 2
    err = capsys.readouterr().err
    assert "DAMAGED" in err and made.path.name in err
    assert check_project(project_dir).backup is not None

    assert main(["restore", str(project_dir)]) == 0
    out = capsys.readouterr().out
    assert f"restored {made.path.name}" in out and "kept as" in out
    assert dump_project(project_dir / PROJECT_FILE) == good
    assert stored(project_dir) == (2, "brows up")
    assert list(project_dir.glob(f"{PROJECT_FILE}.replaced-*"))  # the damaged one is kept
    assert main(["check", str(project_dir)]) == 0


def test_restore_says_what_differs(project_dir):
    labelled(project_dir, joy=2)
    made = backup_now(project_dir)
    with open_session(project_dir) as s:
        from emosign_desktop.services.videos import add_named_videos

        add_named_videos(s, ["second"])
    done = restore_backup(project_dir, made.path)
    assert "videos: 2 now, 1 in the backup" in done.differences


def test_restore_refuses_a_damaged_backup_and_changes_nothing(project_dir):
    labelled(project_dir)
    made = backup_now(project_dir)
    before = dump_project(project_dir / PROJECT_FILE)
    _truncate(made.path)
    assert main(["restore", str(project_dir), "--from", str(made.path)]) == 2
    assert dump_project(project_dir / PROJECT_FILE) == before


_DELETE_WAL_AND_DIE = """
import os, sys
from emosign_desktop.services.session import open_session
s = open_session(sys.argv[1])
video = next(v for v in s._repo.videos() if v.name == "clip")
s.editing.set_label(video.id, "ann1", "joy", 0)
os.unlink(sys.argv[1] + "/project.emosign-wal")     # another program deletes the journal
s.editing.set_label(video.id, "ann1", "cues", "after the journal went")
print("WARNING", s._project.journal_warning)
sys.stdout.flush()
os._exit(9)                                        # killed: no clean close
"""


def test_a_deleted_journal_loses_no_edit(project_dir):
    labelled(project_dir, joy=2)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-c", _DELETE_WAL_AND_DIE, str(project_dir)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 9, done.stderr
    assert "WARNING Another program deleted the project's journal" in done.stdout
    assert stored(project_dir) == (0, "after the journal went")
    assert main(["check", str(project_dir)]) == 0


def test_a_large_file_is_checked_while_open_and_damage_stops_writing(project_dir,
                                                                     monkeypatch):
    import sqlite3

    from emosign_desktop.core.errors import ReadOnlyProjectError
    from emosign_desktop.storage import project as project_module

    labelled(project_dir)
    for joy in (0, 1, 2, 3) * 30:  # an edit log of several pages
        _set_joy(project_dir, joy)
    made = backup_now(project_dir)
    path = project_dir / PROJECT_FILE
    con = sqlite3.connect(path)
    (page,) = con.execute("SELECT max(pageno) FROM dbstat WHERE name = 'edit_log' "
                          "AND pagetype = 'leaf'").fetchone()
    con.close()
    with path.open("r+b") as fh:  # a page that opening does not read
        fh.seek((page - 1) * PAGE + 8)
        fh.write(os.urandom(PAGE - 8))
    monkeypatch.setattr(project_module, "CHECK_WHILE_OPENING", 0)
    s = open_session(project_dir)
    try:
        assert s._project._checking is not None
        s._project._checking.join()
        warning = s._project.damage_warning
        assert warning is not None and "damaged" in warning and made.path.name in warning
        video = next(v for v in s._repo.videos() if v.name == "clip")
        with pytest.raises(ReadOnlyProjectError, match="integrity check found"):
            s.editing.set_label(video.id, "ann1", "joy", 1)
    finally:
        s.close()
