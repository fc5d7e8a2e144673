"""Segments from another tool's file: reference tiers (read-only, grouped, under a parent),
our own tiers coming back, re-import replaces, one undo step."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from emosign_desktop.core.errors import LabelValidationError
from emosign_desktop.core.model import TierKind
from emosign_desktop.services.reference_import import (
    ImportCounts,
    SpanSpec,
    TierSpec,
    build_import,
)
from tests.conftest import add_videos_by_name

GLOSS = TierSpec("main gloss", TierKind.FREE)
BROWS = TierSpec("eye brows", TierKind.FACIAL_GRAMMAR, ("raised", "lowered"),
                 "Facial grammar (reference)", parent="main gloss")


def run(project, spans, tiers=(GLOSS, BROWS), source="signstream:a.xml", video=None):
    video_id = video or project._repo.video_by_name("v").id
    return project.writer.run("import a.xml", lambda repo: build_import(
        repo, video_id=video_id, source=source, annotator="signstream", tiers=tiers,
        spans=spans))


def test_reference_tiers_segments_replace_and_undo(project):
    [video] = add_videos_by_name(project, "v")
    project.writer.undo_stack.clear()
    run(project, [SpanSpec("main gloss", 0, 10, "IX-1p"),
                  SpanSpec("eye brows", 2, 8, "raised", attributes=(("phase", "onset"),))])
    tiers = {t.name: t for t in project._repo.tiers()}
    brows, gloss = tiers["eye brows"], tiers["main gloss"]
    assert brows.read_only and brows.group == "Facial grammar (reference)"
    assert brows.parent_id == gloss.id and brows.source == "signstream:a.xml"
    segs = project._repo.segments(video_id=video.id)
    assert {(s.value, s.attributes) for s in segs} == {("IX-1p", ()),
                                                       ("raised", (("phase", "onset"),))}
    assert project._repo.annotator_by_name("signstream").kind.value == "imported"
    run(project, [SpanSpec("eye brows", 3, 9, "lowered")])  # the same file again: replaces
    assert [(s.start_frame, s.value) for s in project._repo.segments(video_id=video.id)] == [
        (3, "lowered")]
    project.writer.undo()
    assert len(project._repo.segments(video_id=video.id)) == 2
    project.writer.undo()
    assert project._repo.segments() == [] and "eye brows" not in {
        t.name for t in project._repo.tiers()}


def test_reference_tiers_are_read_only_and_names_do_not_clash(project):
    [video] = add_videos_by_name(project, "v")
    clash = TierSpec("Emotion cue", TierKind.FREE)  # a tier of ours has that name
    run(project, [SpanSpec("Emotion cue", 0, 3, "x")], tiers=(clash,))
    ref = next(t for t in project._repo.tiers() if t.source)
    assert ref.name == "Emotion cue (a.xml)" and ref.read_only
    with pytest.raises(LabelValidationError, match="reference tier"):
        project.editing.add_segment(video.id, "kim", ref.id, 0, 2)
    [seg] = project._repo.segments(tier_id=ref.id)
    with pytest.raises(LabelValidationError, match="read-only"):
        project.editing.delete_segment(seg.id)


def test_own_tiers_come_back_to_their_annotator(project):
    [video] = add_videos_by_name(project, "v")
    own = TierSpec("Emotion cue", own=True)
    run(project, [SpanSpec("Emotion cue", 4, 13, "repetition", note="n", annotator="kim")],
        tiers=(own,), source="elan:v.eaf")
    [seg] = project._repo.segments(video_id=video.id)
    kim = project._repo.annotator_by_name("kim")
    assert (seg.annotator_id, seg.note, seg.source) == (kim.id, "n", "elan:v.eaf")
    assert kim.kind.value == "human"
    with pytest.raises(LabelValidationError, match="not in the vocabulary"):
        run(project, [SpanSpec("Emotion cue", 1, 2, "sneezing", annotator="kim")],
            tiers=(own,), source="elan:v.eaf")


def test_one_tier_per_name_with_what_each_file_said_of_it(project):
    [video] = add_videos_by_name(project, "v")
    run(project, [SpanSpec("main gloss", 0, 10, "A", key="k1"),
                  SpanSpec("eye brows", 2, 8, "raised", key="k2", parent="k1")],
        tiers=(replace(GLOSS, origin='{"said": "a"}'), BROWS))
    brows = next(t for t in project._repo.tiers() if t.name == "eye brows")
    [parent] = project._repo.segments(tier_id=next(
        t.id for t in project._repo.tiers() if t.name == "main gloss"))
    [child] = project._repo.segments(tier_id=brows.id)
    assert dict(child.attributes) == {"parent": parent.uid}
    counts = ImportCounts()
    project.writer.run("import b.xml", lambda repo: build_import(
        repo, video_id=video.id, source="signstream:b.xml", annotator="signstream",
        tiers=(replace(GLOSS, origin='{"said": "b"}'),
               replace(BROWS, vocabulary=("raised", "squint"))),
        spans=[SpanSpec("eye brows", 9, 9, "squint")], counts=counts))
    tiers = {t.name: t for t in project._repo.tiers() if t.read_only}
    assert set(tiers) == {"main gloss", "eye brows"}  # one tier per name
    assert tiers["eye brows"].vocabulary == ("raised", "lowered", "squint")
    assert json.loads(tiers["main gloss"].origin) == {"signstream:a.xml": {"said": "a"},
                                                      "signstream:b.xml": {"said": "b"}}
    assert (counts.joined, counts.values_added) == (["main gloss", "eye brows"], 1)
    assert len(project._repo.segments(tier_id=tiers["eye brows"].id)) == 2
