"""The label schema: scales, the words for each point, the emotions; EmoSign is the default.

A project stores its schema; every write is validated against it.  A project may carry its
own schema (other emotions, another sentiment scale) loaded from a TOML or JSON file.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from emosign_desktop.core.errors import InputFileError, LabelValidationError, read_text_file

#: Fields of a video annotation other than the emotions.
SENTIMENT = "sentiment"
SENTIMENT_CONFIDENCE = "sentiment_confidence"
EMOTION_CONFIDENCE = "emotion_confidence"
CUES = "cues"
SKIPPED = "skipped"
SKIP_REASON = "skip_reason"
FIXED_FIELDS = (SENTIMENT, SENTIMENT_CONFIDENCE, EMOTION_CONFIDENCE, CUES, SKIPPED, SKIP_REASON)

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class Scale:
    """An integer rating scale with one word per point (``words[0]`` names ``minimum``)."""

    minimum: int
    maximum: int
    words: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.maximum < self.minimum:
            raise ValueError(f"scale maximum {self.maximum} is below minimum {self.minimum}")
        if self.words and len(self.words) != self.maximum - self.minimum + 1:
            raise ValueError(
                f"scale {self.minimum}..{self.maximum} needs "
                f"{self.maximum - self.minimum + 1} words, got {len(self.words)}"
            )

    @property
    def values(self) -> range:
        """Every value of the scale, lowest first."""
        return range(self.minimum, self.maximum + 1)

    def word(self, value: int) -> str:
        """The word for ``value`` (the number itself when the scale has no words)."""
        if self.words and self.minimum <= value <= self.maximum:
            return self.words[value - self.minimum]
        return str(value)

    def check(self, name: str, value: object) -> int | None:
        """Return ``value`` as an int on this scale, or raise a clear error; None clears."""
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise LabelValidationError(
                f"{name} must be a whole number from {self.minimum} to {self.maximum} "
                f"(got {value!r})"
            )
        if not self.minimum <= value <= self.maximum:
            raise LabelValidationError(
                f"{name} must be from {self.minimum} to {self.maximum} (got {value})"
            )
        return value


@dataclass(frozen=True)
class EmotionDef:
    """One emotion of the schema: its key (column name) and the name shown to annotators."""

    key: str
    display_name: str


@dataclass(frozen=True)
class LabelSchema:
    """What an annotator rates for one video, and the allowed values."""

    name: str
    version: int
    sentiment: Scale
    emotion_scale: Scale
    emotions: tuple[EmotionDef, ...]
    confidence: Scale = Scale(0, 100)
    cue_text: bool = True

    def __post_init__(self) -> None:
        keys = [e.key for e in self.emotions]
        if not keys:
            raise ValueError("a schema needs at least one emotion")
        for key in keys:
            if not _KEY.match(key):
                raise ValueError(
                    f"emotion key {key!r} must be lower-case letters, digits and _ "
                    "(starting with a letter, at most 40 characters)"
                )
            if key in FIXED_FIELDS:
                raise ValueError(f"emotion key {key!r} clashes with the field of that name")
        if len(set(keys)) != len(keys):
            raise ValueError("emotion keys must be unique")

    @cached_property
    def emotion_keys(self) -> tuple[str, ...]:
        """The emotion keys in the schema's column order."""
        return tuple(e.key for e in self.emotions)

    @cached_property
    def fields(self) -> tuple[str, ...]:
        """Every editable field of a video annotation."""
        return (SENTIMENT, *self.emotion_keys, SENTIMENT_CONFIDENCE, EMOTION_CONFIDENCE,
                CUES, SKIPPED, SKIP_REASON)

    def display_name(self, field: str) -> str:
        """Human-readable name of a field."""
        for e in self.emotions:
            if e.key == field:
                return e.display_name
        return field.replace("_", " ").capitalize()

    @cached_property
    def _emotion_set(self) -> frozenset[str]:
        return frozenset(self.emotion_keys)

    def empty_values(self) -> dict[str, Any]:
        """Every field with the value it has before anyone rated it."""
        return {f: self.empty_value(f) for f in self.fields}

    def empty_value(self, field: str) -> Any:
        """The value a field has before anyone rated it."""
        if field in (CUES, SKIP_REASON):
            return ""
        if field == SKIPPED:
            return False
        self.validate(field, None)  # unknown fields raise
        return None

    def validate(self, field: str, value: object) -> Any:
        """Return the value normalised for storage, or raise :class:`LabelValidationError`."""
        if field == SENTIMENT:
            return self.sentiment.check("sentiment", value)
        if field in (SENTIMENT_CONFIDENCE, EMOTION_CONFIDENCE):
            return self.confidence.check(field.replace("_", " "), value)
        if field in self._emotion_set:
            return self.emotion_scale.check(field, value)
        if field in (CUES, SKIP_REASON):
            if value is None:
                return ""
            if not isinstance(value, str):
                raise LabelValidationError(f"{field} must be text (got {value!r})")
            return value
        if field == SKIPPED:
            if not isinstance(value, bool):
                raise LabelValidationError(f"skipped must be true or false (got {value!r})")
            return value
        raise LabelValidationError(
            f"'{field}' is not a field of the schema '{self.name}' "
            f"(fields: {', '.join(self.fields)})"
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description, the inverse of :func:`schema_from_dict`."""
        return {
            "name": self.name,
            "version": self.version,
            "sentiment": _scale_dict(self.sentiment),
            "emotion_scale": _scale_dict(self.emotion_scale),
            "emotions": [{"key": e.key, "name": e.display_name} for e in self.emotions],
            "confidence": _scale_dict(self.confidence),
            "cue_text": self.cue_text,
        }


def _scale_dict(scale: Scale) -> dict[str, Any]:
    return {"min": scale.minimum, "max": scale.maximum, "words": list(scale.words)}


def _scale(data: Mapping[str, Any], name: str) -> Scale:
    if not isinstance(data, Mapping):
        raise ValueError(f"'{name}' must be a table with min, max and words")
    try:
        lo, hi = data["min"], data["max"]
    except KeyError as exc:
        raise ValueError(f"'{name}' needs {exc.args[0]!r}") from None
    if not (isinstance(lo, int) and isinstance(hi, int)):
        raise ValueError(f"'{name}' min and max must be whole numbers")
    words = data.get("words", [])
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise ValueError(f"'{name}' words must be a list of text")
    return Scale(lo, hi, tuple(words))


def schema_from_dict(data: Mapping[str, Any]) -> LabelSchema:
    """Build a schema from its dict form; raises ``ValueError`` naming what is wrong."""
    if not isinstance(data, Mapping):
        raise ValueError("the schema must be a table (object)")
    for required in ("name", "sentiment", "emotion_scale", "emotions"):
        if required not in data:
            raise ValueError(f"the schema needs '{required}'")
    emotions = data["emotions"]
    if not isinstance(emotions, list):
        raise ValueError("'emotions' must be a list")
    defs = []
    for i, e in enumerate(emotions, 1):
        if not isinstance(e, Mapping) or not isinstance(e.get("key"), str):
            raise ValueError(f"emotion {i} needs a text 'key'")
        defs.append(EmotionDef(e["key"], str(e.get("name") or e["key"])))
    version = data.get("version", 1)
    if not isinstance(version, int):
        raise ValueError("'version' must be a whole number")
    return LabelSchema(
        name=str(data["name"]),
        version=version,
        sentiment=_scale(data["sentiment"], "sentiment"),
        emotion_scale=_scale(data["emotion_scale"], "emotion_scale"),
        emotions=tuple(defs),
        confidence=_scale(data.get("confidence", {"min": 0, "max": 100}), "confidence"),
        cue_text=bool(data.get("cue_text", True)),
    )


def load_schema_file(path: str | Path) -> LabelSchema:
    """Read a schema from a ``.toml`` or ``.json`` file; errors name the file."""
    path = Path(path)
    text = read_text_file(path)
    try:
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        kind = "TOML" if path.suffix.lower() == ".toml" else "JSON"
        raise InputFileError(path, f"not valid {kind}: {exc}") from None
    try:
        return schema_from_dict(data)
    except ValueError as exc:
        raise InputFileError(path, str(exc)) from None


SENTIMENT_WORDS = (
    "extremely negative",
    "moderately negative",
    "slightly negative",
    "neutral",
    "slightly positive",
    "moderately positive",
    "extremely positive",
)
PRESENCE_WORDS = ("not present at all", "slightly present", "moderately present",
                  "extremely present")

#: The EmoSign protocol (Chua et al., NeurIPS 2025), in the released file's column order.
EMOSIGN_SCHEMA = LabelSchema(
    name="EmoSign",
    version=1,
    sentiment=Scale(-3, 3, SENTIMENT_WORDS),
    emotion_scale=Scale(0, 3, PRESENCE_WORDS),
    emotions=(
        EmotionDef("joy", "Joy"),
        EmotionDef("excited", "Excited"),
        EmotionDef("surprise_pos", "Surprise (positive)"),
        EmotionDef("surprise_neg", "Surprise (negative)"),
        EmotionDef("worry", "Worry"),
        EmotionDef("sadness", "Sadness"),
        EmotionDef("fear", "Fear"),
        EmotionDef("disgust", "Disgust"),
        EmotionDef("frustration", "Frustration"),
        EmotionDef("anger", "Anger"),
    ),
)
