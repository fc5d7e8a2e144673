"""ELAN import figures: the MPI demo document (``pympi_sample_3.0.eaf``: 6 tiers, all four
constraint types, 8,778 annotations over 20 minutes) imported onto a video, median of 5.

Run: ``python benchmarks/bench_eaf.py [--file F.eaf] [--repeat N]``.  The file links an audio
recording, ``r03_v20_s5.wav``; the project gets a video of that name known by its media
facts only (25 fps, 30,000 frames: 20 minutes), which the import finds by the file's name
and counts milliseconds in at its nominal rate.  "First import" is into a fresh project;
"again" replaces what the previous import of the same file brought (one operation each).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from emosign_desktop.core.changeset import ChangeSet, VideoEdit  # noqa: E402
from emosign_desktop.core.model import MediaInfo, Video, VideoId  # noqa: E402
from emosign_desktop.io.eaf import read_eaf  # noqa: E402
from emosign_desktop.services.elan import import_eaf  # noqa: E402
from emosign_desktop.services.session import Session, create_session  # noqa: E402

REAL_FILE = ROOT.parent / "shared" / "data" / "eaf" / "pympi_sample_3.0.eaf"
FPS, FRAMES = 25.0, 30_000


def project_with_video(folder: Path, name: str) -> Session:
    session = create_session(folder)
    video = Video(VideoId(1), name, None, None,
                  MediaInfo(FPS, FRAMES, 720, 576, FRAMES / FPS, "h264"))
    session.writer.run(f"add {name}", lambda _repo: ChangeSet(videos=(VideoEdit(None, video),)))
    return session


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--file", type=Path, default=REAL_FILE)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not args.file.is_file():
        print(f"(no ELAN file at {args.file}: nothing to measure)")
        return
    doc = read_eaf(args.file)
    video_name = Path(doc.media[0].file_name).stem if doc.media else "video"
    parse, first, again = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        eaf = Path(tmp) / args.file.name
        shutil.copy(args.file, eaf)
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            read_eaf(eaf)
            parse.append(time.perf_counter() - t0)
        result = None
        for n in range(args.repeat):
            with project_with_video(Path(tmp) / f"p{n}", video_name) as session:
                t0 = time.perf_counter()
                result = import_eaf(session, eaf)
                first.append(time.perf_counter() - t0)
        with project_with_video(Path(tmp) / "again", video_name) as session:
            import_eaf(session, eaf)
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                import_eaf(session, eaf)
                again.append(time.perf_counter() - t0)
    assert result is not None
    print(f"## ELAN import: {args.file.name} ({doc.annotation_count:,} annotations, "
          f"{len(doc.tiers)} tiers, EAF {doc.version}), onto a {FPS:g} fps video of "
          f"{FRAMES:,} frames, median of {args.repeat}\n")
    print("| step | segments | seconds |\n|---|---|---|")
    print(f"| read and check the file (defusedxml, times resolved) | - | "
          f"{statistics.median(parse):.2f} |")
    segments = result.segments + result.reference_segments
    print(f"| `import-eaf`, first import (parse, frames, one operation) | {segments:,} | "
          f"{statistics.median(first):.2f} |")
    print(f"| `import-eaf` again (replaces the previous import) | {segments:,} | "
          f"{statistics.median(again):.2f} |")


if __name__ == "__main__":
    main()
