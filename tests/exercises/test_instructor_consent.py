"""An instructor sees a student only with the student's consent, and only from then on.

Students join with the cohort's code or accept an invitation; the roster form sends
invitations and says the same whether or not a username exists; every instructor view of
cohort data (dashboard, timeline, exercise drill-down, both exports) shows only work made
after the student joined.
"""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from instructor_support import *  # noqa: F403 (the fixtures)
from instructor_support import make_attempt, make_cohort, make_lesson, make_submission, make_track

from exercises.models import CohortInvitation, Exercise, LessonProgress, Membership
from exercises.services import cohorts, dashboard
from exercises.services.cohorts import CohortError

pytestmark = pytest.mark.django_db

ITEMS = [("q1", ["a", "b"], 0), ("q2", ["a", "b"], 1)]


def _roster_url(cohort) -> str:
    return reverse("instructor:roster", args=[cohort.slug])


def _invite(client, cohort, names: str):
    return client.post(_roster_url(cohort), {"action": "add", "add-usernames": names}, follow=True)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# -- consent: invitations instead of adding ----------------------------------------------
def test_roster_form_does_not_add_an_existing_student_without_consent(ines_client, ines, alice):
    cohort = make_cohort(ines)
    _invite(ines_client, cohort, "alice")
    assert not Membership.objects.filter(cohort=cohort, user=alice).exists()
    url = reverse("instructor:student", args=[cohort.slug, "alice"])
    assert ines_client.get(url).status_code == 404


def test_roster_form_says_the_same_whether_or_not_a_username_exists(ines_client, ines, alice):
    cohort = make_cohort(ines)
    known = _invite(ines_client, cohort, "alice")
    unknown = _invite(ines_client, cohort, "ghost")
    assert known.status_code == unknown.status_code == 200
    assert [m.replace("alice", "NAME") for m in _messages(known)] == [
        m.replace("ghost", "NAME") for m in _messages(unknown)
    ]
    page_known = known.content.decode()
    page_unknown = unknown.content.decode()
    assert "No such user" not in page_known + page_unknown
    # The roster lists both as invited, answered or not.
    assert "alice" in page_unknown and "ghost" in page_unknown


def test_a_declined_invitation_still_reads_as_waiting_to_the_instructor(
    ines_client, ines, alice, alice_client
):
    cohort = make_cohort(ines)
    _invite(ines_client, cohort, "alice ghost")
    invitation = CohortInvitation.objects.get(cohort=cohort, username="alice")
    alice_client.post(reverse("cohort_invitation", args=[invitation.pk]), {"answer": "decline"})
    page = ines_client.get(_roster_url(cohort)).content.decode()
    assert page.count("waiting for an answer") == 2
    assert "declined" not in page


def test_student_sees_the_invitation_at_home_and_joins_by_accepting(
    ines_client, ines, alice, alice_client
):
    cohort = make_cohort(ines, name="Autumn optimizers")
    _invite(ines_client, cohort, "alice")
    home = alice_client.get(reverse("home")).content.decode()
    assert "Autumn optimizers" in home and "invited you" in home

    invitation = CohortInvitation.objects.get(cohort=cohort, username="alice")
    response = alice_client.post(
        reverse("cohort_invitation", args=[invitation.pk]), {"answer": "accept"}, follow=True
    )
    assert "You joined Autumn optimizers" in response.content.decode()
    assert Membership.objects.filter(cohort=cohort, user=alice).exists()
    assert not CohortInvitation.objects.filter(pk=invitation.pk).exists()
    assert "invited you" not in alice_client.get(reverse("home")).content.decode()


def test_a_declined_invitation_grants_nothing_and_is_not_shown_again(
    ines_client, ines, alice, alice_client
):
    cohort = make_cohort(ines, name="Autumn optimizers")
    _invite(ines_client, cohort, "alice")
    invitation = CohortInvitation.objects.get(cohort=cohort, username="alice")
    response = alice_client.post(
        reverse("cohort_invitation", args=[invitation.pk]), {"answer": "decline"}, follow=True
    )
    assert "You declined the invitation to Autumn optimizers" in response.content.decode()
    assert not Membership.objects.filter(cohort=cohort, user=alice).exists()
    assert "invited you" not in alice_client.get(reverse("home")).content.decode()
    # Inviting again does not bring it back.
    _invite(ines_client, cohort, "alice")
    assert "invited you" not in alice_client.get(reverse("home")).content.decode()


def test_a_pending_invitation_grants_nothing(ines_client, ines, alice, make_exercise):
    exercise = make_exercise("adamw")
    cohort = make_cohort(ines)
    _invite(ines_client, cohort, "alice")
    make_submission(alice, exercise, code="alice_secret = 1")
    assert "alice" not in [r.username for r in dashboard.cohort_dashboard(cohort=cohort).rows]
    page = ines_client.get(
        reverse("instructor:cohort_exercise", args=[cohort.slug, "adamw"])
    ).content.decode()
    assert "alice_secret" not in page
    url = reverse("instructor:student", args=[cohort.slug, "alice"])
    assert ines_client.get(url).status_code == 404


def test_only_the_invited_student_can_answer_an_invitation(ines, alice, bob_client):
    cohort = make_cohort(ines)
    cohorts.invitation_send(cohort=cohort, username="alice", invited_by=ines)
    invitation = CohortInvitation.objects.get()
    response = bob_client.post(
        reverse("cohort_invitation", args=[invitation.pk]), {"answer": "accept"}
    )
    assert response.status_code == 404
    assert not Membership.objects.filter(cohort=cohort).exists()
    with pytest.raises(CohortError):
        cohorts.invitation_answer(invitation_id=invitation.pk, user=ines, accept=True)


def test_answering_an_invitation_needs_a_post_and_a_login(client, alice_client, ines):
    cohort = make_cohort(ines)
    cohorts.invitation_send(cohort=cohort, username="alice", invited_by=ines)
    url = reverse("cohort_invitation", args=[CohortInvitation.objects.get().pk])
    assert alice_client.get(url).status_code == 405
    assert client.post(url, {"answer": "accept"}).status_code == 302
    assert not Membership.objects.exists()


def test_the_instructor_can_withdraw_an_invitation(ines_client, ines, alice_client):
    cohort = make_cohort(ines, name="Autumn optimizers")
    _invite(ines_client, cohort, "alice")
    ines_client.post(_roster_url(cohort), {"action": "withdraw", "username": "alice"})
    assert not CohortInvitation.objects.exists()
    assert "invited you" not in alice_client.get(reverse("home")).content.decode()


def test_a_member_is_not_invited_again(ines_client, ines, alice):
    cohort = make_cohort(ines, students=[alice])
    response = _invite(ines_client, cohort, "alice")
    assert not CohortInvitation.objects.exists()
    assert any("Already in the cohort: alice" in m for m in _messages(response))


def test_joining_with_the_code_still_works(ines, alice):
    cohort = make_cohort(ines)
    cohorts.invitation_send(cohort=cohort, username="alice", invited_by=ines)
    assert cohorts.cohort_join(user=alice, code=cohort.join_code) == (cohort, True)
    # The code answered the invitation too.
    assert not CohortInvitation.objects.exists()


# -- only work made after joining ----------------------------------------------------------
@pytest.fixture
def history(ines, alice, make_exercise):
    """Alice worked for a month before joining Ines's cohort, and a little after."""
    track = make_track()
    lesson = make_lesson(track, "adam-lesson", 1, ITEMS)
    later_lesson = make_lesson(track, "later-lesson", 2, ITEMS)
    adamw = make_exercise("adamw")
    Exercise.objects.filter(pk=adamw.pk).update(lesson=lesson)
    now = timezone.now()
    before = now - timedelta(days=20)
    make_submission(alice, adamw, verdict="passed", code="old_secret = 1", when=before)
    make_submission(alice, adamw, mistakes=["coupled-l2"], code="old_mistake = 1", when=before)
    make_attempt(alice, lesson, {"q1": 0, "q2": 1}, when=before)
    LessonProgress.objects.filter(user=alice, lesson=lesson).update(
        started_at=before, completed_at=before
    )
    # A lesson started before joining but finished after it.
    make_attempt(alice, later_lesson, {"q1": 1, "q2": 0}, when=before)
    LessonProgress.objects.filter(user=alice, lesson=later_lesson).update(started_at=before)

    cohort = make_cohort(ines, students=[alice], track=track)
    Membership.objects.filter(cohort=cohort).update(joined_at=now - timedelta(days=10))
    make_submission(alice, adamw, code="new_work = 1", when=now - timedelta(days=5))
    make_attempt(alice, later_lesson, {"q1": 0, "q2": 1}, when=now - timedelta(days=4))
    LessonProgress.objects.filter(user=alice, lesson=later_lesson).update(
        state=LessonProgress.State.COMPLETE, completed_at=now - timedelta(days=4)
    )
    return {"cohort": cohort, "adamw": Exercise.objects.get(pk=adamw.pk)}


def _column(board, slug):
    return next(i for i, c in enumerate(board.columns) if c.slug == slug)


def test_dashboard_counts_only_work_made_after_joining(history):
    board = dashboard.cohort_dashboard(cohort=history["cohort"])
    (row,) = board.rows
    cell = row.cells[_column(board, "adamw")]
    assert (cell.attempts, cell.passes, cell.state) == (1, 0, "failing")
    first = row.cells[_column(board, "adam-lesson")]
    assert (first.state, first.quiz_attempts, first.best_percent) == ("none", 0, None)
    later = row.cells[_column(board, "later-lesson")]
    assert (later.state, later.quiz_attempts, later.best_percent) == ("complete", 1, 100.0)
    (stats,) = [s for s in board.exercise_stats if s.column.slug == "adamw"]
    assert stats.mistakes == [] and stats.passed == 0
    # Item analysis uses the first sitting after joining.
    (quiz,) = [q for q in board.quiz if q.lesson.slug == "later-lesson"]
    assert [item.percent_correct for item in quiz.items] == [100.0, 100.0]


def test_timeline_shows_only_work_made_after_joining(history, ines_client):
    url = reverse("instructor:student", args=[history["cohort"].slug, "alice"])
    page = ines_client.get(url).content.decode()
    assert "new_work" in page
    assert "old_secret" not in page and "old_mistake" not in page
    assert "coupled-l2" not in page
    assert "Lesson adam-lesson" not in page
    assert page.count("Quiz of Lesson later-lesson") == 1


def test_exercise_drill_down_shows_only_work_made_after_joining(history, ines_client):
    url = reverse("instructor:cohort_exercise", args=[history["cohort"].slug, "adamw"])
    page = ines_client.get(url).content.decode()
    assert "new_work" in page
    assert "old_secret" not in page and "old_mistake" not in page and "coupled-l2" not in page


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_exports_hold_only_work_made_after_joining(history, ines_client):
    slug = history["cohort"].slug
    submissions = _csv(ines_client.get(reverse("instructor:export_submissions", args=[slug])))
    assert len(submissions) == 2  # the header and the one submission made after joining
    grades = _csv(ines_client.get(reverse("instructor:export_grades", args=[slug])))
    header, row = grades
    assert row[header.index("adamw (best %)")] == "0.0"
    assert row[header.index("quiz adam-lesson (best %)")] == ""


def test_rejoining_starts_the_window_again(history, ines_client, alice):
    cohort = history["cohort"]
    cohorts.roster_remove(cohort=cohort, username="alice")
    cohorts.cohort_join(user=alice, code=cohort.join_code)
    url = reverse("instructor:student", args=[cohort.slug, "alice"])
    assert "new_work" not in ines_client.get(url).content.decode()
