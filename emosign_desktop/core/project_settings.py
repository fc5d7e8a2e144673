"""The project settings kept beside the data (the ``meta`` table), and what a change of
each tells the views: the flag of :class:`Changes` that says it changed."""

from __future__ import annotations

from emosign_desktop.core.changes import EVERYTHING, Changes
from emosign_desktop.core.model import VideoId

#: Video name -> the annotator whose labels are its reference (JSON).
GOLD = "gold_videos"
#: "1" while the project is in blind mode (absent when off).
BLIND = "blind_mode"
#: The cue detectors' settings (JSON).
DETECTOR_SETTINGS = "detector_settings"
#: Video name -> who signs it (JSON).
SIGNERS = "video_signers"
#: + a video's id: the proposals rejected on that video (JSON).
REJECTED_PREFIX = "rejected_proposals:"
#: + JSON [model, setting]: where a model run's predictions came from.
PREDICTION_RUN_PREFIX = "prediction_run:"

_FLAGS = {GOLD: Changes(gold=True), BLIND: Changes(blind=True),
          DETECTOR_SETTINGS: Changes(detector_settings=True), SIGNERS: Changes(signers=True)}


def setting_changes(name: str) -> Changes:
    """What a change of the setting ``name`` changed (everything, for one not listed here:
    the label schema, an import's record...)."""
    if name in _FLAGS:
        return _FLAGS[name]
    if name.startswith(REJECTED_PREFIX) and name[len(REJECTED_PREFIX):].isdigit():
        return Changes(rejections_of=frozenset({VideoId(int(name[len(REJECTED_PREFIX):]))}))
    if name.startswith(PREDICTION_RUN_PREFIX):
        return Changes(predictions=True)
    return EVERYTHING
