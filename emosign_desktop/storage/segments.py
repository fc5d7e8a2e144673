"""Tiers and time segments (with an optional region on the picture): reads, and their part
of applying a change set."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, Row, and_, bindparam, delete, select

from emosign_desktop.core.changeset import SegmentEdit, Stamps, TierEdit
from emosign_desktop.core.errors import ProjectError, StaleChangeError
from emosign_desktop.core.model import (
    AnnotatorId,
    Region,
    Segment,
    SegmentId,
    Tier,
    TierId,
    TierKind,
    VideoId,
)
from emosign_desktop.storage import tables as t
from emosign_desktop.storage.base import SEEN_LIMIT, LogLine, Seen, StoreBase, describe


def _tier(row: Row[tuple[object, ...]]) -> Tier:
    m = row._mapping
    parent = m["parent_id"]
    return Tier(TierId(m["id"]), m["name"], TierKind(m["kind"]),
                tuple(json.loads(m["vocabulary"])), bool(m["read_only"]), m["grp"],
                None if parent is None else TierId(parent), m["source"], m["origin"])


def _tier_values(tier: Tier) -> dict[str, object]:
    return {"name": tier.name, "kind": tier.kind.value,
            "vocabulary": json.dumps(list(tier.vocabulary)), "read_only": tier.read_only,
            "grp": tier.group, "parent_id": tier.parent_id, "source": tier.source,
            "origin": tier.origin}


def _segment(row: Row[tuple[object, ...]]) -> Segment:
    m = row._mapping
    region = None
    if m["region_x"] is not None:
        region = Region(m["region_x"], m["region_y"], m["region_w"], m["region_h"])
    attributes = json.loads(m["attributes"]) if m["attributes"] else {}
    return Segment(
        SegmentId(m["id"]), VideoId(m["video_id"]), AnnotatorId(m["annotator_id"]),
        TierId(m["tier_id"]), m["start_frame"], m["end_frame"], m["value"], m["note"], region,
        m["uid"] or "", tuple(sorted(attributes.items())), m["source"],
    )


def _segment_values(seg: Segment) -> dict[str, object]:
    r = seg.region
    return {"uid": seg.uid, "video_id": seg.video_id, "annotator_id": seg.annotator_id,
            "tier_id": seg.tier_id, "start_frame": seg.start_frame, "end_frame": seg.end_frame,
            "value": seg.value, "note": seg.note,
            "region_x": r.x if r else None, "region_y": r.y if r else None,
            "region_w": r.w if r else None, "region_h": r.h if r else None,
            "attributes": json.dumps(dict(seg.attributes)) if seg.attributes else "",
            "source": seg.source}


def segment_differences(expected: Segment | None, found: Segment | None) -> str:
    """What differs between two versions of a segment, for a message."""
    if expected is None or found is None:
        return "it is gone" if found is None else "it exists already"
    fields = [f.name for f in dataclasses.fields(Segment)
              if getattr(expected, f.name) != getattr(found, f.name)]
    return "; ".join(f"{f} is now {describe(getattr(found, f))}, not "
                     f"{describe(getattr(expected, f))}" for f in fields)


class SegmentStore(StoreBase):
    """Tiers and the segments on them."""

    # -- reads ---------------------------------------------------------------------------------
    def tier(self, tier_id: TierId) -> Tier:
        """The tier with this id."""
        with self._read() as conn:
            row = conn.execute(select(t.tier).where(t.tier.c.id == tier_id)).first()
        if row is None:
            raise ProjectError(f"no tier with id {tier_id}")
        return _tier(row)

    def tiers(self) -> list[Tier]:
        """Every tier, in display order."""
        with self._read() as conn:
            rows = conn.execute(select(t.tier).order_by(t.tier.c.position, t.tier.c.id)).all()
        found = [_tier(r) for r in rows]
        self._saw([(("t", x.id), (r.version, x)) for x, r in zip(found, rows, strict=True)])
        return found

    def segment(self, segment_id: SegmentId) -> Segment:
        """The segment with this id."""
        with self._read() as conn:
            row = conn.execute(select(t.segment).where(t.segment.c.id == segment_id)).first()
        if row is None:
            raise ProjectError(f"no segment with id {segment_id}")
        return _segment(row)

    def segment_times(self, segment_id: SegmentId) -> Stamps:
        """When a segment was created and last changed."""
        with self._read() as conn:
            row = conn.execute(select(t.segment.c.created_at, t.segment.c.updated_at).where(
                t.segment.c.id == segment_id)).one()
        return row.created_at, row.updated_at

    def segments_times(self, segment_ids: Sequence[int]) -> dict[int, Stamps]:
        """When each of these segments was created and last changed (by id)."""
        s = t.segment
        found: dict[int, Stamps] = {}
        ids = list(segment_ids)
        with self._read() as conn:
            for i in range(0, len(ids), 500):
                for row in conn.execute(select(s.c.id, s.c.created_at, s.c.updated_at).where(
                        s.c.id.in_(ids[i:i + 500]))):
                    found[row.id] = (row.created_at, row.updated_at)
        return found

    def segments_by_uid(self, uids: Sequence[str]) -> dict[str, tuple[Segment, Stamps]]:
        """The segments with these uids, with their time stamps."""
        s = t.segment
        found: dict[str, tuple[Segment, Stamps]] = {}
        with self._read() as conn:
            for i in range(0, len(uids), 500):
                for row in conn.execute(select(s).where(s.c.uid.in_(uids[i:i + 500]))):
                    found[row.uid] = (_segment(row), (row.created_at, row.updated_at))
        return found

    def segments(
        self,
        *,
        video_id: VideoId | None = None,
        annotator_id: AnnotatorId | None = None,
        tier_id: TierId | None = None,
        sources: Sequence[str] | None = None,
    ) -> list[Segment]:
        """Segments, filtered (``sources``: brought by an import of one of these files),
        ordered by start frame."""
        s = t.segment
        cond = [c for c in (
            s.c.video_id == video_id if video_id is not None else None,
            s.c.annotator_id == annotator_id if annotator_id is not None else None,
            s.c.tier_id == tier_id if tier_id is not None else None,
            s.c.source.in_(list(sources)) if sources is not None else None,
        ) if c is not None]
        with self._read() as conn:
            rows = conn.execute(select(s).where(and_(True, *cond))
                                .order_by(s.c.start_frame, s.c.id)).all()
        found = [_segment(r) for r in rows]
        if self.remembering and len(found) <= SEEN_LIMIT:
            self._saw([(("s", x.id), (r.version, x)) for x, r in zip(found, rows, strict=True)])
        return found

    # -- applying: tiers -------------------------------------------------------------------------
    def _current_tiers(self, conn: Connection, ids: Iterable[int], *, lock: bool = False,
                       versions: dict[int, int] | None = None) -> dict[int, Tier]:
        q = select(t.tier).where(t.tier.c.id.in_(list(ids)))
        if lock:
            q = q.with_for_update(key_share=True)
        found = {}
        for r in conn.execute(q):
            found[r.id] = _tier(r)
            if versions is not None:
                versions[r.id] = r.version
        return found

    def _verify_tiers(self, conn: Connection, edits: Sequence[TierEdit], *,
                      lock: bool = False) -> None:
        if not edits:
            return
        now = self._current_tiers(conn, [e.key for e in edits], lock=lock)
        names = {r.name for r in conn.execute(select(t.tier.c.name))}
        for e in edits:
            found = now.get(e.key)
            if e.before is None and e.after is not None and (found or e.after.name in names):
                raise StaleChangeError(f"a tier '{e.after.name}' exists already; "
                                       "nothing was changed")
            if e.before is not None and found != e.before:
                raise StaleChangeError(
                    f"tier '{e.before.name}' was changed since (now "
                    f"{'deleted' if found is None else repr(found.name)}); nothing was changed")

    def _check_seen_tiers(self, conn: Connection, edits: Sequence[TierEdit],
                          check: bool) -> None:
        """Refuse changing a tier that changed since this client read it; note what the
        client knows of the tiers it changes."""
        watched = [(e, saw) for e in edits if e.before is not None
                   and (saw := self._seen_now(("t", e.key))) is not None]
        if not watched:
            return
        versions: dict[int, int] = {}
        now = self._current_tiers(conn, [e.key for e, _ in watched], versions=versions)
        for e, (saw_version, saw_tier) in watched:
            found, version = now.get(e.key), versions.get(e.key, 0)
            if check and saw_version != version and saw_tier != found:
                assert isinstance(saw_tier, Tier)
                raise StaleChangeError(
                    f"tier '{saw_tier.name}' was changed since you read it (by another "
                    f"annotator or window: now {'deleted' if found is None else _tier_text(found)}"
                    f", not {_tier_text(saw_tier)}); your change was not saved and nothing was "
                    "changed.")
            self._wrote(("t", e.key), None if e.after is None else (version + 1, e.after))

    def _apply_tiers(self, conn: Connection, edits: Sequence[TierEdit], deleting: bool,
                     log: list[LogLine] | None, check: bool = False) -> None:
        if not deleting and self._seen:
            self._check_seen_tiers(conn, edits, check)
        tier = t.tier
        for e in edits:
            if (e.after is None) != deleting:
                continue
            if e.after is None:
                assert e.before is not None
                used = conn.execute(select(t.segment.c.id).where(
                    t.segment.c.tier_id == e.before.id).limit(1)).first()
                if used is None:  # kept while segments use it
                    conn.execute(delete(tier).where(tier.c.id == e.before.id))
            elif e.before is None:
                position = len(conn.execute(select(tier.c.id)).all())
                conn.execute(tier.insert().values(id=e.after.id, position=position,
                                                  **_tier_values(e.after)))
            else:
                conn.execute(tier.update().where(tier.c.id == e.after.id).values(
                    version=tier.c.version + 1, **_tier_values(e.after)))
            if log is not None:
                log.append(("tier", "add" if e.before is None else "delete"
                            if e.after is None else "update",
                            dataclasses.asdict(e.before) if e.before else None,
                            dataclasses.asdict(e.after) if e.after else None, None, None))

    # -- applying: segments ----------------------------------------------------------------------
    def _current_segments(self, conn: Connection, ids: Sequence[int], *, lock: bool = False,
                          versions: dict[int, int] | None = None) -> dict[int, Segment]:
        found: dict[int, Segment] = {}
        for i in range(0, len(ids), 500):
            q = select(t.segment).where(t.segment.c.id.in_(ids[i:i + 500]))
            if lock:
                q = q.with_for_update(key_share=True)
            for row in conn.execute(q):
                found[row.id] = _segment(row)
                if versions is not None:
                    versions[row.id] = row.version
        return found

    def _verify_segments(self, conn: Connection, edits: Sequence[SegmentEdit], *,
                         lock: bool = False, undoing: bool = True) -> None:
        if not edits:
            return
        now = self._current_segments(conn, [e.key for e in edits], lock=lock)
        for e in edits:
            found = now.get(e.key)
            if found != e.before:
                seg = e.before or e.after
                assert seg is not None
                where = f"frames {seg.start_frame}–{seg.end_frame}"
                since = ("since" if undoing else
                         "by another annotator or window at the same moment")
                end = ("Nothing was changed." if undoing else
                       "Your change was not saved and nothing was changed.")
                raise StaleChangeError(
                    f"the segment {seg.value or ''} ({where}) of video "
                    f"'{self._video_name(conn, seg.video_id)}' was changed {since}: "
                    f"{segment_differences(e.before, found)}. {end}")

    def _check_seen_segments(self, conn: Connection, edits: Sequence[SegmentEdit],
                             check: bool) -> None:
        """Refuse changing or deleting a segment that changed since this client read it;
        note what the client knows of the segments it changes."""
        watched: list[tuple[SegmentEdit, Seen]] = [
            (e, saw) for e in edits if e.before is not None
            and (saw := self._seen_now(("s", e.key))) is not None]
        if not watched:
            return
        versions: dict[int, int] = {}
        now = self._current_segments(conn, [e.key for e, _ in watched], versions=versions)
        for e, (saw_version, saw_seg) in watched:
            found, version = now.get(e.key), versions.get(e.key, 0)
            if check and saw_version != version and saw_seg != found:
                assert isinstance(saw_seg, Segment)
                where = f"frames {saw_seg.start_frame}–{saw_seg.end_frame}"
                raise StaleChangeError(
                    f"the segment {saw_seg.value or ''} ({where}) of video "
                    f"'{self._video_name(conn, saw_seg.video_id)}' was changed since you read "
                    f"it (by another annotator or window): "
                    f"{segment_differences(saw_seg, found)}. Your change was not saved and "
                    "nothing was changed.")
            self._wrote(("s", e.key), None if e.after is None else (version + 1, e.after))

    def _apply_segments(self, conn: Connection, edits: Sequence[SegmentEdit], now: str,
                        log: list[LogLine] | None, check: bool = False) -> None:
        if self._seen:
            self._check_seen_segments(conn, edits, check)
        s = t.segment
        inserts, updates, deletes = [], [], []
        for e in edits:
            if e.after is None:
                assert e.before is not None
                deletes.append(e.before.id)
            elif e.before is None:
                created, updated = e.after_stamps or (now, now)
                inserts.append({"id": e.after.id, **_segment_values(e.after),
                                "created_at": created, "updated_at": updated})
            else:
                updated = e.after_stamps[1] if e.after_stamps else now
                updates.append({"_id": e.after.id, **_segment_values(e.after),
                                "updated_at": updated})
            if log is not None:
                seg = e.after or e.before
                assert seg is not None
                log.append(("segment", "add" if e.before is None else "delete"
                            if e.after is None else "update",
                            dataclasses.asdict(e.before) if e.before else None,
                            dataclasses.asdict(e.after) if e.after else None,
                            seg.video_id, seg.annotator_id))
        if deletes:
            for i in range(0, len(deletes), 500):
                conn.execute(delete(s).where(s.c.id.in_(deletes[i:i + 500])))
        if inserts:
            conn.execute(s.insert(), inserts)
        if updates:
            conn.execute(s.update().where(s.c.id == bindparam("_id"))
                         .values(version=s.c.version + 1), updates)


def _tier_text(tier: Tier) -> str:
    vocabulary = ", ".join(tier.vocabulary) if tier.vocabulary else "no vocabulary"
    return f"'{tier.name}' ({vocabulary})"
