"""Lessons started and completed, quizzes shuffled, scored and passed."""

from __future__ import annotations

import random

import pytest
from learning_support import choices_for, make_lesson, make_track

from exercises.models import LessonProgress, QuizAttempt, QuizItem
from exercises.services.learning import (
    QuizUnavailable,
    lesson_mark_complete,
    lesson_mark_started,
    quiz_attempt_start,
    quiz_attempt_submit,
    quiz_passes,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "correct, total, passes",
    [
        (3, 4, False),  # exactly 75% is not above 75%
        (4, 4, True),
        (7, 9, True),  # 77.8%
        (6, 8, False),  # 75% again
        (0, 0, False),
        (0, 4, False),
    ],
)
def test_quiz_passes_only_strictly_above_the_threshold(correct, total, passes):
    assert quiz_passes(correct=correct, total=total, pass_percent=75) is passes


def test_marking_started_creates_one_in_progress_row(alice):
    lesson = make_track(lessons=1).lessons.get()

    first = lesson_mark_started(user=alice, lesson=lesson)
    second = lesson_mark_started(user=alice, lesson=lesson)

    assert first.pk == second.pk
    assert first.state == LessonProgress.State.IN_PROGRESS
    assert LessonProgress.objects.count() == 1


def test_visiting_a_completed_lesson_keeps_it_complete(alice):
    lesson = make_track(lessons=1).lessons.get()
    LessonProgress.objects.create(user=alice, lesson=lesson, state="complete")

    assert lesson_mark_started(user=alice, lesson=lesson).state == "complete"


def test_start_stores_a_shuffled_order_of_every_active_item(alice):
    lesson = make_track(lessons=1, items=5).lessons.get()
    QuizItem.objects.filter(lesson=lesson, key="q5").update(active=False)

    attempt = quiz_attempt_start(user=alice, lesson=lesson, rng=random.Random(7))

    assert list(attempt.order) == ["q1", "q2", "q3", "q4"]
    for indexes in attempt.order.values():
        assert sorted(indexes) == [0, 1, 2, 3]
    assert any(indexes != [0, 1, 2, 3] for indexes in attempt.order.values())


def test_orders_differ_between_attempts(alice):
    lesson = make_track(lessons=1, items=6).lessons.get()
    first = quiz_attempt_start(user=alice, lesson=lesson, rng=random.Random(1))
    quiz_attempt_submit(user=alice, attempt_id=first.pk, choices={})

    second = quiz_attempt_start(user=alice, lesson=lesson, rng=random.Random(2))

    assert second.pk != first.pk
    assert second.order != first.order


def test_reloading_reuses_the_open_attempt_and_its_order(alice):
    lesson = make_track(lessons=1).lessons.get()

    first = quiz_attempt_start(user=alice, lesson=lesson)
    again = quiz_attempt_start(user=alice, lesson=lesson)

    assert again.pk == first.pk and again.order == first.order
    assert QuizAttempt.objects.count() == 1


def test_an_open_attempt_over_changed_items_is_not_reused(alice):
    lesson = make_track(lessons=1).lessons.get()
    first = quiz_attempt_start(user=alice, lesson=lesson)
    QuizItem.objects.filter(lesson=lesson, key="q4").update(active=False)

    second = quiz_attempt_start(user=alice, lesson=lesson)

    assert second.pk != first.pk
    assert list(second.order) == ["q1", "q2", "q3"]


def test_a_lesson_without_items_has_no_quiz(alice):
    lesson = make_track(lessons=1, items=0).lessons.get()
    with pytest.raises(QuizUnavailable):
        quiz_attempt_start(user=alice, lesson=lesson)


def test_submit_maps_shown_positions_back_to_original_indexes(alice):
    lesson = make_track(lessons=1, items=2).lessons.get()
    attempt = quiz_attempt_start(user=alice, lesson=lesson, rng=random.Random(3))
    shown_q1 = attempt.order["q1"]
    # Pick whatever is shown first for q1 and the right answer (index 1) for q2.
    choices = {"q1": "0", "q2": str(attempt.order["q2"].index(1))}

    scored = quiz_attempt_submit(user=alice, attempt_id=attempt.pk, choices=choices)

    assert scored.answers == {"q1": shown_q1[0], "q2": 1}
    assert scored.submitted_at is not None


@pytest.mark.parametrize(
    "items, right, passed",
    [(4, 3, False), (4, 4, True), (9, 7, True), (9, 6, False)],
)
def test_submit_scores_and_completes_only_above_the_threshold(alice, items, right, passed):
    lesson = make_track(lessons=1, items=items).lessons.get()
    attempt = quiz_attempt_start(user=alice, lesson=lesson)

    scored = quiz_attempt_submit(
        user=alice, attempt_id=attempt.pk, choices=choices_for(attempt, lesson, right=right)
    )

    assert scored.score == pytest.approx(right / items)
    assert scored.passed is passed
    progress = LessonProgress.objects.get(user=alice, lesson=lesson)
    assert progress.best_quiz_score == pytest.approx(right / items)
    assert (progress.state == "complete") is passed
    assert (progress.completed_at is not None) is passed


def test_unanswered_and_invalid_choices_count_as_wrong(alice):
    lesson = make_track(lessons=1, items=4).lessons.get()
    attempt = quiz_attempt_start(user=alice, lesson=lesson)

    scored = quiz_attempt_submit(
        user=alice, attempt_id=attempt.pk, choices={"q1": "9", "q2": "abc", "q3": None}
    )

    assert scored.score == 0.0
    assert scored.answers == {"q1": None, "q2": None, "q3": None, "q4": None}


def test_best_score_is_kept_and_completion_is_permanent(alice):
    lesson = make_track(lessons=1, items=4).lessons.get()
    scores = []
    for right in (2, 4, 1):
        attempt = quiz_attempt_start(user=alice, lesson=lesson)
        scores.append(
            quiz_attempt_submit(
                user=alice, attempt_id=attempt.pk, choices=choices_for(attempt, lesson, right=right)
            ).score
        )

    progress = LessonProgress.objects.get(user=alice, lesson=lesson)
    assert scores == [0.5, 1.0, 0.25]
    assert progress.best_quiz_score == 1.0
    assert progress.state == "complete"
    assert QuizAttempt.objects.filter(user=alice, submitted_at__isnull=False).count() == 3


def test_submitting_twice_changes_nothing(alice):
    lesson = make_track(lessons=1, items=4).lessons.get()
    attempt = quiz_attempt_start(user=alice, lesson=lesson)
    first = quiz_attempt_submit(
        user=alice, attempt_id=attempt.pk, choices=choices_for(attempt, lesson, right=1)
    )

    again = quiz_attempt_submit(
        user=alice, attempt_id=attempt.pk, choices=choices_for(attempt, lesson, right=4)
    )

    assert (again.score, again.answers, again.passed) == (first.score, first.answers, False)
    assert LessonProgress.objects.get(user=alice, lesson=lesson).state == "in_progress"


def test_another_students_attempt_cannot_be_submitted(alice, bob):
    lesson = make_track(lessons=1).lessons.get()
    attempt = quiz_attempt_start(user=alice, lesson=lesson)

    with pytest.raises(QuizAttempt.DoesNotExist):
        quiz_attempt_submit(user=bob, attempt_id=attempt.pk, choices={})


def test_an_item_retired_after_the_page_was_served_still_counts_for_that_attempt(alice):
    lesson = make_track(lessons=1, items=4).lessons.get()
    attempt = quiz_attempt_start(user=alice, lesson=lesson)
    choices = choices_for(attempt, lesson, right=4)
    QuizItem.objects.filter(lesson=lesson, key="q4").update(active=False)

    scored = quiz_attempt_submit(user=alice, attempt_id=attempt.pk, choices=choices)

    assert scored.score == 1.0 and scored.passed


def test_a_lesson_without_a_quiz_can_be_marked_complete(alice):
    track = make_track(lessons=0)
    lesson = make_lesson(track, "reading-only", position=1, items=0)

    progress = lesson_mark_complete(user=alice, lesson=lesson)

    assert progress.state == "complete" and progress.completed_at is not None


def test_a_lesson_with_a_quiz_cannot_be_marked_complete_by_hand(alice):
    lesson = make_track(lessons=1).lessons.get()
    with pytest.raises(ValueError, match="quiz"):
        lesson_mark_complete(user=alice, lesson=lesson)
    assert not LessonProgress.objects.filter(state="complete").exists()
