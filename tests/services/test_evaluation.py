"""Models versus humans (services/evaluation.py and services/report.py) on a project built
here: the released file's labels as the reference, predictions imported from files."""

from __future__ import annotations

import csv
import json
import random
import re
from pathlib import Path

import pytest

from emosign_desktop.core.benchmark import EMOTION_CLASSES, PROTOCOL_EMOTIONS, predicted_emotion
from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.core.model import Prediction, Region, VideoId
from emosign_desktop.core.tiers import EMOTION_CUE
from emosign_desktop.services.agreement import agreement_report
from emosign_desktop.services.csv_exchange import import_released
from emosign_desktop.services.evaluation import (
    emotion_codes,
    evaluate,
    evaluate_with_videos,
    reference_labels,
    video_disagreements,
)
from emosign_desktop.services.predictions import import_predictions
from emosign_desktop.services.report import render_html, text_report, write_html
from tests.conftest import add_videos_by_name
from tests.generate import write_released

# video: sentiment, emotions on the protocol scale (0..3), the reference's task
REFERENCE = {
    "v00": (2, {"joy": 3}),                                 # happiness
    "v01": (-2, {"sadness": 2}),                            # sadness
    "v02": (0, {}),                                         # neutral
    "v03": (1, {"joy": 2, "surprise_pos": 2}),              # happiness + surprise_pos
    "v04": (1, {"excited": 1, "surprise_pos": 1}),          # happiness + surprise_pos
    "v05": (3, {"joy": 3, "surprise_pos": 3}),              # happiness + surprise_pos
    "v06": (-1, {"worry": 2, "fear": 2}),                   # worry + fear: dropped
    "v07": (-3, {"anger": 3}),                              # anger
    "v08": (-1, {"frustration": 1}),                        # frustration
    "v09": (0, {"worry": 1}),                               # worry
}
SINGLE = {"v00": "happiness", "v01": "sadness", "v02": "neutral", "v07": "anger",
          "v08": "frustration", "v09": "worry"}


def write_reference(path: Path) -> Path:
    rows = [[name, str(s), *(str(e.get(k, 0) + 1) for k in PROTOCOL_EMOTIONS), "", "", ""]
            for name, (s, e) in REFERENCE.items()]
    return write_released(path, rows)


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def import_perfect(project, tmp_path: Path) -> None:
    """Right on everything except v09, which it leaves out; 'surprise_pos' on the tied
    videos (a hit), 'worry' on the dropped one."""
    rows = []
    for name, (s, _e) in REFERENCE.items():
        if name == "v09":
            continue
        emotion = SINGLE.get(name, "worry" if name == "v06" else "surprise_pos")
        rows.append([name, s, emotion, f"reasoning about {name}"])
    import_predictions(project, write_csv(tmp_path / "perfect.csv", [
        "video_name", "sentiment", "emotion", "reasoning"], rows), "perfect", "video")


def import_neutral(project, tmp_path: Path, model: str = "neutral<bot>") -> None:
    """Sentiment 0 and every intensity 0 (so: neutral) on every video."""
    rows = [[name, 0, *([0] * 10)] for name in REFERENCE]
    import_predictions(project, write_csv(tmp_path / "neutral.csv", [
        "video_name", "sentiment", *PROTOCOL_EMOTIONS], rows), model, "caption")


@pytest.fixture
def bench(project, tmp_path):
    import_released(project, write_reference(tmp_path / "ref.csv"))
    import_perfect(project, tmp_path)
    import_neutral(project, tmp_path)
    return project


def run_of(report, model):
    return next(r for r in report["runs"] if r["model"] == model)


def test_task_sizes_and_reference(bench):
    report = evaluate(bench)
    assert report["reference"] == "emosign-consensus"
    assert report["reference_kind"] == "annotator"
    t = report["tasks"]
    assert (t["videos"], t["sentiment"], t["single_expression"], t["multi_expression"],
            t["dropped"]) == (10, 10, 6, 3, 1)
    assert t["multi_combinations"] == [{"labels": ["happiness", "surprise_pos"], "videos": 3}]
    json.dumps(report)  # JSON-able


def test_scores_by_hand(bench):
    report = evaluate(bench)
    perfect = run_of(report, "perfect")
    s3 = perfect["sentiment3"]
    # v09 (neutral) has no answer: recall positive 1, negative 1, neutral 1/2
    assert (s3["wacc"], s3["acc"]) == (83.33, 90.0)
    # F1: positive 1 (4 videos), negative 1 (4), neutral P 1 R 1/2 -> 2/3 (2) => 93.33
    assert s3["wf1"] == 93.33
    assert s3["answered"] == 9 and s3["n"] == 10 and s3["coverage"] == 90.0
    assert s3["confusion"]["matrix"] == [[4, 0, 0, 0], [0, 1, 0, 1], [0, 0, 4, 0]]
    assert perfect["sentiment7"]["acc"] == 90.0
    emo = perfect["emotion"]
    assert (emo["wacc"], emo["acc"]) == (83.33, 83.33)  # worry (v09) missed
    assert emo["per_class_acc"]["worry"] == 0.0 and emo["per_class_acc"]["anger"] == 100.0
    assert emo["per_class_acc"]["fear"] is None  # not in the truth
    assert perfect["multi_expression"] == {"n": 3, "answered": 3, "hits": 3, "hit_rate": 100.0}
    assert perfect["grounding"] is None


def test_a_model_that_always_answers_neutral(bench):
    bot = run_of(evaluate(bench), "neutral<bot>")
    assert bot["sentiment3"]["wacc"] == 33.33
    assert bot["sentiment3"]["distribution"] == {
        "labels": ["negative", "neutral", "positive", "(none)"], "true": [4, 2, 4, 0],
        "predicted": [0, 10, 0, 0]}
    # emotion from its intensities (all 0): neutral, right on 1 of 6 classes
    assert bot["emotion"]["wacc"] == 16.67 and bot["emotion"]["acc"] == 16.67
    assert bot["multi_expression"]["hit_rate"] == 0.0


def test_the_human_ceiling(bench):
    assert evaluate(bench)["human_agreement"] is None  # no annotators yet: import-only
    videos = bench._repo.videos()
    rng = random.Random(3)
    for who in ("ana", "ben"):
        for v in videos:
            bench.editing.set_labels(v.id, who, {
                "sentiment": rng.randint(-3, 3),
                **{k: rng.randint(0, 3) for k in PROTOCOL_EMOTIONS}})
    h = evaluate(bench)["human_agreement"]
    assert h is not None and h["annotators"] == ["ana", "ben"] and h["level"] == "ordinal"
    expected = agreement_report(bench, "ordinal")
    for label, alpha in h["labels"].items():
        want = expected["labels"][label]["alpha"]
        assert alpha == (None if want is None else round(want, 3))
    assert h["average"] == round(expected["average"], 3)
    # the reference is still the consensus, not the annotators
    assert evaluate(bench)["reference"] == "emosign-consensus"


def test_other_references(project, tmp_path):
    add_videos_by_name(project, *REFERENCE)
    videos = {v.name: v for v in project._repo.videos()}
    for name, (s, e) in REFERENCE.items():
        for who in ("ana", "ben"):
            project.editing.set_labels(videos[name].id, who, {
                "sentiment": s, "sentiment_confidence": 50,
                **{k: e.get(k, 0) for k in PROTOCOL_EMOTIONS}})
    import_perfect(project, tmp_path)
    report = evaluate(project)  # no consensus: the majority of the annotators
    assert report["reference"] == "majority" and report["reference_kind"] == "aggregate"
    assert run_of(report, "perfect")["sentiment3"]["acc"] == 90.0
    ana = evaluate(project, reference="ana")
    assert ana["reference"] == "ana" and ana["tasks"]["single_expression"] == 6
    with pytest.raises(EmoSignError, match=r"no annotator named 'cy'.*ana, ben"):
        evaluate(project, reference="cy")


def test_bad_input(project, tmp_path):
    add_videos_by_name(project, *REFERENCE)
    with pytest.raises(EmoSignError, match="no model predictions"):
        evaluate(project)
    import_perfect(project, tmp_path)
    with pytest.raises(EmoSignError, match="no reference labels"):
        evaluate(project)
    with pytest.raises(EmoSignError, match="no reference labels"):
        reference_labels(project, "majority")
    with pytest.raises(EmoSignError, match="0 or more"):
        evaluate(project, boundary_frames=-1)


def test_cue_grounding(bench, tmp_path):
    tier = next(t for t in bench._repo.tiers() if t.name == EMOTION_CUE)
    videos = {v.name: v for v in bench._repo.videos()}
    bench.editing.add_segment(videos["v00"].id, "ana", tier.id, 0, 10, "facial expression",
                              region=Region(0.25, 0.25, 0.5, 0.5))
    bench.editing.add_segment(videos["v00"].id, "ben", tier.id, 20, 29, "repetition")
    cues = tmp_path / "cues.jsonl"
    cues.write_text(json.dumps({"video_name": "v00", "start_frame": 0, "end_frame": 9,
                                "label": "facial expression", "region": [0, 0, 0.5, 0.5]})
                    + "\n", encoding="utf-8")
    import_predictions(bench, cues, "grounder", "video+caption")
    report = evaluate(bench)
    assert report["grounding_tier"] == EMOTION_CUE
    run = run_of(report, "grounder")
    assert run["sentiment3"] is None and run["emotion"] is None  # cue segments only
    g = run["grounding"]
    # ana: IoU 10/11, boxes 0.0625/0.4375; ben: no overlap.  Boundaries {0,10} against
    # {0,11} (2 matched) and {20,30} (none): P = R = 2/4
    assert (g["pairs"], g["matched"], g["human_segments"]) == (2, 1, 2)
    assert g["mean_tiou"] == 90.91 and g["mean_box_iou"] == 14.29
    assert g["boundary_f1"] == 50.0 and g["boundary_frames"] == 2
    assert evaluate(bench, boundary_frames=0)["runs"][0]["grounding"]["boundary_f1"] == 25.0
    assert run_of(report, "perfect")["grounding"] is None  # no cue segments
    with pytest.raises(EmoSignError, match="no tier named 'Gaze'"):
        evaluate(bench, tier="Gaze")


def test_videos_ranked_by_disagreement(bench):
    ranked = video_disagreements(bench)
    assert [v["name"] for v in ranked[:3]] == ["v09", "v05", "v07"]
    top = ranked[0]
    # perfect: no answer (sentiment 1 + emotion 1); the bot: sentiment right, neutral wrong
    assert top["score"] == 1.5 and top["sentiment"] == 0 and top["emotion"] == ["worry"]
    assert {(a["model"], a["sentiment"], a["emotion"], a["score"]) for a in top["answers"]} \
        == {("perfect", None, None, 2.0), ("neutral<bot>", 0, "neutral", 1.0)}
    assert ranked[1]["score"] == 0.75  # the bot: 3/6 + 1, perfect 0 (a tied label)
    assert ranked[-1]["name"] == "v02" and ranked[-1]["score"] == 0.0
    assert len(video_disagreements(bench, limit=4)) == 4
    report, videos = evaluate_with_videos(bench, limit=3)
    assert report == evaluate(bench) and videos == ranked[:3]
    json.dumps(ranked)


def test_vectorised_emotions_equal_the_core_rule():
    rng = random.Random(11)
    predictions = []
    for i in range(2000):
        kind = rng.random()
        if kind < 0.2:
            p = Prediction("m", "video", VideoId(i), 0, rng.choice(EMOTION_CLASSES))
        elif kind < 0.3:
            p = Prediction("m", "video", VideoId(i), 0)
        else:
            hi = rng.choice((1, 3))
            p = Prediction("m", "video", VideoId(i), 0, None, "",
                           {k: rng.randint(0, hi) for k in PROTOCOL_EMOTIONS})
        predictions.append(p)
    codes = emotion_codes(predictions).tolist()
    for p, code in zip(predictions, codes, strict=True):
        label = predicted_emotion(p)
        assert code == (len(EMOTION_CLASSES) if label is None else EMOTION_CLASSES.index(label))


def test_text_report(bench):
    text = text_report(evaluate(bench))
    assert "single-expression: 6" in text and "multi-expression: 3" in text
    assert "perfect (video)" in text and "83.33" in text and "33.33" in text
    assert "human ceiling: fewer than 2 annotators" in text


def test_html_report_is_one_self_contained_file(bench, tmp_path):
    report, videos = evaluate_with_videos(bench, limit=20)
    path = write_html(tmp_path / "report.html", report, videos)
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    # a confusion matrix and a bias chart per run and task
    assert page.count("<svg") == 2 * 3 * 2
    assert not re.search(r"https?:", page)
    assert "<script" not in page and "<link" not in page and " src=" not in page
    assert "neutral&lt;bot&gt;" in page and "neutral<bot>" not in page
    # cells numbered, not colour alone: every count of a matrix is written in its cell
    matrix = run_of(report, "perfect")["sentiment3"]["confusion"]["matrix"]
    assert ">4</text>" in page and all(f">{n}</text>" in page for row in matrix for n in row)
    assert "Human ceiling" in page and "Fewer than 2 annotators" in page


def test_html_report_shows_the_human_ceiling(bench):
    rng = random.Random(4)
    for who in ("ana", "ben"):
        for v in bench._repo.videos():
            bench.editing.set_labels(v.id, who, {"sentiment": rng.randint(-3, 3),
                                                 **dict.fromkeys(PROTOCOL_EMOTIONS, 1),
                                                 "joy": rng.randint(0, 3)})
    page = render_html(evaluate(bench))
    assert "Krippendorff" in page and "ana, ben" in page
    assert page.count("<svg") == 2 * 3 * 2 + 1  # and the agreement chart


def test_html_report_cannot_be_written(bench, tmp_path):
    with pytest.raises(EmoSignError, match="cannot write"):
        write_html(tmp_path / "missing" / "r.html", evaluate(bench))
