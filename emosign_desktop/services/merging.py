"""What merging one annotator pack changes, as change sets.

A pack changes only the work of the annotator it names.  Before anything is built, a pack is
refused whole (nothing merged, the items named) when any of its segments has the uid of a
segment of another annotator of the project, or when it names an annotator of the project
that an import made (``emosign-consensus``, ``reasoning-*``, reference tiers' annotators):
those hold labels from a file, never the sender's own.  Its annotations and time on task are
keyed by that annotator by construction.

Videos are matched by fingerprint, then by name (one pack video per project video); unknown
videos are added by name.  An item (one video's annotation, or one segment by its uid) that
differs from the project's keeps the newer edit; the other version goes to the conflict log.
A pack file merged before (same content) changes nothing.  A large pack is applied in parts
of :data:`PART` items within the one transaction, so no change set of the whole pack is
ever held.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime

from emosign_desktop.core.changeset import (
    AnnotationEdit,
    AnnotatorEdit,
    ChangeSet,
    MergeEdit,
    MergeRecord,
    SegmentEdit,
    TierEdit,
    VideoEdit,
)
from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.core.model import (
    CONSENSUS_ANNOTATOR,
    REASONING_ANNOTATORS,
    Annotator,
    AnnotatorId,
    AnnotatorKind,
    Segment,
    SegmentId,
    Tier,
    TierId,
    TierKind,
    Video,
    VideoId,
)
from emosign_desktop.core.names import InvalidNameError, check_name
from emosign_desktop.core.packs import AnnotatorPack, MergeSummary, PackSegment
from emosign_desktop.core.schema import LabelSchema
from emosign_desktop.services.building import NewIds, find_or_add_annotator
from emosign_desktop.storage.base import now_iso
from emosign_desktop.storage.repository import Repository

#: Items (annotations and segments) per change set applied; a smaller pack is one.
PART = 20_000
#: Items of other annotators named in the message that refuses a pack.
NAMED = 5


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
    """Builds the change sets of merging one pack into the project as it is now."""

    def __init__(self, repo: Repository, pack: AnnotatorPack, sha256: str, name: str) -> None:
        self.repo, self.pack, self.sha256, self.name = repo, pack, sha256, name
        self.summary = MergeSummary(pack=name, annotator=pack.annotator)
        self.conflicts: list[dict[str, object]] = []
        self.ids = NewIds(repo)
        self._video_ids: dict[str, VideoId] | None = None
        self._who = pack.annotator

    def parts(self) -> Iterator[ChangeSet]:
        """The change sets to apply one after the other, in one transaction (none when this
        pack file was merged before).  Each is built after the one before is applied.
        Raises :class:`EmoSignError`, before yielding any, for a pack that may not be
        merged."""
        repo, pack = self.repo, self.pack
        check_schema(repo.schema, pack, self.name)
        if repo.is_merged(self.sha256):
            self.summary.already_merged = True
            return
        who, made = self._annotator()
        self._refuse_others_segments(who.id)
        videos, video_edits = self._videos()
        self._video_ids = videos
        tiers, tier_edits = self._tiers()
        containers = ChangeSet(annotators=made, videos=video_edits, tiers=tier_edits)
        annotations: list[AnnotationEdit] = []
        segments: list[SegmentEdit] = []
        part = 0
        for edit in self._edits(videos, tiers, who.id):
            if isinstance(edit, AnnotationEdit):
                annotations.append(edit)
            else:
                segments.append(edit)
            if len(annotations) + len(segments) >= PART:
                part += 1
                yield replace(containers, annotations=tuple(annotations),
                              segments=tuple(segments), log=f"merge {self.name} (part {part})")
                containers, annotations, segments = ChangeSet(), [], []
        record = MergeRecord(self.ids("pack_merge"), self.sha256, self.name, who.name,
                             pack.project_id, pack.app_version, pack.created_at, now_iso(),
                             str(self.summary), tuple(self.conflicts))
        yield replace(containers, merges=(MergeEdit(None, record),),
                      annotations=tuple(annotations), segments=tuple(segments),
                      log=f"merge {self.name}: {self.summary}")

    def keep_activity(self) -> None:
        """After :meth:`parts` are applied (same transaction): the pack's time on task, kept
        as the larger of the project's and the pack's figure per video (a later pack of the
        same annotator carries their whole time, so merging it again, or an older one,
        changes nothing).  A measurement, not an edit: not part of the undo step."""
        if self.summary.already_merged or not self.pack.activity:
            return
        videos = self._video_ids or {}
        for a in self.pack.activity:
            vid = videos.get(a.video)
            if vid is not None:
                self.repo.raise_active_seconds(vid, self._who, a.seconds)

    def _annotator(self) -> tuple[Annotator, tuple[AnnotatorEdit, ...]]:
        """The pack's annotator (found or new).  A pack of an import's annotator (the
        released file's ``emosign-consensus`` and ``reasoning-*``, moved to another project)
        may bring it where it is new, as an import's; it may not change one the project
        has: those labels came from a file, not from the pack's sender."""
        name = self.pack.annotator.strip()
        try:
            check_name("annotator", name)  # before any look-up (a server refuses NUL)
        except InvalidNameError as exc:
            raise InvalidNameError(f"{self.name}: {exc}; nothing was merged") from None
        found = self.repo.annotator_by_name(name)
        imported = name in (CONSENSUS_ANNOTATOR, *REASONING_ANNOTATORS)
        if found is not None and (imported or found.kind is AnnotatorKind.IMPORTED):
            raise EmoSignError(
                f"{self.name}: the pack names the annotator '{name}', whose labels in this "
                "project were imported from a file (reference labels, not a person's work); "
                "a pack cannot change them. Nothing was merged.")
        who, made = find_or_add_annotator(
            self.repo, name, self.ids, AnnotatorKind.IMPORTED if imported else
            AnnotatorKind.HUMAN)
        self._who = self.summary.annotator = who.name
        return who, made

    def _refuse_others_segments(self, who: AnnotatorId) -> None:
        """Refuse the pack when a segment uid of it is another annotator's in the project
        (for a new annotator, every uid found is someone else's)."""
        uids = [s.uid for s in self.pack.segments]
        count, first = self.repo.others_segments(uids, who, NAMED)
        if not count:
            return
        named = "; ".join(f"segment {uid} on '{video}' by '{owner}'"
                          for uid, video, owner in first)
        more = f"; and {count - len(first)} more" if count > len(first) else ""
        raise EmoSignError(
            f"{self.name}: {count} segment{'s' if count != 1 else ''} of this pack "
            f"{'have the ids' if count != 1 else 'has the id'} of other annotators' segments "
            f"in the project ({named}{more}); a pack can change only the work of the "
            f"annotator it names ('{self.pack.annotator.strip()}'). Nothing was merged.")

    def _videos(self) -> tuple[dict[str, VideoId], tuple[VideoEdit, ...]]:
        """Pack video name -> project video: the one of the same name and content, else
        one of the same content, else of the same name, else a new one.  Each project
        video takes one pack video at most (two pack videos on one would key two labels of
        the annotator to one row): the pack is refused when that cannot be."""
        by_fp: dict[str, list[VideoId]] = {}
        by_name: dict[str, VideoId] = {}
        fingerprints: dict[VideoId, str | None] = {}
        for vid, name, fp in self.repo.video_keys():
            by_name[name], fingerprints[vid] = vid, fp
            if fp:
                by_fp.setdefault(fp, []).append(vid)
        ids: dict[str, VideoId] = {}
        taken: dict[VideoId, str] = {}
        for pv in self.pack.videos:  # first the videos found under their name and content
            same = by_name.get(pv.name)
            if pv.fingerprint and same is not None and fingerprints[same] == pv.fingerprint \
                    and same not in taken:
                ids[pv.name], taken[same] = same, pv.name
        added: list[VideoEdit] = []
        for pv in self.pack.videos:
            if pv.name in ids:
                continue  # found above, or listed twice: the same video of the pack
            found = next((v for v in by_fp.get(pv.fingerprint or "", ()) if v not in taken),
                         None) or by_name.get(pv.name)
            if found is None:
                video = Video(VideoId(self.ids("video")), pv.name, fingerprint=pv.fingerprint)
                added.append(VideoEdit(None, video))
                by_name[pv.name] = found = video.id
            elif found in taken:
                here = next(n for n, v in by_name.items() if v == found)
                raise EmoSignError(
                    f"{self.name}: the pack's videos '{taken[found]}' and '{pv.name}' are "
                    f"both the project's video '{here}' (by name or content), so their labels "
                    "cannot both be kept. Nothing was merged.")
            ids[pv.name], taken[found] = found, pv.name
        self.summary.videos_added = len(added)
        return ids, tuple(added)

    def _record(self, video: str, item: str, kept: object, discarded: object, kept_at: str,
                discarded_at: str) -> None:
        self.conflicts.append({
            "annotator": self._who, "video": video, "item": item,
            "kept": json.dumps(kept), "discarded": json.dumps(discarded),
            "kept_updated_at": kept_at, "discarded_updated_at": discarded_at})

    def _edits(self, videos: dict[str, VideoId], tiers: dict[str, TierId], who: AnnotatorId
               ) -> Iterator[AnnotationEdit | SegmentEdit]:
        yield from self._annotations(videos, who)
        uids = [s.uid for s in self.pack.segments]
        for i in range(0, len(self.pack.segments), PART):
            yield from self._segments(i, uids[i:i + PART], videos, tiers, who)

    def _annotations(self, videos: dict[str, VideoId], aid: AnnotatorId
                     ) -> Iterator[AnnotationEdit]:
        existing = self.repo.stored_annotations(annotator_id=aid)
        empty = self.repo.schema.empty_values()
        now = now_iso()
        summary = self.summary
        for a in self.pack.annotations:
            key = (videos[a.video], aid)
            values = {**empty, **a.values}
            row = existing.get(key)
            if row is None:
                summary.added += 1
                yield AnnotationEdit(key[0], aid, empty, values, existed=False,
                                     after_stamp=a.updated_at or now,
                                     created_stamp=a.created_at or now)
                continue
            old = {**empty, **row[1]}
            if old == values:
                summary.unchanged += 1
            elif newer(a.updated_at, row[3]):
                summary.updated += 1
                self._record(a.video, "annotation", values, old, a.updated_at, row[3])
                yield AnnotationEdit(key[0], aid, old, values, before_stamp=row[3],
                                     after_stamp=a.updated_at)
            else:
                summary.kept_newer += 1
                self._record(a.video, "annotation", old, values, row[3], a.updated_at)

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

    def _segments(self, start: int, uids: list[str], videos: dict[str, VideoId],
                  tiers: dict[str, TierId], who: AnnotatorId) -> Iterator[SegmentEdit]:
        """The edits of the pack's segments ``start``.. (those with ``uids``)."""
        names = {tid: name for name, tid in tiers.items()}
        existing = self.repo.segments_by_uid(uids)
        summary = self.summary
        for ps in self.pack.segments[start:start + len(uids)]:
            found = existing.get(ps.uid)
            if found is None:
                summary.added += 1
                now = now_iso()
                seg = Segment(SegmentId(self.ids("segment")), videos[ps.video], who,
                              tiers[ps.tier], ps.start_frame, ps.end_frame, ps.value, ps.note,
                              ps.region, ps.uid)
                yield SegmentEdit(None, seg, None, (ps.created_at or now, ps.updated_at or now))
                continue
            old, (created, updated) = found
            if old.annotator_id != who:  # checked for the whole pack before: never here
                raise EmoSignError(f"{self.name}: segment {ps.uid} is another annotator's. "
                                   "Nothing was merged.")
            incoming, current = _segment_dict(ps), _segment_dict(old, names)
            if incoming == current:
                summary.unchanged += 1
                continue
            item = f"segment {ps.uid}"
            if newer(ps.updated_at, updated):
                summary.updated += 1
                self._record(ps.video, item, incoming, current, ps.updated_at, updated)
                seg = Segment(old.id, old.video_id, who, tiers[ps.tier], ps.start_frame,
                              ps.end_frame, ps.value, ps.note, ps.region, ps.uid,
                              old.attributes, old.source)  # what a pack does not carry
                yield SegmentEdit(old, seg, (created, updated),
                                  (created, ps.updated_at or now_iso()))
            else:
                summary.kept_newer += 1
                self._record(ps.video, item, current, incoming, updated, ps.updated_at)


def _segment_dict(seg: PackSegment | Segment, tier_names: dict[TierId, str] | None = None
                  ) -> dict[str, object]:
    r = seg.region
    tier = seg.tier if isinstance(seg, PackSegment) else (tier_names or {}).get(seg.tier_id)
    return {"tier": tier, "start_frame": seg.start_frame, "end_frame": seg.end_frame,
            "value": seg.value, "note": seg.note,
            "region": None if r is None else [r.x, r.y, r.w, r.h]}
