"""The late policy and the grading policy as pure functions: the boundaries, exactly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from courses.policy import Attempt, item_grade, student_window

OPENS = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DUE = datetime(2026, 12, 4, 22, 59, tzinfo=UTC)
TICK = timedelta(microseconds=1)
DAY = timedelta(days=1)


def window(policy="penalty", *, per_day=10, cap=50, closes=None, extended=None):
    return student_window(
        opens_at=OPENS,
        due_at=DUE,
        closes_at=closes,
        late_policy=policy,
        penalty_percent_per_day=per_day,
        penalty_cap_percent=cap,
        extended_due_at=extended,
    )


def grade(attempts, *, w=None, counts="best", possible=10):
    return item_grade(attempts, window=w or window(), counts=counts, possible=possible)


@pytest.mark.parametrize(
    ("made", "days", "points"),
    [
        (DUE - TICK, 0, 10.0),
        (DUE, 0, 10.0),  # at the due time exactly: on time
        (DUE + TICK, 1, 9.0),  # one microsecond later: one day late
        (DUE + DAY, 1, 9.0),
        (DUE + DAY + TICK, 2, 8.0),
        (DUE + 10 * DAY, 10, 5.0),  # the penalty stops at its cap
    ],
)
def test_penalty_counts_started_days_after_the_due_time(made, days, points):
    result = grade([Attempt(at=made, score=1.0)])
    assert (result.days_late, result.points, result.late) == (days, points, days > 0)


def test_work_before_the_opening_time_does_not_count():
    assert grade([Attempt(at=OPENS - TICK, score=1.0)]).points == 0.0
    assert not grade([Attempt(at=OPENS - TICK, score=1.0)]).attempted
    assert grade([Attempt(at=OPENS, score=1.0)]).points == 10.0


def test_no_late_credit_closes_at_the_due_time():
    w = window("none")
    assert grade([Attempt(at=DUE, score=1.0)], w=w).points == 10.0
    late = grade([Attempt(at=DUE + TICK, score=1.0)], w=w)
    assert (late.points, late.attempted) == (0.0, False)


def test_full_late_credit_until_the_hard_close_then_nothing():
    w = window("accept", closes=DUE + 2 * DAY)
    on_close = grade([Attempt(at=DUE + 2 * DAY, score=0.8)], w=w)
    assert (on_close.points, on_close.late) == (8.0, True)
    assert grade([Attempt(at=DUE + 2 * DAY + TICK, score=1.0)], w=w).points == 0.0


def test_a_penalty_with_a_hard_close_takes_nothing_after_it():
    w = window("penalty", closes=DUE + DAY)
    assert grade([Attempt(at=DUE + DAY, score=1.0)], w=w).points == 9.0
    assert grade([Attempt(at=DUE + DAY + TICK, score=1.0)], w=w).points == 0.0


def test_an_extension_moves_the_due_time_and_a_hard_close_before_it():
    w = window("accept", closes=DUE + DAY, extended=DUE + 3 * DAY)
    assert (w.due_at, w.closes_at, w.extended) == (DUE + 3 * DAY, DUE + 3 * DAY, True)
    on_time = grade([Attempt(at=DUE + 3 * DAY, score=1.0)], w=w)
    assert (on_time.points, on_time.late) == (10.0, False)
    # With no late credit the extended due time is also the close.
    w = window("none", extended=DUE + DAY)
    assert grade([Attempt(at=DUE + DAY, score=1.0)], w=w).points == 10.0
    assert grade([Attempt(at=DUE + DAY + TICK, score=1.0)], w=w).points == 0.0


def test_best_attempt_weighs_each_attempt_after_its_own_discount():
    attempts = [
        Attempt(at=DUE - DAY, score=0.7, pk=1),
        Attempt(at=DUE + 2 * TICK, score=1.0, pk=2),  # 9 points after 10%
        Attempt(at=DUE + 3 * DAY, score=1.0, pk=3),  # 7 points
    ]
    result = grade(attempts)
    assert (result.points, result.counted.pk, result.late) == (9.0, 2, True)


def test_last_attempt_takes_the_last_one_by_the_due_time_even_when_lower():
    attempts = [
        Attempt(at=DUE - DAY, score=1.0, pk=1),
        Attempt(at=DUE, score=0.4, pk=2),
        Attempt(at=DUE + TICK, score=1.0, pk=3),  # late: the last on-time one counts
    ]
    result = grade(attempts, counts="last")
    assert (result.points, result.counted.pk, result.late) == (4.0, 2, False)


def test_last_attempt_with_only_late_work_takes_the_last_late_one_discounted():
    attempts = [
        Attempt(at=DUE + TICK, score=1.0, pk=1),
        Attempt(at=DUE + DAY + TICK, score=0.5, pk=2),
    ]
    result = grade(attempts, counts="last")
    assert (result.points, result.counted.pk, result.days_late) == (4.0, 2, 2)


def test_an_attempt_still_being_graded_is_pending_not_zero():
    best = grade([Attempt(at=DUE - DAY, score=0.5, pk=1), Attempt(at=DUE, score=None, pk=2)])
    assert (best.points, best.pending) == (5.0, True)
    last = grade(
        [Attempt(at=DUE - DAY, score=0.5, pk=1), Attempt(at=DUE, score=None, pk=2)], counts="last"
    )
    assert (last.points, last.pending, last.attempted) == (0.0, True, True)


def test_scores_are_clamped_and_points_scale_with_the_item():
    assert grade([Attempt(at=DUE, score=1.7)], possible=25).points == 25.0
    assert grade([Attempt(at=DUE, score=-1.0)], possible=25).points == 0.0
    assert grade([Attempt(at=DUE, score=1 / 3)], possible=10).points == pytest.approx(3.3333)
