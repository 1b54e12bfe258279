"""The student's pages for the course: catalogue, track, lesson, figures, quiz, progress."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from django.urls import reverse
from learning_support import choices_for, make_lesson, make_track

from exercises.models import (
    Exercise,
    ExerciseVersion,
    Lesson,
    LessonProgress,
    QuizAttempt,
    Submission,
)
from exercises.services.bank import bank_tracks_sync
from exercises.services.learning import quiz_attempt_start, quiz_attempt_submit

pytestmark = pytest.mark.django_db

FIXTURE_TRACKS = Path(__file__).parent / "data" / "tracks"


@pytest.fixture
def synced(tmp_path, make_exercise):
    """The fixture track synced, with its exercises published."""
    for slug in ("sgd", "adam", "adamw"):
        make_exercise(slug)
    shutil.copytree(FIXTURE_TRACKS, tmp_path / "tracks")
    bank_tracks_sync(root=tmp_path / "tracks")
    return Lesson.objects.get(slug="adam-and-adamw")


def passed_submission(user, slug: str) -> Submission:
    exercise = Exercise.objects.get(slug=slug)
    return Submission.objects.create(
        user=user,
        exercise=exercise,
        exercise_version=exercise.current_version,
        code="pass",
        mode="submit",
        status="done",
        verdict="passed",
        score=1.0,
        result={"verdict": "passed", "score": 1.0, "cases": []},
    )


# -- catalogue ------------------------------------------------------------------------


def test_anonymous_home_shows_tracks_and_a_sign_up(client, synced):
    html = client.get(reverse("home")).content.decode()

    assert "Optimizers, briefly" in html
    assert "Gradient descent" in html and "Adam and AdamW" in html
    assert reverse("signup") in html
    assert "lessons complete" not in html


def test_home_shows_lesson_states_progress_and_continue(alice, alice_client, synced):
    LessonProgress.objects.create(user=alice, lesson=Lesson.objects.get(slug="gradient-descent"))

    html = alice_client.get(reverse("home")).content.decode()

    assert "<strong>0 of 2</strong> lessons complete" in html
    assert 'class="state-tag state-in_progress">In progress' in html
    assert 'class="state-tag state-not_started">Not started' in html
    continue_link = re.search(r'<a class="continue-card" href="([^"]+)"', html).group(1)
    assert continue_link == reverse("lesson_detail", args=["gradient-descent"])
    assert "Finish: Gradient descent" in html


def test_continue_moves_to_unsolved_exercises_once_lessons_are_done(alice, alice_client, synced):
    for lesson in Lesson.objects.all():
        LessonProgress.objects.create(user=alice, lesson=lesson, state="complete")
    passed_submission(alice, "sgd")

    html = alice_client.get(reverse("home")).content.decode()

    assert "<strong>2 of 2</strong> lessons complete" in html
    assert f'href="{reverse("exercise_detail", args=["adam"])}"' in html
    assert "Solve: Adam</span>" in html


def test_everything_done_says_so(alice, alice_client, synced):
    for lesson in Lesson.objects.all():
        LessonProgress.objects.create(user=alice, lesson=lesson, state="complete")
    for slug in ("sgd", "adam", "adamw"):
        passed_submission(alice, slug)

    html = alice_client.get(reverse("home")).content.decode()

    assert "continue-card" not in html
    assert "completed every lesson" in html


def test_track_page_lists_lessons_in_order_with_exercises(alice_client, synced):
    html = alice_client.get(reverse("track_detail", args=["optimization-mini"])).content.decode()

    assert html.index("Gradient descent") < html.index("Adam and AdamW")
    adam = html.index(reverse("exercise_detail", args=["adam"]))
    assert adam < html.index(reverse("exercise_detail", args=["adamw"]))
    assert "<strong>0 of 2</strong> lessons complete" in html


def test_unknown_track_is_404(alice_client):
    assert alice_client.get(reverse("track_detail", args=["nope"])).status_code == 404


def test_home_query_count_does_not_grow_with_the_catalogue(
    alice, alice_client, make_exercise, django_assert_max_num_queries
):
    for n in range(3):
        track = make_track(f"t{n}", lessons=6, items=2)
        for lesson in track.lessons.all():
            exercise = make_exercise(f"ex-{lesson.slug}")
            Exercise.objects.filter(pk=exercise.pk).update(lesson=lesson)
            LessonProgress.objects.create(user=alice, lesson=lesson)
    # Session, user and the menu's instructor check, six reads for the catalogue, and one
    # for the assignments due (none here).
    with django_assert_max_num_queries(10):
        response = alice_client.get(reverse("home"))
    assert response.status_code == 200


# -- lesson page ----------------------------------------------------------------------


def test_lesson_page_renders_markdown_math_code_and_figures(alice_client, synced):
    html = alice_client.get(reverse("lesson_detail", args=["gradient-descent"])).content.decode()

    assert "<h1>Gradient descent</h1>" in html
    assert html.count("<h1>") == 1  # the body's own title is not repeated
    assert "$$w_{t+1} = w_t - \\eta \\, \\nabla L(w_t)$$" in html
    assert '<div class="highlight">' in html  # the code block is highlighted
    figure = reverse("lesson_figure", args=["gradient-descent", "valley.svg"])
    assert f'src="{figure}"' in html
    assert "vendor/katex/katex.min.js" in html and "exercises/math.js" in html
    assert "Step 1 of 2" in html


def test_lesson_page_has_practice_answers_behind_details(alice_client, synced):
    html = alice_client.get(reverse("lesson_detail", args=["adam-and-adamw"])).content.decode()

    assert html.count('<details class="practice-answer">') == 2
    assert "<summary>Show the worked answer</summary>" in html
    assert "<em>decoupled</em>" in html


def test_lesson_page_links_quiz_exercises_and_neighbours(alice_client, synced):
    html = alice_client.get(reverse("lesson_detail", args=["adam-and-adamw"])).content.decode()

    assert reverse("lesson_quiz", args=["adam-and-adamw"]) in html
    assert reverse("exercise_detail", args=["adamw"]) in html
    assert reverse("exercise_detail", args=["adam"]) in html
    assert 'rel="prev"' in html and reverse("lesson_detail", args=["gradient-descent"]) in html
    assert 'rel="next"' not in html
    assert "Step 2 of 2" in html
    assert "4 questions" in html


def test_visiting_a_lesson_marks_it_in_progress(alice, alice_client, synced):
    alice_client.get(reverse("lesson_detail", args=["adam-and-adamw"]))

    progress = LessonProgress.objects.get(user=alice)
    assert (progress.lesson.slug, progress.state) == ("adam-and-adamw", "in_progress")


def test_lesson_page_requires_login(client, synced):
    response = client.get(reverse("lesson_detail", args=["adam-and-adamw"]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_retired_lesson_is_404(alice_client, synced):
    Lesson.objects.filter(slug="adam-and-adamw").update(active=False)
    assert alice_client.get(reverse("lesson_detail", args=["adam-and-adamw"])).status_code == 404


def test_lesson_page_query_count(alice_client, synced, django_assert_max_num_queries):
    alice_client.get(reverse("lesson_detail", args=["adam-and-adamw"]))
    with django_assert_max_num_queries(10):
        alice_client.get(reverse("lesson_detail", args=["adam-and-adamw"]))


def test_lesson_markdown_is_sanitised(alice_client, synced):
    Lesson.objects.filter(slug="adam-and-adamw").update(
        body="Hi <script>alert(1)</script> <img src=x onerror=alert(2)>", content_hash="new"
    )
    html = alice_client.get(reverse("lesson_detail", args=["adam-and-adamw"])).content.decode()
    assert "<script>alert(1)" not in html and "onerror" not in html


def test_lesson_without_quiz_can_be_completed_by_a_button(alice, alice_client):
    track = make_track(lessons=0)
    lesson = make_lesson(track, "reading", position=1, items=0)
    html = alice_client.get(reverse("lesson_detail", args=[lesson.slug])).content.decode()
    assert "Mark the lesson complete" in html

    response = alice_client.post(reverse("lesson_complete", args=[lesson.slug]))

    assert response.status_code == 302
    assert LessonProgress.objects.get(user=alice, lesson=lesson).state == "complete"


# -- figures -------------------------------------------------------------------------


def test_figure_is_served_as_svg_with_a_strict_policy(client, synced):
    response = client.get(reverse("lesson_figure", args=["gradient-descent", "valley.svg"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy
    assert "script-src" not in policy
    assert response.content.lstrip().startswith(b"<svg")


def test_a_figure_carrying_script_still_cannot_run_it(client, synced):
    Lesson.objects.filter(slug="gradient-descent").update(
        assets={
            "evil.svg": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        }
    )
    response = client.get(reverse("lesson_figure", args=["gradient-descent", "evil.svg"]))

    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize("name", ["missing.svg", "lesson.md", "..%2Flesson.toml"])
def test_unknown_figures_are_404(client, synced, name):
    url = reverse("lesson_figure", args=["gradient-descent", "valley.svg"]).replace(
        "valley.svg", name
    )
    assert client.get(url).status_code == 404


# -- quiz ----------------------------------------------------------------------------


def test_quiz_page_shows_every_item_as_a_radio_group_in_the_stored_order(alice, alice_client):
    lesson = make_track(lessons=1, items=3).lessons.get()

    html = alice_client.get(reverse("lesson_quiz", args=[lesson.slug])).content.decode()

    attempt = QuizAttempt.objects.get(user=alice)
    assert f'name="attempt" value="{attempt.pk}"' in html
    for key, order in attempt.order.items():
        assert html.count(f'type="radio" name="item-{key}"') == 4
        shown = [html.index(f"{lesson.slug} {key} option {index}") for index in order]
        assert shown == sorted(shown)  # options appear in the order stored for the attempt
    assert html.count("<fieldset>") == 3
    assert "<legend" in html
    assert "more than 75%" in html


def test_reloading_the_quiz_keeps_its_order(alice, alice_client):
    lesson = make_track(lessons=1).lessons.get()
    alice_client.get(reverse("lesson_quiz", args=[lesson.slug]))
    alice_client.get(reverse("lesson_quiz", args=[lesson.slug]))
    assert QuizAttempt.objects.filter(user=alice).count() == 1


def _submit(client, lesson, attempt, *, right):
    data = {"attempt": attempt.pk}
    data.update(
        {f"item-{key}": value for key, value in choices_for(attempt, lesson, right=right).items()}
    )
    return client.post(reverse("lesson_quiz", args=[lesson.slug]), data)


def test_failing_the_quiz_shows_score_wrong_items_right_answers_and_explanations(
    alice, alice_client
):
    lesson = make_track(lessons=1, items=4).lessons.get()
    alice_client.get(reverse("lesson_quiz", args=[lesson.slug]))
    attempt = QuizAttempt.objects.get(user=alice)

    response = _submit(alice_client, lesson, attempt, right=3)

    assert response.status_code == 302
    result_url = reverse("lesson_quiz_result", args=[lesson.slug, attempt.pk])
    assert response["Location"] == result_url
    html = alice_client.get(result_url).content.decode()
    assert "Not passed yet" in html and "3 of 4 correct" in html and "75%" in html
    assert html.count("answer-wrong") == 1
    assert "Because of reason 4." in html
    # q4's right answer is index 3; the wrong pick was index 0.
    wrong = html[html.index('id="answer-q4"') :]
    assert f"{lesson.slug} q4 option 0" in wrong.split("Right answer")[0]
    assert f"{lesson.slug} q4 option 3" in wrong.split("Right answer")[1]
    assert LessonProgress.objects.get(user=alice).state == "in_progress"


def test_passing_the_quiz_completes_the_lesson(alice, alice_client):
    lesson = make_track(lessons=1, items=4).lessons.get()
    alice_client.get(reverse("lesson_quiz", args=[lesson.slug]))
    attempt = QuizAttempt.objects.get(user=alice)

    response = _submit(alice_client, lesson, attempt, right=4)
    html = alice_client.get(response["Location"]).content.decode()

    assert "Passed" in html and "4 of 4 correct" in html
    assert "The lesson is complete" in html
    progress = LessonProgress.objects.get(user=alice)
    assert progress.state == "complete" and progress.best_quiz_score == 1.0


def test_a_later_failed_retry_keeps_the_lesson_complete(alice, alice_client):
    lesson = make_track(lessons=1, items=4).lessons.get()
    for right in (4, 0):
        alice_client.get(reverse("lesson_quiz", args=[lesson.slug]))
        attempt = QuizAttempt.objects.filter(user=alice, submitted_at=None).get()
        response = _submit(alice_client, lesson, attempt, right=right)

    html = alice_client.get(response["Location"]).content.decode()
    assert "stays complete" in html
    assert LessonProgress.objects.get(user=alice).state == "complete"


def test_someone_elses_quiz_result_is_404(alice, bob_client):
    lesson = make_track(lessons=1).lessons.get()
    attempt = quiz_attempt_start(user=alice, lesson=lesson)
    quiz_attempt_submit(user=alice, attempt_id=attempt.pk, choices={})

    url = reverse("lesson_quiz_result", args=[lesson.slug, attempt.pk])
    assert bob_client.get(url).status_code == 404


def test_posting_someone_elses_attempt_is_404(alice, bob_client):
    lesson = make_track(lessons=1).lessons.get()
    attempt = quiz_attempt_start(user=alice, lesson=lesson)
    response = bob_client.post(reverse("lesson_quiz", args=[lesson.slug]), {"attempt": attempt.pk})
    assert response.status_code == 404
    assert QuizAttempt.objects.get(pk=attempt.pk).submitted_at is None


def test_an_unsubmitted_attempt_has_no_result_page(alice, alice_client):
    lesson = make_track(lessons=1).lessons.get()
    attempt = quiz_attempt_start(user=alice, lesson=lesson)
    url = reverse("lesson_quiz_result", args=[lesson.slug, attempt.pk])
    assert alice_client.get(url).status_code == 404


def test_quiz_without_items_sends_back_to_the_lesson(alice_client):
    lesson = make_lesson(make_track(lessons=0), "empty", position=1, items=0)
    response = alice_client.get(reverse("lesson_quiz", args=[lesson.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("lesson_detail", args=[lesson.slug])


def test_quiz_pages_query_counts(alice, alice_client, django_assert_max_num_queries):
    lesson = make_track(lessons=1, items=12).lessons.get()
    alice_client.get(reverse("lesson_quiz", args=[lesson.slug]))
    with django_assert_max_num_queries(10):
        alice_client.get(reverse("lesson_quiz", args=[lesson.slug]))
    attempt = QuizAttempt.objects.get(user=alice)
    url = _submit(alice_client, lesson, attempt, right=5)["Location"]
    with django_assert_max_num_queries(10):
        alice_client.get(url)


# -- my progress -----------------------------------------------------------------------


def test_my_progress_shows_lessons_quizzes_exercises_and_concepts(alice, alice_client, synced):
    lesson = Lesson.objects.get(slug="adam-and-adamw")
    attempt = quiz_attempt_start(user=alice, lesson=lesson)
    quiz_attempt_submit(
        user=alice, attempt_id=attempt.pk, choices=choices_for(attempt, lesson, right=4)
    )
    ExerciseVersion.objects.filter(exercise__slug="adamw").update(
        concepts=["bias-correction", "decoupled-weight-decay"]
    )
    passed_submission(alice, "adamw")

    html = alice_client.get(reverse("my_progress")).content.decode()

    assert "1 / 2</span> lessons complete" in html
    assert "1 / 3</span> exercises solved" in html
    assert "100%" in html  # best quiz score
    concept = html[html.index("<code>bias-correction</code>") :]
    concept = concept[: concept.index("</li>")]
    assert "quiz 2/2 correct" in concept
    untried = html[html.index("<code>learning-rate</code>") :]
    assert "quiz: 2 questions not tried yet" in untried[: untried.index("</li>")]
    assert "adamw</a> solved" in concept


def test_my_progress_query_count_is_constant(
    alice, alice_client, make_exercise, django_assert_max_num_queries
):
    track = make_track(lessons=8, items=3)
    for lesson in track.lessons.all():
        attempt = quiz_attempt_start(user=alice, lesson=lesson)
        quiz_attempt_submit(
            user=alice, attempt_id=attempt.pk, choices=choices_for(attempt, lesson, right=2)
        )
        exercise = make_exercise(f"ex-{lesson.slug}")
        Exercise.objects.filter(pk=exercise.pk).update(lesson=lesson)
        passed_submission(alice, exercise.slug)
    with django_assert_max_num_queries(13):
        response = alice_client.get(reverse("my_progress"))
    assert response.status_code == 200


def test_an_attempt_cannot_be_submitted_through_another_lessons_quiz(alice, alice_client):
    track = make_track(lessons=2)
    first, second = track.lessons.order_by("position")
    attempt = quiz_attempt_start(user=alice, lesson=first)

    response = alice_client.post(
        reverse("lesson_quiz", args=[second.slug]), {"attempt": attempt.pk}
    )

    assert response.status_code == 404
    assert QuizAttempt.objects.get(pk=attempt.pk).submitted_at is None
