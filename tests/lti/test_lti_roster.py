"""The course's roster from the platform, and the instructor's pages about the course."""

from __future__ import annotations

import pytest
from django.test import Client
from factories import published_exercise
from lti_platform import INSTRUCTOR, LEARNER, TEACHING_ASSISTANT
from lti_support import launch

from exercises.models import Cohort, Membership
from exercises.services.cohorts import INSTRUCTORS_GROUP, instructors_group_ensure, is_instructor
from lti.models import LtiContext, LtiIdentity
from lti.services.roster import RosterUnavailable, roster_sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(platform, registration):
    """Ines (instructor) and Sam (learner) launched the course; Kim is only enrolled."""
    published_exercise("adamw")
    link = platform.add_resource_link(title="AdamW", custom={"exercise": "adamw"})
    platform.person("t-1", INSTRUCTOR, given_name="Ines", family_name="Ortiz")
    platform.person("s-1", LEARNER, given_name="Sam", family_name="Lee")
    ines = Client()
    launch(ines, platform, "t-1", resource_link_id=link)
    launch(Client(), platform, "s-1", resource_link_id=link)
    platform.person("s-2", LEARNER, given_name="Kim", family_name="Park", email="kim@example.edu")
    platform.ines = ines
    return platform


def _user(sub: str):
    return LtiIdentity.objects.get(subject=sub).user


def test_sync_adds_enrolled_students_and_instructors_and_removes_the_inactive(course):
    course.person("t-2", TEACHING_ASSISTANT, given_name="Tao", family_name="Wu")
    course.people["s-1"].status = "Inactive"
    context = LtiContext.objects.get()

    report = roster_sync(context=context)

    cohort = context.cohort
    kim = _user("s-2")
    assert (kim.username, kim.email) == ("kim.park", "kim@example.edu")
    assert not kim.has_usable_password()
    assert Membership.objects.filter(cohort=cohort, user=kim).exists()
    assert not Membership.objects.filter(cohort=cohort, user=_user("s-1")).exists()
    tao = _user("t-2")
    assert is_instructor(tao) and cohort.instructors.filter(pk=tao.pk).exists()
    assert (report.learners, report.instructors, report.accounts_created, report.removed) == (
        1,
        2,
        2,
        1,
    )
    context.refresh_from_db()
    assert context.roster_synced_at is not None


def test_a_deleted_instructor_stops_teaching_the_cohort_but_stays_an_instructor(course):
    course.people["t-1"].status = "Deleted"
    context = LtiContext.objects.get()
    roster_sync(context=context)
    ines = _user("t-1")
    assert not context.cohort.instructors.filter(pk=ines.pk).exists()
    assert ines.groups.filter(name=INSTRUCTORS_GROUP).exists()


def test_a_second_sync_changes_nothing(course):
    context = LtiContext.objects.get()
    roster_sync(context=context)
    before = sorted(Membership.objects.values_list("user__username", flat=True))
    report = roster_sync(context=context)
    assert report.accounts_created == 0 and report.removed == 0
    assert sorted(Membership.objects.values_list("user__username", flat=True)) == before


def test_a_course_without_the_roster_service_says_so(course):
    context = LtiContext.objects.get()
    context.memberships_url = ""
    context.save()
    with pytest.raises(RosterUnavailable, match="has not offered"):
        roster_sync(context=context)


def test_a_platform_that_cannot_be_reached_says_so(course):
    course.stop()
    with pytest.raises(RosterUnavailable, match="did not give the roster"):
        roster_sync(context=LtiContext.objects.get())


# -- the instructor's pages ----------------------------------------------------------------
def test_the_button_syncs_and_reports(course):
    context = LtiContext.objects.get()
    page = course.ines.get(f"/lti/contexts/{context.pk}/")
    assert page.status_code == 200
    assert b"AdamW" in page.content and b"Read the roster now" in page.content
    response = course.ines.post(f"/lti/contexts/{context.pk}/sync-roster/", follow=True)
    assert b"Roster read: 2 students, 1 instructors (1 new accounts); 0 removed." in (
        response.content
    )
    assert LtiIdentity.objects.filter(subject="s-2").exists()


def test_the_button_shows_why_the_roster_could_not_be_read(course):
    context = LtiContext.objects.get()
    course.stop()
    response = course.ines.post(f"/lti/contexts/{context.pk}/sync-roster/", follow=True)
    assert response.status_code == 200
    assert b"did not give the roster" in response.content


def test_the_course_list_shows_the_courses_the_instructor_teaches(course):
    page = course.ines.get("/lti/contexts/")
    assert b"Optimization 101" in page.content


@pytest.mark.parametrize("path", ["/lti/contexts/{pk}/", "/lti/contexts/{pk}/sync-roster/"])
def test_only_the_courses_instructors_may_open_its_pages(course, path, django_user_model):
    url = path.format(pk=LtiContext.objects.get().pk)
    method = "post" if url.endswith("sync-roster/") else "get"
    anonymous = getattr(Client(), method)(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")

    student = Client()
    student.force_login(_user("s-1"))
    assert getattr(student, method)(url).status_code == 403

    otto = django_user_model.objects.create_user("otto", password="x")
    otto.groups.add(instructors_group_ensure())
    Cohort.objects.create(name="Otto's", slug="ottos").instructors.add(otto)
    other = Client()
    other.force_login(otto)
    assert getattr(other, method)(url).status_code == 404
    assert not LtiIdentity.objects.filter(subject="s-2").exists()  # nothing synced
