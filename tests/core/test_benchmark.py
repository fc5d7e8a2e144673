"""The paper's benchmark tasks derived from reference labels (core/benchmark.py)."""

from __future__ import annotations

import pytest

from emosign_desktop.core.benchmark import (
    EMOTION_CLASSES,
    PROTOCOL_EMOTIONS,
    derive_tasks,
    emotion_from_intensities,
    emotion_labels,
    predicted_emotion,
    sentiment3,
)
from emosign_desktop.core.model import Prediction, VideoId
from emosign_desktop.core.schema import EMOSIGN_SCHEMA
from emosign_desktop.io.predictions import EMOTION_LABELS


def row(sentiment: int | None = 0, **emotions: int) -> dict[str, int | None]:
    """A reference row: every emotion 0 unless given."""
    return {"sentiment": sentiment, **dict.fromkeys(PROTOCOL_EMOTIONS, 0), **emotions}


def test_the_label_orders_agree_with_the_rest_of_the_app():
    assert EMOTION_CLASSES == EMOTION_LABELS
    assert EMOSIGN_SCHEMA.emotion_keys == PROTOCOL_EMOTIONS


@pytest.mark.parametrize(("value", "label"), [
    (-3, "negative"), (-1, "negative"), (0, "neutral"), (1, "positive"), (3, "positive")])
def test_sentiment3(value, label):
    assert sentiment3(value) == label


def test_the_highest_intensity_is_the_label():
    assert emotion_labels(row(sadness=2, worry=1)) == ("sadness",)
    assert emotion_labels(row(anger=3, frustration=2, disgust=1)) == ("anger",)


def test_all_absent_is_neutral():
    assert emotion_labels(row()) == ("neutral",)


def test_joy_and_excited_merge_into_happiness_by_their_maximum():
    assert emotion_labels(row(joy=1, excited=3, surprise_pos=2)) == ("happiness",)
    assert emotion_labels(row(joy=3, excited=1, surprise_pos=2)) == ("happiness",)
    # joy and excited tied with each other is one category, not a tie
    assert emotion_labels(row(joy=2, excited=2, worry=1)) == ("happiness",)
    # the merged value ties with another category
    assert emotion_labels(row(joy=1, excited=2, surprise_pos=2)) == ("happiness",
                                                                     "surprise_pos")


def test_a_shared_maximum_gives_every_tied_label_in_the_papers_order():
    assert emotion_labels(row(anger=2, worry=2, fear=1)) == ("worry", "anger")
    assert emotion_labels(row(**dict.fromkeys(PROTOCOL_EMOTIONS, 1))) == EMOTION_CLASSES[:-1]


def test_a_missing_emotion_is_refused():
    r = row()
    del r["fear"]
    with pytest.raises(ValueError, match="fear"):
        emotion_labels(r)
    with pytest.raises(ValueError, match="anger"):
        emotion_labels(row(anger=None))  # type: ignore[arg-type]


def test_derive_tasks_sets_and_the_more_than_2_rule():
    ref = {
        1: row(2, joy=3),                        # single: happiness
        2: row(-1, sadness=2),                   # single: sadness
        3: row(0),                               # single: neutral (all absent)
        4: row(1, joy=2, surprise_pos=2),        # happiness + surprise_pos ...
        5: row(1, excited=3, surprise_pos=3),    # ... (merged happiness) ...
        6: row(2, joy=1, excited=1, surprise_pos=1),  # ... 3 videos: kept
        7: row(-2, worry=2, fear=2),             # worry + fear: 2 videos: dropped
        8: row(-2, worry=3, fear=3),
        9: row(-1, anger=1, disgust=1),          # 1 video: dropped
        10: row(None, anger=2),                  # no sentiment: emotion only
        11: {"sentiment": 3, "joy": 2},          # emotions not all rated: sentiment only
        12: {"sentiment": None},                 # nothing: not a reference video
    }
    tasks = derive_tasks(ref)
    assert tasks.single_expression == {1: "happiness", 2: "sadness", 3: "neutral",
                                       10: "anger"}
    combo = ("happiness", "surprise_pos")
    assert tasks.multi_expression == {4: combo, 5: combo, 6: combo}
    assert tasks.dropped == {7: ("worry", "fear"), 8: ("worry", "fear"),
                             9: ("disgust", "anger")}
    assert set(tasks.single_expression).isdisjoint(tasks.dropped)
    assert set(tasks.multi_expression).isdisjoint(tasks.dropped)
    assert tasks.sentiment == {1: 2, 2: -1, 3: 0, 4: 1, 5: 1, 6: 2, 7: -2, 8: -2, 9: -1,
                               11: 3}
    assert tasks.videos == tuple(range(1, 12))
    assert tasks.multi_combinations == {combo: 3}


def test_exactly_three_videos_are_enough_and_two_are_not():
    three = {i: row(0, worry=1, fear=1) for i in range(3)}
    assert len(derive_tasks(three).multi_expression) == 3
    two = {i: row(0, worry=1, fear=1) for i in range(2)}
    assert derive_tasks(two).multi_expression == {} and len(derive_tasks(two).dropped) == 2


def test_derive_tasks_of_nothing():
    tasks = derive_tasks({})
    assert tasks.videos == () and not tasks.sentiment and not tasks.single_expression


def prediction(emotion: str | None = None, **intensities: int) -> Prediction:
    values = {**dict.fromkeys(PROTOCOL_EMOTIONS, 0), **intensities} if intensities or \
        emotion is None else None
    return Prediction("m", "video", VideoId(1), 0, emotion, "", values)


def test_predicted_emotion_prefers_the_given_label():
    assert predicted_emotion(prediction("fear")) == "fear"
    p = Prediction("m", "video", VideoId(1), 0, "anger", "",
                   {**dict.fromkeys(PROTOCOL_EMOTIONS, 0), "joy": 3})
    assert predicted_emotion(p) == "anger"


def test_predicted_emotion_from_intensities_breaks_ties_by_the_label_order():
    assert predicted_emotion(prediction(sadness=2, worry=1)) == "sadness"
    assert predicted_emotion(prediction(anger=3, worry=3)) == "worry"  # worry comes first
    assert predicted_emotion(prediction(anger=2, excited=2)) == "happiness"
    assert predicted_emotion(prediction()) == "neutral"
    assert emotion_from_intensities({**dict.fromkeys(PROTOCOL_EMOTIONS, 3)}) == "happiness"


def test_no_emotion_answer_is_none():
    assert predicted_emotion(Prediction("m", "video", VideoId(1), 2)) is None
    partial = Prediction("m", "video", VideoId(1), 2, None, "", {"joy": 3})
    assert predicted_emotion(partial) is None
