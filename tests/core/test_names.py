"""What a name may be: no control characters, at most 255 characters."""

from __future__ import annotations

import pytest

from emosign_desktop.core.changeset import ChangeSet, TierEdit, VideoEdit
from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.core.model import Tier, TierId, TierKind, Video, VideoId
from emosign_desktop.core.names import (
    MAX_NAME_LENGTH,
    InvalidNameError,
    check_name,
    check_new_names,
    name_problem,
)

BAD = {
    "ann\x00": "holds NUL (U+0000) at character 4",
    "a\tb": "holds a tab (U+0009) at character 2",
    "two\nlines": "holds a line break (U+000A) at character 4",
    "\rx": "holds a carriage return (U+000D) at character 1",
    "\x1b[31mred": "holds a control character (U+001B) at character 1",
    "del\x7f": "holds a control character (U+007F) at character 4",
    "next\x85line": "holds a control character (U+0085) at character 5",
    "a\u2028b": "holds a line separator (U+2028) at character 2",
    "x" * 256: "is 256 characters long; a name may have at most 255",
    "y" * 10_000: "is 10,000 characters long; a name may have at most 255",
}
GOOD = ("maria", "x" * MAX_NAME_LENGTH, "café – naïve ✋", "=HYPERLINK(\"x\")", "a b",
        "名前", "Signer0_2025-1-1_sc000")


@pytest.mark.parametrize("name", list(BAD))
def test_bad_names_are_refused_naming_the_problem(name):
    assert name_problem(name) == BAD[name] + (
        "" if "long" in BAD[name] else "; a name may hold no control character")
    with pytest.raises(InvalidNameError) as err:
        check_name("annotator", name)
    message = str(err.value)
    assert isinstance(err.value, EmoSignError)
    assert message.startswith("the annotator name '") and BAD[name] in message
    assert "\n" not in message and "\x00" not in message and len(message) < 200


@pytest.mark.parametrize("name", GOOD)
def test_good_names_pass_unchanged(name):
    assert name_problem(name) is None and check_name("video", name) is name


def test_a_long_name_is_shown_cut():
    with pytest.raises(InvalidNameError) as err:
        check_name("video", "v" * 10_000)
    assert f"'{'v' * 40}...'" in str(err.value)


def test_change_sets_are_checked_for_new_and_renamed_names_only():
    legacy = Tier(TierId(1), "old\tname", TierKind.FREE)
    check_new_names(ChangeSet(tiers=(TierEdit(legacy, Tier(TierId(1), "old\tname",
                                                           TierKind.FREE, ("a",))),)))
    check_new_names(ChangeSet(tiers=(TierEdit(legacy, None),)))  # removing it is fine
    with pytest.raises(InvalidNameError, match="the tier name 'x\\\\x00'"):
        check_new_names(ChangeSet(tiers=(TierEdit(legacy, Tier(TierId(1), "x\x00",
                                                              TierKind.FREE)),)))
    with pytest.raises(InvalidNameError, match="the video name"):
        check_new_names(ChangeSet(videos=(VideoEdit(None, Video(VideoId(1), "z" * 300)),)))
