"""Child process of the crash test: applies edits forever, announcing each before it starts
(BEGIN) and after its commit returned (DONE).  Usage: python edit_loop.py PROJECT SEED"""

from __future__ import annotations

import random
import sys
import uuid

from emosign_desktop.services.session import open_session
from emosign_desktop.services.videos import add_named_videos


def main() -> None:
    folder, seed = sys.argv[1], int(sys.argv[2])
    rng = random.Random(seed)
    session = open_session(folder)
    repo, editing, who = session._repo, session.editing, "crash-tester"
    missing = [f"v{i}" for i in range(4) if repo.video_by_name(f"v{i}") is None]
    if missing:
        add_named_videos(session, missing)
    videos = [repo.video_by_name(f"v{i}") for i in range(4)]
    tier = repo.tiers()[0]
    fields = ["sentiment", "joy", "anger", "cues", "sentiment_confidence"]
    print("READY", flush=True)
    while True:
        video = rng.choice(videos)
        if rng.random() < 0.2:
            note = uuid.uuid4().hex
            print(f"BEGIN seg {note} present", flush=True)
            editing.add_segment(video.id, who, tier.id, 1, 5, "", note)
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
            with session.writer.operation("two fields"):  # one transaction, killed or not
                editing.set_label(video.id, who, field, value)
                editing.set_label(video.id, who, "emotion_confidence", rng.randint(0, 100))
        else:
            editing.set_label(video.id, who, field, value)
        print(f"DONE {key} {value}", flush=True)


if __name__ == "__main__":
    main()
