"""Video annotations: one annotator's labels for one video.  Reads, and the annotation part
of applying a change set (bulk: a handful of driver-level statements for any number)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Row, and_, func, select

from emosign_desktop.core.changeset import AnnotationEdit
from emosign_desktop.core.errors import StaleChangeError
from emosign_desktop.core.model import AnnotatorId, VideoAnnotation, VideoId
from emosign_desktop.core.schema import SKIPPED
from emosign_desktop.storage import tables as t
from emosign_desktop.storage.base import LogLine, StoreBase, describe

COLUMNS = ("sentiment", "sentiment_confidence", "emotion_confidence", "cues", "skipped",
           "skip_reason")
_EMPTY_COLUMNS: dict[str, object] = {"sentiment": None, "sentiment_confidence": None,
                                     "emotion_confidence": None, "cues": "", "skipped": False,
                                     "skip_reason": ""}
_SMALL = 32  # up to this many annotations are looked up one by one
_RATE_SQL = ("INSERT INTO emotion_rating (annotation_id, emotion, value) VALUES (?, ?, ?) "
             "ON CONFLICT (annotation_id, emotion) DO UPDATE SET value = excluded.value")
_INSERT_RATING_SQL = "INSERT INTO emotion_rating (annotation_id, emotion, value) VALUES (?, ?, ?)"
_UNRATE_SQL = "DELETE FROM emotion_rating WHERE annotation_id = ? AND emotion = ?"
_INSERT_SQL = (f"INSERT INTO video_annotation (id, video_id, annotator_id, created_at, "
               f"updated_at, {', '.join(COLUMNS)}) VALUES ({', '.join('?' * (5 + len(COLUMNS)))})")
_DROP_EMPTY_SQL = (
    "DELETE FROM video_annotation WHERE id = ? AND sentiment IS NULL AND sentiment_confidence "
    "IS NULL AND emotion_confidence IS NULL AND cues = '' AND skipped = 0 AND skip_reason = '' "
    "AND NOT EXISTS (SELECT 1 FROM emotion_rating WHERE annotation_id = video_annotation.id)")

Key = tuple[VideoId, AnnotatorId]
#: An annotation as stored: row id, every field's value, created_at, updated_at.
Stored = tuple[int, dict[str, object], str, str]


class AnnotationStore(StoreBase):
    """Reads :class:`VideoAnnotation` values; applies annotation edits."""

    # -- reads for the write path ------------------------------------------------------------
    def stored_annotations(self, keys: Iterable[Key] | None = None, *,
                           annotator_id: AnnotatorId | None = None) -> dict[Key, Stored]:
        """The stored annotations of ``keys`` (or of one annotator): row id, the values of
        every field that is set (unset emotions are absent) and the time stamps."""
        with self._read() as conn:
            return self._stored(conn, None if keys is None else list(keys), annotator_id)

    def _stored(self, conn: Connection, keys: Sequence[Key] | None,
                annotator_id: AnnotatorId | None = None) -> dict[Key, Stored]:
        va, er = t.video_annotation, t.emotion_rating
        cols = [va.c.id, va.c.video_id, va.c.annotator_id, va.c.created_at, va.c.updated_at,
                *(va.c[c] for c in COLUMNS)]
        rows: Sequence[Row[*tuple[Any, ...]]]
        if keys is not None and len(keys) <= _SMALL:
            few: list[Row[*tuple[Any, ...]]] = []
            for v, a in keys:
                few.extend(conn.execute(select(*cols).where(va.c.video_id == v,
                                                            va.c.annotator_id == a)).all())
            rows = few
        else:
            people = {annotator_id} if keys is None else {a for _, a in keys}
            rows = conn.execute(select(*cols).where(va.c.annotator_id.in_(people))).all()
        found: dict[Key, Stored] = {}
        by_id: dict[int, dict[str, object]] = {}
        for row in rows:
            values = dict(zip(COLUMNS, row[5:], strict=True))
            values[SKIPPED] = bool(values[SKIPPED])
            by_id[row[0]] = values
            found[(VideoId(row[1]), AnnotatorId(row[2]))] = (row[0], values, row[3], row[4])
        if by_id:
            ids = list(by_id)
            for i in range(0, len(ids), 500):
                q = select(er.c.annotation_id, er.c.emotion, er.c.value).where(
                    er.c.annotation_id.in_(ids[i:i + 500]))
                for ann_id, emotion, value in conn.execute(q):
                    by_id[ann_id][emotion] = value
        if keys is not None:
            wanted = set(keys)
            found = {k: v for k, v in found.items() if k in wanted}
        return found

    # -- applying ------------------------------------------------------------------------------
    def _verify_annotations(self, conn: Connection, edits: Sequence[AnnotationEdit]) -> None:
        if not edits:
            return
        stored = self._stored(conn, [e.key for e in edits])
        empty = self.schema.empty_values()
        for e in edits:
            values = stored[e.key][1] if e.key in stored else {}
            for f, expected in e.before.items():
                now = values.get(f, empty.get(f))
                if now != expected:
                    raise StaleChangeError(
                        f"{f} of video '{self._video_name(conn, e.video_id)}' by "
                        f"'{self._annotator_name(conn, e.annotator_id)}' is now "
                        f"{describe(now)}, not {describe(expected)} as this step expects "
                        "(it was changed since, by another edit). Nothing was changed.")

    def _apply_annotations(self, conn: Connection, edits: Sequence[AnnotationEdit], now: str,
                           log: list[LogLine] | None) -> None:
        if not edits:
            return
        ids = self._ids(conn, [e.key for e in edits])
        next_id = 0
        inserts: list[tuple[object, ...]] = []
        updates: dict[tuple[str, ...], list[tuple[object, ...]]] = defaultdict(list)
        rate: list[tuple[int, str, object]] = []  # on rows that exist: upsert
        fresh: list[tuple[int, str, object]] = []  # on rows inserted now: plain insert
        unrate: list[tuple[int, str]] = []
        drop: list[tuple[int]] = []
        emotions = self.schema.emotion_keys
        for e in edits:
            ann_id = ids.get(e.key)
            after = e.after
            stamp = e.after_stamp or now
            new = ann_id is None
            if new:
                if not e.exists:
                    continue  # removing what is not there
                if not next_id:
                    next_id = (conn.execute(select(func.max(t.video_annotation.c.id)))
                               .scalar() or 0) + 1
                ann_id, next_id = next_id, next_id + 1
                inserts.append((ann_id, e.video_id, e.annotator_id, e.created_stamp or now,
                                stamp, *(after[c] if c in after else _EMPTY_COLUMNS[c]
                                         for c in COLUMNS)))
            else:
                names = tuple(c for c in COLUMNS if c in after)
                updates[names].append((*(after[c] for c in names), stamp, ann_id))
            assert ann_id is not None
            for f in emotions:
                if f in after:
                    v = after[f]
                    if v is not None:
                        (fresh if new else rate).append((ann_id, f, v))
                    elif not new:
                        unrate.append((ann_id, f))
            if not e.exists:
                drop.append((ann_id,))
            if log is not None:
                log.extend(("annotation", f, e.before.get(f), v, e.video_id, e.annotator_id)
                           for f, v in after.items() if e.before.get(f) != v)
        if inserts:
            conn.exec_driver_sql(_INSERT_SQL, inserts)
        for names, rows in updates.items():
            sets = ", ".join(f"{c} = ?" for c in (*names, "updated_at"))
            conn.exec_driver_sql(f"UPDATE video_annotation SET {sets} WHERE id = ?", rows)
        if unrate:
            conn.exec_driver_sql(_UNRATE_SQL, unrate)
        if rate:
            conn.exec_driver_sql(_RATE_SQL, rate)
        if fresh:
            conn.exec_driver_sql(_INSERT_RATING_SQL, fresh)
        if drop:
            conn.exec_driver_sql(_DROP_EMPTY_SQL, drop)

    @staticmethod
    def _ids(conn: Connection, keys: Sequence[Key]) -> dict[Key, int]:
        va = t.video_annotation
        if len(keys) <= _SMALL:
            found = {}
            for v, a in keys:
                i = conn.execute(select(va.c.id).where(va.c.video_id == v,
                                                       va.c.annotator_id == a)).scalar()
                if i is not None:
                    found[(v, a)] = i
            return found
        rows = conn.execute(select(va.c.id, va.c.video_id, va.c.annotator_id)
                            .where(va.c.annotator_id.in_({a for _, a in keys})))
        return {(VideoId(v), AnnotatorId(a)): i for i, v, a in rows}

    # -- reads ---------------------------------------------------------------------------------
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
            rows = conn.execute(
                select(va).where(where).order_by(va.c.video_id, va.c.annotator_id)).all()
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

    def ratings(self, field: str) -> list[tuple[AnnotatorId, VideoId, int]]:
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
            return [(a, v, x) for a, v, x in conn.exec_driver_sql(sql, params)]

    def annotation_counts(self) -> dict[AnnotatorId, int]:
        """How many videos each annotator has an annotation for."""
        va = t.video_annotation
        with self._read() as conn:
            rows = conn.execute(select(va.c.annotator_id, func.count()).group_by(va.c.annotator_id))
            return {AnnotatorId(a): n for a, n in rows}
