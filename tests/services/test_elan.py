"""ELAN export and import: our exports come back to exactly the same frames, values, notes,
regions, tiers and annotators (25, 29.97 and 59.94 fps, a stream that starts late, a variable
frame rate); other tiers come in as read-only reference tiers under their parents; the media
names the video (nothing guessed); re-import replaces, one undo step; bad files change
nothing."""

from __future__ import annotations

import os
import random
import re
from fractions import Fraction
from pathlib import Path

import pytest

from emosign_desktop.core.changeset import ChangeSet, SegmentEdit, VideoEdit
from emosign_desktop.core.errors import EmoSignError, InputFileError
from emosign_desktop.core.model import MediaInfo, Region, Segment, SegmentId, Video, VideoId
from emosign_desktop.io.eaf import read_eaf
from emosign_desktop.media.frame_index import load_index
from emosign_desktop.media.frame_times import frame_starts_ms, nominal_starts_ms, span_to_ms
from emosign_desktop.services.building import NewIds, find_or_add_annotator
from emosign_desktop.services.elan import export_eaf, frame_starts, import_eaf
from emosign_desktop.services.videos import add_videos
from emosign_desktop.storage import PROJECT_FILE
from tests.conftest import dump_project
from tests.io.test_eaf import BAD_FILES, SCHEMA, field_eaf
from tests.media.clips import SPECS, ClipSpec, make_clip

CLIPS = {
    "25": ClipSpec("h264_25", ".mp4", "libx264", 40, options={"bf": "2"}),
    "29.97": SPECS["h264_29.97"],
    "59.94": ClipSpec("h264_59.94", ".mp4", "libx264", 60, rate=Fraction(60000, 1001),
                      options={"bf": "3"}),
    "non-zero start": SPECS["h264_nonzero_start"],
    "variable frame rate": SPECS["h264_vfr"],
}
TRICKY_NOTES = ("", "brows up, eyes wide", 'he said "no" & <left>', "line one\nline two",
                "café – naïve ✋", "  spaces kept  ")


@pytest.fixture(scope="session")
def clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("elan-clips")
    return {kind: make_clip(spec, folder) for kind, spec in CLIPS.items()}


def add_record(project, name: str, fps: float, frames: int, media_path: str | None = None):
    """A video known by its stored media facts (no file here)."""
    video = Video(VideoId(project._repo.next_id("video")), name, media_path, None,
                  MediaInfo(fps, frames, 64, 48, frames / fps, "h264"))
    project.writer.run(f"add {name}", lambda _repo: ChangeSet(videos=(VideoEdit(None, video),)))
    return video


def add_segments(project, video, rows):
    """Segments (tier name, annotator, start, end, value, note, region) in one operation."""
    tiers = {t.name: t for t in project._repo.tiers()}

    def build(repo):
        ids = NewIds(repo)
        people, made, edits = {}, [], []
        for tier, who, a, b, value, note, region in rows:
            if who not in people:
                person, created = find_or_add_annotator(repo, who, ids)
                people[who] = person.id
                made.extend(created)
            edits.append(SegmentEdit(None, Segment(
                SegmentId(ids("segment")), video.id, people[who], tiers[tier].id, a, b, value,
                note, region, f"u{ids('segment')}")))
        return ChangeSet(annotators=tuple(made), segments=tuple(edits))

    project.writer.run("add segments", build)


def seen(project, video, source=""):
    """The video's segments from ``source``, as comparable rows."""
    tiers = {t.id: t.name for t in project._repo.tiers()}
    people = {a.id: a.name for a in project._repo.annotators()}
    return sorted((tiers[s.tier_id], people[s.annotator_id], s.start_frame, s.end_frame,
                   s.value, s.note, s.region) for s in project._repo.segments(video_id=video.id)
                  if s.source == source)


def clear_segments(project, video):
    """Take the video's own segments out (as in another project, or after they were lost):
    an export importing back over identical segments adds nothing (see the test below)."""
    project.writer.run("clear", lambda repo: ChangeSet(segments=tuple(
        SegmentEdit(s, None) for s in repo.segments(video_id=video.id) if not s.source)))


def typical_rows(frames: int, seed: int = 1):
    """Every frame as a one-frame segment (touching neighbours) for kim, overlapping longer
    ones for lee, with values, notes and regions."""
    rng = random.Random(seed)
    cue = ("facial expression", "larger signs", "repetition", "other", "")
    rows = []
    for i in range(frames):
        region = Region(0.1, 0.2, 0.3, 0.4) if i % 5 == 0 else (
            Region(1 / 3, 0.0, 2 / 3, 1.0) if i % 7 == 0 else None)
        rows.append(("Emotion cue", "kim", i, i, cue[i % len(cue)],
                     TRICKY_NOTES[i % len(TRICKY_NOTES)], region))
    for _ in range(12):
        a = rng.randrange(frames)
        b = min(frames - 1, a + rng.randrange(15))
        rows.append(("Facial grammar", "lee", a, b, "role shift", "", None))
    rows.append(("Facial grammar", "lee", 0, frames - 1, "", "the whole clip", None))
    return rows


@pytest.mark.parametrize("kind", list(CLIPS))
def test_our_exports_come_back_to_the_same_frames(project, clips, tmp_path, kind):
    import xmlschema

    [video] = add_videos(project, [clips[kind]])
    frames = video.media.frame_count
    add_segments(project, video, typical_rows(frames))
    out = tmp_path / "out" / "clip.eaf"
    out.parent.mkdir()
    summary = export_eaf(project, video.name, out)
    assert summary.segments == frames + 13 and summary.annotators == ("kim", "lee")
    assert summary.media_linked
    xmlschema.XMLSchema(SCHEMA).validate(out)
    # ELAN shows each segment from inside its first frame to inside its last
    starts = frame_starts_ms(load_index(clips[kind]))
    assert starts[0] == 0.0
    doc = read_eaf(out)
    [medium] = doc.media
    assert medium.relative_path == f"../../{clips[kind].name}" or medium.file_name == \
        clips[kind].name
    kim = next(t for t in doc.tiers if t.id == "Emotion cue@kim")
    assert (kim.annotator, kim.participant) == ("kim", video.name)
    for i, a in enumerate(kim.annotations):
        assert starts[i] - 1e-6 <= a.begin_ms < starts[i + 1]
        assert starts[i] < a.end_ms <= starts[i + 1] + 1e-6
        assert (a.begin_ms, a.end_ms) == span_to_ms(starts, i, i)
    original = seen(project, video)
    clear_segments(project, video)
    project.writer.undo_stack.clear()
    result = import_eaf(project, out)
    assert (result.video, result.segments, result.reference_segments) == (
        video.name, frames + 13, 0)
    assert seen(project, video, "elan:clip.eaf") == original
    assert not any(t.read_only for t in project._repo.tiers())


def test_a_video_without_media_counts_at_its_stored_rate(project, tmp_path):
    video = add_record(project, "clip", 30000 / 1001, 300)
    add_segments(project, video, typical_rows(300))
    out = tmp_path / "clip.eaf"
    assert not export_eaf(project, "clip", out).media_linked
    starts = nominal_starts_ms(30000 / 1001, 300)
    assert frame_starts(project._repo.folder, video) == starts
    doc = read_eaf(out)
    assert doc.media == ()
    a = next(t for t in doc.tiers if t.id == "Emotion cue@kim").annotations[100]
    assert (a.begin_ms, a.end_ms) == span_to_ms(starts, 100, 100) == (3337, 3370)
    original = seen(project, video)
    clear_segments(project, video)
    import_eaf(project, out)  # no media: the file names its video
    assert seen(project, video, "elan:clip.eaf") == original


def test_a_video_without_frame_rate_is_refused(project, tmp_path):
    project.writer.run("add", lambda _r: ChangeSet(videos=(VideoEdit(None, Video(
        VideoId(1), "bare")),)))
    with pytest.raises(EmoSignError, match="'bare' has no media and no frame rate"):
        export_eaf(project, "bare", tmp_path / "x.eaf")
    with pytest.raises(EmoSignError, match="no video named 'nope'"):
        export_eaf(project, "nope", tmp_path / "x.eaf")


def test_one_annotator_and_empty_tiers_to_annotate_in_elan(project, tmp_path):
    video = add_record(project, "clip", 25.0, 100)
    add_segments(project, video, typical_rows(100))
    summary = export_eaf(project, "clip", tmp_path / "kim.eaf", annotator="kim")
    assert (summary.annotators, summary.segments) == (("kim",), 100)
    doc = read_eaf(tmp_path / "kim.eaf")
    assert [t.id for t in doc.tiers if not t.parent] == ["Facial grammar@kim",
                                                         "Emotion cue@kim"]
    assert {t.annotator for t in doc.tiers} == {"kim"}
    fresh = export_eaf(project, "clip", tmp_path / "pat.eaf", annotator="pat")
    assert fresh.segments == 0
    assert [(t.id, t.annotations) for t in read_eaf(tmp_path / "pat.eaf").tiers] == [
        ("Facial grammar@pat", ()), ("Emotion cue@pat", ())]


def test_reimport_replaces_and_undo_takes_it_back_in_one_step(project, tmp_path):
    video = add_record(project, "clip", 25.0, 100)
    add_segments(project, video, [("Emotion cue", "kim", 3, 9, "repetition", "n", None),
                                  ("Emotion cue", "kim", 20, 29, "other", "", None)])
    out = tmp_path / "clip.eaf"
    export_eaf(project, "clip", out)
    clear_segments(project, video)
    project.writer.undo_stack.clear()
    import_eaf(project, out)
    assert project.writer.undo_stack.undo_label == "import clip.eaf"
    # edited in ELAN: one annotation gone, one value changed
    text = out.read_text(encoding="utf-8").replace(">other<", ">larger signs<")
    out.write_text(text, encoding="utf-8")
    result = import_eaf(project, out)
    assert (result.replaced, result.segments) == (2, 2)
    assert [r[4] for r in seen(project, video, "elan:clip.eaf")] == ["repetition",
                                                                      "larger signs"]
    project.writer.undo()
    assert [r[4] for r in seen(project, video, "elan:clip.eaf")] == ["repetition", "other"]
    project.writer.undo()
    assert seen(project, video, "elan:clip.eaf") == [] and seen(project, video) == []
    assert project.writer.undo_stack.undo_label != "import clip.eaf"


@pytest.mark.parametrize("version", ["2.7", "3.0"])
def test_field_files_come_in_as_reference_tiers(project, tmp_path, version):
    video = add_record(project, "clip", 25.0, 100)  # the file links clip.mp4: by name
    path = tmp_path / "field.eaf"
    path.write_text(field_eaf(version), encoding="utf-8")
    result = import_eaf(project, path)
    assert (result.video, result.segments, result.reference_segments,
            result.reference_tiers) == ("clip", 0, 10, 6)
    tiers = {t.name: t for t in project._repo.tiers() if t.read_only}
    assert set(tiers) == {"gloss", "words", "tokens", "pos", "brows", "gesture"}
    assert {(t.group, t.source) for t in tiers.values()} == {("ELAN (reference)",
                                                              "elan:field.eaf")}
    parent = {name: t.parent_id for name, t in tiers.items()}
    assert parent == {"gloss": None, "gesture": None, "words": tiers["gloss"].id,
                      "tokens": tiers["gloss"].id, "brows": tiers["gloss"].id,
                      "pos": tiers["tokens"].id}
    assert tiers["pos"].vocabulary == ("n", "v") and tiers["gloss"].vocabulary == ()
    assert tiers["gesture"].vocabulary == ("prep", "stroke", "retr")
    elan = project._repo.annotator_by_name("elan")
    assert elan.kind.value == "imported"

    def on(name):
        return [(s.start_frame, s.end_frame, s.value)
                for s in project._repo.segments(video_id=video.id, tier_id=tiers[name].id)]

    assert on("gloss") == [(25, 54, "HOUSE")]  # 1000-2200 ms at 25 fps
    assert on("words") == [(25, 34, "h"), (35, 44, "ou"), (45, 54, "se")]  # unaligned slots
    assert on("tokens") == [(25, 54, "HOU"), (25, 54, "SE")]  # the parent's span, in order
    assert on("pos") == [(25, 54, "n")]
    # 1900-2050 ms: the frames whose middle (20 ms into each) lies inside, 47..50
    assert on("brows") == [(30, 39, "raised"), (47, 50, "raised")]
    assert on("gesture") == [(10, 19, "stroke")]
    assert {s.annotator_id for s in project._repo.segments()} == {elan.id}


def test_time_origin_and_annotations_after_the_end(project, tmp_path):
    video = add_record(project, "clip", 25.0, 50)  # 2000 ms
    path = tmp_path / "late.eaf"
    path.write_text(field_eaf(origin=400), encoding="utf-8")  # media time = file time + 400
    result = import_eaf(project, path)
    gloss = next(t for t in project._repo.tiers() if t.name == "gloss")
    [seg] = project._repo.segments(video_id=video.id, tier_id=gloss.id)
    assert (seg.start_frame, seg.end_frame) == (35, 49)  # 1400 ms on, cut at the end
    # words a4 (1800.. -> 2200..) and brows a9 (1900.. -> 2300..) start after the end
    assert result.outside == 2 and "left out 2 annotations after the video's end" in str(result)


def test_media_is_matched_by_relative_path_then_file_name_never_guessed(project, clips,
                                                                        tmp_path):
    [real] = add_videos(project, [clips["25"]])
    eafs = tmp_path / "eafs"
    eafs.mkdir()
    path = eafs / "x.eaf"
    path.write_text(field_eaf(media=f"./somewhere/{clips['25'].name}"), encoding="utf-8")
    assert import_eaf(project, path).video == real.name  # by file name
    path.write_text(field_eaf(media="./other.mp4"), encoding="utf-8")
    with pytest.raises(EmoSignError) as caught:
        import_eaf(project, path)
    assert str(caught.value) == (f"{path} links media other.mp4, which the project does not "
                                 "have; give --video NAME")
    assert import_eaf(project, path, video=real.name).video == real.name  # --video
    path.write_text(field_eaf(media=""), encoding="utf-8")
    with pytest.raises(EmoSignError, match="links no media; give --video NAME"):
        import_eaf(project, path)
    # two videos whose media files have the same name: the relative path decides, or --video
    a = add_record(project, "take-a", 25.0, 100, "a/clip.mp4")
    add_record(project, "take-b", 25.0, 100, "b/clip.mp4")
    path.write_text(field_eaf(media="./elsewhere/clip.mp4"), encoding="utf-8")
    with pytest.raises(EmoSignError, match="matches the videos take-a, take-b; give --video"):
        import_eaf(project, path)
    rel_url = Path(os.path.relpath(project._repo.folder / "a" / "clip.mp4", eafs)).as_posix()
    assert rel_url == "../project/a/clip.mp4"
    path.write_text(field_eaf(media=rel_url), encoding="utf-8")
    assert import_eaf(project, path).video == a.name


def test_own_tier_without_annotator_needs_one(project, tmp_path):
    video = add_record(project, "clip", 25.0, 100)
    add_segments(project, video, [("Emotion cue", "kim", 3, 9, "repetition", "", None)])
    out = tmp_path / "clip.eaf"
    export_eaf(project, "clip", out)
    out.write_text(out.read_text(encoding="utf-8").replace(' ANNOTATOR="kim"', ""),
                   encoding="utf-8")
    with pytest.raises(InputFileError, match=r"the tier 'Emotion cue@kim' .* names no annotator; "
                       r"give --annotator NAME"):
        import_eaf(project, out)
    import_eaf(project, out, annotator="pat")
    assert seen(project, video, "elan:clip.eaf") == [
        ("Emotion cue", "pat", 3, 9, "repetition", "", None)]
    assert project._repo.annotator_by_name("pat").kind.value == "human"


def test_a_value_outside_the_vocabulary_is_refused_and_nothing_changes(project, tmp_path):
    video = add_record(project, "clip", 25.0, 100)
    add_segments(project, video, [("Emotion cue", "kim", 3, 9, "repetition", "", None)])
    out = tmp_path / "clip.eaf"
    export_eaf(project, "clip", out)
    out.write_text(out.read_text(encoding="utf-8").replace(">repetition</ANNOTATION_VALUE",
                                                           ">sneezing</ANNOTATION_VALUE"),
                   encoding="utf-8")
    before = dump_project(project.folder / PROJECT_FILE)
    with pytest.raises(InputFileError, match=r"the tier 'Emotion cue@kim' has the value "
                       r"'sneezing' .* not in the vocabulary of the project's tier 'Emotion cue'"):
        import_eaf(project, out)
    assert dump_project(project.folder / PROJECT_FILE) == before


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_files_change_nothing(project, tmp_path, kind):
    add_record(project, "clip", 25.0, 100)
    path = tmp_path / "bad.eaf"
    path.write_bytes(BAD_FILES[kind][0])
    before = dump_project(project.folder / PROJECT_FILE)
    with pytest.raises(InputFileError, match=re.escape(BAD_FILES[kind][1])):
        import_eaf(project, path, video="clip")
    assert dump_project(project.folder / PROJECT_FILE) == before


def test_a_foreign_tier_named_like_ours_does_not_clash(project, tmp_path):
    video = add_record(project, "clip", 25.0, 100)
    add_segments(project, video, [("Emotion cue", "kim", 3, 9, "repetition", "", None)])
    out = tmp_path / "clip.eaf"
    export_eaf(project, "clip", out)
    clear_segments(project, video)
    text = out.read_text(encoding="utf-8").replace(
        "<LINGUISTIC_TYPE ", '<TIER TIER_ID="Emotion cue" LINGUISTIC_TYPE_REF="plain"><ANNOTATION>'
        '<ALIGNABLE_ANNOTATION ANNOTATION_ID="a900" TIME_SLOT_REF1="ts2" TIME_SLOT_REF2="ts3">'
        "<ANNOTATION_VALUE>theirs</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER>"
        '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="plain" TIME_ALIGNABLE="true"/><LINGUISTIC_TYPE ', 1)
    out.write_text(text, encoding="utf-8")
    result = import_eaf(project, out)
    assert (result.segments, result.reference_segments) == (1, 1)
    ref = next(t for t in project._repo.tiers() if t.read_only)
    assert ref.name == "Emotion cue (clip.eaf)"
    assert [s.value for s in project._repo.segments(tier_id=ref.id)] == ["theirs"]
    assert seen(project, video, "elan:clip.eaf")[0][:5] == ("Emotion cue", "kim", 3, 9,
                                                            "repetition")


def test_an_export_coming_back_unchanged_adds_nothing(project, tmp_path):
    """Back into the project it came from: the segments it holds already are not doubled;
    one edited in ELAN comes in beside the original (nothing is lost), as that file's."""
    video = add_record(project, "clip", 25.0, 100)
    add_segments(project, video, [("Emotion cue", "kim", 3, 9, "repetition", "n", None),
                                  ("Emotion cue", "kim", 20, 29, "other", "", None)])
    out = tmp_path / "clip.eaf"
    export_eaf(project, "clip", out)
    result = import_eaf(project, out)
    assert (result.segments, result.unchanged) == (0, 2)
    assert seen(project, video, "elan:clip.eaf") == []
    out.write_text(out.read_text(encoding="utf-8").replace(">other<", ">larger signs<"),
                   encoding="utf-8")
    result = import_eaf(project, out)
    assert (result.segments, result.unchanged) == (1, 1)
    assert [r[4] for r in seen(project, video, "elan:clip.eaf")] == ["larger signs"]
    assert [r[4] for r in seen(project, video)] == ["repetition", "other"]
