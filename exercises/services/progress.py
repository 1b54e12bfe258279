"""Reads for the student's side: the catalogue, where a lesson sits, and "my progress".

Each function runs a fixed number of queries whatever the number of tracks, lessons,
exercises or submissions, and joins the rows in Python.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Count, Min, Q
from django.urls import reverse

from exercises.models import (
    Exercise,
    Lesson,
    LessonProgress,
    QuizAttempt,
    QuizItem,
    Submission,
    Track,
)

NOT_STARTED = "not_started"
STATE_LABELS = {
    NOT_STARTED: "Not started",
    LessonProgress.State.IN_PROGRESS: "In progress",
    LessonProgress.State.COMPLETE: "Complete",
}


@dataclass
class ExerciseEntry:
    exercise: Exercise
    solved: bool = False
    attempted: bool = False


@dataclass
class LessonEntry:
    lesson: Lesson
    step: int
    state: str = NOT_STARTED
    best_quiz_score: float | None = None
    exercises: list[ExerciseEntry] = field(default_factory=list)

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def complete(self) -> bool:
        return self.state == LessonProgress.State.COMPLETE


@dataclass
class TrackEntry:
    track: Track
    lessons: list[LessonEntry]

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def completed(self) -> int:
        return sum(1 for entry in self.lessons if entry.complete)

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0


@dataclass(frozen=True)
class NextStep:
    verb: str
    title: str
    url: str
    track_title: str


@dataclass(frozen=True)
class LessonPlace:
    """Where a lesson sits in its track: "step N of M" and its neighbours."""

    step: int
    total: int
    previous: dict | None
    next: dict | None


def catalogue(*, user: AbstractBaseUser | None, track: Track | None = None) -> list[TrackEntry]:
    """Tracks (or one track) with their active lessons in order, each lesson's state for
    `user` (anonymous: all not started) and its published exercises, solved or not."""
    tracks = list(Track.objects.all()) if track is None else [track]
    lessons = (
        Lesson.objects.filter(active=True, track__in=tracks)
        .order_by("track_id", "position")
        .only("id", "track_id", "slug", "title", "summary", "minutes", "position")
    )
    exercises = (
        Exercise.objects.filter(current_version__isnull=False, lesson__in=lessons)
        .order_by("lesson_id", "position", "slug")
        .only("id", "slug", "title", "lesson_id", "position")
    )
    by_lesson: dict[int, list[ExerciseEntry]] = defaultdict(list)
    for exercise in exercises:
        by_lesson[exercise.lesson_id].append(ExerciseEntry(exercise=exercise))

    progress: dict[int, LessonProgress] = {}
    if user is not None and user.is_authenticated:
        progress = {
            row.lesson_id: row
            for row in LessonProgress.objects.filter(user=user).only(
                "lesson_id", "state", "best_quiz_score"
            )
        }
        solved, attempted = _exercise_outcomes(user=user)
        for entries in by_lesson.values():
            for entry in entries:
                entry.solved = entry.exercise.pk in solved
                entry.attempted = entry.exercise.pk in attempted

    per_track: dict[int, list[LessonEntry]] = defaultdict(list)
    for lesson in lessons:
        row = progress.get(lesson.pk)
        entries = per_track[lesson.track_id]
        entries.append(
            LessonEntry(
                lesson=lesson,
                step=len(entries) + 1,
                state=row.state if row else NOT_STARTED,
                best_quiz_score=row.best_quiz_score if row else None,
                exercises=by_lesson.get(lesson.pk, []),
            )
        )
    return [TrackEntry(track=t, lessons=per_track[t.pk]) for t in tracks if per_track.get(t.pk)]


def next_step(*, tracks: list[TrackEntry]) -> NextStep | None:
    """The first thing left to do, in track and lesson order: read a lesson not started,
    take the quiz of one in progress, or solve an exercise of a completed lesson."""
    for entry in tracks:
        for lesson_entry in entry.lessons:
            lesson = lesson_entry.lesson
            if lesson_entry.state == NOT_STARTED:
                return NextStep(
                    verb="Read",
                    title=lesson.title,
                    url=reverse("lesson_detail", args=[lesson.slug]),
                    track_title=entry.track.title,
                )
            if lesson_entry.state == LessonProgress.State.IN_PROGRESS:
                return NextStep(
                    verb="Finish",
                    title=lesson.title,
                    url=reverse("lesson_detail", args=[lesson.slug]),
                    track_title=entry.track.title,
                )
            for exercise_entry in lesson_entry.exercises:
                if not exercise_entry.solved:
                    return NextStep(
                        verb="Solve",
                        title=exercise_entry.exercise.title,
                        url=reverse("exercise_detail", args=[exercise_entry.exercise.slug]),
                        track_title=entry.track.title,
                    )
    return None


def exercises_outside_lessons() -> list[Exercise]:
    """Published exercises that no active lesson holds, by title."""
    return list(
        Exercise.objects.filter(current_version__isnull=False)
        .filter(Q(lesson__isnull=True) | Q(lesson__active=False))
        .select_related("current_version")
        .order_by("title", "slug")
    )


def lesson_place(*, lesson: Lesson) -> LessonPlace:
    """The lesson's step among its track's active lessons, with the previous and next."""
    siblings = list(
        Lesson.objects.filter(track_id=lesson.track_id, active=True)
        .order_by("position")
        .values("id", "slug", "title")
    )
    index = next((i for i, row in enumerate(siblings) if row["id"] == lesson.pk), 0)
    return LessonPlace(
        step=index + 1,
        total=len(siblings),
        previous=siblings[index - 1] if index > 0 else None,
        next=siblings[index + 1] if index + 1 < len(siblings) else None,
    )


def lesson_exercises(*, user: AbstractBaseUser, lesson: Lesson) -> list[ExerciseEntry]:
    """The lesson's published exercises in order, each marked solved or attempted."""
    exercises = list(
        Exercise.objects.filter(lesson=lesson, current_version__isnull=False)
        .order_by("position", "slug")
        .only("id", "slug", "title", "lesson_id", "position")
    )
    solved, attempted = _exercise_outcomes(user=user, exercise_ids=[e.pk for e in exercises])
    return [
        ExerciseEntry(exercise=e, solved=e.pk in solved, attempted=e.pk in attempted)
        for e in exercises
    ]


def _exercise_outcomes(
    *, user: AbstractBaseUser, exercise_ids: list[int] | None = None
) -> tuple[set[int], set[int]]:
    """(solved, attempted) exercise ids: solved means a graded submission passed."""
    rows = Submission.objects.filter(user=user)
    if exercise_ids is not None:
        if not exercise_ids:
            return set(), set()
        rows = rows.filter(exercise_id__in=exercise_ids)
    rows = rows.values("exercise_id").annotate(
        passes=Count(
            "id",
            filter=Q(mode=Submission.Mode.SUBMIT, verdict=Submission.Verdict.PASSED),
        )
    )
    solved, attempted = set(), set()
    for row in rows:
        attempted.add(row["exercise_id"])
        if row["passes"]:
            solved.add(row["exercise_id"])
    return solved, attempted


# -- my progress ---------------------------------------------------------------------


@dataclass
class QuizRow:
    lesson: Lesson
    state: str
    best_score: float | None
    attempts: int

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass
class ExerciseRow:
    exercise: Exercise
    attempts: int = 0
    first_attempt: datetime | None = None
    first_pass: datetime | None = None

    @property
    def solved(self) -> bool:
        return self.first_pass is not None

    @property
    def time_to_pass(self) -> timedelta | None:
        if self.first_pass is None or self.first_attempt is None:
            return None
        return self.first_pass - self.first_attempt

    @property
    def time_to_pass_text(self) -> str:
        """How long from the first attempt to the pass: 4 min, 2 h 5 min, 3 days."""
        delta = self.time_to_pass
        if delta is None:
            return ""
        return duration_text(delta)


def duration_text(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{hours // 24} days"


@dataclass
class ConceptRow:
    concept: str
    quiz_correct: int = 0
    quiz_total: int = 0
    quiz_answered: int = 0
    exercises: list[ExerciseRow] = field(default_factory=list)

    @property
    def quiz_unanswered(self) -> int:
        return self.quiz_total - self.quiz_answered


@dataclass
class ProgressReport:
    tracks: list[TrackEntry]
    quizzes: list[QuizRow]
    exercises: list[ExerciseRow]
    concepts: list[ConceptRow]

    @property
    def lessons_completed(self) -> int:
        return sum(entry.completed for entry in self.tracks)

    @property
    def lessons_total(self) -> int:
        return sum(entry.total for entry in self.tracks)

    @property
    def exercises_solved(self) -> int:
        return sum(1 for row in self.exercises if row.solved)


def progress_report(*, user: AbstractBaseUser) -> ProgressReport:
    """Everything on "My progress": lessons, quizzes (best score and attempts), exercises
    (attempts, time from first attempt to first pass) and a view by concept that joins
    quiz items and exercises on their concept tags.

    A quiz item counts as correct when the student's latest submitted attempt that
    showed it was right.
    """
    tracks = catalogue(user=user)
    lesson_entries = [entry for track in tracks for entry in track.lessons]

    attempts_per_lesson = dict(
        QuizAttempt.objects.filter(user=user, submitted_at__isnull=False)
        .values("lesson_id")
        .annotate(n=Count("id"))
        .values_list("lesson_id", "n")
    )
    quizzes = [
        QuizRow(
            lesson=entry.lesson,
            state=entry.state,
            best_score=entry.best_quiz_score,
            attempts=attempts_per_lesson.get(entry.lesson.pk, 0),
        )
        for entry in lesson_entries
    ]

    exercises = list(
        Exercise.objects.filter(current_version__isnull=False)
        .select_related("current_version", "lesson")
        .only(
            "id",
            "slug",
            "title",
            "position",
            "lesson__id",
            "lesson__position",
            "lesson__track_id",
            "lesson__title",
            "lesson__slug",
            "current_version__concepts",
        )
    )
    stats = {
        row["exercise_id"]: row
        for row in Submission.objects.filter(user=user)
        .values("exercise_id")
        .annotate(
            attempts=Count("id", filter=Q(mode=Submission.Mode.SUBMIT)),
            first_attempt=Min("created_at"),
            first_pass=Min(
                "created_at",
                filter=Q(mode=Submission.Mode.SUBMIT, verdict=Submission.Verdict.PASSED),
            ),
        )
    }
    lesson_order = {entry.lesson.pk: i for i, entry in enumerate(lesson_entries)}
    exercises.sort(
        key=lambda e: (lesson_order.get(e.lesson_id, len(lesson_order)), e.position, e.title)
    )
    exercise_rows = []
    for exercise in exercises:
        row = stats.get(exercise.pk, {})
        exercise_rows.append(
            ExerciseRow(
                exercise=exercise,
                attempts=row.get("attempts", 0),
                first_attempt=row.get("first_attempt"),
                first_pass=row.get("first_pass"),
            )
        )

    concepts = _concepts(user=user, exercise_rows=exercise_rows)
    return ProgressReport(
        tracks=tracks, quizzes=quizzes, exercises=exercise_rows, concepts=concepts
    )


def _concepts(*, user: AbstractBaseUser, exercise_rows: list[ExerciseRow]) -> list[ConceptRow]:
    items = list(
        QuizItem.objects.filter(active=True, lesson__active=True).values(
            "lesson_id", "key", "answer", "concepts"
        )
    )
    # Latest answer per (lesson, item key), newest attempts first.
    latest: dict[tuple[int, str], int | None] = {}
    for attempt in (
        QuizAttempt.objects.filter(user=user, submitted_at__isnull=False)
        .order_by("-submitted_at", "-id")
        .values("lesson_id", "answers")
    ):
        for key, answer in (attempt["answers"] or {}).items():
            latest.setdefault((attempt["lesson_id"], key), answer)

    rows: dict[str, ConceptRow] = {}

    def row_for(concept: str) -> ConceptRow:
        if concept not in rows:
            rows[concept] = ConceptRow(concept=concept)
        return rows[concept]

    for item in items:
        seen = (item["lesson_id"], item["key"])
        for concept in item["concepts"] or []:
            row = row_for(concept)
            row.quiz_total += 1
            if seen in latest:
                row.quiz_answered += 1
                if latest[seen] == item["answer"]:
                    row.quiz_correct += 1
    for exercise_row in exercise_rows:
        version = exercise_row.exercise.current_version
        for concept in (version.concepts if version else None) or []:
            row_for(concept).exercises.append(exercise_row)
    return sorted(rows.values(), key=lambda row: row.concept)
