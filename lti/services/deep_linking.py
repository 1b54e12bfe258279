"""Deep linking: an instructor picks what a new link in their course opens.

The answer is a JWT signed with the tool's key, posted by the instructor's browser to
the platform's return URL. Its one item is an LTI resource link to the launch URL whose
custom parameters name the target, and whose line item asks the platform for a grade
column worth the target's points.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Sum
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem
from pylti1p3.message_launch import MessageLaunch

from courses.models import Assignment
from exercises.models import Cohort, Exercise
from lti.services.launches import ASSIGNMENT_PARAM, EXERCISE_PARAM

DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
# The line items TraceLab asks for carry this tag, so they can be told from others.
LINE_ITEM_TAG = "tracelab"


@dataclass(frozen=True)
class LinkTarget:
    """Something a link can open: a published exercise or an assignment of the cohort."""

    kind: str  # EXERCISE_PARAM or ASSIGNMENT_PARAM
    key: str  # the exercise's slug or the assignment's id
    title: str
    points: float

    @property
    def value(self) -> str:
        """How a form names it: `exercise:adamw`, `assignment:7`."""
        return f"{self.kind}:{self.key}"


class _WindowedResourceLink(DeepLinkResource):
    def to_dict(self) -> dict[str, Any]:
        item = super().to_dict()
        # The site refuses to be framed (X-Frame-Options DENY, CSP frame-ancestors
        # 'none'), so the platform is asked to open the link in a window of its own
        # rather than in an iframe, where the page would not show.
        item["window"] = {"targetName": "tracelab"}
        return item


def link_targets(*, cohort: Cohort) -> list[LinkTarget]:
    """What a link in the course of `cohort` may open: published exercises, then the
    cohort's assignments that are worth points (a grade column needs a maximum above 0)."""
    exercises = Exercise.objects.exclude(current_version=None).select_related("current_version")
    targets = [
        LinkTarget(EXERCISE_PARAM, exercise.slug, exercise.title, exercise.current_version.points)
        for exercise in exercises.order_by("title", "slug")
    ]
    assignments = (
        Assignment.objects.filter(cohort=cohort)
        .annotate(possible=Sum("items__points"))
        .filter(possible__gt=0)
        .order_by("due_at", "id")
    )
    targets += [
        LinkTarget(ASSIGNMENT_PARAM, str(a.pk), a.title, float(a.possible)) for a in assignments
    ]
    return targets


def deep_link_answer(
    *, launch: MessageLaunch, target: LinkTarget, launch_url: str
) -> tuple[str, str]:
    """(the platform's return URL, the signed JWT to post there) for one chosen target."""
    settings = launch.get_launch_data()[DEEP_LINKING_SETTINGS]
    line_item = (
        LineItem()
        .set_label(target.title)
        .set_score_maximum(target.points)
        .set_resource_id(target.value)
        .set_tag(LINE_ITEM_TAG)
    )
    resource = (
        _WindowedResourceLink()
        .set_url(launch_url)
        .set_title(target.title)
        .set_custom_params({target.kind: target.key})
        .set_lineitem(line_item)
    )
    jwt = launch.get_deep_link().get_response_jwt([resource])
    return settings["deep_link_return_url"], jwt
