import pytest
from django.urls import reverse

from exercises.models import Exercise
from exercises.services.submissions import submission_create

pytestmark = pytest.mark.django_db


def test_home_lists_published_exercises_to_anyone(client, exercise):
    Exercise.objects.create(slug="draft", title="Unpublished draft")

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "Adamw" in response.content.decode()
    assert reverse("exercise_detail", args=[exercise.slug]) in response.content.decode()
    assert "Unpublished draft" not in response.content.decode()


def test_exercise_page_requires_login(client, exercise):
    response = client.get(reverse("exercise_detail", args=[exercise.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_exercise_page_has_editor_buttons_and_result_area(alice_client, exercise):
    response = alice_client.get(reverse("exercise_detail", args=[exercise.slug]))
    html = response.content.decode()

    assert response.status_code == 200
    assert '<textarea id="code" name="code"' in html
    assert "raise NotImplementedError" in html
    assert 'id="submit-btn"' in html and 'id="run-btn"' in html
    assert '<div id="result" class="result-box" aria-live="polite">' in html
    assert "vendor/codemirror/tracelab-editor.js" in html
    assert "vendor/katex/contrib/auto-render.min.js" in html
    assert "exercises/exercise.js" in html


def test_exercise_page_prefills_the_latest_submission(alice, alice_client, bob, exercise):
    submission_create(user=alice, exercise=exercise, code="older = 1", mode="submit")
    submission_create(user=alice, exercise=exercise, code="latest = 2", mode="run")
    submission_create(user=bob, exercise=exercise, code="bobs_code = 3", mode="submit")

    html = alice_client.get(reverse("exercise_detail", args=[exercise.slug])).content.decode()

    assert "latest = 2</textarea>" in html
    assert "bobs_code" not in html
    assert "Your recent submissions" in html


def test_exercise_page_escapes_submitted_code(alice, alice_client, exercise):
    submission_create(
        user=alice, exercise=exercise, code="</textarea><script>alert(1)</script>", mode="run"
    )
    html = alice_client.get(reverse("exercise_detail", args=[exercise.slug])).content.decode()
    assert "</textarea><script>alert(1)" not in html
    assert "&lt;/textarea&gt;&lt;script&gt;" in html


def test_exercise_page_renders_the_prompt_markdown(alice_client, make_exercise):
    exercise = make_exercise("adam", prompt="## Update rule\n\nUse $\\beta_1$ and *care*.")
    html = alice_client.get(reverse("exercise_detail", args=[exercise.slug])).content.decode()
    assert "<h2>Update rule</h2>" in html
    assert "$\\beta_1$" in html
    assert "<em>care</em>" in html


def test_unpublished_or_unknown_exercise_page_is_404(alice_client):
    Exercise.objects.create(slug="draft", title="Draft")
    assert alice_client.get(reverse("exercise_detail", args=["draft"])).status_code == 404
    assert alice_client.get(reverse("exercise_detail", args=["nope"])).status_code == 404
