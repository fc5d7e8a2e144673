"""What the video list reads through the services (on SQLite and on PostgreSQL): pages of
rows that are the rows of the whole list, counts, positions and the summary counted by
aggregates, statuses of changed labels in one query."""

from __future__ import annotations

import dataclasses

from emosign_desktop.core.listing import VideoQuery
from emosign_desktop.core.model import AnnotationStatus
from emosign_desktop.services.queries import Queries
from emosign_desktop.services.summary import project_info, video_rows
from tests.video_lists import fill, python_list, python_statuses


def test_pages_are_the_rows_of_the_whole_list(project):
    fill(project, 90)
    queries = Queries(project)
    every = {r.video.name: r for r in video_rows(project)}
    for query in (VideoQuery(), VideoQuery(sort="status", sort_annotator="ana"),
                  VideoQuery(text="ALPHA", descending=True)):
        names = python_list(project, query)
        rows = [r for start in range(0, 100, 25)
                for r in queries.video_page(query, start, 25)]
        assert [r.video.name for r in rows] == names
        assert rows == [every[n] for n in names]  # media state and every status too
        assert queries.video_count(query) == len(names)
        assert [queries.video_position(query, r.video.id) for r in rows] == list(
            range(len(rows)))
    assert queries.video_count() == 90


def test_rows_say_each_status_and_whether_the_media_is_there(project, sample_video):
    import shutil

    [first, *_] = fill(project, 12)
    media = project.folder / "media"
    media.mkdir()
    second = project._repo.video(first.id + 1)
    shutil.copy(sample_video, project.folder / second.media_path)
    statuses = python_statuses(project)
    rows = Queries(project).video_page(VideoQuery(sort="media"), 0, 12)
    for row in rows:
        assert row.media_found == (row.video.id == second.id)
        for who in ("ana", "ben"):
            assert row.status.get(who, AnnotationStatus.NOT_STARTED) \
                == statuses[(row.video.id, who)]


def test_the_summary_is_counted_by_aggregates(project):
    fill(project, 60)
    statuses = python_statuses(project)
    summary = Queries(project).list_summary()
    assert summary.videos == 60
    for who in ("ana", "ben"):
        assert summary.done[who] == sum(1 for (_v, n), s in statuses.items()
                                        if n == who and s is AnnotationStatus.DONE)
    text = summary.text("kim", ["ana", "ben"])
    assert text == (f"60 videos · you (kim): 0 of 60 done · ana: {summary.done['ana']} of 60 "
                    f"done · ben: {summary.done['ben']} of 60 done")
    info = project_info(project)
    ana = next(a for a in info["annotators"] if a["name"] == "ana")
    assert ana["done"] == summary.done["ana"]
    assert ana["annotations"] == sum(1 for a in project._repo.annotations()
                                     if a.annotator_id == project._repo.annotator_by_name(
                                         "ana").id)


def test_statuses_of_changed_labels(project):
    videos = fill(project, 20)
    queries = Queries(project)
    ana = queries.annotator_id("ana")
    project.editing.set_skipped(videos[3].id, "ana", True, "face hidden")
    keys = [(v.id, ana) for v in videos[:6]]
    statuses = python_statuses(project)
    assert queries.statuses(keys) == {(v.id, "ana"): statuses[(v.id, "ana")]
                                      for v in videos[:6]}
    assert queries.statuses(keys)[(videos[3].id, "ana")] is AnnotationStatus.SKIPPED


def test_choosing_by_name_finds_the_row(project):
    videos = fill(project, 30)
    queries = Queries(project)
    query = dataclasses.replace(VideoQuery(), sort="frames", descending=True)
    names = python_list(project, query)
    target = queries.video_named(names[17])
    assert target is not None and target.id in {v.id for v in videos}
    assert queries.video_position(query, target.id) == 17
    assert queries.video_named("no such video") is None
