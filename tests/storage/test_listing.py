"""The video list read in SQL (on SQLite and on PostgreSQL): label statuses computed by the
query are those of the core model; filtering, sorting, counting, paging and positions give
what plain Python gives from every video."""

from __future__ import annotations

import pytest

from emosign_desktop.core.listing import VideoQuery
from emosign_desktop.core.model import AnnotationStatus, VideoId
from tests.video_lists import fill, python_list, python_statuses

NOT_DONE = frozenset({AnnotationStatus.NOT_STARTED, AnnotationStatus.IN_PROGRESS})
QUERIES = [
    VideoQuery(),
    VideoQuery(descending=True),
    VideoQuery(text="BETA"),
    VideoQuery(text="%"),  # a LIKE wildcard, matched as itself
    VideoQuery(text="a_"),
    VideoQuery(text="no such video"),
    VideoQuery(sort="duration"),
    VideoQuery(sort="duration", descending=True),
    VideoQuery(sort="frames"),
    VideoQuery(sort="fps", descending=True),
    VideoQuery(sort="size"),
    VideoQuery(sort="codec"),
    VideoQuery(sort="media"),
    VideoQuery(sort="status", sort_annotator="ana"),
    VideoQuery(sort="status", sort_annotator="ben", descending=True),
    VideoQuery(sort="status", sort_annotator="nobody"),
    VideoQuery(annotator="ana", statuses=NOT_DONE),
    VideoQuery(annotator="ben", statuses=frozenset({AnnotationStatus.DONE}), text="alpha"),
    VideoQuery(annotator="ana", statuses=frozenset({AnnotationStatus.SKIPPED}),
               sort="status", sort_annotator="ben"),
    VideoQuery(annotator="nobody", statuses=frozenset({AnnotationStatus.NOT_STARTED})),
]


@pytest.fixture
def filled(project):
    fill(project, 150)
    return project


def test_statuses_in_sql_are_those_of_the_model(filled):
    repo = filled._repo
    stored = {(a.video_id, a.annotator_id): a.status(repo.schema) for a in repo.annotations()}
    assert set(stored.values()) == set(AnnotationStatus)  # every status, from a row or not
    assert repo.annotation_statuses(v.id for v in repo.videos()) == stored
    ids = {a.name: a.id for a in repo.annotators()}
    expected = python_statuses(filled)  # no annotation: not started
    some = [(VideoId(v), ids[name]) for v in range(1, 30) for name in ("ana", "ben")]
    assert repo.annotation_status_of(some) == {
        (v, a): expected[(v, name)] for v in range(1, 30) for name, a in ids.items()}


def test_status_counts_are_counted_in_one_aggregate(filled):
    repo = filled._repo
    ids = {a.id: a.name for a in repo.annotators()}
    expected: dict[str, dict[AnnotationStatus, int]] = {}
    for a in repo.annotations():
        counts = expected.setdefault(ids[a.annotator_id], {})
        counts[a.status(repo.schema)] = counts.get(a.status(repo.schema), 0) + 1
    assert {ids[a]: c for a, c in repo.status_counts().items()} == expected
    assert repo.video_count() == 150


@pytest.mark.parametrize("query", QUERIES, ids=repr)
def test_the_list_in_sql_is_the_list_in_python(filled, query):
    repo = filled._repo
    expected = python_list(filled, query)
    videos = repo.list_videos(query)
    assert [v.name for v in videos] == expected
    assert repo.count_videos(query) == len(expected)
    pages = [v.name for start in range(0, 160, 40) for v in repo.list_videos(query, start, 40)]
    assert pages == expected
    assert [repo.video_position(query, v.id) for v in videos] == list(range(len(videos)))
    ids = repo.list_video_ids(query)
    assert ids == [v.id for v in videos]
    by_id = repo.videos_by_id(reversed(ids))
    assert [by_id[i] for i in ids] == videos


def test_a_video_the_list_does_not_show_has_no_position(filled):
    repo = filled._repo
    query = VideoQuery(text="gamma")
    hidden = next(v for v in repo.videos() if "gamma" not in v.name.lower())
    assert repo.video_position(query, hidden.id) is None
    assert repo.video_position(VideoQuery(), VideoId(10_000)) is None


def test_an_empty_project_lists_nothing(project):
    repo = project._repo
    assert repo.list_videos(VideoQuery(), 0, 10) == []
    assert repo.count_videos(VideoQuery(text="x")) == 0
    assert repo.status_counts() == {} and repo.video_count() == 0
