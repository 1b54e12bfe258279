"""Times on assignment pages: UTC in the HTML, the reader's own zone once the page's
script has run (static/courses/local_time.js)."""

from __future__ import annotations

from datetime import UTC, datetime

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def local_time(value: datetime | None, style: str = "long"):
    if value is None:
        return ""
    utc = value.astimezone(UTC)
    return format_html(
        '<time class="local-time" data-style="{}" datetime="{}">{}</time>',
        style,
        utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        utc.strftime("%a %d %b %Y, %H:%M UTC"),
    )


@register.filter
def points(value: float) -> str:
    """12, 7.5, 3.33: no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
