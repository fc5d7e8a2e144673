"""Cancelling an ELAN import, a SignStream import and Relink Missing Media on the background
writer: each reports its progress between items and, cancelled part way (or while its rows
are being saved), changes nothing: every row of the project file is as before, the undo
history too, and the same operation run again afterwards goes through."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from emosign_desktop.core.changeset import ChangeSet, VideoEdit
from emosign_desktop.core.model import MediaInfo, Video, VideoId
from emosign_desktop.services.background import CancelledError, Progress
from emosign_desktop.services.elan import import_eaf
from emosign_desktop.services.signstream import import_signstream
from emosign_desktop.services.videos import add_videos, relink_missing
from emosign_desktop.services.workspace import Workspace
from tests.conftest import dump_project
from tests.generate import make_video
from tests.io.test_signstream import write_signstream
from tests.services.cancelling import CancelAt

FPS, FRAMES = 25.0, 3000  # two minutes
TIERS, PER_TIER = 3, 200  # an ELAN file of 600 annotations


def halfway_through(what: str) -> Callable[[int, int, str], bool]:
    """Cancel half way through the items a report names (``segment``, ``file``...)."""
    return lambda done, total, text: what in text and total > 0 and done >= total // 2


def while_saving(_done: int, _total: int, text: str) -> bool:
    """Cancel while the import's rows are being written (before the commit)."""
    return "saving" in text


@pytest.fixture(params=["sqlite", "postgresql"])
def workspace(request):
    """The application's workspace on an empty project: an SQLite file, or a database on a
    PostgreSQL server (a slow test: ``make test-slow``)."""
    name = "server_project_dir" if request.param == "postgresql" else "project_dir"
    ws = Workspace("ann")
    ws.open(request.getfixturevalue(name))
    yield ws
    ws.close()
    ws.background.close()


def project_file(ws: Workspace) -> Path:
    assert ws.folder is not None
    return ws.folder / "project.emosign"


def add_record(ws: Workspace, name: str) -> Video:
    """A video known by its stored media facts (no file)."""
    session = ws.session
    assert session is not None
    video = Video(VideoId(session._repo.next_id("video")), name, None, None,
                  MediaInfo(FPS, FRAMES, 64, 48, FRAMES / FPS, "h264"))
    session.writer.run(f"add {name}", lambda _r: ChangeSet(videos=(VideoEdit(None, video),)))
    return video


def run_on_writer(ws: Workspace, job: Callable[[], object], progress: Progress
                  ) -> BaseException | None:
    """Run ``job`` on the workspace's background writer as the application does; its
    error (None when it went through)."""
    ticket = ws.background.submit(lambda _p: job(), progress=progress)
    ws.wait_idle()
    return ticket.error()


def undo_labels(ws: Workspace) -> list[str]:
    stack = ws.undo_stack
    assert stack is not None
    return [step.label for step in stack._done]


# -- ELAN -----------------------------------------------------------------------------------------
def eaf_text(media: str, tiers: int = TIERS, per_tier: int = PER_TIER, value: str = "x",
             step_ms: int = 300) -> str:
    """An EAF 3.0 file linking ``media`` with ``tiers`` top tiers of ``per_tier`` annotations
    (one every ``step_ms``, two thirds of it long)."""
    slots, body = [], []
    for t in range(tiers):
        annotations = []
        for i in range(per_tier):
            a, b = f"t{t}s{2 * i}", f"t{t}s{2 * i + 1}"
            begin, end = step_ms * i, step_ms * i + step_ms * 2 // 3
            slots += [f'<TIME_SLOT TIME_SLOT_ID="{a}" TIME_VALUE="{begin}"/>',
                      f'<TIME_SLOT TIME_SLOT_ID="{b}" TIME_VALUE="{end}"/>']
            annotations.append(
                f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a{t}_{i}" TIME_SLOT_REF1="{a}"'
                f' TIME_SLOT_REF2="{b}"><ANNOTATION_VALUE>{value}{i}</ANNOTATION_VALUE>'
                "</ALIGNABLE_ANNOTATION></ANNOTATION>")
        body.append(f'<TIER LINGUISTIC_TYPE_REF="lt" TIER_ID="tier {t}">'
                    + "".join(annotations) + "</TIER>")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="" DATE="2024-01-01T00:00:00+01:00" FORMAT="3.0" VERSION="3.0">
<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">
<MEDIA_DESCRIPTOR MEDIA_URL="file:///elsewhere/{media}" MIME_TYPE="video/mp4"/></HEADER>
<TIME_ORDER>{"".join(slots)}</TIME_ORDER>
{"".join(body)}
<LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="lt" TIME_ALIGNABLE="true"/>
</ANNOTATION_DOCUMENT>
"""


@pytest.fixture
def eaf(workspace, tmp_path):
    """A video ``clip`` with an earlier import of ``lab.eaf`` on it; the file now holds
    other values (importing it again replaces what the earlier import brought)."""
    add_record(workspace, "clip")
    path = tmp_path / "lab.eaf"
    path.write_text(eaf_text("clip.mp4", value="old"), encoding="utf-8")
    assert import_eaf(workspace.session, path).reference_segments == TIERS * PER_TIER
    path.write_text(eaf_text("clip.mp4", value="new"), encoding="utf-8")
    return path


@pytest.mark.parametrize("when", [halfway_through("segment"), while_saving],
                         ids=["half way through its segments", "while saving"])
def test_a_cancelled_elan_import_changes_nothing(workspace, eaf, when):
    before = dump_project(project_file(workspace))
    steps = undo_labels(workspace)
    progress = CancelAt(when)
    error = run_on_writer(workspace, lambda: import_eaf(workspace.session, eaf), progress)
    assert isinstance(error, CancelledError)
    assert dump_project(project_file(workspace)) == before
    assert undo_labels(workspace) == steps
    total = TIERS * PER_TIER
    # it said how far it got: the tiers read, then the segments, rising, of the whole file
    assert [(d, t) for d, t, text in progress.seen if "tier" in text] == [
        (i, TIERS) for i in range(1, TIERS + 1)]
    segments = [d for d, t, text in progress.seen if "segment " in text and t == total]
    assert len(segments) >= 10 and segments == sorted(segments)
    assert progress.seen[-1][0] >= total // 2
    assert all("lab.eaf" in text for _d, _t, text in progress.seen)
    # the same import, not cancelled, goes through afterwards
    again = CancelAt(lambda *_a: False)
    assert run_on_writer(workspace, lambda: import_eaf(workspace.session, eaf), again) is None
    assert again.seen[-1] == (total, total, f"importing lab.eaf: saving segments "
                                           f"({total:,} of {total:,})")
    values = {s.value[:3] for s in workspace.session._repo.segments()}
    assert values == {"new"}
    assert undo_labels(workspace) == [*steps, "import lab.eaf"]


def test_the_command_line_import_is_not_cancelled(workspace, eaf):
    """Off the background writer there is no progress to check: the import runs whole."""
    result = import_eaf(workspace.session, eaf)
    assert result.replaced == TIERS * PER_TIER and result.reference_segments == TIERS * PER_TIER


# -- SignStream -----------------------------------------------------------------------------------
UTTERANCE_IDS = [str(1000 + i) for i in range(12)]


def signstream_utterances(value: str) -> list[dict]:
    """Twelve utterances of 25 glosses each (one per clip named after its ID)."""
    return [{"id": uid, "S": 0, "E": 9000, "media": (), "tracks": {
        "10000": [(300 * i, 300 * i + 200, f"{value}{i}") for i in range(25)]}}
        for uid in UTTERANCE_IDS]


@pytest.fixture
def signstream_file(workspace, tmp_path):
    for uid in UTTERANCE_IDS:
        add_record(workspace, f"clip_{uid}")
    path = tmp_path / "ncslgr.xml"
    write_signstream(path, utterances=signstream_utterances("OLD"), media=())
    assert len(import_signstream(workspace.session, path).placed) == len(UTTERANCE_IDS)
    write_signstream(path, utterances=signstream_utterances("NEW"), media=())
    return path


@pytest.mark.parametrize("when", [halfway_through("utterance"), halfway_through("segment"),
                                  while_saving],
                         ids=["while placing utterances", "half way through its segments",
                              "while saving"])
def test_a_cancelled_signstream_import_changes_nothing(workspace, signstream_file, when):
    before = dump_project(project_file(workspace))
    steps = undo_labels(workspace)
    progress = CancelAt(when)
    error = run_on_writer(workspace, lambda: import_signstream(workspace.session,
                                                               signstream_file), progress)
    assert isinstance(error, CancelledError)
    assert dump_project(project_file(workspace)) == before
    assert undo_labels(workspace) == steps
    assert progress.seen and all("ncslgr.xml" in text for _d, _t, text in progress.seen)
    again = CancelAt(lambda *_a: False)
    assert run_on_writer(workspace, lambda: import_signstream(workspace.session,
                                                              signstream_file), again) is None
    total = 25 * len(UTTERANCE_IDS)
    placing = [d for d, t, text in again.seen if "utterance" in text]
    segments = [d for d, t, text in again.seen if "segment " in text and t == total]
    assert placing == list(range(1, len(UTTERANCE_IDS) + 1))
    assert len(segments) >= 10 and segments == sorted(segments) and segments[-1] == total
    assert {s.value[:3] for s in workspace.session._repo.segments()} == {"NEW"}


# -- relinking missing media ----------------------------------------------------------------------
@pytest.fixture
def moved(workspace, tmp_path):
    """Six videos whose files were moved to ``moved/`` (missing where the project looks)."""
    media = tmp_path / "media"
    media.mkdir()
    files = [make_video(media / f"c{i}.mp4", frames=4 + i) for i in range(6)]
    add_videos(workspace.session, files)
    target = tmp_path / "moved" / "deeper"
    target.mkdir(parents=True)
    for f in files:
        shutil.move(f, target / f.name)
    (target / "notes.txt").write_text("not a video", encoding="utf-8")
    return target


def test_a_cancelled_relink_changes_nothing_and_moves_no_file(workspace, moved):
    before = dump_project(project_file(workspace))
    steps = undo_labels(workspace)
    files = sorted(p.name for p in moved.iterdir())
    progress = CancelAt(halfway_through("file"))
    error = run_on_writer(workspace, lambda: relink_missing(workspace.session, moved.parent),
                          progress)
    assert isinstance(error, CancelledError)
    assert dump_project(project_file(workspace)) == before
    assert undo_labels(workspace) == steps
    assert sorted(p.name for p in moved.iterdir()) == files  # relinking moves no file
    assert [d for d, t, text in progress.seen if "file " in text and t == 6] == [1, 2, 3]
    again = CancelAt(lambda *_a: False)
    found: list[Video] = []
    assert run_on_writer(workspace, lambda: found.extend(
        relink_missing(workspace.session, moved.parent)), again) is None
    assert len(found) == 6
    assert {v.media_path for v in workspace.session._repo.videos()} == {
        f"../moved/deeper/c{i}.mp4" for i in range(6)}
    assert undo_labels(workspace) == [*steps, "relink 6 media files"]
