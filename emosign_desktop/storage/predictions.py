"""Model predictions (one per model, input setting and video) and the cue segments models
predict: reads, and their part of applying a change set (bulk: any number of rows in a
handful of statements)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, Connection, Row, Table, and_, bindparam, delete, func, select

from emosign_desktop.core.changeset import PredictedCueEdit, PredictionEdit
from emosign_desktop.core.errors import StaleChangeError
from emosign_desktop.core.model import PredictedCue, Prediction, Region, VideoId
from emosign_desktop.storage import tables as t
from emosign_desktop.storage.base import StoreBase

Run = tuple[str, str]  # (model, input setting)


def _prediction(row: Row[tuple[object, ...]]) -> Prediction:
    m = row._mapping
    raw = m["intensities"]
    return Prediction(m["model"], m["input_setting"], VideoId(m["video_id"]), m["sentiment"],
                      m["emotion"], m["raw_text"], json.loads(raw) if raw else None)


def _cue(row: Row[tuple[object, ...]]) -> PredictedCue:
    m = row._mapping
    region = None if m["region_x"] is None else Region(
        m["region_x"], m["region_y"], m["region_w"], m["region_h"])
    return PredictedCue(m["id"], m["model"], m["input_setting"], VideoId(m["video_id"]),
                        m["start_frame"], m["end_frame"], m["label"], region)


def _where(table: Table, run: Run | None, video_id: VideoId | None
           ) -> list[ColumnElement[bool]]:
    c = table.c
    cond: list[ColumnElement[bool]] = []
    if run is not None:
        cond += [c.model == run[0], c.input_setting == run[1]]
    if video_id is not None:
        cond.append(c.video_id == video_id)
    return cond


class PredictionStore(StoreBase):
    """Predictions and predicted cue segments."""

    # -- reads ---------------------------------------------------------------------------------
    def predictions(self, *, video_id: VideoId | None = None,
                    run: Run | None = None) -> list[Prediction]:
        """Stored predictions, optionally of one video and/or one run (model, setting)."""
        p = t.prediction
        q = select(p).where(and_(True, *_where(p, run, video_id))).order_by(
            p.c.model, p.c.input_setting, p.c.video_id)
        with self._read() as conn:
            return [_prediction(r) for r in conn.execute(q)]

    def prediction_runs(self) -> list[tuple[str, str, int, int]]:
        """Every imported run: (model, setting, predictions, predicted cues), by model."""
        p, c = t.prediction, t.predicted_cue
        with self._read() as conn:
            counts = {(m, s): n for m, s, n in conn.execute(
                select(p.c.model, p.c.input_setting, func.count()).group_by(
                    p.c.model, p.c.input_setting))}
            cues = {(m, s): n for m, s, n in conn.execute(
                select(c.c.model, c.c.input_setting, func.count()).group_by(
                    c.c.model, c.c.input_setting))}
        runs = sorted(set(counts) | set(cues))
        return [(m, s, counts.get((m, s), 0), cues.get((m, s), 0)) for m, s in runs]

    def predicted_cues(self, *, video_id: VideoId | None = None,
                       run: Run | None = None) -> list[PredictedCue]:
        """Predicted cue segments, optionally of one video and/or one run."""
        c = t.predicted_cue
        q = select(c).where(and_(True, *_where(c, run, video_id))).order_by(
            c.c.model, c.c.input_setting, c.c.video_id, c.c.start_frame, c.c.id)
        with self._read() as conn:
            return [_cue(r) for r in conn.execute(q)]

    # -- applying: predictions -----------------------------------------------------------------
    def _stored_predictions(self, conn: Connection, runs: Iterable[Run]
                            ) -> dict[tuple[str, str, int], Prediction]:
        p = t.prediction
        found: dict[tuple[str, str, int], Prediction] = {}
        for model, setting in set(runs):
            for row in conn.execute(select(p).where(p.c.model == model,
                                                    p.c.input_setting == setting)):
                pred = _prediction(row)
                found[(pred.model, pred.input_setting, pred.video_id)] = pred
        return found

    def _verify_predictions(self, conn: Connection, edits: Sequence[PredictionEdit]) -> None:
        if not edits:
            return
        stored = self._stored_predictions(conn, (e.key[:2] for e in edits))
        for e in edits:
            if stored.get(e.key) != e.before:
                model, setting, video = e.key
                raise StaleChangeError(
                    f"the prediction of {model} ({setting}) for video "
                    f"'{self._video_name(conn, video)}' was changed since; nothing was changed")

    def _apply_predictions(self, conn: Connection, edits: Sequence[PredictionEdit]) -> None:
        if not edits:
            return
        p = t.prediction
        conn.execute(delete(p).where(p.c.model == bindparam("m"),
                                     p.c.input_setting == bindparam("s"),
                                     p.c.video_id == bindparam("v")),
                     [{"m": m, "s": s, "v": v} for m, s, v in (e.key for e in edits)])
        rows = [{"model": a.model, "input_setting": a.input_setting, "video_id": a.video_id,
                 "sentiment": a.sentiment, "emotion": a.emotion, "raw_text": a.reasoning,
                 "intensities": None if a.intensities is None
                 else json.dumps(dict(a.intensities))}
                for a in (e.after for e in edits) if a is not None]
        if rows:
            conn.execute(p.insert(), rows)

    # -- applying: predicted cues --------------------------------------------------------------
    def _verify_predicted_cues(self, conn: Connection, edits: Sequence[PredictedCueEdit]
                               ) -> None:
        if not edits:
            return
        c = t.predicted_cue
        ids = [e.key for e in edits]
        stored: dict[int, PredictedCue] = {}
        for i in range(0, len(ids), 500):
            for row in conn.execute(select(c).where(c.c.id.in_(ids[i:i + 500]))):
                stored[row.id] = _cue(row)
        for e in edits:
            if stored.get(e.key) != e.before:
                cue = e.before or e.after
                assert cue is not None
                raise StaleChangeError(f"a cue segment predicted by {cue.model} was changed "
                                       "since; nothing was changed")

    def _apply_predicted_cues(self, conn: Connection, edits: Sequence[PredictedCueEdit]
                              ) -> None:
        if not edits:
            return
        c = t.predicted_cue
        gone = [e.key for e in edits]
        for i in range(0, len(gone), 500):
            conn.execute(delete(c).where(c.c.id.in_(gone[i:i + 500])))
        rows = []
        for cue in (e.after for e in edits):
            if cue is None:
                continue
            r = cue.region
            rows.append({"id": cue.id, "model": cue.model, "input_setting": cue.input_setting,
                         "video_id": cue.video_id, "start_frame": cue.start_frame,
                         "end_frame": cue.end_frame, "label": cue.label,
                         "region_x": r.x if r else None, "region_y": r.y if r else None,
                         "region_w": r.w if r else None, "region_h": r.h if r else None})
        if rows:
            conn.execute(c.insert(), rows)
