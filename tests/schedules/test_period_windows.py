"""A weekly or monthly statutory visit cannot be done early into the period before, nor
late into the one after, and still count as on time.

An April fire-pump check due 1 April with two days' early tolerance used to open on
30 March: done then, it counted for March and April had none. A weekly test whose Sunday
slot was kept on Friday stayed open until Monday: done then, on time, its week had none.
The window of a period-bound visit lies inside its own ISO week or month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schedules import HolidayPolicy, Plan, Status, WorkCalendar, generate
from schedules.periods import Period, implied_limits


def _plan(rule: str, starts: dt.date, policy: HolidayPolicy, before_days: int) -> Plan:
    ceiling, period = implied_limits(rule)
    return Plan(
        "fire",
        rule,
        dt.datetime.combine(starts, dt.time(9)),
        holiday_policy=policy,
        tolerance_before=dt.timedelta(days=before_days),
        ceiling_days=ceiling,
        each_period=period,
    )


def test_the_april_check_cannot_be_done_on_31_march(calendar: WorkCalendar) -> None:
    plan = _plan("FREQ=MONTHLY", dt.date(2026, 1, 1), HolidayPolicy.NEXT, 2)
    april = next(
        o
        for o in generate(plan, calendar, dt.date(2026, 4, 1), dt.date(2026, 5, 1))
        if o.status is Status.PLANNED
    )
    assert april.window_start.date() == dt.date(2026, 4, 1)


def test_a_sunday_weekly_test_kept_on_friday_closes_on_sunday_not_monday(
    calendar: WorkCalendar,
) -> None:
    plan = _plan("FREQ=WEEKLY", dt.date(2026, 1, 4), HolidayPolicy.NEXT, 0)
    plan = replace(plan, tolerance_after=dt.timedelta(days=1))
    visit = next(
        o
        for o in generate(plan, calendar, dt.date(2026, 6, 28), dt.date(2026, 6, 29))
        if o.status is Status.PLANNED
    )
    assert visit.due.date() == dt.date(2026, 6, 26)  # Friday
    assert visit.window_end.replace(tzinfo=None) == dt.datetime(2026, 6, 28, 23, 59, 59)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rule=st.sampled_from(["FREQ=MONTHLY", "FREQ=WEEKLY", "FREQ=DAILY;INTERVAL=7"]),
    starts=st.dates(dt.date(2025, 1, 1), dt.date(2026, 12, 31)),
    policy=st.sampled_from(HolidayPolicy),
    before_days=st.integers(0, 6),
    after_days=st.integers(0, 6),
)
def test_a_period_bound_visit_opens_and_closes_inside_its_own_period(
    rule: str,
    starts: dt.date,
    policy: HolidayPolicy,
    before_days: int,
    after_days: int,
    calendar: WorkCalendar,
) -> None:
    plan = _plan(rule, starts, policy, before_days)
    plan = replace(plan, tolerance_after=dt.timedelta(days=after_days))
    period = plan.each_period
    assert isinstance(period, Period)
    for visit in generate(plan, calendar, starts, starts + dt.timedelta(days=200)):
        if visit.status is Status.PLANNED:
            due, opens = visit.due.date(), visit.window_start.date()
            closes = visit.window_end.date()
            assert period.of(opens) == period.of(due), (opens, due)
            assert period.of(closes) == period.of(due), (closes, due)
            assert visit.window_start <= visit.due <= visit.window_end
