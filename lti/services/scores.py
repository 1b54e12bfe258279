"""Grades back to the platforms (Assignment and Grade Services).

For a student, every link with a grade column in the courses they launched from gets
their score, recomputed from the rows: on an exercise, their best graded submission
(as its latest regrade scored it, as the assignments' grading counts it) times the
exercise's points; on an assignment, what the assignment's grading gives after its late
policy. A score goes out only when it differs from the last one sent, and first when
something was earned (until then the platform's column stays empty, not zero).

Two runs for the same student may overlap (two verdicts a moment apart). Each sends
what it read, stamped with the time it read it, and platforms keep the newest stamp;
after recording what it sent, a run reads the score again and sends once more if it
has moved meanwhile, so the last run to finish leaves the newest score recorded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import requests
from django.db.models import Q
from django.utils import timezone
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.service_connector import ServiceConnector

from courses.grading import regraded_scores, student_assignment_points
from exercises.models import Submission
from lti import tool
from lti.models import LtiIdentity, LtiResourceLink, LtiScoreSent

logger = logging.getLogger(__name__)

# Reading, sending and recording again when the score moved while it was sent: a few
# rounds, then the next grade change (or the task's retry) carries on.
_ROUNDS = 3


class PlatformUnreachable(Exception):
    """A platform could not take a score now (no answer, or a server error): worth
    trying again later."""


@dataclass(frozen=True)
class Score:
    given: float
    maximum: float


def scores_send(*, user_id: int) -> int:
    """Send the student's changed scores to every grade column of theirs; returns how
    many were sent.

    A link whose platform cannot be reached is logged and the others go on; then
    PlatformUnreachable is raised, so the task is retried (what was sent is not sent
    again). A refusal that retrying cannot mend (a missing scope, a 4xx answer) is
    logged and dropped.
    """
    subjects = dict(LtiIdentity.objects.filter(user_id=user_id).values_list("issuer", "subject"))
    if not subjects:
        return 0
    links = (
        LtiResourceLink.objects.filter(
            context__cohort__memberships__user_id=user_id,
            context__tool__issuer__in=list(subjects),
            context__tool__is_active=True,
        )
        .exclude(lineitem_url="")
        .filter(Q(exercise__isnull=False) | Q(assignment__isnull=False))
        .select_related("context__tool", "exercise__current_version", "assignment")
        .order_by("pk")
    )
    connectors: dict[int, ServiceConnector] = {}
    sent, unreachable = 0, []
    for link in links:
        tool_row = link.context.tool
        try:
            if tool_row.pk not in connectors:
                connectors[tool_row.pk] = tool.service_connector(tool_row)
            sent += _send_while_changed(
                link=link,
                user_id=user_id,
                subject=subjects[tool_row.issuer],
                connector=connectors[tool_row.pk],
            )
        except PlatformUnreachable as exc:
            logger.warning("LTI score for user %s on link %s not sent: %s", user_id, link.pk, exc)
            unreachable.append(link.pk)
        except LtiException as exc:
            logger.error("LTI score for user %s on link %s refused: %s", user_id, link.pk, exc)
    if unreachable:
        raise PlatformUnreachable(f"links {unreachable} will be tried again")
    return sent


def score_of(*, link: LtiResourceLink, user_id: int) -> Score | None:
    """The student's score on the link's target now; None when there is nothing to score."""
    if link.exercise_id is not None:
        version = link.exercise.current_version
        if version is None:
            return None
        submissions = Submission.objects.filter(
            user_id=user_id,
            exercise_id=link.exercise_id,
            mode=Submission.Mode.SUBMIT,
            status=Submission.Status.DONE,
        )
        regraded = regraded_scores(submissions)
        best = max(
            (
                regraded.get(pk, score) or 0.0
                for pk, score in submissions.values_list("id", "score")
            ),
            default=0.0,
        )
        return Score(given=round(best * version.points, 4), maximum=version.points)
    if link.assignment_id is not None:
        earned, possible = student_assignment_points(assignment=link.assignment, user_id=user_id)
        return Score(given=earned, maximum=possible) if possible > 0 else None
    return None


def _send_while_changed(
    *, link: LtiResourceLink, user_id: int, subject: str, connector: ServiceConnector
) -> int:
    sent = 0
    for _ in range(_ROUNDS):
        read_at = timezone.now()
        score = score_of(link=link, user_id=user_id)
        if score is None:
            break
        last = LtiScoreSent.objects.filter(resource_link=link, user_id=user_id).first()
        if last is None and score.given == 0:
            break  # nothing earned yet
        if last is not None and (last.score_given, last.score_maximum) == (
            score.given,
            score.maximum,
        ):
            break
        _post(link=link, subject=subject, score=score, read_at=read_at, connector=connector)
        LtiScoreSent.objects.update_or_create(
            resource_link=link,
            user_id=user_id,
            defaults={
                "score_given": score.given,
                "score_maximum": score.maximum,
                "sent_at": timezone.now(),
            },
        )
        sent += 1
    return sent


def _post(
    *,
    link: LtiResourceLink,
    subject: str,
    score: Score,
    read_at: datetime,
    connector: ServiceConnector,
) -> None:
    grade = (
        Grade()
        .set_score_given(score.given)
        .set_score_maximum(score.maximum)
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_timestamp(read_at.isoformat())
        .set_user_id(subject)
    )
    service = AssignmentsGradesService(
        connector, {"scope": link.score_scopes, "lineitem": link.lineitem_url}
    )
    try:
        service.put_grade(grade)
    except LtiServiceException as exc:
        status = exc.response.status_code
        if status >= 500 or status == 429:
            raise PlatformUnreachable(str(exc)) from exc
        raise
    except requests.RequestException as exc:
        raise PlatformUnreachable(str(exc)) from exc
