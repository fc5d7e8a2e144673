"""Helpers that build change sets from the project as it is (inside an operation's write
transaction): new ids, annotators and videos found or added by name, annotation edits."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from emosign_desktop.core.changeset import AnnotationEdit, AnnotatorEdit, VideoEdit
from emosign_desktop.core.errors import ProjectError
from emosign_desktop.core.model import Annotator, AnnotatorId, AnnotatorKind, Video, VideoId
from emosign_desktop.core.names import check_name
from emosign_desktop.storage.annotations import Key, Stored
from emosign_desktop.storage.repository import Repository


class NewIds:
    """Ids for rows an operation creates, given out inside its transaction (undo and redo
    restore rows under the same ids)."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self._next: dict[str, int] = {}

    def __call__(self, table: str) -> int:
        n = self._next.get(table) or self.repo.next_id(table)
        self._next[table] = n + 1
        return n


def find_or_add_annotator(repo: Repository, name: str, ids: NewIds,
                          kind: AnnotatorKind = AnnotatorKind.HUMAN
                          ) -> tuple[Annotator, tuple[AnnotatorEdit, ...]]:
    """The annotator called ``name``, and the edit that creates it if it is new (an
    annotator appears with their first edit, not before)."""
    name = check_name("annotator", name.strip())  # before any look-up (a server refuses NUL)
    if not name:
        raise ProjectError("an annotator needs a name")
    found = repo.annotator_by_name(name)
    if found is not None:
        return found, ()
    new = Annotator(AnnotatorId(ids("annotator")), name, kind)
    return new, (AnnotatorEdit(None, new),)


def find_or_add_videos(repo: Repository, names: Iterable[str], ids: NewIds
                       ) -> tuple[dict[str, VideoId], tuple[VideoEdit, ...]]:
    """The ids of the videos called ``names``, and the edits that add the new ones (by name
    only: their media can be linked later)."""
    known = {v.name: v.id for v in repo.videos()}
    found: dict[str, VideoId] = {}
    added = []
    for name in names:
        if name in found:
            continue
        vid = known.get(name)
        if vid is None:
            video = Video(VideoId(ids("video")), check_name("video", name))
            added.append(VideoEdit(None, video))
            vid = video.id
        found[name] = vid
    return found, tuple(added)


def annotation_edit(key: Key, stored: Mapping[Key, Stored], values: Mapping[str, object],
                    empty: Mapping[str, object], stamp: str | None = None,
                    created: str | None = None, *, ensure: bool = False
                    ) -> AnnotationEdit | None:
    """The edit that gives annotation ``key`` these (already validated) ``values``, or None
    when it holds them already.  With ``ensure`` an annotation that does not exist yet is
    created even when every value is empty (a file listed the video for this annotator)."""
    row = stored.get(key)
    current = row[1] if row else {}
    changed = {f: v for f, v in values.items() if current.get(f, empty[f]) != v}
    if not changed and not (ensure and row is None):
        return None
    return AnnotationEdit(key[0], key[1], {f: current.get(f, empty[f]) for f in changed},
                          changed, existed=row is not None,
                          before_stamp=row[3] if row else None, after_stamp=stamp,
                          created_stamp=created)
