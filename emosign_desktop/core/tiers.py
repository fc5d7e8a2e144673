"""The default tiers of a new project: facial grammar versus emotion cues."""

from __future__ import annotations

from emosign_desktop.core.model import TierKind

FACIAL_GRAMMAR = "Facial grammar"
EMOTION_CUE = "Emotion cue"

DEFAULT_TIERS: tuple[tuple[str, TierKind, tuple[str, ...]], ...] = (
    (
        FACIAL_GRAMMAR,
        TierKind.FACIAL_GRAMMAR,
        (
            "brow raise - yes/no question",
            "brow raise - topic/conditional",
            "brow furrow - wh-question",
            "headshake - negation",
            "head nod - assertion",
            "mouth morpheme MM",
            "mouth morpheme CHA",
            "mouth morpheme TH",
            "mouth morpheme PUFF",
            "eye gaze shift",
            "role shift",
        ),
    ),
    (
        EMOTION_CUE,
        TierKind.EMOTION_CUE,
        (
            "facial expression",
            "larger signs",
            "smaller signs",
            "faster signing",
            "slower signing",
            "repetition",
            "head or body movement",
            "emphatic fingerspelling",
            "other",
        ),
    ),
)
