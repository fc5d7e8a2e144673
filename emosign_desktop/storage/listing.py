"""The video list, read where the data are: a :class:`VideoQuery` is filtered, sorted, counted
and paged in SQL, and label statuses are computed in SQL too (the same rule as
:meth:`VideoAnnotation.status`), so nothing here reads every video or every annotation into
Python: in the order of the names (the index's) a page costs the same in a project of 200
videos as in one of 35,000; another order is worked out in SQL and read as a list of ids."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    and_,
    case,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
    true,
)

from emosign_desktop.core.listing import STATUS_ORDER, VideoQuery
from emosign_desktop.core.model import AnnotationStatus, AnnotatorId, Video, VideoId
from emosign_desktop.storage import tables as t
from emosign_desktop.storage.base import StoreBase
from emosign_desktop.storage.videos import _video

_RANK = {s: i for i, s in enumerate(STATUS_ORDER)}
#: Format 9's trigram index of the names on SQLite (FTS5; made where SQLite has it).
_SEARCH = table("video_name_search", column("rowid"), column("name"))
_NO_ONE = -1  # an annotator id no row has: everyone's status is "not started"


class ListingStore(StoreBase):
    """Pages, counts and positions of the video list; label statuses and their counts."""

    # -- label statuses in SQL -----------------------------------------------------------------
    def _status_rank(self, va: FromClause) -> ColumnElement[int]:
        """The rank in :data:`STATUS_ORDER` of the status of annotation row ``va`` (its
        columns all NULL when the annotator has none for the video: "not started").  Skipped
        first; done when the sentiment and every emotion of the schema are rated; in progress
        when any of them is, or cue text is written."""
        keys = self.schema.emotion_keys
        er = t.emotion_rating.alias()
        # the annotation's ratings read in one range of the primary key, the schema's
        # emotions counted among them (not one look-up per emotion: half the time)
        rated = (select(func.count(case((er.c.emotion.in_(keys), 1)))).select_from(er)
                 .where(er.c.annotation_id == va.c.id)
                 .scalar_subquery())

        def rank(status: AnnotationStatus) -> ColumnElement[int]:
            return literal_column(str(_RANK[status]))  # a constant in the SQL text

        return case(
            (va.c.id.is_(None), rank(AnnotationStatus.NOT_STARTED)),
            (va.c.skipped == true(), rank(AnnotationStatus.SKIPPED)),
            (and_(va.c.sentiment.is_not(None), rated == len(keys)),
             rank(AnnotationStatus.DONE)),
            (or_(va.c.sentiment.is_not(None), va.c.cues != "", rated > 0),
             rank(AnnotationStatus.IN_PROGRESS)),
            else_=rank(AnnotationStatus.NOT_STARTED))

    def annotation_statuses(self, video_ids: Iterable[VideoId]
                            ) -> dict[tuple[VideoId, AnnotatorId], AnnotationStatus]:
        """The label status of every annotation of these videos (absent: not started)."""
        ids = list(dict.fromkeys(video_ids))
        va = t.video_annotation
        found: dict[tuple[VideoId, AnnotatorId], AnnotationStatus] = {}
        with self._read() as conn:
            for i in range(0, len(ids), 500):
                q = select(va.c.video_id, va.c.annotator_id, self._status_rank(va)).where(
                    va.c.video_id.in_(ids[i:i + 500]))
                for v, a, rank in conn.execute(q):
                    found[(VideoId(v), AnnotatorId(a))] = STATUS_ORDER[rank]
        return found

    def annotation_status_of(self, keys: Iterable[tuple[VideoId, AnnotatorId]]
                             ) -> dict[tuple[VideoId, AnnotatorId], AnnotationStatus]:
        """The label status of each (video, annotator) (not started when there is none)."""
        wanted = set(keys)
        found = self.annotation_statuses(v for v, _ in wanted)
        return {k: found.get(k, AnnotationStatus.NOT_STARTED) for k in wanted}

    def status_counts(self, first_video: int | None = None, last_video: int | None = None
                      ) -> dict[AnnotatorId, dict[AnnotationStatus, int]]:
        """For each annotator with annotations, how many of them have each status (one
        aggregate query; videos without an annotation of theirs are not counted); with
        ``first_video`` and ``last_video``, only of the videos with ids in that range (read
        through the index on video and annotator: a part of a large project at a time)."""
        va = t.video_annotation
        rank = self._status_rank(va).label("rank")
        ranks = select(va.c.annotator_id, rank)
        if first_video is not None:
            ranks = ranks.where(va.c.video_id >= first_video)
        if last_video is not None:
            ranks = ranks.where(va.c.video_id <= last_video)
        inner = ranks.subquery()
        q = (select(inner.c.annotator_id, inner.c.rank, func.count())
             .group_by(inner.c.annotator_id, inner.c.rank))
        counts: dict[AnnotatorId, dict[AnnotationStatus, int]] = {}
        with self._read() as conn:
            for a, r, n in conn.execute(q):
                counts.setdefault(AnnotatorId(a), {})[STATUS_ORDER[r]] = int(n)
        return counts

    def video_id_span(self) -> tuple[int, int] | None:
        """The lowest and highest video id (None without videos), from the primary key."""
        v = t.video
        with self._read() as conn:
            low, high = conn.execute(select(func.min(v.c.id), func.max(v.c.id))).one()
        return None if low is None else (int(low), int(high))

    def video_count(self) -> int:
        """How many videos the project has."""
        with self._read() as conn:
            return int(conn.execute(select(func.count()).select_from(t.video)).scalar_one())

    # -- the list ------------------------------------------------------------------------------
    def _annotator_id(self, conn: Any, name: str) -> int:
        if not name:
            return _NO_ONE
        found = conn.execute(select(t.annotator.c.id).where(t.annotator.c.name == name)).scalar()
        return int(found) if found is not None else _NO_ONE

    def _text_key(self, expr: ColumnElement[Any]) -> ColumnElement[Any]:
        """``expr`` compared case-blind and code point by code point on both engines."""
        lowered = func.lower(expr)
        return lowered.collate("C") if self.is_pg else lowered

    def _searchable(self, conn: Any, text: str) -> bool:
        """Can SQLite's trigram table find ``text`` (three characters or more) without
        reading every name?  (PostgreSQL's index needs no help.)  The table's own ``LIKE``
        reads ``%`` and ``_`` in the text as wildcards, so it finds a superset of the names
        that hold the text; the exact ``LIKE`` on the name then keeps only those."""
        if self.is_pg or len(text) < 3:
            return False
        known = getattr(self, "_has_search", None)
        if known is None:
            master = table("sqlite_master", column("name"))
            known = conn.execute(select(func.count()).select_from(master).where(
                master.c.name == _SEARCH.name)).scalar() > 0
            self._has_search = known
        return bool(known)

    @staticmethod
    def _by_name(query: VideoQuery) -> bool:
        """True when the list is in the order of the (unique, indexed) name: pages and
        positions are then read along the index, whatever the size of the project."""
        return query.sort == "name"

    def _listing(self, conn: Any, query: VideoQuery
                 ) -> tuple[Select[Any], ColumnElement[Any]]:
        """The filtered videos (a select of the video table's columns) and the sort key."""
        v = t.video
        source: FromClause = v
        where: list[ColumnElement[bool]] = []
        if query.text:
            pattern = "%" + "".join("/" + c if c in "%_/" else c for c in query.text) + "%"
            if self._searchable(conn, query.text):  # the trigram index: no name read
                found = _SEARCH.c.name.like(f"%{query.text}%")  # (a superset: see above)
                where.append(v.c.id.in_(select(_SEARCH.c.rowid).where(found)))
            # SQLite's LIKE ignores the case of ASCII letters (as its lower() does): no call
            # per row; PostgreSQL's ILIKE ignores case for every letter (and uses the
            # trigram index where format 9 could make it)
            where.append(v.c.name.ilike(pattern, escape="/") if self.is_pg
                         else v.c.name.like(pattern, escape="/"))
        ranks: dict[str, ColumnElement[int]] = {}

        def rank_of(name: str) -> ColumnElement[int]:
            nonlocal source
            if name not in ranks:
                va = t.video_annotation.alias(f"va{len(ranks)}")
                who = self._annotator_id(conn, name)
                source = source.outerjoin(va, and_(va.c.video_id == v.c.id,
                                                   va.c.annotator_id == who))
                ranks[name] = self._status_rank(va)
            return ranks[name]

        if query.statuses:
            wanted = sorted(_RANK[s] for s in query.statuses)
            where.append(rank_of(query.annotator).in_(wanted))
        keys: dict[str, ColumnElement[Any]] = {
            "name": v.c.name,  # as the database compares names (its index's order)
            "duration": func.coalesce(v.c.duration, -1.0),
            "frames": func.coalesce(v.c.frame_count, -1),
            "fps": func.coalesce(v.c.fps, -1.0),
            "size": func.coalesce(v.c.width * v.c.height, -1),
            "codec": self._text_key(func.coalesce(v.c.codec, "")),
            "media": case((v.c.media_path.is_(None), 3),
                          (v.c.declared_frames.is_not(None), 1), else_=0),
        }
        key = rank_of(query.sort_annotator) if query.sort == "status" else keys[query.sort]
        return select(*v.c).select_from(source).where(and_(true(), *where)), key

    def _ordered(self, stmt: Select[Any], key: ColumnElement[Any], query: VideoQuery
                 ) -> Select[Any]:
        first = key.desc() if query.descending else key.asc()
        if self._by_name(query):
            return stmt.order_by(first)  # names are unique
        return stmt.order_by(first, t.video.c.id.asc())  # ties: in the order added

    def list_videos(self, query: VideoQuery, offset: int = 0, limit: int | None = None
                    ) -> list[Video]:
        """The videos of ``query`` in its order, from ``offset`` (at most ``limit``)."""
        with self._read() as conn:
            stmt, key = self._listing(conn, query)
            stmt = self._ordered(stmt, key, query).offset(offset)
            if limit is not None:
                stmt = stmt.limit(limit)
            return [_video(r) for r in conn.execute(stmt)]

    def list_video_ids(self, query: VideoQuery) -> list[VideoId]:
        """The ids of the videos of ``query``, in its order (one query, ids only: for orders
        no index gives, worked out once and then read a page of ids at a time)."""
        v = t.video
        with self._read() as conn:
            stmt, key = self._listing(conn, query)
            stmt = self._ordered(stmt.with_only_columns(v.c.id, maintain_column_froms=True),
                                 key, query)
            return [VideoId(i) for (i,) in conn.execute(stmt)]

    def videos_by_id(self, ids: Iterable[VideoId]) -> dict[VideoId, Video]:
        """These videos (those that are still there), by id."""
        wanted = list(dict.fromkeys(ids))
        found: dict[VideoId, Video] = {}
        with self._read() as conn:
            for i in range(0, len(wanted), 500):
                rows = conn.execute(select(t.video).where(t.video.c.id.in_(wanted[i:i + 500])))
                found.update((VideoId(r.id), _video(r)) for r in rows)
        return found

    def count_videos(self, query: VideoQuery) -> int:
        """How many videos ``query`` shows."""
        with self._read() as conn:
            stmt, _key = self._listing(conn, query)
            return int(conn.execute(
                select(func.count()).select_from(stmt.subquery())).scalar_one())

    def video_position(self, query: VideoQuery, video_id: VideoId) -> int | None:
        """Where ``video_id`` is in the list of ``query`` (0 first), None when not in it."""
        v = t.video
        with self._read() as conn:
            stmt, key = self._listing(conn, query)
            mine = conn.execute(stmt.with_only_columns(key.label("k"), maintain_column_froms=True)
                                .where(v.c.id == video_id)).first()
            if mine is None:
                return None
            here = mine[0]
            before = key > here if query.descending else key < here
            earlier = before if self._by_name(query) else or_(
                before, and_(key == here, v.c.id < video_id))
            counted = stmt.with_only_columns(v.c.id, maintain_column_froms=True).where(earlier)
            return int(conn.execute(
                select(func.count()).select_from(counted.subquery())).scalar_one())
