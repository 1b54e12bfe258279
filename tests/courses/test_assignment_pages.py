"""What students and instructors see and do with assignments, through the views."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from factories import make_submission

from courses.models import Assignment, AssignmentItem, Extension
from courses.student import due_phrase
from exercises.models import Submission

pytestmark = pytest.mark.django_db


def submit(client, exercise, mode="submit"):
    return client.post(
        f"/api/exercises/{exercise.slug}/submissions",
        data=json.dumps({"code": "x = 1\n", "mode": mode}),
        content_type="application/json",
    )


@pytest.mark.parametrize(
    ("left", "phrase"),
    [
        (timedelta(hours=47, minutes=50), "due in 2 days"),
        (timedelta(hours=30), "due in 30 hours"),
        (timedelta(minutes=100), "due in 2 hours"),
        (timedelta(minutes=12, seconds=10), "due in 12 minutes"),
        (timedelta(seconds=20), "due in less than a minute"),
        (-timedelta(hours=3), "3 hours past due"),
    ],
)
def test_due_phrases_round_to_their_largest_unit(left, phrase):
    now = datetime(2026, 12, 1, tzinfo=UTC)
    assert due_phrase(now + left, now) == phrase


def test_home_lists_open_assignments_with_due_time_points_and_progress(week1, alice_client):
    page = alice_client.get("/").content.decode()
    assert "Week 1" in page
    assert "due in 2 days" in page
    assert "0 of 35 points" in page
    assert "0 of 3 done" in page
    assert 'datetime="' + week1.due_at.strftime("%Y-%m-%dT%H:%M:%SZ") + '"' in page


def test_home_of_a_student_outside_the_class_lists_nothing(week1, django_user_model):
    from factories import client_for

    stranger = django_user_model.objects.create_user("carol")
    assert "Week 1" not in client_for(stranger).get("/").content.decode()


def test_exercise_page_says_which_assignment_it_counts_for(week1, adam, alice_client):
    page = alice_client.get(f"/exercises/{adam.slug}/").content.decode()
    assert "Counts for" in page and "Week 1" in page
    assert "Late work loses 10% a day, at most 50%." in page


def test_late_work_is_accepted_under_a_penalty(week1, adam, alice_client):
    week1.opens_at = week1.opens_at - timedelta(days=10)
    week1.due_at = week1.due_at - timedelta(days=5)
    week1.save()
    assert submit(alice_client, adam).status_code == 202


def test_after_the_due_time_without_late_credit_a_submission_is_refused_clearly(
    week1, adam, alice_client
):
    week1.late_policy = Assignment.LatePolicy.NONE
    week1.opens_at = week1.opens_at - timedelta(days=10)
    week1.due_at = week1.due_at - timedelta(days=5)
    week1.save()
    response = submit(alice_client, adam)
    assert response.status_code == 403
    message = response.json()["error"]
    assert "“Week 1” was due" in message and "takes no late submissions" in message
    assert "You can still run the visible cases." in message
    assert not Submission.objects.filter(mode="submit").exists()
    # Running the visible cases stays open.
    assert submit(alice_client, adam, mode="run").status_code == 202


def test_an_extension_reopens_a_closed_assignment_for_that_student_only(
    week1, adam, alice, alice_client, bob
):
    from factories import client_for

    week1.late_policy = Assignment.LatePolicy.NONE
    week1.opens_at = week1.opens_at - timedelta(days=10)
    week1.due_at = week1.due_at - timedelta(days=5)
    week1.save()
    Extension.objects.create(assignment=week1, user=alice, due_at=week1.due_at + timedelta(days=6))
    assert submit(alice_client, adam).status_code == 202
    assert submit(client_for(bob), adam).status_code == 403


def test_an_exercise_also_in_an_open_assignment_stays_open(week1, adam, alice_client, cohort):
    week1.late_policy = Assignment.LatePolicy.NONE
    week1.opens_at = week1.opens_at - timedelta(days=10)
    week1.due_at = week1.due_at - timedelta(days=5)
    week1.save()
    later = Assignment.objects.create(
        cohort=cohort,
        title="Review",
        opens_at=week1.opens_at,
        due_at=week1.due_at + timedelta(days=30),
    )
    AssignmentItem.objects.create(assignment=later, exercise=adam, points=5)
    assert submit(alice_client, adam).status_code == 202


def test_the_assignment_page_shows_each_item_and_the_students_points(
    week1, adam, alice, alice_client
):
    make_submission(alice, adam, verdict="passed", when=week1.due_at - timedelta(hours=1))
    response = alice_client.get(f"/assignments/{week1.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<strong>10</strong> of 35" in page
    assert "Last attempt before the deadline" in page
    assert "Quiz: Lesson momentum" in page
    assert "on time" in page and "not attempted" in page


def test_the_assignment_page_is_404_outside_the_class_and_sends_its_instructor_on(
    week1, django_user_model, ines_client
):
    from factories import client_for

    stranger = django_user_model.objects.create_user("carol")
    assert client_for(stranger).get(f"/assignments/{week1.pk}/").status_code == 404
    response = ines_client.get(f"/assignments/{week1.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/instructor/cohorts/class-a/assignments/{week1.pk}/"


def form_data(adam, sgd, **overrides):
    data = {
        "title": "Week 2",
        "description": "Adam and SGD.",
        "time_zone": "America/New_York",
        "opens_at": "2026-12-01T09:00",
        "due_at": "2026-12-04T23:59",
        "late_policy": "penalty",
        "penalty_percent_per_day": "20",
        "penalty_cap_percent": "60",
        "closes_at": "",
        f"exercise_{adam.pk}_points": "15",
        f"exercise_{adam.pk}_counts": "best",
        f"exercise_{sgd.pk}_points": "",
        f"exercise_{sgd.pk}_counts": "best",
    }
    data.update(overrides)
    return data


def test_an_instructor_creates_an_assignment_in_their_own_time_zone(
    cohort, adam, sgd, quiz_lesson, ines_client
):
    assert ines_client.get("/instructor/cohorts/class-a/assignments/new/").status_code == 200
    response = ines_client.post(
        "/instructor/cohorts/class-a/assignments/new/",
        form_data(adam, sgd, **{f"quiz_{quiz_lesson.pk}_points": "5"}),
    )
    assert response.status_code == 302
    made = Assignment.objects.get(title="Week 2")
    # 23:59 in New York in December is 04:59 the next day in UTC.
    assert made.due_at == datetime(2026, 12, 5, 4, 59, tzinfo=UTC)
    assert made.time_zone == "America/New_York"
    assert [(i.exercise_id, i.lesson_id, i.points) for i in made.items.all()] == [
        (adam.pk, None, 15),
        (None, quiz_lesson.pk, 5),
    ]
    # Editing shows the times back in the zone they were typed in.
    page = ines_client.get(f"/instructor/cohorts/class-a/assignments/{made.pk}/edit/")
    assert 'value="2026-12-04T23:59"' in page.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"due_at": "2026-11-30T10:00"}, "The due time must come after the opening time."),
        ({"late_policy": "accept"}, "Full late credit needs a hard close."),
        ({"closes_at": "2026-12-02T10:00"}, "The hard close must come after the due time."),
        ({"time_zone": "Mars/Olympus"}, "Select a valid choice."),
        ({"due_at": "next friday"}, "Enter a date and time"),
    ],
)
def test_an_unusable_assignment_form_says_what_is_wrong(
    cohort, adam, sgd, ines_client, overrides, message
):
    response = ines_client.post(
        "/instructor/cohorts/class-a/assignments/new/", form_data(adam, sgd, **overrides)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Assignment.objects.exists()


def test_an_assignment_needs_at_least_one_item(cohort, adam, sgd, ines_client):
    data = form_data(adam, sgd, **{f"exercise_{adam.pk}_points": ""})
    response = ines_client.post("/instructor/cohorts/class-a/assignments/new/", data)
    assert response.status_code == 400
    assert "Give points to at least one exercise or quiz." in response.content.decode()


def test_an_instructor_grants_and_revokes_an_extension(week1, bob, ines_client):
    url = f"/instructor/cohorts/class-a/assignments/{week1.pk}/extensions"
    response = ines_client.post(
        url,
        {
            "student": "bob",
            "due_at": "2030-01-02T10:00",
            "time_zone": "Europe/Berlin",
            "reason": "ill",
        },
    )
    assert response.status_code == 302
    extension = Extension.objects.get(user=bob)
    assert extension.due_at == datetime(2030, 1, 2, 9, 0, tzinfo=UTC)
    overview = ines_client.get(f"/instructor/cohorts/class-a/assignments/{week1.pk}/")
    assert 'data-student="bob"' in overview.content.decode()
    response = ines_client.post(f"{url}/{extension.pk}/revoke")
    assert response.status_code == 302
    assert not Extension.objects.exists()


def test_an_extension_for_someone_outside_the_class_is_refused(week1, ines_client):
    response = ines_client.post(
        f"/instructor/cohorts/class-a/assignments/{week1.pk}/extensions",
        {"student": "ines", "due_at": "2030-01-02T10:00", "time_zone": "UTC"},
    )
    assert response.status_code == 400
    assert not Extension.objects.exists()


def test_another_instructors_cohort_is_404(week1, django_user_model):
    from factories import client_for, make_instructor

    otto = make_instructor(django_user_model, "otto")
    for url in (
        "/instructor/cohorts/class-a/gradebook/",
        f"/instructor/cohorts/class-a/assignments/{week1.pk}/",
        "/instructor/cohorts/class-a/gradebook.csv",
    ):
        assert client_for(otto).get(url).status_code == 404


def test_gradebook_page_and_csv_show_the_same_points(week1, alice, bob, adam, ines_client):
    make_submission(alice, adam, verdict="passed", when=week1.due_at)
    make_submission(bob, adam, verdict="passed", when=week1.due_at + timedelta(hours=25))
    page = ines_client.get("/instructor/cohorts/class-a/gradebook/").content.decode()
    assert page.count('class="cell-points">10<') == 1
    assert page.count('class="cell-points">8<') == 1
    response = ines_client.get("/instructor/cohorts/class-a/gradebook.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[1] == "alice,,a@x.org,10,no,,10,35,28.6"
    assert lines[2] == "bob,,,8,yes,,8,35,22.9"


def test_the_class_dashboard_links_to_assignments_and_the_gradebook(cohort, ines_client):
    page = ines_client.get("/instructor/cohorts/class-a/").content.decode()
    assert 'href="/instructor/cohorts/class-a/assignments/"' in page
    assert 'href="/instructor/cohorts/class-a/gradebook/"' in page


def test_deleting_an_assignment_keeps_the_work(week1, alice, adam, ines_client):
    make_submission(alice, adam, verdict="passed", when=week1.due_at)
    response = ines_client.post(f"/instructor/cohorts/class-a/assignments/{week1.pk}/delete")
    assert response.status_code == 302
    assert not Assignment.objects.exists()
    assert Submission.objects.count() == 1
