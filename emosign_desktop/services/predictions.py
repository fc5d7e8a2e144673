"""Model predictions beside the annotations: import a run (one model in one input setting)
from a file, list the runs, remove one.  Each is one operation on the write path: all or
nothing, one undo step.  Predictions are never anyone's labels, and merges leave them alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from emosign_desktop.core.changeset import ChangeSet, PredictedCueEdit, PredictionEdit
from emosign_desktop.core.errors import EmoSignError, InputFileError
from emosign_desktop.core.model import INPUT_SETTINGS, PredictedCue, Prediction
from emosign_desktop.io.predictions import read_prediction_file
from emosign_desktop.services.building import NewIds
from emosign_desktop.services.write_path import WritePath
from emosign_desktop.storage.repository import Repository


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


def check_run(model: str, setting: str) -> tuple[str, str]:
    """A run's name, checked: a model name, and one of the three input settings."""
    model = model.strip()
    if not model:
        raise EmoSignError("give the model's name (--model NAME)")
    if setting not in INPUT_SETTINGS:
        raise EmoSignError(f"the input setting must be one of {', '.join(INPUT_SETTINGS)} "
                           f"(got '{setting}')")
    return model, setting


def import_predictions(writer: WritePath, path: str | Path, model: str,
                       setting: str) -> RunSummary:
    """Import a prediction (and/or cue) file as the run ``model``/``setting``.  Importing the
    same run again replaces what the file carries (its predictions, its cue segments)."""
    model, setting = check_run(model, setting)
    repo = writer.repo
    videos = {v.name: v for v in repo.videos()}
    parsed = read_prediction_file(path, repo.schema, videos)
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
                         log=f"predictions {model} ({setting}) from {parsed.path.name}")

    writer.run(f"import predictions {model} ({setting})", build)
    return RunSummary(model, setting, len(parsed.predictions), len(parsed.cues))


def prediction_runs(repo: Repository) -> list[RunSummary]:
    """Every imported run."""
    return [RunSummary(*row) for row in repo.prediction_runs()]


def remove_run(writer: WritePath, model: str, setting: str) -> RunSummary:
    """Remove a run's predictions and cue segments (one undoable step)."""
    run = (model, setting)
    found = [r for r in prediction_runs(writer.repo) if (r.model, r.setting) == run]
    if not found:
        known = "; ".join(str(r) for r in prediction_runs(writer.repo)) or "none"
        raise EmoSignError(f"the project has no predictions of {model} ({setting}) "
                           f"(runs: {known})")

    def build(repo: Repository) -> ChangeSet:
        return ChangeSet(
            predictions=tuple(PredictionEdit(p, None) for p in repo.predictions(run=run)),
            predicted_cues=tuple(PredictedCueEdit(c, None)
                                 for c in repo.predicted_cues(run=run)),
            log=f"remove predictions {model} ({setting})")

    writer.run(f"remove predictions {model} ({setting})", build)
    return found[0]
