"""SignStream files as reference tiers: fields to tiers (grammar, glosses, unknown), utterances
to videos (by media file name, by the ID at the end of the name, or as given), milliseconds to
exact frames, phases as attributes, re-import replaces, one undo step, nothing guessed."""

from __future__ import annotations

from pathlib import Path

import pytest

from emosign_desktop.core.changeset import ChangeSet, VideoEdit
from emosign_desktop.core.errors import EmoSignError, InputFileError
from emosign_desktop.core.model import MediaInfo, TierKind, Video, VideoId
from emosign_desktop.services.signstream import (
    GLOSS_GROUP,
    GRAMMAR_GROUP,
    OTHER_GROUP,
    NoUtterancePlaced,
    import_signstream,
    plan_signstream_import,
)
from emosign_desktop.services.videos import add_videos
from tests.conftest import add_videos_by_name, dump_project
from tests.io.test_signstream import UTTERANCES, write_signstream

REAL = Path("/work/shared/data/signstream")


def add_clip(project, name: str, frames: int, fps: float = 30.0) -> Video:
    """A video known by its stored media facts (no file here): frames at ``fps``."""
    video = Video(VideoId(project._repo.next_id("video")), name, None, None,
                  MediaInfo(fps, frames, 64, 48, frames / fps, "h264"))
    project.writer.run(f"add {name}", lambda _repo: ChangeSet(videos=(VideoEdit(None, video),)))
    return video


def spans(project, video, tier_name):
    tier = next(t for t in project._repo.tiers() if t.name == tier_name)
    return [(s.start_frame, s.end_frame, s.value, s.attributes)
            for s in project._repo.segments(video_id=video.id, tier_id=tier.id)]


@pytest.fixture
def videos(project):
    """Both camera views of utterance 5 (named after its media files) and an EmoSign clip of
    utterance 24363254 (its name ends in the ID)."""
    made = [add_clip(project, "669_474_master_small", 90),
            add_clip(project, "669_474_slave1_small", 90),
            add_clip(project, "10-Ben-Conclusion_24363254", 60)]
    project.writer.undo_stack.clear()
    return made


def test_fields_become_reference_tiers_on_the_right_videos(project, videos, tmp_path):
    master, slave, clip = videos
    result = import_signstream(project, write_signstream(tmp_path / "a.xml"))
    tiers = {t.name: t for t in project._repo.tiers() if t.read_only}
    assert len(tiers) == 7 and {t.source for t in tiers.values()} == {"signstream"}
    for name in ("eye brows", "head mvmt: nod", "wh question", "mouth"):
        assert (tiers[name].kind, tiers[name].group) == (TierKind.FACIAL_GRAMMAR, GRAMMAR_GROUP)
    assert tiers["eye brows"].vocabulary == ("raised", "lwrd")  # values, never the phases
    for name in ("main gloss", "English translation"):
        assert (tiers[name].kind, tiers[name].group, tiers[name].vocabulary) == (
            TierKind.FREE, GLOSS_GROUP, ())
    assert (tiers["weather"].kind, tiers["weather"].group) == (TierKind.FREE, OTHER_GROUP)
    # utterance 5 starts 1000 ms into its media files: onset, raised, offset, frame-exact
    expected = [(30, 49, "raised", (("phase", "onset"), ("utterance", "5"))),
                (50, 74, "raised", (("utterance", "5"),)),
                (75, 89, "raised", (("phase", "offset"), ("utterance", "5")))]
    assert spans(project, master, "eye brows") == expected
    assert spans(project, slave, "eye brows") == expected  # the synchronized view too
    assert [v for *_, v, _a in spans(project, master, "main gloss")] == ["JOHN", "LIKE", "LIKE"]
    assert spans(project, master, "English translation")[0][:3] == (30, 90 - 1, "John likes it.")
    # the clip of utterance 24363254: times from its start
    assert spans(project, clip, "wh question") == [
        (0, 6, "q/wh", (("phase", "onset"), ("utterance", "24363254"))),
        (7, 36, "q/wh", (("utterance", "24363254"),))]
    signstream = project._repo.annotator_by_name("signstream")
    assert signstream.kind.value == "imported"
    assert {s.annotator_id for s in project._repo.segments()} == {signstream.id}
    assert result.counts.segments == 9 * 2 + 5 == len(project._repo.segments())
    assert result.unplaced == [] and result.videos == [
        "669_474_master_small", "669_474_slave1_small", "10-Ben-Conclusion_24363254"]
    assert any("utterance 5 -> 669_474_master_small (its media file; times + 1,000 ms): 9 "
               "segments" in line for line in result.lines())


def test_reimport_replaces_and_undo_is_one_step(project, videos, tmp_path):
    path = write_signstream(tmp_path / "a.xml")
    import_signstream(project, path)
    first = {(s.video_id, s.start_frame, s.value) for s in project._repo.segments()}
    again = import_signstream(project, path)
    assert again.counts.replaced == 23 and again.counts.tiers_added == 0
    assert {(s.video_id, s.start_frame, s.value) for s in project._repo.segments()} == first
    fewer = ({**UTTERANCES[0], "tracks": {"10": [(667, 1467, "3")]}}, UTTERANCES[1])
    import_signstream(project, write_signstream(path, utterances=fewer))
    assert len(project._repo.segments()) == 2 + 5
    assert project.writer.undo_stack.undo_label == "import a.xml"
    project.writer.undo()
    assert {(s.video_id, s.start_frame, s.value) for s in project._repo.segments()} == first
    project.writer.undo()
    project.writer.undo()
    assert project._repo.segments() == [] and not any(t.read_only for t in project._repo.tiers())
    assert project._repo.annotator_by_name("signstream") is None
    project.writer.redo()
    assert len(project._repo.segments()) == 23


def test_one_utterance_again_replaces_only_its_own(project, videos, tmp_path):
    path = write_signstream(tmp_path / "a.xml")
    import_signstream(project, path)
    master, _slave, clip = videos
    result = import_signstream(project, path, utterance="24363254")
    assert result.counts.replaced == 5 and [p.utterance for p in result.placed] == ["24363254"]
    assert len(project._repo.segments(video_id=master.id)) == 9
    assert len(project._repo.segments(video_id=clip.id)) == 5


def test_given_utterance_and_video(project, videos, tmp_path):
    path = write_signstream(tmp_path / "a.xml")
    other = add_clip(project, "elsewhere", 90)
    result = import_signstream(project, path, utterance="5", video="elsewhere")
    [place] = result.placed
    assert (place.video, place.how, place.offset_ms) == ("elsewhere", "given", 0)
    assert spans(project, other, "eye brows")[0][:2] == (0, 19)  # the clip's own times
    with pytest.raises(EmoSignError, match="has 2 utterances: give the one"):
        import_signstream(project, path, video="elsewhere")
    with pytest.raises(EmoSignError, match="no utterance '77' \\(it has 5, 24363254\\)"):
        import_signstream(project, path, utterance="77")
    with pytest.raises(EmoSignError, match="no video named 'nowhere'"):
        import_signstream(project, path, utterance="5", video="nowhere")


def test_unmatched_and_ambiguous_are_listed_not_guessed(project, tmp_path):
    path = write_signstream(tmp_path / "a.xml")
    add_clip(project, "x_5", 90)
    add_clip(project, "y_5", 90)
    add_clip(project, "x_24363254-take2", 90)  # the ID must end the name
    before = dump_project(project.path)
    with pytest.raises(NoUtterancePlaced) as err:
        import_signstream(project, path)
    assert dump_project(project.path) == before
    lines = err.value.result.lines()
    assert "  utterance 5: not imported: several videos end in its ID (x_5, y_5): give " \
           "--utterance 5 --video NAME" in lines
    assert "  utterance 24363254: not imported: no video named after its media files " \
           "(24363254_master_small.mov) or ending in '_24363254'" in lines
    assert str(err.value).startswith(f"{path}: none of its 2 utterances could be placed")
    add_clip(project, "clip_24363254", 60)
    result = import_signstream(project, path)  # one placed, one listed
    assert [p.utterance for p in result.placed] == ["24363254"]
    assert [p.utterance for p in result.unplaced] == ["5"]
    assert result.lines()[-1] == "not imported: 1 utterances (listed above)"


def test_frames_need_a_frame_rate_and_times_must_fit(project, tmp_path):
    path = write_signstream(tmp_path / "a.xml")
    add_videos_by_name(project, "669_474_master_small")  # by name only: no frame rate
    short = add_clip(project, "clip_24363254", 30)  # 1000 ms: two annotations run past it
    result = plan_signstream_import(project, path)
    [no_rate] = result.unplaced
    assert "no media linked and no frame rate stored" in no_rate.problem
    [place] = result.placed
    assert place.cut == 2 and max(s.end_frame for s in place.spans) == 29
    assert project._repo.segments(video_id=short.id) == []  # a plan writes nothing


def test_too_short_a_video_is_refused(project, tmp_path):
    path = write_signstream(tmp_path / "a.xml")
    add_clip(project, "tiny_24363254", 5)  # 167 ms; annotations start as late as 333 ms
    with pytest.raises(NoUtterancePlaced, match="start as late as 333 ms but video "
                       "tiny_24363254 is 167 ms long"):
        import_signstream(project, path, utterance="24363254")


def test_frames_from_the_media_file(project, sample_video, tmp_path):
    [video] = add_videos(project, [sample_video])  # 12 frames at 12 fps: 83.3 ms each
    u = {"id": "1", "S": 0, "E": 1000, "media": ("1",), "tracks": {
        "10": [(0, 167, "2"), (250, 500, "3"), (583, 917, "400002")]}}
    path = write_signstream(tmp_path / "a.xml", utterances=(u,),
                            media=(("1", f"Disk:movies:{sample_video.stem}.mov"),))
    import_signstream(project, path)
    assert [s[:3] for s in spans(project, video, "eye brows")] == [
        (0, 2, "raised"), (3, 6, "lwrd"), (7, 11, "lwrd")]


def test_several_participants(project, tmp_path):
    clip = add_clip(project, "c_1", 30)
    u = {"id": "1", "S": 0, "E": 900, "media": (), "tracks": {},
         "segments": {"0": {"10": [(0, 100, "2")]}, "1": {"10": [(0, 200, "3")]}}}
    path = write_signstream(tmp_path / "a.xml", utterances=(u,),
                            participants=(("0", "Mike"), ("1", "Ben")))
    import_signstream(project, path)
    assert [dict(a)["participant"] for *_, a in spans(project, clip, "eye brows")] == [
        "Mike", "Ben"]


def test_a_malformed_file_imports_nothing(project, videos, tmp_path):
    path = tmp_path / "bad.xml"
    path.write_text("<SIGNSTREAM-DATABASE><CODING-SCHEME>", encoding="utf-8")
    before = dump_project(project.path)
    with pytest.raises(InputFileError, match=r"bad\.xml: not well-formed XML"):
        import_signstream(project, path)
    assert dump_project(project.path) == before


@pytest.mark.skipif(not REAL.is_dir(), reason="the shared SignStream files are not here "
                    "(optional: research data, never part of the project)")
@pytest.mark.parametrize("name, utterances, fields, annotations", [
    ("ncslgr10a.xml", 48, 32, 1842), ("biker.xml", 16, 34, 1092)])
def test_the_real_files(project, name, utterances, fields, annotations):
    from emosign_desktop.io.signstream import read_signstream

    file = read_signstream(REAL / name)
    for u in file.utterances:  # clips named after their utterances, a frame longer
        add_clip(project, f"{name[:-4]}_{u.id}", (u.end_ms - u.start_ms) * 30 // 1000 + 2)
    result = import_signstream(project, REAL / name)
    assert (len(result.placed), result.unplaced) == (utterances, [])
    assert result.counts.segments == annotations == len(project._repo.segments())
    assert result.counts.reference_tiers == fields


def test_an_id_shared_by_two_files_goes_to_the_video_naming_the_file(project, tmp_path):
    u = {"id": "15", "S": 0, "E": 900, "media": (), "tracks": {"10": [(0, 100, "2")]}}
    other = {**u, "tracks": {"10": [(0, 100, "3")]}}  # another file: other content
    biker = write_signstream(tmp_path / "biker.xml", utterances=(u,))
    ncslgr = write_signstream(tmp_path / "ncslgr10a.xml", utterances=(other,))
    b, n = add_clip(project, "biker_15", 30), add_clip(project, "ncslgr10a_15", 30)
    assert [p.video for p in import_signstream(project, biker).placed] == ["biker_15"]
    assert [p.video for p in import_signstream(project, ncslgr).placed] == [
        "ncslgr10a_15"]
    tiers = {t.id: t for t in project._repo.tiers()}
    assert [tiers[s.tier_id].name for s in project._repo.segments(video_id=b.id)] == [
        "eye brows"]
    # the second file shares the tiers (one coding scheme); its segments are its own
    assert [tiers[s.tier_id].name for s in project._repo.segments(video_id=n.id)] == [
        "eye brows"]


def test_translations_are_stored_verbatim(project, tmp_path):
    clip = add_clip(project, "clip_7", 90)
    text = "Did John read the book?  Yes, he did.  "
    u = {"id": "7", "S": 0, "E": 2900, "media": (), "tracks": {"20001": [(0, 2000, text)]}}
    import_signstream(project, write_signstream(tmp_path / "t.xml", utterances=(u,)))
    assert [v for _a, _b, v, _attrs in spans(project, clip, "English translation")] == [text]
