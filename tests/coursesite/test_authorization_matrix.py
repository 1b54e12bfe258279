"""Who may open what: every URL pattern x six roles x GET and POST, from the URLconf.

The patterns come from the live URL configuration, so a new endpoint fails
`test_every_url_pattern_has_declared_rights` until its rights are written down in RIGHTS.
Each (pattern, role, method) is then requested against one small world:

- student: alice, in class A (joined before her work), owns the submissions and the quiz
  attempt, and is invited to class B; other student: bob, in class B;
- instructor: ines teaches class A, wrote the draft and started the regrade;
  instructor of another cohort: otto teaches class B;
- admin: a superuser; anonymous: no session.

A role with the right must not be turned away (no 401/403/404 and no login redirect)
and a method the pattern does not serve answers 405; a role without the right gets
401/403/404/405 or, when anonymous, a redirect to the login page. A server error fails
the test (the test client raises it). Each role's requests run in a savepoint that is
rolled back, so a POST by one role (a delete, say) does not change the next one's world.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from factories import published_exercise
from pylti1p3.contrib.django.lti1p3_tool_config.models import LtiTool, LtiToolKey

from courses.models import Assignment, AssignmentItem, Extension
from exercises.models import (
    Cohort,
    CohortInvitation,
    ExerciseDraft,
    Lesson,
    Membership,
    QuizAttempt,
    QuizItem,
    Regrade,
    Submission,
    Track,
)
from exercises.services.cohorts import INSTRUCTORS_GROUP
from exercises.tasks import grade_submission, regrade_submission, validate_draft
from lti.models import LtiContext

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "student", "other_student", "other_instructor", "instructor", "admin")

# Who holds a right, by the name used in RIGHTS.
HOLDERS = {
    "anyone": set(ROLES),
    "user": set(ROLES) - {"anonymous"},
    # a student's own work: nobody else reads it through the student pages
    "owner": {"student"},
    "instructor": {"other_instructor", "instructor", "admin"},
    # a cohort's pages: its instructors, and superusers
    "cohort_instructor": {"instructor", "admin"},
    # a draft: its author, and superusers
    "draft_author": {"instructor", "admin"},
    # a regrade's pages: instructors who may regrade the exercise, and superusers
    "regrade_instructor": {"instructor", "admin"},
    # work of students an instructor may see (made while a member of their cohort)
    "visible_work": {"instructor", "admin"},
    "superuser": {"admin"},
    # a deep-linking choice: only the session of the launch it answers, and no session of
    # this world made one
    "lti_deep_linker": set(),
    # an assignment: its cohort's students read it; its instructors are sent to their page
    "assignment_reader": {"student", "instructor", "admin"},
}


@dataclass(frozen=True)
class Rights:
    holder: str  # a key of HOLDERS
    methods: frozenset[str]  # the methods the pattern serves (others answer 405)


def _r(holder: str, *methods: str) -> Rights:
    return Rights(holder, frozenset(methods))


GET, POST = "GET", "POST"

RIGHTS: dict[str, Rights] = {
    "signup": _r("anyone", GET, POST),
    "login": _r("anyone", GET, POST),
    "logout": _r("anyone", POST),
    # password reset: for whoever lost their password, so for anyone
    "password_reset": _r("anyone", GET, POST),
    "password_reset_done": _r("anyone", GET),
    "password_reset_confirm": _r("anyone", GET, POST),
    "password_reset_complete": _r("anyone", GET),
    "api_openapi": _r("anyone", GET),
    "home": _r("anyone", GET),
    "track_detail": _r("anyone", GET),
    "lesson_detail": _r("user", GET),
    "lesson_figure": _r("anyone", GET),
    "lesson_complete": _r("user", POST),
    "lesson_quiz": _r("user", GET, POST),
    "lesson_quiz_result": _r("owner", GET),
    "my_progress": _r("user", GET),
    "exercise_detail": _r("user", GET),
    "exercise_history": _r("user", GET),
    # a redirect to submission_diff, which checks ownership
    "submission_compare": _r("user", GET),
    "submission_detail": _r("owner", GET),
    "submission_diff": _r("owner", GET),
    "api_submission_create": _r("user", POST),
    "api_submission_detail": _r("owner", GET),
    "submission_fragment": _r("owner", GET),
    "submission_events": _r("owner", GET),
    "cohort_join": _r("user", GET, POST),
    # answered by the student it invites
    "cohort_invitation": _r("owner", POST),
    "instructor:home": _r("instructor", GET, POST),
    "instructor:dashboard": _r("cohort_instructor", GET),
    "instructor:dashboard_rows": _r("cohort_instructor", GET),
    "instructor:dashboard_events": _r("cohort_instructor", GET),
    "instructor:roster": _r("cohort_instructor", GET, POST),
    "instructor:student": _r("cohort_instructor", GET),
    "instructor:cohort_exercise": _r("cohort_instructor", GET),
    "instructor:export_grades": _r("cohort_instructor", GET),
    "instructor:export_submissions": _r("cohort_instructor", GET),
    "instructor:exercises": _r("instructor", GET),
    "instructor:draft_new": _r("instructor", POST),
    "instructor:draft_import": _r("instructor", GET, POST),
    "instructor:draft": _r("draft_author", GET, POST),
    "instructor:draft_validate": _r("draft_author", POST),
    "instructor:draft_validation": _r("draft_author", GET),
    "instructor:draft_validation_events": _r("draft_author", GET),
    "instructor:draft_publish": _r("draft_author", POST),
    "instructor:draft_delete": _r("draft_author", POST),
    "instructor:draft_share": _r("draft_author", POST),
    "instructor:exercise_edit": _r("instructor", POST),
    "instructor:export_zip": _r("instructor", GET),
    # any instructor; the page lists only the submissions they may see
    "instructor:unexplained": _r("instructor", GET),
    # from a submission of alice's, which otto may not see
    "instructor:unexplained_name": _r("visible_work", GET, POST),
    "instructor:regrade": _r("regrade_instructor", GET, POST),
    "instructor:regrade_detail": _r("regrade_instructor", GET, POST),
    "instructor:regrade_progress": _r("regrade_instructor", GET),
    "instructor:regrade_events": _r("regrade_instructor", GET),
    # LTI 1.3: the platform's login and launch (checked by signature, nonce and state, not
    # by session: a bad one answers 400) and the tool's public keys
    "lti:login": _r("anyone", GET, POST),
    "lti:launch": _r("anyone", POST),
    "lti:jwks": _r("anyone", GET),
    "lti:deep_link": _r("lti_deep_linker", GET, POST),
    "lti:contexts": _r("instructor", GET),
    "lti:context": _r("cohort_instructor", GET),
    "lti:context_sync_roster": _r("cohort_instructor", POST),
    "courses:assignments": _r("user", GET),
    "courses:assignment": _r("assignment_reader", GET),
    "courses:instructor_assignments": _r("cohort_instructor", GET),
    "courses:assignment_new": _r("cohort_instructor", GET, POST),
    "courses:overview": _r("cohort_instructor", GET),
    "courses:assignment_edit": _r("cohort_instructor", GET, POST),
    "courses:assignment_delete": _r("cohort_instructor", POST),
    "courses:extension_grant": _r("cohort_instructor", POST),
    "courses:extension_revoke": _r("cohort_instructor", POST),
    "courses:gradebook": _r("cohort_instructor", GET),
    "courses:gradebook_csv": _r("cohort_instructor", GET),
}
# Django's admin: every pattern under the `admin` namespace is for superusers only; the
# login page itself (and the redirects to it) is what everyone else gets.
ADMIN_NAMESPACE = "admin"
ADMIN_SPECIAL = {
    "admin:login": _r("anyone", GET, POST),
    "admin:jsi18n": _r("superuser", GET),
    "admin:password_change_done": _r("superuser", GET),
}
# Declared, and not requested: what they do is the same harmless thing for everyone.
NOT_REQUESTED = {
    "admin:logout": "logs out whoever asks (a redirect, or 405 for GET when logged in)",
}
# Admin patterns that cannot show anything in this world, even to a superuser: only
# that everyone else is turned away is checked.
ADMIN_NOTHING_TO_SHOW = {
    # answers 403 unless a model admin declares autocomplete fields, and none does
    "admin:autocomplete",
    # no model has a page of its own on the site, so there is nothing to redirect to
    "admin:view_on_site",
}


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), full_ns)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, prefix + str(entry.pattern), entry


def url_patterns() -> dict[str, tuple[str, Any]]:
    """Every named pattern of the URLconf: name -> (route, pattern)."""
    return {name: (route, entry) for name, route, entry in _walk(get_resolver().url_patterns)}


def _is_admin(name: str) -> bool:
    return name.split(":", 1)[0] == ADMIN_NAMESPACE


def rights_for(name: str) -> Rights | str | None:
    if name in NOT_REQUESTED:
        return NOT_REQUESTED[name]
    if name in ADMIN_SPECIAL:
        return ADMIN_SPECIAL[name]
    if _is_admin(name):
        return _r("superuser", GET, POST)
    return RIGHTS.get(name)


def test_every_url_pattern_has_declared_rights():
    patterns = url_patterns()
    unnamed = [
        route
        for _, route, entry in _walk_all(get_resolver().url_patterns)
        if entry.name is None and not route.startswith(("static/", "media/"))
    ]
    assert not unnamed, f"name these patterns so their rights can be declared: {unnamed}"
    missing = sorted(name for name in patterns if rights_for(name) is None)
    assert not missing, f"declare who may open these in RIGHTS: {missing}"
    stale = sorted(set(RIGHTS) - set(patterns))
    assert not stale, f"RIGHTS names patterns that no longer exist: {stale}"


def _walk_all(patterns, prefix: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == ADMIN_NAMESPACE:
                continue  # Django's own, named or not
            yield from _walk_all(entry.url_patterns, prefix + str(entry.pattern))
        else:
            yield None, prefix + str(entry.pattern), entry


# -- the world ----------------------------------------------------------------------------
@dataclass
class World:
    users: dict[str, Any]
    kwargs: dict[str, dict[str, Any]]


def _user(django_user_model, username: str, *, instructor=False, superuser=False):
    user = django_user_model.objects.create_user(username, password=None)
    if superuser:
        user.is_staff = user.is_superuser = True
        user.save()
    if instructor:
        group, _ = Group.objects.get_or_create(name=INSTRUCTORS_GROUP)
        user.groups.add(group)
    return user


def _submission(user, version, *, code: str, when) -> Submission:
    submission = Submission.objects.create(
        user=user,
        exercise=version.exercise,
        exercise_version=version,
        code=code,
        status=Submission.Status.DONE,
        verdict=Submission.Verdict.FAILED,
        score=0.5,
        result={"verdict": "failed", "score": 0.5, "cases": [], "diagnoses": []},
    )
    Submission.objects.filter(pk=submission.pk).update(created_at=when, finished_at=when)
    return submission


@pytest.fixture
def world(django_user_model, monkeypatch) -> World:
    for task in (grade_submission, regrade_submission, validate_draft):
        monkeypatch.setattr(task, "apply_async", lambda *args, **kwargs: None)
    users = {
        "student": _user(django_user_model, "alice"),
        "other_student": _user(django_user_model, "bob"),
        "other_instructor": _user(django_user_model, "otto", instructor=True),
        "instructor": _user(django_user_model, "ines", instructor=True),
        "admin": _user(django_user_model, "root", superuser=True),
    }
    track = Track.objects.create(slug="optim", title="Optimization", position=1)
    lesson = Lesson.objects.create(
        track=track,
        slug="sgd",
        position=1,
        title="SGD",
        body="# SGD\n",
        assets={"path.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>"},
    )
    QuizItem.objects.create(
        lesson=lesson,
        key="q1",
        position=1,
        question="Which?",
        options=["a", "b"],
        answer=0,
        explanation="Because.",
    )
    attempt = QuizAttempt.objects.create(
        user=users["student"],
        lesson=lesson,
        order={"q1": [0, 1]},
        answers={"q1": 0},
        score=1.0,
        passed=True,
        submitted_at=timezone.now(),
    )
    # In class A's track, so that class A's instructor may regrade it.
    exercise = published_exercise("adamw", lesson=lesson)
    version = exercise.current_version

    class_a = Cohort.objects.create(name="Class A", slug="class-a", track=track)
    class_a.instructors.add(users["instructor"])
    # On another track: class B's instructor does not teach adamw, so may not regrade it.
    other_track = Track.objects.create(slug="numerics", title="Numerics", position=2)
    class_b = Cohort.objects.create(name="Class B", slug="class-b", track=other_track)
    class_b.instructors.add(users["other_instructor"])
    joined = timezone.now() - timedelta(days=2)
    for cohort, user in ((class_a, users["student"]), (class_b, users["other_student"])):
        membership = Membership.objects.create(cohort=cohort, user=user)
        Membership.objects.filter(pk=membership.pk).update(joined_at=joined)
    first = _submission(users["student"], version, code="x = 1\n", when=joined + timedelta(hours=1))
    second = _submission(
        users["student"], version, code="x = 2\n", when=joined + timedelta(hours=2)
    )
    invitation = CohortInvitation.objects.create(
        cohort=class_b, username="alice", invited_by=users["other_instructor"]
    )
    draft = ExerciseDraft.objects.create(
        slug="adamw", exercise=exercise, author=users["instructor"]
    )
    # Class A as a course of a learning platform (with no roster service offered).
    platform = LtiTool.objects.create(
        title="LMS",
        issuer="https://lms.example",
        client_id="tracelab",
        auth_login_url="https://lms.example/auth",
        auth_token_url="https://lms.example/token",
        key_set_url="https://lms.example/jwks",
        tool_key=LtiToolKey.objects.create(name="tool", private_key="unused here"),
        deployment_ids='["1"]',
    )
    course = LtiContext.objects.create(
        tool=platform, deployment_id="1", context_id="course-a", cohort=class_a
    )
    regrade = Regrade.objects.create(
        exercise=exercise, version=version, created_by=users["instructor"], total=0
    )
    assignment = Assignment.objects.create(
        cohort=class_a, title="Week 1", opens_at=joined, due_at=joined + timedelta(days=7)
    )
    AssignmentItem.objects.create(assignment=assignment, exercise=exercise, points=10)
    extension = Extension.objects.create(
        assignment=assignment, user=users["student"], due_at=joined + timedelta(days=9)
    )
    in_class_a = {"slug": class_a.slug, "assignment_id": assignment.pk}

    kwargs = {
        # alice's own reset link, as her email would carry it
        "password_reset_confirm": {
            "uidb64": urlsafe_base64_encode(force_bytes(users["student"].pk)),
            "token": default_token_generator.make_token(users["student"]),
        },
        "track_detail": {"slug": track.slug},
        "lesson_detail": {"slug": lesson.slug},
        "lesson_figure": {"slug": lesson.slug, "name": "path.svg"},
        "lesson_complete": {"slug": lesson.slug},
        "lesson_quiz": {"slug": lesson.slug},
        "lesson_quiz_result": {"slug": lesson.slug, "attempt_id": attempt.pk},
        "exercise_detail": {"slug": exercise.slug},
        "exercise_history": {"slug": exercise.slug},
        "submission_compare": {"slug": exercise.slug},
        "submission_detail": {"submission_id": second.pk},
        "submission_diff": {"submission_id": second.pk, "other_id": first.pk},
        "api_submission_create": {"slug": exercise.slug},
        "api_submission_detail": {"submission_id": second.pk},
        "submission_fragment": {"submission_id": second.pk},
        "submission_events": {"submission_id": second.pk},
        "cohort_invitation": {"invitation_id": invitation.pk},
        "instructor:dashboard": {"slug": class_a.slug},
        "instructor:dashboard_rows": {"slug": class_a.slug},
        "instructor:dashboard_events": {"slug": class_a.slug},
        "instructor:roster": {"slug": class_a.slug},
        "instructor:student": {"slug": class_a.slug, "username": "alice"},
        "instructor:cohort_exercise": {"slug": class_a.slug, "exercise_slug": exercise.slug},
        "instructor:export_grades": {"slug": class_a.slug},
        "instructor:export_submissions": {"slug": class_a.slug},
        "instructor:draft": {"draft_id": draft.pk},
        "instructor:draft_validate": {"draft_id": draft.pk},
        "instructor:draft_validation": {"draft_id": draft.pk},
        "instructor:draft_validation_events": {"draft_id": draft.pk},
        "instructor:draft_publish": {"draft_id": draft.pk},
        "instructor:draft_delete": {"draft_id": draft.pk},
        "instructor:draft_share": {"draft_id": draft.pk},
        "instructor:exercise_edit": {"exercise_slug": exercise.slug},
        "instructor:export_zip": {"exercise_slug": exercise.slug},
        "instructor:unexplained": {"exercise_slug": exercise.slug},
        "instructor:unexplained_name": {"exercise_slug": exercise.slug, "submission_id": second.pk},
        "instructor:regrade": {"exercise_slug": exercise.slug},
        "instructor:regrade_detail": {"exercise_slug": exercise.slug, "regrade_id": regrade.pk},
        "instructor:regrade_progress": {"exercise_slug": exercise.slug, "regrade_id": regrade.pk},
        "instructor:regrade_events": {"exercise_slug": exercise.slug, "regrade_id": regrade.pk},
        "lti:deep_link": {"launch_id": "lti1p3-launch-0"},
        "lti:context": {"context_id": course.pk},
        "lti:context_sync_roster": {"context_id": course.pk},
        "courses:assignment": {"assignment_id": assignment.pk},
        "courses:instructor_assignments": {"slug": class_a.slug},
        "courses:assignment_new": {"slug": class_a.slug},
        "courses:overview": in_class_a,
        "courses:assignment_edit": in_class_a,
        "courses:assignment_delete": in_class_a,
        "courses:extension_grant": in_class_a,
        "courses:extension_revoke": {**in_class_a, "extension_id": extension.pk},
        "courses:gradebook": {"slug": class_a.slug},
        "courses:gradebook_csv": {"slug": class_a.slug},
    }
    return World(users=users, kwargs=kwargs)


# Query strings that make a page show what it exists to show.
QUERY = {
    "submission_compare": lambda w: {
        "a": w.kwargs["submission_diff"]["other_id"],
        "b": w.kwargs["submission_diff"]["submission_id"],
    }
}


def _admin_model(name: str):
    """The model an admin pattern such as `admin:auth_user_change` is about, if any."""
    app_label, _, rest = name.removeprefix(f"{ADMIN_NAMESPACE}:").partition("_")
    if app_label not in {config.label for config in apps.get_app_configs()}:
        return None
    for model in apps.get_app_config(app_label).get_models():
        if rest.startswith(model._meta.model_name + "_"):
            return model
    return None


def _admin_kwargs(name: str, pattern) -> dict[str, str]:
    """Arguments for an admin pattern: a real row's id where the pattern names a model (ids
    differ between databases), so that a superuser's request finds something."""
    values = {"content_type_id": "1", "app_label": "exercises", "object_id": "1"}
    model = _admin_model(name)
    row = model._default_manager.order_by("pk").first() if model else None
    if row is not None:
        values["object_id"] = values["id"] = str(row.pk)
    names = set(pattern.pattern.converters) | set(pattern.pattern.regex.groupindex)
    return {arg: values.get(arg, "1") for arg in names}


def _url(name: str, world: World, pattern) -> str:
    if _is_admin(name):
        return reverse(name, kwargs=_admin_kwargs(name, pattern))
    url = reverse(name, kwargs=world.kwargs.get(name, {}))
    if name in QUERY:
        url += "?" + "&".join(f"{k}={v}" for k, v in QUERY[name](world).items())
    return url


def _client(world: World, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def _is_login_redirect(response, name: str) -> bool:
    if response.status_code != 302:
        return False
    target = response["Location"]
    return target.startswith((reverse("login"), reverse("admin:login")))


def _outcome(response, name: str) -> str:
    if response.status_code in (401, 403, 404) or _is_login_redirect(response, name):
        return "denied"
    if response.status_code == 405:
        return "no such method"
    return "served"


def _names_to_check() -> list[str]:
    return sorted(name for name in url_patterns() if isinstance(rights_for(name), Rights))


@pytest.mark.parametrize("name", _names_to_check())
def test_each_role_gets_exactly_its_rights(name, world):
    rights = rights_for(name)
    pattern = url_patterns()[name][1]
    url = _url(name, world, pattern)
    wrong = []
    for role in ROLES:
        client = _client(world, role)
        for method in (GET, POST):
            with transaction.atomic():
                response = client.get(url) if method == GET else client.post(url)
                outcome = _outcome(response, name)
                transaction.set_rollback(True)
            if role in HOLDERS[rights.holder] and name in ADMIN_NOTHING_TO_SHOW:
                ok = response.status_code in (403, 404, 405)
            elif role in HOLDERS[rights.holder]:
                expected = "served" if method in rights.methods else "no such method"
                ok = outcome == expected
            else:
                # Turned away: denied outright, or asked for a method it may not use.
                ok = outcome in ("denied", "no such method")
                if role == "anonymous" and response.status_code == 302:
                    ok = ok and _is_login_redirect(response, name)
            if not ok:
                wrong.append(f"{role} {method} {url} -> {response.status_code} ({outcome})")
    assert not wrong, "\n".join(wrong)
