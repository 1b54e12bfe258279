"""A validated launch becomes a signed-in user, a cohort for the course, and a link.

pylti1p3 has checked the launch before anything here runs; this module only reads its
claims: the user (issuer and `sub`, names, roles), the course (context) and, for a
resource link, what it opens and where its grades go.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.text import slugify
from pylti1p3.contrib.django.lti1p3_tool_config.models import LtiTool
from pylti1p3.message_launch import MessageLaunch

from courses.models import Assignment
from exercises.models import Cohort, Exercise
from lti.models import LtiContext, LtiResourceLink
from lti.services import accounts
from lti.services.accounts import Role

logger = logging.getLogger(__name__)

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
CONTEXT_CLAIM = CLAIM + "context"
RESOURCE_LINK_CLAIM = CLAIM + "resource_link"
CUSTOM_CLAIM = CLAIM + "custom"
DEPLOYMENT_CLAIM = CLAIM + "deployment_id"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"

# The custom parameters a deep-linked item carries, naming what the link opens.
EXERCISE_PARAM = "exercise"
ASSIGNMENT_PARAM = "assignment"


class LaunchRefused(Exception):
    """A verified launch TraceLab will not act on; the message is safe to show."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class LaunchOutcome:
    user: AbstractBaseUser
    role: Role
    context: LtiContext
    # None for a deep-linking launch.
    resource_link: LtiResourceLink | None


def launch_accept(*, launch: MessageLaunch) -> LaunchOutcome:
    """Account, roles, cohort and link of a launch pylti1p3 has validated.

    Raises LaunchRefused for a launch without a course, of a kind TraceLab does not
    serve, or a deep-linking launch by someone who does not teach the course.
    """
    claims: dict[str, Any] = dict(launch.get_launch_data())
    role = accounts.role_of(claims.get(accounts.ROLES_CLAIM) or [])
    if launch.is_deep_link_launch():
        if role is not Role.INSTRUCTOR:
            raise LaunchRefused(
                "Only the course's instructors can choose what TraceLab adds to it.", status=403
            )
    elif not launch.is_resource_launch():
        raise LaunchRefused("TraceLab does not handle this kind of launch.")

    context_claim = claims.get(CONTEXT_CLAIM) or {}
    if not context_claim.get("id"):
        raise LaunchRefused("TraceLab opens from within a course: this launch names none.")
    tool = LtiTool.objects.get(issuer=launch.get_iss(), client_id=launch.get_client_id())
    with transaction.atomic():
        context = _context_ensure(
            tool=tool,
            deployment_id=str(claims[DEPLOYMENT_CLAIM]),
            claim=context_claim,
            memberships_url=(claims.get(NRPS_CLAIM) or {}).get("context_memberships_url", ""),
        )
        user = accounts.account_for(issuer=tool.issuer, subject=str(claims["sub"]), claims=claims)
        if not user.is_active:
            raise LaunchRefused("This account is switched off on TraceLab.", status=403)
        accounts.role_apply(user=user, cohort=context.cohort, role=role)
        link = None
        if launch.is_resource_launch():
            link = _link_ensure(context=context, claims=claims)
    return LaunchOutcome(user=user, role=role, context=context, resource_link=link)


def destination(*, link: LtiResourceLink) -> str | None:
    """Where a launch of `link` opens; None while the link opens nothing."""
    if link.exercise_id is not None:
        return reverse("exercise_detail", args=[link.exercise.slug])
    if link.assignment_id is not None:
        return reverse("courses:assignment", kwargs={"assignment_id": link.assignment_id})
    return None


def _context_ensure(
    *, tool: LtiTool, deployment_id: str, claim: dict[str, Any], memberships_url: str
) -> LtiContext:
    title = str(claim.get("title") or claim.get("label") or "").strip()[:255]
    key = {"tool": tool, "deployment_id": deployment_id, "context_id": str(claim["id"])}
    context = LtiContext.objects.select_related("cohort").filter(**key).first()
    if context is None:
        try:
            with transaction.atomic():
                cohort = Cohort.objects.create(
                    name=title or f"Course {claim['id']}"[:200],
                    slug=_unique_cohort_slug(title or f"course-{claim['id']}"),
                )
                context = LtiContext.objects.create(cohort=cohort, title=title, **key)
        except IntegrityError:
            # The course's first two launches raced: the other one made it.
            context = LtiContext.objects.select_related("cohort").get(**key)
    changed = []
    if title and context.title != title:
        context.title = title
        changed.append("title")
    if memberships_url and context.memberships_url != memberships_url:
        context.memberships_url = memberships_url
        changed.append("memberships_url")
    if changed:
        context.save(update_fields=changed)
    return context


def _unique_cohort_slug(name: str) -> str:
    base = slugify(name)[:80] or "course"
    slug, n = base, 2
    while Cohort.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _link_ensure(*, context: LtiContext, claims: dict[str, Any]) -> LtiResourceLink:
    resource = claims.get(RESOURCE_LINK_CLAIM) or {}
    link, _ = LtiResourceLink.objects.select_related("exercise").get_or_create(
        context=context, resource_link_id=str(resource["id"])
    )
    link.title = str(resource.get("title") or link.title)[:255]
    # The grade column: platforms name it in every launch of a link that has one. A
    # launch without the claim (a platform that sends it to learners only) keeps it.
    endpoint = claims.get(AGS_CLAIM) or {}
    if endpoint.get("lineitem"):
        link.lineitem_url = str(endpoint["lineitem"])
        link.score_scopes = [str(scope) for scope in endpoint.get("scope") or []]
    _target_set(link=link, custom=claims.get(CUSTOM_CLAIM) or {})
    link.save()
    return link


def _target_set(*, link: LtiResourceLink, custom: dict[str, Any]) -> None:
    """Read the link's target from its custom parameters; names that match nothing are
    ignored, and an assignment counts only when it is the course cohort's own (the
    parameters can be edited on the platform)."""
    slug = str(custom.get(EXERCISE_PARAM) or "")
    assignment_id = str(custom.get(ASSIGNMENT_PARAM) or "")
    if slug:
        exercise = Exercise.objects.exclude(current_version=None).filter(slug=slug).first()
        if exercise is not None:
            link.exercise, link.assignment = exercise, None
            return
    if assignment_id.isdigit():
        assignment = Assignment.objects.filter(
            pk=int(assignment_id), cohort_id=link.context.cohort_id
        ).first()
        if assignment is not None:
            link.exercise, link.assignment = None, assignment
            return
    if slug or assignment_id:
        logger.warning("LTI link %s names no target here: %r", link.resource_link_id, dict(custom))
