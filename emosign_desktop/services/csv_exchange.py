"""EmoSign CSV files in and out of a project.

Importing the released file makes its labels the annotations of the annotator
``emosign-consensus`` and ``Reasoning_k`` the cue text of annotator ``reasoning-k``; importing
one annotator's file gives that annotator the labels.  An import is one operation: the whole
file is parsed and checked first, then written in one transaction, and undone as one step
("Undo: import emosign_dataset.csv").
"""

from __future__ import annotations

from pathlib import Path

from emosign_desktop.core.changeset import AnnotationEdit, ChangeSet
from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.core.model import (
    CONSENSUS_ANNOTATOR,
    REASONING_ANNOTATORS,
    AnnotatorKind,
    VideoAnnotation,
)
from emosign_desktop.core.schema import CUES, SENTIMENT
from emosign_desktop.io.emosign_csv import (
    RELEASED_OFFSET,
    ImportSummary,
    LabelRow,
    read_annotator_csv,
    read_released,
    write_annotator_rows,
    write_released,
)
from emosign_desktop.services.background import checkpoint
from emosign_desktop.services.building import (
    NewIds,
    annotation_edit,
    find_or_add_annotator,
    find_or_add_videos,
)
from emosign_desktop.services.handle import ProjectHandle as Session
from emosign_desktop.storage.repository import Repository


def _import(session: Session, path: str | Path, rows: list[LabelRow],
            people: list[tuple[str, AnnotatorKind]], summary: ImportSummary) -> ImportSummary:
    """Write the rows: the first of ``people`` gets the labels, the others the texts."""
    def build(repo: Repository) -> ChangeSet:
        ids = NewIds(repo)
        found = [find_or_add_annotator(repo, name, ids, kind) for name, kind in people]
        video_ids, new_videos = find_or_add_videos(repo, (r.video_name for r in rows), ids)
        summary.videos_added = len(new_videos)
        keys = [(video_ids[r.video_name], who.id) for r in rows for who, _ in found]
        stored = repo.stored_annotations(keys)
        empty = repo.schema.empty_values()
        edits: list[AnnotationEdit | None] = []
        for i, r in enumerate(rows, 1):
            checkpoint(i, len(rows), f"importing {Path(path).name}: row {i:,} of {len(rows):,}")
            vid = video_ids[r.video_name]
            labeller, *texters = (who for who, _ in found)
            edits.append(annotation_edit((vid, labeller.id), stored, r.values, empty,
                                             ensure=True))
            for who, text in zip(texters, r.texts, strict=True):
                if text or (vid, who.id) in stored:
                    edits.append(annotation_edit((vid, who.id), stored, {CUES: text}, empty))
        return ChangeSet(annotators=tuple(e for _, made in found for e in made),
                         videos=new_videos,
                         annotations=tuple(e for e in edits if e is not None))

    session.writer.run(f"import {Path(path).name}", build)
    summary.annotators = [name for name, _ in people]
    return summary


def import_released(session: Session, path: str | Path) -> ImportSummary:
    """Import the released EmoSign file, all or nothing."""
    rows = read_released(path, session._repo.schema)
    people = [(CONSENSUS_ANNOTATOR, AnnotatorKind.IMPORTED),
              *((n, AnnotatorKind.IMPORTED) for n in REASONING_ANNOTATORS)]
    return _import(session, path, rows, people, ImportSummary(rows=len(rows)))


def import_annotator_csv(session: Session, path: str | Path, annotator: str, *,
                         offset: int = RELEASED_OFFSET) -> ImportSummary:
    """Import one annotator's ratings, all or nothing."""
    rows = read_annotator_csv(path, session._repo.schema, offset=offset)
    return _import(session, path, rows, [(annotator, AnnotatorKind.HUMAN)],
                   ImportSummary(rows=len(rows)))


def export_released(session: Session, path: str | Path, *, raw: bool = False,
                    offset: int = RELEASED_OFFSET) -> int:
    """Write the consensus labels and reasoning texts in the released format; returns rows.

    Importing the released file and exporting it gives the same bytes.  A text a
    spreadsheet would run as a formula gets a quote in front unless ``raw``.  Emotions are
    coded protocol value + ``offset``: 1..4 like the released file, or 0..3 with 0.
    """
    repo = session._repo
    consensus = repo.annotator_by_name(CONSENSUS_ANNOTATOR)
    if consensus is None:
        raise EmoSignError(
            f"the project has no '{CONSENSUS_ANNOTATOR}' annotations to export "
            "(import a released EmoSign file first, or use --aggregate)"
        )
    labels = {a.video_id: a for a in repo.annotations(annotator_id=consensus.id)}
    texts: list[dict[int, str]] = []
    for name in REASONING_ANNOTATORS:
        who = repo.annotator_by_name(name)
        found = repo.annotations(annotator_id=who.id) if who else []
        texts.append({a.video_id: a.cues for a in found})
    rows = []
    for video in repo.videos():
        if video.id not in labels and not any(video.id in t for t in texts):
            continue
        ann = labels.get(video.id) or VideoAnnotation(video.id, consensus.id)
        values = {SENTIMENT: ann.sentiment, **ann.emotions}
        rows.append((video.name, values, [t.get(video.id, "") for t in texts]))
    return write_released(path, repo.schema, rows, raw=raw, offset=offset)


def export_annotator_csv(session: Session, path: str | Path, annotator: str, *,
                         raw: bool = False, offset: int = RELEASED_OFFSET) -> int:
    """Write one annotator's ratings in the annotator format (emotions coded protocol value
    + ``offset``: 1..4 by default, as the annotator gave them with 0); texts a spreadsheet
    would run get a quote in front unless ``raw``."""
    repo = session._repo
    who = repo.annotator_by_name(annotator)
    if who is None:
        raise EmoSignError(f"the project has no annotator named '{annotator}'")
    names = {v.id: v.name for v in repo.videos()}
    return write_annotator_rows(path, repo.schema, [
        (names[ann.video_id], ann) for ann in repo.annotations(annotator_id=who.id)], raw=raw,
        offset=offset)
