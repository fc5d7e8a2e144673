"""How well the cue signals and detectors follow the hand-marked spans, old and new side by
side in one run (``benchmarks/proposal_marks.json``; see ``proposal_marks.md`` for how the
spans were marked and their limits).

For each clip of the marked set, its landmarks are read from the user's landmark cache
(extracted first, with the code of the tree, when a clip has none for the current model):

a. **Signals**: for every cue marked in a clip, each relevant signal's ROC AUC
   (scikit-learn's ``roc_auc_score``) for the marked frames against the other frames of the
   same clip.  The direction is stated: ``+`` means higher values should mark the cue,
   ``-`` lower ones (a furrow lowers the old brow heights and the inner brow distance), and
   the AUC is of ``direction x signal``.  Frames where the signal is NaN (no face, or a
   brow signal masked on a blink) are left out and counted.  A signal is *old* when it is
   defined in ``landmarks/signals.py`` from the 478 face points (the mesh head energies are
   ``head_*_energy_mesh``), *new* when it comes from ``landmarks/face_signals.py``
   (MediaPipe's face blendshapes and transformation matrix); one missing from the signal
   registry is printed as "not available".
b. **Detectors**: per detector, proposals, marked spans of its cue, matched spans (one to
   one by temporal IoU), precision and recall of spans, and boundary F1 within ±k frames
   (``analysis.grounding``; k = 3 by default, since the marks' borders are good to ±2-3
   frames).  *Old* is version 1 of every detector (``analysis.proposals.LEGACY_DETECTORS``
   for the face ones: face-mesh signals, baseline median/MAD over all the signer's frames),
   *new* the current ones (``DETECTORS``: the brow and head detectors on the blendshape
   signals with the neutral baseline); both run here through ``signer_baselines`` and
   ``propose``, each clip its own signer (as the application treats a video without a
   signer).  The application's own path (``emosign propose --evaluate``:
   ``bench_proposals.table`` on a throwaway project with the marks as segments of the
   annotator ``marker``) is run too, and the script says whether its counts agree.

Last, the issue's targets are checked: ``brow_lowering`` AUC >= 0.9 on the brow furrow of
``slp_asl_wrong_what`` (frames 26-81), and the brow detectors (furrow and raise pooled)
finding at least half of the marked brow spans with precision >= 50 %.

Run: ``python benchmarks/bench_signals.py [--within 3] [--project DIR] [--no-app]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_proposals import MARKS, SHARED, build, table  # noqa: E402
from emosign_desktop.analysis.grounding import grounding_scores  # noqa: E402
from emosign_desktop.analysis.proposals import (  # noqa: E402
    DETECTORS,
    LEGACY_DETECTORS,
    Detector,
    Proposal,
    detector_signal,
    propose,
    signer_baselines,
)

#: The detectors before the face blendshapes: version 1 of every one.
OLD_DETECTORS: dict[str, Detector] = {n: LEGACY_DETECTORS.get(n, d)
                                      for n, d in DETECTORS.items()}

#: Per cue, the signals that should tell its frames: (name, direction).  Old and new are
#: told apart by where each signal is defined (see :func:`generation`), not by this list.
CUE_SIGNALS: dict[str, tuple[tuple[str, int], ...]] = {
    "brow furrow": (("brow_raise_left", -1), ("brow_raise_right", -1),
                    ("inner_brow_distance", -1), ("brow_lowering", +1),
                    ("inner_brow_raise", -1)),
    "brow raise": (("brow_raise_left", +1), ("brow_raise_right", +1),
                   ("inner_brow_raise", +1), ("outer_brow_raise", +1),
                   ("brow_lowering", -1)),
    "mouth opening": (("mouth_opening", +1), ("jaw_open", +1)),
    "head nod": (("head_nod_energy_mesh", +1), ("head_nod_energy", +1)),
    "head shake": (("head_shake_energy_mesh", +1), ("head_shake_energy", +1)),
    "faster signing": (("wrist_speed", +1), ("dominant_hand_speed", +1)),
    "larger signs": (("signing_extent", +1),),
}
#: The detector that proposes each cue.
CUE_DETECTOR = {"brow furrow": "brow_furrow", "brow raise": "brow_raise",
                "mouth opening": "mouth_opening", "head nod": "head_nod",
                "head shake": "head_shake", "faster signing": "fast_signing",
                "larger signs": "large_signing"}
#: (clip, detector, proposed spans, marked spans) of the last :func:`detector_rows` run.
BROW_SPANS: list[tuple[str, str, list[tuple[int, int]], list[tuple[int, int]]]] = []
BROW_DETECTORS = ("brow_furrow", "brow_raise")
TARGET_CLIP, TARGET_CUE, TARGET_SIGNAL, TARGET_AUC = ("slp_asl_wrong_what.mp4", "brow furrow",
                                                      "brow_lowering", 0.9)


@dataclass(frozen=True)
class Mark:
    """A hand-marked span (inclusive frames), shaped like a segment for the scorers."""

    start_frame: int
    end_frame: int
    region: None = None


@dataclass
class Clip:
    """One marked clip: its spans by cue, and its signals when it has landmarks."""

    name: str
    frames: int
    marks: dict[str, list[Mark]]
    signals: dict[str, NDArray[Any]] | None = None
    fps: float = 0.0


def media_path(name: str, source: str) -> Path:
    """Where the marked clip is (the demo clips ship with the project)."""
    return ROOT / "resources" / "demo" / name if source == "demo" else SHARED / name


def generation(name: str) -> str:
    """"new" (face blendshapes), "old" (face points) or "not available"."""
    from emosign_desktop.landmarks.signals import SIGNALS

    try:
        from emosign_desktop.landmarks.face_signals import FACE_SIGNALS
    except ImportError:  # before the blendshape signals
        FACE_SIGNALS = ()
    if name not in SIGNALS:
        return "not available"
    return "new" if name in FACE_SIGNALS else "old"


def load_clips() -> list[Clip]:
    """The marked clips, with the signals of those whose landmarks are cached."""
    from emosign_desktop.landmarks.signals import compute_signals
    from emosign_desktop.landmarks.track import load_cached
    from emosign_desktop.media.fingerprint import fingerprint

    marks = json.loads(MARKS.read_text())
    out = []
    for name, clip in marks["clips"].items():
        by_cue: dict[str, list[Mark]] = {}
        for m in clip["spans"]:
            by_cue.setdefault(m["cue"], []).append(Mark(m["start"], m["end"]))
        c = Clip(name, int(clip["frames"]), by_cue)
        path = media_path(name, clip["source"])
        track = load_cached(fingerprint(path)) if path.is_file() else None
        if track is not None:
            c.signals = compute_signals(track)
            c.fps = track.fps
        out.append(c)
    return out


def auc(values: NDArray[Any], marked: NDArray[Any], direction: int
        ) -> tuple[float | None, int, int]:
    """(AUC or None when one class is missing, frames used, NaN frames left out)."""
    from sklearn.metrics import roc_auc_score

    x = np.asarray(values, dtype=np.float64)
    n = min(len(x), len(marked))
    x, y = x[:n], marked[:n]
    ok = np.isfinite(x)
    if not ok.any() or y[ok].all() or not y[ok].any():
        return None, int(ok.sum()), int((~ok).sum())
    return float(roc_auc_score(y[ok], direction * x[ok])), int(ok.sum()), int((~ok).sum())


def marked_frames(clip: Clip, cue: str) -> NDArray[np.bool_]:
    """Per frame: inside one of the clip's spans of this cue?"""
    n = len(next(iter(clip.signals.values()))) if clip.signals else clip.frames
    y = np.zeros(n, bool)
    for m in clip.marks.get(cue, []):
        y[m.start_frame:m.end_frame + 1] = True
    return y


def signal_rows(clips: Sequence[Clip]) -> list[dict[str, Any]]:
    """One row per (clip, cue, signal) with its AUC."""
    rows = []
    for clip in clips:
        for cue, spans in clip.marks.items():
            y = marked_frames(clip, cue)
            for name, direction in CUE_SIGNALS.get(cue, ()):
                row: dict[str, Any] = {
                    "clip": clip.name, "cue": cue, "spans": len(spans),
                    "marked": int(y.sum()), "frames": len(y), "signal": name,
                    "kind": generation(name), "direction": direction, "auc": None,
                    "used": 0, "nan": 0, "why": ""}
                if clip.signals is None:
                    row["why"] = "no landmarks"
                elif name not in clip.signals:
                    row["why"] = "not available"
                else:
                    row["auc"], row["used"], row["nan"] = auc(clip.signals[name], y,
                                                              direction)
                    if row["auc"] is None:
                        row["why"] = "no values" if not row["used"] else "one class only"
                rows.append(row)
    return rows


def print_signals(rows: Sequence[Mapping[str, Any]]) -> None:
    """Section a, as markdown tables: every row, then the best old and new per cue."""
    print("\n## a. Signals: ROC AUC of the marked frames against the rest of the clip\n")
    print("| clip | cue | marked frames | signal | old/new | direction | AUC "
          "| frames used | NaN left out |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        value = f"{r['auc']:.2f}" if r["auc"] is not None else r["why"]
        print(f"| {r['clip']} | {r['cue']} | {r['marked']} of {r['frames']} | {r['signal']} "
              f"| {r['kind']} | {'+' if r['direction'] > 0 else '-'} | {value} "
              f"| {r['used']} | {r['nan']} |")
    print("\nBest per clip and cue (old: face points; new: blendshapes):\n")
    print("| clip | cue | best old | AUC | best new | AUC |")
    print("|---|---|---|---|---|---|")
    keys = sorted({(r["clip"], r["cue"]) for r in rows}, key=lambda k: (k[0], k[1]))
    for clip, cue in keys:
        cells = []
        for kind in ("old", "new"):
            scored = [r for r in rows if (r["clip"], r["cue"]) == (clip, cue)
                      and r["kind"] == kind and r["auc"] is not None]
            best = max(scored, key=lambda r: r["auc"], default=None)
            listed = any(r["kind"] == kind for r in rows if (r["clip"], r["cue"]) == (clip, cue))
            cells += ([f"{'-' if best['direction'] < 0 else ''}{best['signal']}",
                       f"{best['auc']:.2f}"] if best
                      else ["(none for this cue)" if not listed else "not measured", "-"])
        print(f"| {clip} | {cue} | {' | '.join(cells)} |")


def detector_rows(clips: Sequence[Clip], detectors: Mapping[str, Detector], within: int
                  ) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """These detectors on every clip with landmarks, each clip its own signer (as the
    application does for a video without a signer), scored against the clip's marks; and
    one line per clip saying how the furrow detector's baseline was taken."""
    pairs: dict[str, list[tuple[list[Proposal], list[Mark]]]] = {n: [] for n in detectors}
    seen: set[str] = set()
    notes = []
    BROW_SPANS.clear()
    cue_of = {d: c for c, d in CUE_DETECTOR.items()}
    for clip in clips:
        if clip.signals is None:
            continue
        bases = signer_baselines([(clip.signals, clip.fps)], detectors=detectors)
        found = propose(clip.signals, clip.fps, bases, detectors=detectors)
        for name, det in detectors.items():
            if detector_signal(det, clip.signals) is not None and bases.get(name):
                seen.add(name)
            mine = [p for p in found if p.detector == name]
            pairs[name].append((mine, clip.marks.get(cue_of.get(name, ""), [])))
            if name in BROW_DETECTORS and (mine or clip.marks.get(cue_of[name])):
                BROW_SPANS.append((clip.name, name, [(p.start_frame, p.end_frame)
                                                     for p in mine],
                                   [(m.start_frame, m.end_frame)
                                    for m in clip.marks.get(cue_of[name], [])]))
        base = bases.get("brow_furrow")
        if base is not None:
            note = getattr(base, "note", "")
            notes.append(f"{clip.name}: median {base.median:.4g}, scale {base.scale:.4g} over "
                         f"{base.frames} frames{f' ({note})' if note else ''}")
    out = {}
    for name in detectors:
        out[name] = (scores_row(name, grounding_scores(pairs[name], within)) if name in seen
                     else {"detector": name, "available": False})
    return out, notes


def scores_row(name: str, scores: Mapping[str, Any]) -> dict[str, Any]:
    """Counts and ratios (percent) as ``services.proposing`` reports them."""
    p, h, m = scores["predicted_segments"], scores["human_segments"], scores["matched"]
    return {"detector": name, "available": True, "proposals": p, "human_segments": h,
            "matched": m, "precision": round(100 * m / p, 2) if p else None,
            "recall": round(100 * m / h, 2) if h else None,
            "boundary_f1": scores["boundary_f1"]}


def pooled(rows: Mapping[str, Mapping[str, Any]], names: Sequence[str]) -> dict[str, Any]:
    """The rows of ``names`` added up (precision and recall of spans; no boundary F1)."""
    got = [rows[n] for n in names if rows.get(n, {}).get("available", True) and n in rows]
    p = sum(r["proposals"] for r in got)
    h = sum(r["human_segments"] for r in got)
    m = sum(r["matched"] for r in got)
    return {"detector": "+".join(names), "available": bool(got), "proposals": p,
            "human_segments": h, "matched": m,
            "precision": round(100 * m / p, 2) if p else None,
            "recall": round(100 * m / h, 2) if h else None, "boundary_f1": None}


def _cells(row: Mapping[str, Any] | None) -> str:
    if row is None or not row.get("available", True):
        return "not available | | | | | "

    def pct(x: float | None) -> str:
        return "-" if x is None else f"{x:.0f}%"

    return (f"{row['proposals']} | {row['human_segments']} | {row['matched']} "
            f"| {pct(row['precision'])} | {pct(row['recall'])} | {pct(row['boundary_f1'])}")


def print_detectors(old: Mapping[str, Mapping[str, Any]], new: Mapping[str, Mapping[str, Any]],
                    app: Mapping[str, Mapping[str, Any]] | None, within: int) -> None:
    """Section b: version 1 and current detectors side by side, and whether the
    application's own path agrees with the current figures."""
    print(f"\n## b. Detectors against the marked spans (boundaries within ±{within} frames)\n")
    print("| detector | old (version: signals) | proposed | marked | matched | precision "
          "| recall | bF1 | new (version: signals) | proposed | marked | matched | precision "
          "| recall | bF1 |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")

    def named(d: Detector) -> str:
        return f"v{d.version}: {'+'.join(d.signals)}"

    for name in DETECTORS:
        print(f"| {name} | {named(OLD_DETECTORS[name])} | {_cells(old.get(name))} "
              f"| {named(DETECTORS[name])} | {_cells(new.get(name))} |")
    print(f"| brow (furrow + raise) | | {_cells(pooled(old, BROW_DETECTORS))} | "
          f"| {_cells(pooled(new, BROW_DETECTORS))} |")
    if app is None:
        print("\n(the application's path was not run)")
        return
    keys = ("proposals", "human_segments", "matched")
    differ = [n for n in DETECTORS if new.get(n, {}).get("available", False)
              and any(app.get(n, {}).get(k) != new[n][k] for k in keys)]
    print("\nThe application's own path (`emosign propose --evaluate` on a project of these "
          "clips, marks as segments of `marker`) gives "
          + ("the same counts for every current detector." if not differ else
             "other counts for " + ", ".join(
                 f"{n} ({_cells(app.get(n))})" for n in differ) + "."))


def print_targets(signal_table: Sequence[Mapping[str, Any]],
                  old: Mapping[str, Mapping[str, Any]],
                  new: Mapping[str, Mapping[str, Any]]) -> None:
    """The issue's two targets, met or not."""
    print("\n## Targets\n")
    row = next((r for r in signal_table if r["clip"] == TARGET_CLIP
                and r["cue"] == TARGET_CUE and r["signal"] == TARGET_SIGNAL), None)
    if row is None or row["auc"] is None:
        why = row["why"] if row else "clip or marks missing"
        print(f"- {TARGET_SIGNAL} AUC >= {TARGET_AUC} on the {TARGET_CUE} of {TARGET_CLIP}: "
              f"not measured ({why})")
    else:
        met = "met" if row["auc"] >= TARGET_AUC else "NOT met"
        print(f"- {TARGET_SIGNAL} AUC >= {TARGET_AUC} on the {TARGET_CUE} of {TARGET_CLIP}: "
              f"{row['auc']:.2f}, {met}")
    for label, rows in (("old", old), ("new", new)):
        b = pooled(rows, BROW_DETECTORS)
        if not b["human_segments"]:
            print(f"- brow detectors ({label}): no marked brow spans")
            continue
        met = (b["recall"] or 0) >= 50 and (b["precision"] or 0) >= 50
        precision = "-" if b["precision"] is None else f"{b['precision']:.0f}%"
        print(f"- brow detectors ({label}): found {b['matched']} of {b['human_segments']} "
              f"marked brow spans with {b['proposals']} proposals (recall "
              f"{b['recall'] or 0:.0f}%, precision {precision}): "
              f"{'met' if met else 'NOT met'}")


def _spans(spans: Sequence[tuple[int, int]]) -> str:
    return ", ".join(f"{a}-{b}" for a, b in spans) or "none"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--within", type=int, default=3)
    ap.add_argument("--project", help="reuse a project this script built before")
    ap.add_argument("--no-app", action="store_true",
                    help="skip the application's path (current detectors)")
    args = ap.parse_args()
    from emosign_desktop.landmarks.track import MODEL_KEY, landmark_cache_dir

    if args.project:
        folder = Path(args.project)
    else:
        folder = Path(tempfile.mkdtemp(prefix="emosign-signals-")) / "project"
        folder.mkdir()
        build(folder)
    # extracts only what the cache lacks for the current model (with the code of the tree)
    subprocess.run([sys.executable, "-m", "emosign_desktop.cli", "landmarks", str(folder),
                    "--workers", "2"], check=True, stdout=subprocess.DEVNULL)
    clips = load_clips()
    print(f"# Signals and detectors on the marked spans\n\nproject: {folder}\nlandmarks: "
          f"{landmark_cache_dir()} (model {MODEL_KEY}); clips with landmarks: "
          f"{sum(c.signals is not None for c in clips)} of {len(clips)}")
    rows = signal_rows(clips)
    print_signals(rows)
    old, _ = detector_rows(clips, OLD_DETECTORS, args.within)
    old_spans = list(BROW_SPANS)
    new, notes = detector_rows(clips, DETECTORS, args.within)
    app = None if args.no_app else table(folder, args.within, quiet=True)
    print_detectors(old, new, app, args.within)
    print("\nBaseline of the current brow furrow detector per clip (each clip its own "
          "signer):\n")
    for line in notes:
        print(f"- {line}")
    print("\nBrow spans, proposed and marked (first-last frame):\n")
    print("| clip | detector | old proposed | new proposed | marked |")
    print("|---|---|---|---|---|")
    olds = {(c, d): p for c, d, p, _m in old_spans}
    news = {(c, d): (p, m) for c, d, p, m in BROW_SPANS}
    for key in sorted(set(olds) | set(news)):
        p_new, marked = news.get(key, ([], []))
        if not marked:
            marked = next((m for c, d, _p, m in old_spans if (c, d) == key), [])
        print(f"| {key[0]} | {key[1]} | {_spans(olds.get(key, []))} | {_spans(p_new)} "
              f"| {_spans(marked)} |")
    print_targets(rows, old, new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
