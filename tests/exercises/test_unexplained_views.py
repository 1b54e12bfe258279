"""The unexplained-failures page and its "Name this mistake" action: what they show, who
may use them, and the draft the action leaves."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from instructor_support import *  # noqa: F403 (the fixtures)
from instructor_support import make_cohort
from unexplained_support import *  # noqa: F403 (the fixtures)
from unexplained_support import WRONG, item, new_result, old_case, old_result, submit

from exercises.models import ExerciseDraft

pytestmark = pytest.mark.django_db


def page_url(exercise) -> str:
    return reverse("instructor:unexplained", args=[exercise.slug])


def name_url(exercise, submission) -> str:
    return reverse("instructor:unexplained_name", args=[exercise.slug, submission.pk])


NAMED = {
    "mistake_id": "double-step",
    "title": "Takes twice the step.",
    "hint": "Your step is twice as long as the reference's.",
}


def test_the_page_shows_each_group_with_counts_cases_error_and_example_code(
    ines_client, alice, bob, cohort, exercise
):
    submit(alice, exercise, new_result("aaa", [item("two-speed valley", 3, "m", 0.25)]))
    submit(bob, exercise, new_result("aaa", [item("two-speed valley", 4, "m", 0.75)]))
    submit(bob, exercise, old_result(old_case("rosenbrock", 1)), code="def f():\n    return 0\n")

    response = ines_client.get(page_url(exercise))

    assert response.status_code == 200
    html = response.content.decode()
    groups = response.context["report"].groups
    assert [(g.submissions, g.students) for g in groups] == [(2, 2), (1, 1)]
    assert "2 submissions" in html and "2 students" in html
    assert "two-speed valley" in html and "step 3–4" in html and "<code>m</code>" in html
    assert "Typical relative error 0.5" in html
    assert "HINT = &quot;left over from a copied mistake&quot;" in html  # the code, escaped
    assert "rosenbrock" in html
    assert html.count("Name this mistake</button>") == 2
    assert (
        reverse("instructor:unexplained_name", args=[exercise.slug, groups[0].example_id]) in html
    )


def test_the_page_says_when_nothing_is_unexplained(ines_client, alice, cohort, exercise):
    submit(alice, exercise, new_result(None, [], mistakes=["known"]))
    response = ines_client.get(page_url(exercise))
    assert response.status_code == 200
    assert 'id="no-unexplained"' in response.content.decode()


def test_the_page_takes_as_many_queries_for_many_groups_as_for_one(
    ines_client, alice, bob, cohort, exercise, django_assert_max_num_queries
):
    submit(alice, exercise, new_result("first", [item()]))

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert ines_client.get(page_url(exercise)).status_code == 200
        return len(captured)

    one = count()
    for n in range(25):
        submit(bob if n % 2 else alice, exercise, new_result(f"sig{n}", [item(step=n + 1)]))
        submit(bob, exercise, old_result(old_case(f"case{n}", step=n + 1)))
    assert count() == one
    with django_assert_max_num_queries(one):
        ines_client.get(page_url(exercise))


def test_the_exercise_list_and_the_cohort_exercise_page_link_to_it(ines_client, cohort, exercise):
    link = page_url(exercise)
    assert link in ines_client.get(reverse("instructor:exercises")).content.decode()
    cohort_page = reverse("instructor:cohort_exercise", args=[cohort.slug, exercise.slug])
    assert link in ines_client.get(cohort_page).content.decode()


# -- rights ----------------------------------------------------------------------------
def test_students_are_refused_both_pages(alice_client, alice, cohort, exercise):
    example = submit(alice, exercise, new_result("sig", [item()]))
    assert alice_client.get(page_url(exercise)).status_code == 403
    assert alice_client.get(name_url(exercise, example)).status_code == 403
    assert alice_client.post(name_url(exercise, example), NAMED).status_code == 403
    assert not ExerciseDraft.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, alice, cohort, exercise):
    example = submit(alice, exercise, new_result("sig", [item()]))
    for response in (client.get(page_url(exercise)), client.post(name_url(exercise, example))):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_another_cohorts_instructor_sees_none_of_it_and_cannot_name_it(
    otto, otto_client, alice, bob, cohort, exercise
):
    make_cohort(otto, name="Class B", slug="class-b")
    example = submit(alice, exercise, new_result("sig", [item()]))
    response = otto_client.get(page_url(exercise))
    assert response.status_code == 200
    assert response.context["report"].groups == [] and WRONG not in response.content.decode()
    assert otto_client.get(name_url(exercise, example)).status_code == 404
    assert otto_client.post(name_url(exercise, example), NAMED).status_code == 404
    assert not ExerciseDraft.objects.exists()


def test_an_explained_submission_cannot_be_named(ines_client, alice, cohort, exercise):
    explained = submit(alice, exercise, new_result(None, [], mistakes=["known"]))
    assert ines_client.post(name_url(exercise, explained), NAMED).status_code == 404


def test_naming_needs_the_csrf_token(ines, alice, cohort, sgd_wd):
    example = submit(alice, sgd_wd, new_result("sig", [item()]))
    client = Client(enforce_csrf_checks=True)
    client.force_login(ines)
    assert client.post(name_url(sgd_wd, example), NAMED).status_code == 403
    assert not ExerciseDraft.objects.exists()


# -- naming ----------------------------------------------------------------------------
def test_naming_adds_the_mistake_to_a_draft_and_opens_it(ines, ines_client, alice, cohort, sgd_wd):
    example = submit(alice, sgd_wd, new_result("sig", [item()]))

    response = ines_client.post(name_url(sgd_wd, example), NAMED)

    draft = ExerciseDraft.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("instructor:draft", args=[draft.pk])
    assert draft.author == ines and draft.exercise == sgd_wd
    source = draft.files["mistakes/double-step.py"]
    assert source.startswith('"""Takes twice the step."""')
    assert "2 * lr" in source
    page = ines_client.get(response["Location"]).content.decode()
    assert "Added mistakes/double-step.py" in page and "Takes twice the step." in page


def test_the_name_form_opens_on_its_own_with_the_example(ines_client, alice, cohort, sgd_wd):
    example = submit(alice, sgd_wd, new_result("sig", [item("two-speed valley", 2, "w")]))
    response = ines_client.get(name_url(sgd_wd, example))
    assert response.status_code == 200
    html = response.content.decode()
    assert "two-speed valley" in html and "decay-not-scaled" in html
    assert 'name="mistake_id"' in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"mistake_id": "decay-not-scaled"}, "already has a mistake decay-not-scaled"),
        ({"mistake_id": "Two Words"}, "lower-case letters and digits"),
        ({"title": ""}, "This field is required"),
        ({"hint": "   "}, "This field is required"),
    ],
)
def test_a_refused_name_shows_the_form_again_and_makes_no_draft(
    ines_client, alice, cohort, sgd_wd, changes, message
):
    example = submit(alice, sgd_wd, new_result("sig", [item()]))
    response = ines_client.post(name_url(sgd_wd, example), {**NAMED, **changes})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ExerciseDraft.objects.exists()


def test_a_service_refusal_shows_its_message(ines_client, alice, cohort, sgd_wd):
    example = submit(alice, sgd_wd, new_result("sig", [item()]), code="def broken(:\n")
    response = ines_client.post(name_url(sgd_wd, example), NAMED)
    assert response.status_code == 400
    assert "does not parse" in response.content.decode()
    assert not ExerciseDraft.objects.exists()
