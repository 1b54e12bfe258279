"""Writes: assignments and their items, and students' extensions.

Every write that can change a grade tells the apps that follow grades (exercises'
`grades_changed`) once it is committed, naming the students it touches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from courses.models import Assignment, AssignmentItem, Extension
from exercises import signals
from exercises.models import Cohort, Membership


class ExtensionRefused(Exception):
    """The extension cannot be granted; the message is safe to show."""


@dataclass(frozen=True)
class ItemSpec:
    """One item of an assignment form: an exercise id or a lesson id (its quiz)."""

    points: int
    counts: str
    exercise_id: int | None = None
    lesson_id: int | None = None


def assignment_save(
    *,
    cohort: Cohort,
    fields: dict,
    items: list[ItemSpec],
    user,
    assignment: Assignment | None = None,
) -> Assignment:
    """Create the assignment (or update `assignment`) with exactly these items, in order."""
    with transaction.atomic():
        if assignment is None:
            assignment = Assignment(cohort=cohort, created_by=user)
        for name, value in fields.items():
            setattr(assignment, name, value)
        assignment.full_clean(exclude=["cohort", "created_by"])
        assignment.save()
        assignment.items.all().delete()
        AssignmentItem.objects.bulk_create(
            AssignmentItem(
                assignment=assignment,
                position=position,
                exercise_id=spec.exercise_id,
                lesson_id=spec.lesson_id,
                points=spec.points,
                counts=spec.counts,
            )
            for position, spec in enumerate(items)
        )
        _grades_changed_on_commit(cohort=cohort)
    return assignment


def assignment_delete(*, assignment: Assignment) -> None:
    with transaction.atomic():
        cohort = assignment.cohort
        assignment.delete()
        _grades_changed_on_commit(cohort=cohort)


def extension_grant(
    *, assignment: Assignment, username: str, due_at: datetime, reason: str, granted_by
) -> Extension:
    """Give one student of the assignment's cohort a later due time (or change theirs)."""
    member = (
        Membership.objects.filter(cohort=assignment.cohort, user__username=username)
        .select_related("user")
        .first()
    )
    if member is None:
        raise ExtensionRefused(f"No student named {username!r} is in {assignment.cohort.name}.")
    if due_at <= assignment.due_at:
        raise ExtensionRefused("An extension must end after the assignment's own due time.")
    with transaction.atomic():
        extension, _ = Extension.objects.update_or_create(
            assignment=assignment,
            user=member.user,
            defaults={"due_at": due_at, "reason": reason, "granted_by": granted_by},
        )
        user_id = member.user_id
        transaction.on_commit(lambda: signals.notify_grades_changed(user_ids=[user_id]))
    return extension


def extension_revoke(*, extension: Extension) -> None:
    with transaction.atomic():
        user_id = extension.user_id
        extension.delete()
        transaction.on_commit(lambda: signals.notify_grades_changed(user_ids=[user_id]))


def _grades_changed_on_commit(*, cohort: Cohort) -> None:
    def notify() -> None:
        ids = Membership.objects.filter(cohort=cohort).values_list("user_id", flat=True)
        signals.notify_grades_changed(user_ids=list(ids))

    transaction.on_commit(notify)
