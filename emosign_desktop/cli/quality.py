"""Commands of annotation quality: blind mode (``blind``), gold videos (``gold``),
agreement over time (``agreement --over-time``) and cue proposals (``propose`` with its
modes ``list``, ``evaluate``, ``settings`` and ``signer``; the first spelling, ``propose DIR
--evaluate`` and so on, still works: see :func:`first_propose_parser`)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from emosign_desktop.cli.running import on_project, print_json
from emosign_desktop.core.errors import EmoSignError

if TYPE_CHECKING:
    from emosign_desktop.analysis.proposals import DetectorSettings
    from emosign_desktop.services.session import Session


def cmd_blind(args: argparse.Namespace) -> int:
    from emosign_desktop.services.blind import blind_mode, set_blind_mode

    def run(session: Session) -> bool:
        if args.state is not None:
            set_blind_mode(session, args.state == "on")
        return blind_mode(session)

    on = on_project(args, run)
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
    def run(session: Session) -> dict[str, str]:
        if args.add:
            set_gold(session, args.add, args.reference)
            print(f"marked {len(args.add)} video(s) gold, reference: {args.reference}")
        if args.remove:
            clear_gold(session, args.remove)
            print(f"unmarked {len(args.remove)} video(s)")
        return gold_videos(session)

    gold = on_project(args, run)
    if args.json:
        print_json(gold)
    elif not (args.add or args.remove):
        if not gold:
            print("no gold videos")
        for name, ref in gold.items():
            print(f"{name}\treference: {ref}")
    return 0


def cmd_agreement_over_time(args: argparse.Namespace) -> int:
    from emosign_desktop.services.gold import drift_report

    report = on_project(args, lambda session: drift_report(session, args.window))
    if args.json:
        return print_json(report)

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


def cmd_propose_settings(args: argparse.Namespace) -> int:
    """``propose settings DIR [--set DETECTOR KEY=VALUE...]``: show (or change) the
    detectors' settings in the project."""
    from dataclasses import asdict

    from emosign_desktop.services.proposing import detector_settings, set_detector_settings

    values: dict[str, object] = {}
    if args.set:
        detector, *pairs = args.set
        for pair in pairs:
            key, sep, value = pair.partition("=")
            if not sep:
                raise EmoSignError(f"--set {detector}: '{pair}' is not KEY=VALUE (e.g. "
                                   "threshold=3.0)")
            values[key] = value.lower() in ("1", "true", "yes", "on") \
                if key == "enabled" else value
        if not values:
            raise EmoSignError(f"--set {detector}: give at least one KEY=VALUE")

    def run(session: Session) -> dict[str, DetectorSettings]:
        if args.set:
            set_detector_settings(session, args.set[0], **values)
        return detector_settings(session)

    for name, settings in on_project(args, run).items():
        print(f"{name:14s} " + "  ".join(f"{k}={v}" for k, v in asdict(settings).items()))
    return 0


def cmd_propose_signer(args: argparse.Namespace) -> int:
    """``propose signer DIR NAME --video V...``: the videos are signed by NAME."""
    from emosign_desktop.services.proposing import set_signer

    if not args.video:
        raise EmoSignError("--signer needs --video NAME (repeat for each of the signer's "
                           "videos)")
    on_project(args, lambda session: set_signer(session, args.video, args.signer))
    who = f"signed by {args.signer}" if args.signer.strip() else "each its own signer"
    print(f"{len(args.video)} video(s) {who}")
    return 0


def cmd_propose_evaluate(args: argparse.Namespace) -> int:
    """``propose evaluate DIR --tier T --annotator A``: the proposals scored against an
    annotator's segments."""
    from emosign_desktop.services.proposing import evaluate_proposals

    if not (args.tier and args.annotator):
        raise EmoSignError("--evaluate needs --tier NAME and --annotator NAME (whose segments "
                           "on that tier the proposals are scored against)")
    report = on_project(args, lambda session: evaluate_proposals(
        session, args.tier, args.annotator, args.within, args.video or None))
    if args.json:
        return print_json(report)
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
    _without_landmarks(args, report["without_landmarks"])
    return 0


def cmd_propose_list(args: argparse.Namespace) -> int:
    """``propose list DIR``: the spans each detector proposes, with the evidence."""
    from emosign_desktop.analysis.proposals import DETECTORS
    from emosign_desktop.services.proposing import propose_for

    run = on_project(args, lambda session: propose_for(session, args.video or None))
    if args.json:
        print_json([{
            "video": vp.video.name, "detector": p.detector, "version": p.version,
            "tier": getattr(vp.tiers.get(p.detector), "name", None),
            "value": p.value, "start_frame": p.start_frame, "end_frame": p.end_frame,
            "evidence": p.evidence.as_dict()} for vp in run.videos for p in vp.proposals])
    else:
        for vp in run.videos:
            print(f"{vp.video.name}: {len(vp.proposals)} proposals")
            if vp.rough_baseline:
                print(f"  (the face detectors' baseline is {vp.rough_baseline})")
            for p in vp.proposals:
                tier = vp.tiers.get(p.detector)
                e = p.evidence
                print(f"  {p.start_frame:6d}-{p.end_frame:<6d} "
                      f"{DETECTORS[p.detector].label:14s} -> "
                      f"{tier.name if tier else '(no such tier)'}"
                      f"{': ' + p.value if p.value else ''}  (peak {e.peak:.3g} at "
                      f"{e.peak_frame}; baseline {e.baseline:.3g}, starts at "
                      f"{e.threshold:.3g})")
    _without_landmarks(args, run.without_landmarks, run.outdated_landmarks)
    return 0


def _without_landmarks(args: argparse.Namespace, missing: list[str],
                       outdated: list[str] | None = None) -> None:
    outdated = outdated or []
    if outdated:
        print(f"landmarks of an earlier version (without face blendshapes) for "
              f"{len(outdated)} video(s): {', '.join(outdated[:10])}"
              f"{' ...' if len(outdated) > 10 else ''}; run 'emosign landmarks {args.dir}' "
              "to extract them again", file=sys.stderr)
        missing = [n for n in missing if n not in outdated]
    if missing:
        print(f"no landmarks yet for {len(missing)} video(s): {', '.join(missing[:10])}"
              f"{' ...' if len(missing) > 10 else ''}; run 'emosign landmarks {args.dir}'",
              file=sys.stderr)


def cmd_propose(args: argparse.Namespace) -> int:
    """The first spelling, ``propose DIR [--evaluate | --settings | --set ... | --signer
    NAME]``: the mode its options name."""
    if args.set or args.settings:
        return cmd_propose_settings(args)
    if args.signer is not None:
        return cmd_propose_signer(args)
    if args.evaluate:
        return cmd_propose_evaluate(args)
    return cmd_propose_list(args)


#: The subcommands of ``propose``; anything else after ``propose`` is the first spelling.
PROPOSE_MODES = ("list", "evaluate", "settings", "signer")

PROPOSE_HELP = ("cue segments proposed from the landmark signals (brow raise and furrow, head "
                "shake and nod, mouth opening, fast and large signing)")
PROPOSE_DESCRIPTION = (
    "Runs each detector on the videos' cached landmark signals against the video's own "
    "baseline (median and MAD) and lists the spans it proposes, with the evidence. Nothing "
    "is stored: proposals are no one's labels. 'evaluate' scores them against an "
    "annotator's segments on a tier (precision, recall, boundary F1). The first spelling "
    "still works: propose DIR [--evaluate | --settings | --set ... | --signer NAME].")
VIDEO_HELP = ("only this video (repeat for more); with evaluate, these are the videos the "
              "annotator looked at (default: those they marked a segment on or finished)")
SET_HELP = ("change a detector's settings in the project (threshold, release, min_duration_s, "
            "max_gap_s, min_peak, enabled), e.g. --set brow_raise threshold=3.0 "
            "min_duration_s=0.25")
SET_METAVAR = ("DETECTOR", "KEY=VALUE")


def _add_propose(sub: Any) -> None:
    """``propose`` and its four modes, each a subcommand."""
    p = sub.add_parser("propose", help=PROPOSE_HELP, description=PROPOSE_DESCRIPTION)
    modes = p.add_subparsers(dest="mode", required=True, metavar="MODE")
    q = modes.add_parser("list", help="the spans each detector proposes, with the evidence")
    q.add_argument("dir", help="project folder")
    q.add_argument("--video", metavar="NAME", action="append", help=VIDEO_HELP)
    q.add_argument("--json", action="store_true", help="print JSON")
    q.set_defaults(func=cmd_propose_list)
    q = modes.add_parser("evaluate", help="score the proposals against an annotator's "
                         "segments on a tier")
    q.add_argument("dir", help="project folder")
    q.add_argument("--tier", metavar="NAME", required=True, help="the tier")
    q.add_argument("--annotator", metavar="NAME", required=True, help="whose segments")
    q.add_argument("--within", type=int, default=3, metavar="K",
                   help="boundaries agree within ±K frames (default 3)")
    q.add_argument("--video", metavar="NAME", action="append", help=VIDEO_HELP)
    q.add_argument("--json", action="store_true", help="print JSON")
    q.set_defaults(func=cmd_propose_evaluate)
    q = modes.add_parser("settings", help="print (or --set) the detectors' settings in this "
                         "project")
    q.add_argument("dir", help="project folder")
    q.add_argument("--set", nargs="+", metavar=SET_METAVAR, help=SET_HELP)
    q.set_defaults(func=cmd_propose_settings)
    q = modes.add_parser("signer", help="say that the --video videos are signed by NAME "
                         "(their baselines are taken together)")
    q.add_argument("dir", help="project folder")
    q.add_argument("signer", metavar="NAME", help="the signer ('' makes each video its own "
                   "signer again)")
    q.add_argument("--video", metavar="NAME", action="append", help="one of the signer's "
                   "videos (repeat for more)")
    q.set_defaults(func=cmd_propose_signer)


def first_propose_parser() -> argparse.ArgumentParser:
    """The parser of ``propose``'s first spelling (``propose DIR --evaluate`` and so on)."""
    p = argparse.ArgumentParser(prog="emosign propose", description=PROPOSE_DESCRIPTION)
    p.add_argument("dir", help="project folder")
    p.add_argument("--video", metavar="NAME", action="append", help=VIDEO_HELP)
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
    p.add_argument("--set", nargs="+", metavar=SET_METAVAR, help=SET_HELP)
    p.set_defaults(func=cmd_propose, command="propose")
    return p


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

    _add_propose(sub)
