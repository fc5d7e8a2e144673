"""Export one annotator's work as a pack; merge packs into a project (all or nothing)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from emosign_desktop import __version__
from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.core.model import Video
from emosign_desktop.core.packs import (
    AnnotatorPack,
    MergeSummary,
    PackActivity,
    PackAnnotation,
    PackSegment,
    PackTier,
    PackVideo,
)
from emosign_desktop.io.packs import read_pack_with_digest, write_pack
from emosign_desktop.services.background import checkpoint
from emosign_desktop.services.blind import BLIND_META
from emosign_desktop.services.handle import ProjectHandle as Session
from emosign_desktop.services.merging import PackMerge
from emosign_desktop.storage.base import now_iso


def make_pack(session: Session, annotator: str) -> AnnotatorPack:
    """Everything ``annotator`` did in the project."""
    repo = session._repo
    who = repo.annotator_by_name(annotator)
    if who is None:
        names = ", ".join(a.name for a in repo.annotators()) or "none"
        raise EmoSignError(f"the project has no annotator named '{annotator}' "
                           f"(annotators: {names})")
    videos = {v.id: v for v in repo.videos()}
    annotations = repo.annotations(annotator_id=who.id)
    segments = repo.segments(annotator_id=who.id)
    used = sorted({a.video_id for a in annotations} | {s.video_id for s in segments})
    tiers = {t.id: t for t in repo.tiers()}
    schema = repo.schema
    return AnnotatorPack(
        annotator=who.name, schema=schema, project_id=repo.project_id(),
        app_version=__version__, created_at=now_iso(),
        videos=tuple(_pack_video(videos[v]) for v in used),
        annotations=tuple(PackAnnotation(
            videos[a.video_id].name,
            {f: a.value(f) for f in schema.fields if a.value(f) != schema.empty_value(f)},
            a.created_at, a.updated_at) for a in annotations),
        tiers=tuple(PackTier(t.name, t.kind.value, t.vocabulary) for t in tiers.values()),
        segments=tuple(PackSegment(s.uid, videos[s.video_id].name, tiers[s.tier_id].name,
                                   s.start_frame, s.end_frame, s.value, s.note, s.region,
                                   *repo.segment_times(s.id))
                       for s in segments),
        activity=tuple(PackActivity(videos[r.video_id].name, r.seconds)
                       for r in repo.active_times(annotator=who.name)
                       if r.video_id in videos and r.video_id in used),
        blind_mode=repo.meta().get(BLIND_META) == "1",
    )


def _pack_video(video: Video) -> PackVideo:
    media = video.media
    return PackVideo(video.name, video.fingerprint, media.fps if media else None,
                     media.frame_count if media else None)


def export_pack(session: Session, annotator: str, path: str | Path) -> AnnotatorPack:
    """Write ``annotator``'s pack to ``path``."""
    pack = make_pack(session, annotator)
    write_pack(pack, path)
    return pack


def merge_pack_files(session: Session, paths: Iterable[str | Path]) -> list[MergeSummary]:
    """Merge packs as one operation ("merge 3 packs"): all of them, or (if any is bad) none.

    Packs are read, checked and merged one at a time, in one transaction (memory stays
    bounded however many there are; a large pack is applied in parts); a bad pack anywhere,
    or one that would touch another annotator's work, rolls the whole merge back.
    """
    files = [Path(p) for p in paths]
    summaries = []
    label = f"merge {len(files)} packs" if len(files) != 1 else f"merge {files[0].name}"
    with session.writer.operation(label) as op:
        for i, path in enumerate(files):
            checkpoint(i, len(files), f"merging {path.name} ({i + 1} of {len(files)})")
            pack, sha256 = read_pack_with_digest(path)
            merge = PackMerge(session._repo, pack, sha256, path.name)
            del pack  # held by the merge only, which is dropped before the next pack is read
            for part in merge.parts():
                checkpoint(i, len(files))  # cancelled: the whole merge rolls back
                op.apply(part)
            merge.keep_activity()
            summaries.append(merge.summary)
            del merge
    return summaries
