"""Classification scores of model answers against reference labels, computed with
scikit-learn (imported inside the functions).

The paper's figures, all in percent rounded to 2 decimals:

* ``wacc``: weighted accuracy = the mean of the per-class recall over the classes present in
  the truth (scikit-learn's balanced accuracy);
* ``wf1``: F1 per class, averaged with the classes' support in the truth as weights;
* ``acc``: plain accuracy;
* ``per_class_acc``: each class's recall (None for a class absent from the truth);
* the confusion matrix in a fixed label order (rows: truth; columns: the labels, then
  ``(none)``), and the distribution of true against predicted labels (counts per class: a
  model's lean towards positive or neutral shows there).

**A missing answer counts as wrong.**  A video of the task that a run has no answer for is
scored as the label ``(none)``, which is never correct: the scores are over every video of
the task, so runs that answer fewer videos are not flattered.  ``answered`` and ``coverage``
tell how many videos a run did answer.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Sequence
from typing import Any, TypedDict

import numpy as np
import numpy.typing as npt

NO_ANSWER = "(none)"


class Confusion(TypedDict):
    """Rows are the true labels, columns the predicted ones (the labels, then ``(none)``)."""

    labels: list[str]
    columns: list[str]
    matrix: list[list[int]]


class Distribution(TypedDict):
    """How often each label is the truth and how often it is predicted."""

    labels: list[str]
    true: list[int]
    predicted: list[int]


class Scores(TypedDict):
    """What :func:`classification_scores` returns (percent, 2 decimals)."""

    n: int
    answered: int
    coverage: float | None
    wacc: float | None
    wf1: float | None
    acc: float | None
    per_class_acc: dict[str, float | None]
    confusion: Confusion
    distribution: Distribution


class HitRate(TypedDict):
    """Multi-expression videos: how often the answer is one of the tied labels."""

    n: int
    answered: int
    hits: int
    hit_rate: float | None


def percent(x: float | None) -> float | None:
    """A fraction as percent, rounded to 2 decimals (None stays None)."""
    return None if x is None else round(100.0 * float(x), 2)


def encode(values: Sequence[str | None], labels: Sequence[str]) -> npt.NDArray[np.int64]:
    """Codes of ``values`` by their position in ``labels``; None, and any value not among
    the labels, becomes ``len(labels)`` (no answer)."""
    index = {label: i for i, label in enumerate(labels)}
    missing = len(labels)
    return np.fromiter((index.get(v, missing) if v is not None else missing for v in values),
                       dtype=np.int64, count=len(values))


def classification_scores(truth: Sequence[str], predicted: Sequence[str | None],
                          labels: Sequence[str]) -> Scores:
    """Scores of ``predicted`` (None = no answer) against ``truth``, over ``labels`` in
    that order (every true label must be one of them)."""
    t = encode(truth, labels)
    if (t == len(labels)).any():
        bad = next(v for v in truth if v not in labels)
        raise ValueError(f"true label {bad!r} is not one of the labels")
    return scores_from_codes(t, encode(predicted, labels), labels)


def scores_from_codes(truth: npt.NDArray[np.integer[Any]],
                      predicted: npt.NDArray[np.integer[Any]],
                      labels: Sequence[str]) -> Scores:
    """:func:`classification_scores` on codes: ``truth`` in ``0..K-1``, ``predicted`` in
    ``0..K`` where ``K = len(labels)`` means no answer (the vectorised path)."""
    from sklearn.metrics import precision_recall_fscore_support

    k = len(labels)
    t = np.asarray(truth, dtype=np.int64)
    p = np.asarray(predicted, dtype=np.int64)
    if t.shape != p.shape:
        raise ValueError("truth and predictions differ in length")
    if t.size and (t.min() < 0 or t.max() >= k or p.min() < 0 or p.max() > k):
        raise ValueError(f"codes must be 0..{k - 1} (truth) and 0..{k} (predictions)")
    columns = [*labels, NO_ANSWER]
    n = int(t.size)
    answered = int((p != k).sum())
    # rows: truth 0..k (k never occurs), columns: predicted 0..k
    matrix = np.bincount(t * (k + 1) + p, minlength=(k + 1) ** 2).reshape(k + 1, k + 1)
    distribution: Distribution = {"labels": columns,
                                  "true": matrix.sum(axis=1).astype(int).tolist(),
                                  "predicted": matrix.sum(axis=0).astype(int).tolist()}
    confusion: Confusion = {"labels": list(labels), "columns": columns,
                            "matrix": matrix[:k].astype(int).tolist()}
    per_class: dict[str, float | None] = dict.fromkeys(labels)
    if n == 0:
        return {"n": 0, "answered": 0, "coverage": None, "wacc": None, "wf1": None,
                "acc": None, "per_class_acc": per_class, "confusion": confusion,
                "distribution": distribution}
    present = np.flatnonzero(matrix[:k].sum(axis=1))
    # scikit-learn's per-class precision, recall and F1 over the classes in the truth; from
    # them: balanced accuracy (mean recall), support-weighted F1, accuracy (recalls weighted
    # by support = correct / n); predictions outside those classes and "no answer" only
    # lower the recall of the true class
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _prec, recall, f1, support = precision_recall_fscore_support(
            t, p, labels=present, average=None, zero_division=0)
    recall = np.asarray(recall, dtype=float)
    weights = np.asarray(support, dtype=float)
    for code, r in zip(present.tolist(), recall.tolist(), strict=True):
        per_class[labels[code]] = percent(r)
    return {
        "n": n,
        "answered": answered,
        "coverage": percent(answered / n),
        "wacc": percent(float(recall.mean())),
        "wf1": percent(float((np.asarray(f1, dtype=float) * weights).sum() / weights.sum())),
        "acc": percent(float((recall * weights).sum() / n)),
        "per_class_acc": per_class,
        "confusion": confusion,
        "distribution": distribution,
    }


def hit_rate(predicted: Sequence[str | None], allowed: Sequence[Collection[str]]) -> HitRate:
    """How often the answer is one of the allowed (tied) labels; no answer is a miss."""
    if len(predicted) != len(allowed):
        raise ValueError("answers and allowed labels differ in length")
    hits = sum(1 for p, ok in zip(predicted, allowed, strict=True) if p is not None and p in ok)
    answered = sum(1 for p in predicted if p is not None)
    n = len(predicted)
    return {"n": n, "answered": answered, "hits": hits,
            "hit_rate": percent(hits / n) if n else None}
