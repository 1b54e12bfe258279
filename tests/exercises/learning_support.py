"""Builders for tracks, lessons and quiz items used by the student-side tests."""

from __future__ import annotations

from exercises.models import Lesson, QuizItem, Track


def make_track(slug: str = "optim", *, lessons: int = 3, items: int = 4) -> Track:
    """A track with `lessons` lessons of `items` four-option quiz items each.

    Item n of every lesson has its right answer at index n % 4.
    """
    track = Track.objects.create(slug=slug, title=f"Track {slug}", summary="About optimizers.")
    for position in range(1, lessons + 1):
        make_lesson(track, f"{slug}-lesson-{position}", position=position, items=items)
    return track


def make_lesson(
    track: Track, slug: str, *, position: int, items: int = 4, pass_percent: int = 75
) -> Lesson:
    lesson = Lesson.objects.create(
        track=track,
        slug=slug,
        position=position,
        title=f"Lesson {slug}",
        summary="A lesson.",
        body=f"# Lesson {slug}\n\nSome text with $x^2$.\n",
        pass_percent=pass_percent,
        content_hash=f"hash-{slug}",
        concepts=["learning-rate"],
    )
    for n in range(items):
        QuizItem.objects.create(
            lesson=lesson,
            key=f"q{n + 1}",
            position=n + 1,
            question=f"Question {n + 1} of {slug}?",
            options=[f"{slug} q{n + 1} option {k}" for k in range(4)],
            answer=n % 4,
            explanation=f"Because of reason {n + 1}.",
            concepts=["bias-correction"] if n == 0 else ["learning-rate"],
        )
    return lesson


def choices_for(attempt, lesson: Lesson, *, right: int) -> dict[str, int]:
    """Shown positions that answer the first `right` items correctly and the rest wrongly."""
    choices = {}
    for n, item in enumerate(
        QuizItem.objects.filter(lesson=lesson, active=True).order_by("position")
    ):
        wanted = item.answer if n < right else (item.answer + 1) % len(item.options)
        choices[item.key] = attempt.order[item.key].index(wanted)
    return choices
