"""A cohort's gradebook (students x assignments) and one assignment's statistics."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from courses.grading import AssignmentGrade, Histogram, grades
from courses.models import Assignment, AssignmentItem, Extension
from exercises.models import Cohort, Membership


@dataclass
class GradebookRow:
    student: object  # the User
    cells: list[AssignmentGrade]

    @property
    def earned(self) -> float:
        return round(sum(cell.earned for cell in self.cells), 2)

    @property
    def possible(self) -> int:
        return sum(cell.possible for cell in self.cells)

    @property
    def percent(self) -> float:
        return 0.0 if not self.possible else 100 * self.earned / self.possible


@dataclass
class Gradebook:
    cohort: Cohort
    assignments: list[Assignment]
    rows: list[GradebookRow]

    @property
    def possible(self) -> int:
        return self.rows[0].possible if self.rows else 0


def member_ids(cohort: Cohort):
    return Membership.objects.filter(cohort=cohort).values("user_id")


def cohort_gradebook(*, cohort: Cohort) -> Gradebook:
    assignments = list(Assignment.objects.filter(cohort=cohort).order_by("due_at", "id"))
    students = list(
        get_user_model()
        .objects.filter(pk__in=member_ids(cohort))
        .order_by("username")
        .only("id", "username", "first_name", "last_name", "email")
    )
    by_key = grades(assignments=assignments, user_ids=[student.pk for student in students])
    rows = [
        GradebookRow(
            student=student,
            cells=[by_key[(student.pk, assignment.pk)] for assignment in assignments],
        )
        for student in students
    ]
    return Gradebook(cohort=cohort, assignments=assignments, rows=rows)


@dataclass
class ItemStats:
    item: AssignmentItem
    attempted: int
    full_marks: int
    late: int
    mean_points: float


@dataclass
class AssignmentStats:
    assignment: Assignment
    students: int
    histogram: Histogram
    items: list[ItemStats]
    mean_percent: float
    late_students: int
    extensions: list[Extension]
    grades: list[tuple[object, AssignmentGrade]]


def assignment_stats(*, assignment: Assignment) -> AssignmentStats:
    students = list(
        get_user_model()
        .objects.filter(pk__in=member_ids(assignment.cohort))
        .order_by("username")
        .only("id", "username")
    )
    by_key = grades(assignments=[assignment], user_ids=[student.pk for student in students])
    per_student = [(student, by_key[(student.pk, assignment.pk)]) for student in students]
    histogram = Histogram()
    for _, grade in per_student:
        histogram.add(grade.percent)
    items: list[ItemStats] = []
    item_list = per_student[0][1].items if per_student else []
    for index, (item, _) in enumerate(item_list):
        column = [grade.items[index][1] for _, grade in per_student]
        items.append(
            ItemStats(
                item=item,
                attempted=sum(1 for cell in column if cell.attempted),
                full_marks=sum(1 for cell in column if cell.points >= cell.possible),
                late=sum(1 for cell in column if cell.late),
                mean_points=round(sum(cell.points for cell in column) / len(column), 2),
            )
        )
    count = len(per_student)
    return AssignmentStats(
        assignment=assignment,
        students=count,
        histogram=histogram,
        items=items,
        mean_percent=round(sum(g.percent for _, g in per_student) / count, 1) if count else 0.0,
        late_students=sum(1 for _, grade in per_student if grade.late),
        extensions=list(
            Extension.objects.filter(assignment=assignment)
            .select_related("user")
            .order_by("user__username")
        ),
        grades=per_student,
    )


def gradebook_csv_rows(*, gradebook: Gradebook) -> Iterator[list[object]]:
    """Header, then one line per student: each assignment's points after policy, whether
    it was late or extended, and the totals. Numbers are plain decimals, so a spreadsheet
    reads them as numbers."""
    header = ["username", "name", "email"]
    for assignment in gradebook.assignments:
        header += [
            f"{assignment.title} (points of {_number(sum_points(gradebook, assignment))})",
            f"{assignment.title} late",
            f"{assignment.title} extended until (UTC)",
        ]
    header += ["total points", "total possible", "total percent"]
    yield header
    for row in gradebook.rows:
        student = row.student
        line = [student.username, student.get_full_name(), student.email]
        for cell in row.cells:
            line += [
                _number(cell.earned),
                "yes" if cell.late else "no",
                cell.window.due_at.strftime("%Y-%m-%d %H:%M") if cell.window.extended else "",
            ]
        line += [_number(row.earned), _number(row.possible), round(row.percent, 1)]
        yield line


def sum_points(gradebook: Gradebook, assignment: Assignment) -> int:
    for row in gradebook.rows:
        for cell in row.cells:
            if cell.assignment.pk == assignment.pk:
                return cell.possible
    return sum(item.points for item in assignment.items.all())


def _number(value: float) -> int | float:
    return int(value) if value == int(value) else round(value, 2)
