"""Issue 19, items 1 and 2: a failed write is reported as NOT saved (in plain words, with
nothing of it stored), and a project that cannot be written opens read-only, leaving
nothing beside it; nothing is called damaged unless an integrity check says so."""

from __future__ import annotations

import sqlite3
import stat

import pytest

from emosign_desktop.core.changes import Changes
from emosign_desktop.core.errors import NotSavedError, ProjectError, ReadOnlyProjectError
from emosign_desktop.services.queries import Queries
from emosign_desktop.services.session import open_session
from emosign_desktop.storage.failures import sqlite_reason
from emosign_desktop.storage.project import PROJECT_FILE
from tests.conftest import dump_project
from tests.storage.safety_helpers import (
    fill,
    immutable,
    labelled,
    read_only_view,
    run_obeying_permissions,
    side_files,
    small_disk,
    stored,
)


def _set_joy_and_fail(s, expected: type[Exception], match: str) -> None:
    video = next(v for v in s._repo.videos() if v.name == "clip")
    heard: list[Changes] = []
    s.writer.subscribe(heard.append)
    with pytest.raises(expected, match=match) as caught:
        s.editing.set_labels(video.id, "ann1", {"joy": 3, "cues": "x" * 400_000})
    text = str(caught.value)
    assert "SQL" not in text and "INSERT" not in text and "UPDATE" not in text
    assert heard and heard[-1].project  # the panels are told to read what is stored
    stack = s.writer.undo_stack
    assert stack is None or stack.undo_label is None


def test_sqlite_errors_in_plain_words():
    cases = {
        "attempt to write a readonly database": "cannot be written",
        "database or disk is full": "the disk is full",
        "disk I/O error": "disk error",
        "unable to open database file": "cannot be opened",
        "database disk image is malformed": "damaged",
        "file is not a database": "damaged",
    }
    for message, words in cases.items():
        reason, damaged = sqlite_reason(sqlite3.OperationalError(message))
        assert words in reason, message
        assert damaged == (words == "damaged")


def test_immutable_project_opens_read_only(project_dir):
    labelled(project_dir)
    before = dump_project(project_dir / PROJECT_FILE)
    with immutable(project_dir / PROJECT_FILE), open_session(project_dir) as s:
        assert s._project.read_only is not None and "immutable" in s._project.read_only
        video = next(v for v in s._repo.videos() if v.name == "clip")
        assert Queries(s).annotation(video.id, "ann1") is not None
        with pytest.raises(ReadOnlyProjectError, match="cannot be written: the project file"):
            s.editing.set_label(video.id, "ann1", "joy", 1)
    assert side_files(project_dir) == []  # nothing left beside it
    assert dump_project(project_dir / PROJECT_FILE) == before
    with open_session(project_dir) as s:  # writable again once the mark is gone
        assert s._project.read_only is None


def test_read_only_mount_opens_for_viewing_and_export(project_dir, tmp_path, capsys):
    from emosign_desktop.cli import main

    labelled(project_dir, joy=2)
    with read_only_view(project_dir) as view:
        assert main(["info", str(view)]) == 0
        out = capsys.readouterr().out
        assert "read-only" in out and "read-only media" in out
        out_csv = str(tmp_path / "out.csv")
        assert main(["export-csv", str(view), out_csv, "--aggregate", "majority"]) == 0
        assert (tmp_path / "out.csv").read_text().count("\n") == 2
        assert main(["agreement", str(view)]) == 0
        capsys.readouterr()
        assert main(["init", str(view / "sub")]) == 2
        assert main(["blind", str(view), "on"]) == 2
        err = capsys.readouterr().err
        assert "cannot be" in err and "Traceback" not in err and "damaged" not in err
    assert side_files(project_dir) == []


def test_disk_full_is_not_saved_and_nothing_changes():
    from emosign_desktop.services.session import create_session

    with small_disk(4) as disk:
        folder = disk / "project"
        create_session(folder).close()
        labelled(folder, joy=2, cues="old text")
        with open_session(folder, undo=True) as s:
            fill(disk)  # the disk fills while the project is open
            _set_joy_and_fail(s, NotSavedError, "NOT saved: the disk is full")
            assert s._project.verify_stored() is None  # no claim of safety now
        fill(disk)  # closing freed the journal's room: full again
        with open_session(folder) as s:  # opened on a full disk: read-only, and why
            assert s._project.read_only is not None and "full disk" in s._project.read_only
            _set_joy_and_fail(s, ReadOnlyProjectError, "cannot be written: .*full disk")
        (disk / "filler").unlink()
        assert stored(folder) == (2, "old text")


def test_permissions_bind_a_read_only_folder(project_dir, tmp_path):
    """chmod: a folder and file that cannot be written open read-only in a process the
    permissions bind; its writing commands exit 2 naming the reason."""
    labelled(project_dir)
    before = dump_project(project_dir / PROJECT_FILE)
    (project_dir / PROJECT_FILE).chmod(0o444)
    project_dir.chmod(0o555)
    try:
        done = run_obeying_permissions(
            "import sys\n"
            "from emosign_desktop.cli import main\n"
            "codes = [main(['info', sys.argv[1]]),\n"
            "         main(['export-csv', sys.argv[1], sys.argv[2], '--aggregate', 'majority']),\n"
            "         main(['blind', sys.argv[1], 'on'])]\n"
            "from emosign_desktop.services.session import open_session\n"
            "with open_session(sys.argv[1]) as s:\n"
            "    v = s._repo.videos()[0]\n"
            "    try:\n"
            "        s.editing.set_label(v.id, 'ann1', 'joy', 1)\n"
            "    except Exception as exc:\n"
            "        print('REFUSED', type(exc).__name__, exc)\n"
            "print('CODES', codes)\n", str(project_dir), str(tmp_path / "out.csv"))
    finally:
        project_dir.chmod(0o755)
        (project_dir / PROJECT_FILE).chmod(0o644)
    assert "CODES [0, 0, 2]" in done.stdout, done.stderr
    assert "REFUSED ReadOnlyProjectError" in done.stdout
    assert "cannot be written: the project file is not yours to write" in done.stdout
    assert "read-only" in done.stdout and "damaged" not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert dump_project(project_dir / PROJECT_FILE) == before
    assert side_files(project_dir) == []


def test_unreadable_folder_is_named(project_dir):
    project_dir.chmod(0o000)
    try:
        done = run_obeying_permissions(
            "import sys\nfrom emosign_desktop.cli import main\nsys.exit(main(['info', "
            "sys.argv[1]]))", str(project_dir))
    finally:
        project_dir.chmod(0o755)
    assert done.returncode == 2, done.stderr
    assert "project folder cannot be read" in done.stderr and "Errno" not in done.stderr


def test_read_only_side_files_are_repaired(project_dir):
    """Journal files left read-only (by an older version's read-only run) no longer make
    every later write fail once the permission is back."""
    labelled(project_dir)
    for suffix in ("-wal", "-shm"):
        side = project_dir / (PROJECT_FILE + suffix)
        side.write_bytes(b"")
        side.chmod(0o444)
    done = run_obeying_permissions(
        "import sys\nfrom emosign_desktop.services.session import open_session\n"
        "with open_session(sys.argv[1]) as s:\n"
        "    print('READ_ONLY', s._project.read_only)\n"
        "    v = s._repo.videos()[0]\n"
        "    s.editing.set_label(v.id, 'ann1', 'joy', 3)\n", str(project_dir))
    assert "READ_ONLY None" in done.stdout, done.stderr
    assert stored(project_dir)[0] == 3


def test_a_foreign_or_unreadable_file_is_not_called_damaged(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    con = sqlite3.connect(folder / PROJECT_FILE)
    con.execute("CREATE TABLE x(a)")
    con.commit()
    con.close()
    with pytest.raises(ProjectError) as caught:
        open_session(folder)
    assert "damaged" not in str(caught.value)
    assert stat.S_IMODE((folder / PROJECT_FILE).stat().st_mode)  # untouched, still there
