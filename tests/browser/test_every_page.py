"""Every lesson, quiz and exercise of the bank opens in Chromium and renders whole."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from exercises.models import Exercise, Lesson

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_student_can_open_every_lesson_quiz_and_exercise(page, live_server, django_user_model):
    call_command("sync_bank", verbosity=0)
    django_user_model.objects.create_user("erin", password="erin-pass-123")
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "erin")
    page.fill("input[name=password]", "erin-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    lessons = list(Lesson.objects.filter(active=True).order_by("track", "position"))
    exercises = list(Exercise.objects.exclude(current_version=None))
    assert len(lessons) == 12 and len(exercises) == 19
    for lesson in lessons:
        page.goto(f"{live_server.url}/lessons/{lesson.slug}/")
        assert lesson.title in page.locator("h1").inner_text()
        assert page.locator("main").inner_text().count("\n") > 20  # the text is there
        page.wait_for_selector(".katex")  # math typeset, and typeset without error
        broken = [node.get_attribute("title") for node in page.locator(".katex-error").all()]
        assert broken == [], lesson.slug
        page.goto(f"{live_server.url}/lessons/{lesson.slug}/quiz/")
        items = lesson.quiz_items.filter(active=True).count()
        assert page.locator("fieldset").count() == items > 0
    for exercise in exercises:
        page.goto(f"{live_server.url}/exercises/{exercise.slug}/")
        page.wait_for_selector(".tl-editor .cm-content")
        entry = exercise.current_version.files["exercise.toml"]
        name = next(
            line.split('"')[1] for line in entry.splitlines() if line.startswith("entrypoint")
        )
        assert name in page.locator(".tl-editor").inner_text()  # the starter is in the editor
    assert errors == []
