"""The class dashboard's rows of a few students, for replacing one row on an open page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from factories import passing_result, published_exercise
from instructor_support import *  # noqa: F403 (the fixtures)
from instructor_support import make_attempt, make_cohort, make_lesson, make_submission, make_track

from exercises.models import Exercise, Membership, Submission
from exercises.services import dashboard
from exercises.services.submissions import submission_record_result

pytestmark = pytest.mark.django_db

ITEMS = [("q-rate", ["small", "large"], 0), ("q-sign", ["plus", "minus"], 1)]
# lessons, exercises, members, two submission aggregates, lesson progress, quiz items,
# quiz attempts
PARTIAL_DASHBOARD_QUERIES = 8


@pytest.fixture
def course(ines, alice, bob, django_user_model):
    """A track with one lesson (and its quiz) holding two exercises; three students."""
    track = make_track()
    lesson = make_lesson(track, "first-lesson", 1, ITEMS)
    adamw = published_exercise("adamw", lesson=lesson)
    sgd = published_exercise("sgd", lesson=lesson)
    Exercise.objects.filter(pk=sgd.pk).update(position=1)
    carol = django_user_model.objects.create_user("carol", password="carol-pass-123")
    cohort = make_cohort(ines, students=[alice, bob, carol], track=track)
    return {"cohort": cohort, "lesson": lesson, "adamw": adamw, "sgd": sgd, "carol": carol}


def _row_of(matrix_html: str, user_id: int) -> str:
    match = re.search(rf'<tr data-student="{user_id}">.*?</tr>', matrix_html)
    assert match is not None
    return match.group(0)


def _rows_of(cohort, *user_ids) -> dict[int, str]:
    return dashboard.matrix_rows_html(dashboard.cohort_dashboard(cohort=cohort, user_ids=user_ids))


def _adamw_cell(row_html: str) -> str:
    # The lesson's cell comes first, then its exercises in order: adamw, then sgd.
    return re.findall(r"<td .*?</td>", row_html)[1]


def test_every_matrix_row_carries_its_student_as_a_hook(course, alice, bob):
    board = dashboard.cohort_dashboard(cohort=course["cohort"])
    html = board.matrix_html()
    rows = dashboard.matrix_rows_html(board)

    assert re.findall(r'<tr data-student="(\d+)">', html) == [str(r.user_id) for r in board.rows]
    assert list(rows) == [row.user_id for row in board.rows]
    assert "".join(rows.values()) == html
    assert rows[alice.pk].startswith(f'<tr data-student="{alice.pk}"><th scope="row">')


def test_a_partial_dashboard_gives_exactly_that_students_row_as_in_the_full_matrix(
    course, alice, bob
):
    make_submission(alice, course["adamw"], verdict="passed")
    make_submission(bob, course["adamw"], mistakes=["coupled-l2"])
    make_submission(bob, course["sgd"], verdict="passed")
    make_attempt(bob, course["lesson"], {"q-rate": 0, "q-sign": 0})
    full = dashboard.cohort_dashboard(cohort=course["cohort"]).matrix_html()

    partial = dashboard.cohort_dashboard(cohort=course["cohort"], user_ids=[bob.pk])
    rows = dashboard.matrix_rows_html(partial)

    assert [row.user_id for row in partial.rows] == [bob.pk]
    assert rows == {bob.pk: _row_of(full, bob.pk)}
    assert "quiz best 50%" in rows[bob.pk] and "1 try · best 100%" in rows[bob.pk]


def test_a_queued_submission_shows_being_graded_then_passed_once_done(course, alice):
    submission = make_submission(alice, course["adamw"], status=Submission.Status.QUEUED)
    queued = _adamw_cell(_rows_of(course["cohort"], alice.pk)[alice.pk])
    assert 'class="state-pending"' in queued and "grading" in queued

    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.RUNNING)
    running = _adamw_cell(_rows_of(course["cohort"], alice.pk)[alice.pk])
    assert running == queued

    assert submission_record_result(submission_id=submission.pk, result=passing_result())
    done = _rows_of(course["cohort"], alice.pk)[alice.pk]
    assert _adamw_cell(done) == (
        '<td class="state-passed"><b aria-hidden="true">✓</b> passed'
        "<small>1 try · best 100%</small></td>"
    )
    assert done == _row_of(
        dashboard.cohort_dashboard(cohort=course["cohort"]).matrix_html(), alice.pk
    )


def test_a_partial_dashboard_reads_the_work_of_its_students_alone(course, alice, bob):
    make_submission(alice, course["adamw"], verdict="passed")
    make_submission(bob, course["adamw"], mistakes=["coupled-l2"])
    make_attempt(bob, course["lesson"], {"q-rate": 0, "q-sign": 1})

    partial = dashboard.cohort_dashboard(cohort=course["cohort"], user_ids={alice.pk})

    adamw = next(s for s in partial.exercise_stats if s.column.slug == "adamw")
    assert (adamw.students, adamw.attempted, adamw.passed, adamw.mistakes) == (1, 1, 1, [])
    assert [quiz.students for quiz in partial.quiz] == [0]


def test_ids_of_non_members_give_no_row(course, alice, django_user_model):
    outsider = django_user_model.objects.create_user("olga", password="olga-pass-123")
    make_submission(outsider, course["adamw"], verdict="passed")

    assert _rows_of(course["cohort"], outsider.pk) == {}
    assert list(_rows_of(course["cohort"], outsider.pk, alice.pk)) == [alice.pk]
    assert _rows_of(course["cohort"]) == {}


def _add_students(cohort, course, count, django_user_model, prefix):
    for n in range(count):
        user = django_user_model.objects.create_user(f"{prefix}{n}", password="x-pass-12345")
        Membership.objects.create(cohort=cohort, user=user)
        make_submission(user, course["adamw"], mistakes=["coupled-l2"])
        make_submission(user, course["sgd"], verdict="passed" if n % 2 else "failed")
        make_attempt(user, course["lesson"], {"q-rate": n % 2, "q-sign": 1})


def test_partial_dashboard_queries_do_not_grow_with_the_cohort(
    course, ines, alice, django_user_model, django_assert_num_queries
):
    small = course["cohort"]
    make_submission(alice, course["adamw"], verdict="passed")
    large = make_cohort(ines, slug="large", students=[alice], track=small.track)
    _add_students(large, course, 29, django_user_model, "l")
    assert large.memberships.count() == 30 and small.memberships.count() == 3

    with CaptureQueriesContext(connection) as small_queries:
        small_rows = _rows_of(small, alice.pk)
    with django_assert_num_queries(PARTIAL_DASHBOARD_QUERIES):
        large_rows = _rows_of(large, alice.pk)

    assert len(small_queries) == PARTIAL_DASHBOARD_QUERIES
    assert list(small_rows) == list(large_rows) == [alice.pk]
