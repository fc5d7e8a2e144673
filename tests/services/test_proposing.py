"""Proposals from cached landmarks, and their evaluation against an annotator's segments."""

from __future__ import annotations

import json

import numpy as np
import pytest

from emosign_desktop.analysis.proposals import (
    DETECTORS,
    LEGACY_DETECTORS,
    Evidence,
    Proposal,
)
from emosign_desktop.cli import main as cli_main
from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.landmarks.track import LandmarkTrack, cache_path
from emosign_desktop.services.proposing import evaluate_proposals, propose_for
from tests.conftest import add_video_record
from tests.landmarks.test_face_signals import face_track, raise_brows
from tests.landmarks.test_signals import H

FRAMES, FPS = 100, 25.0


def still_face(seed: int, frames: int = FRAMES) -> LandmarkTrack:
    """A still signer, jittering a little (the mesh and the blendshapes)."""
    track = face_track(frames, FPS, noise=0.005, seed=seed)
    rng = np.random.default_rng(seed)
    track.face[:, :, 1] += rng.normal(0, 0.2, (frames, 1)).astype(np.float32) / H  # jitter
    return track


def raised_brows(start: int, end: int, seed: int) -> LandmarkTrack:
    """A still signer whose brows rise over ``start..end`` (20 px, 0.1 eye distances, on
    the mesh; by 0.3 in the brow-raise blendshapes)."""
    track = still_face(seed)
    raise_brows(track, start, end)
    return track


@pytest.fixture
def videos(project):
    """Three videos with landmarks (brows raised over 20..39, 50..69 and none) and one
    without."""
    out = {}
    for name, span, seed in (("up1", (20, 39), 1), ("up2", (50, 69), 2), ("still", None, 3)):
        fp = f"sha256:{name}"
        track = raised_brows(*span, seed) if span else still_face(seed)
        path = cache_path(fp)
        path.parent.mkdir(parents=True, exist_ok=True)
        track.save(path)
        out[name] = add_video_record(project, name, fp)
    out["bare"] = add_video_record(project, "bare", "sha256:bare")
    return out


def test_brow_raises_are_proposed_where_they_are(project, videos):
    run = propose_for(project)
    assert run.without_landmarks == ["bare"]
    found = {vp.video.name: [(p.detector, p.start_frame, p.end_frame) for p in vp.proposals]
             for vp in run.videos}
    assert found == {"up1": [("brow_raise", 20, 39)], "up2": [("brow_raise", 50, 69)],
                     "still": []}
    vp = next(v for v in run.videos if v.video.name == "up1")
    assert vp.tiers["brow_raise"] is not None and vp.tiers["brow_raise"].name == "Facial grammar"
    e = vp.proposals[0].evidence
    assert e.signal == "inner_brow_raise+outer_brow_raise" and e.peak > e.threshold > e.baseline
    assert "rough baseline" in e.baseline_from  # 4 s of this signer: it is said
    assert vp.rough_baseline == e.baseline_from
    assert project._repo.segments() == []  # nothing is stored: proposals are no one's labels


def test_evaluation_against_an_annotators_segments(project, videos):
    grammar = next(t for t in project._repo.tiers() if t.name == "Facial grammar")
    project.editing.add_segment(videos["up1"].id, "kim", grammar.id, 21, 38,
                                "brow raise - yes/no question")
    project.editing.add_segment(videos["up2"].id, "kim", grammar.id, 10, 15,
                                "brow raise - topic/conditional")
    report = evaluate_proposals(project, "Facial grammar", "kim", within=1)
    assert report["videos"] == 2  # "still" was not looked at: it says nothing
    row = next(r for r in report["rows"] if r["detector"] == "brow_raise")
    assert (row["proposals"], row["human_segments"], row["matched"]) == (2, 2, 1)
    assert row["precision"] == 50.0 and row["recall"] == 50.0
    # boundaries 20/40 against 21/39 within 1 frame; 50/70 against 10/16: 2 of 4 each way
    assert row["boundary_f1"] == 50.0
    strict = evaluate_proposals(project, "Facial grammar", "kim", within=0)
    assert next(r for r in strict["rows"] if r["detector"] == "brow_raise")["boundary_f1"] == 0
    furrow = next(r for r in report["rows"] if r["detector"] == "brow_furrow")
    assert furrow["human_segments"] == 0 and furrow["proposals"] == 0  # raises are not furrows


def test_a_video_named_counts_as_looked_at(project, videos):
    grammar = next(t for t in project._repo.tiers() if t.name == "Facial grammar")
    project.editing.add_segment(videos["still"].id, "kim", grammar.id, 5, 9,
                                "brow raise - yes/no question")
    report = evaluate_proposals(project, "Facial grammar", "kim", names=["up1", "still"])
    assert report["videos"] == 2
    row = next(r for r in report["rows"] if r["detector"] == "brow_raise")
    assert (row["proposals"], row["human_segments"], row["matched"]) == (1, 1, 0)


def test_bad_requests_are_refused_with_the_names(project, videos):
    with pytest.raises(EmoSignError, match=r"no tier named 'Gaze'.*Facial grammar"):
        evaluate_proposals(project, "Gaze", "kim")
    with pytest.raises(EmoSignError, match="no annotator named 'nobody'"):
        project.editing.set_label(videos["up1"].id, "kim", "joy", 1)
        evaluate_proposals(project, "Facial grammar", "nobody")
    project.editing.add_tier("Notes")
    with pytest.raises(EmoSignError, match="no detector proposes segments"):
        evaluate_proposals(project, "Notes", "kim")
    with pytest.raises(EmoSignError, match="no video named 'zzz'"):
        propose_for(project, ["zzz"])


def test_the_command(project, videos, capsys):
    folder = str(project.folder)
    project.close()  # the command opens the project itself
    assert cli_main(["propose", folder]) == 0
    out, err = capsys.readouterr()
    assert "up1: 1 proposals" in out and "20-39" in out and "Brow raise" in out
    assert "(the face detectors' baseline is " in out and "rough baseline" in out
    assert "no landmarks yet for 1 video(s): bare" in err
    assert cli_main(["propose", folder, "--video", "up2", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["video"], r["start_frame"], r["end_frame"], r["tier"]) for r in rows] == [
        ("up2", 50, 69, "Facial grammar")]
    assert cli_main(["propose", folder, "--evaluate"]) == 2
    assert "--evaluate needs --tier NAME and --annotator NAME" in capsys.readouterr().err


def only(run, name):
    return next(v for v in run.videos if v.video.name == name)


def test_settings_live_in_the_project_and_undo(project, videos):
    from emosign_desktop.services.proposing import detector_settings, set_detector_settings

    set_detector_settings(project, "brow_raise", threshold=50.0)
    assert detector_settings(project)["brow_raise"].threshold == 50.0
    assert project.writer.undo_stack.undo_label == "change the brow raise detector"
    assert only(propose_for(project), "up1").proposals == []  # 0.3 / 0.01 = z 30 < 50
    default = DETECTORS["brow_raise"].defaults.threshold
    set_detector_settings(project, "brow_raise", threshold=default, enabled=False)
    assert only(propose_for(project), "up1").proposals == []
    project.writer.undo()
    project.writer.undo()
    assert detector_settings(project)["brow_raise"].threshold == default
    assert project._repo.meta().get("detector_settings") is None  # defaults keep nothing
    assert [p.detector for p in only(propose_for(project), "up1").proposals] == ["brow_raise"]
    with pytest.raises(EmoSignError, match="detector 'brow_raise': threshold must be above 0"):
        set_detector_settings(project, "brow_raise", threshold=-1)
    with pytest.raises(EmoSignError, match="no detector named 'smile'"):
        set_detector_settings(project, "smile", threshold=1)


def test_a_signers_baseline_spans_their_videos(project, videos):
    from emosign_desktop.services.proposing import set_signer, video_signers

    track = raised_brows(0, FRAMES - 1, 4)  # brows up all through: its own baseline is "up"
    track.save(cache_path("sha256:allup"))
    add_video_record(project, "allup", "sha256:allup")
    assert only(propose_for(project, ["allup"]), "allup").proposals == []
    still_face(8).save(cache_path("sha256:still2"))
    add_video_record(project, "still2", "sha256:still2")
    set_signer(project, ["allup", "still", "still2"], "Signer A")
    assert video_signers(project) == {"allup": "Signer A", "still": "Signer A",
                                      "still2": "Signer A"}
    spans = [(p.detector, p.start_frame, p.end_frame)
             for p in only(propose_for(project, ["allup"]), "allup").proposals]
    assert spans == [("brow_raise", 0, FRAMES - 1)]
    project.writer.undo()
    assert video_signers(project) == {}


def test_accept_makes_a_segment_with_provenance_and_undo_offers_it_again(project, videos):
    from emosign_desktop.services.proposing import accept_proposal

    vp = only(propose_for(project, ["up1"]), "up1")
    seg = accept_proposal(project.editing, vp.video, vp.proposals[0], "kim", start=21)
    stored = project._repo.segment(seg.id)
    assert (stored.start_frame, stored.end_frame, stored.value) == (21, 39, "")
    attrs = dict(stored.attributes)
    assert attrs["proposed_by"] == "brow_raise v2"
    assert json.loads(attrs["evidence"])["signal"] == "inner_brow_raise+outer_brow_raise"
    assert project._repo.tier(stored.tier_id).name == "Facial grammar"
    assert project.writer.undo_stack.undo_label == "accept brow raise 21-39"
    assert only(propose_for(project, ["up1"]), "up1").proposals == []  # decided
    project.writer.undo()
    assert project._repo.segments() == []
    assert len(only(propose_for(project, ["up1"]), "up1").proposals) == 1


def test_reject_is_remembered_per_video_and_detector_version(project, videos):
    from emosign_desktop.services.proposing import reject_proposal

    run = propose_for(project)
    up1, up2 = only(run, "up1"), only(run, "up2")
    reject_proposal(project, up1.video, up1.proposals[0])
    after = propose_for(project)
    assert only(after, "up1").proposals == [] and len(only(after, "up2").proposals) == 1
    assert project._repo.segments() == []  # a rejection is no one's label either
    grammar = next(t for t in project._repo.tiers() if t.name == "Facial grammar")
    project.editing.add_segment(up1.video.id, "kim", grammar.id, 20, 39,
                                "brow raise - yes/no question")
    # the evaluation still sees every proposal, decided or not
    row = evaluate_proposals(project, "Facial grammar", "kim")["rows"][0]
    assert row["detector"] == "brow_raise" and row["matched"] == 1
    project.writer.undo()
    project.writer.undo()
    assert len(only(propose_for(project), "up1").proposals) == 1
    assert up2.proposals  # untouched


def test_settings_from_the_command_line(project, videos, capsys):
    folder = str(project.folder)
    project.close()
    assert cli_main(["propose", folder, "--set", "brow_raise", "threshold=3.5",
                     "enabled=no"]) == 0
    out = capsys.readouterr().out
    assert "brow_raise     enabled=False  threshold=3.5" in out
    assert cli_main(["propose", folder, "--set", "brow_raise", "threshold"]) == 2
    assert "'threshold' is not KEY=VALUE" in capsys.readouterr().err
    assert cli_main(["propose", folder, "--set", "brow_raise", "colour=red"]) == 2
    assert "unknown setting(s) colour" in capsys.readouterr().err
    assert cli_main(["propose", folder, "--set", "brow_raise", "threshold=high"]) == 2
    assert "settings must be numbers" in capsys.readouterr().err


def test_signer_from_the_command_line(project, videos, capsys):
    from emosign_desktop.services.proposing import video_signers

    folder = str(project.folder)
    assert cli_main(["propose", folder, "--signer", "Ann", "--video", "up1", "--video",
                     "still"]) == 0
    assert "2 video(s) signed by Ann" in capsys.readouterr().out
    assert video_signers(project) == {"up1": "Ann", "still": "Ann"}
    assert cli_main(["propose", folder, "--signer", "Ann"]) == 2
    assert "--signer needs --video" in capsys.readouterr().err
    assert cli_main(["propose", folder, "--signer", "", "--video", "up1"]) == 0
    assert video_signers(project) == {"still": "Ann"}


def test_signals_and_detections_are_computed_once_per_landmarks_and_settings(
        project, videos, monkeypatch):
    """Accepting and rejecting reuse the video's signals and detector run; other detector
    settings run the detectors again on the same signals; a new landmark file computes the
    signals again; a removed one leaves the video without landmarks."""
    from emosign_desktop.landmarks import cached_signals
    from emosign_desktop.services import proposing

    calls = {"signals": 0, "detect": 0}

    def counted(name, fn):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return fn(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(cached_signals, "compute_signals",
                        counted("signals", cached_signals.compute_signals))
    monkeypatch.setattr(proposing, "propose", counted("detect", proposing.propose))
    proposing.forget_computed()
    track = raised_brows(10, 29, 5)
    raise_brows(track, 60, 79)
    track.save(cache_path("sha256:two"))
    two = add_video_record(project, "two", "sha256:two")

    def spans():
        return [(p.start_frame, p.end_frame)
                for p in only(propose_for(project, ["two"]), "two").proposals]

    first = only(propose_for(project, ["two"]), "two").proposals
    assert [(p.start_frame, p.end_frame) for p in first] == [(10, 29), (60, 79)]
    proposing.accept_proposal(project.editing, two, first[0], "kim")
    assert spans() == [(60, 79)]
    proposing.reject_proposal(project, two, first[1])
    assert spans() == []
    project.writer.undo()
    assert spans() == [(60, 79)]
    assert calls == {"signals": 1, "detect": 1}

    proposing.set_detector_settings(project, "brow_raise", threshold=50.0)
    assert spans() == []
    assert calls == {"signals": 1, "detect": 2}
    project.writer.undo()
    assert spans() == [(60, 79)]  # the defaults' run was kept
    assert calls == {"signals": 1, "detect": 2}

    moved = raised_brows(40, 59, 6)  # landmarks extracted again: other brows
    moved.save(cache_path("sha256:two"))
    assert spans() == [(40, 59)]
    assert calls == {"signals": 2, "detect": 3}
    cache_path("sha256:two").unlink()
    assert "two" in propose_for(project, ["two"]).without_landmarks


def test_kept_signals_cannot_be_changed_by_a_caller(project, videos):
    from emosign_desktop.landmarks.cached_signals import signals_for

    got = signals_for("sha256:up1")
    assert got is not None and got.fps == FPS
    with pytest.raises(ValueError, match="read-only"):
        got.signals["brow_lowering"][0] = 1.0
    assert signals_for("sha256:up1") is got


def test_rejections_of_the_old_version_do_not_hide_the_new_ones(project, videos):
    """A project holds rejections (and accepted segments) of version 1 of the brow raise
    detector: the rejection stays with version 1, so version 2 proposes that span again;
    a segment accepted from version 1 still keeps it from being proposed twice."""
    assert (LEGACY_DETECTORS["brow_raise"].version, DETECTORS["brow_raise"].version) == (1, 2)
    from emosign_desktop.services.proposing import reject_proposal

    up1, up2 = videos["up1"], videos["up2"]
    old = Proposal("brow_raise", 1, 20, 39, "", Evidence("brow_raise_left+brow_raise_right",
                                                         0.05, 0.0, 0.01, 0.1, 30))
    reject_proposal(project, up1, old)
    assert json.loads(project._repo.meta()[f"rejected_proposals:{up1.id}"]) == [
        ["brow_raise", 1, 20, 39]]
    grammar = next(t for t in project._repo.tiers() if t.name == "Facial grammar")
    project.editing.add_segment(up2.id, "kim", grammar.id, 50, 69, "",
                                attributes=(("proposed_by", "brow_raise v1"),))
    run = propose_for(project)
    assert [(p.detector, p.version, p.start_frame, p.end_frame)
            for p in only(run, "up1").proposals] == [("brow_raise", 2, 20, 39)]
    assert only(run, "up2").proposals == []  # the person has that span already
    reject_proposal(project, up1, only(run, "up1").proposals[0])  # now version 2's too
    assert only(propose_for(project), "up1").proposals == []


def test_landmarks_of_an_earlier_version_are_named_apart(project, videos, capsys):
    """A video whose landmarks are of the version before face blendshapes is not proposed
    for, and is named as such (extract again), not as having no landmarks."""
    from tests.landmarks.test_track import OLD_KEY, write_old_cache

    write_old_cache(cache_path("sha256:old", OLD_KEY), 20)
    add_video_record(project, "old", "sha256:old")
    run = propose_for(project)
    assert sorted(run.without_landmarks) == ["bare", "old"]
    assert run.outdated_landmarks == ["old"]
    folder = str(project.folder)
    project.close()
    assert cli_main(["propose", "list", folder]) == 0
    err = capsys.readouterr().err
    assert ("landmarks of an earlier version (without face blendshapes) for 1 video(s): old"
            in err and "extract them again" in err)
    assert "no landmarks yet for 1 video(s): bare" in err
