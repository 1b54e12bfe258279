import statistics
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from instructor_support import *  # noqa: F403 (the fixtures)
from instructor_support import (
    make_attempt,
    make_cohort,
    make_lesson,
    make_submission,
    make_track,
    minutes_ago,
)

from exercises.models import Exercise, LessonProgress, Membership
from exercises.services import dashboard
from exercises.services.dashboard import DashboardFilters

pytestmark = pytest.mark.django_db

ITEMS = [
    ("q-rate", ["small", "large", "zero"], 0),
    ("q-sign", ["plus", "minus"], 1),
    ("q-decay", ["a", "b", "c", "d"], 2),
]


@pytest.fixture
def course(ines, alice, bob, django_user_model, make_exercise):
    """A track with two lessons, two exercises in them and one outside; three students."""
    track = make_track()
    first = make_lesson(track, "first-lesson", 1, ITEMS)
    second = make_lesson(track, "second-lesson", 2)
    adamw = make_exercise("adamw")
    sgd = make_exercise("sgd")
    other = make_exercise("other")
    Exercise.objects.filter(pk=adamw.pk).update(lesson=first, position=1)
    Exercise.objects.filter(pk=sgd.pk).update(lesson=second, position=1)
    carol = django_user_model.objects.create_user("carol", password="carol-pass-123")
    cohort = make_cohort(ines, students=[alice, bob, carol], track=track)
    return {
        "track": track,
        "first": first,
        "second": second,
        "adamw": Exercise.objects.get(pk=adamw.pk),
        "sgd": Exercise.objects.get(pk=sgd.pk),
        "other": other,
        "cohort": cohort,
        "carol": carol,
    }


def _cell(board, username, slug):
    row = next(r for r in board.rows if r.username == username)
    index = next(i for i, c in enumerate(board.columns) if c.slug == slug)
    return row.cells[index]


def _stats(board, slug):
    return next(s for s in board.exercise_stats if s.column.slug == slug)


def test_columns_follow_the_track_with_exercises_under_their_lesson(course):
    board = dashboard.cohort_dashboard(cohort=course["cohort"])
    assert [(c.kind, c.slug) for c in board.columns] == [
        ("lesson", "first-lesson"),
        ("exercise", "adamw"),
        ("lesson", "second-lesson"),
        ("exercise", "sgd"),
    ]
    assert [r.username for r in board.rows] == ["alice", "bob", "carol"]


def test_without_a_track_every_lesson_and_published_exercise_is_shown(course, ines):
    bare = make_cohort(ines, slug="bare")
    board = dashboard.cohort_dashboard(cohort=bare)
    assert [c.slug for c in board.columns] == [
        "first-lesson",
        "adamw",
        "second-lesson",
        "sgd",
        "other",
    ]


def test_cells_show_state_attempts_and_best_score(course, alice, bob):
    adamw = course["adamw"]
    make_submission(alice, adamw, verdict="failed", score=0.5, mistakes=["coupled-l2"])
    make_submission(alice, adamw, verdict="passed")
    for _ in range(3):
        make_submission(bob, adamw, verdict="failed", score=0.25, mistakes=["coupled-l2"])
    make_submission(bob, course["sgd"], status="queued")

    board = dashboard.cohort_dashboard(cohort=course["cohort"])

    alice_cell = _cell(board, "alice", "adamw")
    assert (alice_cell.state, alice_cell.attempts, alice_cell.best) == ("passed", 2, 1.0)
    bob_cell = _cell(board, "bob", "adamw")
    assert (bob_cell.state, bob_cell.failed, bob_cell.best) == ("stuck", 3, 0.25)
    assert _cell(board, "bob", "sgd").state == "pending"
    assert _cell(board, "carol", "adamw").state == "none"


def test_two_failures_are_failing_not_stuck(course, alice):
    make_submission(alice, course["adamw"])
    make_submission(alice, course["adamw"])
    board = dashboard.cohort_dashboard(cohort=course["cohort"])
    assert _cell(board, "alice", "adamw").state == "failing"
    assert board.stuck == []


def test_run_mode_and_non_members_do_not_count(course, alice, django_user_model):
    outsider = django_user_model.objects.create_user("outsider", password="outsider-pass-1")
    make_submission(alice, course["adamw"], verdict="passed", mode="run")
    make_submission(outsider, course["adamw"], verdict="passed")
    board = dashboard.cohort_dashboard(cohort=course["cohort"])
    assert _cell(board, "alice", "adamw").state == "none"
    assert _stats(board, "adamw").attempted == 0


def test_exercise_statistics(course, alice, bob):
    adamw = course["adamw"]
    make_submission(alice, adamw, mistakes=["coupled-l2"], when=minutes_ago(30))
    make_submission(alice, adamw, mistakes=["decay-after-update"], when=minutes_ago(20))
    make_submission(alice, adamw, verdict="passed", when=minutes_ago(10))
    for n in range(4):
        make_submission(bob, adamw, mistakes=["coupled-l2"], when=minutes_ago(9 - n))
    make_submission(bob, adamw, verdict="error", when=minutes_ago(1))

    stats = _stats(dashboard.cohort_dashboard(cohort=course["cohort"]), "adamw")

    assert (stats.students, stats.attempted, stats.passed) == (3, 2, 1)
    assert stats.pass_rate == 50.0
    assert stats.completion == pytest.approx(100 / 3)
    assert stats.median_attempts == 4  # median of 3 and 5
    assert stats.median_solve_seconds == pytest.approx(20 * 60, abs=2)
    assert [(m.mistake, m.submissions, m.students) for m in stats.mistakes] == [
        ("coupled-l2", 5, 2),
        ("decay-after-update", 1, 1),
    ]
    assert "coupled-l2" in stats.chart and "<svg" in stats.chart


def test_stuck_students_are_listed_with_their_most_frequent_mistake(course, bob):
    for mistake in ["coupled-l2", "eps-inside-sqrt", "coupled-l2"]:
        make_submission(bob, course["adamw"], mistakes=[mistake])
    board = dashboard.cohort_dashboard(cohort=course["cohort"])
    assert [(s.username, s.exercise.slug, s.failed, s.top_mistake) for s in board.stuck] == [
        ("bob", "adamw", 3, "coupled-l2")
    ]
    assert board.rows[1].stuck == 1


def test_lesson_cells_show_progress_and_best_quiz_score(course, alice, bob):
    first = course["first"]
    make_attempt(alice, first, {"q-rate": 1, "q-sign": 1, "q-decay": 2})  # 2 of 3
    make_attempt(alice, first, {"q-rate": 0, "q-sign": 1, "q-decay": 2})  # 3 of 3
    LessonProgress.objects.create(user=bob, lesson=course["second"])

    board = dashboard.cohort_dashboard(cohort=course["cohort"])

    alice_first = _cell(board, "alice", "first-lesson")
    assert (alice_first.state, alice_first.quiz_attempts) == ("complete", 2)
    assert alice_first.best_percent == pytest.approx(100.0)
    assert _cell(board, "bob", "second-lesson").state == "in_progress"
    assert _cell(board, "carol", "first-lesson").state == "none"
    assert board.rows[0].lessons_complete == 1


def test_quiz_item_analysis_uses_first_sittings(course, alice, bob, django_user_model):
    first = course["first"]
    dave = django_user_model.objects.create_user("dave", password="dave-pass-123")
    Membership.objects.create(cohort=course["cohort"], user=dave)
    Membership.objects.filter(user=dave).update(joined_at=minutes_ago(60))
    carol = course["carol"]
    make_attempt(alice, first, {"q-rate": 0, "q-sign": 1, "q-decay": 2}, when=minutes_ago(50))
    make_attempt(bob, first, {"q-rate": 0, "q-sign": 0, "q-decay": 2}, when=minutes_ago(40))
    make_attempt(carol, first, {"q-rate": 1, "q-sign": 0, "q-decay": 0}, when=minutes_ago(30))
    make_attempt(dave, first, {"q-rate": 2, "q-sign": 1, "q-decay": None}, when=minutes_ago(20))
    # A retake counts for the best score, never for the item analysis.
    make_attempt(carol, first, {"q-rate": 0, "q-sign": 1, "q-decay": 2}, when=minutes_ago(10))

    quiz = dashboard.cohort_dashboard(cohort=course["cohort"]).quiz
    assert [q.lesson.slug for q in quiz] == ["first-lesson"]
    assert quiz[0].students == 4
    items = {item.key: item for item in quiz[0].items}

    rate = items["q-rate"]
    assert (rate.answered, rate.percent_correct) == (4, 50.0)
    assert [(o.text, o.count, o.correct) for o in rate.options] == [
        ("small", 2, True),
        ("large", 1, False),
        ("zero", 1, False),
    ]
    decay = items["q-decay"]
    assert decay.blank == 1 and decay.percent_correct == 50.0

    # r is the correlation of being right with the share right on the other two items.
    correct = [True, True, False, False]  # alice, bob, carol, dave on q-rate
    rest = [1.0, 0.5, 0.0, 0.5]
    expected = statistics.correlation([float(c) for c in correct], rest)
    assert rate.point_biserial == pytest.approx(expected)
    assert rate.upper_lower == pytest.approx(1.0)


def test_point_biserial_is_undefined_without_variation():
    assert dashboard.point_biserial([True, True], [0.5, 1.0]) is None
    assert dashboard.point_biserial([True, False], [0.5, 0.5]) is None
    assert dashboard.point_biserial([True], [1.0]) is None
    assert dashboard.point_biserial([True, False], [1.0, 0.0]) == pytest.approx(1.0)


def test_upper_lower_index():
    correct = [False, False, True, True, True, False, True, True, True, True]
    scores = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    # 27% of 10 is 3: the top three all right, the bottom three one right.
    assert dashboard.upper_lower_index(correct, scores) == pytest.approx(1 - 1 / 3)


def test_item_flags():
    hard = dashboard.QuizItemStats("k", 0, "?", 10, 20.0, 0.5, 0.4, [], 0)
    negative = dashboard.QuizItemStats("k", 0, "?", 10, 60.0, -0.3, -0.2, [], 0)
    assert hard.flags == ["hard"]
    assert negative.flags == ["negative discrimination"]


def test_lesson_filter_keeps_one_lesson_and_its_exercises(course):
    board = dashboard.cohort_dashboard(
        cohort=course["cohort"], filters=DashboardFilters(lesson_slug="second-lesson")
    )
    assert [c.slug for c in board.columns] == ["second-lesson", "sgd"]
    assert [c.slug for c in board.all_lessons] == ["first-lesson", "second-lesson"]


def test_date_filter_limits_submissions_and_quiz_attempts(course, alice):
    old = timezone.now() - timedelta(days=10)
    make_submission(alice, course["adamw"], verdict="passed", when=old)
    make_submission(alice, course["adamw"], verdict="failed", when=timezone.now())
    make_attempt(alice, course["first"], {"q-rate": 0, "q-sign": 1, "q-decay": 2}, when=old)
    today = timezone.localdate()

    recent = dashboard.cohort_dashboard(
        cohort=course["cohort"], filters=DashboardFilters(start=today - timedelta(days=1))
    )
    assert _cell(recent, "alice", "adamw").state == "failing"
    assert _cell(recent, "alice", "first-lesson").quiz_attempts == 0

    before = dashboard.cohort_dashboard(
        cohort=course["cohort"], filters=DashboardFilters(end=today - timedelta(days=5))
    )
    assert _cell(before, "alice", "adamw").state == "passed"
    assert _cell(before, "alice", "first-lesson").quiz_attempts == 1


def test_mistake_chart_escapes_labels():
    chart = dashboard.mistakes_chart_svg(
        [dashboard.MistakeCount("<script>alert(1)</script>", 3, 1)], title='"><img src=x>'
    )
    assert "<script>" not in chart and "&lt;script&gt;" in chart
    assert "<img" not in chart
    assert dashboard.mistakes_chart_svg([], title="none") == ""


def test_matrix_escapes_student_names_and_is_readable_without_colour(course, alice):
    alice.first_name = "<b>Al"
    alice.save()
    make_submission(alice, course["adamw"], verdict="passed")
    html = dashboard.cohort_dashboard(cohort=course["cohort"]).matrix_html()
    assert "<b>Al" not in html and "&lt;b&gt;Al" in html
    assert "passed" in html and "not started" in html and "1 try · best 100%" in html


# -- views -----------------------------------------------------------------------------
def test_dashboard_page_shows_matrix_legend_mistakes_stuck_and_quiz(course, ines_client, bob):
    for _ in range(3):
        make_submission(bob, course["adamw"], mistakes=["coupled-l2"])
    make_attempt(bob, course["first"], {"q-rate": 0, "q-sign": 0, "q-decay": 2})
    response = ines_client.get(reverse("instructor:dashboard", args=[course["cohort"].slug]))
    page = response.content.decode()

    assert response.status_code == 200
    assert 'id="matrix"' in page and "Legend" in page
    assert "stuck" in page and 'id="stuck-table"' in page
    assert "coupled-l2" in page and "<svg" in page
    assert "Question q-rate?" in page
    assert reverse("instructor:export_grades", args=[course["cohort"].slug]) in page


def test_dashboard_filters_come_from_the_query_string(course, ines_client):
    url = reverse("instructor:dashboard", args=[course["cohort"].slug])
    page = ines_client.get(url, {"lesson": "second-lesson"}).content.decode()
    assert "Lesson</span> Lesson second-lesson" in page
    assert "Lesson</span> Lesson first-lesson" not in page
    assert "?lesson=second-lesson" in page  # exports keep the filter


def test_dashboard_reports_a_bad_date_range(course, ines_client):
    url = reverse("instructor:dashboard", args=[course["cohort"].slug])
    response = ines_client.get(url, {"start": "2027-02-01", "end": "2027-01-01"})
    assert response.status_code == 400
    assert "The start date is after the end date." in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"end": "9999-12-31"},
        {"start": "0001-01-01"},
        {"start": "1999-12-31"},
        {"end": "3000-01-01"},
    ],
)
def test_dashboard_reports_dates_out_of_range_with_a_400(course, ines_client, query):
    url = reverse("instructor:dashboard", args=[course["cohort"].slug])
    response = ines_client.get(url, query)
    assert response.status_code == 400
    assert "Pick a date between 2000-01-01 and 2999-12-31" in response.content.decode()


def test_filters_far_in_the_future_do_not_overflow():
    far = DashboardFilters(start=date.min, end=date.max)
    since, until = far.time_range()
    assert since is not None and until is not None and since < until


def _populate(cohort, exercises, lesson, students, django_user_model, prefix):
    for n in range(students):
        user = django_user_model.objects.create_user(f"{prefix}{n}", password="x-pass-12345")
        Membership.objects.create(cohort=cohort, user=user)
        for exercise in exercises:
            make_submission(user, exercise, mistakes=["coupled-l2"])
            make_submission(user, exercise, verdict="passed" if n % 2 else "failed")
        make_attempt(user, lesson, {"q-rate": n % 3, "q-sign": 1, "q-decay": 2})


def test_dashboard_query_count_does_not_grow_with_the_cohort(
    course, ines, ines_client, django_user_model, django_assert_num_queries
):
    exercises = [course["adamw"], course["sgd"]]
    small = course["cohort"]
    _populate(small, exercises, course["first"], 2, django_user_model, "s")
    large = make_cohort(ines, slug="large", track=course["track"])
    _populate(large, exercises, course["first"], 40, django_user_model, "l")

    # user, instructor group, cohort, lessons, exercises, members, two submission
    # aggregates, lesson progress, quiz items, quiz attempts (the session is cached)
    with django_assert_num_queries(11):
        small_page = ines_client.get(reverse("instructor:dashboard", args=[small.slug]))
    with django_assert_num_queries(11):
        large_page = ines_client.get(reverse("instructor:dashboard", args=[large.slug]))
    assert small_page.status_code == large_page.status_code == 200
    assert large_page.content.decode().count('<th scope="row"><a href=') >= 40


def test_student_timeline_shows_code_verdicts_diagnoses_and_quizzes(course, ines_client, alice):
    make_submission(
        alice,
        course["adamw"],
        mistakes=["coupled-l2"],
        code="w = w - lr * (g + wd * w)  # <script>x</script>",
    )
    make_attempt(alice, course["first"], {"q-rate": 0, "q-sign": 1, "q-decay": 2})
    url = reverse("instructor:student", args=[course["cohort"].slug, "alice"])
    page = ines_client.get(url).content.decode()

    assert "coupled-l2" in page and "Title of coupled-l2" in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x</script>" not in page
    assert "Quiz of Lesson first-lesson" in page
    assert "Completed the lesson" in page


def test_exercise_drill_down_lists_the_cohorts_submissions_and_filters_by_mistake(
    course, ines_client, alice, bob, django_user_model
):
    outsider = django_user_model.objects.create_user("outsider", password="outsider-pass-1")
    make_submission(alice, course["adamw"], mistakes=["coupled-l2"], code="alice_code = 1")
    make_submission(bob, course["adamw"], mistakes=["eps-inside-sqrt"], code="bob_code = 2")
    make_submission(outsider, course["adamw"], code="outsider_code = 3")
    url = reverse("instructor:cohort_exercise", args=[course["cohort"].slug, "adamw"])

    page = ines_client.get(url).content.decode()
    assert "alice_code" in page and "bob_code" in page and "outsider_code" not in page
    assert "eps-inside-sqrt" in page

    filtered = ines_client.get(url, {"mistake": "coupled-l2"}).content.decode()
    assert "alice_code" in filtered and "bob_code" not in filtered


@pytest.mark.parametrize(
    "query",
    [{"mistake": "coupled\x00l2"}, {"mistake": "m" * 5000}, {"verdict": "passed\x00"}],
    ids=["nul-mistake", "long-mistake", "nul-verdict"],
)
def test_exercise_drill_down_refuses_unusable_filters_with_a_400(course, ines_client, query):
    url = reverse("instructor:cohort_exercise", args=[course["cohort"].slug, "adamw"])
    response = ines_client.get(url, query)
    assert response.status_code == 400


def test_exercise_drill_down_with_a_malformed_page_number_shows_a_page(course, ines_client):
    url = reverse("instructor:cohort_exercise", args=[course["cohort"].slug, "adamw"])
    for page in ("-1", "x", "9" * 40, "1e309", "0"):
        assert ines_client.get(url, {"page": page}).status_code == 200, page


def test_exercise_drill_down_pages(course, ines_client, alice):
    for n in range(55):
        make_submission(alice, course["adamw"], code=f"attempt_{n} = 1")
    url = reverse("instructor:cohort_exercise", args=[course["cohort"].slug, "adamw"])
    first = ines_client.get(url).content.decode()
    assert "attempt_54" in first and "attempt_0 " not in first and "Page 1 of 2" in first
    second = ines_client.get(url, {"page": 2}).content.decode()
    assert "attempt_0 = 1" in second


def test_unknown_exercise_drill_down_is_404(cohort, ines_client):
    url = reverse("instructor:cohort_exercise", args=[cohort.slug, "nope"])
    assert ines_client.get(url).status_code == 404


def test_dashboard_filter_form_accepts_iso_dates(course, ines_client):
    url = reverse("instructor:dashboard", args=[course["cohort"].slug])
    day = date.today().isoformat()
    with CaptureQueriesContext(connection):
        response = ines_client.get(url, {"start": day, "end": day})
    assert response.status_code == 200
    assert "Clear filters" in response.content.decode()


def test_recording_a_result_keeps_its_first_named_mistake_for_the_dashboard(alice, exercise):
    from instructor_support import make_result

    from exercises.models import Submission
    from exercises.services.submissions import submission_record_result

    def record(result):
        submission = Submission.objects.create(
            user=alice,
            exercise=exercise,
            exercise_version=exercise.current_version,
            code="x",
            status="running",
        )
        submission_record_result(submission_id=submission.pk, result=result)
        return Submission.objects.get(pk=submission.pk).named_mistake

    assert record(make_result("failed", 0.0, ["coupled-l2", "eps-inside-sqrt"])) == "coupled-l2"
    assert record(make_result("failed", 0.0)) == ""
    assert record(make_result("passed", 1.0)) == ""
    assert record({"verdict": "failed", "diagnoses": "garbage"}) == ""


def test_migration_backfills_named_mistakes_of_stored_results(alice, exercise):
    import importlib

    from django.apps import apps

    from exercises.models import Submission

    migration = importlib.import_module("exercises.migrations.0004_submission_named_mistake")
    failed = make_submission(alice, exercise, mistakes=["coupled-l2"])
    passed = make_submission(alice, exercise, verdict="passed")
    Submission.objects.update(named_mistake="")

    migration.backfill_named_mistake(apps, None)

    assert Submission.objects.get(pk=failed.pk).named_mistake == "coupled-l2"
    assert Submission.objects.get(pk=passed.pk).named_mistake == ""


def test_a_cohort_with_nothing_to_show_still_renders(ines, ines_client):
    empty = make_cohort(ines, slug="empty")
    board = dashboard.cohort_dashboard(cohort=empty)
    assert board.rows == [] and board.columns == [] and board.quiz == []
    page = ines_client.get(reverse("instructor:dashboard", args=[empty.slug])).content.decode()
    assert "No students yet" in page
