from __future__ import annotations

import pytest

from emosign_desktop.core.errors import LabelValidationError
from emosign_desktop.core.model import (
    AnnotationStatus,
    AnnotatorId,
    Region,
    VideoAnnotation,
    VideoId,
    check_frames,
)
from emosign_desktop.core.schema import EMOSIGN_SCHEMA


def ann(**kw) -> VideoAnnotation:
    return VideoAnnotation(VideoId(1), AnnotatorId(1), **kw)


def test_status():
    all_emotions = dict.fromkeys(EMOSIGN_SCHEMA.emotion_keys, 0)
    assert ann().status(EMOSIGN_SCHEMA) is AnnotationStatus.NOT_STARTED
    assert ann(sentiment=1).status(EMOSIGN_SCHEMA) is AnnotationStatus.IN_PROGRESS
    assert ann(cues="x").status(EMOSIGN_SCHEMA) is AnnotationStatus.IN_PROGRESS
    assert ann(sentiment=0, emotions=all_emotions).status(EMOSIGN_SCHEMA) is AnnotationStatus.DONE
    assert ann(skipped=True).status(EMOSIGN_SCHEMA) is AnnotationStatus.SKIPPED


def test_value_by_field_name():
    a = ann(sentiment=-2, emotions={"joy": 3}, cues="c")
    assert a.value("sentiment") == -2
    assert a.value("joy") == 3
    assert a.value("anger") is None
    assert a.value("cues") == "c"


@pytest.mark.parametrize("box", [(-0.1, 0, 0.5, 0.5), (0.5, 0.5, 0.6, 0.1), (0, 0, 0, 0.5)])
def test_region_must_lie_in_the_picture(box):
    with pytest.raises(LabelValidationError):
        Region(*box)


def test_region_ok_and_frames():
    assert Region(0.25, 0.25, 0.5, 0.75).h == 0.75
    check_frames(0, 0)
    with pytest.raises(LabelValidationError):
        check_frames(5, 4)
    with pytest.raises(LabelValidationError):
        check_frames(-1, 4)
