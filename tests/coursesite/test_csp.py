"""Every page carries a Content-Security-Policy that forbids inline script, plugins and
framing, and the templates hold nothing that policy would block."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from factories import published_exercise

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", ROOT / "exercises" / "templates"]


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_pages_carry_the_policy(client):
    for name in ("home", "login", "signup"):
        policy = _policy(client.get(reverse(name)))
        assert policy["script-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["default-src"] == ["'self'"]
        assert not any("unsafe" in source for sources in policy.values() for source in sources)


@pytest.fixture
def exercise():
    return published_exercise(prompt="Implement $x$.")


def test_the_editor_page_gives_its_script_the_style_nonce(client, django_user_model, exercise):
    user = django_user_model.objects.create_user("erin", password="erin-pass-123")
    client.force_login(user)
    response = client.get(reverse("exercise_detail", args=[exercise.slug]))
    (nonce,) = [s for s in _policy(response)["style-src"] if s.startswith("'nonce-")]
    value = nonce[len("'nonce-") : -1]
    assert f'exercise.js" nonce="{value}"' in response.content.decode()
    # A fresh nonce for every response.
    again = _policy(client.get(reverse("exercise_detail", args=[exercise.slug])))["style-src"]
    assert nonce not in again


def _template_files():
    for folder in TEMPLATE_DIRS:
        yield from sorted(folder.rglob("*.html"))


@pytest.mark.parametrize("path", list(_template_files()), ids=lambda p: p.name)
def test_templates_hold_nothing_the_policy_blocks(path):
    text = path.read_text()
    for script in re.finditer(r"<script\b([^>]*)>", text):
        attrs = script.group(1)
        assert "src=" in attrs or "application/json" in attrs, f"inline <script> in {path}"
    assert not re.search(r"\son[a-z]+\s*=", text), f"inline event handler in {path}"
    assert not re.search(r"\sstyle\s*=", text), f"inline style attribute in {path}"
    assert "javascript:" not in text.lower(), f"javascript: URL in {path}"
    assert "<style" not in text, f"inline <style> in {path}"
