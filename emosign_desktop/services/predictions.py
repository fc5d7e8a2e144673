"""Model predictions beside the annotations: import a run (one model in one input setting)
from a file, list the runs, remove one.  Each is one operation on the write path: all or
nothing, one undo step.  Predictions are never anyone's labels, and merges leave them alone.

Where a run came from is kept with it (:func:`run_sources`): for its predictions and for its
cue segments, the file they were imported from (absolute path), its size and SHA-256, when
(UTC, ISO 8601) and by which version of the app; in the project setting
``prediction_run:["MODEL", "SETTING"]`` (JSON), written in the same operation as the run, so
that undo and remove take it back with the run.  Runs imported before this was kept have
none.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emosign_desktop import __version__
from emosign_desktop.core import project_settings
from emosign_desktop.core.changeset import ChangeSet, MetaEdit, PredictedCueEdit, PredictionEdit
from emosign_desktop.core.errors import EmoSignError, InputFileError
from emosign_desktop.core.model import INPUT_SETTINGS, PredictedCue, Prediction
from emosign_desktop.io.predictions import read_prediction_file
from emosign_desktop.services.building import NewIds
from emosign_desktop.services.handle import ProjectHandle as Session
from emosign_desktop.storage.base import now_iso
from emosign_desktop.storage.repository import Repository

RUN_SOURCE_META = project_settings.PREDICTION_RUN_PREFIX  # + JSON [model, setting]
#: What a file gave a run, in the order the sources are listed.
CARRIED = ("predictions", "cues")


@dataclass(frozen=True)
class RunSummary:
    """One imported run."""

    model: str
    setting: str
    predictions: int
    cues: int

    def __str__(self) -> str:
        return (f"{self.model} ({self.setting}): {self.predictions} predictions, "
                f"{self.cues} cue segments")


@dataclass(frozen=True)
class RunSource:
    """A file a run was imported from: what it carries for the run (``predictions``,
    ``cues`` or both), its absolute path, size (bytes) and SHA-256 (hex), when it was
    imported (UTC, ISO 8601) and by which version of the app."""

    carries: tuple[str, ...]
    file: str
    size: int
    sha256: str
    imported_at: str
    app_version: str


def run_source_key(model: str, setting: str) -> str:
    """The project setting that holds where the run came from."""
    return RUN_SOURCE_META + json.dumps([model, setting], ensure_ascii=False)


def _stored_sources(meta: dict[str, str], key: str) -> dict[str, dict[str, Any]]:
    """The stored record (what each kind came from); empty when none or unreadable."""
    try:
        data = json.loads(meta.get(key) or "{}")
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if k in CARRIED and isinstance(v, dict)}


def run_sources(session: Session, model: str, setting: str) -> list[RunSource]:
    """The files the run came from (one when a single file gave both its predictions and
    its cue segments; none for a run imported before this was kept)."""
    repo = session._repo
    stored = _stored_sources(repo.meta(), run_source_key(model, setting))
    out: list[RunSource] = []
    for kind in CARRIED:
        record = stored.get(kind)
        if record is None:
            continue
        try:
            source = RunSource((kind,), str(record["file"]), int(record["size"]),
                               str(record["sha256"]), str(record["imported_at"]),
                               str(record.get("app_version", "")))
        except (KeyError, TypeError, ValueError):
            continue
        same = next((i for i, o in enumerate(out) if (o.file, o.sha256, o.imported_at)
                     == (source.file, source.sha256, source.imported_at)), None)
        if same is None:
            out.append(source)
        else:
            old = out[same]
            out[same] = RunSource((*old.carries, kind), old.file, old.size, old.sha256,
                                  old.imported_at, old.app_version)
    return out


def file_sha256(path: Path) -> tuple[int, str]:
    """A file's size and SHA-256 (hex); :class:`InputFileError` when it cannot be read."""
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as fh:
            while block := fh.read(1 << 20):
                digest.update(block)
                size += len(block)
    except OSError as exc:
        raise InputFileError(path, f"cannot read the file ({exc.strerror})") from None
    return size, digest.hexdigest()


def check_run(model: str, setting: str) -> tuple[str, str]:
    """A run's name, checked: a model name, and one of the three input settings."""
    model = model.strip()
    if not model:
        raise EmoSignError("give the model's name (--model NAME)")
    if setting not in INPUT_SETTINGS:
        raise EmoSignError(f"the input setting must be one of {', '.join(INPUT_SETTINGS)} "
                           f"(got '{setting}')")
    return model, setting


def import_predictions(session: Session, path: str | Path, model: str,
                       setting: str) -> RunSummary:
    """Import a prediction (and/or cue) file as the run ``model``/``setting``.  Importing the
    same run again replaces what the file carries (its predictions, its cue segments).  The
    file's path, size and SHA-256 are kept with the run (:func:`run_sources`)."""
    model, setting = check_run(model, setting)
    repo = session._repo
    videos = {v.name: v for v in repo.videos()}
    parsed = read_prediction_file(path, repo.schema, videos)
    size, sha256 = file_sha256(parsed.path)
    carries = [k for k, rows in zip(CARRIED, (parsed.predictions, parsed.cues), strict=True)
               if rows]
    for cue in parsed.cues:
        media = videos[cue.video_name].media
        if media is not None and cue.end_frame >= media.frame_count:
            raise InputFileError(parsed.path, f"frame {cue.end_frame} is past the video's last "
                                 f"frame ({media.frame_count - 1})", row=cue.row,
                                 column="end_frame")
    run = (model, setting)

    def build(repo: Repository) -> ChangeSet:
        predictions: list[PredictionEdit] = []
        if parsed.predictions:
            old = {p.video_id: p for p in repo.predictions(run=run)}
            new = {videos[r.video_name].id: Prediction(
                model, setting, videos[r.video_name].id, r.sentiment, r.emotion, r.reasoning,
                r.intensities) for r in parsed.predictions}
            predictions = [PredictionEdit(old.get(v), new.get(v))
                           for v in sorted(set(old) | set(new)) if old.get(v) != new.get(v)]
        cues: list[PredictedCueEdit] = []
        if parsed.cues:
            ids = NewIds(repo)
            cues = [PredictedCueEdit(c, None) for c in repo.predicted_cues(run=run)]
            cues += [PredictedCueEdit(None, PredictedCue(
                ids("predicted_cue"), model, setting, videos[c.video_name].id, c.start_frame,
                c.end_frame, c.label, c.region)) for c in parsed.cues]
        return ChangeSet(predictions=tuple(predictions), predicted_cues=tuple(cues),
                         meta=(_source_edit(repo, run, parsed.path, size, sha256, carries),),
                         log=f"predictions {model} ({setting}) from {parsed.path.name}")

    session.writer.run(f"import predictions {model} ({setting})", build)
    return RunSummary(model, setting, len(parsed.predictions), len(parsed.cues))


def _source_edit(repo: Repository, run: tuple[str, str], path: Path, size: int, sha256: str,
                 carries: list[str]) -> MetaEdit:
    """The run's record of where it came from, with what ``path`` carries replaced."""
    key = run_source_key(*run)
    before = repo.meta().get(key)
    record = _stored_sources(repo.meta(), key)
    source = {"file": str(path.resolve()), "size": size, "sha256": sha256,
              "imported_at": now_iso(), "app_version": __version__}
    record.update(dict.fromkeys(carries, source))
    return MetaEdit(key, before, json.dumps(record, ensure_ascii=False, sort_keys=True))


def prediction_runs(session: Session) -> list[RunSummary]:
    """Every imported run."""
    repo = session._repo
    return [RunSummary(*row) for row in repo.prediction_runs()]


def remove_run(session: Session, model: str, setting: str) -> RunSummary:
    """Remove a run's predictions and cue segments (one undoable step)."""
    run = (model, setting)
    found = [r for r in prediction_runs(session) if (r.model, r.setting) == run]
    if not found:
        known = "; ".join(str(r) for r in prediction_runs(session)) or "none"
        raise EmoSignError(f"the project has no predictions of {model} ({setting}) "
                           f"(runs: {known})")

    def build(repo: Repository) -> ChangeSet:
        key = run_source_key(model, setting)
        source = repo.meta().get(key)
        return ChangeSet(
            predictions=tuple(PredictionEdit(p, None) for p in repo.predictions(run=run)),
            predicted_cues=tuple(PredictedCueEdit(c, None)
                                 for c in repo.predicted_cues(run=run)),
            meta=(MetaEdit(key, source, None),) if source is not None else (),
            log=f"remove predictions {model} ({setting})")

    session.writer.run(f"remove predictions {model} ({setting})", build)
    return found[0]
