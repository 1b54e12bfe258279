"""A student's way through a lesson: started, quizzed, completed.

Completing a lesson is permanent: a later, worse quiz attempt never undoes it. Every
state change is a conditional UPDATE, so two tabs submitting at once still leave one
consistent row.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from exercises import signals
from exercises.models import Lesson, LessonProgress, QuizAttempt, QuizItem


class QuizUnavailable(Exception):
    """The lesson has no active quiz items; the message is safe to show."""


def quiz_passes(*, correct: int, total: int, pass_percent: int) -> bool:
    """True when `correct` of `total` is strictly above `pass_percent` percent.

    Integer arithmetic, so 3 of 4 against 75% is exactly 75% and does not pass, while
    7 of 9 (77.8%) does. A quiz without items never passes.
    """
    return total > 0 and correct * 100 > pass_percent * total


def lesson_mark_started(*, user: AbstractBaseUser, lesson: Lesson) -> LessonProgress:
    """Return the student's progress row for the lesson, creating it (in progress) if new.

    Visiting a lesson never changes a row that exists, so a completed lesson stays complete.
    """
    progress = LessonProgress.objects.filter(user=user, lesson=lesson).first()
    if progress is not None:
        return progress
    try:
        with transaction.atomic():
            return LessonProgress.objects.create(user=user, lesson=lesson)
    except IntegrityError:
        # Another request created it first (two tabs): use theirs.
        return LessonProgress.objects.get(user=user, lesson=lesson)


def lesson_mark_complete(*, user: AbstractBaseUser, lesson: Lesson) -> LessonProgress:
    """Complete a lesson that has no quiz (one with a quiz is completed by passing it).

    Raises ValueError when the lesson has active quiz items.
    """
    if QuizItem.objects.filter(lesson=lesson, active=True).exists():
        raise ValueError("This lesson is completed by passing its quiz.")
    progress = lesson_mark_started(user=user, lesson=lesson)
    _complete(progress_id=progress.pk)
    progress.refresh_from_db()
    return progress


def quiz_attempt_start(
    *, user: AbstractBaseUser, lesson: Lesson, rng: random.Random | None = None
) -> QuizAttempt:
    """Open a sitting of the lesson's quiz with every item's options in a fresh order.

    The order shown is stored in `QuizAttempt.order` as `{item_key: [original indexes in
    the order shown]}`. An unsubmitted attempt over the same items is reused, so
    reloading the page neither reshuffles the options nor piles up attempts. Raises
    QuizUnavailable when the lesson has no active items.
    """
    items = list(
        QuizItem.objects.filter(lesson=lesson, active=True)
        .order_by("position")
        .only("key", "options")
    )
    if not items:
        raise QuizUnavailable("This lesson has no quiz yet.")
    keys = [item.key for item in items]
    open_attempt = (
        QuizAttempt.objects.filter(user=user, lesson=lesson, submitted_at=None)
        .order_by("-created_at", "-id")
        .first()
    )
    if open_attempt is not None and list(open_attempt.order) == keys:
        if all(
            sorted(open_attempt.order[item.key]) == list(range(len(item.options))) for item in items
        ):
            return open_attempt

    rng = rng or random.SystemRandom()
    order: dict[str, list[int]] = {}
    for item in items:
        indexes = list(range(len(item.options)))
        rng.shuffle(indexes)
        order[item.key] = indexes
    return QuizAttempt.objects.create(user=user, lesson=lesson, order=order)


def quiz_attempt_submit(
    *, user: AbstractBaseUser, attempt_id: int, choices: Mapping[str, Any]
) -> QuizAttempt:
    """Score an attempt from the positions the student picked, as shown on the page.

    `choices` maps item keys to the chosen position in the shown order (0-based; a
    string such as a form value is accepted; missing or invalid counts as unanswered
    and wrong). Answers are stored as original option indexes. The score is the
    fraction correct (0..1); a score strictly above the lesson's `pass_percent`
    completes the lesson, and the best score is kept on the progress row. Submitting
    an attempt twice changes nothing and returns it as first scored.

    Raises QuizAttempt.DoesNotExist when the attempt is not the user's.
    """
    attempt = QuizAttempt.objects.select_related("lesson").get(pk=attempt_id, user=user)
    if attempt.submitted_at is not None:
        return attempt

    items = {
        item.key: item
        for item in QuizItem.objects.filter(lesson=attempt.lesson, key__in=list(attempt.order))
    }
    answers: dict[str, int | None] = {}
    correct = 0
    total = 0
    for key, shown in attempt.order.items():
        item = items.get(key)
        if item is None:
            continue
        total += 1
        original = _original_index(shown=shown, choice=choices.get(key))
        answers[key] = original
        if original is not None and original == item.answer:
            correct += 1

    score = correct / total if total else 0.0
    passed = quiz_passes(correct=correct, total=total, pass_percent=attempt.lesson.pass_percent)
    now = timezone.now()
    with transaction.atomic():
        scored = QuizAttempt.objects.filter(pk=attempt.pk, submitted_at=None).update(
            answers=answers, score=score, passed=passed, submitted_at=now
        )
        if scored:
            progress = lesson_mark_started(user=user, lesson=attempt.lesson)
            LessonProgress.objects.filter(pk=progress.pk).filter(
                Q(best_quiz_score__isnull=True) | Q(best_quiz_score__lt=score)
            ).update(best_quiz_score=score)
            if passed:
                _complete(progress_id=progress.pk, now=now)
    if scored:
        signals.notify_grades_changed(user_ids=[user.pk])
    attempt.refresh_from_db()
    return attempt


def _original_index(*, shown: list[int], choice: Any) -> int | None:
    try:
        position = int(choice)
    except (TypeError, ValueError):
        return None
    if not 0 <= position < len(shown):
        return None
    return shown[position]


def _complete(*, progress_id: int, now=None) -> None:
    LessonProgress.objects.filter(pk=progress_id).exclude(
        state=LessonProgress.State.COMPLETE
    ).update(state=LessonProgress.State.COMPLETE, completed_at=now or timezone.now())
