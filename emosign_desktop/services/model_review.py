"""One video's answers side by side: the reference labels, each annotator, each model run,
for the Models tab (sentiment, the single emotion label of the paper's task, reasoning or
cues), with where each differs from the reference."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from emosign_desktop.analysis.aggregate import aggregate
from emosign_desktop.core.benchmark import emotion_labels, predicted_emotion
from emosign_desktop.core.model import (
    CONSENSUS_ANNOTATOR,
    PredictedCue,
    Video,
    VideoAnnotation,
)
from emosign_desktop.core.schema import EMOTION_CONFIDENCE, SENTIMENT, SENTIMENT_CONFIDENCE
from emosign_desktop.services.agreement import raters
from emosign_desktop.services.handle import ProjectHandle as Session


@dataclass(frozen=True)
class Answer:
    """One column of the comparison: who answered, and what."""

    title: str
    kind: str  # "reference", "annotator" or "model"
    sentiment: int | None
    emotion: tuple[str, ...]  # several when tied; () when not given
    text: str = ""  # reasoning (models) or cues (annotators)

    @property
    def emotion_text(self) -> str:
        return " / ".join(self.emotion) if self.emotion else "—"


@dataclass(frozen=True)
class ModelComparison:
    """The reference, the annotators and the model runs for one video."""

    video: Video
    reference: Answer | None
    answers: tuple[Answer, ...]
    cues: tuple[PredictedCue, ...]

    def differs(self, answer: Answer, field: str) -> bool:
        """True when ``answer`` differs from the reference on ``field`` (sentiment or
        emotion; an emotion differs when it is none of the reference's tied labels)."""
        ref = self.reference
        if ref is None or answer is ref:
            return False
        if field == "sentiment":
            return None not in (ref.sentiment, answer.sentiment) and \
                ref.sentiment != answer.sentiment
        if not ref.emotion or not answer.emotion:
            return False
        return not set(answer.emotion) & set(ref.emotion)


def _emotions(values: Mapping[str, object], keys: tuple[str, ...]) -> tuple[str, ...]:
    if any(values.get(k) is None for k in keys):
        return ()
    return emotion_labels({k: int(values[k]) for k in keys})  # type: ignore[call-overload]


def compare_models(session: Session, video: Video) -> ModelComparison:
    """Everything the Models tab shows for ``video``."""
    repo = session._repo
    keys = session.schema.emotion_keys
    people = {a.id: a for a in repo.annotators()}
    anns = repo.annotations(video_id=video.id)
    rater_ids = {a.id for a in raters(session)}
    answers: list[Answer] = []
    reference = None
    consensus = next((a for a in anns if people[a.annotator_id].name == CONSENSUS_ANNOTATOR),
                     None)
    if consensus is not None:
        reference = _answer(f"reference ({CONSENSUS_ANNOTATOR})", "reference", consensus, keys)
    mine = [a for a in anns if a.annotator_id in rater_ids]
    if reference is None and mine:
        reference = _majority(mine, keys)
    answers.extend(_answer(people[a.annotator_id].name, "annotator", a, keys) for a in mine)
    for p in repo.predictions(video_id=video.id):
        label = predicted_emotion(p)
        answers.append(Answer(f"{p.model} · {p.input_setting}", "model", p.sentiment,
                              (label,) if label else (), p.reasoning))
    return ModelComparison(video, reference, tuple(answers),
                           tuple(repo.predicted_cues(video_id=video.id)))


def _answer(title: str, kind: str, ann: VideoAnnotation, keys: tuple[str, ...]) -> Answer:
    return Answer(title, kind, ann.sentiment, _emotions(ann.emotions, keys), ann.cues)


def _majority(anns: list[VideoAnnotation], keys: tuple[str, ...]) -> Answer:
    values: dict[str, object] = {}
    for field in (SENTIMENT, *keys):
        task = SENTIMENT_CONFIDENCE if field == SENTIMENT else EMOTION_CONFIDENCE
        rated = [(int(v), a.value(task)) for a in anns  # type: ignore[call-overload]
                 if (v := a.value(field)) is not None]
        values[field] = aggregate(rated, "majority")  # type: ignore[arg-type]
    sentiment = values[SENTIMENT]
    return Answer("reference (majority of the annotators)", "reference",
                  sentiment if isinstance(sentiment, int) else None, _emotions(values, keys))
