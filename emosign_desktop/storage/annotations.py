"""Video annotations: one annotator's labels for one video, field by field."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from sqlalchemy import Connection, and_, bindparam, delete, func, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from emosign_desktop.core.model import AnnotatorId, VideoAnnotation, VideoId
from emosign_desktop.core.schema import SKIPPED
from emosign_desktop.storage import tables as t
from emosign_desktop.storage.base import StoreBase, now_iso

_COLUMNS = ("sentiment", "sentiment_confidence", "emotion_confidence", "cues", "skipped",
            "skip_reason")


_va, _er = t.video_annotation, t.emotion_rating
_ENSURE = sqlite_insert(_va).on_conflict_do_nothing(index_elements=["video_id", "annotator_id"])
_FIND = select(_va.c.id).where(
    _va.c.video_id == bindparam("v"), _va.c.annotator_id == bindparam("a")
)
_UPDATE = _va.update().where(_va.c.id == bindparam("_ann"))
_RATE = sqlite_insert(_er)
_RATE = _RATE.on_conflict_do_update(
    index_elements=["annotation_id", "emotion"], set_={"value": _RATE.excluded.value}
)


class AnnotationStore(StoreBase):
    """Reads and writes :class:`VideoAnnotation` values, validated against the schema."""

    def _annotation_id(
        self, conn: Connection, video_id: VideoId, annotator_id: AnnotatorId, now: str
    ) -> int:
        found = conn.execute(_FIND, {"v": video_id, "a": annotator_id}).scalar()
        if found is not None:
            return found
        conn.execute(_ENSURE, {"video_id": video_id, "annotator_id": annotator_id,
                               "created_at": now, "updated_at": now})
        return conn.execute(_FIND, {"v": video_id, "a": annotator_id}).scalar_one()

    def _get_field(self, conn: Connection, ann_id: int, field: str) -> object:
        if field in _COLUMNS:
            value = conn.execute(
                select(t.video_annotation.c[field]).where(t.video_annotation.c.id == ann_id)
            ).scalar_one()
            return bool(value) if field == SKIPPED else value
        er = t.emotion_rating
        return conn.execute(
            select(er.c.value).where(er.c.annotation_id == ann_id, er.c.emotion == field)
        ).scalar()

    def _put_field(self, conn: Connection, ann_id: int, field: str, value: object) -> None:
        if field in _COLUMNS:
            conn.execute(_UPDATE, {"_ann": ann_id, field: value})
            return
        er = t.emotion_rating
        if value is None:
            conn.execute(delete(er).where(er.c.annotation_id == ann_id, er.c.emotion == field))
        else:
            conn.execute(_RATE, {"annotation_id": ann_id, "emotion": field, "value": value})

    def set_field(
        self, video_id: VideoId, annotator_id: AnnotatorId, field: str, value: object
    ) -> object:
        """Set one field (``sentiment``, an emotion key, ``cues``...); returns the old value.

        The value is validated against the project's schema and committed before returning.
        """
        value = self.schema.validate(field, value)
        now = now_iso()
        with self._write() as conn:
            ann_id = self._annotation_id(conn, video_id, annotator_id, now)
            old = self._get_field(conn, ann_id, field)
            if old != value:
                self._put_field(conn, ann_id, field, value)
                conn.execute(_UPDATE, {"_ann": ann_id, "updated_at": now})
                self._log(conn, "annotation", field, old, value,
                          video_id=video_id, annotator_id=annotator_id)
        return old

    def put_fields(
        self, video_id: VideoId, annotator_id: AnnotatorId, values: Mapping[str, object]
    ) -> None:
        """Set several fields of one annotation at once (all validated first), in a handful
        of statements: the bulk path used by imports and merges."""
        checked = {f: self.schema.validate(f, v) for f, v in values.items()}
        now = now_iso()
        va, er = t.video_annotation, t.emotion_rating
        with self._write() as conn:
            ann_id = self._annotation_id(conn, video_id, annotator_id, now)
            row = conn.execute(select(va).where(va.c.id == ann_id)).one()._mapping
            current: dict[str, object] = {c: row[c] for c in _COLUMNS}
            current[SKIPPED] = bool(current[SKIPPED])
            current.update(conn.execute(
                select(er.c.emotion, er.c.value).where(er.c.annotation_id == ann_id)
            ).all())
            changed = {f: v for f, v in checked.items() if current.get(f) != v}
            if not changed:
                return
            columns = {f: v for f, v in changed.items() if f in _COLUMNS}
            conn.execute(_UPDATE, {"_ann": ann_id, "updated_at": now, **columns})
            rated = [{"annotation_id": ann_id, "emotion": f, "value": v}
                     for f, v in changed.items() if f not in _COLUMNS and v is not None]
            cleared = [f for f, v in changed.items() if f not in _COLUMNS and v is None]
            if rated:
                conn.execute(_RATE, rated)
            if cleared:
                conn.execute(delete(er).where(er.c.annotation_id == ann_id,
                                              er.c.emotion.in_(cleared)))
            self._log_many(conn, "annotation",
                           [(f, current.get(f), v) for f, v in changed.items()],
                           video_id=video_id, annotator_id=annotator_id)

    def annotation(
        self, video_id: VideoId, annotator_id: AnnotatorId
    ) -> VideoAnnotation | None:
        """One annotator's annotation of one video, or None."""
        found = self.annotations(video_id=video_id, annotator_id=annotator_id)
        return found[0] if found else None

    def annotations(
        self, *, video_id: VideoId | None = None, annotator_id: AnnotatorId | None = None
    ) -> list[VideoAnnotation]:
        """Annotations, optionally of one video and/or one annotator (video order)."""
        va, er = t.video_annotation, t.emotion_rating
        cond = []
        if video_id is not None:
            cond.append(va.c.video_id == video_id)
        if annotator_id is not None:
            cond.append(va.c.annotator_id == annotator_id)
        where = and_(True, *cond)
        with self._read() as conn:
            rows = conn.execute(select(va).where(where).order_by(va.c.video_id, va.c.annotator_id))
            rows = rows.all()
            emotions: dict[int, dict[str, int]] = defaultdict(dict)
            q = select(er.c.annotation_id, er.c.emotion, er.c.value).join(
                va, va.c.id == er.c.annotation_id
            ).where(where)
            for ann_id, emotion, value in conn.execute(q):
                emotions[ann_id][emotion] = value
        return [
            VideoAnnotation(
                video_id=VideoId(r.video_id),
                annotator_id=AnnotatorId(r.annotator_id),
                sentiment=r.sentiment,
                emotions=emotions.get(r.id, {}),
                sentiment_confidence=r.sentiment_confidence,
                emotion_confidence=r.emotion_confidence,
                cues=r.cues,
                skipped=bool(r.skipped),
                skip_reason=r.skip_reason,
                created_at=r.created_at,
                updated_at=r.updated_at,
            )
            for r in rows
        ]

    def ratings(self, field: str) -> list[tuple[int, int, int]]:
        """Every ``(annotator_id, video_id, value)`` of one rated field (sentiment, an
        emotion or a confidence), in one query: the bulk read behind agreement."""
        if field in self.schema.emotion_keys:
            sql = ("SELECT va.annotator_id, va.video_id, er.value FROM emotion_rating er "
                   "JOIN video_annotation va ON va.id = er.annotation_id WHERE er.emotion = ?")
            params: tuple[object, ...] = (field,)
        elif field in ("sentiment", "sentiment_confidence", "emotion_confidence"):
            sql = (f"SELECT annotator_id, video_id, {field} FROM video_annotation "
                   f"WHERE {field} IS NOT NULL")
            params = ()
        else:
            raise ValueError(f"'{field}' is not a rated field")
        with self._read() as conn:
            return conn.exec_driver_sql(sql, params).all()

    def annotation_counts(self) -> dict[AnnotatorId, int]:
        """How many videos each annotator has an annotation for."""
        va = t.video_annotation
        with self._read() as conn:
            rows = conn.execute(select(va.c.annotator_id, func.count()).group_by(va.c.annotator_id))
            return {AnnotatorId(a): n for a, n in rows}
