"""Instructors, cohorts and rosters.

An instructor is a member of the `instructors` group (or a superuser). Instructors see
only the cohorts they teach; a superuser sees them all. Students join a cohort with its
join code, or an instructor adds them to the roster by username; a student may belong
to several cohorts.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.text import slugify

from exercises.models import Cohort, Membership, Track
from exercises.models.cohorts import new_join_code

INSTRUCTORS_GROUP = "instructors"
# Cached on the user object, so a request asks the database at most once.
_CACHE_ATTR = "_tracelab_is_instructor"


class CohortError(Exception):
    """A cohort or roster change was refused; the message is safe to show."""


def is_instructor(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """True for superusers and members of the `instructors` group."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = user.groups.filter(name=INSTRUCTORS_GROUP).exists()
        setattr(user, _CACHE_ATTR, cached)
    return cached


def instructors_group_ensure() -> Group:
    """The `instructors` group, with the admin permissions instructors need.

    Instructors manage the teaching side in the admin (cohorts, memberships, drafts,
    regrades, lessons and quizzes) and may look at, but not edit, exercises' published
    versions and submissions, which are written only by the services.
    """
    group, _ = Group.objects.get_or_create(name=INSTRUCTORS_GROUP)
    full = [
        "cohort",
        "membership",
        "exercisedraft",
        "regrade",
        "regradeitem",
        "track",
        "lesson",
        "practiceproblem",
        "quizitem",
    ]
    view_only = ["exercise", "exerciseversion", "submission", "quizattempt", "lessonprogress"]
    wanted = Permission.objects.filter(content_type__app_label="exercises").filter(
        codename__in=[
            f"{action}_{model}" for model in full for action in ("add", "change", "delete", "view")
        ]
        + [f"view_{model}" for model in view_only]
    )
    group.permissions.add(*wanted)
    return group


def cohorts_taught(*, user: AbstractBaseUser) -> QuerySet[Cohort]:
    """The cohorts `user` may open as an instructor (all of them for a superuser)."""
    if not is_instructor(user):
        return Cohort.objects.none()
    if user.is_superuser:
        return Cohort.objects.all()
    return Cohort.objects.filter(instructors=user)


def cohort_for_instructor(*, user: AbstractBaseUser, slug: str) -> Cohort | None:
    """The cohort if `user` teaches it; None otherwise (shown as 404, never 403)."""
    return cohorts_taught(user=user).select_related("track").filter(slug=slug).first()


def _unique_slug(name: str) -> str:
    base = slugify(name)[:80] or "cohort"
    slug, n = base, 2
    while Cohort.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def cohort_create(
    *, name: str, instructor: AbstractBaseUser, track: Track | None = None, slug: str = ""
) -> Cohort:
    """Create a cohort taught by `instructor`, with a fresh join code."""
    name = name.strip()
    if not name:
        raise CohortError("Give the cohort a name.")
    if not is_instructor(instructor):
        raise CohortError("Only instructors can create cohorts.")
    with transaction.atomic():
        cohort = Cohort.objects.create(
            name=name, slug=slugify(slug)[:100] if slug else _unique_slug(name), track=track
        )
        cohort.instructors.add(instructor)
    return cohort


def cohort_update(*, cohort: Cohort, name: str, track: Track | None) -> Cohort:
    name = name.strip()
    if not name:
        raise CohortError("Give the cohort a name.")
    cohort.name = name
    cohort.track = track
    cohort.save(update_fields=["name", "track"])
    return cohort


def cohort_join_code_regenerate(*, cohort: Cohort) -> str:
    """Give the cohort a new join code; the old one stops working at once."""
    for _ in range(5):
        code = new_join_code()
        if not Cohort.objects.filter(join_code=code).exists():
            break
    cohort.join_code = code
    cohort.save(update_fields=["join_code"])
    return code


def _normalise_code(code: str) -> str:
    return "".join(code.split()).upper()


def cohort_join(*, user: AbstractBaseUser, code: str) -> tuple[Cohort, bool]:
    """Add `user` to the cohort whose join code is `code`.

    Returns (cohort, joined): joined is False when the user was already a member.
    Raises CohortError for an unknown code.
    """
    code = _normalise_code(code)
    cohort = Cohort.objects.filter(join_code=code).first() if code else None
    if cohort is None:
        raise CohortError("No cohort has that join code. Check it with your instructor.")
    return cohort, _membership_add(cohort=cohort, user=user)


def _membership_add(*, cohort: Cohort, user: AbstractBaseUser) -> bool:
    try:
        with transaction.atomic():
            _, created = Membership.objects.get_or_create(cohort=cohort, user=user)
    except IntegrityError:
        # Two requests raced to add the same member; the constraint kept one row.
        created = False
    return created


def roster_add(*, cohort: Cohort, username: str) -> tuple[AbstractBaseUser, bool]:
    """Add the user called `username` to the roster; (user, added)."""
    username = username.strip()
    user = get_user_model().objects.filter(username=username).first() if username else None
    if user is None:
        raise CohortError(f"There is no user called {username!r}.")
    return user, _membership_add(cohort=cohort, user=user)


def roster_remove(*, cohort: Cohort, username: str) -> bool:
    """Remove a student from the roster; their submissions stay. False if not a member."""
    deleted, _ = Membership.objects.filter(cohort=cohort, user__username=username).delete()
    return deleted > 0


def cohort_members(*, cohort: Cohort) -> QuerySet:
    """The cohort's students, by username."""
    return (
        get_user_model()
        .objects.filter(memberships__cohort=cohort)
        .order_by("username")
        .only("id", "username", "first_name", "last_name")
    )


def cohort_member_get(*, cohort: Cohort, username: str) -> AbstractBaseUser | None:
    return cohort_members(cohort=cohort).filter(username=username).first()


def cohorts_of_student(*, user: AbstractBaseUser) -> QuerySet[Cohort]:
    return Cohort.objects.filter(memberships__user=user).order_by("name")
