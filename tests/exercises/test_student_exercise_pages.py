"""The exercise page's additions, the result with plots, history, past attempts and diffs."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from learning_support import make_track

from exercises.diffs import code_diff
from exercises.models import Exercise, Submission

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


def graded(user, exercise, *, code="x = 1\n", result=None, mode="submit", minutes_ago=0):
    result = result or {"verdict": "failed", "score": 0.0, "cases": [], "message": "No."}
    submission = Submission.objects.create(
        user=user,
        exercise=exercise,
        exercise_version=exercise.current_version,
        code=code,
        mode=mode,
        status="done",
        verdict=result["verdict"],
        score=result["score"],
        result=result,
        finished_at=timezone.now(),
    )
    when = timezone.now() - timedelta(minutes=minutes_ago)
    Submission.objects.filter(pk=submission.pk).update(created_at=when)
    submission.refresh_from_db()
    return submission


@pytest.fixture
def real_result() -> dict:
    return json.loads((DATA / "adamw_coupled_l2_result.json").read_text())


@pytest.fixture
def in_lesson(exercise, make_exercise):
    """The adamw exercise as the second of two exercises in lesson 2 of 3."""
    track = make_track(lessons=3)
    lesson = track.lessons.get(position=2)
    first = make_exercise("adam")
    Exercise.objects.filter(pk=first.pk).update(lesson=lesson, position=1)
    Exercise.objects.filter(pk=exercise.pk).update(lesson=lesson, position=2)
    exercise.refresh_from_db()
    return exercise


# -- exercise page -------------------------------------------------------------------


def test_exercise_page_shows_its_place_and_links_back_to_the_lesson(alice_client, in_lesson):
    html = alice_client.get(reverse("exercise_detail", args=["adamw"])).content.decode()

    assert "Step 2 of 3 · exercise 2 of 2 in" in html
    lesson_url = reverse("lesson_detail", args=[in_lesson.lesson.slug])
    assert f'href="{lesson_url}"' in html
    assert "Back to the lesson" in html


def test_exercise_page_keeps_drafts_per_exercise_and_version(alice_client, exercise):
    html = alice_client.get(reverse("exercise_detail", args=["adamw"])).content.decode()

    assert 'data-draft-key="tracelab:draft:adamw:v1"' in html
    assert 'id="reset-btn"' in html and "Reset to starter" in html
    assert '<script id="starter-code" type="application/json">' in html
    assert 'id="draft-status"' in html


def test_exercise_page_explains_run_and_submit(alice_client, exercise):
    html = alice_client.get(reverse("exercise_detail", args=["adamw"])).content.decode()
    assert 'aria-describedby="run-explained"' in html
    assert 'aria-describedby="submit-explained"' in html
    assert "does not count" in html and "hidden ones" in html


def test_starter_in_the_json_island_cannot_close_the_script(alice_client, make_exercise):
    make_exercise("evil", starter="</script><script>alert(1)</script>")
    html = alice_client.get(reverse("exercise_detail", args=["evil"])).content.decode()
    assert "</script><script>alert(1)" not in html


def test_exercise_page_marks_a_solved_exercise(alice, alice_client, exercise):
    graded(alice, exercise, result={"verdict": "passed", "score": 1.0, "cases": []})
    html = alice_client.get(reverse("exercise_detail", args=["adamw"])).content.decode()
    assert "state-complete" in html and "Solved" in html


def test_a_passing_run_of_visible_cases_does_not_solve_it(alice, alice_client, exercise):
    graded(alice, exercise, mode="run", result={"verdict": "passed", "score": 1.0, "cases": []})
    html = alice_client.get(reverse("exercise_detail", args=["adamw"])).content.decode()
    assert ">Solved<" not in html


def test_exercise_page_history_links_attempts_and_changes(alice, alice_client, exercise):
    old = graded(alice, exercise, code="a = 1\n", minutes_ago=5)
    new = graded(alice, exercise, code="a = 2\n")

    html = alice_client.get(reverse("exercise_detail", args=["adamw"])).content.decode()

    assert reverse("submission_detail", args=[new.pk]) in html
    assert reverse("submission_diff", args=[old.pk, new.pk]) in html
    assert reverse("exercise_history", args=["adamw"]) in html


def test_exercise_page_query_count(alice, alice_client, in_lesson, django_assert_max_num_queries):
    for n in range(15):
        graded(alice, in_lesson, minutes_ago=n)
    with django_assert_max_num_queries(12):
        alice_client.get(reverse("exercise_detail", args=["adamw"]))


# -- result fragment -------------------------------------------------------------------


def test_result_fragment_draws_plots_for_visible_cases(alice, alice_client, exercise, real_result):
    submission = graded(alice, exercise, result=real_result)

    data = alice_client.get(reverse("submission_fragment", args=[submission.pk])).json()
    html = data["html"]

    assert html.count("<svg") == 4  # two visible cases with plots, two plots each
    assert "Your trace against the reference" in html
    assert html.count('<details class="case-plots" open>') == 1
    assert "<polyline" in html
    assert "coupled-l2" in html and "L2 inside Adam" in html
    assert "11.6 ms wall time" in html and "26 MB peak memory" in html
    assert "random quadratic" in html


def test_result_fragment_shows_queue_position_while_waiting(alice, bob, alice_client, exercise):
    from exercises.services.submissions import submission_create

    submission_create(user=bob, exercise=exercise, code="x", mode="submit")
    mine = submission_create(user=alice, exercise=exercise, code="x", mode="submit")

    html = alice_client.get(reverse("submission_fragment", args=[mine.pk])).json()["html"]

    assert "Queued (position 2)" in html and "1 submission ahead of yours" in html


def test_result_fragment_query_count_once_plots_are_cached(
    alice, alice_client, exercise, real_result, django_assert_max_num_queries
):
    submission = graded(alice, exercise, result=real_result)
    url = reverse("submission_fragment", args=[submission.pk])
    alice_client.get(url)
    with django_assert_max_num_queries(4):
        alice_client.get(url)


# -- history, past attempts, diffs ---------------------------------------------------------


def test_history_lists_every_attempt_newest_first(alice, bob, alice_client, exercise):
    mine = [graded(alice, exercise, minutes_ago=n) for n in range(3)]
    graded(bob, exercise)

    html = alice_client.get(reverse("exercise_history", args=["adamw"])).content.decode()

    positions = [html.index(reverse("submission_detail", args=[s.pk]) + '"') for s in mine]
    assert positions == sorted(positions)
    assert html.count('href="/submissions/') >= 3
    assert "Compare two attempts" in html


def test_history_is_paginated(alice, alice_client, exercise):
    for n in range(55):
        graded(alice, exercise, minutes_ago=n)
    first = alice_client.get(reverse("exercise_history", args=["adamw"])).content.decode()
    second = alice_client.get(reverse("exercise_history", args=["adamw"]) + "?page=2")
    assert "Page 1 of 2" in first
    assert second.status_code == 200 and "Page 2 of 2" in second.content.decode()


def test_history_query_count(alice, alice_client, exercise, django_assert_max_num_queries):
    for n in range(30):
        graded(alice, exercise, minutes_ago=n)
    with django_assert_max_num_queries(10):
        alice_client.get(reverse("exercise_history", args=["adamw"]))


def test_a_past_submission_shows_its_code_escaped_and_its_result(
    alice, alice_client, exercise, real_result
):
    submission = graded(
        alice, exercise, code="print('</pre><script>alert(1)</script>')\n", result=real_result
    )

    html = alice_client.get(reverse("submission_detail", args=[submission.pk])).content.decode()

    assert "<script>alert(1)" not in html
    assert "&lt;/pre&gt;&lt;script&gt;" in html
    assert "Failed" in html and "<svg" in html
    assert '<div class="highlight">' in html


def test_someone_elses_submission_is_404(alice, bob_client, exercise):
    submission = graded(alice, exercise)
    assert bob_client.get(reverse("submission_detail", args=[submission.pk])).status_code == 404


def test_diff_between_two_attempts_is_escaped(alice, alice_client, exercise):
    old = graded(alice, exercise, code="a = 1\nb = '<b>'\nc = 3\n", minutes_ago=3)
    new = graded(alice, exercise, code="a = 1\nb = '<script>x</script>'\nc = 3\n")

    html = alice_client.get(reverse("submission_diff", args=[old.pk, new.pk])).content.decode()

    assert "<script>x" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert 'class="diff-removed"' in html and 'class="diff-added"' in html
    assert "1 line removed, 1 line added" in html


def test_diff_with_someone_elses_submission_is_404(alice, bob, alice_client, exercise):
    mine = graded(alice, exercise)
    theirs = graded(bob, exercise)
    assert (
        alice_client.get(reverse("submission_diff", args=[mine.pk, theirs.pk])).status_code == 404
    )
    assert (
        alice_client.get(reverse("submission_diff", args=[theirs.pk, mine.pk])).status_code == 404
    )


def test_compare_form_lands_on_the_diff_older_first(alice, alice_client, exercise):
    old = graded(alice, exercise, minutes_ago=3)
    new = graded(alice, exercise)
    url = reverse("submission_compare", args=["adamw"])

    response = alice_client.get(url, {"a": new.pk, "b": old.pk})

    assert response["Location"] == reverse("submission_diff", args=[old.pk, new.pk])


@pytest.mark.parametrize(
    "query",
    [
        {"a": "-1", "b": "-5"},
        {"a": "x", "b": "1"},
        {"a": "1"},
        {},
        {"a": "1.5", "b": "2"},
        {"a": "0", "b": "2"},
        {"a": "1", "b": "9" * 30},
        {"a": "1", "b": "1e3"},
        {"a": "\x00", "b": "2"},
    ],
    ids=["negative", "not-a-number", "absent", "none", "decimal", "zero", "huge", "exp", "nul"],
)
def test_compare_with_malformed_ids_is_400_not_a_server_error(alice_client, exercise, query):
    response = alice_client.get(reverse("submission_compare", args=["adamw"]), query)
    assert response.status_code == 400
    message = response.content.decode()
    assert "attempt" in message or "NUL" in message


@pytest.mark.parametrize("number", ["9" * 30, str(2**63), str(2**64 + 1)])
def test_an_id_too_large_for_the_database_is_404(alice_client, exercise, number):
    for url in (
        f"/submissions/{number}/",
        f"/submissions/{number}/diff/{number}/",
        f"/api/submissions/{number}",
        f"/submissions/{number}/fragment",
    ):
        assert alice_client.get(url).status_code == 404, url


def test_history_with_a_malformed_page_number_shows_a_page(alice, alice_client, exercise):
    graded(alice, exercise)
    url = reverse("exercise_history", args=["adamw"])
    for page in ("-1", "x", "9" * 40, "1e309", "nan", ""):
        assert alice_client.get(url, {"page": page}).status_code == 200, page


def test_code_diff_folds_long_unchanged_runs():
    old = "\n".join(f"line {n}" for n in range(30))
    new = old.replace("line 15", "line fifteen")

    diff = code_diff(old, new)

    kinds = [row.kind for row in diff.rows]
    assert kinds.count("removed") == 1 and kinds.count("added") == 1
    skips = [row for row in diff.rows if row.kind == "skip"]
    # 15 lines before the change keep their last 3; 14 after it keep their first 3.
    assert [row.text for row in skips] == ["12 unchanged lines", "11 unchanged lines"]
    assert (diff.added, diff.removed, diff.identical) == (1, 1, False)


def test_code_diff_of_identical_code():
    assert code_diff("a\nb\n", "a\nb\n").identical


def test_a_finished_fragment_brings_the_refreshed_history(alice, alice_client, exercise):
    from exercises.services.submissions import submission_create

    pending = submission_create(user=alice, exercise=exercise, code="x", mode="submit")
    data = alice_client.get(reverse("submission_fragment", args=[pending.pk])).json()
    assert "history_html" not in data

    done = graded(alice, exercise, code="y = 2\n")
    data = alice_client.get(reverse("submission_fragment", args=[done.pk])).json()
    assert reverse("submission_detail", args=[done.pk]) in data["history_html"]
    assert reverse("submission_detail", args=[pending.pk]) in data["history_html"]
