"""A course on a learning platform, all real: the platform (over HTTP) launches an
instructor, who deep-links an exercise; a learner launches that link, passes the
exercise through the grading path (Redis, a Celery worker, the sandbox), and the score
reaches the platform's grade book through the housekeeping worker.

The launches are checked in full by pylti1p3 (the platform's signature against the keys
at its key set URL, nonce, audience, deployment, state); the platform checks the tool's
deep-linking answer and its token assertions against the keys the site publishes.
"""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from lti_platform import INSTRUCTOR, LEARNER, Platform, read_form
from lti_support import Browser, register

from lti.models import LtiIdentity, LtiScoreSent

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SOLUTION = Path(__file__).resolve().parents[2] / "exercises" / "bank" / "adamw" / "solution.py"
SCORE_DEADLINE_SECONDS = 60


@pytest.fixture
def site_platform(live_server):
    """A platform that knows the live site: its launch URL and its published keys."""
    simulated = Platform().start()
    simulated.tool_launch_url = live_server.url + "/lti/launch/"
    simulated.tool_jwks_url = live_server.url + "/lti/jwks/"
    yield simulated
    simulated.stop()


def _launch(
    browser: Browser, site: str, platform: Platform, sub: str, **login
) -> tuple[str, bytes]:
    """Login at the tool, the platform's authorization, the form post: where it ends."""
    _, authorized = browser.get(
        f"{site}/lti/login/?{urlencode(platform.login_params(sub=sub, **login))}"
    )
    action, fields = read_form(authorized)
    assert action == platform.tool_launch_url
    return browser.post(action, fields)


def _wait_for(predicate, *, seconds: float, what: str, log: Path | None = None):
    """What `predicate` returns once it is something, polled until the deadline."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-3000:] if log else ""
    raise AssertionError(f"{what} within {seconds} s\n{tail}")


def test_a_learner_passes_a_deep_linked_exercise_and_the_platform_gets_the_score(
    live_server, site_platform, celery_worker, housekeeping_worker
):
    call_command("sync_bank", verbosity=0)
    register(site_platform)
    site_platform.person("t-1", INSTRUCTOR, given_name="Ines", family_name="Ortiz")
    site_platform.person("s-1", LEARNER, given_name="Sam", family_name="Lee")
    site = live_server.url

    # The instructor adds AdamW to the course.
    instructor = Browser()
    picker_url, picker = _launch(instructor, site, site_platform, "t-1", deep_link=True)
    assert "/lti/deep-link/" in picker_url
    _, token = read_form(picker, "deep-link-form")
    _, answer = instructor.post(picker_url, {**token, "target": "exercise:adamw"})
    return_url, fields = read_form(answer, "deep-link-answer")
    assert return_url == site_platform.deep_link_return_url
    _, placed = instructor.post(return_url, fields)  # the platform verifies it
    [link_id] = site_platform.resource_links
    assert placed == f"placed {link_id}".encode()
    lineitem = site_platform.resource_links[link_id]["lineitem"]
    assert site_platform.line_items[lineitem]["scoreMaximum"] == 10

    # The learner opens it and passes it.
    learner = Browser()
    landed, _ = _launch(learner, site, site_platform, "s-1", resource_link_id=link_id)
    assert landed == f"{site}/exercises/adamw/"
    created = learner.post_json(
        f"{site}/api/exercises/adamw/submissions", {"code": SOLUTION.read_text(), "mode": "submit"}
    )

    def graded_submission() -> dict | None:
        detail = learner.get_json(f"{site}/api/submissions/{created['id']}")
        return detail if detail["status"] == "done" else None

    graded = _wait_for(graded_submission, seconds=90, what="no verdict", log=celery_worker.log)
    assert graded["verdict"] == "passed", graded["result"]["message"]

    # The grade book gets the score.
    [score] = _wait_for(
        lambda: site_platform.scores_for(lineitem),
        seconds=SCORE_DEADLINE_SECONDS,
        what="no score reached the platform",
        log=housekeeping_worker.log,
    )
    assert score["userId"] == "s-1"
    assert (score["scoreGiven"], score["scoreMaximum"]) == (10.0, 10)
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
    sam = LtiIdentity.objects.get(subject="s-1").user
    # The worker records what it sent once the platform has answered: a moment later.
    sent = _wait_for(
        lambda: LtiScoreSent.objects.filter(user=sam).first(),
        seconds=10,
        what="the sent score was not recorded",
        log=housekeeping_worker.log,
    )
    assert sent.score_given == 10.0
    assert site_platform.token_requests >= 1
    # Sent by the housekeeping worker, from the task the grading worker queued.
    assert "lti.tasks.send_scores" in housekeeping_worker.log.read_text(errors="replace")
