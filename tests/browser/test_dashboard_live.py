"""An instructor's open dashboard follows the class: a student's cell turns to "being
graded" when they submit and to "passed" when the verdict is stored, without a reload."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from exercises import live_topics
from exercises.management.bench_support import logged_in_students
from exercises.models import Membership, Submission
from exercises.services.cohorts import cohort_create
from exercises.services.submissions import submission_record_result
from tests.factories import passing_result, published_exercise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_students_cell_changes_on_the_open_dashboard_as_their_work_is_graded(
    page, asgi_web_server, redis_url, settings
):
    exercise = published_exercise("adamw")
    teacher, student = logged_in_students("dash-", 2)
    users = get_user_model().objects
    instructor = users.get(username=teacher.username)
    instructor.groups.add(Group.objects.get_or_create(name="instructors")[0])
    cohort = cohort_create(name="Deadline class", instructor=instructor)
    learner = users.get(username=student.username)
    Membership.objects.create(cohort=cohort, user=learner)

    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": teacher.session_key,
                "url": asgi_web_server.url,
            }
        ]
    )
    polls: list[str] = []
    page.on("request", lambda r: polls.append(r.url) if r.url.endswith("/rows") else None)
    page.goto(f"{asgi_web_server.url}/instructor/cohorts/{cohort.slug}/")
    row = page.locator(f'#matrix tbody tr[data-student="{learner.pk}"]')
    assert "not started" in row.inner_text()

    # The announcements this process makes go to the server's Redis.
    settings.REDIS_URL = redis_url
    submission = Submission.objects.create(
        user=learner,
        exercise=exercise,
        exercise_version=exercise.current_version,
        code="# mine",
        status=Submission.Status.QUEUED,
        queued_at=timezone.now(),
    )
    live_topics.submission_changed(
        submission_id=submission.pk, user_id=learner.pk, left_queue=False
    )
    row.locator("td.state-pending").wait_for(timeout=15_000)
    assert "grading" in row.inner_text()

    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.RUNNING)
    assert submission_record_result(submission_id=submission.pk, result=passing_result())
    row.locator("td.state-passed").wait_for(timeout=15_000)

    assert polls == []
