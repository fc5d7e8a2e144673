"""One owner of the review state (issue 22, item 3): the review session in the workspace owns
the current video, its media and the playhead; no ui module reaches through another widget
for them, nothing keeps a second "current frame", and only the review session makes a
playhead.  A scan of the ui sources (no display needed), shown able to fail."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "emosign_desktop"

#: (what it is, pattern) reaching through another widget or keeping a second copy.
REACHING = [
    ("another widget's playhead", re.compile(r"\.player\.playhead\b")),
    ("the player's view from outside it", re.compile(r"\bdetails\.player\.view\b")),
    ("the details panel's children from outside it",
     re.compile(r"\bdetails\.(segment_rows|landmarks)\.")),
    ("a second current frame", re.compile(r"\bshown_index\b")),
    ("a video kept as a tuple read by index", re.compile(r"\b_video\[\d\]")),
    ("a playhead not the review session's", re.compile(r"\bPlayhead\(")),
]


def reaches(text: str) -> list[str]:
    """What of :data:`REACHING` ``text`` does, one line each."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        code = line.split("#", 1)[0]
        found += [f"{number}: {what}: {line.strip()}" for what, pattern in REACHING
                  if pattern.search(code)]
    return found


def test_no_ui_module_reaches_through_another_for_the_review_state():
    offending = {}
    for path in sorted((PACKAGE / "ui").rglob("*.py")):
        found = reaches(path.read_text(encoding="utf-8"))
        if found:
            offending[str(path.relative_to(PACKAGE))] = found
    assert offending == {}


def test_only_the_review_session_makes_the_playhead():
    makers = sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                    if re.search(r"\bPlayhead\(\)", p.read_text(encoding="utf-8")))
    assert makers == ["services/review_session.py"]


def test_the_scan_finds_each_kind_of_reaching():
    text = "\n".join([
        "        self.playhead = details.player.playhead",
        "        self.details.player.view.overlays.append(o)",
        "        self.details.segment_rows.set_proposals(spans)",
        "        self.view.shown_index = 3",
        "        if self._video[1] != fingerprint:",
        "        self.playhead = Playhead()",
        "        self.playhead = review.playhead  # the review session's",
    ])
    found = reaches(text)
    assert [line.split(":")[0] for line in found] == ["1", "2", "3", "4", "5", "6"]
