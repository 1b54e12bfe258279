"""Lesson and quiz text rendered to sanitised HTML, cached per lesson content hash.

Lessons change only through `sync_bank`, which writes a new content hash, so the cache
key changes with the content and nothing has to be invalidated.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.cache import cache
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from exercises.markdown import render_markdown, strip_leading_title
from exercises.models import Lesson, PracticeProblem, QuizItem

_CACHE_SECONDS = 24 * 3600
_IMG_SRC = re.compile(r'(<img\b[^>]*?\ssrc=")(?:\./)?([A-Za-z0-9][A-Za-z0-9_-]*\.svg)(")')
_SINGLE_PARAGRAPH = re.compile(r"\A<p>(?P<inner>.*)</p>\s*\Z", re.DOTALL)


def lesson_body_html(*, lesson: Lesson) -> SafeString:
    """The lesson's Markdown as HTML, its figures pointing at the figure view."""
    key = f"lesson-body:{lesson.pk}:{lesson.content_hash}"
    html = cache.get(key)
    if html is None:
        html = str(render_markdown(strip_leading_title(lesson.body, title=lesson.title)))
        assets = lesson.assets or {}
        slug = lesson.slug

        def figure(match: re.Match[str]) -> str:
            name = match.group(2)
            if name not in assets:
                return match.group(0)
            url = reverse("lesson_figure", args=[slug, name])
            return f"{match.group(1)}{url}{match.group(3)}"

        # Figures are shown at their natural size but never wider than the column.
        html = _IMG_SRC.sub(figure, html).replace("<img ", '<img loading="lazy" ')
        cache.set(key, html, _CACHE_SECONDS)
    # Safe: rendered and sanitised by render_markdown; only figure URLs were swapped in.
    return mark_safe(html)


def practice_html(*, lesson: Lesson, problems: list[PracticeProblem]) -> list[dict[str, Any]]:
    """Each practice problem's question and worked answer as HTML."""
    key = f"lesson-practice:{lesson.pk}:{lesson.content_hash}"
    rendered = cache.get(key)
    if rendered is None:
        rendered = [
            {
                "position": problem.position,
                "question": str(render_markdown(problem.question)),
                "answer": str(render_markdown(problem.answer)),
            }
            for problem in problems
        ]
        cache.set(key, rendered, _CACHE_SECONDS)
    return [
        {
            "position": row["position"],
            "question": mark_safe(row["question"]),  # sanitised by render_markdown
            "answer": mark_safe(row["answer"]),
        }
        for row in rendered
    ]


def quiz_items_html(*, lesson: Lesson, items: list[QuizItem]) -> dict[str, dict[str, Any]]:
    """Per item key: question, options (in their original order) and explanation as HTML."""
    signature = ",".join(f"{item.pk}" for item in items)
    key = f"lesson-quiz:{lesson.pk}:{lesson.content_hash}:{signature}"
    rendered = cache.get(key)
    if rendered is None:
        rendered = {
            item.key: {
                "question": str(render_markdown(item.question)),
                "options": [_inline(option) for option in item.options],
                "explanation": str(render_markdown(item.explanation)),
            }
            for item in items
        }
        cache.set(key, rendered, _CACHE_SECONDS)
    return {
        key: {
            "question": mark_safe(row["question"]),  # sanitised by render_markdown
            "options": [mark_safe(option) for option in row["options"]],
            "explanation": mark_safe(row["explanation"]),
        }
        for key, row in rendered.items()
    }


def _inline(text: str) -> str:
    """Markdown for a short label: a lone paragraph loses its <p> so it sits in a label."""
    html = str(render_markdown(text))
    match = _SINGLE_PARAGRAPH.match(html)
    return match.group("inner") if match and "<p>" not in match.group("inner") else html
