"""Tiers, time segments (with an optional region on the picture) and model predictions."""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Iterable

from sqlalchemy import Row, and_, delete, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from emosign_desktop.core.errors import LabelValidationError, ProjectError
from emosign_desktop.core.model import (
    AnnotatorId,
    Prediction,
    Region,
    Segment,
    SegmentId,
    Tier,
    TierId,
    TierKind,
    VideoId,
    check_frames,
)
from emosign_desktop.storage import tables as t
from emosign_desktop.storage.base import StoreBase, now_iso


def _tier(row: Row) -> Tier:
    return Tier(TierId(row.id), row.name, TierKind(row.kind), tuple(json.loads(row.vocabulary)))


def _segment(row: Row) -> Segment:
    region = None
    if row.region_x is not None:
        region = Region(row.region_x, row.region_y, row.region_w, row.region_h)
    return Segment(
        SegmentId(row.id), VideoId(row.video_id), AnnotatorId(row.annotator_id),
        TierId(row.tier_id), row.start_frame, row.end_frame, row.value, row.note, region,
        row.uid or "",
    )


def _region_values(region: Region | None) -> dict[str, float | None]:
    if region is None:
        return {"region_x": None, "region_y": None, "region_w": None, "region_h": None}
    return {"region_x": region.x, "region_y": region.y, "region_w": region.w,
            "region_h": region.h}


class SegmentStore(StoreBase):
    """Tiers and the segments on them."""

    def add_tier(
        self, name: str, kind: TierKind = TierKind.FREE, vocabulary: Iterable[str] = ()
    ) -> Tier:
        """Add a tier with a unique name."""
        name = name.strip()
        if not name:
            raise ProjectError("a tier needs a name")
        vocab = tuple(vocabulary)
        with self._write() as conn:
            if conn.execute(select(t.tier.c.id).where(t.tier.c.name == name)).first():
                raise ProjectError(f"the project already has a tier named '{name}'")
            position = len(conn.execute(select(t.tier.c.id)).all())
            tid = conn.execute(
                t.tier.insert().values(name=name, kind=kind.value,
                                       vocabulary=json.dumps(list(vocab)), position=position)
            ).inserted_primary_key[0]
            self._log(conn, "tier", "add", None, name)
        return Tier(TierId(tid), name, kind, vocab)

    def update_tier(self, tier: Tier) -> Tier:
        """Rename a tier or change its vocabulary; returns the tier as it was."""
        old = self.tier(tier.id)
        with self._write() as conn:
            conn.execute(
                t.tier.update().where(t.tier.c.id == tier.id).values(
                    name=tier.name, kind=tier.kind.value,
                    vocabulary=json.dumps(list(tier.vocabulary)),
                )
            )
            self._log(conn, "tier", "update", dataclasses.asdict(old), dataclasses.asdict(tier))
        return old

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
            rows = conn.execute(select(t.tier).order_by(t.tier.c.position, t.tier.c.id))
            return [_tier(r) for r in rows]

    def _check_segment(self, seg: Segment) -> None:
        check_frames(seg.start_frame, seg.end_frame)
        tier = self.tier(seg.tier_id)
        if tier.vocabulary and seg.value and seg.value not in tier.vocabulary:
            raise LabelValidationError(
                f"'{seg.value}' is not in the vocabulary of tier '{tier.name}'"
            )

    def add_segment(self, seg: Segment) -> Segment:
        """Store a segment; ``seg.id`` 0 means a new id, any other restores that id (undo)."""
        self._check_segment(seg)
        now = now_iso()
        if not seg.uid:
            seg = dataclasses.replace(seg, uid=uuid.uuid4().hex)
        values = dict(uid=seg.uid,
            video_id=seg.video_id, annotator_id=seg.annotator_id, tier_id=seg.tier_id,
            start_frame=seg.start_frame, end_frame=seg.end_frame, value=seg.value,
            note=seg.note, created_at=now, updated_at=now, **_region_values(seg.region),
        )
        if seg.id:
            values["id"] = seg.id
        with self._write() as conn:
            sid = conn.execute(t.segment.insert().values(**values)).inserted_primary_key[0]
            stored = dataclasses.replace(seg, id=SegmentId(sid))
            self._log(conn, "segment", "add", None, dataclasses.asdict(stored),
                      video_id=seg.video_id, annotator_id=seg.annotator_id)
        return stored

    def update_segment(self, seg: Segment) -> Segment:
        """Replace a segment's frames, value, note and region; returns it as it was."""
        self._check_segment(seg)
        old = self.segment(seg.id)
        with self._write() as conn:
            conn.execute(
                t.segment.update().where(t.segment.c.id == seg.id).values(
                    tier_id=seg.tier_id, start_frame=seg.start_frame, end_frame=seg.end_frame,
                    value=seg.value, note=seg.note, updated_at=now_iso(),
                    **_region_values(seg.region),
                )
            )
            self._log(conn, "segment", "update", dataclasses.asdict(old),
                      dataclasses.asdict(seg), video_id=seg.video_id,
                      annotator_id=seg.annotator_id)
        return old

    def delete_segment(self, segment_id: SegmentId) -> Segment:
        """Delete a segment; returns it (so undo can restore it)."""
        old = self.segment(segment_id)
        with self._write() as conn:
            conn.execute(delete(t.segment).where(t.segment.c.id == segment_id))
            self._log(conn, "segment", "delete", dataclasses.asdict(old), None,
                      video_id=old.video_id, annotator_id=old.annotator_id)
        return old

    def segment_times(self, segment_id: SegmentId) -> tuple[str, str]:
        """When a segment was created and last changed."""
        with self._read() as conn:
            row = conn.execute(select(t.segment.c.created_at, t.segment.c.updated_at).where(
                t.segment.c.id == segment_id)).one()
        return row.created_at, row.updated_at

    def segment(self, segment_id: SegmentId) -> Segment:
        """The segment with this id."""
        with self._read() as conn:
            row = conn.execute(select(t.segment).where(t.segment.c.id == segment_id)).first()
        if row is None:
            raise ProjectError(f"no segment with id {segment_id}")
        return _segment(row)

    def segments(
        self,
        *,
        video_id: VideoId | None = None,
        annotator_id: AnnotatorId | None = None,
        tier_id: TierId | None = None,
    ) -> list[Segment]:
        """Segments, filtered, ordered by start frame."""
        s = t.segment
        cond = [c for c in (
            s.c.video_id == video_id if video_id is not None else None,
            s.c.annotator_id == annotator_id if annotator_id is not None else None,
            s.c.tier_id == tier_id if tier_id is not None else None,
        ) if c is not None]
        with self._read() as conn:
            rows = conn.execute(select(s).where(and_(True, *cond))
                                .order_by(s.c.start_frame, s.c.id))
            return [_segment(r) for r in rows]

    def put_prediction(self, p: Prediction) -> None:
        """Store (or replace) a model's prediction for a video in an input setting."""
        with self._write() as conn:
            conn.execute(
                sqlite_insert(t.prediction)
                .values(model=p.model, input_setting=p.input_setting, video_id=p.video_id,
                        sentiment=p.sentiment, emotion=p.emotion, raw_text=p.raw_text)
                .on_conflict_do_update(
                    index_elements=["model", "input_setting", "video_id"],
                    set_={"sentiment": p.sentiment, "emotion": p.emotion,
                          "raw_text": p.raw_text},
                )
            )

    def predictions(self, *, video_id: VideoId | None = None) -> list[Prediction]:
        """Stored predictions, optionally for one video."""
        p = t.prediction
        q = select(p).order_by(p.c.video_id, p.c.model, p.c.input_setting)
        if video_id is not None:
            q = q.where(p.c.video_id == video_id)
        with self._read() as conn:
            return [
                Prediction(r.model, r.input_setting, VideoId(r.video_id), r.sentiment,
                           r.emotion, r.raw_text)
                for r in conn.execute(q)
            ]
