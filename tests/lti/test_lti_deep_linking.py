"""Deep linking: an instructor picks an exercise or assignment; the platform verifies the
signed answer, places the link with a grade column, and a learner's launch opens it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from factories import published_exercise
from lti_platform import INSTRUCTOR, LEARNER, Refused, read_form
from lti_support import deep_link, launch

from courses.models import Assignment, AssignmentItem
from exercises.models import Exercise
from lti.models import LtiContext, LtiResourceLink
from lti.services.deep_linking import LINE_ITEM_TAG

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(platform, registration):
    """Two published exercises (one of them worth 15), an instructor and a learner."""
    published_exercise("adamw")
    momentum = published_exercise("momentum")
    momentum.current_version.points = 15
    momentum.current_version.save()
    platform.person("t-1", INSTRUCTOR, given_name="Ines", family_name="Ortiz")
    platform.person("s-1", LEARNER, given_name="Sam", family_name="Lee")
    return platform


def _picker(client: Client, platform) -> str:
    response = launch(client, platform, "t-1", deep_link=True)
    assert response.status_code == 302
    assert response["Location"].startswith("/lti/deep-link/lti1p3-launch-")
    return response["Location"]


def test_the_picker_lists_published_exercises_and_the_cohorts_assignments(course):
    client = Client()
    url = _picker(client, course)
    cohort = LtiContext.objects.get().cohort
    now = timezone.now()
    graded = Assignment.objects.create(
        cohort=cohort, title="Week 1", opens_at=now, due_at=now + timedelta(days=7)
    )
    AssignmentItem.objects.create(
        assignment=graded, exercise=Exercise.objects.get(slug="adamw"), points=20
    )
    Assignment.objects.create(cohort=cohort, title="Empty", opens_at=now, due_at=now)

    page = client.get(url).content.decode()
    assert "Adamw (10 points)" in page and "Momentum (15 points)" in page
    assert "Week 1 (20 points)" in page
    assert "Empty" not in page  # no grade column can be worth nothing


def test_an_exercise_deep_link_is_verified_by_the_platform_and_gets_a_grade_column(course):
    client = Client()
    [link_id] = deep_link(client, course, "t-1", "exercise:momentum")

    placed = course.resource_links[link_id]
    assert placed["url"] == "http://testserver/lti/launch/"
    assert placed["custom"] == {"exercise": "momentum"}
    assert placed["title"] == "Momentum"
    # TraceLab's pages refuse frames, so it asks for a window of its own.
    assert placed["window"] == {"targetName": "tracelab"}
    line_item = course.line_items[placed["lineitem"]]
    assert line_item["scoreMaximum"] == 15
    assert line_item["tag"] == LINE_ITEM_TAG
    assert line_item["resourceId"] == "exercise:momentum"

    learner = Client()
    response = launch(learner, course, "s-1", resource_link_id=link_id)
    assert response["Location"] == reverse("exercise_detail", args=["momentum"])
    link = LtiResourceLink.objects.get(resource_link_id=link_id)
    assert link.exercise.slug == "momentum"
    assert link.lineitem_url == placed["lineitem"]


def test_an_assignment_deep_link_opens_the_assignment(course):
    client = Client()
    url = _picker(client, course)
    cohort = LtiContext.objects.get().cohort
    now = timezone.now()
    assignment = Assignment.objects.create(
        cohort=cohort, title="Week 1", opens_at=now, due_at=now + timedelta(days=7)
    )
    for slug, points in (("adamw", 10), ("momentum", 5)):
        AssignmentItem.objects.create(
            assignment=assignment, exercise=Exercise.objects.get(slug=slug), points=points
        )
    answer = client.post(url, {"target": f"assignment:{assignment.pk}"})
    _, fields = read_form(answer.content, "deep-link-answer")
    [link_id] = course.accept_deep_link(fields["JWT"])
    placed = course.resource_links[link_id]
    assert placed["custom"] == {"assignment": str(assignment.pk)}
    assert course.line_items[placed["lineitem"]]["scoreMaximum"] == 15

    response = launch(Client(), course, "s-1", resource_link_id=link_id)
    assert response["Location"] == reverse(
        "courses:assignment", kwargs={"assignment_id": assignment.pk}
    )
    assert LtiResourceLink.objects.get(resource_link_id=link_id).assignment == assignment


def test_the_answer_page_posts_to_the_platform_under_a_strict_policy(course):
    client = Client()
    url = _picker(client, course)
    answer = client.post(url, {"target": "exercise:adamw"})
    policy = answer["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["form-action"].split() == ["'self'", course.url]
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    page = answer.content.decode()
    assert '<script src="/static/lti/autosubmit.js">' in page
    assert "<script>" not in page  # no inline script


def test_a_forged_answer_is_refused_by_the_platform(course):
    client = Client()
    url = _picker(client, course)
    answer = client.post(url, {"target": "exercise:adamw"})
    _, fields = read_form(answer.content, "deep-link-answer")
    header, body, signature = fields["JWT"].split(".")
    other = "AAAA" if not signature.startswith("AAAA") else "BBBB"
    forged = ".".join([header, body, other + signature[4:]])
    with pytest.raises(Refused, match="does not verify"):
        course.accept_deep_link(forged)


def test_a_choice_is_answered_once(course):
    client = Client()
    url = _picker(client, course)
    assert client.post(url, {"target": "exercise:adamw"}).status_code == 200
    assert client.get(url).status_code == 404


def test_an_unknown_target_is_not_answered(course):
    client = Client()
    url = _picker(client, course)
    response = client.post(url, {"target": "exercise:no-such-thing"})
    assert response.status_code == 200
    assert b"deep-link-answer" not in response.content
    assert b"Select a valid choice" in response.content


def test_the_picker_belongs_to_the_session_that_launched_it(course, django_user_model):
    url = _picker(Client(), course)
    assert Client().get(url).status_code == 302  # to the login page
    other = Client()
    other.force_login(django_user_model.objects.create_user("mallory", password="x"))
    assert other.get(url).status_code == 404
    assert other.post(url, {"target": "exercise:adamw"}).status_code == 404


def test_the_picker_checks_the_csrf_token(course):
    client = Client(enforce_csrf_checks=True)
    url = _picker(client, course)
    assert client.post(url, {"target": "exercise:adamw"}).status_code == 403
    page = client.get(url)
    _, fields = read_form(page.content, "deep-link-form")
    response = client.post(url, {**fields, "target": "exercise:adamw"})
    assert response.status_code == 200 and b"deep-link-answer" in response.content
