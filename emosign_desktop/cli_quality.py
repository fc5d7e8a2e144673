"""The ``emosign`` commands of annotation quality: cue proposals (``propose``), gold videos
(``gold``), blind mode (``blind``) and agreement over time (``agreement --over-time``).
:mod:`emosign_desktop.cli` registers them with :func:`add_commands`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.services.session import open_session as _open


def cmd_blind(args: argparse.Namespace) -> int:
    from emosign_desktop.services.blind import blind_mode, set_blind_mode

    with _open(args.dir) as session:
        if args.state is not None:
            set_blind_mode(session.writer, args.state == "on")
        on = blind_mode(session.project)
    print(f"blind mode is {'on' if on else 'off'}" + (
        ": until an annotator finishes a video, the app hides the other annotators' labels "
        "and segments, the consensus and model predictions from them (reviewers see "
        "everything; this is not a security boundary)" if on else ""))
    return 0


def cmd_gold(args: argparse.Namespace) -> int:
    from emosign_desktop.services.gold import clear_gold, gold_videos, set_gold

    if args.add and not args.reference:
        raise EmoSignError("--add needs --reference ANNOTATOR: whose labels are the truth of "
                           "those videos")
    with _open(args.dir) as session:
        if args.add:
            set_gold(session.writer, args.add, args.reference)
            print(f"marked {len(args.add)} video(s) gold, reference: {args.reference}")
        if args.remove:
            clear_gold(session.writer, args.remove)
            print(f"unmarked {len(args.remove)} video(s)")
        gold = gold_videos(session.project)
    if args.json:
        print(json.dumps(gold, indent=2, ensure_ascii=False))
    elif not (args.add or args.remove):
        if not gold:
            print("no gold videos")
        for name, ref in gold.items():
            print(f"{name}\treference: {ref}")
    return 0


def cmd_agreement_over_time(args: argparse.Namespace) -> int:
    from emosign_desktop.services.gold import drift_report

    with _open(args.dir) as session:
        report = drift_report(session.project, args.window)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0

    def fmt(x: object, spec: str) -> str:
        return "-" if x is None else format(x, spec)

    print(f"agreement over time, rolling over {report['window']} videos; "
          f"{report['gold_videos']} gold videos")
    for series in report["annotators"]:
        print(f"{series['annotator']} ({series['videos']} videos labelled)")
        print(f"  {'#':>4s} {'video':24s} {'gold: alpha':>11s} {'bias':>6s} {'emotions':>8s}"
              f"   {'others: alpha':>13s} {'bias':>6s} {'emotions':>8s}")
        for g, o in zip(series["with_gold"], series["with_others"], strict=True):
            print(f"  {g['index']:>4} {str(g['video'])[:24]:24s} "
                  f"{fmt(g['sentiment_alpha'], '.3f'):>11s} {fmt(g['sentiment_bias'], '+.2f'):>6s} "
                  f"{fmt(g['emotion_agreement'], '.0f'):>7s}%   "
                  f"{fmt(o['sentiment_alpha'], '.3f'):>13s} {fmt(o['sentiment_bias'], '+.2f'):>6s} "
                  f"{fmt(o['emotion_agreement'], '.0f'):>7s}%")
    return 0


def _detector_settings(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from emosign_desktop.services.proposing import detector_settings, set_detector_settings

    with _open(args.dir) as session:
        if args.set:
            detector, *pairs = args.set
            values: dict[str, object] = {}
            for pair in pairs:
                key, sep, value = pair.partition("=")
                if not sep:
                    raise EmoSignError(f"--set {detector}: '{pair}' is not KEY=VALUE (e.g. "
                                       "threshold=3.0)")
                values[key] = value.lower() in ("1", "true", "yes", "on") \
                    if key == "enabled" else value
            if not values:
                raise EmoSignError(f"--set {detector}: give at least one KEY=VALUE")
            set_detector_settings(session.writer, detector, **values)
        current = detector_settings(session.project)
    for name, settings in current.items():
        print(f"{name:14s} " + "  ".join(f"{k}={v}" for k, v in asdict(settings).items()))
    return 0


def cmd_propose(args: argparse.Namespace) -> int:
    from emosign_desktop.analysis.proposals import DETECTORS
    from emosign_desktop.services.proposing import evaluate_proposals, propose_for

    if args.set or args.settings:
        return _detector_settings(args)
    if args.signer is not None:
        from emosign_desktop.services.proposing import set_signer

        if not args.video:
            raise EmoSignError("--signer needs --video NAME (repeat for each of the signer's "
                               "videos)")
        with _open(args.dir) as session:
            set_signer(session.writer, args.video, args.signer)
        who = f"signed by {args.signer}" if args.signer.strip() else "each its own signer"
        print(f"{len(args.video)} video(s) {who}")
        return 0
    if args.evaluate and not (args.tier and args.annotator):
        raise EmoSignError("--evaluate needs --tier NAME and --annotator NAME (whose segments "
                           "on that tier the proposals are scored against)")
    names = args.video or None
    with _open(args.dir) as session:
        if args.evaluate:
            report = evaluate_proposals(session.project, args.tier, args.annotator,
                                        args.within, names)
        else:
            run = propose_for(session.project, names)
    if args.evaluate:
        if args.json:
            print(json.dumps(report, indent=2, ensure_ascii=False))
            return 0
        print(f"proposals on '{report['tier']}' against {report['annotator']}'s segments, "
              f"{report['videos']} videos, boundaries within ±{report['within_frames']} frames")
        print(f"{'detector':16s} {'proposed':>8s} {'marked':>6s} {'matched':>7s} "
              f"{'precision':>9s} {'recall':>6s} {'boundary F1':>11s}")

        def pct(x: float | None) -> str:
            return "-" if x is None else f"{x:.1f}"

        for row in report["rows"]:
            print(f"{row['detector']:16s} {row['proposals']:8d} {row['human_segments']:6d} "
                  f"{row['matched']:7d} {pct(row['precision']):>9s} {pct(row['recall']):>6s} "
                  f"{pct(row['boundary_f1']):>11s}")
        missing = report["without_landmarks"]
    else:
        if args.json:
            print(json.dumps([{
                "video": vp.video.name, "detector": p.detector, "version": p.version,
                "tier": getattr(vp.tiers.get(p.detector), "name", None),
                "value": p.value, "start_frame": p.start_frame, "end_frame": p.end_frame,
                "evidence": p.evidence.as_dict()} for vp in run.videos for p in vp.proposals],
                indent=2, ensure_ascii=False))
        else:
            for vp in run.videos:
                print(f"{vp.video.name}: {len(vp.proposals)} proposals")
                for p in vp.proposals:
                    tier = vp.tiers.get(p.detector)
                    e = p.evidence
                    print(f"  {p.start_frame:6d}-{p.end_frame:<6d} "
                          f"{DETECTORS[p.detector].label:14s} -> "
                          f"{tier.name if tier else '(no such tier)'}"
                          f"{': ' + p.value if p.value else ''}  (peak {e.peak:.3g} at "
                          f"{e.peak_frame}; baseline {e.baseline:.3g}, starts at "
                          f"{e.threshold:.3g})")
        missing = run.without_landmarks
    if missing:
        print(f"no landmarks yet for {len(missing)} video(s): {', '.join(missing[:10])}"
              f"{' ...' if len(missing) > 10 else ''}; run 'emosign landmarks {args.dir}'",
              file=sys.stderr)
    return 0


def add_commands(sub: Any) -> None:
    """Add ``blind``, ``gold`` and ``propose`` to the command line's subparsers."""
    p = sub.add_parser("blind", help="show or set blind mode (hide others' labels until "
                       "an annotator finishes a video)")
    p.add_argument("dir", help="project folder")
    p.add_argument("state", nargs="?", choices=("on", "off"), help="turn it on or off")
    p.set_defaults(func=cmd_blind)

    p = sub.add_parser("gold", help="list, mark or unmark gold videos (known reference labels)",
                       description="A gold video's reference is one annotator's labels (a "
                       "person, or labels imported with import-csv --annotator). Annotators "
                       "are not shown which videos are gold; 'agreement --over-time' compares "
                       "each annotator with them.")
    p.add_argument("dir", help="project folder")
    p.add_argument("--add", nargs="+", metavar="VIDEO", help="mark these videos gold")
    p.add_argument("--reference", metavar="ANNOTATOR", help="with --add: whose labels are "
                   "the truth")
    p.add_argument("--remove", nargs="+", metavar="VIDEO", help="unmark these videos")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_gold)

    p = sub.add_parser(
        "propose", help="cue segments proposed from the landmark signals (brow raise and "
        "furrow, head shake and nod, mouth opening, fast and large signing)",
        description="Runs each detector on the videos' cached landmark signals against the "
        "video's own baseline (median and MAD) and lists the spans it proposes, with the "
        "evidence. Nothing is stored: proposals are no one's labels. With --evaluate, scores "
        "them against an annotator's segments on a tier (precision, recall, boundary F1).")
    p.add_argument("dir", help="project folder")
    p.add_argument("--video", metavar="NAME", action="append",
                   help="only this video (repeat for more); with --evaluate, these are the "
                   "videos the annotator looked at (default: those they marked a segment on "
                   "or finished)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--evaluate", action="store_true",
                   help="score the proposals against --annotator's segments on --tier")
    p.add_argument("--tier", metavar="NAME", help="with --evaluate: the tier")
    p.add_argument("--annotator", metavar="NAME", help="with --evaluate: whose segments")
    p.add_argument("--within", type=int, default=3, metavar="K",
                   help="boundaries agree within ±K frames (default 3)")
    p.add_argument("--settings", action="store_true",
                   help="print the detectors' settings in this project")
    p.add_argument("--signer", metavar="NAME",
                   help="say that the --video videos are signed by NAME (their baselines are "
                   "taken together); '' makes each its own signer again")
    p.add_argument("--set", nargs="+", metavar=("DETECTOR", "KEY=VALUE"),
                   help="change a detector's settings in the project (threshold, release, "
                   "min_duration_s, max_gap_s, min_peak, enabled), e.g. --set brow_raise "
                   "threshold=3.0 min_duration_s=0.25")
    p.set_defaults(func=cmd_propose)
