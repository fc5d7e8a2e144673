"""Frames as ELAN shows them: ELAN writes frame boundaries rounded to the millisecond; every
annotation so written imports onto exactly its frames (25, 29.97 and 59.94 fps, a variable
frame rate clip), neighbours that share a boundary never share a frame, zero-length
annotations are kept as one frame and the summary says so; SignStream follows the same
rule."""

from __future__ import annotations

import itertools
from fractions import Fraction
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from emosign_desktop.media.frame_index import load_index
from emosign_desktop.media.frame_times import frame_starts_ms, nominal_starts_ms
from emosign_desktop.services.elan import import_eaf
from emosign_desktop.services.signstream import import_signstream
from emosign_desktop.services.videos import add_videos
from tests.io.test_signstream import write_signstream
from tests.media.clips import SPECS, ClipSpec, make_clip
from tests.services.test_elan import add_record

#: The issue's example: frames of annotations at 29.97 fps, as a user made them in ELAN.
ISSUE_FRAMES = [(10, 20), (21, 30), (45, 46), (52, 60), (61, 75), (100, 149)]


def elan_file(path: Path, tiers: dict[str, list[tuple[int, int, str]]],
              media: str = "") -> Path:
    """An EAF 3.0 file as ELAN writes it: one time-alignable tier per entry, annotations
    (begin ms, end ms, value); touching annotations share their time slot."""
    slots: dict[int, str] = {}

    def slot(ms: int) -> str:
        return slots.setdefault(ms, f"ts{len(slots) + 1}")

    body = []
    n = 0
    for name, marks in tiers.items():
        rows = []
        for begin, end, value in marks:
            n += 1
            rows.append(f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a{n}" '
                        f'TIME_SLOT_REF1="{slot(begin)}" TIME_SLOT_REF2="{slot(end)}">'
                        f"<ANNOTATION_VALUE>{escape(value)}</ANNOTATION_VALUE>"
                        "</ALIGNABLE_ANNOTATION></ANNOTATION>")
        body.append(f'<TIER LINGUISTIC_TYPE_REF="default-lt" TIER_ID="{name}">'
                    f'{"".join(rows)}</TIER>')
    order = "".join(f'<TIME_SLOT TIME_SLOT_ID="{ts}" TIME_VALUE="{ms}"/>'
                    for ms, ts in sorted(slots.items()))
    media_el = (f'<MEDIA_DESCRIPTOR MEDIA_URL="file:///x/{media}" MIME_TYPE="video/mp4" '
                f'RELATIVE_MEDIA_URL="./{media}"/>') if media else ""
    path.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="" DATE="2024-01-01T00:00:00+01:00" FORMAT="3.0" VERSION="3.0">
<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">{media_el}</HEADER>
<TIME_ORDER>{order}</TIME_ORDER>{"".join(body)}
<LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="default-lt"
 TIME_ALIGNABLE="true"/>
</ANNOTATION_DOCUMENT>""", encoding="utf-8")
    return path


def frames_on(project, video, tier_name: str) -> list[tuple[int, int]]:
    tier = next(t for t in project._repo.tiers() if t.name == tier_name)
    return [(s.start_frame, s.end_frame)
            for s in project._repo.segments(video_id=video.id, tier_id=tier.id)]


def no_frame_shared(spans: list[tuple[int, int]]) -> bool:
    spans = sorted(spans)
    return all(b[0] > a[1] for a, b in itertools.pairwise(spans))


def test_the_issue_example_imports_as_exactly_its_frames(project, tmp_path):
    video = add_record(project, "clip", 30000 / 1001, 300)
    starts = nominal_starts_ms(30000 / 1001, 300)
    written = [(round(starts[a]), round(starts[b + 1]), f"s{i}")
               for i, (a, b) in enumerate(ISSUE_FRAMES)]
    assert written[0][:2] == (334, 701) and written[1][:2] == (701, 1034)
    path = elan_file(tmp_path / "hand.eaf", {"gloss": written}, media="clip.mp4")
    result = import_eaf(project, path)
    assert frames_on(project, video, "gloss") == ISSUE_FRAMES
    assert result.one_frame == 0 and "one frame" not in str(result)


@pytest.fixture(scope="module")
def vfr_clip(tmp_path_factory):
    return make_clip(SPECS["h264_vfr"], tmp_path_factory.mktemp("vfr"))


@pytest.fixture(scope="module")
def ntsc_clip(tmp_path_factory):
    spec = ClipSpec("h264_59.94_frames", ".mp4", "libx264", 90, rate=Fraction(60000, 1001),
                    options={"bf": "2"})
    return make_clip(spec, tmp_path_factory.mktemp("ntsc"))


@pytest.mark.parametrize("kind", ["25", "29.97", "59.94", "59.94 clip", "variable frame rate"])
@pytest.mark.parametrize("rounding", ["nearest", "down", "up"])
def test_rounded_boundaries_land_on_their_frames_and_neighbours_share_none(
        project, tmp_path, vfr_clip, ntsc_clip, kind, rounding):
    """Every frame boundary of the video as a shared time slot rounded to the millisecond
    (to the nearest, down or up): each annotation gets its frames, none shared, none lost."""
    cut = {"nearest": round, "down": int, "up": lambda t: int(t) + 1}[rounding]
    if kind in ("variable frame rate", "59.94 clip"):
        clip = vfr_clip if kind == "variable frame rate" else ntsc_clip
        [video] = add_videos(project, [clip])
        starts = frame_starts_ms(load_index(clip))
    else:
        fps = {"25": 25.0, "29.97": 30000 / 1001, "59.94": 60000 / 1001}[kind]
        video = add_record(project, "clip", fps, 120)
        starts = nominal_starts_ms(fps, 120)
    frames = len(starts) - 1
    bounds = [0, *range(1, frames, 3), frames]  # 3 frames each (one, two, three at the end)
    spans = [(a, b - 1) for a, b in itertools.pairwise(bounds)]
    # ELAN's first slot is 0 and its last the media's end
    rows = [(0 if a == 0 else cut(starts[a]), cut(starts[b + 1]), f"v{a}") for a, b in spans]
    path = elan_file(tmp_path / "cuts.eaf", {"cuts": rows})
    import_eaf(project, path, video=video.name)
    found = frames_on(project, video, "cuts")
    assert found == spans
    assert no_frame_shared(found) and sum(b - a + 1 for a, b in found) == frames


def test_zero_length_annotations_are_kept_as_one_frame_and_said(project, tmp_path):
    video = add_record(project, "clip", 25.0, 100)  # 40 ms frames
    path = elan_file(tmp_path / "points.eaf", {
        "points": [(400, 400, "at frame 10"), (1199, 1199, "at frame 30, rounded down")],
        "short": [(821, 839, "inside frame 20, past its middle")],
        "plain": [(0, 400, "frames 0-9")]})
    result = import_eaf(project, path, video="clip")
    assert frames_on(project, video, "points") == [(10, 10), (30, 30)]
    assert frames_on(project, video, "short") == [(20, 20)]
    assert frames_on(project, video, "plain") == [(0, 9)]
    assert result.one_frame == 3
    assert "kept 3 annotations of zero length or shorter than a frame as one frame each" in \
        str(result)


def test_signstream_follows_the_same_rule(project, tmp_path):
    """SignStream's S and E are the starts of the first and last frame (rounded to the ms):
    neighbouring annotations one frame apart get their own frames at 29.97 fps."""
    fps = 30000 / 1001
    clip = add_record(project, "clip_1", fps, 120)
    starts = nominal_starts_ms(fps, 120)
    spans = [(0, 9), (10, 10), (11, 29), (30, 31), (32, 60)]
    marks = [(round(starts[a]), round(starts[b]), "2" if i % 2 else "3")
             for i, (a, b) in enumerate(spans)]
    u = {"id": "1", "S": 0, "E": 4000, "media": (), "tracks": {"10": marks}}
    import_signstream(project, write_signstream(tmp_path / "a.xml", utterances=(u,)))
    found = frames_on(project, clip, "eye brows")
    assert found == spans and no_frame_shared(found)
