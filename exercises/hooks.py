"""Where apps beside this one take part in a student's pages and submissions.

`exercises` knows nothing of them: each registers its callables here from its
AppConfig.ready (the assignments app refuses submissions to a closed assignment and
shows what is due). Registering the same callable twice keeps one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

# (user=..., exercise=..., mode=...) -> None; raises services.submissions.SubmissionRefused.
SubmissionCheck = Callable[..., None]
# (request, **context) -> HTML already escaped (a rendered template), or "" for nothing.
# "home" and "exercise" are the student's pages; "cohort" is a class dashboard's row of
# links (cohort=...).
Panel = Callable[..., str]

PAGES = ("home", "exercise", "cohort")

_submission_checks: list[SubmissionCheck] = []
_panels: dict[str, list[Panel]] = {page: [] for page in PAGES}


def add_submission_check(check: SubmissionCheck) -> None:
    if check not in _submission_checks:
        _submission_checks.append(check)


def add_panel(page: str, panel: Panel) -> None:
    if page not in _panels:
        raise ValueError(f"unknown page {page!r}; panels go on {', '.join(PAGES)}")
    if panel not in _panels[page]:
        _panels[page].append(panel)


def check_submission(*, user: Any, exercise: Any, mode: str) -> None:
    for check in _submission_checks:
        check(user=user, exercise=exercise, mode=mode)


def panels(page: str, request: HttpRequest, **context: Any) -> list[SafeString]:
    """The registered panels' HTML for a page, those with something to say."""
    rendered = (panel(request, **context) for panel in _panels[page])
    return [mark_safe(html) for html in rendered if html]  # templates rendered them
