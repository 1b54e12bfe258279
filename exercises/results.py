"""Shaping stored grader results for students."""

from __future__ import annotations

from typing import Any

# Per-case keys a student may see for a hidden case: whether it passed, never values.
_HIDDEN_CASE_KEYS = ("name", "hidden", "passed")


def result_for_student(result: dict[str, Any] | None) -> dict[str, Any] | None:
    """A copy of a stored result with everything about hidden cases except pass/fail removed.

    Hidden cases exist to catch code fitted to the visible ones; their inputs, expected
    values and error text would give them away.
    """
    if result is None:
        return None
    shown = dict(result)
    cases = []
    for case in result.get("cases") or []:
        if case.get("hidden"):
            case = {key: case.get(key) for key in _HIDDEN_CASE_KEYS}
            case.update(steps_compared=None, divergence=None, error=None)
        cases.append(case)
    shown["cases"] = cases
    return shown
