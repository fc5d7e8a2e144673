"""Narrow change flags: each project setting says what it is, so a view reloads only for
what it shows; ``project`` stays for "everything"."""

from __future__ import annotations

import pytest

from emosign_desktop.core import project_settings as ps
from emosign_desktop.core.changes import EVERYTHING, Changes
from emosign_desktop.core.changeset import ChangeSet, MetaEdit, SegmentEdit
from emosign_desktop.core.model import AnnotatorId, Segment, SegmentId, TierId, VideoId


def _setting(name: str) -> Changes:
    return ChangeSet(meta=(MetaEdit(name, None, "1"),)).changes()


@pytest.mark.parametrize(("name", "flags"), [
    (ps.GOLD, Changes(gold=True)),
    (ps.BLIND, Changes(blind=True)),
    (ps.DETECTOR_SETTINGS, Changes(detector_settings=True)),
    (ps.SIGNERS, Changes(signers=True)),
    (ps.REJECTED_PREFIX + "7", Changes(rejections_of=frozenset({VideoId(7)}))),
    (ps.PREDICTION_RUN_PREFIX + '["m", "s"]', Changes(predictions=True)),
])
def test_each_setting_raises_its_own_flag_not_everything(name, flags):
    found = _setting(name)
    assert found == flags and not found.project


@pytest.mark.parametrize("name", ["label_schema", "import:elan", "rejected_proposals:x"])
def test_a_setting_not_known_means_everything(name):
    assert _setting(name) == EVERYTHING


def test_segments_say_their_videos_and_tiers():
    seg = Segment(SegmentId(1), VideoId(3), AnnotatorId(1), TierId(5), 0, 4)
    moved = Segment(SegmentId(1), VideoId(3), AnnotatorId(1), TierId(6), 0, 4)
    found = ChangeSet(segments=(SegmentEdit(seg, moved),)).changes()
    assert found.segments_of == {VideoId(3)} and found.segment_tiers == {TierId(5), TierId(6)}
    assert not (found.gold or found.blind or found.project)


def test_changes_join_flag_by_flag_and_keep_a_shared_initiator():
    me, other = object(), object()
    a = Changes(gold=True, annotations=frozenset({(VideoId(1), AnnotatorId(2))}), initiator=me)
    b = Changes(blind=True, rejections_of=frozenset({VideoId(4)}), initiator=me)
    both = a | b
    assert both == Changes(gold=True, blind=True, rejections_of=frozenset({VideoId(4)}),
                           annotations=frozenset({(VideoId(1), AnnotatorId(2))}))
    assert both.initiator is me
    assert (a | Changes(signers=True, initiator=other)).initiator is None


def test_a_change_of_any_flag_is_a_change_and_the_initiator_alone_is_not():
    assert not Changes(initiator=object())
    for flag in ("gold", "blind", "detector_settings", "signers", "project"):
        assert Changes(**{flag: True})
    assert Changes(segment_tiers=frozenset({TierId(1)}))
