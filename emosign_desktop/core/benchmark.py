"""The paper's benchmark tasks, derived from reference labels (pure Python).

EmoSign (Chua et al., NeurIPS 2025) evaluates models on:

* **sentiment, 7-class**: the value -3..+3 itself; **3-class**: negative (< 0), neutral (0),
  positive (> 0) (:func:`sentiment3`);
* **single-label emotion**: ``joy`` and ``excited`` are merged into ``happiness`` (the larger
  of the two), and the video's label is the category with the highest intensity, ``neutral``
  when every emotion is absent (all 0) (:func:`emotion_labels`).  A video whose maximum is
  shared by several categories has several labels: it belongs to the *multi-expression* set,
  but only when its combination of labels occurs in more than 2 videos; videos with rarer
  combinations are dropped from both sets (:func:`derive_tasks`).

A video enters the sentiment tasks when its reference has a sentiment, and the emotion tasks
when its reference rates all ten protocol emotions (a partly rated video is left out of them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

#: The ten emotions of the protocol, in the released file's column order.
PROTOCOL_EMOTIONS = ("joy", "excited", "surprise_pos", "surprise_neg", "worry", "sadness",
                     "fear", "disgust", "frustration", "anger")
#: The protocol emotions merged into ``happiness``.
HAPPINESS_SOURCES = ("joy", "excited")
HAPPINESS = "happiness"
NEUTRAL = "neutral"
#: The single-label emotion classes, in the paper's order (the same tuple as
#: ``io.predictions.EMOTION_LABELS``; the core cannot import io).
EMOTION_CLASSES = (HAPPINESS, "surprise_pos", "surprise_neg", "worry", "sadness", "fear",
                   "disgust", "frustration", "anger", NEUTRAL)
#: The 3-class sentiment labels, in order.
SENTIMENT3_CLASSES = ("negative", "neutral", "positive")
#: A combination of tied labels is kept as a multi-expression class only when it occurs in
#: more than this many videos.
MULTI_MIN_EXCLUSIVE = 2


def sentiment3(value: int) -> str:
    """The 3-class sentiment of a value: negative (< 0), neutral (0), positive (> 0)."""
    if value < 0:
        return "negative"
    return "positive" if value > 0 else "neutral"


def merged_intensities(intensities: Mapping[str, int | None]) -> dict[str, int]:
    """The nine emotion categories of the task (``happiness`` = max of joy and excited), in
    :data:`EMOTION_CLASSES` order.  Raises ValueError when a protocol emotion is missing."""
    values: dict[str, int] = {}
    missing: list[str] = []
    for k in PROTOCOL_EMOTIONS:
        v = intensities.get(k)
        if v is None:
            missing.append(k)
        else:
            values[k] = int(v)
    if missing:
        raise ValueError(f"the emotions {', '.join(missing)} are not rated")
    out = {HAPPINESS: max(values[k] for k in HAPPINESS_SOURCES)}
    out.update((k, values[k]) for k in PROTOCOL_EMOTIONS if k not in HAPPINESS_SOURCES)
    return out


def emotion_labels(intensities: Mapping[str, int | None]) -> tuple[str, ...]:
    """The reference emotion label(s) of a video: the category (joy and excited merged into
    happiness) with the highest intensity; ``("neutral",)`` when every emotion is 0; all the
    tied categories, in :data:`EMOTION_CLASSES` order, when the maximum is shared."""
    merged = merged_intensities(intensities)
    top = max(merged.values())
    if top <= 0:
        return (NEUTRAL,)
    return tuple(k for k, v in merged.items() if v == top)


def has_all_emotions(row: Mapping[str, int | None]) -> bool:
    """True when every protocol emotion is rated in ``row``."""
    return all(row.get(k) is not None for k in PROTOCOL_EMOTIONS)


class PredictionLike(Protocol):
    """What :func:`predicted_emotion` reads of a ``core.model.Prediction``."""

    @property
    def emotion(self) -> str | None: ...

    @property
    def intensities(self) -> Mapping[str, int] | None: ...


def emotion_from_intensities(intensities: Mapping[str, int]) -> str:
    """A model's single emotion from its ten intensities: as :func:`emotion_labels`, but a
    tie is broken to the **first tied label in** :data:`EMOTION_CLASSES` **order**
    (happiness, surprise_pos, surprise_neg, worry, sadness, fear, disgust, frustration,
    anger): a model answers one label, and this rule is fixed and documented rather than
    guessed."""
    return emotion_labels(intensities)[0]


def predicted_emotion(prediction: PredictionLike) -> str | None:
    """A prediction's emotion label: its ``emotion`` when given, else the label derived from
    its intensities (:func:`emotion_from_intensities`: ties go to the first tied label in
    :data:`EMOTION_CLASSES` order), else None (no emotion answer)."""
    if prediction.emotion:
        return prediction.emotion
    if prediction.intensities is not None:
        try:
            return emotion_from_intensities(prediction.intensities)
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class BenchmarkTasks:
    """The videos of each task with their reference answers.

    ``sentiment``: video -> value (-3..+3; its :func:`sentiment3` is the 3-class answer);
    ``single_expression``: video -> its one label; ``multi_expression``: video -> its tied
    labels (combinations occurring in more than 2 videos); ``dropped``: videos with a shared
    maximum whose combination is rarer (in neither set); ``videos``: every video with a
    reference label (a sentiment or all ten emotions)."""

    sentiment: dict[int, int] = field(default_factory=dict)
    single_expression: dict[int, str] = field(default_factory=dict)
    multi_expression: dict[int, tuple[str, ...]] = field(default_factory=dict)
    dropped: dict[int, tuple[str, ...]] = field(default_factory=dict)
    videos: tuple[int, ...] = ()

    @property
    def multi_combinations(self) -> dict[tuple[str, ...], int]:
        """The kept label combinations and how many videos each has."""
        return dict(Counter(self.multi_expression.values()))


def derive_tasks(reference: Mapping[int, Mapping[str, int | None]]) -> BenchmarkTasks:
    """The benchmark's task sets from reference labels (video id -> field -> value, with
    ``sentiment`` and the ten protocol emotions on the protocol's scales)."""
    sentiment: dict[int, int] = {}
    single: dict[int, str] = {}
    tied: dict[int, tuple[str, ...]] = {}
    videos: list[int] = []
    for video in sorted(reference):
        row = reference[video]
        value = row.get("sentiment")
        labelled = False
        if value is not None:
            sentiment[video] = int(value)
            labelled = True
        if has_all_emotions(row):
            labels = emotion_labels(row)
            if len(labels) == 1:
                single[video] = labels[0]
            else:
                tied[video] = labels
            labelled = True
        if labelled:
            videos.append(video)
    counts = Counter(tied.values())
    multi = {v: c for v, c in tied.items() if counts[c] > MULTI_MIN_EXCLUSIVE}
    dropped = {v: c for v, c in tied.items() if counts[c] <= MULTI_MIN_EXCLUSIVE}
    return BenchmarkTasks(sentiment, single, multi, dropped, tuple(videos))
