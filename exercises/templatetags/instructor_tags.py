"""Template helpers of the instructor pages (and the instructor link in the site header)."""

from __future__ import annotations

from django import template

from exercises.services.cohorts import is_instructor as _is_instructor

register = template.Library()


@register.filter
def is_instructor(user) -> bool:
    """True for instructors; asked of the database at most once per request."""
    return _is_instructor(user)


@register.filter
def duration(seconds: float | None) -> str:
    """A short human duration: 45 s, 12 min, 3.5 h, 2.0 d."""
    if seconds is None:
        return "–"
    if seconds == 0:
        return "first try"
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


@register.filter
def percent(value: float | None, digits: int = 0) -> str:
    """A number already in percent, or a dash."""
    if value is None:
        return "–"
    return f"{value:.{int(digits)}f}%"


@register.filter
def fraction_percent(value: float | None) -> str:
    """A score in [0, 1] as a percentage, or a dash."""
    if value is None:
        return "–"
    return f"{100 * value:.0f}%"


@register.filter
def signed(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "–"
    return f"{value:+.{int(digits)}f}"
