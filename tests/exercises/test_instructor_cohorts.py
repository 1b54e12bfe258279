import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.urls import reverse
from instructor_support import *  # noqa: F403 (the fixtures)
from instructor_support import make_cohort

from exercises.models import Cohort, Membership
from exercises.services import cohorts
from exercises.services.cohorts import CohortError

pytestmark = pytest.mark.django_db


def test_is_instructor_for_group_members_and_superusers_only(ines, alice, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="root-pass-123")
    assert cohorts.is_instructor(ines)
    assert cohorts.is_instructor(root)
    assert not cohorts.is_instructor(alice)
    assert not cohorts.is_instructor(AnonymousUser())
    assert not cohorts.is_instructor(None)


def test_inactive_instructor_is_not_an_instructor(ines):
    ines.is_active = False
    assert not cohorts.is_instructor(ines)


def test_cohort_create_makes_the_creator_its_instructor(ines):
    cohort = cohorts.cohort_create(name="  Spring 2027 ", instructor=ines)

    assert cohort.name == "Spring 2027"
    assert cohort.slug == "spring-2027"
    assert list(cohort.instructors.all()) == [ines]
    assert len(cohort.join_code) == 8


def test_cohort_slugs_stay_unique(ines):
    first = cohorts.cohort_create(name="Optimization", instructor=ines)
    second = cohorts.cohort_create(name="Optimization", instructor=ines)
    assert (first.slug, second.slug) == ("optimization", "optimization-2")


def test_students_cannot_create_cohorts(alice):
    with pytest.raises(CohortError):
        cohorts.cohort_create(name="Mine", instructor=alice)


def test_join_by_code_ignores_case_and_spaces(ines, alice):
    cohort = make_cohort(ines)
    joined_cohort, joined = cohorts.cohort_join(
        user=alice, code=f"  {cohort.join_code.lower()[:4]} {cohort.join_code.lower()[4:]} "
    )
    assert (joined_cohort, joined) == (cohort, True)
    assert cohorts.cohort_join(user=alice, code=cohort.join_code) == (cohort, False)
    assert Membership.objects.filter(cohort=cohort, user=alice).count() == 1


def test_unknown_join_code_is_refused(alice):
    with pytest.raises(CohortError, match="No cohort has that join code"):
        cohorts.cohort_join(user=alice, code="NOPE1234")
    with pytest.raises(CohortError):
        cohorts.cohort_join(user=alice, code="   ")


def test_a_student_can_belong_to_several_cohorts(ines, otto, alice):
    first = make_cohort(ines, slug="first")
    second = make_cohort(otto, slug="second")
    cohorts.cohort_join(user=alice, code=first.join_code)
    cohorts.cohort_join(user=alice, code=second.join_code)
    assert set(cohorts.cohorts_of_student(user=alice)) == {first, second}


def test_regenerated_join_code_replaces_the_old_one(ines, alice):
    cohort = make_cohort(ines)
    old = cohort.join_code
    new = cohorts.cohort_join_code_regenerate(cohort=cohort)
    assert new != old
    with pytest.raises(CohortError):
        cohorts.cohort_join(user=alice, code=old)
    assert cohorts.cohort_join(user=alice, code=new)[1]


def test_roster_invites_by_username_and_removes(ines, alice):
    cohort = make_cohort(ines)
    assert cohorts.invitation_send(cohort=cohort, username=" alice ", invited_by=ines) == "invited"
    assert cohorts.invitation_send(cohort=cohort, username="nobody", invited_by=ines) == "invited"
    with pytest.raises(CohortError):
        cohorts.invitation_send(cohort=cohort, username="  ", invited_by=ines)
    assert not cohort.memberships.exists()
    (invitation,) = cohorts.invitations_for(user=alice)
    cohorts.invitation_answer(invitation_id=invitation.pk, user=alice, accept=True)
    assert cohorts.invitation_send(cohort=cohort, username="alice", invited_by=ines) == "member"
    assert cohorts.roster_remove(cohort=cohort, username="alice")
    assert not cohorts.roster_remove(cohort=cohort, username="alice")
    assert not cohort.memberships.exists()


def test_instructors_see_only_the_cohorts_they_teach(ines, otto, django_user_model):
    mine = make_cohort(ines, slug="mine")
    theirs = make_cohort(otto, slug="theirs")
    root = django_user_model.objects.create_superuser("root", password="root-pass-123")

    assert list(cohorts.cohorts_taught(user=ines)) == [mine]
    assert cohorts.cohort_for_instructor(user=ines, slug="theirs") is None
    assert cohorts.cohort_for_instructor(user=ines, slug="mine") == mine
    assert set(cohorts.cohorts_taught(user=root)) == {mine, theirs}


def test_instructors_group_gets_no_admin_permissions():
    group, _ = Group.objects.get_or_create(name=cohorts.INSTRUCTORS_GROUP)
    group.permissions.add(Permission.objects.get(codename="change_cohort"))
    group = cohorts.instructors_group_ensure()
    assert not group.permissions.exists()


# -- views -----------------------------------------------------------------------------
def test_instructor_home_creates_a_cohort_and_lists_it(ines_client, ines):
    response = ines_client.post(reverse("instructor:home"), {"name": "Autumn class"})
    cohort = Cohort.objects.get(name="Autumn class")
    assert response.status_code == 302
    assert response["Location"] == reverse("instructor:roster", args=[cohort.slug])

    page = ines_client.get(reverse("instructor:home")).content.decode()
    assert "Autumn class" in page and cohort.join_code in page


def test_instructor_home_does_not_list_other_instructors_cohorts(ines_client, otto):
    make_cohort(otto, name="Otto's class", slug="otto")
    assert "Otto&#x27;s class" not in ines_client.get(reverse("instructor:home")).content.decode()


def test_roster_page_invites_several_students_alike_known_or_not(ines_client, ines, alice, bob):
    cohort = make_cohort(ines)
    url = reverse("instructor:roster", args=[cohort.slug])
    response = ines_client.post(
        url, {"action": "add", "add-usernames": "alice, bob ghost"}, follow=True
    )
    page = response.content.decode()
    assert not cohort.memberships.exists()
    assert set(cohort.invitations.values_list("username", flat=True)) == {"alice", "bob", "ghost"}
    assert "Invited alice, bob, ghost." in page


def test_roster_page_removes_a_student(ines_client, ines, alice):
    cohort = make_cohort(ines, students=[alice])
    url = reverse("instructor:roster", args=[cohort.slug])
    ines_client.post(url, {"action": "remove", "username": "alice"})
    assert not cohort.memberships.exists()


def test_roster_page_regenerates_the_code(ines_client, ines):
    cohort = make_cohort(ines)
    old = cohort.join_code
    ines_client.post(reverse("instructor:roster", args=[cohort.slug]), {"action": "regenerate"})
    cohort.refresh_from_db()
    assert cohort.join_code != old


def test_roster_page_renames_the_cohort(ines_client, ines):
    cohort = make_cohort(ines)
    ines_client.post(
        reverse("instructor:roster", args=[cohort.slug]),
        {"action": "settings", "settings-name": "Renamed", "settings-track": ""},
    )
    cohort.refresh_from_db()
    assert cohort.name == "Renamed"


def test_roster_page_refuses_unknown_actions(ines_client, ines):
    cohort = make_cohort(ines)
    response = ines_client.post(reverse("instructor:roster", args=[cohort.slug]), {"action": "x"})
    assert response.status_code == 400


def test_student_joins_with_a_code_on_the_join_page(alice_client, alice, ines):
    cohort = make_cohort(ines, name="Optimization — demo")
    response = alice_client.post(reverse("cohort_join"), {"code": cohort.join_code}, follow=True)
    page = response.content.decode()
    assert Membership.objects.filter(cohort=cohort, user=alice).exists()
    assert "You joined Optimization — demo" in page
    assert "Your cohorts" in page


def test_join_page_shows_an_error_for_a_wrong_code(alice_client):
    response = alice_client.post(reverse("cohort_join"), {"code": "WRONG"})
    assert response.status_code == 200
    assert "No cohort has that join code" in response.content.decode()


def test_join_page_needs_a_login(client):
    response = client.get(reverse("cohort_join"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_join_page_prefills_the_code_from_the_link(alice_client):
    page = alice_client.get(reverse("cohort_join") + "?code=ABCD1234").content.decode()
    assert 'value="ABCD1234"' in page


def test_header_links_to_teaching_pages_for_instructors_only(ines_client, alice_client):
    link = f'href="{reverse("instructor:home")}"'
    assert link in ines_client.get(reverse("home")).content.decode()
    assert link not in alice_client.get(reverse("home")).content.decode()


def test_template_filters():
    from exercises.templatetags import instructor_tags as tags

    assert [tags.duration(v) for v in (None, 0, 42, 600, 7200, 3 * 86400)] == [
        "–",
        "first try",
        "42 s",
        "10 min",
        "2.0 h",
        "3.0 d",
    ]
    assert (tags.percent(None), tags.percent(33.333), tags.percent(12.5, 1)) == (
        "–",
        "33%",
        "12.5%",
    )
    assert (tags.fraction_percent(None), tags.fraction_percent(0.5)) == ("–", "50%")
    assert (tags.signed(None), tags.signed(0.25), tags.signed(-0.1)) == ("–", "+0.25", "-0.10")
