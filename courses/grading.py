"""Points after policy, read from the rows: nothing here is stored, so a regrade, an
extension or an edited assignment shows at once, everywhere.

Submissions count by the time they were created (sent), quiz attempts by the time
their answers were handed in. A regrade never rewrites a submission: its newest
finished grade of a submission replaces the original grade here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet

from courses import policy
from courses.models import Assignment, AssignmentItem, Extension
from exercises.models import QuizAttempt, RegradeItem, Submission


@dataclass
class AssignmentGrade:
    """One student's standing in one assignment."""

    assignment: Assignment
    window: policy.Window
    items: list[tuple[AssignmentItem, policy.ItemGrade]]

    @property
    def earned(self) -> float:
        return round(sum(grade.points for _, grade in self.items), 2)

    @property
    def possible(self) -> int:
        return sum(item.points for item, _ in self.items)

    @property
    def percent(self) -> float:
        return 0.0 if not self.possible else 100 * self.earned / self.possible

    @property
    def late(self) -> bool:
        return any(grade.late for _, grade in self.items)

    @property
    def pending(self) -> bool:
        return any(grade.pending for _, grade in self.items)

    @property
    def attempted(self) -> int:
        return sum(1 for _, grade in self.items if grade.attempted)

    @property
    def complete(self) -> int:
        """Items with full points (before any late discount)."""
        return sum(
            1
            for _, grade in self.items
            if grade.counted is not None and (grade.counted.score or 0) >= 1.0
        )


def items_of(assignments: Iterable[Assignment]) -> dict[int, list[AssignmentItem]]:
    by_assignment: dict[int, list[AssignmentItem]] = defaultdict(list)
    ids = [assignment.pk for assignment in assignments]
    for item in AssignmentItem.objects.filter(assignment_id__in=ids).select_related(
        "exercise", "lesson"
    ):
        by_assignment[item.assignment_id].append(item)
    return by_assignment


def windows(
    assignment: Assignment, user_ids: Iterable[int], extensions: dict[tuple[int, int], datetime]
) -> dict[int, policy.Window]:
    return {
        user_id: window_for(assignment, extensions.get((assignment.pk, user_id)))
        for user_id in user_ids
    }


def window_for(assignment: Assignment, extended_due_at: datetime | None = None) -> policy.Window:
    return policy.student_window(
        opens_at=assignment.opens_at,
        due_at=assignment.due_at,
        closes_at=assignment.closes_at,
        late_policy=assignment.late_policy,
        penalty_percent_per_day=assignment.penalty_percent_per_day,
        penalty_cap_percent=assignment.penalty_cap_percent,
        extended_due_at=extended_due_at,
    )


def grades(
    *, assignments: list[Assignment], user_ids: QuerySet | list[int]
) -> dict[tuple[int, int], AssignmentGrade]:
    """Every (user id, assignment id) grade, in four queries whatever the class size.

    `user_ids` may be a queryset of ids (kept as a subquery: no parameter limits).
    """
    if not assignments:
        return {}
    items = items_of(assignments)
    exercise_ids = {i.exercise_id for its in items.values() for i in its if i.exercise_id}
    lesson_ids = {i.lesson_id for its in items.values() for i in its if i.lesson_id}
    since = min(assignment.opens_at for assignment in assignments)

    extensions = {
        (assignment_id, user_id): due_at
        for assignment_id, user_id, due_at in Extension.objects.filter(
            assignment__in=assignments, user_id__in=user_ids
        ).values_list("assignment_id", "user_id", "due_at")
    }
    submissions = Submission.objects.filter(
        user_id__in=user_ids,
        exercise_id__in=exercise_ids,
        mode=Submission.Mode.SUBMIT,
        created_at__gte=since,
    )
    regraded = regraded_scores(submissions)
    attempts: dict[tuple[int, str, int], list[policy.Attempt]] = defaultdict(list)
    for pk, user_id, exercise_id, created_at, status, score in submissions.values_list(
        "id", "user_id", "exercise_id", "created_at", "status", "score"
    ):
        if status != Submission.Status.DONE:
            score = None
        else:
            score = regraded.get(pk, score) or 0.0
        attempts[(user_id, "exercise", exercise_id)].append(
            policy.Attempt(at=created_at, score=score, pk=pk)
        )
    for pk, user_id, lesson_id, submitted_at, score in QuizAttempt.objects.filter(
        user_id__in=user_ids,
        lesson_id__in=lesson_ids,
        submitted_at__gte=since,
    ).values_list("id", "user_id", "lesson_id", "submitted_at", "score"):
        attempts[(user_id, "quiz", lesson_id)].append(
            policy.Attempt(at=submitted_at, score=score or 0.0, pk=pk)
        )

    users = list(user_ids)
    result: dict[tuple[int, int], AssignmentGrade] = {}
    for assignment in assignments:
        for user_id, window in windows(assignment, users, extensions).items():
            result[(user_id, assignment.pk)] = AssignmentGrade(
                assignment=assignment,
                window=window,
                items=[
                    (item, _item_grade(item, attempts.get(_key(user_id, item), ()), window))
                    for item in items.get(assignment.pk, [])
                ],
            )
    return result


def regraded_scores(submissions: QuerySet) -> dict[int, float | None]:
    """The newest finished regrade's score of each of these submissions that has one
    (a regrade never rewrites the submission; this is where its grade is read)."""
    return dict(
        RegradeItem.objects.filter(submission__in=submissions, done=True)
        .order_by("regrade__created_at", "regrade_id")
        .values_list("submission_id", "new_score")
    )


def _key(user_id: int, item: AssignmentItem) -> tuple[int, str, int]:
    if item.exercise_id is not None:
        return (user_id, "exercise", item.exercise_id)
    return (user_id, "quiz", item.lesson_id)


def _item_grade(
    item: AssignmentItem, attempts: Iterable[policy.Attempt], window: policy.Window
) -> policy.ItemGrade:
    return policy.item_grade(attempts, window=window, counts=item.counts, possible=item.points)


def student_grade(*, assignment: Assignment, user_id: int) -> AssignmentGrade:
    return grades(assignments=[assignment], user_ids=[user_id])[(user_id, assignment.pk)]


def student_assignment_points(*, assignment: Assignment, user_id: int) -> tuple[float, float]:
    """(earned, possible) for one student, after the late policy: what a learning
    platform's grade book receives."""
    grade = student_grade(assignment=assignment, user_id=user_id)
    return float(grade.earned), float(grade.possible)


@dataclass
class Histogram:
    """Students' percentages in ten bins (the last one includes 100)."""

    counts: list[int] = field(default_factory=lambda: [0] * 10)

    def add(self, percent: float) -> None:
        self.counts[min(9, max(0, int(percent // 10)))] += 1

    @property
    def bins(self) -> list[tuple[str, int, int]]:
        """(label, count, bar width in percent of the tallest bin)."""
        tallest = max(self.counts) or 1
        return [
            (f"{10 * i}–{10 * i + 10}%", count, round(100 * count / tallest))
            for i, count in enumerate(self.counts)
        ]
