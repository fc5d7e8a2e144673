"""Commands that move data in and out of a project: the EmoSign CSV (``import-csv``,
``export-csv``, ``export-segments``), annotator packs (``pack``, ``merge``, ``conflicts``),
model predictions (``predictions``), SignStream and ELAN files (``import-signstream``,
``export-eaf``, ``import-eaf``)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from emosign_desktop.cli.running import RAW_HELP, on_project, print_json
from emosign_desktop.core.errors import EmoSignError

if TYPE_CHECKING:
    from emosign_desktop.io.emosign_csv import ImportSummary
    from emosign_desktop.services.session import Session


def cmd_import_csv(args: argparse.Namespace) -> int:
    from emosign_desktop.services.csv_exchange import import_annotator_csv, import_released

    def run(session: Session) -> ImportSummary:
        if args.annotator:
            offset = 1 if args.emotion_coding == "released" else 0
            return import_annotator_csv(session, args.file, args.annotator, offset=offset)
        return import_released(session, args.file)

    print(f"{args.file}: {on_project(args, run)}")
    return 0


def cmd_export_csv(args: argparse.Namespace) -> int:
    from emosign_desktop.io.emosign_csv import emotion_offset
    from emosign_desktop.services.aggregation import export_aggregated
    from emosign_desktop.services.tidy_export import export_long

    if sum(map(bool, (args.annotator, args.aggregate, args.long))) > 1:
        raise EmoSignError("give one of --annotator, --aggregate and --long")
    # as before unless chosen: the released coding (1..4), and 0..3 in the long format
    offset = emotion_offset(args.emotion_coding or ("protocol" if args.long else "released"))

    def run(session: Session) -> int:
        if args.long:
            return export_long(session, args.file, raw=args.raw, offset=offset)
        if args.annotator:
            return session.queries.export_annotator_csv(args.file, args.annotator,
                                                        raw=args.raw, offset=offset)
        if args.aggregate:
            return export_aggregated(session, args.file, args.aggregate, raw=args.raw,
                                     offset=offset)
        return session.queries.export_released(args.file, raw=args.raw, offset=offset)

    print(f"wrote {on_project(args, run)} rows to {args.file}")
    return 0


def cmd_export_segments(args: argparse.Namespace) -> int:
    from emosign_desktop.services.tidy_export import export_segments

    n = on_project(args, lambda session: export_segments(session, args.output, raw=args.raw))
    print(f"wrote {n} segments to {args.output}")
    return 0


def cmd_pack(args: argparse.Namespace) -> int:
    pack = on_project(args, lambda session: session.queries.export_pack(args.annotator,
                                                                        args.output))
    print(f"wrote {args.output}: {pack.annotator}, {len(pack.annotations)} annotations, "
          f"{len(pack.segments)} segments, {len(pack.videos)} videos")
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    from emosign_desktop.services.packs import merge_pack_files

    for summary in on_project(args, lambda session: merge_pack_files(session, args.packs)):
        print(summary)
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    rows = on_project(args, lambda session: session.queries.conflicts())
    if args.json:
        return print_json(rows)
    if not rows:
        print("no conflicts")
    for r in rows:
        print(f"{r['pack_name']}: {r['annotator']} / {r['video']} / {r['item']}: kept the edit "
              f"of {r['kept_updated_at']}, logged the one of {r['discarded_updated_at']}")
        print(f"    kept      {r['kept']}\n    discarded {r['discarded']}")
    return 0


def cmd_predictions(args: argparse.Namespace) -> int:
    from emosign_desktop.services.predictions import import_predictions, remove_run

    if args.action == "import":
        summary = on_project(args, lambda session: import_predictions(
            session, args.file, args.model, args.setting))
        print(f"{args.file}: imported {summary}")
    elif args.action == "remove":
        summary = on_project(args, lambda session: remove_run(session, args.model,
                                                              args.setting))
        print(f"removed {summary}")
    else:
        runs = on_project(args, lambda session: session.queries.prediction_runs())
        if not runs:
            print("no predictions")
        for run in runs:
            print(run)
    return 0


def cmd_import_signstream(args: argparse.Namespace) -> int:
    from emosign_desktop.services.signstream import NoUtterancePlaced, import_signstream

    try:
        result = on_project(args, lambda session: import_signstream(
            session, args.file, utterance=args.utterance, video=args.video,
            tier_prefix=args.tier_prefix))
    except NoUtterancePlaced as exc:
        print("\n".join(exc.result.lines()))
        raise
    print("\n".join(result.lines()))
    return 0


def cmd_export_eaf(args: argparse.Namespace) -> int:
    print(on_project(args, lambda session: session.queries.export_eaf(
        args.video, args.output, annotator=args.annotator, only_ours=args.only_ours)))
    return 0


def cmd_import_eaf(args: argparse.Namespace) -> int:
    from emosign_desktop.services.elan import import_eaf

    print(on_project(args, lambda session: import_eaf(
        session, args.file, video=args.video, annotator=args.annotator,
        tier_prefix=args.tier_prefix)))
    return 0


def add_commands(sub: Any) -> None:
    """Add the exchange commands to the command line's subparsers."""
    p = sub.add_parser(
        "import-csv", help="import the released EmoSign CSV, or one annotator's CSV",
        description="Without --annotator: the released format (labels -> 'emosign-consensus',"
        " Reasoning_1..3 -> 'reasoning-1..3'). With --annotator: video_name, Sentiment, the "
        "emotions, and optionally sentiment_confidence, emotion_confidence, cues.")
    p.add_argument("dir", help="project folder")
    p.add_argument("file", help="CSV file")
    p.add_argument("--annotator", metavar="NAME", help="import as this annotator's ratings")
    p.add_argument("--emotion-coding", choices=("released", "protocol"), default="released",
                   help="emotions coded 1..4 like the released file (default) or 0..3")
    p.set_defaults(func=cmd_import_csv)

    p = sub.add_parser("export-csv", help="write the released EmoSign format (or one "
                       "annotator's ratings)")
    p.add_argument("dir", help="project folder")
    p.add_argument("file", help="CSV file to write")
    p.add_argument("--annotator", metavar="NAME", help="export this annotator's ratings")
    p.add_argument("--aggregate", choices=("majority", "mean", "median"),
                   help="one label per video from all annotators (majority: the paper's rule, "
                   "ties to the most confident annotator)")
    p.add_argument("--long", action="store_true",
                   help="one row per video, annotator and label, with each annotator's cue "
                   "text and skip (for pandas or R); a .parquet file name writes Parquet")
    p.add_argument("--emotion-coding", choices=("released", "protocol"),
                   help="emotions coded 1..4 like the released file (the default, but for "
                   "--long) or 0..3 as the annotators gave them (the default of --long)")
    p.add_argument("--raw", action="store_true", help=RAW_HELP)
    p.set_defaults(func=cmd_export_csv)

    p = sub.add_parser("export-segments", help="one row per segment, for analysis",
                       description="Columns: video, annotator, annotator_kind, tier, "
                       "tier_group, value, start_frame, end_frame, start_s, end_s, region_x, "
                       "region_y, region_w, region_h, note, source, attributes.")
    p.add_argument("dir", help="project folder")
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help=".csv or .parquet")
    p.add_argument("--raw", action="store_true", help=RAW_HELP)
    p.set_defaults(func=cmd_export_segments)

    p = sub.add_parser("pack", help="write one annotator's work as a pack file")
    p.add_argument("dir", help="project folder")
    p.add_argument("--annotator", required=True, metavar="NAME")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.set_defaults(func=cmd_pack)

    p = sub.add_parser("merge", help="merge annotator packs into a project (one transaction)")
    p.add_argument("dir", help="project folder")
    p.add_argument("packs", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_merge)

    p = sub.add_parser("conflicts", help="the conflict log of merges")
    p.add_argument("dir", help="project folder")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_conflicts)

    p = sub.add_parser("predictions", help="model predictions: import, list, remove",
                       description="Predictions are data beside the annotations: a run is one "
                       "model in one input setting. Files: CSV or JSON Lines (see README).")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    q = actions.add_parser("import", help="import a run (replaces that run's predictions)")
    q.add_argument("dir", help="project folder")
    q.add_argument("file", help="CSV or JSON Lines file")
    q.add_argument("--model", required=True, metavar="NAME")
    q.add_argument("--setting", required=True, choices=("video", "caption", "video+caption"))
    q = actions.add_parser("list", help="the runs in a project")
    q.add_argument("dir", help="project folder")
    q = actions.add_parser("remove", help="remove a run (its predictions and cue segments)")
    q.add_argument("dir", help="project folder")
    q.add_argument("--model", required=True, metavar="NAME")
    q.add_argument("--setting", required=True, choices=("video", "caption", "video+caption"))
    p.set_defaults(func=cmd_predictions)

    p = sub.add_parser(
        "import-signstream", help="SignStream XML (ASLLRP) as read-only reference tiers",
        description="Each field of the coding scheme becomes a reference tier; each utterance "
        "goes on the video named after one of its media files (times from the utterance's "
        "start in it) or the one whose name ends in the utterance ID (times from the clip's "
        "start). Utterances with no video are listed, not guessed. Importing the file again "
        "(same name, or same content) replaces what it brought, wherever it went. A field "
        "named like a reference tier already in the project adds to that tier.")
    p.add_argument("dir", help="project folder")
    p.add_argument("file", help="SignStream XML file")
    p.add_argument("--utterance", metavar="ID", help="only this utterance")
    p.add_argument("--video", metavar="NAME", help="put the utterance on this video")
    p.add_argument("--tier-prefix", metavar="TEXT", default="",
                   help="put TEXT before each tier's name (keeps this file's tiers apart)")
    p.set_defaults(func=cmd_import_signstream)

    p = sub.add_parser(
        "export-eaf", help="write a video's tiers as an ELAN file (.eaf)",
        description="Each of the project's tiers, per annotator, becomes an ELAN tier "
        "'TIER@ANNOTATOR' with its controlled vocabulary; notes and regions go to dependent "
        "tiers; times are the frames' presentation times; the media is linked. Reference "
        "tiers (imported from ELAN or SignStream) are written beside them as their files "
        "defined them, unless --only-ours.")
    p.add_argument("dir", help="project folder")
    p.add_argument("video", help="video name")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the .eaf file")
    p.add_argument("--annotator", metavar="NAME",
                   help="only this annotator's tiers (default: everyone with segments)")
    p.add_argument("--only-ours", action="store_true",
                   help="leave the reference tiers out")
    p.set_defaults(func=cmd_export_eaf)

    p = sub.add_parser(
        "import-eaf", help="import an ELAN file (.eaf) onto a video",
        description="Tiers exported by EmoSign come back to their tiers and annotators; "
        "other tiers come in as read-only reference tiers. The video is the one the file's "
        "media names (by relative path or file name) unless --video; media matching several "
        "videos need --video. Importing the same file again (same name, or same content) "
        "replaces what it brought, wherever it went. A tier named like a reference tier "
        "already in the project adds to that tier.")
    p.add_argument("dir", help="project folder")
    p.add_argument("file", help="the .eaf file (EAF 2.7 to 3.0)")
    p.add_argument("--video", metavar="NAME", help="the video to import onto")
    p.add_argument("--annotator", metavar="NAME",
                   help="annotator of the project's own tiers whose ELAN tier names none")
    p.add_argument("--tier-prefix", metavar="TEXT", default="",
                   help="put TEXT before each reference tier's name (keeps this file's tiers "
                   "apart)")
    p.set_defaults(func=cmd_import_eaf)
