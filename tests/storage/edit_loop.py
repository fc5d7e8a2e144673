"""Child process of the crash test: applies edits forever, announcing each before it starts
(BEGIN) and after its commit returned (DONE).  Usage: python edit_loop.py PROJECT SEED"""

from __future__ import annotations

import random
import sys
import uuid

from emosign_desktop.core.model import Segment, SegmentId
from emosign_desktop.storage import open_project


def main() -> None:
    folder, seed = sys.argv[1], int(sys.argv[2])
    rng = random.Random(seed)
    project = open_project(folder)
    repo = project.repo
    videos = [repo.video_by_name(f"v{i}") or repo.add_video(f"v{i}") for i in range(4)]
    who = repo.ensure_annotator("crash-tester")
    tier = repo.tiers()[0]
    fields = ["sentiment", "joy", "anger", "cues", "sentiment_confidence"]
    print("READY", flush=True)
    while True:
        video = rng.choice(videos)
        if rng.random() < 0.2:
            note = uuid.uuid4().hex
            print(f"BEGIN seg {note} present", flush=True)
            repo.add_segment(Segment(SegmentId(0), video.id, who.id, tier.id, 1, 5, "", note))
            print(f"DONE seg {note} present", flush=True)
            continue
        field = rng.choice(fields)
        value = {
            "sentiment": lambda: rng.randint(-3, 3),
            "joy": lambda: rng.randint(0, 3),
            "anger": lambda: rng.randint(0, 3),
            "cues": lambda: uuid.uuid4().hex,
            "sentiment_confidence": lambda: rng.randint(0, 100),
        }[field]()
        key = f"{video.name}/{field}"
        print(f"BEGIN {key} {value}", flush=True)
        if rng.random() < 0.3:
            with repo.transaction():  # a multi-statement write, killed in the middle or not
                repo.set_field(video.id, who.id, field, value)
                repo.set_field(video.id, who.id, "emotion_confidence", rng.randint(0, 100))
        else:
            repo.set_field(video.id, who.id, field, value)
        print(f"DONE {key} {value}", flush=True)


if __name__ == "__main__":
    main()
