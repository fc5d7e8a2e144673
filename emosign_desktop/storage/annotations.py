"""Video annotations: one annotator's labels for one video.  Reads, and the annotation part
of applying a change set (bulk: a handful of driver-level statements for any number)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Row, and_, func, select, text

from emosign_desktop.core.changeset import AnnotationEdit
from emosign_desktop.core.errors import StaleChangeError
from emosign_desktop.core.model import AnnotatorId, VideoAnnotation, VideoId
from emosign_desktop.core.schema import SKIPPED
from emosign_desktop.storage import tables as t
from emosign_desktop.storage.base import (
    SEEN_LIMIT,
    LogLine,
    Seen,
    SeenKey,
    StoreBase,
    describe,
    driver_sql,
)

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
    "IS NULL AND emotion_confidence IS NULL AND cues = '' AND NOT skipped AND skip_reason = '' "
    "AND NOT EXISTS (SELECT 1 FROM emotion_rating WHERE annotation_id = video_annotation.id)")
_NEW_IDS_PG = text("SELECT nextval(pg_get_serial_sequence('video_annotation', 'id')) "
                   "FROM generate_series(1, :n)")

Key = tuple[VideoId, AnnotatorId]
#: An annotation as stored: row id, every field's value, created_at, updated_at.
Stored = tuple[int, dict[str, object], str, str]
#: An annotation row's id and version.
IdVersion = tuple[int, int]


def _values(ann: VideoAnnotation) -> dict[str, object]:
    """An annotation's fields as the write path names them (unset emotions absent)."""
    return {"sentiment": ann.sentiment, "sentiment_confidence": ann.sentiment_confidence,
            "emotion_confidence": ann.emotion_confidence, "cues": ann.cues,
            SKIPPED: ann.skipped, "skip_reason": ann.skip_reason, **ann.emotions}


@dataclass
class _AnnotationRows:
    """The rows a batch of annotation edits writes, gathered for a handful of bulk
    statements."""

    emotions: tuple[str, ...]
    pg: bool
    inserts: list[tuple[object, ...]] = field(default_factory=list)
    updates: defaultdict[tuple[str, ...], list[tuple[object, ...]]] = field(
        default_factory=lambda: defaultdict(list))
    rate: list[tuple[int, str, object]] = field(default_factory=list)  # rows that exist: upsert
    fresh: list[tuple[int, str, object]] = field(default_factory=list)  # new rows: insert
    unrate: list[tuple[int, str]] = field(default_factory=list)
    drop: list[tuple[int]] = field(default_factory=list)

    def add(self, e: AnnotationEdit, row: IdVersion | None, fresh_ids: Iterator[int],
            now: str) -> bool:
        """Gather the rows of edit ``e`` (``row``: its annotation's id and version, None
        for a new one, which takes the next of ``fresh_ids``); False when it writes nothing
        (removing what is not there)."""
        after = e.after
        stamp = e.after_stamp or now
        new = row is None
        if row is None:
            if not e.exists:
                return False
            ann_id = next(fresh_ids)
            self.inserts.append((ann_id, e.video_id, e.annotator_id, e.created_stamp or now,
                                 stamp, *(after[c] if c in after else _EMPTY_COLUMNS[c]
                                          for c in COLUMNS)))
        else:
            ann_id = row[0]
            names = tuple(c for c in COLUMNS if c in after)
            self.updates[names].append((*(bool(after[c]) if self.pg and c == SKIPPED
                                          else after[c] for c in names), stamp, ann_id))
        self._add_ratings(ann_id, after, new)
        if not e.exists:
            self.drop.append((ann_id,))
        return True

    def _add_ratings(self, ann_id: int, after: Mapping[str, object], new: bool) -> None:
        """The emotion ratings an edit sets or clears on annotation ``ann_id``."""
        for f in self.emotions:
            if f in after:
                v = after[f]
                if v is not None:
                    (self.fresh if new else self.rate).append((ann_id, f, v))
                elif not new:
                    self.unrate.append((ann_id, f))

    def write(self, conn: Connection) -> None:
        """Run the statements, a bulk one for each kind of row."""
        inserts = self.inserts
        if inserts:
            if self.pg:
                skipped = 5 + COLUMNS.index(SKIPPED)
                inserts = [(*r[:skipped], bool(r[skipped]), *r[skipped + 1:]) for r in inserts]
            conn.exec_driver_sql(driver_sql(conn, _INSERT_SQL), inserts)
        for names, rows in self.updates.items():
            sets = ", ".join(f"{c} = ?" for c in (*names, "updated_at"))
            conn.exec_driver_sql(driver_sql(
                conn, f"UPDATE video_annotation SET {sets}, version = version + 1 WHERE id = ?"),
                rows)
        if self.unrate:
            conn.exec_driver_sql(driver_sql(conn, _UNRATE_SQL), self.unrate)
        if self.rate:
            conn.exec_driver_sql(driver_sql(conn, _RATE_SQL), self.rate)
        if self.fresh:
            conn.exec_driver_sql(driver_sql(conn, _INSERT_RATING_SQL), self.fresh)
        if self.drop:
            conn.exec_driver_sql(driver_sql(conn, _DROP_EMPTY_SQL), self.drop)


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
                annotator_id: AnnotatorId | None = None, *, lock: bool = False,
                versions: dict[Key, int] | None = None) -> dict[Key, Stored]:
        va, er = t.video_annotation, t.emotion_rating
        cols = [va.c.id, va.c.video_id, va.c.annotator_id, va.c.created_at, va.c.updated_at,
                *(va.c[c] for c in COLUMNS), va.c.version]
        rows: Sequence[Row[*tuple[Any, ...]]]
        if keys is not None and len(keys) <= _SMALL:
            few: list[Row[*tuple[Any, ...]]] = []
            for v, a in keys:
                q = select(*cols).where(va.c.video_id == v, va.c.annotator_id == a)
                if lock:
                    q = q.with_for_update(key_share=True)
                few.extend(conn.execute(q).all())
            rows = few
        else:
            people = {annotator_id} if keys is None else {a for _, a in keys}
            q = select(*cols).where(va.c.annotator_id.in_(people))
            if lock:
                q = q.with_for_update(key_share=True)
            rows = conn.execute(q).all()
        found: dict[Key, Stored] = {}
        by_id: dict[int, dict[str, object]] = {}
        end = 5 + len(COLUMNS)
        for row in rows:
            values = dict(zip(COLUMNS, row[5:end], strict=True))
            values[SKIPPED] = bool(values[SKIPPED])
            by_id[row[0]] = values
            key = (VideoId(row[1]), AnnotatorId(row[2]))
            found[key] = (row[0], values, row[3], row[4])
            if versions is not None:
                versions[key] = row[end]
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
    def _verify_annotations(self, conn: Connection, edits: Sequence[AnnotationEdit], *,
                            lock: bool = False, undoing: bool = True) -> None:
        """Check that every edit's target holds its before-image (``lock``: and lock the
        rows until the transaction ends, so nobody changes them between check and write).
        ``undoing`` words the message for undo and redo, else for an edit."""
        if not edits:
            return
        stored = self._stored(conn, [e.key for e in edits], lock=lock)
        empty = self.schema.empty_values()
        for e in edits:
            values = stored[e.key][1] if e.key in stored else {}
            for f, expected in e.before.items():
                now = values.get(f, empty.get(f))
                if now != expected:
                    what = (f"{f} of video '{self._video_name(conn, e.video_id)}' by "
                            f"'{self._annotator_name(conn, e.annotator_id)}' is now "
                            f"{describe(now)}, not {describe(expected)}")
                    raise StaleChangeError(
                        f"{what} as this step expects (it was changed since, by another "
                        "edit). Nothing was changed." if undoing else
                        f"{what} (another annotator or window changed it at the same moment); "
                        f"your {describe(e.after.get(f))} was not saved and nothing was "
                        "changed.")

    def _check_seen_annotations(self, conn: Connection, edits: Sequence[AnnotationEdit],
                                ids: dict[Key, IdVersion]) -> None:
        """Refuse an edit of fields that changed since this client read them."""
        stale: list[tuple[AnnotationEdit, Seen]] = []
        for e in edits:
            saw = self._seen_now(("a", e.key))
            if saw is not None and saw[0] != ids.get(e.key, (0, 0))[1]:
                stale.append((e, saw))
        if not stale:
            return
        versions: dict[Key, int] = {}
        now = self._stored(conn, [e.key for e, _ in stale], versions=versions)
        empty = self.schema.empty_values()
        for e, (_, saw_values) in stale:
            assert isinstance(saw_values, dict)
            current = now[e.key][1] if e.key in now else {}
            for f, wanted in e.after.items():
                was, found = saw_values.get(f, empty.get(f)), current.get(f, empty.get(f))
                if was != found:
                    with self._seen_lock:
                        self._seen[("a", e.key)] = (versions.get(e.key, 0), dict(current))
                    raise StaleChangeError(
                        f"{f} of video '{self._video_name(conn, e.video_id)}' by "
                        f"'{self._annotator_name(conn, e.annotator_id)}' is now "
                        f"{describe(found)}, not {describe(was)} as shown when you changed it "
                        "(another annotator or window changed it since); your "
                        f"{describe(wanted)} was not saved and nothing was changed.")

    def _apply_annotations(self, conn: Connection, edits: Sequence[AnnotationEdit], now: str,
                           log: list[LogLine] | None, check: bool = False) -> None:
        if not edits:
            return
        ids = self._ids(conn, [e.key for e in edits])
        self._note_written_annotations(conn, edits, ids, check)
        new_keys = [e.key for e in edits if e.key not in ids and e.exists]
        fresh_ids = iter(self._fresh_annotation_ids(conn, len(new_keys)))
        rows = _AnnotationRows(self.schema.emotion_keys, self.is_pg)
        for e in edits:
            if not rows.add(e, ids.get(e.key), fresh_ids, now):
                continue  # removing what is not there
            if log is not None:
                log.extend(("annotation", f, e.before.get(f), v, e.video_id, e.annotator_id)
                           for f, v in e.after.items() if e.before.get(f) != v)
        rows.write(conn)

    def _note_written_annotations(self, conn: Connection, edits: Sequence[AnnotationEdit],
                                  ids: dict[Key, IdVersion], check: bool) -> None:
        """For the annotations this client has seen: check (with ``check``) that nobody
        changed them since, and remember what they hold once the edits commit."""
        if not self._seen:
            return
        watched = [e for e in edits if self._seen_now(("a", e.key)) is not None]
        if check and watched:
            self._check_seen_annotations(conn, watched, ids)
        for e in watched:
            self._wrote_annotation(e, ids.get(e.key))

    def _fresh_annotation_ids(self, conn: Connection, n: int) -> list[int]:
        """Row ids for ``n`` new annotations."""
        if n and self.is_pg:  # the sequence: writers never wait for each other
            return [int(i) for i, in conn.execute(_NEW_IDS_PG, {"n": n})]
        if n:
            first = (conn.execute(select(func.max(t.video_annotation.c.id))).scalar() or 0) + 1
            return list(range(first, first + n))
        return []

    def _wrote_annotation(self, e: AnnotationEdit, row: IdVersion | None) -> None:
        """What this client knows of the annotation once the edit commits: the fields it
        saw with the ones it wrote; the new version only when nothing else changed the row
        in between (otherwise fields it never saw are still checked on its next edit)."""
        key = ("a", e.key)
        saw = self._seen_now(key)
        if saw is None:
            return
        if not e.exists:
            self._wrote(key, None)  # the row may go: nothing left to compare with
            return
        version = row[1] if row else 0
        values = {**saw[1], **e.after} if isinstance(saw[1], dict) else dict(e.after)
        self._wrote(key, (version + 1 if saw[0] == version else saw[0], values))

    @staticmethod
    def _ids(conn: Connection, keys: Sequence[Key]) -> dict[Key, IdVersion]:
        va = t.video_annotation
        if len(keys) <= _SMALL:
            found = {}
            for v, a in keys:
                row = conn.execute(select(va.c.id, va.c.version).where(
                    va.c.video_id == v, va.c.annotator_id == a)).first()
                if row is not None:
                    found[(v, a)] = (row[0], row[1])
            return found
        rows = conn.execute(select(va.c.id, va.c.video_id, va.c.annotator_id, va.c.version)
                            .where(va.c.annotator_id.in_({a for _, a in keys})))
        return {(VideoId(v), AnnotatorId(a)): (i, n) for i, v, a, n in rows}

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
        emotions: dict[int, dict[str, int]] = defaultdict(dict)
        with self._read() as conn:
            rows: Sequence[Row[Any]]
            if cond:  # a few annotations: one query, a row for each of their ratings
                joined: list[Row[Any]] = []
                q = (select(va, er.c.emotion.label("rated"), er.c.value.label("rating"))
                     .select_from(va.outerjoin(er, er.c.annotation_id == va.c.id))
                     .where(where).order_by(va.c.video_id, va.c.annotator_id))
                for r in conn.execute(q):
                    if not joined or joined[-1].id != r.id:
                        joined.append(r)
                    if r.rated is not None:
                        emotions[r.id][r.rated] = r.rating
                rows = joined
            else:
                rows = conn.execute(
                    select(va).where(where).order_by(va.c.video_id, va.c.annotator_id)).all()
                q = select(er.c.annotation_id, er.c.emotion, er.c.value).join(
                    va, va.c.id == er.c.annotation_id
                ).where(where)
                for ann_id, emotion, value in conn.execute(q):
                    emotions[ann_id][emotion] = value
        found = [
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
        if self.remembering and len(found) <= SEEN_LIMIT:
            seen: list[tuple[SeenKey, Seen]] = [
                (("a", (a.video_id, a.annotator_id)), (r.version, _values(a)))
                for a, r in zip(found, rows, strict=True)]
            if not found and video_id is not None and annotator_id is not None:
                seen.append((("a", (video_id, annotator_id)), (0, {})))  # seen absent
            self._saw(seen)
        return found

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
            return [(a, v, x) for a, v, x in conn.exec_driver_sql(driver_sql(conn, sql), params)]

    def annotation_counts(self) -> dict[AnnotatorId, int]:
        """How many videos each annotator has an annotation for."""
        va = t.video_annotation
        with self._read() as conn:
            rows = conn.execute(select(va.c.annotator_id, func.count()).group_by(va.c.annotator_id))
            return {AnnotatorId(a): n for a, n in rows}
