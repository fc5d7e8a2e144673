"""Merging annotator packs in bulk: one transaction, provenance, a conflict log.

Videos are matched by fingerprint, then by name; unknown videos are added by name.  An item
(one video's annotation, or one segment by its uid) that differs from the project's keeps
the newer edit; the other version goes to the conflict log.  Merging the same pack file
again changes nothing.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Connection, bindparam, delete, func, select

from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.core.model import AnnotatorKind, TierKind
from emosign_desktop.core.packs import AnnotatorPack, MergeSummary, PackSegment
from emosign_desktop.core.schema import SKIPPED
from emosign_desktop.storage import tables as t
from emosign_desktop.storage.base import StoreBase, now_iso

_COLUMNS = ("sentiment", "sentiment_confidence", "emotion_confidence", "cues", "skipped",
            "skip_reason")
_SEG_FIELDS = ("tier", "start_frame", "end_frame", "value", "note", "region")


def _when(stamp: str) -> datetime:
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=None)


def _newer(a: str, b: str) -> bool:
    """True when time stamp ``a`` is later than ``b``."""
    ta, tb = _when(a), _when(b)
    if (ta.tzinfo is None) != (tb.tzinfo is None):
        ta, tb = ta.replace(tzinfo=None), tb.replace(tzinfo=None)
    return ta > tb


class MergeStore(StoreBase):
    """Brings annotator packs into the project."""

    def project_id(self) -> str:
        with self._read() as conn:
            return conn.execute(select(t.meta.c.value).where(t.meta.c.key == "project_id")
                                ).scalar_one()

    def check_schema(self, pack: AnnotatorPack, name: str) -> None:
        """Refuse a pack whose label schema differs from the project's."""
        mine, theirs = self.schema.to_dict(), pack.schema.to_dict()
        for d in (mine, theirs):
            d.pop("name"), d.pop("version")
        if mine != theirs:
            keys = ", ".join(pack.schema.emotion_keys)
            raise EmoSignError(
                f"{name}: the pack uses another label schema ('{pack.schema.name}': {keys}); "
                f"this project uses '{self.schema.name}'. Nothing was merged.")

    def merged_packs(self) -> list[dict[str, object]]:
        """Every merge, oldest first, with its provenance and summary."""
        with self._read() as conn:
            rows = conn.execute(select(t.pack_merge).order_by(t.pack_merge.c.id)).mappings()
            return [dict(r) for r in rows]

    def conflicts(self) -> list[dict[str, object]]:
        """The conflict log: for each item that differed, the version kept and the other."""
        with self._read() as conn:
            rows = conn.execute(select(t.merge_conflict, t.pack_merge.c.pack_name).join(
                t.pack_merge).order_by(t.merge_conflict.c.id)).mappings()
            return [dict(r) for r in rows]

    # -- the merge ------------------------------------------------------------------------
    def merge_pack(self, pack: AnnotatorPack, sha256: str, pack_name: str) -> MergeSummary:
        """Merge one pack (inside the caller's transaction, if any)."""
        summary = MergeSummary(pack=pack_name, annotator=pack.annotator)
        self.check_schema(pack, pack_name)
        self._empty = self.schema.empty_values()
        with self._write() as conn:
            if conn.execute(select(t.pack_merge.c.id).where(
                    t.pack_merge.c.pack_sha256 == sha256)).first():
                summary.already_merged = True
                return summary
            video_ids = self._match_videos(conn, pack, summary)
            annotator_id = self._annotator(conn, pack.annotator)
            merge_id = conn.execute(t.pack_merge.insert(), {
                "pack_sha256": sha256, "pack_name": pack_name, "annotator": pack.annotator,
                "source_project": pack.project_id, "app_version": pack.app_version,
                "pack_created_at": pack.created_at, "merged_at": now_iso(), "summary": "",
            }).inserted_primary_key[0]
            conflicts: list[dict[str, object]] = []
            self._merge_annotations(conn, pack, video_ids, annotator_id, merge_id, summary,
                                    conflicts)
            self._merge_segments(conn, pack, video_ids, annotator_id, merge_id, summary,
                                 conflicts)
            if conflicts:
                conn.execute(t.merge_conflict.insert(), conflicts)
            conn.execute(t.pack_merge.update().where(t.pack_merge.c.id == merge_id),
                         {"summary": str(summary)})
            self._log(conn, "merge", pack_name, None, str(summary), annotator_id=annotator_id)
        return summary

    def _annotator(self, conn: Connection, name: str) -> int:
        found = conn.execute(select(t.annotator.c.id).where(t.annotator.c.name == name)).scalar()
        if found is not None:
            return found
        return conn.execute(t.annotator.insert(), {"name": name, "kind": AnnotatorKind.HUMAN}
                            ).inserted_primary_key[0]

    def _match_videos(self, conn: Connection, pack: AnnotatorPack,
                      summary: MergeSummary) -> dict[str, int]:
        by_fp, by_name = {}, {}
        for vid, name, fp in conn.execute(select(t.video.c.id, t.video.c.name,
                                                 t.video.c.fingerprint)):
            by_name[name] = vid
            if fp:
                by_fp.setdefault(fp, vid)
        ids: dict[str, int] = {}
        new = []
        for v in pack.videos:
            vid = (by_fp.get(v.fingerprint) if v.fingerprint else None) or by_name.get(v.name)
            if vid is None:
                new.append(v)
            else:
                ids[v.name] = vid
        if new:
            now = now_iso()
            conn.execute(t.video.insert(), [
                {"name": v.name, "fingerprint": v.fingerprint, "added_at": now,
                 "media_path": None, "fps": None, "frame_count": None, "width": None,
                 "height": None, "duration": None, "codec": None} for v in new])
            for vid, name in conn.execute(select(t.video.c.id, t.video.c.name).where(
                    t.video.c.name.in_([v.name for v in new]))):
                ids[name] = vid
            summary.videos_added = len(new)
        return ids

    def _full(self, values: dict[str, object]) -> dict[str, object]:
        return {**self._empty, **values}

    def _existing_annotations(self, conn: Connection, annotator_id: int
                              ) -> dict[int, tuple[int, dict[str, object], str]]:
        va, er = t.video_annotation, t.emotion_rating
        found: dict[int, tuple[int, dict[str, object], str]] = {}
        by_ann: dict[int, dict[str, object]] = {}
        for row in conn.execute(select(va).where(va.c.annotator_id == annotator_id)).mappings():
            values = {c: row[c] for c in _COLUMNS}
            values[SKIPPED] = bool(values[SKIPPED])
            by_ann[row["id"]] = values
            found[row["video_id"]] = (row["id"], values, row["updated_at"])
        q = select(er.c.annotation_id, er.c.emotion, er.c.value).join(
            va, va.c.id == er.c.annotation_id).where(va.c.annotator_id == annotator_id)
        for ann_id, emotion, value in conn.execute(q):
            by_ann[ann_id][emotion] = value
        return {vid: (ann_id, self._full(values), upd)
                for vid, (ann_id, values, upd) in found.items()}

    def _merge_annotations(self, conn: Connection, pack: AnnotatorPack, video_ids: dict[str, int],
                           annotator_id: int, merge_id: int, summary: MergeSummary,
                           conflicts: list[dict[str, object]]) -> None:
        existing = self._existing_annotations(conn, annotator_id)
        va, er = t.video_annotation, t.emotion_rating
        next_id = (conn.execute(select(func.max(va.c.id))).scalar() or 0) + 1
        inserts: list[tuple[object, ...]] = []
        updates, ratings = [], []
        keys = self.schema.emotion_keys
        empty = self._empty
        now = now_iso()
        for a in pack.annotations:
            vid = video_ids[a.video]
            values = {**empty, **a.values}
            old = existing.get(vid)
            if old is not None:
                ann_id, old_values, old_updated = old
                if old_values == values:
                    summary.unchanged += 1
                    continue
                record = {"merge_id": merge_id, "annotator": pack.annotator, "video": a.video,
                          "item": "annotation"}
                if _newer(a.updated_at, old_updated):
                    summary.updated += 1
                    conflicts.append({**record, "kept": json.dumps(values),
                                      "discarded": json.dumps(old_values),
                                      "kept_updated_at": a.updated_at,
                                      "discarded_updated_at": old_updated})
                    updates.append({"_id": ann_id, "updated_at": a.updated_at,
                                    **{c: values[c] for c in _COLUMNS}})
                else:
                    summary.kept_newer += 1
                    conflicts.append({**record, "kept": json.dumps(old_values),
                                      "discarded": json.dumps(values),
                                      "kept_updated_at": old_updated,
                                      "discarded_updated_at": a.updated_at})
                    continue
            else:
                ann_id = next_id
                next_id += 1
                summary.added += 1
                inserts.append((ann_id, vid, annotator_id, a.created_at or now,
                                a.updated_at or now, *[values[c] for c in _COLUMNS]))
            ratings.extend([(ann_id, k, values[k]) for k in keys if values[k] is not None])
        if inserts:  # driver-level executemany: the bulk path (10,000s of rows per pack)
            cols = ["id", "video_id", "annotator_id", "created_at", "updated_at", *_COLUMNS]
            conn.exec_driver_sql(
                f"INSERT INTO video_annotation ({', '.join(cols)}) "
                f"VALUES ({', '.join('?' * len(cols))})", inserts)
        if updates:
            conn.execute(va.update().where(va.c.id == bindparam("_id")), updates)
            ids = [u["_id"] for u in updates]
            for i in range(0, len(ids), 500):
                conn.execute(delete(er).where(er.c.annotation_id.in_(ids[i:i + 500])))
        if ratings:
            conn.exec_driver_sql(
                "INSERT INTO emotion_rating (annotation_id, emotion, value) VALUES (?, ?, ?)",
                ratings)

    def _merge_segments(self, conn: Connection, pack: AnnotatorPack, video_ids: dict[str, int],
                        annotator_id: int, merge_id: int, summary: MergeSummary,
                        conflicts: list[dict[str, object]]) -> None:
        if not pack.segments:
            return
        tiers = {name: tid for tid, name in conn.execute(select(t.tier.c.id, t.tier.c.name))}
        names = {tid: name for name, tid in tiers.items()}
        for tier in pack.tiers:
            if tier.name not in tiers:
                kind = tier.kind if tier.kind in {k.value for k in TierKind} else "free"
                tid = conn.execute(t.tier.insert(), {
                    "name": tier.name, "kind": kind, "vocabulary": json.dumps(list(
                        tier.vocabulary)), "position": len(tiers)}).inserted_primary_key[0]
                tiers[tier.name], names[tid] = tid, tier.name
        s = t.segment
        uids = [seg.uid for seg in pack.segments]
        existing = {}
        for i in range(0, len(uids), 500):
            for row in conn.execute(select(s).where(s.c.uid.in_(uids[i:i + 500]))).mappings():
                existing[row["uid"]] = row

        def as_dict(seg: PackSegment) -> dict[str, object]:
            r = seg.region
            return {"tier": seg.tier, "start_frame": seg.start_frame, "end_frame": seg.end_frame,
                    "value": seg.value, "note": seg.note,
                    "region": None if r is None else [r.x, r.y, r.w, r.h]}

        def row_dict(row) -> dict[str, object]:
            box = None if row["region_x"] is None else [
                row["region_x"], row["region_y"], row["region_w"], row["region_h"]]
            return {"tier": names[row["tier_id"]], "start_frame": row["start_frame"],
                    "end_frame": row["end_frame"], "value": row["value"], "note": row["note"],
                    "region": box}

        inserts, updates = [], []
        for seg in pack.segments:
            incoming = as_dict(seg)
            box = incoming["region"] or [None] * 4
            values = {"tier_id": tiers[seg.tier], "start_frame": seg.start_frame,
                      "end_frame": seg.end_frame, "value": seg.value, "note": seg.note,
                      "region_x": box[0], "region_y": box[1], "region_w": box[2],
                      "region_h": box[3], "updated_at": seg.updated_at or now_iso()}
            row = existing.get(seg.uid)
            if row is None:
                summary.added += 1
                inserts.append({"uid": seg.uid, "video_id": video_ids[seg.video],
                                "annotator_id": annotator_id,
                                "created_at": seg.created_at or now_iso(), **values})
                continue
            current = row_dict(row)
            if current == incoming:
                summary.unchanged += 1
                continue
            record = {"merge_id": merge_id, "annotator": pack.annotator, "video": seg.video,
                      "item": f"segment {seg.uid}"}
            if _newer(seg.updated_at, row["updated_at"]):
                summary.updated += 1
                updates.append({"_id": row["id"], **values})
                conflicts.append({**record, "kept": json.dumps(incoming),
                                  "discarded": json.dumps(current),
                                  "kept_updated_at": seg.updated_at,
                                  "discarded_updated_at": row["updated_at"]})
            else:
                summary.kept_newer += 1
                conflicts.append({**record, "kept": json.dumps(current),
                                  "discarded": json.dumps(incoming),
                                  "kept_updated_at": row["updated_at"],
                                  "discarded_updated_at": seg.updated_at})
        if inserts:
            conn.execute(s.insert(), inserts)
        if updates:
            conn.execute(s.update().where(s.c.id == bindparam("_id")), updates)
