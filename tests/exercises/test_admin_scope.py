"""The admin is for operators (superusers): an instructor, even one marked staff, and a
staff member who is not a superuser reach no cohort, membership or submission there."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from instructor_support import client_for, make_cohort, make_instructor, make_submission

from exercises.models import Membership
from exercises.services.cohorts import instructors_group_ensure

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(django_user_model, alice, bob, make_exercise):
    instructors_group_ensure()
    ines = make_instructor(django_user_model, "ines")
    otto = make_instructor(django_user_model, "otto")
    mine = make_cohort(ines, slug="mine", students=[alice])
    theirs = make_cohort(otto, slug="theirs", students=[bob])
    submission = make_submission(bob, make_exercise("adamw"), code="bobs_private_code = 1")
    return {"ines": ines, "otto": otto, "mine": mine, "theirs": theirs, "submission": submission}


def _staff(user, *, every_permission=False):
    user.is_staff = True
    user.save()
    if every_permission:
        user.user_permissions.add(*Permission.objects.filter(content_type__app_label="exercises"))
    return user


def _turned_away(response) -> bool:
    return response.status_code in (302, 403, 404) and (
        response.status_code != 302 or reverse("admin:login") in response["Location"]
    )


def _admin_urls(world) -> list[str]:
    theirs, submission = world["theirs"], world["submission"]
    return [
        reverse("admin:index"),
        reverse("admin:exercises_cohort_changelist"),
        reverse("admin:exercises_cohort_change", args=[theirs.pk]),
        reverse("admin:exercises_membership_changelist"),
        reverse("admin:exercises_membership_add"),
        reverse("admin:exercises_submission_changelist"),
        reverse("admin:exercises_submission_change", args=[submission.pk]),
    ]


def test_a_staff_instructor_cannot_see_other_cohorts_through_the_admin(world):
    client = client_for(_staff(world["ines"]))
    for url in _admin_urls(world):
        response = client.get(url)
        assert _turned_away(response), url
        assert "bobs_private_code" not in response.content.decode()


def test_a_staff_instructor_cannot_join_another_cohort_through_the_admin(world):
    ines = _staff(world["ines"])
    client = client_for(ines)
    client.post(
        reverse("admin:exercises_membership_add"),
        {"cohort": world["theirs"].pk, "user": ines.pk},
    )
    theirs = world["theirs"]
    client.post(
        reverse("admin:exercises_cohort_change", args=[theirs.pk]),
        {
            "name": theirs.name,
            "slug": theirs.slug,
            "join_code": theirs.join_code,
            "instructors": [ines.pk, world["otto"].pk],
        },
    )
    assert not Membership.objects.filter(cohort=theirs, user=ines).exists()
    assert not theirs.instructors.filter(pk=ines.pk).exists()


def test_staff_who_are_not_superusers_reach_no_model_even_with_permissions(
    world, django_user_model
):
    clerk = _staff(
        django_user_model.objects.create_user("clerk", password="clerk-pass-123"),
        every_permission=True,
    )
    client = client_for(clerk)
    for url in _admin_urls(world):
        assert _turned_away(client.get(url)), url


def test_superusers_still_run_the_admin(world, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="root-pass-123")
    client = client_for(root)
    for url in _admin_urls(world):
        assert client.get(url).status_code == 200, url


def test_the_header_links_to_the_admin_for_superusers_only(world, django_user_model, client):
    admin_link = f'href="{reverse("admin:index")}"'
    ines = _staff(world["ines"])
    assert admin_link not in client_for(ines).get(reverse("home")).content.decode()
    root = django_user_model.objects.create_superuser("root", password="root-pass-123")
    assert admin_link in client_for(root).get(reverse("home")).content.decode()
