"""Points after policy, read from real rows: submissions, regrades, quizzes, extensions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import make_attempt, make_submission

from courses import gradebook, services
from courses.grading import student_assignment_points, student_grade
from exercises import signals
from exercises.models import Regrade, RegradeItem, Submission
from exercises.services.submissions import submission_claim, submission_record_result

pytestmark = pytest.mark.django_db
TICK = timedelta(microseconds=1)


def test_a_submission_sent_before_the_due_time_and_graded_after_it_is_on_time(week1, alice, adam):
    submission = make_submission(alice, adam, status="queued", when=week1.due_at - TICK)
    claim = submission_claim(submission_id=submission.pk, lease=timedelta(minutes=5))
    assert claim is not None
    # The grading is stored now, after the due time has passed (moved into the past
    # below); only when the work was sent matters.
    assert submission_record_result(
        submission_id=submission.pk,
        claim=claim,
        result={"verdict": "passed", "score": 1.0, "cases": [], "diagnoses": []},
    )
    finished = Submission.objects.get(pk=submission.pk).finished_at
    week1.opens_at = finished - timedelta(days=2)
    week1.due_at = finished - timedelta(hours=1)
    week1.save()
    Submission.objects.filter(pk=submission.pk).update(created_at=week1.due_at - TICK)
    grade = student_grade(assignment=week1, user_id=alice.pk)
    adam_item = grade.items[0][1]
    assert (adam_item.points, adam_item.late, adam_item.pending) == (10.0, False, False)


def test_the_boundary_is_the_due_time_itself(week1, alice, bob, adam):
    make_submission(alice, adam, verdict="passed", when=week1.due_at)
    make_submission(bob, adam, verdict="passed", when=week1.due_at + TICK)
    assert student_assignment_points(assignment=week1, user_id=alice.pk) == (10.0, 35.0)
    assert student_assignment_points(assignment=week1, user_id=bob.pk) == (9.0, 35.0)


def test_run_mode_and_queued_work_do_not_earn_points(week1, alice, adam):
    make_submission(alice, adam, verdict="passed", mode="run", when=week1.due_at - TICK)
    make_submission(alice, adam, status="queued", when=week1.due_at - TICK)
    grade = student_grade(assignment=week1, user_id=alice.pk)
    assert (grade.earned, grade.pending) == (0.0, True)


def test_quiz_attempts_count_by_the_time_their_answers_were_handed_in(
    week1, alice, bob, quiz_lesson
):
    make_attempt(alice, quiz_lesson, {"q1": 0, "q2": 1}, when=week1.due_at)
    make_attempt(bob, quiz_lesson, {"q1": 0, "q2": 0}, when=week1.due_at - timedelta(hours=1))
    make_attempt(bob, quiz_lesson, {"q1": 0, "q2": 1}, when=week1.due_at + timedelta(hours=30))
    assert student_grade(assignment=week1, user_id=alice.pk).items[2][1].points == 5.0
    # Bob's half marks on time (2.5) lose to his full marks two days late (5 x 0.8 = 4).
    bob_quiz = student_grade(assignment=week1, user_id=bob.pk).items[2][1]
    assert (bob_quiz.points, bob_quiz.late, bob_quiz.days_late) == (4.0, True, 2)


def test_a_finished_regrade_replaces_the_original_grade(week1, alice, adam, ines):
    submission = make_submission(alice, adam, verdict="failed", score=0.3, when=week1.due_at)
    assert student_assignment_points(assignment=week1, user_id=alice.pk)[0] == 3.0
    regrade = Regrade.objects.create(
        exercise=adam, version=adam.current_version, created_by=ines, total=1
    )
    item = RegradeItem.objects.create(
        regrade=regrade, submission=submission, old_verdict="failed", old_score=0.3
    )
    assert student_assignment_points(assignment=week1, user_id=alice.pk)[0] == 3.0
    RegradeItem.objects.filter(pk=item.pk).update(new_verdict="passed", new_score=1.0, done=True)
    assert student_assignment_points(assignment=week1, user_id=alice.pk)[0] == 10.0


def test_an_extension_turns_late_work_into_on_time_work_and_says_so(
    week1, alice, adam, django_capture_on_commit_callbacks, monkeypatch
):
    make_submission(alice, adam, verdict="passed", when=week1.due_at + timedelta(hours=5))
    assert student_assignment_points(assignment=week1, user_id=alice.pk)[0] == 9.0
    told = []
    receiver = lambda sender, user_ids, **kwargs: told.append(user_ids)  # noqa: E731
    signals.grades_changed.connect(receiver, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.extension_grant(
                assignment=week1,
                username="alice",
                due_at=week1.due_at + timedelta(days=1),
                reason="ill",
                granted_by=None,
            )
    finally:
        signals.grades_changed.disconnect(receiver)
    assert told == [[alice.pk]]
    grade = student_grade(assignment=week1, user_id=alice.pk)
    assert (grade.earned, grade.late, grade.window.extended) == (10.0, False, True)


def test_an_extension_is_only_for_a_student_of_the_class_and_only_later(week1, ines):
    with pytest.raises(services.ExtensionRefused, match="No student named 'ines'"):
        services.extension_grant(
            assignment=week1,
            username="ines",
            due_at=week1.due_at + timedelta(days=1),
            reason="",
            granted_by=ines,
        )
    with pytest.raises(services.ExtensionRefused, match="after the assignment's own due time"):
        services.extension_grant(
            assignment=week1, username="alice", due_at=week1.due_at, reason="", granted_by=ines
        )


def test_gradebook_csv_has_points_late_flags_extensions_and_totals(week1, alice, bob, adam, sgd):
    make_submission(alice, adam, verdict="passed", when=week1.due_at - timedelta(hours=1))
    make_submission(alice, sgd, verdict="failed", score=0.5, when=week1.due_at - timedelta(hours=1))
    make_submission(bob, adam, verdict="passed", when=week1.due_at + timedelta(hours=1))
    services.extension_grant(
        assignment=week1,
        username="bob",
        due_at=week1.due_at.replace(year=week1.due_at.year + 1),
        reason="",
        granted_by=None,
    )
    book = gradebook.cohort_gradebook(cohort=week1.cohort)
    rows = list(gradebook.gradebook_csv_rows(gradebook=book))
    assert rows[0] == [
        "username",
        "name",
        "email",
        "Week 1 (points of 35)",
        "Week 1 late",
        "Week 1 extended until (UTC)",
        "total points",
        "total possible",
        "total percent",
    ]
    extended = week1.due_at.replace(year=week1.due_at.year + 1).strftime("%Y-%m-%d %H:%M")
    assert rows[1:] == [
        ["alice", "", "a@x.org", 20, "no", "", 20, 35, 57.1],
        ["bob", "", "", 10, "no", extended, 10, 35, 28.6],
    ]


def test_assignment_statistics_bin_students_and_break_items_down(week1, alice, bob, adam):
    make_submission(alice, adam, verdict="passed", when=week1.due_at)
    make_submission(bob, adam, verdict="passed", when=week1.due_at + timedelta(hours=1))
    stats = gradebook.assignment_stats(assignment=week1)
    # alice 10/35 = 28.6%, bob 9/35 = 25.7%: both in the 20-30% bin.
    assert stats.histogram.counts == [0, 0, 2, 0, 0, 0, 0, 0, 0, 0]
    adam_row = stats.items[0]
    assert (adam_row.attempted, adam_row.full_marks, adam_row.late, adam_row.mean_points) == (
        2,
        1,
        1,
        9.5,
    )
    assert stats.late_students == 1


def test_the_gradebook_reads_a_large_class_in_a_constant_number_of_queries(
    week1, adam, django_user_model, django_assert_max_num_queries
):
    from exercises.models import Membership

    for n in range(40):
        student = django_user_model.objects.create_user(f"s{n:02}")
        Membership.objects.create(cohort=week1.cohort, user=student)
        make_submission(student, adam, verdict="passed", when=week1.due_at)
    with django_assert_max_num_queries(8):
        book = gradebook.cohort_gradebook(cohort=week1.cohort)
    assert len(book.rows) == 42
