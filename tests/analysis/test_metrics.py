"""Classification scores (analysis/metrics.py): hand-computed cases, equality with
scikit-learn, and equality with a plain reference implementation written here."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    confusion_matrix,
    f1_score,
    recall_score,
)

from emosign_desktop.analysis.metrics import (
    NO_ANSWER,
    classification_scores,
    encode,
    hit_rate,
    percent,
    scores_from_codes,
)
from emosign_desktop.core.benchmark import EMOTION_CLASSES, SENTIMENT3_CLASSES

LABELS = ("a", "b", "c")


def reference_scores(truth: list[str], pred: list[str | None]) -> dict[str, float]:
    """The definitions, written out: per-class recall over the classes in the truth (mean:
    wAcc), F1 per class weighted by its support (wF1), share correct (acc)."""
    classes = sorted(set(truth))
    n = len(truth)
    recalls, wf1 = {}, 0.0
    for c in classes:
        tp = sum(1 for t, p in zip(truth, pred, strict=True) if t == c and p == c)
        support = sum(1 for t in truth if t == c)
        predicted = sum(1 for p in pred if p == c)
        recall = tp / support
        precision = tp / predicted if predicted else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        recalls[c] = recall
        wf1 += support / n * f1
    correct = sum(1 for t, p in zip(truth, pred, strict=True) if t == p)
    return {"wacc": 100 * sum(recalls.values()) / len(recalls), "wf1": 100 * wf1,
            "acc": 100 * correct / n, **{f"recall_{c}": 100 * r for c, r in recalls.items()}}


def test_a_small_case_by_hand():
    truth = ["a", "a", "a", "b", "b", "c"]
    pred = ["a", "a", "b", "b", None, "a"]
    s = classification_scores(truth, pred, LABELS)
    # recall a 2/3, b 1/2, c 0 -> wAcc (2/3 + 1/2 + 0) / 3 = 38.89
    assert s["wacc"] == 38.89
    # F1: a P 2/3 R 2/3 -> 2/3; b P 1/2 R 1/2 -> 1/2; c 0 -> (3*2/3 + 2*1/2 + 0) / 6 = 50
    assert s["wf1"] == 50.0
    assert s["acc"] == 50.0
    assert s["per_class_acc"] == {"a": 66.67, "b": 50.0, "c": 0.0}
    assert s["n"] == 6 and s["answered"] == 5 and s["coverage"] == 83.33
    assert s["confusion"] == {"labels": ["a", "b", "c"], "columns": ["a", "b", "c", NO_ANSWER],
                              "matrix": [[2, 1, 0, 0], [0, 1, 0, 1], [1, 0, 0, 0]]}
    assert s["distribution"] == {"labels": ["a", "b", "c", NO_ANSWER], "true": [3, 2, 1, 0],
                                 "predicted": [3, 2, 0, 1]}


def test_a_class_absent_from_the_truth_does_not_count_in_wacc():
    s = classification_scores(["a", "a", "b"], ["a", "c", "b"], LABELS)
    assert s["wacc"] == 75.0  # (1/2 + 1) / 2; c is not in the truth
    assert s["per_class_acc"]["c"] is None
    # wF1: a P 1 R 1/2 -> 2/3 (x2), b 1 (x1) -> (4/3 + 1) / 3 = 77.78
    assert s["wf1"] == 77.78
    assert s["acc"] == 66.67


def test_perfect_and_all_wrong():
    assert classification_scores(["a", "b"], ["a", "b"], LABELS)["wacc"] == 100.0
    s = classification_scores(["a", "b"], [None, None], LABELS)
    assert (s["wacc"], s["wf1"], s["acc"], s["answered"]) == (0.0, 0.0, 0.0, 0)


def test_nothing_to_score():
    s = classification_scores([], [], LABELS)
    assert s["n"] == 0 and s["wacc"] is None and s["wf1"] is None and s["acc"] is None
    assert s["confusion"]["matrix"] == [[0, 0, 0, 0]] * 3


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="'z'"):
        classification_scores(["z"], ["a"], LABELS)
    with pytest.raises(ValueError, match="length"):
        scores_from_codes(np.array([0, 1]), np.array([0]), LABELS)
    with pytest.raises(ValueError, match="codes"):
        scores_from_codes(np.array([5]), np.array([0]), LABELS)


def test_unknown_predicted_labels_are_no_answer():
    assert encode(["a", "zzz", None, "c"], LABELS).tolist() == [0, 3, 3, 2]


@pytest.mark.parametrize("seed", range(8))
def test_always_neutral_gets_a_third_on_3_class_sentiment(seed):
    rng = random.Random(seed)
    n = rng.randint(3, 300)
    truth = [*SENTIMENT3_CLASSES, *(rng.choice(SENTIMENT3_CLASSES) for _ in range(n - 3))]
    rng.shuffle(truth)
    s = classification_scores(truth, ["neutral"] * n, SENTIMENT3_CLASSES)
    assert s["wacc"] == 33.33
    assert s["per_class_acc"] == {"negative": 0.0, "neutral": 100.0, "positive": 0.0}


def random_case(rng: random.Random, labels: tuple[str, ...], n: int
                ) -> tuple[list[str], list[str | None]]:
    present = rng.sample(labels, rng.randint(1, len(labels)))
    truth = [rng.choice(present) for _ in range(n)]
    pred = [None if rng.random() < 0.1 else rng.choice(labels) for _ in range(n)]
    return truth, pred


@pytest.mark.filterwarnings("ignore:y_pred contains classes not in y_true")
@pytest.mark.parametrize("seed", range(20))
def test_equal_to_scikit_learn_and_to_the_definitions(seed):
    rng = random.Random(seed)
    labels = EMOTION_CLASSES if seed % 2 else SENTIMENT3_CLASSES
    truth, pred = random_case(rng, labels, rng.randint(1, 400))
    s = classification_scores(truth, pred, labels)
    p = [NO_ANSWER if x is None else x for x in pred]
    assert s["wacc"] == pytest.approx(100 * balanced_accuracy_score(truth, p), abs=0.006)
    assert s["wf1"] == pytest.approx(
        100 * f1_score(truth, p, average="weighted", zero_division=0), abs=0.006)
    assert s["acc"] == pytest.approx(100 * accuracy_score(truth, p), abs=0.006)
    present = sorted(set(truth))
    recalls = recall_score(truth, p, labels=present, average=None, zero_division=0)
    for c, r in zip(present, recalls, strict=True):
        assert s["per_class_acc"][c] == pytest.approx(100 * r, abs=0.006)
    cm = confusion_matrix(truth, p, labels=[*labels, NO_ANSWER])
    assert s["confusion"]["matrix"] == cm[:len(labels)].tolist()
    ref = reference_scores(truth, pred)
    for key in ("wacc", "wf1", "acc"):
        assert s[key] == pytest.approx(ref[key], abs=0.006)
    for c in present:
        assert s["per_class_acc"][c] == pytest.approx(ref[f"recall_{c}"], abs=0.006)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(LABELS), st.sampled_from((*LABELS, None))),
                min_size=1, max_size=60))
def test_equal_to_the_definitions_on_any_input(pairs):
    truth = [t for t, _ in pairs]
    pred = [p for _, p in pairs]
    s = classification_scores(truth, pred, LABELS)
    ref = reference_scores(truth, pred)
    for key in ("wacc", "wf1", "acc"):
        assert s[key] == pytest.approx(ref[key], abs=0.006)
    assert sum(map(sum, s["confusion"]["matrix"])) == len(pairs)
    assert s["distribution"]["true"][:3] == [truth.count(c) for c in LABELS]


def test_hit_rate_by_hand():
    h = hit_rate(["worry", "fear", None, "anger"],
                 [("worry", "fear"), ("worry", "fear"), ("worry", "fear"), ("sadness",)])
    assert h == {"n": 4, "answered": 3, "hits": 2, "hit_rate": 50.0}
    assert hit_rate([], [])["hit_rate"] is None
    with pytest.raises(ValueError):
        hit_rate(["a"], [])


def test_percent_rounds_to_two_decimals():
    assert percent(1 / 3) == 33.33 and percent(2 / 3) == 66.67 and percent(None) is None
