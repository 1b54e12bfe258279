"""Accounts of platform users, and what their course roles make them here.

A platform's user is known by (issuer, sub); the account is made at their first launch
(or roster sync) with a username derived from their name, unique and not confusable with
any other (the rules of coursesite/usernames.py). The account has no password: it signs
in through its platform. Names and email follow the platform, which is their source.

Roles: an instructor of the course (Instructor, its sub-roles such as
TeachingAssistant, or course Administrator) joins the `instructors` group and teaches
the course's cohort; a learner is a member of the cohort. Enrolment in the platform's
course stands for the student's consent to join: it is how they reached TraceLab.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from pylti1p3.roles import StudentRole, TeacherRole, TeachingAssistantRole

from coursesite.usernames import mixes_scripts, skeleton
from exercises.models import Cohort, Membership
from exercises.services.cohorts import instructors_group_ensure
from lti.models import LtiIdentity

ROLES_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/roles"
_NAME_LENGTH = 30
_FALLBACK_NAME = "learner"


class Role(enum.Enum):
    INSTRUCTOR = "instructor"
    LEARNER = "learner"
    OTHER = "other"  # a mentor, an observer, a guest: signed in, given no cohort role


def role_of(roles: Iterable[str]) -> Role:
    """The role that decides, from a launch's or a roster member's LIS role URIs."""
    claim = {ROLES_CLAIM: list(roles)}
    if TeacherRole(claim).check() or TeachingAssistantRole(claim).check():
        return Role.INSTRUCTOR
    if StudentRole(claim).check():
        return Role.LEARNER
    return Role.OTHER


def role_apply(*, user: AbstractBaseUser, cohort: Cohort, role: Role) -> None:
    """Make `user` an instructor or a member of `cohort` as `role` says (never less)."""
    if role is Role.INSTRUCTOR:
        user.groups.add(instructors_group_ensure())
        cohort.instructors.add(user)
    elif role is Role.LEARNER:
        try:
            with transaction.atomic():
                Membership.objects.get_or_create(cohort=cohort, user=user)
        except IntegrityError:
            pass  # two launches raced; the constraint kept one membership


def role_withdraw(*, user: AbstractBaseUser, cohort: Cohort) -> bool:
    """Take `user` off the cohort (as member and as its instructor); their work stays.
    True if they had either place."""
    removed, _ = Membership.objects.filter(cohort=cohort, user=user).delete()
    taught = cohort.instructors.filter(pk=user.pk).exists()
    if taught:
        cohort.instructors.remove(user)
    return bool(removed) or taught


class UsernameBook:
    """Usernames taken, as the keys coursesite/usernames.py compares (UTS #39 skeletons,
    without case): read once, so a roster of hundreds gets its names without reading
    every username for each."""

    def __init__(self) -> None:
        self._keys: set[str] = set()
        names = get_user_model().objects.values_list("username", flat=True)
        for name in names.iterator(chunk_size=2000):
            self._keys |= _keys(name)

    def take(self, wanted: str) -> str:
        """A free username close to `wanted` (a suffix -2, -3, ... when taken)."""
        base = _ascii_name(wanted) or _FALLBACK_NAME
        candidate, n = base, 2
        while mixes_scripts(candidate) or self._keys & _keys(candidate):
            suffix = f"-{n}"
            candidate, n = base[: _NAME_LENGTH - len(suffix)] + suffix, n + 1
        self._keys |= _keys(candidate)
        return candidate


def _keys(name: str) -> set[str]:
    # The comparison coursesite/usernames.py makes: without case, before and after mapping.
    name = unicodedata.normalize("NFKC", name)
    return {skeleton(name).casefold(), skeleton(name.casefold()).casefold()}


def _ascii_name(text: str) -> str:
    """`Zoë Ångström` -> `zoe.angstrom`: letters and digits joined by dots, at most 30."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", folded)
    return ".".join(words)[:_NAME_LENGTH].strip(".")


def _profile(claims: Mapping[str, Any]) -> dict[str, str]:
    """first_name, last_name and email from a launch's or a roster member's claims, for
    those present and valid."""
    profile: dict[str, str] = {}
    given = str(claims.get("given_name") or "").strip()
    family = str(claims.get("family_name") or "").strip()
    if not given and not family and claims.get("name"):
        given, _, family = str(claims["name"]).strip().partition(" ")
    if given or family:
        profile["first_name"] = given[:150]
        profile["last_name"] = family[:150]
    email = str(claims.get("email") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            pass
        else:
            profile["email"] = email[:254]
    return profile


def _wanted_username(claims: Mapping[str, Any], profile: Mapping[str, str]) -> str:
    full = f"{profile.get('first_name', '')} {profile.get('last_name', '')}".strip()
    if full:
        return full
    return profile.get("email", "").partition("@")[0]


def account_for(
    *,
    issuer: str,
    subject: str,
    claims: Mapping[str, Any],
    usernames: UsernameBook | None = None,
) -> AbstractBaseUser:
    """The account of the platform user `subject` at `issuer`, made on first sight and
    brought up to date with the names and email in `claims`.

    `usernames` lets a roster sync read the taken names once for all its members.
    """
    profile = _profile(claims)
    identity = (
        LtiIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    )
    if identity is not None:
        user = identity.user
        changed = [field for field, value in profile.items() if getattr(user, field) != value]
        if changed:
            for field in changed:
                setattr(user, field, profile[field])
            user.save(update_fields=changed)
        return user

    book = usernames or UsernameBook()
    for _ in range(5):
        username = book.take(_wanted_username(claims, profile))
        try:
            with transaction.atomic():
                user = get_user_model().objects.create_user(username, password=None, **profile)
                LtiIdentity.objects.create(user=user, issuer=issuer, subject=subject)
            return user
        except IntegrityError:
            # Another request took the username, or made this identity's account first.
            identity = (
                LtiIdentity.objects.select_related("user")
                .filter(issuer=issuer, subject=subject)
                .first()
            )
            if identity is not None:
                return identity.user
    raise IntegrityError(f"no free username for {subject} at {issuer}")
