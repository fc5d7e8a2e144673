"""What the services announce for a project setting: gold, blind mode, detector settings,
signers, rejected proposals each raise their own flag (undo too, and other clients hear the
same), never "everything"."""

from __future__ import annotations

import time

from emosign_desktop.core.changes import Changes
from emosign_desktop.services.blind import set_blind_mode
from emosign_desktop.services.gold import set_gold
from emosign_desktop.services.proposing import set_detector_settings, set_signer
from emosign_desktop.services.session import open_session
from tests.conftest import add_videos_by_name


def _heard(session) -> list[Changes]:
    heard: list[Changes] = []
    session.writer.subscribe(heard.append)
    return heard


def test_each_setting_is_announced_as_itself_and_so_is_its_undo(project):
    v1, _v2 = add_videos_by_name(project, "v1", "v2")
    project.editing.set_label(v1.id, "kim", "joy", 2)
    heard = _heard(project)
    set_gold(project, ["v1"], "kim")
    set_blind_mode(project, True)
    set_detector_settings(project, "brow_raise", threshold=3.5)
    set_signer(project, ["v1", "v2"], "ana")
    assert heard == [Changes(gold=True), Changes(blind=True),
                     Changes(detector_settings=True), Changes(signers=True)]
    heard.clear()
    project.writer.undo()
    project.writer.undo()
    assert heard == [Changes(signers=True), Changes(detector_settings=True)]


def _poll(session, seconds: float = 5.0) -> Changes | None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        found = session._repo.external_changes()
        if found is not None:
            return found
        time.sleep(0.05)
    return None


def test_another_client_hears_which_setting_changed(project):
    add_videos_by_name(project, "v1")
    other = open_session(project.folder)
    try:
        other._repo.watch_external_changes()
        set_blind_mode(project, True)
        found = _poll(other)
        assert found is not None and found.blind and not found.project and not found.gold
        set_detector_settings(project, "brow_raise", threshold=3.5)
        set_signer(project, ["v1"], "ana")
        found = _poll(other)
        assert found is not None and not found.project
        while not (found.detector_settings and found.signers):  # (one note or two)
            more = _poll(other)
            assert more is not None
            found |= more
    finally:
        other.close()
