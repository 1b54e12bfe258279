"""The class dashboard of a cohort, and its CSV exports.

Everything is read in a fixed number of queries, whatever the size of the cohort:
members, lessons, exercises, lesson progress, quiz items and quiz attempts are loaded
as plain rows; submissions are aggregated by the database per (student, exercise) and
per (student, exercise, named mistake), from the `submission_dashboard` index alone
(an index-only scan: it holds every column read here), so no row and no (large) result
document is ever touched. The rest is arithmetic in Python on at most students x
columns rows.
"""

from __future__ import annotations

import csv
import json
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from html import escape
from typing import Any
from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Exists, FloatField, Func, Max, Min, Q
from django.db.models.fields.json import KeyTransform
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from exercises.models import (
    Cohort,
    Exercise,
    Lesson,
    LessonProgress,
    QuizAttempt,
    QuizItem,
    Submission,
)
from exercises.params import clamp_date
from exercises.services.visibility import made_as_member

# A student with at least this many failed submissions and no pass is "stuck".
STUCK_FAILED_ATTEMPTS = 3
TOP_MISTAKES = 5
# An item that fewer than this share of students answer correctly is flagged as hard,
# and one that discriminates less than this is flagged for review.
HARD_ITEM_PERCENT = 30.0
LOW_DISCRIMINATION = 0.2
UPPER_LOWER_SHARE = 0.27


# -- filters ---------------------------------------------------------------------------
@dataclass(frozen=True)
class DashboardFilters:
    """Which part of the class to look at: one lesson, and submissions in a date range."""

    lesson_slug: str = ""
    start: date | None = None
    end: date | None = None  # inclusive

    def time_range(self) -> tuple[datetime | None, datetime | None]:
        """[from, until) as aware datetimes in the current time zone.

        Dates outside the range the filter form accepts are moved into it: the day after
        date.max, or date.min shifted to UTC, does not exist.
        """
        tz = timezone.get_current_timezone()
        start = clamp_date(self.start) if self.start else None
        end = clamp_date(self.end) if self.end else None
        since = datetime.combine(start, time.min, tzinfo=tz) if start else None
        until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz) if end else None
        return since, until

    @property
    def active(self) -> bool:
        return bool(self.lesson_slug or self.start or self.end)


def _in_range(queryset, field_name: str, filters: DashboardFilters):
    since, until = filters.time_range()
    if since is not None:
        queryset = queryset.filter(**{f"{field_name}__gte": since})
    if until is not None:
        queryset = queryset.filter(**{f"{field_name}__lt": until})
    return queryset


# -- shapes ----------------------------------------------------------------------------
@dataclass
class LessonColumn:
    id: int
    slug: str
    title: str
    position: int
    pass_percent: int
    kind: str = "lesson"


@dataclass
class ExerciseColumn:
    id: int
    slug: str
    title: str
    lesson_id: int | None
    points: int
    kind: str = "exercise"


@dataclass(slots=True)
class ExerciseCell:
    attempts: int = 0  # submit-mode submissions
    done: int = 0  # of those, graded
    passes: int = 0
    best: float | None = None
    # From the first submission to the first pass; None until it passes.
    solve_seconds: float | None = None

    @property
    def failed(self) -> int:
        return self.done - self.passes

    @property
    def pending(self) -> int:
        return self.attempts - self.done

    @property
    def passed(self) -> bool:
        return self.passes > 0

    @property
    def stuck(self) -> bool:
        return not self.passed and self.failed >= STUCK_FAILED_ATTEMPTS

    @property
    def state(self) -> str:
        if self.passed:
            return "passed"
        if self.stuck:
            return "stuck"
        if self.failed:
            return "failing"
        if self.pending:
            return "pending"
        return "none"


@dataclass(slots=True)
class LessonCell:
    state: str = "none"  # none | in_progress | complete
    best_percent: float | None = None
    quiz_attempts: int = 0


@dataclass(slots=True)
class StudentRow:
    user_id: int
    username: str
    name: str
    cells: list[Any] = field(default_factory=list)
    lessons_complete: int = 0
    exercises_passed: int = 0
    points: float = 0.0
    stuck: int = 0


@dataclass(slots=True)
class MistakeCount:
    mistake: str
    submissions: int
    students: int


@dataclass
class ExerciseStats:
    column: ExerciseColumn
    students: int
    attempted: int = 0
    passed: int = 0
    median_attempts: float | None = None
    median_solve_seconds: float | None = None
    mistakes: list[MistakeCount] = field(default_factory=list)
    chart: SafeString = mark_safe("")

    @property
    def pass_rate(self) -> float | None:
        """Share of the students who tried that passed, in percent."""
        return 100.0 * self.passed / self.attempted if self.attempted else None

    @property
    def completion(self) -> float | None:
        """Share of the whole cohort that passed, in percent."""
        return 100.0 * self.passed / self.students if self.students else None


@dataclass
class StuckStudent:
    username: str
    exercise: ExerciseColumn
    failed: int
    top_mistake: str | None


@dataclass(slots=True)
class OptionStats:
    index: int
    text: str
    correct: bool
    count: int
    percent: float


@dataclass
class QuizItemStats:
    key: str
    position: int
    question: str
    answered: int
    percent_correct: float | None
    point_biserial: float | None
    upper_lower: float | None
    options: list[OptionStats]
    blank: int

    @property
    def flags(self) -> list[str]:
        flags = []
        if self.percent_correct is not None and self.percent_correct < HARD_ITEM_PERCENT:
            flags.append("hard")
        if self.point_biserial is not None and self.point_biserial < LOW_DISCRIMINATION:
            flags.append(
                "low discrimination" if self.point_biserial >= 0 else "negative discrimination"
            )
        return flags


@dataclass
class LessonQuizStats:
    lesson: LessonColumn
    students: int
    items: list[QuizItemStats]

    @property
    def flagged(self) -> int:
        return sum(1 for item in self.items if item.flags)


@dataclass
class Dashboard:
    cohort: Cohort
    filters: DashboardFilters
    all_lessons: list[LessonColumn]
    lessons: list[LessonColumn]
    exercises: list[ExerciseColumn]
    columns: list[LessonColumn | ExerciseColumn]
    rows: list[StudentRow]
    exercise_stats: list[ExerciseStats]
    stuck: list[StuckStudent]
    quiz: list[LessonQuizStats]

    @property
    def max_points(self) -> int:
        return sum(exercise.points for exercise in self.exercises)

    def matrix_html(self) -> SafeString:
        """The students x columns table body, built directly (it can hold 10,000 cells)."""
        return _matrix_html(self)


# -- loading ---------------------------------------------------------------------------
def cohort_lessons(cohort: Cohort) -> list[LessonColumn]:
    """The lessons a cohort's dashboard shows: its track's (or every track's), in order."""
    lessons = Lesson.objects.filter(active=True)
    if cohort.track_id is not None:
        lessons = lessons.filter(track_id=cohort.track_id)
    return [
        LessonColumn(
            id=row["id"],
            slug=row["slug"],
            title=row["title"],
            position=row["position"],
            pass_percent=row["pass_percent"],
        )
        for row in lessons.order_by("track__position", "track_id", "position").values(
            "id", "slug", "title", "position", "pass_percent"
        )
    ]


def _exercises_for(
    cohort: Cohort, lessons: list[LessonColumn], *, only_lesson: bool
) -> list[ExerciseColumn]:
    """Published exercises: those of the lessons shown, then (without a track) the rest."""
    rows = (
        Exercise.objects.filter(current_version__isnull=False)
        .order_by("position", "slug")
        .values("id", "slug", "title", "lesson_id", "current_version__points")
    )
    lesson_ids = {lesson.id for lesson in lessons}
    if cohort.track_id is not None or only_lesson:
        rows = rows.filter(lesson_id__in=lesson_ids)
    columns = [
        ExerciseColumn(
            id=row["id"],
            slug=row["slug"],
            title=row["title"] or row["slug"],
            lesson_id=row["lesson_id"] if row["lesson_id"] in lesson_ids else None,
            points=row["current_version__points"],
        )
        for row in rows
    ]
    order = {lesson.id: index for index, lesson in enumerate(lessons)}
    # Grouped under their lesson, in lesson order; exercises of no shown lesson last.
    columns.sort(key=lambda c: order.get(c.lesson_id, len(order)))
    return columns


def _of_users(queryset, user_ids: Collection[int] | None, field_name: str = "user_id"):
    """`queryset` limited to the rows of `user_ids`; all of them when that is None."""
    if user_ids is None:
        return queryset
    return queryset.filter(**{f"{field_name}__in": user_ids})


def _members(cohort: Cohort, user_ids: Collection[int] | None = None) -> list[StudentRow]:
    members = _of_users(get_user_model().objects.filter(memberships__cohort=cohort), user_ids, "id")
    rows = members.order_by("username").values_list("id", "username", "first_name", "last_name")
    return [
        StudentRow(user_id=pk, username=username, name=f"{first} {last}".strip())
        for pk, username, first, last in rows
    ]


def _raw_rows(queryset) -> list[tuple]:
    """The rows of a values()/values_list() query as the driver returns them.

    The ORM runs a converter on every value of every row (counts, floats, JSON); on the
    thousands of rows of a large cohort that is a large share of the page's time, and
    these columns come back from the driver already as ints, floats and text.
    """
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # an empty `__in`: nothing to ask the database
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


def since_joined(cohort: Cohort, field: str = "created_at") -> Exists:
    """A filter on rows that have a user: made once that user was a member of `cohort`.

    Instructors see a student's work only from the moment the student joined (with the
    code, or by accepting an invitation): what they did before, or outside the cohort,
    is not the cohort's. Every read of a cohort's submissions, quiz attempts and lesson
    progress goes through this.
    """
    return made_as_member(field, cohort=cohort)


def cohort_submissions(*, cohort: Cohort, filters: DashboardFilters | None = None):
    """Submit-mode submissions the cohort's students made as members (in the date range,
    if any)."""
    queryset = Submission.objects.filter(since_joined(cohort), mode=Submission.Mode.SUBMIT)
    return _in_range(queryset, "created_at", filters or DashboardFilters())


class _EpochSeconds(Func):
    """A timestamp as seconds (a float), computed by the database.

    Reading the timestamps themselves would cost a Python conversion per value, which
    on thousands of rows is a large share of the dashboard's time.
    """

    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="(julianday(%(expressions)s) * 86400.0)")

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="(EXTRACT(EPOCH FROM %(expressions)s))::double precision"
        )


def _exercise_cells(
    cohort: Cohort,
    filters: DashboardFilters,
    exercise_ids: list[int],
    user_ids: Collection[int] | None = None,
) -> dict[tuple[int, int], ExerciseCell]:
    # Few, cheap aggregates: this scans every submission of the cohort (failed and
    # pending are derived), and each aggregate costs a pass of arithmetic per row.
    # Counted on user_id (never NULL), not id: every column read must be in the index
    # for PostgreSQL to answer from it alone (SQLite's indexes all hold the rowid, but
    # PostgreSQL's do not hold the primary key), else it reads the whole table.
    passed = Q(verdict=Submission.Verdict.PASSED)
    queryset = (
        _of_users(cohort_submissions(cohort=cohort, filters=filters), user_ids)
        .filter(exercise_id__in=exercise_ids)
        .order_by()
        .values("user_id", "exercise_id")
        .annotate(
            attempts=Count("*"),
            done=Count("user_id", filter=Q(status=Submission.Status.DONE)),
            passes=Count("user_id", filter=passed),
            best=Max("score"),
            solve_seconds=_EpochSeconds(Min("created_at", filter=passed))
            - _EpochSeconds(Min("created_at")),
        )
        .values_list(
            "user_id", "exercise_id", "attempts", "done", "passes", "best", "solve_seconds"
        )
    )
    return {
        (user_id, exercise_id): ExerciseCell(
            attempts=attempts, done=done, passes=passes, best=best, solve_seconds=solve
        )
        for user_id, exercise_id, attempts, done, passes, best, solve in _raw_rows(queryset)
    }


def _mistake_rows(
    cohort: Cohort,
    filters: DashboardFilters,
    exercise_ids: list[int],
    user_ids: Collection[int] | None = None,
) -> list[tuple[int, int, str, int]]:
    """(exercise, student, named mistake, submissions) for every named mistake."""
    return _raw_rows(
        _of_users(cohort_submissions(cohort=cohort, filters=filters), user_ids)
        .filter(exercise_id__in=exercise_ids)
        .exclude(named_mistake="")
        .order_by()
        .values("user_id", "exercise_id", "named_mistake")
        .annotate(n=Count("*"))
        .values_list("exercise_id", "user_id", "named_mistake", "n")
    )


def _lesson_cells(
    cohort: Cohort, lesson_ids: list[int], user_ids: Collection[int] | None = None
) -> dict[tuple[int, int], str]:
    """Each member's state in each lesson, as far as it happened since joining: a lesson
    completed before is not shown, one started before and completed since is complete,
    one started before and not completed is not shown."""
    rows = (
        _of_users(LessonProgress.objects.filter(lesson_id__in=lesson_ids), user_ids)
        .filter(since_joined(cohort, "started_at") | since_joined(cohort, "completed_at"))
        .annotate(completed_since=since_joined(cohort, "completed_at"))
        .values_list("user_id", "lesson_id", "state", "completed_since")
    )
    complete, in_progress = LessonProgress.State.COMPLETE, LessonProgress.State.IN_PROGRESS
    return {
        (user, lesson): complete if state == complete and since else in_progress
        for user, lesson, state, since in rows
    }


@dataclass
class _Item:
    id: int
    lesson_id: int
    key: str
    position: int
    question: str
    options: list[str]
    answer: int


def _quiz_items(lesson_ids: list[int]) -> list[_Item]:
    return [
        _Item(**row)
        for row in QuizItem.objects.filter(lesson_id__in=lesson_ids, active=True)
        .order_by("lesson_id", "position")
        .values("id", "lesson_id", "key", "position", "question", "options", "answer")
    ]


def _quiz_attempts(
    cohort: Cohort,
    filters: DashboardFilters,
    lesson_ids: list[int],
    user_ids: Collection[int] | None = None,
):
    attempts = _of_users(
        QuizAttempt.objects.filter(since_joined(cohort, "submitted_at"), lesson_id__in=lesson_ids),
        user_ids,
    )
    # The answers hold every item shown (None when left blank), so the order shown,
    # another JSON document per attempt, is not read.
    rows = _raw_rows(
        _in_range(attempts, "submitted_at", filters)
        .order_by("submitted_at", "id")
        .values_list("user_id", "lesson_id", "answers")
    )
    return [(user_id, lesson_id, _json(answers)) for user_id, lesson_id, answers in rows]


def _attempt_correct(
    answers: dict, shown: Iterable[str], answer_keys: dict[str, int]
) -> dict[str, bool]:
    """Which of the items shown in one attempt were answered correctly."""
    return {
        key: key in answer_keys and answers.get(key) == answer_keys[key]
        for key in shown
        if key in answer_keys
    }


def cohort_dashboard(
    *,
    cohort: Cohort,
    filters: DashboardFilters | None = None,
    lessons: list[LessonColumn] | None = None,
    user_ids: Collection[int] | None = None,
) -> Dashboard:
    """Everything the class dashboard shows, in a constant number of queries.

    `lessons` is `cohort_lessons(cohort)` when the caller has read it already.

    With `user_ids`, only those members are read and only their rows computed (ids of
    non-members are left out), for re-rendering the rows of a few students whose work
    changed. The statistics (`exercise_stats`, `stuck`, `quiz`) of such a dashboard
    cover those students alone, not the class: use only its rows.
    """
    filters = filters or DashboardFilters()
    all_lessons = cohort_lessons(cohort) if lessons is None else lessons
    lessons = [
        lesson
        for lesson in all_lessons
        if not filters.lesson_slug or lesson.slug == filters.lesson_slug
    ]
    exercises = _exercises_for(cohort, lessons, only_lesson=bool(filters.lesson_slug))
    if user_ids is not None:
        user_ids = list(user_ids)  # read by several queries: an iterator would run dry
    rows = _members(cohort, user_ids)
    exercise_ids = [exercise.id for exercise in exercises]
    lesson_ids = [lesson.id for lesson in lessons]

    cells = _exercise_cells(cohort, filters, exercise_ids, user_ids)
    mistake_rows = _mistake_rows(cohort, filters, exercise_ids, user_ids)
    progress = _lesson_cells(cohort, lesson_ids, user_ids)
    items = _quiz_items(lesson_ids)
    attempts = _quiz_attempts(cohort, filters, lesson_ids, user_ids)

    # Quiz attempts: per student and lesson, how many, the best share correct, and the
    # first one (item analysis uses each student's first sitting, before any retake).
    answer_keys: dict[int, dict[str, int]] = defaultdict(dict)
    for item in items:
        answer_keys[item.lesson_id][item.key] = item.answer
    attempt_count: Counter[tuple[int, int]] = Counter()
    best_percent: dict[tuple[int, int], float] = {}
    first_sittings: dict[int, dict[int, dict[str, bool]]] = defaultdict(dict)
    first_answers: dict[int, dict[int, dict]] = defaultdict(dict)
    for user_id, lesson_id, answers in attempts:
        key = (user_id, lesson_id)
        attempt_count[key] += 1
        answers = answers if isinstance(answers, dict) else {}
        correct = _attempt_correct(answers, answers, answer_keys[lesson_id])
        if correct:
            percent = 100.0 * sum(correct.values()) / len(correct)
            best_percent[key] = max(best_percent.get(key, 0.0), percent)
        if user_id not in first_sittings[lesson_id]:
            first_sittings[lesson_id][user_id] = correct
            first_answers[lesson_id][user_id] = answers

    columns: list[LessonColumn | ExerciseColumn] = []
    by_lesson: dict[int | None, list[ExerciseColumn]] = defaultdict(list)
    for exercise in exercises:
        by_lesson[exercise.lesson_id].append(exercise)
    for lesson in lessons:
        columns.append(lesson)
        columns.extend(by_lesson.pop(lesson.id, []))
    for rest in by_lesson.values():
        columns.extend(rest)

    empty = ExerciseCell()
    for row in rows:
        for column in columns:
            if column.kind == "lesson":
                state = progress.get((row.user_id, column.id), "none")
                count = attempt_count.get((row.user_id, column.id), 0)
                if state == "none" and count:
                    state = LessonProgress.State.IN_PROGRESS
                cell = LessonCell(
                    state=state,
                    best_percent=best_percent.get((row.user_id, column.id)),
                    quiz_attempts=count,
                )
                row.lessons_complete += state == LessonProgress.State.COMPLETE
            else:
                cell = cells.get((row.user_id, column.id), empty)
                row.exercises_passed += cell.passed
                row.points += (cell.best or 0.0) * column.points
                row.stuck += cell.stuck
            row.cells.append(cell)

    stats, stuck = _exercise_statistics(rows, exercises, cells, mistake_rows)
    quiz = _quiz_statistics(lessons, items, first_sittings, first_answers)
    return Dashboard(
        cohort=cohort,
        filters=filters,
        all_lessons=all_lessons,
        lessons=lessons,
        exercises=exercises,
        columns=columns,
        rows=rows,
        exercise_stats=stats,
        stuck=stuck,
        quiz=quiz,
    )


def exercise_summary(*, cohort: Cohort, exercise: Exercise) -> ExerciseStats:
    """The dashboard's statistics of one exercise for one cohort (a few queries)."""
    column = ExerciseColumn(
        id=exercise.pk,
        slug=exercise.slug,
        title=exercise.title or exercise.slug,
        lesson_id=exercise.lesson_id,
        points=exercise.current_version.points if exercise.current_version else 0,
    )
    filters = DashboardFilters()
    rows = _members(cohort)
    cells = _exercise_cells(cohort, filters, [exercise.pk])
    mistakes = _mistake_rows(cohort, filters, [exercise.pk])
    stats, _ = _exercise_statistics(rows, [column], cells, mistakes)
    return stats[0]


# -- statistics ------------------------------------------------------------------------
def _exercise_statistics(
    rows: list[StudentRow],
    exercises: list[ExerciseColumn],
    cells: dict[tuple[int, int], ExerciseCell],
    mistake_rows: list[tuple[int, int, str, int]],
) -> tuple[list[ExerciseStats], list[StuckStudent]]:
    members = {row.user_id: row for row in rows}
    by_id = {exercise.id: exercise for exercise in exercises}
    per_exercise: dict[int, list[ExerciseCell]] = defaultdict(list)
    stuck_pairs: dict[tuple[int, int], ExerciseCell] = {}
    for pair, cell in cells.items():
        if pair[0] in members:
            per_exercise[pair[1]].append(cell)
            if cell.stuck and pair[1] in by_id:
                stuck_pairs[pair] = cell

    submissions_by: dict[int, Counter[str]] = defaultdict(Counter)
    students_by: dict[int, Counter[str]] = defaultdict(Counter)
    # The most frequent mistake of each stuck student (most submissions, then name).
    top: dict[tuple[int, int], tuple[int, str]] = {}
    for exercise_id, user_id, mistake, n in mistake_rows:
        submissions_by[exercise_id][mistake] += n
        students_by[exercise_id][mistake] += 1
        pair = (user_id, exercise_id)
        if pair in stuck_pairs:
            best = top.get(pair)
            if best is None or n > best[0] or (n == best[0] and mistake < best[1]):
                top[pair] = (n, mistake)

    stats = []
    for exercise in exercises:
        tried = [cell for cell in per_exercise.get(exercise.id, ()) if cell.attempts]
        solved = [cell for cell in tried if cell.passes]
        solve_seconds = [
            max(0.0, cell.solve_seconds) for cell in solved if cell.solve_seconds is not None
        ]
        ranked = sorted(submissions_by[exercise.id].items(), key=lambda kv: (-kv[1], kv[0]))
        mistakes = [
            MistakeCount(mistake=name, submissions=n, students=students_by[exercise.id][name])
            for name, n in ranked[:TOP_MISTAKES]
        ]
        entry = ExerciseStats(
            column=exercise,
            students=len(rows),
            attempted=len(tried),
            passed=len(solved),
            median_attempts=statistics.median([c.attempts for c in tried]) if tried else None,
            median_solve_seconds=statistics.median(solve_seconds) if solve_seconds else None,
            mistakes=mistakes,
        )
        entry.chart = mistakes_chart_svg(
            mistakes, title=f"Most frequent named mistakes in {exercise.title}"
        )
        stats.append(entry)

    stuck = [
        StuckStudent(
            username=members[user_id].username,
            exercise=by_id[exercise_id],
            failed=cell.failed,
            top_mistake=top[(user_id, exercise_id)][1] if (user_id, exercise_id) in top else None,
        )
        for (user_id, exercise_id), cell in stuck_pairs.items()
    ]
    stuck.sort(key=lambda s: (-s.failed, s.username, s.exercise.slug))
    return stats, stuck


def point_biserial(correct: list[bool], scores: list[float]) -> float | None:
    """Correlation between getting an item right (0/1) and a score; None when undefined."""
    n = len(correct)
    if n < 2 or n != len(scores):
        return None
    right = [s for c, s in zip(correct, scores, strict=True) if c]
    wrong = [s for c, s in zip(correct, scores, strict=True) if not c]
    if not right or not wrong:
        return None
    if min(scores) == max(scores):
        return None
    # The population standard deviation in floats (statistics.pstdev computes it exactly,
    # in fractions: several times slower, over every item of every quiz).
    mean = math.fsum(scores) / n
    spread = math.sqrt(math.fsum((s - mean) * (s - mean) for s in scores) / n)
    p = len(right) / n
    return (statistics.fmean(right) - statistics.fmean(wrong)) / spread * math.sqrt(p * (1 - p))


def upper_lower_index(correct: list[bool], scores: list[float]) -> float | None:
    """Share correct in the top 27% by score minus the share in the bottom 27%."""
    n = len(correct)
    if n < 2:
        return None
    group = max(1, round(UPPER_LOWER_SHARE * n))
    ranked = sorted(zip(scores, correct, strict=True), key=lambda pair: pair[0])
    lower = [c for _, c in ranked[:group]]
    upper = [c for _, c in ranked[-group:]]
    return sum(upper) / group - sum(lower) / group


def _quiz_statistics(
    lessons: list[LessonColumn],
    items: list[_Item],
    first_sittings: dict[int, dict[int, dict[str, bool]]],
    first_answers: dict[int, dict[int, dict]],
) -> list[LessonQuizStats]:
    """Item analysis on each student's first sitting of each quiz (before any retake)."""
    by_lesson: dict[int, list[_Item]] = defaultdict(list)
    for item in items:
        by_lesson[item.lesson_id].append(item)
    result = []
    for lesson in lessons:
        lesson_items = by_lesson.get(lesson.id, [])
        if not lesson_items:
            continue
        graded = first_sittings.get(lesson.id, {})
        answers_by_user = first_answers.get(lesson.id, {})
        totals = {user: (sum(right.values()), len(right)) for user, right in graded.items()}
        item_stats = []
        for item in lesson_items:
            takers = [user for user, right in graded.items() if item.key in right]
            correct = [graded[user][item.key] for user in takers]
            # Rest score: the share of the *other* items right, so the item does not
            # correlate with itself.
            rest = []
            for user, right in zip(takers, correct, strict=True):
                total, count = totals[user]
                rest.append((total - right) / (count - 1) if count > 1 else 0.0)
            chosen = Counter(answers_by_user[user].get(item.key) for user in takers)
            options = [
                OptionStats(
                    index=index,
                    text=text,
                    correct=index == item.answer,
                    count=chosen.get(index, 0),
                    percent=100.0 * chosen.get(index, 0) / len(takers) if takers else 0.0,
                )
                for index, text in enumerate(item.options)
            ]
            item_stats.append(
                QuizItemStats(
                    key=item.key,
                    position=item.position,
                    question=item.question,
                    answered=len(takers),
                    percent_correct=100.0 * sum(correct) / len(takers) if takers else None,
                    point_biserial=point_biserial(correct, rest),
                    upper_lower=upper_lower_index(correct, rest),
                    options=options,
                    blank=sum(n for k, n in chosen.items() if not isinstance(k, int)),
                )
            )
        result.append(LessonQuizStats(lesson=lesson, students=len(graded), items=item_stats))
    return result


# -- rendering helpers ------------------------------------------------------------------
def mistakes_chart_svg(mistakes: list[MistakeCount], *, title: str) -> SafeString:
    """A horizontal bar chart of named mistakes; every label is escaped."""
    if not mistakes:
        return mark_safe("")
    # Sized to its longest label (monospace, about 7.3 px a character at 12 px).
    longest = max(min(len(m.mistake), 28) for m in mistakes)
    label_width, bar_width, row_height, pad = round(7.3 * longest) + 12, 150, 22, 3
    width = label_width + bar_width + 36
    height = row_height * len(mistakes) + pad * 2
    largest = max(m.submissions for m in mistakes) or 1
    parts = [
        f'<svg class="mistake-chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for index, mistake in enumerate(mistakes):
        y = pad + index * row_height
        length = max(2, round(bar_width * mistake.submissions / largest))
        label = mistake.mistake if len(mistake.mistake) <= 28 else mistake.mistake[:27] + "…"
        detail = (
            f"{mistake.mistake}: {mistake.submissions} submission"
            f"{'s' if mistake.submissions != 1 else ''} by {mistake.students} student"
            f"{'s' if mistake.students != 1 else ''}"
        )
        parts.append(
            f"<g><title>{escape(detail)}</title>"
            f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end" '
            f'class="chart-label">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{length}" height="{row_height - 8}" '
            f'class="chart-bar"></rect>'
            f'<text x="{label_width + length + 6}" y="{y + 15}" class="chart-value">'
            f"{mistake.submissions}</text></g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"


_STATE_TEXT = {
    "passed": ("✓", "passed"),
    "stuck": ("!", "stuck"),
    "failing": ("✗", "failing"),
    "pending": ("…", "grading"),
    "none": ("·", "not started"),
    "complete": ("✓", "complete"),
    "in_progress": ("◐", "in progress"),
}


def _lesson_cell_html(cell: LessonCell) -> str:
    mark, word = _STATE_TEXT.get(cell.state, ("·", cell.state))
    detail = (
        f"<small>quiz best {_percent(cell.best_percent)}"
        f" · {cell.quiz_attempts} tr{'ies' if cell.quiz_attempts != 1 else 'y'}</small>"
        if cell.quiz_attempts
        else ""
    )
    return (
        f'<td class="state-{escape(cell.state)}"><b aria-hidden="true">{mark}</b> '
        f"{escape(word)}{detail}</td>"
    )


def _exercise_cell_html(cell: ExerciseCell) -> str:
    state = cell.state
    mark, word = _STATE_TEXT[state]
    detail = (
        f"<small>{cell.attempts} tr{'ies' if cell.attempts != 1 else 'y'}"
        f" · best {_percent(None if cell.best is None else 100 * cell.best)}</small>"
        if cell.attempts
        else ""
    )
    return f'<td class="state-{state}"><b aria-hidden="true">{mark}</b> {word}{detail}</td>'


def _row_writer(dashboard: Dashboard) -> Callable[[StudentRow, list[str]], None]:
    """Writes one matrix row, `<tr data-student="{user id}">...</tr>`, onto a list of
    parts: the attribute is the hook by which a page finds a student's row to replace it.
    Onto a list, so the whole matrix is joined once, not once a row and again.

    Each cell says its state in a mark and a word, and its numbers, besides its colour.
    Most cells look alike ("not started", "1 try, 100%"), so the writer keeps each
    distinct cell it has built for the rows after."""
    from django.urls import reverse

    student_url = reverse("instructor:student", args=[dashboard.cohort.slug, "__user__"])
    built: dict[tuple, str] = {}
    lesson_count, exercise_count = len(dashboard.lessons), len(dashboard.exercises)
    max_points = dashboard.max_points

    def write_row(row: StudentRow, out: list[str]) -> None:
        link = student_url.replace("__user__", escape(quote(row.username)))
        out.append(
            f'<tr data-student="{row.user_id}"><th scope="row">'
            f'<a href="{link}">{escape(row.username)}</a>'
        )
        if row.name:
            out.append(f"<small>{escape(row.name)}</small>")
        out.append("</th>")
        for cell in row.cells:
            if isinstance(cell, ExerciseCell):
                key = (1, cell.state, cell.attempts, cell.best)
                html = built.get(key)
                if html is None:
                    html = built[key] = _exercise_cell_html(cell)
            else:
                key = (0, cell.state, cell.quiz_attempts, cell.best_percent)
                html = built.get(key)
                if html is None:
                    html = built[key] = _lesson_cell_html(cell)
            out.append(html)
        lessons = f"{row.lessons_complete}/{lesson_count} lessons · " if lesson_count else ""
        out.append(
            f'<td class="total-cell">{lessons}{row.exercises_passed}/{exercise_count} passed'
            f"<small>{row.points:.1f} of {max_points} points</small></td></tr>"
        )

    return write_row


def _matrix_html(dashboard: Dashboard) -> SafeString:
    """Every student's row (the column headers name the lesson or exercise)."""
    write_row = _row_writer(dashboard)
    out: list[str] = []
    for row in dashboard.rows:
        write_row(row, out)
    return mark_safe("".join(out))


def matrix_rows_html(dashboard: Dashboard) -> dict[int, str]:
    """Each student's matrix row by user id, as safe HTML: what a page swaps in for the
    row of the same `data-student` when that student's work changes.

    Meant for a dashboard of a few students (`cohort_dashboard(..., user_ids=...)`).
    """
    write_row = _row_writer(dashboard)
    rows: dict[int, str] = {}
    for row in dashboard.rows:
        out: list[str] = []
        write_row(row, out)
        rows[row.user_id] = mark_safe("".join(out))
    return rows


# -- CSV exports -----------------------------------------------------------------------
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = "\ufeff"


def csv_safe(value: Any) -> Any:
    """Neutralise a text cell a spreadsheet would run as a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(rows: Iterable[list[Any]]) -> Iterator[str]:
    """CSV text, one line at a time, starting with a UTF-8 byte-order mark."""
    writer = csv.writer(_Echo())
    yield UTF8_BOM
    for row in rows:
        yield writer.writerow([csv_safe(value) for value in row])


def _round(value: float | None, digits: int = 1) -> float | str:
    return "" if value is None else round(value, digits)


def grades_csv_rows(*, dashboard: Dashboard) -> Iterator[list[Any]]:
    """One row per student: each lesson's best quiz %, each exercise's best score %,
    and totals."""
    header = ["username", "name"]
    header += [f"quiz {lesson.slug} (best %)" for lesson in dashboard.lessons]
    header += [f"{exercise.slug} (best %)" for exercise in dashboard.exercises]
    header += ["lessons complete", "exercises passed", "points", "points possible"]
    yield header
    lesson_index = [i for i, c in enumerate(dashboard.columns) if c.kind == "lesson"]
    exercise_index = [i for i, c in enumerate(dashboard.columns) if c.kind == "exercise"]
    for row in dashboard.rows:
        line: list[Any] = [row.username, row.name]
        line += [_round(row.cells[i].best_percent) for i in lesson_index]
        line += [
            _round(None if row.cells[i].best is None else 100 * row.cells[i].best)
            for i in exercise_index
        ]
        line += [row.lessons_complete, row.exercises_passed, round(row.points, 2)]
        line.append(dashboard.max_points)
        yield line


def submissions_csv_rows(
    *, cohort: Cohort, filters: DashboardFilters | None = None
) -> Iterator[list[Any]]:
    """One row per submission of the cohort's students (both modes), oldest first.

    The query is built when this is called, not when the first row is asked for, so a
    filter that cannot be used fails before a response starts streaming.
    """
    filters = filters or DashboardFilters()
    queryset = _in_range(Submission.objects.filter(since_joined(cohort)), "created_at", filters)
    if filters.lesson_slug:
        queryset = queryset.filter(exercise__lesson__slug=filters.lesson_slug)
    rows = (
        queryset.order_by("created_at", "id")
        .annotate(diagnoses=KeyTransform("diagnoses", "result"))
        .values_list(
            "id",
            "user__username",
            "exercise__slug",
            "exercise_version__number",
            "created_at",
            "mode",
            "status",
            "verdict",
            "score",
            "diagnoses",
        )
    )
    return _submissions_csv_lines(rows)


def _submissions_csv_lines(rows) -> Iterator[list[Any]]:
    yield [
        "submission",
        "student",
        "exercise",
        "version",
        "time (UTC)",
        "mode",
        "verdict",
        "score (%)",
        "named mistakes",
    ]
    for (
        pk,
        username,
        slug,
        number,
        created,
        mode,
        status,
        verdict,
        score,
        diagnoses,
    ) in rows.iterator(chunk_size=2000):
        names = [
            str(d.get("mistake"))
            for d in (diagnoses if isinstance(diagnoses, list) else [])
            if isinstance(d, dict) and d.get("mistake")
        ]
        yield [
            pk,
            username,
            slug,
            number,
            created.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            mode,
            verdict or status,
            _round(None if score is None else 100 * score),
            "; ".join(names),
        ]
