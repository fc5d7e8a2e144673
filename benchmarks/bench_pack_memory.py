"""Peak memory of merging one large annotator pack (about 200 MB) into a new project.

The pack is generated in a temporary folder (written element by element, so making it takes
little memory): one annotator, ``--videos`` videos each with its labels, and segments with
notes, regions on some, until the file reaches ``--mb`` MB.  Each measurement runs in a
fresh Python process and reports that process's peak resident set size (``ru_maxrss``), with
the peak after imports and opening the project beside it, so the merge's own share shows:

* ``merge``: ``merge_pack_files`` as the app and ``emosign merge`` run it;
* ``json.loads``: only reading the file the naive way (bytes, SHA-256, decoded text, one
  ``json.loads``), no checking and no merge: the floor of the way packs were read before.

``--code DIR`` runs the ``merge`` child against another copy of the package (e.g. the
previous commit, exported with ``git archive HEAD emosign_desktop | tar -x -C DIR``), so a
before/after pair comes from the same pack in the same run.

Run: ``python benchmarks/bench_pack_memory.py [--mb 200] [--code DIR]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_STAMP = "2026-11-27T01:{:02d}:{:02d}.{:03d}+00:00"


def _stamp(i: int) -> str:
    return _STAMP.format(i // 60000 % 60, i // 1000 % 60, i % 1000)


def make_pack(path: Path, megabytes: int, videos: int) -> tuple[int, int]:
    """Write a pack of about ``megabytes`` MB; returns (annotations, segments)."""
    sys.path.insert(0, str(ROOT))
    from emosign_desktop.core.packs import PACK_FORMAT, PACK_KIND
    from emosign_desktop.core.schema import EMOSIGN_SCHEMA

    keys = EMOSIGN_SCHEMA.emotion_keys
    limit = megabytes * 1_000_000
    header = {"kind": PACK_KIND, "format_version": PACK_FORMAT, "app_version": "bench",
              "created_at": _stamp(0), "project_id": "bench-laptop", "annotator": "ann1",
              "schema": EMOSIGN_SCHEMA.to_dict()}
    tiers = [{"name": "Facial grammar", "kind": "facial_grammar",
              "vocabulary": ["brow raise", "brow furrow", "mouth morpheme", "head tilt"]}]
    with path.open("w", encoding="utf-8") as out:
        head = json.dumps(header, indent=1, ensure_ascii=False)
        out.write(head[:-2] + ",\n")

        def items(key: str, rows: object, last: bool = False) -> int:
            out.write(f' "{key}": [\n')
            n = 0
            for row in rows:  # type: ignore[attr-defined]
                if n:
                    out.write(",\n")
                out.write(textwrap.indent(json.dumps(row, indent=1, ensure_ascii=False), "  "))
                n += 1
            out.write("\n ]" + ("\n" if last else ",\n"))
            return n

        names = [f"clip_{i:06d}.mp4" for i in range(videos)]
        items("videos", ({"name": n, "fingerprint": f"b2:{i:064x}", "fps": 29.97,
                          "frame_count": 150 + i % 90} for i, n in enumerate(names)))
        annotations = items("annotations", (
            {"video": n, "values": {"sentiment": i % 7 - 3, "sentiment_confidence": 60 + i % 40,
                                    "emotion_confidence": 50 + i % 50,
                                    "cues": "furrowed brows, faster signing, a head shake",
                                    **{k: (i + j) % 4 for j, k in enumerate(keys)}},
             "created_at": _stamp(i), "updated_at": _stamp(i + 7)}
            for i, n in enumerate(names)))
        items("tiers", tiers)

        def segments() -> object:
            i = 0
            while out.tell() < limit:
                box = [0.1, 0.2, 0.3, 0.4] if i % 3 == 0 else None
                yield {"uid": f"{i:032x}", "video": names[i % videos],
                       "tier": "Facial grammar", "start_frame": i % 100,
                       "end_frame": i % 100 + 12, "value": tiers[0]["vocabulary"][i % 4],
                       "note": "onset at the sign for HOUSE" + " again" * (i % 5),
                       "region": box, "created_at": _stamp(i), "updated_at": _stamp(i + 3)}
                i += 1

        count = items("segments", segments())
        items("activity", ({"video": n, "seconds": 12.5} for n in names))
        out.write(' "blind_mode": false\n}\n')
    return annotations, count


def _child(mode: str, pack: Path, project: Path) -> None:
    """Run in a fresh process: merge (or only read) ``pack``; print one JSON line."""
    from emosign_desktop.services.packs import merge_pack_files
    from emosign_desktop.services.session import create_session

    session = create_session(project)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    if mode == "json.loads":
        import hashlib

        raw = pack.read_bytes()
        hashlib.sha256(raw).hexdigest()
        data = json.loads(raw.decode("utf-8"))
        result = f"{len(data['segments']):,} segments parsed"
    else:
        [summary] = merge_pack_files(session.writer, [pack])
        result = f"{summary.added:,} added"
    seconds = time.perf_counter() - t0
    session.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"base_mb": base / 1024, "peak_mb": peak / 1024, "seconds": seconds,
                      "result": result}))


def measure(mode: str, pack: Path, project: Path, code: Path) -> dict[str, object]:
    """Run one child process and return what it printed."""
    script = (f"import sys; sys.path.insert(0, {str(code)!r}); sys.path.insert(1, "
              f"{str(ROOT / 'benchmarks')!r}); from pathlib import Path; "
              f"import bench_pack_memory as b; b._child({mode!r}, Path({str(pack)!r}), "
              f"Path({str(project)!r}))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=False)
    if done.returncode:
        raise SystemExit(f"{mode} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=int, default=200, help="size of the pack (MB)")
    parser.add_argument("--videos", type=int, default=20_000)
    parser.add_argument("--code", type=Path, action="append", default=[],
                        help="also merge with the package found in this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pack = Path(tmp) / "ann1.emosignpack.json"
        annotations, segments = make_pack(pack, args.mb, args.videos)
        size = pack.stat().st_size / 1e6
        print(f"pack: {size:.0f} MB, {annotations:,} annotations, {segments:,} segments, "
              f"{args.videos:,} videos\n")
        print("| code | what | peak RSS MB | after imports + open MB | merge's share MB | s | "
              "result |\n|---|---|---|---|---|---|---|")
        runs = [("this tree", "merge", ROOT), ("this tree", "json.loads", ROOT)]
        runs += [(str(c), "merge", c.resolve()) for c in args.code]
        for n, (label, mode, code) in enumerate(runs):
            r = measure(mode, pack, Path(tmp) / f"project-{n}", code)
            base, peak = float(r["base_mb"]), float(r["peak_mb"])  # type: ignore[arg-type]
            print(f"| {label} | {mode} | {peak:,.0f} | {base:,.0f} | {peak - base:,.0f} | "
                  f"{float(r['seconds']):.1f} | {r['result']} |", flush=True)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
