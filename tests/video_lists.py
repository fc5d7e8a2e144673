"""Projects for the video-list tests: many videos (names in mixed case, with ``%`` and ``_``,
some without media, some cut short), a few annotators whose labels cover every status, built
in one operation; and the list as plain Python works it out (the reference the SQL is checked
against)."""

from __future__ import annotations

import random

from emosign_desktop.core.changeset import AnnotationEdit, AnnotatorEdit, ChangeSet, VideoEdit
from emosign_desktop.core.listing import STATUS_ORDER, VideoQuery
from emosign_desktop.core.model import (
    AnnotationStatus,
    Annotator,
    AnnotatorId,
    MediaInfo,
    Video,
    VideoId,
)
from emosign_desktop.core.schema import SKIPPED
from emosign_desktop.services.session import Session

PREFIXES = ("Alpha", "beta", "GAMMA", "delta%", "eps_ilon", "Beta")


def label_values(kind: int, keys: tuple[str, ...], rng: random.Random) -> dict[str, object]:
    """Labels of one of nine kinds: cue text only, sentiment only, everything rated
    (done), skipped, every emotion but no sentiment, sentiment and some emotions, done and
    skipped, a skip reason only and a confidence only (a row, yet not started)."""
    everything: dict[str, object] = {k: rng.randint(0, 3) for k in keys}
    everything["sentiment"] = rng.randint(-3, 3)
    return [
        {"cues": "raised brows"},
        {"sentiment": 1},
        everything,
        {SKIPPED: True, "skip_reason": "face hidden"},
        {k: 1 for k in keys},
        {"sentiment": -2, keys[0]: 2, keys[1]: 0},
        {**everything, SKIPPED: True},
        {"skip_reason": "maybe later"},
        {"sentiment_confidence": 50},
    ][kind]


def fill(session: Session, videos: int, annotators: tuple[str, ...] = ("ana", "ben"),
         seed: int = 1) -> list[Video]:
    """Add ``videos`` videos and ``annotators``' labels (about one video in ten has none
    of an annotator's) in one operation; returns the videos."""
    rng = random.Random(seed)
    repo = session._repo
    schema = repo.schema
    empty = schema.empty_values()
    first_video = repo.next_id("video")
    first_annotator = repo.next_id("annotator")
    who = [Annotator(AnnotatorId(first_annotator + i), name)
           for i, name in enumerate(annotators)]
    clips: list[Video] = []
    for i in range(videos):
        name = f"{PREFIXES[i % len(PREFIXES)]}_{rng.randrange(10**6):06d}_{i}"
        vid = VideoId(first_video + i)
        if i % 4 == 0:
            clips.append(Video(vid, name))
            continue
        frames = 10 + (i * 7) % 50
        media = MediaInfo(fps=(25.0, 29.97, 12.0)[i % 3], frame_count=frames,
                          width=(320, 640, 192)[i % 3], height=(240, 480, 144)[i % 3],
                          duration=round(frames / 25 + (i % 5) * 0.1, 3),
                          codec=("h264", "HEVC", "vp9")[i % 3],
                          declared_frames=frames + 5 if i % 9 == 1 else None)
        clips.append(Video(vid, name, f"media/{name}.mp4", f"fp{i}", media))
    edits = []
    for v in clips:
        for a in who:
            kind = rng.randrange(10)
            if kind == 9:
                continue  # no annotation of theirs: not started
            values = label_values(kind, schema.emotion_keys, rng)
            edits.append(AnnotationEdit(v.id, a.id, {f: empty[f] for f in values}, values,
                                        existed=False))
    session.writer.run("fill", lambda _repo: ChangeSet(
        annotators=tuple(AnnotatorEdit(None, a) for a in who),
        videos=tuple(VideoEdit(None, v) for v in clips), annotations=tuple(edits)))
    if session.writer.undo_stack is not None:
        session.writer.undo_stack.clear()
    return clips


def python_statuses(session: Session) -> dict[tuple[VideoId, str], AnnotationStatus]:
    """Every (video, annotator name)'s status as the core model works it out."""
    repo = session._repo
    names = {a.id: a.name for a in repo.annotators()}
    found = {(a.video_id, names[a.annotator_id]): a.status(repo.schema)
             for a in repo.annotations()}
    return {(v.id, n): found.get((v.id, n), AnnotationStatus.NOT_STARTED)
            for v in repo.videos() for n in names.values()}


def python_list(session: Session, query: VideoQuery) -> list[str]:
    """The names ``query`` lists, worked out in Python from every video."""
    status = python_statuses(session)

    def rank(v: Video, who: str) -> int:
        return STATUS_ORDER.index(status.get((v.id, who), AnnotationStatus.NOT_STARTED))

    def key(v: Video) -> object:
        m = v.media
        if query.sort == "status":
            return rank(v, query.sort_annotator)
        if query.sort == "media":
            return 3 if v.media_path is None else 1 if m and m.declared_frames else 0
        if query.sort == "name":
            return v.name  # as the database compares (SQLite; PostgreSQL with locale C)
        if query.sort == "codec":
            return m.codec.lower() if m else ""
        if m is None:
            return -1
        return {"duration": m.duration, "frames": m.frame_count, "fps": m.fps,
                "size": m.width * m.height}[query.sort]

    shown = [v for v in session._repo.videos()
             if query.text.lower() in v.name.lower()
             and (not query.statuses or STATUS_ORDER[rank(v, query.annotator)]
                  in query.statuses)]
    shown.sort(key=lambda v: v.id)
    shown.sort(key=key, reverse=query.descending)  # stable: ties stay in the order added
    return [v.name for v in shown]
