"""Which students' work an instructor may see outside a single cohort's pages.

The cohort pages read a cohort's work through `dashboard.since_joined`: a student's
submissions count from the moment they joined that cohort. Pages that are not about one
cohort (a regrade's report covers every submission of an exercise) read through
`submissions_visible_to`, the same rule over every cohort the instructor teaches.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Exists, OuterRef, QuerySet

from exercises.models import Membership, Submission
from exercises.services.cohorts import cohorts_taught


def submission_visible_to(*, instructor: AbstractBaseUser) -> Exists:
    """A filter on submissions: made by a student of a cohort `instructor` teaches,
    after the student joined that cohort (superusers: see submissions_visible_to)."""
    return Exists(
        Membership.objects.filter(
            cohort__in=cohorts_taught(user=instructor),
            user_id=OuterRef("user_id"),
            joined_at__lte=OuterRef("created_at"),
        )
    )


def submissions_visible_to(*, instructor: AbstractBaseUser) -> QuerySet[Submission]:
    """The submissions `instructor` may see: every one for a superuser; otherwise those
    of the students of the cohorts they teach, made since the student joined."""
    if instructor.is_superuser:
        return Submission.objects.all()
    return Submission.objects.filter(submission_visible_to(instructor=instructor))
