"""Names people give things (annotators, videos, tiers): what a name may be.

A name is at most :data:`MAX_NAME_LENGTH` characters and holds no control character (NUL,
tab, line breaks, the rest of Unicode's Cc category, and the line and paragraph separators
U+2028/U+2029): such a name breaks the lists, exports and files it appears in.  Every name
that enters a project (the command line, the app's dialogs, CSV, ELAN and SignStream imports,
packs) is checked here; the write path checks each change set's new names as a last guard.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from emosign_desktop.core.errors import EmoSignError

if TYPE_CHECKING:
    from emosign_desktop.core.changeset import ChangeSet

#: Longest name, in characters.
MAX_NAME_LENGTH = 255

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CALLED = {"\x00": "NUL", "\t": "a tab", "\n": "a line break", "\r": "a carriage return",
           "\u2028": "a line separator", "\u2029": "a paragraph separator"}
_SHOWN = 40  # characters of a refused name shown in the message


class InvalidNameError(EmoSignError):
    """A name with a control character or longer than :data:`MAX_NAME_LENGTH`."""


def name_problem(name: str) -> str | None:
    """What is wrong with ``name`` as a name (a phrase such as "is 300 characters long..."),
    or None when nothing is."""
    if len(name) > MAX_NAME_LENGTH:
        return (f"is {len(name):,} characters long; a name may have at most "
                f"{MAX_NAME_LENGTH}")
    found = _CONTROL.search(name)
    if found is not None:
        ch = found.group()
        called = _CALLED.get(ch, "a control character")
        return (f"holds {called} (U+{ord(ch):04X}) at character {found.start() + 1}; a name "
                "may hold no control character")
    return None


def shown_name(name: str) -> str:
    """``name`` quoted for a message: control characters escaped, long names cut."""
    cut = name if len(name) <= _SHOWN else name[:_SHOWN] + "..."
    return repr(cut)


def check_name(what: str, name: str) -> str:
    """``name`` unchanged when it is acceptable as a ``what`` name ("annotator", "video",
    "tier"); otherwise :class:`InvalidNameError` naming the name and its problem."""
    problem = name_problem(name)
    if problem is not None:
        raise InvalidNameError(f"the {what} name {shown_name(name)} {problem}")
    return name


def check_new_names(changes: ChangeSet) -> None:
    """Every annotator, video and tier name that ``changes`` gives or changes is acceptable
    (names already stored, left as they are, are not judged)."""
    groups = (("annotator", changes.annotators), ("video", changes.videos),
              ("tier", changes.tiers))
    for what, edits in groups:
        for edit in edits:
            after, before = edit.after, edit.before
            if after is not None and (before is None or before.name != after.name):
                check_name(what, after.name)
