"""Proposals from cached landmarks, and their evaluation against an annotator's segments."""

from __future__ import annotations

import json

import numpy as np
import pytest

from emosign_desktop.cli import main as cli_main
from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.landmarks import signals as s
from emosign_desktop.landmarks.track import cache_path
from emosign_desktop.services.proposing import evaluate_proposals, propose_for
from tests.conftest import add_video_record
from tests.landmarks.test_signals import H, base_track

FRAMES, FPS = 100, 25.0


def raised_brows(start: int, end: int, seed: int) -> object:
    """A still signer whose brows rise 20 px (0.1 eye distances) over ``start..end``."""
    track = base_track(FRAMES, FPS)
    rng = np.random.default_rng(seed)
    track.face[:, :, 1] += rng.normal(0, 0.2, (FRAMES, 1)).astype(np.float32) / H  # jitter
    for i in (*s.BROW_R, *s.BROW_L):
        track.face[start:end + 1, i, 1] -= 20 / H
    return track


@pytest.fixture
def videos(project):
    """Three videos with landmarks (brows raised over 20..39, 50..69 and none) and one
    without."""
    out = {}
    for name, span, seed in (("up1", (20, 39), 1), ("up2", (50, 69), 2), ("still", None, 3)):
        fp = f"sha256:{name}"
        track = raised_brows(*span, seed) if span else base_track(FRAMES, FPS)
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
    assert e.signal == "brow_raise_left+brow_raise_right" and e.peak > e.threshold > e.baseline
    assert project.repo.segments() == []  # nothing is stored: proposals are no one's labels


def test_evaluation_against_an_annotators_segments(project, videos):
    grammar = next(t for t in project.repo.tiers() if t.name == "Facial grammar")
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
    grammar = next(t for t in project.repo.tiers() if t.name == "Facial grammar")
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
    assert "no landmarks yet for 1 video(s): bare" in err
    assert cli_main(["propose", folder, "--video", "up2", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["video"], r["start_frame"], r["end_frame"], r["tier"]) for r in rows] == [
        ("up2", 50, 69, "Facial grammar")]
    assert cli_main(["propose", folder, "--evaluate"]) == 2
    assert "--evaluate needs --tier NAME and --annotator NAME" in capsys.readouterr().err
