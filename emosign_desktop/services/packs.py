"""Export one annotator's work as a pack; merge packs into a project (all or nothing)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from emosign_desktop import __version__
from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.core.packs import (
    AnnotatorPack,
    MergeSummary,
    PackAnnotation,
    PackSegment,
    PackTier,
    PackVideo,
)
from emosign_desktop.io.packs import pack_digest, read_pack, write_pack
from emosign_desktop.storage.base import now_iso
from emosign_desktop.storage.project import Project


def make_pack(project: Project, annotator: str) -> AnnotatorPack:
    """Everything ``annotator`` did in ``project``."""
    repo = project.repo
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
        videos=tuple(PackVideo(videos[v].name, videos[v].fingerprint,
                               videos[v].media.fps if videos[v].media else None,
                               videos[v].media.frame_count if videos[v].media else None)
                     for v in used),
        annotations=tuple(PackAnnotation(
            videos[a.video_id].name,
            {f: a.value(f) for f in schema.fields if a.value(f) != schema.empty_value(f)},
            a.created_at, a.updated_at) for a in annotations),
        tiers=tuple(PackTier(t.name, t.kind.value, t.vocabulary) for t in tiers.values()),
        segments=tuple(PackSegment(s.uid, videos[s.video_id].name, tiers[s.tier_id].name,
                                   s.start_frame, s.end_frame, s.value, s.note, s.region,
                                   *repo.segment_times(s.id))
                       for s in segments),
    )


def export_pack(project: Project, annotator: str, path: str | Path) -> AnnotatorPack:
    """Write ``annotator``'s pack to ``path``."""
    pack = make_pack(project, annotator)
    write_pack(pack, path)
    return pack


def merge_pack_files(project: Project, paths: Iterable[str | Path]) -> list[MergeSummary]:
    """Merge packs in one transaction: all of them, or (if any is bad) none.

    Packs are read, checked and merged one at a time (memory stays bounded however many
    there are); a bad pack anywhere rolls the whole merge back.
    """
    summaries = []
    with project.repo.transaction():
        for p in paths:
            path = Path(p)
            pack = read_pack(path)
            project.repo.check_schema(pack, str(path))
            summaries.append(project.repo.merge_pack(pack, pack_digest(path), path.name))
    return summaries
