from __future__ import annotations

import json

import pytest

from emosign_desktop.core.errors import InputFileError, LabelValidationError
from emosign_desktop.core.schema import (
    EMOSIGN_SCHEMA,
    load_schema_file,
    schema_from_dict,
)


def test_emosign_schema_matches_the_protocol():
    s = EMOSIGN_SCHEMA
    assert s.emotion_keys == ("joy", "excited", "surprise_pos", "surprise_neg", "worry",
                              "sadness", "fear", "disgust", "frustration", "anger")
    assert list(s.sentiment.values) == [-3, -2, -1, 0, 1, 2, 3]
    assert s.sentiment.word(-3) == "extremely negative"
    assert s.sentiment.word(0) == "neutral"
    assert s.sentiment.word(3) == "extremely positive"
    assert list(s.emotion_scale.values) == [0, 1, 2, 3]
    assert s.emotion_scale.word(0) == "not present at all"
    assert s.emotion_scale.word(3) == "extremely present"
    assert (s.confidence.minimum, s.confidence.maximum) == (0, 100)
    assert s.display_name("surprise_neg") == "Surprise (negative)"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("sentiment", 5, "sentiment must be from -3 to 3 (got 5)"),
    ("sentiment", -4, "from -3 to 3"),
    ("sentiment", 1.5, "whole number"),
    ("sentiment", True, "whole number"),
    ("joy", 4, "joy must be from 0 to 3"),
    ("sentiment_confidence", 101, "from 0 to 100"),
    ("cues", 3, "must be text"),
    ("skipped", "yes", "true or false"),
    ("happiness", 1, "'happiness' is not a field"),
])
def test_validation_refuses_bad_values_clearly(field, value, message):
    with pytest.raises(LabelValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        EMOSIGN_SCHEMA.validate(field, value)


def test_validation_accepts_values_and_none():
    assert EMOSIGN_SCHEMA.validate("sentiment", -3) == -3
    assert EMOSIGN_SCHEMA.validate("anger", None) is None
    assert EMOSIGN_SCHEMA.validate("cues", None) == ""
    assert EMOSIGN_SCHEMA.validate("skipped", True) is True


def test_schema_round_trips_through_dict():
    assert schema_from_dict(EMOSIGN_SCHEMA.to_dict()) == EMOSIGN_SCHEMA


def test_custom_schema_from_toml(tmp_path):
    path = tmp_path / "fe.toml"
    path.write_text(
        'name = "FePh"\nversion = 2\n'
        '[sentiment]\nmin = -1\nmax = 1\nwords = ["negative", "neutral", "positive"]\n'
        '[emotion_scale]\nmin = 0\nmax = 1\nwords = ["absent", "present"]\n'
        '[[emotions]]\nkey = "happy"\nname = "Happy"\n'
        '[[emotions]]\nkey = "contempt"\n',
        encoding="utf-8",
    )
    schema = load_schema_file(path)
    assert schema.name == "FePh"
    assert schema.emotion_keys == ("happy", "contempt")
    assert schema.display_name("contempt") == "contempt"
    with pytest.raises(LabelValidationError):
        schema.validate("sentiment", 2)
    with pytest.raises(LabelValidationError):
        schema.validate("joy", 1)


def test_custom_schema_from_json(tmp_path):
    data = EMOSIGN_SCHEMA.to_dict()
    data["emotions"] = [{"key": "pride", "name": "Pride"}]
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data))
    assert load_schema_file(path).emotion_keys == ("pride",)


@pytest.mark.parametrize(("text", "message"), [
    ("name = 'x'", "needs 'sentiment'"),
    ("not toml at all [", "not valid TOML"),
    ('name="x"\nemotions=[{key="Bad Key"}]\n[sentiment]\nmin=0\nmax=1\n'
     '[emotion_scale]\nmin=0\nmax=1\n', "emotion key 'Bad Key'"),
    ('name="x"\nemotions=[{key="a"}]\n[sentiment]\nmin=0\nmax=2\nwords=["one"]\n'
     '[emotion_scale]\nmin=0\nmax=1\n', "needs 3 words"),
    ('name="x"\nemotions=[{key="sentiment"}]\n[sentiment]\nmin=0\nmax=1\n'
     '[emotion_scale]\nmin=0\nmax=1\n', "clashes"),
])
def test_bad_schema_file_names_the_file_and_problem(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(InputFileError) as err:
        load_schema_file(path)
    assert str(path) in str(err.value)
    assert message in str(err.value)
