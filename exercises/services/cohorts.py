"""Instructors, cohorts and rosters.

An instructor is a member of the `instructors` group (or a superuser). Instructors see
only the cohorts they teach; a superuser sees them all. A student is in a cohort only by
their own consent: they join with its code, or accept an instructor's invitation; a
student may belong to several cohorts. What an instructor sees of a member's work starts
when the member joined (see services/dashboard.py).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from exercises.models import Cohort, CohortInvitation, Membership, Track
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
    """The `instructors` group, with no admin permissions.

    Instructors teach from the instructor pages, which are scoped to their cohorts and
    to what students consented to share; the admin is for superusers only (see
    coursesite/operator_admin.py). Model permissions granted to the group by earlier
    versions are taken back.
    """
    group, _ = Group.objects.get_or_create(name=INSTRUCTORS_GROUP)
    group.permissions.remove(*Permission.objects.filter(content_type__app_label="exercises"))
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
    """Make `user` a member; only ever called on the student's own request."""
    try:
        with transaction.atomic():
            _, created = Membership.objects.get_or_create(cohort=cohort, user=user)
    except IntegrityError:
        # Two requests raced to add the same member; the constraint kept one row.
        created = False
    # Joining answers any invitation to the same cohort.
    CohortInvitation.objects.filter(cohort=cohort, username=user.get_username()).delete()
    return created


# -- invitations -------------------------------------------------------------------------
def invitation_send(*, cohort: Cohort, username: str, invited_by: AbstractBaseUser | None) -> str:
    """Invite `username` to the cohort; the student sees it at home and may accept.

    Returns "member" when that user is in the cohort already (the instructor sees the
    members anyway), else "invited" (also when invited before), and the same whether or
    not an account of that name exists: nothing here tells the instructor which
    usernames exist. A declined invitation stays declined.
    """
    username = username.strip()
    if not username:
        raise CohortError("Enter a username.")
    if Membership.objects.filter(cohort=cohort, user__username=username).exists():
        return "member"
    try:
        with transaction.atomic():
            CohortInvitation.objects.get_or_create(
                cohort=cohort, username=username, defaults={"invited_by": invited_by}
            )
    except IntegrityError:
        pass  # two requests raced; the constraint kept one invitation
    return "invited"


def invitation_withdraw(*, cohort: Cohort, username: str) -> bool:
    """Take back an invitation that was not accepted; False if there was none."""
    deleted, _ = CohortInvitation.objects.filter(cohort=cohort, username=username).delete()
    return deleted > 0


def invitations_waiting(*, cohort: Cohort) -> QuerySet[CohortInvitation]:
    """The cohort's invitations not accepted yet, declined ones included: to the
    instructor a declined invitation looks like one that is still waiting."""
    return CohortInvitation.objects.filter(cohort=cohort).order_by("username")


def invitations_for(*, user: AbstractBaseUser) -> QuerySet[CohortInvitation]:
    """Invitations `user` has not answered, newest first."""
    return (
        CohortInvitation.objects.filter(username=user.get_username(), declined_at=None)
        .exclude(cohort__memberships__user=user)
        .select_related("cohort", "invited_by")
        .order_by("-created_at")
    )


def invitation_answer(*, invitation_id: int, user: AbstractBaseUser, accept: bool) -> Cohort:
    """Accept (join the cohort) or decline an invitation made out to `user`.

    Raises CohortError when there is no such invitation for this user (shown as 404).
    """
    invitation = (
        invitations_for(user=user).filter(pk=invitation_id).select_related("cohort").first()
    )
    if invitation is None:
        raise CohortError("No such invitation.")
    if accept:
        _membership_add(cohort=invitation.cohort, user=user)
    else:
        CohortInvitation.objects.filter(pk=invitation.pk).update(declined_at=timezone.now())
    return invitation.cohort


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


def cohort_membership_get(*, cohort: Cohort, username: str) -> Membership | None:
    """The membership of the student called `username`, with its user; None if not one."""
    return (
        Membership.objects.filter(cohort=cohort, user__username=username)
        .select_related("user")
        .first()
    )


def cohorts_of_student(*, user: AbstractBaseUser) -> QuerySet[Cohort]:
    return Cohort.objects.filter(memberships__user=user).order_by("name")
