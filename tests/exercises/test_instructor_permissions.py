"""Every instructor URL: anonymous -> login, student -> 403, other instructor -> 404.

Other instructors get 404 on another's cohorts, on drafts not shared with them, and on
the regrades of exercises they neither teach nor authored."""

import pytest
from django.urls import reverse
from instructor_support import *  # noqa: F403 (the fixtures)
from instructor_support import make_submission

from exercises.models import ExerciseDraft, Regrade
from exercises.urls_instructor import urlpatterns

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cohort, exercise, ines, alice):
    draft = ExerciseDraft.objects.create(
        slug="draft", files={"exercise.toml": 'id = "x"\n'}, author=ines
    )
    regrade = Regrade.objects.create(
        exercise=exercise, version=exercise.current_version, created_by=ines
    )
    # Failed, and no known mistake named: one of the exercise's unexplained failures.
    failed = make_submission(alice, exercise)
    return {
        "cohort": cohort,
        "exercise": exercise,
        "draft": draft,
        "regrade": regrade,
        "failed": failed,
    }


def _urls(world) -> list[tuple[str, str]]:
    """(url name, path) for every pattern of the instructor URLconf."""
    slug, ex = world["cohort"].slug, world["exercise"].slug
    args = {
        "home": [],
        "dashboard": [slug],
        "dashboard_rows": [slug],
        "dashboard_events": [slug],
        "roster": [slug],
        "student": [slug, "alice"],
        "cohort_exercise": [slug, ex],
        "export_grades": [slug],
        "export_submissions": [slug],
        "exercises": [],
        "draft_new": [],
        "draft_import": [],
        "draft": [world["draft"].pk],
        "draft_validate": [world["draft"].pk],
        "draft_validation": [world["draft"].pk],
        "draft_validation_events": [world["draft"].pk],
        "draft_publish": [world["draft"].pk],
        "draft_delete": [world["draft"].pk],
        "draft_share": [world["draft"].pk],
        "exercise_edit": [ex],
        "export_zip": [ex],
        "regrade": [ex],
        "regrade_detail": [ex, world["regrade"].pk],
        "regrade_progress": [ex, world["regrade"].pk],
        "regrade_events": [ex, world["regrade"].pk],
        "unexplained": [ex],
        "unexplained_name": [ex, world["failed"].pk],
    }
    names = [pattern.name for pattern in urlpatterns]
    assert sorted(names) == sorted(args), "a new instructor URL needs a permission test"
    return [(name, reverse(f"instructor:{name}", args=args[name])) for name in names]


COHORT_SCOPED = {
    "dashboard",
    "dashboard_rows",
    "dashboard_events",
    "roster",
    "student",
    "cohort_exercise",
    "export_grades",
    "export_submissions",
    # from a submission of the cohort's student
    "unexplained_name",
}
OWNER_SCOPED = {
    "draft",
    "draft_validate",
    "draft_validation",
    "draft_validation_events",
    "draft_publish",
    "draft_delete",
    "draft_share",
    "regrade",
    "regrade_detail",
    "regrade_progress",
    "regrade_events",
}


# What the pages follow (polled JSON, pushed event streams): a script cannot follow a
# redirect to the login page.
POLLED_JSON = {
    "dashboard_rows",
    "dashboard_events",
    "draft_validation",
    "draft_validation_events",
    "regrade_progress",
    "regrade_events",
}


def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    for name, url in _urls(world):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if name in POLLED_JSON and method == "get":
                assert response.status_code == 401, name
                continue
            assert response.status_code in (302, 405), (name, method, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("login")), name


def test_students_get_403_on_every_instructor_url(alice_client, world):
    for name, url in _urls(world):
        for method in ("get", "post"):
            response = getattr(alice_client, method)(url)
            assert response.status_code in (403, 405), (name, method, response.status_code)
    assert ExerciseDraft.objects.filter(pk=world["draft"].pk).exists()


def test_other_instructor_gets_404_on_every_cohort_url(otto_client, world):
    for name, url in _urls(world):
        if name in COHORT_SCOPED:
            for method in ("get", "post"):
                response = getattr(otto_client, method)(url)
                assert response.status_code in (404, 405), (name, method, response.status_code)


def test_other_instructor_gets_404_on_every_draft_and_regrade_url(otto_client, world):
    for name, url in _urls(world):
        if name in OWNER_SCOPED:
            for method in ("get", "post"):
                response = getattr(otto_client, method)(url)
                assert response.status_code in (404, 405), (name, method, response.status_code)
    assert ExerciseDraft.objects.filter(pk=world["draft"].pk).exists()


def test_the_teaching_instructor_opens_every_cohort_page(ines_client, world):
    for name, url in _urls(world):
        if name in COHORT_SCOPED:
            assert ines_client.get(url).status_code == 200, name


def test_a_student_who_is_not_in_the_cohort_is_not_found(ines_client, cohort, django_user_model):
    django_user_model.objects.create_user("stranger", password="stranger-pass-1")
    url = reverse("instructor:student", args=[cohort.slug, "stranger"])
    assert ines_client.get(url).status_code == 404


def test_superuser_sees_every_cohort(cohort, django_user_model, client):
    root = django_user_model.objects.create_superuser("root", password="root-pass-123")
    client.force_login(root)
    assert client.get(reverse("instructor:dashboard", args=[cohort.slug])).status_code == 200


def test_instructor_of_another_cohort_cannot_change_its_roster(otto_client, cohort, alice):
    url = reverse("instructor:roster", args=[cohort.slug])
    response = otto_client.post(url, {"action": "remove", "username": "alice"})
    assert response.status_code == 404
    assert cohort.memberships.filter(user=alice).exists()
