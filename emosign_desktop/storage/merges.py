"""Merged annotator packs: their provenance records and the conflict log (reads, and their
part of applying a change set).  What a merge changes is worked out in ``services``."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, delete, func, select

from emosign_desktop.core.changeset import MergeEdit
from emosign_desktop.core.errors import StaleChangeError
from emosign_desktop.core.model import AnnotatorId
from emosign_desktop.storage import tables as t
from emosign_desktop.storage.base import StoreBase

_RECORD = ("pack_sha256", "pack_name", "annotator", "source_project", "app_version",
           "pack_created_at", "merged_at", "summary")


class MergeStore(StoreBase):
    """Records of merged packs, and their conflicts."""

    def project_id(self) -> str:
        """The project's own id (packs name the project they came from)."""
        with self._read() as conn:
            return str(conn.execute(select(t.meta.c.value).where(
                t.meta.c.key == "project_id")).scalar_one())

    def is_merged(self, sha256: str) -> bool:
        """True when a pack file with this content was merged already."""
        with self._read() as conn:
            return conn.execute(select(t.pack_merge.c.id).where(
                t.pack_merge.c.pack_sha256 == sha256)).first() is not None

    def others_segments(self, uids: Sequence[str], annotator_id: AnnotatorId | None,
                        named: int = 5) -> tuple[int, list[tuple[str, str, str]]]:
        """Of the segments with these uids, how many belong to an annotator other than
        ``annotator_id`` (None: to anyone), and the first ``named`` of them (in the order of
        ``uids``) as (uid, video name, annotator name): the items a pack of that annotator
        may not touch."""
        s, v, a = t.segment, t.video, t.annotator
        count = 0
        first: list[tuple[str, str, str]] = []
        with self._read() as conn:
            for i in range(0, len(uids), 500):
                batch = uids[i:i + 500]
                where = s.c.uid.in_(batch) & (s.c.annotator_id != annotator_id) \
                    if annotator_id is not None else s.c.uid.in_(batch)
                if len(first) >= named:
                    count += conn.execute(select(func.count()).select_from(s).where(where)
                                          ).scalar_one()
                    continue
                rows = conn.execute(select(s.c.uid, v.c.name, a.c.name).select_from(
                    s.join(v, v.c.id == s.c.video_id).join(a, a.c.id == s.c.annotator_id)
                ).where(where)).all()
                count += len(rows)
                order = {u: n for n, u in enumerate(batch)}
                first += sorted(((r[0], r[1], r[2]) for r in rows), key=lambda r: order[r[0]])
        return count, first[:named]

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

    def _verify_merges(self, conn: Connection, edits: Sequence[MergeEdit]) -> None:
        pm = t.pack_merge
        for e in edits:
            record = e.after or e.before
            assert record is not None
            found = conn.execute(select(pm.c.id).where(
                (pm.c.id == record.id) | (pm.c.pack_sha256 == record.pack_sha256))).first()
            if (found is None) != (e.before is None):
                raise StaleChangeError(
                    f"the merge of {record.pack_name} was "
                    f"{'undone' if found is None else 'made again'} since; nothing was changed")

    def _apply_merges(self, conn: Connection, edits: Sequence[MergeEdit], deleting: bool) -> None:
        pm = t.pack_merge
        for e in edits:
            if (e.after is None) != deleting:
                continue
            if e.after is None:
                assert e.before is not None
                conn.execute(delete(pm).where(pm.c.id == e.before.id))  # conflicts cascade
                continue
            r = e.after
            conn.execute(pm.insert().values(id=r.id, **{k: getattr(r, k) for k in _RECORD}))
            if r.conflicts:
                conn.execute(t.merge_conflict.insert(),
                             [{**c, "merge_id": r.id} for c in r.conflicts])
