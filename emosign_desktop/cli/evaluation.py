"""Commands that measure: ``agreement`` (Krippendorff's alpha between the annotators;
``--over-time`` is in :mod:`emosign_desktop.cli.quality`) and ``evaluate`` (the model runs
against the reference labels)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from emosign_desktop.cli.running import on_project, print_json

if TYPE_CHECKING:
    from emosign_desktop.services.evaluation import EvaluationReport, VideoDisagreement
    from emosign_desktop.services.session import Session


def cmd_agreement(args: argparse.Namespace) -> int:
    from emosign_desktop.services.agreement import agreement_report

    if args.over_time:
        from emosign_desktop.cli.quality import cmd_agreement_over_time

        return cmd_agreement_over_time(args)
    report = on_project(args, lambda session: agreement_report(session, args.level,
                                                               args.boundary_frames))
    if args.json:
        return print_json(report)

    def fmt(a: object) -> str:
        return "undefined" if a is None else f"{a:.3f}"

    print(f"Krippendorff's alpha ({report['level']}), annotators: "
          f"{', '.join(report['annotators']) or 'none'}")
    for label, r in report["labels"].items():
        why = f"  ({r['reason']})" if r.get("reason") else ""
        print(f"  {label:14s} {fmt(r['alpha']):>9s}  {r['units']} videos, "
              f"{r['annotators']} annotators{why}")
    print(f"  {'average':14s} {fmt(report['average']):>9s}")
    for name, r in report["tiers"].items():
        f1 = r["boundary_f1"]
        print(f"tier {name}: alpha (nominal, frame-wise) {fmt(r['alpha'])} over {r['units']} "
              f"frames; boundaries within ±{r['boundary_frames']} frames: "
              f"{'n/a' if f1 is None else f'{f1:.0%}'}")
    if report["videos"]:
        print("most disputed videos:")
        for v in report["videos"][:10]:
            print(f"  {v['name']}  {v['disagreement']:.2f}  ({', '.join(v['labels'])})")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from emosign_desktop.services.evaluation import (
        evaluate,
        evaluate_with_videos,
        with_provenance,
    )
    from emosign_desktop.services.report import text_report, write_html

    def run(session: Session) -> tuple[EvaluationReport, list[VideoDisagreement]]:
        if args.html:
            report, worst = evaluate_with_videos(session, args.reference, args.tier,
                                                 args.boundary_frames, limit=50)
        else:
            report = evaluate(session, args.reference, args.tier, args.boundary_frames)
            worst = []
        return with_provenance(session, report), worst  # version, time, project, files

    report, worst = on_project(args, run)
    if args.html:
        write_html(args.html, report, worst)
    if args.json:
        print_json(report)
    else:
        print(text_report(report))
    if args.html:
        print(f"wrote {args.html}", file=sys.stderr if args.json else sys.stdout)
    return 0


def add_commands(sub: Any) -> None:
    """Add ``agreement``, ``evaluate`` to the command line's subparsers."""
    p = sub.add_parser("agreement", help="Krippendorff's alpha per label and tier")
    p.add_argument("dir", help="project folder")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--level", choices=("nominal", "ordinal", "interval"), default="ordinal")
    p.add_argument("--boundary-frames", type=int, default=5, metavar="K",
                   help="segment boundaries agree within ±K frames (default 5)")
    p.add_argument("--over-time", action="store_true",
                   help="per annotator, in the order they labelled: rolling sentiment alpha "
                   "and bias and emotion-presence agreement with the gold videos' reference "
                   "and with the other annotators")
    p.add_argument("--window", type=int, default=10, metavar="N",
                   help="with --over-time: videos per rolling window (default 10)")
    p.set_defaults(func=cmd_agreement)

    p = sub.add_parser(
        "evaluate", help="score the model runs against the reference labels (models versus "
        "humans)",
        description="The paper's tasks (sentiment 3- and 7-class, single-label emotion, the "
        "multi-expression hit rate, cue grounding) for every imported run, against the "
        "reference labels (emosign-consensus, else the majority of the annotators), beside "
        "the annotators' agreement. A video a run gives no answer for counts as wrong. The "
        "JSON and the HTML state their provenance: the app's version, the time (UTC), the "
        "project and each run's prediction files with their SHA-256.")
    p.add_argument("dir", help="project folder")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--html", metavar="FILE", help="write a self-contained HTML report")
    p.add_argument("--reference", metavar="NAME",
                   help="the annotator whose labels are the truth, or 'majority' (default: "
                   "emosign-consensus when present, else majority)")
    p.add_argument("--tier", metavar="NAME",
                   help="tier of human cue segments for grounding (default: the emotion-cue "
                   "tier)")
    p.add_argument("--boundary-frames", type=int, default=2, metavar="K",
                   help="cue boundaries agree within ±K frames (default 2)")
    p.set_defaults(func=cmd_evaluate)
