"""Grades back to the platform: what is sent, when, and what happens when it cannot be."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from factories import published_exercise
from lti_platform import LEARNER, public_pem, rsa_key
from lti_support import launch
from pylti1p3.registration import Registration

from courses.models import Assignment, AssignmentItem
from exercises.models import Regrade, RegradeItem, Submission
from exercises.signals import notify_grades_changed
from lti import tasks
from lti.models import LtiContext, LtiIdentity, LtiResourceLink, LtiScoreSent
from lti.services.scores import PlatformUnreachable, scores_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def adamw():
    return published_exercise("adamw")


@pytest.fixture
def learner(platform, registration, adamw):
    """Sam, who launched a link to adamw (worth 10) with a grade column."""
    link_id = platform.add_resource_link(
        title="AdamW", custom={"exercise": "adamw"}, score_maximum=10
    )
    platform.person("s-1", LEARNER, given_name="Sam", family_name="Lee")
    launch(Client(), platform, "s-1", resource_link_id=link_id)
    return LtiIdentity.objects.get(subject="s-1").user


def _graded(user, exercise, score, *, mode=Submission.Mode.SUBMIT):
    return Submission.objects.create(
        user=user,
        exercise=exercise,
        exercise_version=exercise.current_version,
        code="x = 1\n",
        mode=mode,
        status=Submission.Status.DONE,
        verdict="passed" if score == 1 else "failed",
        score=score,
        finished_at=timezone.now(),
    )


def _lineitem() -> str:
    return LtiResourceLink.objects.get().lineitem_url


def test_the_best_submitted_score_goes_to_the_line_item(platform, learner, adamw):
    _graded(learner, adamw, 0.5)
    _graded(learner, adamw, 0.3)
    _graded(learner, adamw, 1.0, mode=Submission.Mode.RUN)  # a run is not a submission

    assert scores_send(user_id=learner.pk) == 1
    [score] = platform.scores_for(_lineitem())
    assert score["userId"] == "s-1"
    assert (score["scoreGiven"], score["scoreMaximum"]) == (5.0, 10)
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
    assert timezone.datetime.fromisoformat(score["timestamp"]) <= timezone.now()
    sent = LtiScoreSent.objects.get()
    assert (sent.user, sent.score_given, sent.score_maximum) == (learner, 5.0, 10)


def test_an_unchanged_score_is_not_sent_again(platform, learner, adamw):
    _graded(learner, adamw, 0.5)
    scores_send(user_id=learner.pk)
    _graded(learner, adamw, 0.4)  # not better
    assert scores_send(user_id=learner.pk) == 0
    _graded(learner, adamw, 1.0)
    assert scores_send(user_id=learner.pk) == 1
    assert [s["scoreGiven"] for s in platform.scores_for(_lineitem())] == [5.0, 10.0]
    assert platform.token_requests == 2  # one access token per run that sent


def test_a_regrade_that_lowers_the_best_score_is_sent(platform, learner, adamw):
    submission = _graded(learner, adamw, 1.0)
    scores_send(user_id=learner.pk)
    regrade = Regrade.objects.create(exercise=adamw, version=adamw.current_version)
    RegradeItem.objects.create(
        regrade=regrade,
        submission=submission,
        old_verdict="passed",
        old_score=1.0,
        new_verdict="failed",
        new_score=0.25,
        done=True,
    )
    assert scores_send(user_id=learner.pk) == 1
    assert [s["scoreGiven"] for s in platform.scores_for(_lineitem())] == [10.0, 2.5]


def test_nothing_is_sent_before_something_is_earned(platform, learner, adamw):
    _graded(learner, adamw, 0.0)
    assert scores_send(user_id=learner.pk) == 0
    assert platform.scores == [] and not LtiScoreSent.objects.exists()


def test_an_assignment_link_sends_the_assignments_points(platform, learner, adamw):
    cohort = LtiContext.objects.get().cohort
    now = timezone.now()
    assignment = Assignment.objects.create(
        cohort=cohort,
        title="Week 1",
        opens_at=now - timedelta(days=1),
        due_at=now + timedelta(days=7),
    )
    AssignmentItem.objects.create(assignment=assignment, exercise=adamw, points=20)
    link_id = platform.add_resource_link(
        title="Week 1", custom={"assignment": str(assignment.pk)}, score_maximum=20
    )
    launch(Client(), platform, "s-1", resource_link_id=link_id)
    _graded(learner, adamw, 0.5)

    assert scores_send(user_id=learner.pk) == 2
    lineitem = LtiResourceLink.objects.get(resource_link_id=link_id).lineitem_url
    [score] = platform.scores_for(lineitem)
    assert (score["scoreGiven"], score["scoreMaximum"]) == (10.0, 20)


def test_a_platform_that_is_down_gets_the_score_on_the_retry(platform, learner, adamw):
    _graded(learner, adamw, 1.0)
    platform.score_failures = 1
    with pytest.raises(PlatformUnreachable):
        scores_send(user_id=learner.pk)
    assert not LtiScoreSent.objects.exists()
    assert scores_send(user_id=learner.pk) == 1
    assert [s["scoreGiven"] for s in platform.scores_for(_lineitem())] == [10.0]


def test_a_platform_that_does_not_answer_at_all_is_retried(platform, learner, adamw):
    _graded(learner, adamw, 1.0)
    platform.stop()
    with pytest.raises(PlatformUnreachable):
        scores_send(user_id=learner.pk)
    assert not LtiScoreSent.objects.exists()


def test_the_platform_refuses_a_token_to_a_tool_it_cannot_verify(platform, learner, adamw, caplog):
    """The platform really checks the assertion's signature: with another key published
    as the tool's, it refuses the token, and nothing is retried or recorded."""
    impostor = Registration.get_jwk(public_pem(rsa_key("intruder")))
    genuine_kid = platform.tool_jwks["keys"][0]["kid"]
    platform.tool_jwks = {"keys": [{**impostor, "kid": genuine_kid}]}
    _graded(learner, adamw, 1.0)

    assert scores_send(user_id=learner.pk) == 0
    assert platform.scores == [] and not LtiScoreSent.objects.exists()
    assert "does not verify" in caplog.text


def test_a_link_without_the_score_scope_is_logged_not_retried(platform, learner, adamw, caplog):
    readonly = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
    LtiResourceLink.objects.update(score_scopes=[readonly])
    _graded(learner, adamw, 1.0)
    assert scores_send(user_id=learner.pk) == 0
    assert "Missing required scope" in caplog.text


def test_a_student_who_did_not_come_from_a_platform_sends_nothing(
    platform, adamw, django_user_model
):
    alice = django_user_model.objects.create_user("alice", password="x")
    _graded(alice, adamw, 1.0)
    assert scores_send(user_id=alice.pk) == 0
    assert platform.token_requests == 0


# -- the signal and the task --------------------------------------------------------------
@pytest.fixture
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr(
        tasks.send_scores, "apply_async", lambda *args, **kwargs: calls.append((args, kwargs))
    )
    return calls


def test_a_grade_change_queues_a_send_for_platform_students_only(
    learner, django_user_model, queued
):
    alice = django_user_model.objects.create_user("alice", password="x")
    notify_grades_changed(user_ids=[alice.pk, learner.pk])
    assert queued == [((), {"args": [learner.pk], "queue": "housekeeping"})]


def test_a_broker_that_is_away_does_not_reach_the_grading(learner, monkeypatch, caplog):
    def broker_down(*args, **kwargs):
        raise ConnectionError("redis is away")

    monkeypatch.setattr(tasks.send_scores, "apply_async", broker_down)
    notify_grades_changed(user_ids=[learner.pk])  # does not raise
    assert "not queued" in caplog.text


def test_the_task_retries_only_what_a_retry_can_mend():
    assert PlatformUnreachable in tasks.send_scores.autoretry_for
    assert tasks.send_scores.max_retries >= 3
    assert tasks.send_scores.retry_backoff
