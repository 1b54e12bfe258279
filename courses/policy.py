"""An assignment's rules in time and points, as pure functions (no database).

The boundary is exact and one-sided: work created at the due time or before it is on
time, however long its grading takes; one microsecond later it is a day late. Days
late are counted in started 24-hour periods after the (extended) due time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

NONE = "none"
PENALTY = "penalty"
ACCEPT = "accept"
BEST = "best"
LAST = "last"

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Window:
    """When one student's work counts for an assignment, and at what discount."""

    opens_at: datetime
    due_at: datetime  # the student's: an extension moves it
    closes_at: datetime | None  # nothing counts after it; None: late work never closes
    late_policy: str
    penalty_percent_per_day: int = 0
    penalty_cap_percent: int = 100
    extended: bool = False

    def is_open(self, at: datetime) -> bool:
        """Whether work made at `at` counts (on time or late)."""
        return self.opens_at <= at and (self.closes_at is None or at <= self.closes_at)

    def days_late(self, at: datetime) -> int:
        if at <= self.due_at:
            return 0
        return math.ceil((at - self.due_at) / DAY)

    def multiplier(self, at: datetime) -> float:
        """The share of its score that work made at `at` keeps (0 when it cannot count)."""
        if not self.is_open(at):
            return 0.0
        days = self.days_late(at)
        if days == 0 or self.late_policy == ACCEPT:
            return 1.0
        if self.late_policy != PENALTY:
            return 0.0
        penalty = min(self.penalty_cap_percent, self.penalty_percent_per_day * days)
        return max(0.0, 1.0 - penalty / 100)


def student_window(
    *,
    opens_at: datetime,
    due_at: datetime,
    closes_at: datetime | None,
    late_policy: str,
    penalty_percent_per_day: int,
    penalty_cap_percent: int,
    extended_due_at: datetime | None = None,
) -> Window:
    """The window of one student: an extension moves the due time, and a hard close
    that would fall before the new due time moves to it."""
    due = due_at
    if extended_due_at is not None:
        due = extended_due_at
    if late_policy == NONE:
        closes = due
    elif closes_at is None:
        closes = None
    else:
        closes = max(closes_at, due)
    return Window(
        opens_at=opens_at,
        due_at=due,
        closes_at=closes,
        late_policy=late_policy,
        penalty_percent_per_day=penalty_percent_per_day,
        penalty_cap_percent=penalty_cap_percent,
        extended=extended_due_at is not None,
    )


@dataclass(frozen=True)
class Attempt:
    """A submission or quiz attempt: when it was made, and its score (0..1) once known."""

    at: datetime
    score: float | None  # None while it is still being graded
    pk: int = 0


@dataclass(frozen=True)
class ItemGrade:
    points: float  # after the policy
    possible: int
    attempted: bool  # some attempt counts (or is being graded)
    late: bool  # the attempt that counts was late
    pending: bool  # an attempt that may count is still being graded
    counted: Attempt | None = None
    days_late: int = 0


def item_grade(
    attempts: Iterable[Attempt], *, window: Window, counts: str, possible: int
) -> ItemGrade:
    """The points one item earns from a student's attempts, after the late policy.

    BEST: the highest of each counting attempt's score after its own late discount.
    LAST: the latest attempt made by the due time; if there is none, the latest late
    attempt that still counts, with its discount.
    """
    counting = sorted(
        (attempt for attempt in attempts if window.is_open(attempt.at)),
        key=lambda attempt: (attempt.at, attempt.pk),
    )
    pending = any(attempt.score is None for attempt in counting)
    graded = [attempt for attempt in counting if attempt.score is not None]
    if counts == LAST:
        on_time = [attempt for attempt in counting if attempt.at <= window.due_at]
        chosen = on_time[-1] if on_time else (counting[-1] if counting else None)
        # The last attempt decides alone: while it is being graded the grade is unknown.
        pending = chosen is not None and chosen.score is None
        if chosen is None or chosen.score is None:
            return ItemGrade(0.0, possible, attempted=bool(counting), late=False, pending=pending)
        return _graded(chosen, window=window, possible=possible, pending=False)
    if not graded:
        return ItemGrade(0.0, possible, attempted=bool(counting), late=False, pending=pending)
    best = max(
        graded,
        key=lambda attempt: (
            _clamp(attempt.score) * window.multiplier(attempt.at),
            -attempt.at.timestamp(),
        ),
    )
    return _graded(best, window=window, possible=possible, pending=pending)


def _graded(attempt: Attempt, *, window: Window, possible: int, pending: bool) -> ItemGrade:
    days = window.days_late(attempt.at)
    return ItemGrade(
        points=round(_clamp(attempt.score) * window.multiplier(attempt.at) * possible, 4),
        possible=possible,
        attempted=True,
        late=days > 0,
        pending=pending,
        counted=attempt,
        days_late=days,
    )


def _clamp(score: float | None) -> float:
    return 0.0 if score is None else min(1.0, max(0.0, float(score)))
