"""Which students' work an instructor may see outside a single cohort's pages.

The cohort pages read a cohort's work through `dashboard.since_joined`: a student's
submissions count from the moment they joined that cohort. Pages that are not about one
cohort (a regrade's report covers every submission of an exercise) read through
`submissions_visible_to`, the same rule over every cohort the instructor teaches.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Exists, OuterRef, QuerySet

from exercises.models import Membership, Submission
from exercises.services.cohorts import cohorts_taught


def made_as_member(field: str = "created_at", **cohorts: Any) -> Exists:
    """A filter on rows that have a user: made (`field`) once that user was a member of
    the cohorts that `cohorts` selects (`cohort=...` or `cohort__in=...`).

    One correlated subquery, so a page's query count does not change; it reads only the
    user and time columns of the row.
    """
    return Exists(
        Membership.objects.filter(
            **cohorts, user_id=OuterRef("user_id"), joined_at__lte=OuterRef(field)
        )
    )


def submission_visible_to(*, instructor: AbstractBaseUser) -> Exists:
    """A filter on submissions: made by a student of a cohort `instructor` teaches,
    after the student joined that cohort (superusers: see submissions_visible_to)."""
    return made_as_member(cohort__in=cohorts_taught(user=instructor))


def submissions_visible_to(*, instructor: AbstractBaseUser) -> QuerySet[Submission]:
    """The submissions `instructor` may see: every one for a superuser; otherwise those
    of the students of the cohorts they teach, made since the student joined."""
    if instructor.is_superuser:
        return Submission.objects.all()
    return Submission.objects.filter(submission_visible_to(instructor=instructor))
