"""Launches from the simulated platform: accounts, roles, cohorts, and every refusal."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from factories import published_exercise
from lti_platform import (
    CLAIM,
    INSTITUTION_INSTRUCTOR,
    INSTRUCTOR,
    LEARNER,
    TEACHING_ASSISTANT,
    Tamper,
    rsa_key,
)
from lti_support import authorize, launch
from pylti1p3.contrib.django.lti1p3_tool_config.models import LtiTool, LtiToolKey

from exercises.models import Membership
from exercises.services.cohorts import is_instructor
from lti.models import LtiContext, LtiIdentity, LtiResourceLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def adamw_link(platform, registration) -> str:
    published_exercise("adamw")
    return platform.add_resource_link(title="AdamW", custom={"exercise": "adamw"}, score_maximum=10)


def _signed_in(client: Client):
    user = client.get("/").wsgi_request.user
    return user if user.is_authenticated else None


def test_learner_launch_makes_account_cohort_membership_and_signs_in(platform, adamw_link):
    platform.person(
        "s-1", LEARNER, given_name="Zoë", family_name="Ångström", email="zoe@example.edu"
    )
    client = Client()
    response = launch(client, platform, "s-1", resource_link_id=adamw_link)

    assert response.status_code == 302
    assert response["Location"] == "/exercises/adamw/"
    user = _signed_in(client)
    assert user.username == "zoe.angstrom"
    assert (user.first_name, user.last_name, user.email) == ("Zoë", "Ångström", "zoe@example.edu")
    assert not user.has_usable_password()
    assert LtiIdentity.objects.get(issuer=platform.issuer, subject="s-1").user == user
    context = LtiContext.objects.get()
    assert (context.context_id, context.title) == ("course-101", "Optimization 101")
    assert context.cohort.name == "Optimization 101"
    assert context.memberships_url == platform.memberships_url
    assert Membership.objects.filter(cohort=context.cohort, user=user).exists()
    assert not is_instructor(user)
    link = LtiResourceLink.objects.get()
    assert link.exercise.slug == "adamw"
    assert link.lineitem_url == platform.resource_links[adamw_link]["lineitem"]
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in link.score_scopes
    assert client.get("/exercises/adamw/").status_code == 200


def test_a_second_launch_finds_the_account_and_follows_the_platforms_names(platform, adamw_link):
    person = platform.person("s-1", LEARNER, given_name="Sam", family_name="Lee")
    launch(Client(), platform, "s-1", resource_link_id=adamw_link)
    person.family_name = "Lee-Park"
    launch(Client(), platform, "s-1", resource_link_id=adamw_link)

    identity = LtiIdentity.objects.get()
    assert identity.user.last_name == "Lee-Park"
    assert identity.user.username == "sam.lee"
    assert get_user_model().objects.count() == 1
    assert LtiContext.objects.count() == 1 and Membership.objects.count() == 1


def test_a_username_that_would_look_like_anothers_gets_a_suffix(
    platform, adamw_link, django_user_model
):
    django_user_model.objects.create_user("Sam.Lee", password="x-pass-1234")
    platform.person("s-1", LEARNER, given_name="Sam", family_name="Lee")
    client = Client()
    launch(client, platform, "s-1", resource_link_id=adamw_link)
    assert _signed_in(client).username == "sam.lee-2"


def test_a_learner_without_a_name_gets_a_plain_unique_username(platform, adamw_link):
    platform.person("s-1", LEARNER)
    platform.person("s-2", LEARNER)
    first, second = Client(), Client()
    launch(first, platform, "s-1", resource_link_id=adamw_link)
    launch(second, platform, "s-2", resource_link_id=adamw_link)
    assert (_signed_in(first).username, _signed_in(second).username) == ("learner", "learner-2")


@pytest.mark.parametrize("role", [INSTRUCTOR, TEACHING_ASSISTANT])
def test_instructor_launch_joins_the_instructors_and_teaches_the_cohort(platform, adamw_link, role):
    platform.person("t-1", role, given_name="Ines", family_name="Ortiz")
    client = Client()
    response = launch(client, platform, "t-1", resource_link_id=adamw_link)

    assert response.status_code == 302
    user = _signed_in(client)
    assert is_instructor(user)
    cohort = LtiContext.objects.get().cohort
    assert cohort.instructors.filter(pk=user.pk).exists()
    assert not Membership.objects.filter(user=user).exists()


def test_an_institutions_instructor_who_is_a_learner_in_this_course_is_a_student(
    platform, adamw_link
):
    platform.person("s-1", INSTITUTION_INSTRUCTOR, LEARNER)
    client = Client()
    launch(client, platform, "s-1", resource_link_id=adamw_link)
    user = _signed_in(client)
    assert not is_instructor(user)
    assert Membership.objects.filter(user=user).exists()


def test_a_link_that_opens_nothing_tells_the_learner_and_sends_the_instructor_to_the_course(
    platform, registration
):
    link = platform.add_resource_link(title="Later", custom={}, score_maximum=None)
    platform.person("s-1", LEARNER)
    platform.person("t-1", INSTRUCTOR)
    learner = launch(Client(), platform, "s-1", resource_link_id=link)
    assert learner.status_code == 200
    assert b"does not open an exercise yet" in learner.content
    instructor = launch(Client(), platform, "t-1", resource_link_id=link)
    assert instructor["Location"] == f"/lti/contexts/{LtiContext.objects.get().pk}/"


def test_an_assignment_of_another_cohort_is_not_a_target(platform, registration):
    from django.utils import timezone

    from courses.models import Assignment
    from exercises.models import Cohort

    elsewhere = Cohort.objects.create(name="Elsewhere", slug="elsewhere")
    now = timezone.now()
    foreign = Assignment.objects.create(
        cohort=elsewhere, title="Not yours", opens_at=now, due_at=now
    )
    link = platform.add_resource_link(
        title="Sneaky", custom={"assignment": str(foreign.pk)}, score_maximum=10
    )
    platform.person("s-1", LEARNER)
    response = launch(Client(), platform, "s-1", resource_link_id=link)
    assert response.status_code == 200  # the "nothing here yet" page
    assert LtiResourceLink.objects.get().assignment is None


# -- refusals ----------------------------------------------------------------------------
def _refused(response, reason: bytes) -> None:
    assert response.status_code == 400, response.status_code
    assert b"TraceLab could not open this launch" in response.content
    assert reason in response.content, response.content.decode()


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (Tamper(sign_with=rsa_key("intruder")), b"Signature verification failed"),
        (Tamper(claims={"aud": "someone-else"}), b"not found"),
        (Tamper(claims={"nonce": None}), b"nonce"),
        (Tamper(claims={"nonce": "a-nonce-the-tool-never-issued"}), b"Invalid Nonce"),
        (Tamper(claims={CLAIM + "deployment_id": "deployment-2"}), b"Unable to find deployment"),
        (Tamper(claims={"exp": 1_000_000_000}), b"expired"),
        (Tamper(claims={CLAIM + "version": "1.1"}), b"version"),
    ],
    ids=[
        "bad-signature",
        "wrong-audience",
        "no-nonce",
        "unknown-nonce",
        "deployment",
        "expired",
        "version",
    ],
)
def test_a_launch_that_fails_a_check_is_refused_and_signs_nobody_in(
    platform, adamw_link, tamper, reason
):
    platform.person("s-1", LEARNER)
    platform.tamper = tamper
    client = Client()
    _refused(launch(client, platform, "s-1", resource_link_id=adamw_link), reason)
    assert _signed_in(client) is None
    assert not LtiIdentity.objects.exists() and not LtiContext.objects.exists()


def test_a_replayed_launch_is_refused(platform, adamw_link):
    platform.person("s-1", LEARNER)
    client = Client()
    fields = authorize(client, platform, "s-1", resource_link_id=adamw_link)
    assert client.post("/lti/launch/", fields).status_code == 302
    client.logout()
    _refused(client.post("/lti/launch/", fields), b"Invalid Nonce")
    assert _signed_in(client) is None


def test_a_launch_with_a_state_the_browser_was_not_given_is_refused(platform, adamw_link):
    platform.person("s-1", LEARNER)
    client = Client()
    fields = authorize(client, platform, "s-1", resource_link_id=adamw_link)
    _refused(client.post("/lti/launch/", {**fields, "state": "state-forged"}), b"State not found")


def test_a_launch_posted_from_another_browser_is_refused(platform, adamw_link):
    """The state cookie set at login is missing: the id_token was taken elsewhere."""
    platform.person("s-1", LEARNER)
    fields = authorize(Client(), platform, "s-1", resource_link_id=adamw_link)
    thief = Client()
    _refused(thief.post("/lti/launch/", fields), b"State not found")
    assert _signed_in(thief) is None


def test_a_launch_without_an_id_token_is_refused():
    _refused(Client().post("/lti/launch/", {"state": "state-x"}), b"id_token")


def test_a_launch_from_outside_a_course_is_refused(platform, adamw_link):
    platform.person("s-1", LEARNER)
    platform.tamper = Tamper(claims={CLAIM + "context": None})
    _refused(launch(Client(), platform, "s-1", resource_link_id=adamw_link), b"names none")


def test_a_learner_may_not_deep_link(platform, registration):
    platform.person("s-1", LEARNER)
    response = launch(Client(), platform, "s-1", deep_link=True)
    assert response.status_code == 403
    assert b"Only the course&#x27;s instructors" in response.content


def test_an_account_switched_off_here_is_not_signed_in(platform, adamw_link, django_user_model):
    platform.person("s-1", LEARNER)
    launch(Client(), platform, "s-1", resource_link_id=adamw_link)
    django_user_model.objects.update(is_active=False)
    client = Client()
    response = launch(client, platform, "s-1", resource_link_id=adamw_link)
    assert response.status_code == 403 and b"switched off" in response.content
    assert _signed_in(client) is None


def test_login_for_an_unknown_platform_is_refused():
    response = Client().get("/lti/login/", {"iss": "https://lms.example", "login_hint": "x"})
    _refused(response, b"not found")


def test_login_without_a_login_hint_is_refused(platform, registration):
    response = Client().get("/lti/login/", {"iss": platform.issuer})
    _refused(response, b"login hint")


def test_a_switched_off_registration_launches_nothing(platform, adamw_link):
    LtiTool.objects.update(is_active=False)
    platform.person("s-1", LEARNER)
    response = Client().get("/lti/login/", platform.login_params(sub="s-1"))
    _refused(response, b"not found")


# -- the tool's keys and the registrations' admin ------------------------------------------
def test_jwks_publishes_the_tools_public_key_only(registration):
    keys = Client().get("/lti/jwks/").json()["keys"]
    assert len(keys) == 1
    assert {"kty", "n", "e", "kid", "alg"} <= set(keys[0]) and keys[0]["alg"] == "RS256"
    assert "d" not in keys[0] and "p" not in keys[0]


def test_the_key_command_makes_a_key_pair_the_jwks_publishes():
    call_command("lti_tool_key", "tracelab-1", stdout=io.StringIO())
    key = LtiToolKey.objects.get(name="tracelab-1")
    assert "PRIVATE KEY" in key.private_key and "PUBLIC KEY" in key.public_key
    [published] = Client().get("/lti/jwks/").json()["keys"]
    assert published == json.loads(key.public_jwk)
    with pytest.raises(CommandError, match="exists already"):
        call_command("lti_tool_key", "tracelab-1")


def test_platform_registrations_are_edited_in_the_admin_by_superusers(
    registration, django_user_model
):
    assert {LtiTool, LtiToolKey} <= set(admin.site._registry)
    root = django_user_model.objects.create_superuser("root", password="root-pass-123")
    client = Client()
    client.force_login(root)
    page = client.get(f"/admin/lti1p3_tool_config/ltitool/{registration.pk}/change/")
    assert page.status_code == 200
    assert registration.client_id.encode() in page.content
    staff = django_user_model.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get("/admin/lti1p3_tool_config/ltitool/").status_code == 302
