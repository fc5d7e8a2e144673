"""What merging one annotator pack changes, as a change set.

Videos are matched by fingerprint, then by name; unknown videos are added by name.  An item
(one video's annotation, or one segment by its uid) that differs from the project's keeps the
newer edit; the other version goes to the conflict log.  A pack file merged before (same
content) changes nothing.
"""

from __future__ import annotations

import json
from datetime import datetime

from emosign_desktop.core.changeset import (
    AnnotationEdit,
    ChangeSet,
    MergeEdit,
    MergeRecord,
    SegmentEdit,
    TierEdit,
    VideoEdit,
)
from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.core.model import (
    AnnotatorId,
    Segment,
    SegmentId,
    Tier,
    TierId,
    TierKind,
    Video,
    VideoId,
)
from emosign_desktop.core.packs import AnnotatorPack, MergeSummary, PackSegment
from emosign_desktop.core.schema import LabelSchema
from emosign_desktop.services.building import NewIds, find_or_add_annotator
from emosign_desktop.storage.base import now_iso
from emosign_desktop.storage.repository import Repository


def _when(stamp: str) -> datetime:
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=None)


def newer(a: str, b: str) -> bool:
    """True when time stamp ``a`` is later than ``b``."""
    ta, tb = _when(a), _when(b)
    if (ta.tzinfo is None) != (tb.tzinfo is None):
        ta, tb = ta.replace(tzinfo=None), tb.replace(tzinfo=None)
    return ta > tb


def check_schema(schema: LabelSchema, pack: AnnotatorPack, name: str) -> None:
    """Refuse a pack whose label schema differs from the project's."""
    mine, theirs = schema.to_dict(), pack.schema.to_dict()
    for d in (mine, theirs):
        d.pop("name"), d.pop("version")
    if mine != theirs:
        keys = ", ".join(pack.schema.emotion_keys)
        raise EmoSignError(
            f"{name}: the pack uses another label schema ('{pack.schema.name}': {keys}); "
            f"this project uses '{schema.name}'. Nothing was merged.")


class PackMerge:
    """Builds the change set of merging one pack into the project as it is now."""

    def __init__(self, repo: Repository, pack: AnnotatorPack, sha256: str, name: str) -> None:
        self.repo, self.pack, self.sha256, self.name = repo, pack, sha256, name
        self.summary = MergeSummary(pack=name, annotator=pack.annotator)
        self.conflicts: list[dict[str, object]] = []
        self.ids = NewIds(repo)
        self._video_ids: dict[str, VideoId] | None = None

    def build(self) -> ChangeSet:
        """The change set (empty when this pack file was merged before)."""
        repo, pack = self.repo, self.pack
        check_schema(repo.schema, pack, self.name)
        if repo.is_merged(self.sha256):
            self.summary.already_merged = True
            return ChangeSet()
        videos, video_edits = self._videos()
        self._video_ids = videos
        who, made = find_or_add_annotator(repo, pack.annotator, self.ids)
        annotations = self._annotations(videos, who.id)
        tiers, tier_edits = self._tiers()
        segments = self._segments(videos, tiers, who.id)
        record = MergeRecord(self.ids("pack_merge"), self.sha256, self.name, pack.annotator,
                             pack.project_id, pack.app_version, pack.created_at, now_iso(),
                             str(self.summary), tuple(self.conflicts))
        return ChangeSet(annotators=made, videos=video_edits, tiers=tier_edits,
                         merges=(MergeEdit(None, record),), annotations=annotations,
                         segments=segments, log=f"merge {self.name}: {self.summary}")

    def keep_activity(self) -> None:
        """After :meth:`build` is applied (same transaction): the pack's time on task, kept
        as the larger of the project's and the pack's figure per video (a later pack of the
        same annotator carries their whole time, so merging it again, or an older one,
        changes nothing).  A measurement, not an edit: not part of the undo step."""
        if self.summary.already_merged or not self.pack.activity:
            return
        videos = self._video_ids or {}
        for a in self.pack.activity:
            vid = videos.get(a.video)
            if vid is not None:
                self.repo.raise_active_seconds(vid, self.pack.annotator, a.seconds)

    def _videos(self) -> tuple[dict[str, VideoId], tuple[VideoEdit, ...]]:
        by_fp: dict[str, VideoId] = {}
        by_name: dict[str, VideoId] = {}
        for vid, name, fp in self.repo.video_keys():
            by_name[name] = vid
            if fp:
                by_fp.setdefault(fp, vid)
        ids: dict[str, VideoId] = {}
        added: list[VideoEdit] = []
        for pv in self.pack.videos:
            found = (by_fp.get(pv.fingerprint) if pv.fingerprint else None) or \
                by_name.get(pv.name)
            if found is None:
                video = Video(VideoId(self.ids("video")), pv.name, fingerprint=pv.fingerprint)
                added.append(VideoEdit(None, video))
                by_name[pv.name] = found = video.id
            ids[pv.name] = found
        self.summary.videos_added = len(added)
        return ids, tuple(added)

    def _record(self, video: str, item: str, kept: object, discarded: object, kept_at: str,
                discarded_at: str) -> None:
        self.conflicts.append({
            "annotator": self.pack.annotator, "video": video, "item": item,
            "kept": json.dumps(kept), "discarded": json.dumps(discarded),
            "kept_updated_at": kept_at, "discarded_updated_at": discarded_at})

    def _annotations(self, videos: dict[str, VideoId], who: int) -> tuple[AnnotationEdit, ...]:
        aid = AnnotatorId(who)
        existing = self.repo.stored_annotations(annotator_id=aid)
        empty = self.repo.schema.empty_values()
        now = now_iso()
        edits = []
        summary = self.summary
        for a in self.pack.annotations:
            key = (videos[a.video], aid)
            values = {**empty, **a.values}
            row = existing.get(key)
            if row is None:
                summary.added += 1
                edits.append(AnnotationEdit(key[0], aid, empty, values, existed=False,
                                            after_stamp=a.updated_at or now,
                                            created_stamp=a.created_at or now))
                continue
            old = {**empty, **row[1]}
            if old == values:
                summary.unchanged += 1
            elif newer(a.updated_at, row[3]):
                summary.updated += 1
                self._record(a.video, "annotation", values, old, a.updated_at, row[3])
                edits.append(AnnotationEdit(key[0], aid, old, values, before_stamp=row[3],
                                            after_stamp=a.updated_at))
            else:
                summary.kept_newer += 1
                self._record(a.video, "annotation", old, values, row[3], a.updated_at)
        return tuple(edits)

    def _tiers(self) -> tuple[dict[str, TierId], tuple[TierEdit, ...]]:
        tiers = {t.name: t.id for t in self.repo.tiers()}
        added = []
        if self.pack.segments:
            kinds = {k.value for k in TierKind}
            for pt in self.pack.tiers:
                if pt.name not in tiers:
                    tier = Tier(TierId(self.ids("tier")), pt.name,
                                TierKind(pt.kind) if pt.kind in kinds else TierKind.FREE,
                                tuple(pt.vocabulary))
                    added.append(TierEdit(None, tier))
                    tiers[pt.name] = tier.id
        return tiers, tuple(added)

    def _segments(self, videos: dict[str, VideoId], tiers: dict[str, TierId],
                  who: int) -> tuple[SegmentEdit, ...]:
        if not self.pack.segments:
            return ()
        names = {tid: name for name, tid in tiers.items()}
        existing = self.repo.segments_by_uid([s.uid for s in self.pack.segments])
        edits = []
        summary = self.summary
        for ps in self.pack.segments:
            found = existing.get(ps.uid)
            seg = Segment(found[0].id if found else SegmentId(self.ids("segment")),
                          found[0].video_id if found else videos[ps.video],
                          found[0].annotator_id if found else AnnotatorId(who),
                          tiers[ps.tier], ps.start_frame, ps.end_frame, ps.value, ps.note,
                          ps.region, ps.uid)
            if found is None:
                summary.added += 1
                now = now_iso()
                edits.append(SegmentEdit(None, seg, None,
                                         (ps.created_at or now, ps.updated_at or now)))
                continue
            old, (created, updated) = found
            incoming, current = _segment_dict(ps), _segment_dict(old, names)
            if incoming == current:
                summary.unchanged += 1
                continue
            item = f"segment {ps.uid}"
            if newer(ps.updated_at, updated):
                summary.updated += 1
                self._record(ps.video, item, incoming, current, ps.updated_at, updated)
                edits.append(SegmentEdit(old, seg, (created, updated),
                                         (created, ps.updated_at or now_iso())))
            else:
                summary.kept_newer += 1
                self._record(ps.video, item, current, incoming, updated, ps.updated_at)
        return tuple(edits)


def _segment_dict(seg: PackSegment | Segment, tier_names: dict[TierId, str] | None = None
                  ) -> dict[str, object]:
    r = seg.region
    tier = seg.tier if isinstance(seg, PackSegment) else (tier_names or {}).get(seg.tier_id)
    return {"tier": tier, "start_frame": seg.start_frame, "end_frame": seg.end_frame,
            "value": seg.value, "note": seg.note,
            "region": None if r is None else [r.x, r.y, r.w, r.h]}
