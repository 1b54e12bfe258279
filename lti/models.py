"""What TraceLab remembers of the learning platforms that launch it.

A platform's registration (issuer, client id, its keys and endpoints, the tool's own key)
is a row of pylti1p3's `LtiTool`, entered by an operator in the admin. Everything here is
learned from launches: who a platform's user is here, which cohort a platform's course
is, what each link in that course opens, and the grades already sent back.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class LtiIdentity(models.Model):
    """A platform's user (issuer and `sub`) and the TraceLab account it signs in as."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_identities"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "LTI identity"
        verbose_name_plural = "LTI identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="lti_identity_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"


class LtiContext(models.Model):
    """A platform's course, and the cohort it is taught as here.

    A context id is unique only within its deployment (LTI 1.3 section 5.1.2.2), hence
    the key of registration, deployment and context id.
    """

    # PROTECT: a registration that launched courses is switched off (is_active), not
    # deleted, so the courses keep their cohorts and grade book addresses.
    tool = models.ForeignKey(
        "lti1p3_tool_config.LtiTool", on_delete=models.PROTECT, related_name="+"
    )
    deployment_id = models.CharField(max_length=255)
    context_id = models.CharField(max_length=255)
    title = models.CharField(max_length=255, blank=True)
    cohort = models.ForeignKey(
        "exercises.Cohort", on_delete=models.CASCADE, related_name="lti_contexts"
    )
    # Names and Role Provisioning: where the platform lists the course's members.
    memberships_url = models.CharField(max_length=1024, blank=True)
    roster_synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "LTI context"
        constraints = [
            models.UniqueConstraint(
                fields=["tool", "deployment_id", "context_id"], name="lti_context_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.context_id


class LtiResourceLink(models.Model):
    """A link placed in a platform's course, what it opens here, and its grade column.

    The target (one exercise or one assignment of the context's cohort) comes from the
    custom parameters the instructor chose by deep linking; the platform sends them back
    with every launch of the link.
    """

    context = models.ForeignKey(LtiContext, on_delete=models.CASCADE, related_name="resource_links")
    resource_link_id = models.CharField(max_length=255)
    title = models.CharField(max_length=255, blank=True)
    exercise = models.ForeignKey(
        "exercises.Exercise", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assignment = models.ForeignKey(
        "courses.Assignment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Assignment and Grade Services: the link's line item and the scopes the platform
    # granted for it, as its launches announce them.
    lineitem_url = models.CharField(max_length=1024, blank=True)
    score_scopes = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "LTI resource link"
        constraints = [
            models.UniqueConstraint(
                fields=["context", "resource_link_id"], name="lti_resource_link_unique"
            ),
            models.CheckConstraint(
                condition=Q(exercise__isnull=True) | Q(assignment__isnull=True),
                name="lti_resource_link_one_target",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.resource_link_id


class LtiScoreSent(models.Model):
    """The last score a platform accepted for one student on one link: an unchanged score
    is not sent again."""

    resource_link = models.ForeignKey(
        LtiResourceLink, on_delete=models.CASCADE, related_name="scores_sent"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score_given = models.FloatField()
    score_maximum = models.FloatField()
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = "LTI score sent"
        verbose_name_plural = "LTI scores sent"
        constraints = [
            models.UniqueConstraint(fields=["resource_link", "user"], name="lti_score_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.score_given:g}/{self.score_maximum:g} for {self.user_id}"
