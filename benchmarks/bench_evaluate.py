"""Evaluation figures: ``evaluate`` (models versus humans) on a project of 10,000 videos with
reference labels and 20 prediction runs, beside the same computation done naively with pandas
(row by row per run); and the benchmark's task set sizes on the real released file.

Run: ``python benchmarks/bench_evaluate.py [--videos N] [--runs R]``.  The project is built
through the write path in one change set (as ``bench_storage.py`` does).  The real file is
used when ``../shared/data/emosign/emosign_dataset.csv`` is there.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from emosign_desktop.core.benchmark import derive_tasks  # noqa: E402
from emosign_desktop.core.changeset import (  # noqa: E402
    AnnotationEdit,
    AnnotatorEdit,
    ChangeSet,
    PredictionEdit,
    VideoEdit,
)
from emosign_desktop.core.model import (  # noqa: E402
    CONSENSUS_ANNOTATOR,
    INPUT_SETTINGS,
    Annotator,
    AnnotatorId,
    AnnotatorKind,
    Prediction,
    Video,
    VideoId,
)
from emosign_desktop.core.schema import EMOSIGN_SCHEMA  # noqa: E402
from emosign_desktop.io.predictions import EMOTION_LABELS  # noqa: E402
from emosign_desktop.services.evaluation import (  # noqa: E402
    evaluate,
    evaluate_with_videos,
    reference_labels,
)
from emosign_desktop.services.session import Session, create_session, open_session  # noqa: E402

REAL_FILE = ROOT.parent / "shared" / "data" / "emosign" / "emosign_dataset.csv"
KEYS = EMOSIGN_SCHEMA.emotion_keys


def build(folder: Path, videos: int, runs: int) -> tuple[Session, float]:
    """``videos`` videos rated by ``emosign-consensus`` and ``runs`` prediction runs (half
    answering an emotion label, half the ten intensities; about 3 % of answers missing), in
    one operation."""
    session = create_session(folder)
    rng = random.Random(7)
    empty = EMOSIGN_SCHEMA.empty_values()
    t0 = time.perf_counter()
    ref = Annotator(AnnotatorId(1), CONSENSUS_ANNOTATOR, AnnotatorKind.IMPORTED)
    clips = [Video(VideoId(n + 1), f"video_{n:05d}") for n in range(videos)]
    annotations = []
    for v in clips:
        values: dict[str, object] = {k: rng.choice((0, 0, 0, 1, 2, 3)) for k in KEYS}
        values["sentiment"] = rng.randint(-3, 3)
        annotations.append(AnnotationEdit(v.id, ref.id, {f: empty[f] for f in values}, values,
                                          existed=False))
    predictions = []
    for r in range(runs):
        model, setting = f"model-{r // 3:02d}", INPUT_SETTINGS[r % 3]
        for v in clips:
            if rng.random() < 0.03:
                continue
            if r % 2:
                p = Prediction(model, setting, v.id, rng.randint(-3, 3),
                               intensities={k: rng.randint(0, 3) for k in KEYS})
            else:
                p = Prediction(model, setting, v.id, rng.randint(-3, 3),
                               rng.choice(EMOTION_LABELS), "because")
            predictions.append(PredictionEdit(None, p))
    session.writer.run("build", lambda _repo: ChangeSet(
        annotators=(AnnotatorEdit(None, ref),), videos=tuple(VideoEdit(None, v) for v in clips),
        annotations=tuple(annotations), predictions=tuple(predictions)))
    return session, time.perf_counter() - t0


def naive(session: Session) -> dict[tuple[str, str], dict[str, float]]:
    """The same scores the plain way: pandas frames walked row by row per run, the task sets
    derived row by row, the metrics counted in Python loops."""
    import pandas as pd

    repo = session.repo
    ann = repo.annotator_by_name(CONSENSUS_ANNOTATOR)
    assert ann is not None
    ref = pd.DataFrame([{"video_id": a.video_id, "sentiment": a.sentiment, **a.emotions}
                        for a in repo.annotations(annotator_id=ann.id)])
    single, tied = {}, {}
    for _, row in ref.iterrows():
        merged = {"happiness": max(row["joy"], row["excited"]),
                  **{k: row[k] for k in KEYS[2:]}}
        top = max(merged.values())
        labels = ("neutral",) if top == 0 else tuple(k for k, v in merged.items() if v == top)
        if len(labels) == 1:
            single[row["video_id"]] = labels[0]
        else:
            tied[row["video_id"]] = labels
    counts: dict[tuple[str, ...], int] = {}
    for labels in tied.values():
        counts[labels] = counts.get(labels, 0) + 1
    multi = {v: c for v, c in tied.items() if counts[c] > 2}

    def scores(truth: list[str], pred: list[str]) -> dict[str, float]:
        classes = sorted(set(truth))
        recall, f1, correct = [], 0.0, 0
        for c in classes:
            tp = sum(1 for t, p in zip(truth, pred, strict=True) if t == c and p == c)
            support = sum(1 for t in truth if t == c)
            predicted = sum(1 for p in pred if p == c)
            recall.append(tp / support)
            prec = tp / predicted if predicted else 0.0
            r = tp / support
            f1 += support * (2 * prec * r / (prec + r) if prec + r else 0.0)
        correct = sum(1 for t, p in zip(truth, pred, strict=True) if t == p)
        return {"wacc": 100 * sum(recall) / len(recall), "wf1": 100 * f1 / len(truth),
                "acc": 100 * correct / len(truth)}

    out = {}
    for model, setting, _n, _c in repo.prediction_runs():
        preds = pd.DataFrame([{"video_id": p.video_id, "p_sentiment": p.sentiment,
                               "p_emotion": p.emotion, "p_int": p.intensities}
                              for p in repo.predictions(run=(model, setting))])
        merged = ref.merge(preds, on="video_id", how="left")
        t3, p3, t7, p7, te, pe, hits = [], [], [], [], [], [], 0
        for _, row in merged.iterrows():
            s = row["sentiment"]
            ps = row["p_sentiment"]
            ok = ps == ps and ps is not None  # NaN for a missing answer
            t3.append("negative" if s < 0 else "positive" if s > 0 else "neutral")
            p3.append(("negative" if ps < 0 else "positive" if ps > 0 else "neutral")
                      if ok else "(none)")
            t7.append(str(s))
            p7.append(str(int(ps)) if ok else "(none)")
            emotion = row["p_emotion"]
            if not isinstance(emotion, str) and isinstance(row["p_int"], dict):
                i = row["p_int"]
                m = {"happiness": max(i["joy"], i["excited"]), **{k: i[k] for k in KEYS[2:]}}
                top = max(m.values())
                emotion = "neutral" if top == 0 else next(k for k, v in m.items() if v == top)
            if not isinstance(emotion, str):
                emotion = "(none)"
            v = row["video_id"]
            if v in single:
                te.append(single[v])
                pe.append(emotion)
            elif v in multi:
                hits += emotion in multi[v]
        out[(model, setting)] = {
            **{f"s3_{k}": x for k, x in scores(t3, p3).items()},
            **{f"s7_{k}": x for k, x in scores(t7, p7).items()},
            **{f"emo_{k}": x for k, x in scores(te, pe).items()},
            "hit": 100 * hits / len(multi) if multi else 0.0}
    return out


def timed(fn, repeat: int = 3):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def real_file_sizes(tmp: Path) -> None:
    from emosign_desktop.cli import main as emosign

    if not REAL_FILE.is_file():
        print(f"\n(the released file is not at {REAL_FILE}: no task set sizes)")
        return
    folder = tmp / "real"
    with contextlib.redirect_stdout(io.StringIO()):
        assert emosign(["init", str(folder)]) == 0
        assert emosign(["import-csv", str(folder), str(REAL_FILE)]) == 0
    with open_session(folder) as session:
        name, _kind, labels = reference_labels(session.project)
        tasks = derive_tasks(labels)
    print(f"\n## Task sets of the released file ({REAL_FILE.name}, reference {name})\n")
    print("| set | videos |\n|---|---|")
    print(f"| videos with reference labels | {len(tasks.videos)} |")
    print(f"| sentiment (3- and 7-class) | {len(tasks.sentiment)} |")
    print(f"| single_expression | {len(tasks.single_expression)} |")
    print(f"| multi_expression | {len(tasks.multi_expression)} |")
    print(f"| dropped (tied, combination in <= 2 videos) | {len(tasks.dropped)} |")
    combos = sorted(tasks.multi_combinations.items(), key=lambda x: (-x[1], x[0]))
    print("\nmulti-expression combinations: " + "; ".join(
        f"{' + '.join(c)} ({n})" for c, n in combos))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--videos", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        session, build_s = build(tmp_path / "eval", args.videos, args.runs)
        fast_s, report = timed(lambda: evaluate(session.project))
        both_s, _ = timed(lambda: evaluate_with_videos(session.project, limit=100))
        naive_s, plain = timed(lambda: naive(session))
        # the two agree
        for run in report["runs"]:
            ref = plain[(run["model"], run["setting"])]
            for task, key in (("sentiment3", "s3"), ("sentiment7", "s7"), ("emotion", "emo")):
                for m in ("wacc", "wf1", "acc"):
                    assert abs(run[task][m] - ref[f"{key}_{m}"]) < 0.006, (run, task, m)
            assert abs(run["multi_expression"]["hit_rate"] - ref["hit"]) < 0.006
        session.close()
        print(f"## evaluate: {args.videos:,} videos x {args.runs} runs "
              f"(project built in {build_s:.1f} s), median of 3\n")
        print("| computation | seconds |\n|---|---|")
        print(f"| `evaluate` (one query per run, numpy + scikit-learn) | {fast_s:.2f} |")
        print(f"| `evaluate_with_videos` (the same and the videos ranked, one read) | "
              f"{both_s:.2f} |")
        print(f"| naive: pandas, row by row per run | {naive_s:.2f} |")
        print(f"\nsame scores from both: yes; speed-up {naive_s / fast_s:.1f}x")
        real_file_sizes(tmp_path)


if __name__ == "__main__":
    main()
