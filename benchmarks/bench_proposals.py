"""How good the cue proposals are: the detectors' spans scored against the hand-marked set
(``benchmarks/proposal_marks.json``, see ``proposal_marks.md`` for how it was marked) through
the same path as ``emosign propose --evaluate``.

A throwaway project gets the marked clips (the four demo clips from ``resources/demo`` and
three shared clips from ``../shared/data/realclips`` when present), their landmarks
(extracted unless cached), and the marks as segments of the annotator ``marker``.  Printed:
per tier and detector, proposals, marks, matched, precision, recall and boundary F1 within
±k frames, at the defaults; then, for each detector with marks, the threshold and minimum
duration grid around its default (what the defaults were tuned on, coarse steps only).

Run: ``python benchmarks/bench_proposals.py [--within 3] [--no-grid]``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from emosign_desktop.analysis.proposals import DETECTORS  # noqa: E402
from emosign_desktop.services.proposing import evaluate_proposals  # noqa: E402
from emosign_desktop.services.session import create_session  # noqa: E402
from emosign_desktop.services.videos import add_videos  # noqa: E402

MARKS = ROOT / "benchmarks" / "proposal_marks.json"
SHARED = ROOT.parent / "shared" / "data" / "realclips"
#: The marks' cue names as tier values (or, where the vocabulary has none, as a note).
CUE_VALUE = {"brow furrow": ("brow furrow - wh-question", ""),
             "brow raise": ("brow raise - yes/no question", ""),
             "mouth opening": ("", "mouth opening"),
             "faster signing": ("faster signing", ""),
             "larger signs": ("larger signs", ""),
             "head shake": ("headshake - negation", ""),
             "head nod": ("head nod - assertion", "")}


def build(folder: Path) -> None:
    marks = json.loads(MARKS.read_text())
    session = create_session(folder)
    try:
        clips = []
        for name, clip in marks["clips"].items():
            src = (ROOT / "resources" / "demo" / name if clip["source"] == "demo"
                   else SHARED / name)
            if not src.is_file():
                print(f"  (skipping {name}: {src} not found)")
                continue
            shutil.copy(src, folder / name)
            clips.append((name, clip))
        add_videos(session, [folder / n for n, _ in clips])
        tiers = {t.name: t for t in session.queries.tiers()}
        videos = {v.name: v for v in session.queries.videos()}
        for name, clip in clips:
            video = videos[Path(name).stem]
            for m in clip["spans"]:
                value, note = CUE_VALUE[m["cue"]]
                session.editing.add_segment(video.id, "marker", tiers[m["tier"]].id,
                                            m["start"], m["end"], value, note)
    finally:
        session.close()


def table(folder: Path, within: int, settings: dict | None = None, quiet: bool = False
          ) -> dict[str, dict]:
    from emosign_desktop.services.session import open_session

    out = {}
    with open_session(folder) as session:
        for tier in ("Facial grammar", "Emotion cue"):
            names = [v.name for v in session.queries.videos()]  # every clip was looked at
            report = evaluate_proposals(session, tier, "marker", within, names,
                                        settings=settings)
            if not quiet:
                print(f"\n{tier}: {report['videos']} clips looked at, boundaries within "
                      f"±{within} frames")
                print(f"  {'detector':15s} {'proposed':>8s} {'marked':>6s} {'matched':>7s} "
                      f"{'precision':>9s} {'recall':>6s} {'bF1':>5s}")
            for row in report["rows"]:
                out[row["detector"] if row["detector"] != "all" else f"all {tier}"] = row
                if quiet:
                    continue

                def pct(x: float | None) -> str:
                    return "-" if x is None else f"{x:.0f}%"

                print(f"  {row['detector']:15s} {row['proposals']:8d} "
                      f"{row['human_segments']:6d} {row['matched']:7d} "
                      f"{pct(row['precision']):>9s} {pct(row['recall']):>6s} "
                      f"{pct(row['boundary_f1']):>5s}")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--within", type=int, default=3)
    ap.add_argument("--no-grid", action="store_true")
    ap.add_argument("--project", help="reuse a project this script built before")
    args = ap.parse_args()
    if args.project:
        folder = Path(args.project)
    else:
        folder = Path(tempfile.mkdtemp(prefix="emosign-proposals-")) / "project"
        folder.mkdir()
        build(folder)
    print(f"project: {folder}")
    import subprocess

    subprocess.run([sys.executable, "-m", "emosign_desktop.cli", "landmarks", str(folder),
                    "--workers", "2"], check=True, stdout=subprocess.DEVNULL)
    print("defaults:")
    defaults = table(folder, args.within)
    if args.no_grid:
        return 0
    print("\ngrid (threshold x minimum duration; F1 of matched segments, boundary F1):")
    for name, det in DETECTORS.items():
        if not defaults.get(name, {}).get("human_segments"):
            print(f"  {name}: no marks, not tuned")
            continue
        cells = []
        for threshold in (1.5, 2.0, 2.5, 3.0, 3.5):
            for min_s in (0.1, 0.15, 0.2, 0.3):
                s = replace(det.defaults, threshold=threshold, min_duration_s=min_s)
                row = table(folder, args.within, {name: s}, quiet=True)[name]
                p, h, m = row["proposals"], row["human_segments"], row["matched"]
                seg_f1 = 2 * m / (p + h) if p + h else 0.0
                cells.append((row["boundary_f1"] or 0.0, seg_f1, threshold, min_s, p, m))
        best = max(cells, key=lambda c: (c[0], c[1], -abs(c[2] - det.defaults.threshold)))
        d = det.defaults
        here = next(c for c in cells if c[2] == d.threshold and c[3] == d.min_duration_s) \
            if any(c[2] == d.threshold and c[3] == d.min_duration_s for c in cells) else None
        print(f"  {name}: default (threshold {d.threshold}, {d.min_duration_s} s) "
              + (f"bF1 {here[0]:.0f}% segF1 {100 * here[1]:.0f}%" if here else "off the grid")
              + f"; best threshold {best[2]}, {best[3]} s: bF1 {best[0]:.0f}% "
              f"segF1 {100 * best[1]:.0f}% ({best[4]} proposed, {best[5]} matched)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
