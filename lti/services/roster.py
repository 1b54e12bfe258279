"""A course's roster from its platform (Names and Role Provisioning Services).

The platform lists the course's members with their roles and status. Active learners
become members of the cohort and active instructors teach it, with accounts made for
those who never launched TraceLab; members the platform marks Inactive or Deleted leave
the cohort (their work stays). Members the list leaves out are left as they are: a
platform may list only part of a course.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests
from django.utils import timezone
from pylti1p3.exception import LtiException
from pylti1p3.names_roles import NamesRolesProvisioningService

from lti import tool
from lti.models import LtiContext, LtiIdentity
from lti.services import accounts
from lti.services.accounts import Role


class RosterUnavailable(Exception):
    """The platform's roster could not be read; the message is safe to show."""


@dataclass
class RosterSync:
    learners: int = 0
    instructors: int = 0
    accounts_created: int = 0
    removed: int = 0


def roster_sync(*, context: LtiContext) -> RosterSync:
    """Bring the context's cohort in line with the platform's list of its members."""
    if not context.memberships_url:
        raise RosterUnavailable(
            "The platform has not offered this course's roster. Launch TraceLab from the "
            "course once (with the platform's roster service on for the tool), then try again."
        )
    try:
        service = NamesRolesProvisioningService(
            tool.service_connector(context.tool),
            {"context_memberships_url": context.memberships_url},
        )
        members = service.get_members()
    except (LtiException, requests.RequestException) as exc:
        raise RosterUnavailable(f"The platform did not give the roster: {exc}") from exc

    issuer, cohort = context.tool.issuer, context.cohort
    known = set(
        LtiIdentity.objects.filter(
            issuer=issuer, subject__in=[str(m.get("user_id", "")) for m in members]
        ).values_list("subject", flat=True)
    )
    usernames: accounts.UsernameBook | None = None
    report = RosterSync()
    for member in members:
        subject = str(member.get("user_id") or "")
        if not subject:
            continue
        if member.get("status", "Active") != "Active":
            identity = LtiIdentity.objects.filter(issuer=issuer, subject=subject).first()
            if identity and accounts.role_withdraw(user=identity.user, cohort=cohort):
                report.removed += 1
            continue
        role = accounts.role_of(member.get("roles") or [])
        if role is Role.OTHER:
            continue
        if subject not in known:
            usernames = usernames or accounts.UsernameBook()
            report.accounts_created += 1
        user = accounts.account_for(
            issuer=issuer, subject=subject, claims=member, usernames=usernames
        )
        accounts.role_apply(user=user, cohort=cohort, role=role)
        if role is Role.INSTRUCTOR:
            report.instructors += 1
        else:
            report.learners += 1
    context.roster_synced_at = timezone.now()
    context.save(update_fields=["roster_synced_at"])
    return report
