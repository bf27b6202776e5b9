"""A plan applied after its time of day gets its first visit the next working day.

The plan starts today at 09:00, but the programme was applied at 17:09: the 09:00 slot
is already past. It used to pass silently, so a half-yearly tank cleaning's first visit
came six months later and a yearly inspection a year later. Nor may a holiday move a first
visit to before the moment of applying: the app never stores it, and a ceiling counting
from it comes late.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from schedules import (
    HolidayPolicy,
    Occurrence,
    Period,
    Plan,
    ReasonCode,
    Status,
    WorkCalendar,
    generate,
)
from tests.schedules.schedules_testkit import planned

RULES = (
    "FREQ=DAILY",
    "FREQ=WEEKLY",
    "FREQ=MONTHLY",
    "FREQ=MONTHLY;INTERVAL=3",
    "FREQ=MONTHLY;INTERVAL=6",
    "FREQ=YEARLY",
    "FREQ=DAILY;INTERVAL=15",
)


def _plan(rule: str, applied: dt.datetime, policy: HolidayPolicy, **extra: object) -> Plan:
    return Plan(
        "p",
        rule,
        dt.datetime.combine(applied.date(), dt.time(9)),
        holiday_policy=policy,
        applied=applied,
        **extra,  # type: ignore[arg-type]
    )


def _first_after(plan: Plan, calendar: WorkCalendar, now: dt.datetime) -> dt.datetime:
    visits = generate(plan, calendar, now.date(), now.date() + dt.timedelta(days=800))
    return next(
        o.due.replace(tzinfo=None)
        for o in visits
        if o.status is Status.PLANNED and o.due.replace(tzinfo=None) > now
    )


def test_a_half_yearly_cleaning_applied_at_17_09_is_due_the_next_working_day(
    calendar: WorkCalendar,
) -> None:
    applied = dt.datetime(2026, 5, 29, 17, 9)  # a Friday
    plan = _plan("FREQ=MONTHLY;INTERVAL=6", applied, HolidayPolicy.NEXT)
    (first,) = [o for o in generate(plan, calendar, dt.date(2026, 5, 29), dt.date(2026, 6, 30))]
    assert first.due.replace(tzinfo=None) == dt.datetime(2026, 6, 1, 9)
    assert first.slot.replace(tzinfo=None) == dt.datetime(2026, 5, 29, 9)  # the key stays
    assert first.reasons[-1].code is ReasonCode.FIRST_VISIT_MOVED
    assert "17:09" in first.reasons[-1].render("zh")


def test_a_plan_applied_before_its_time_keeps_todays_visit(calendar: WorkCalendar) -> None:
    applied = dt.datetime(2026, 5, 29, 8, 30)
    plan = _plan("FREQ=YEARLY", applied, HolidayPolicy.NEXT)
    assert _first_after(plan, calendar, applied) == dt.datetime(2026, 5, 29, 9)


def test_a_daily_plan_applied_late_just_starts_tomorrow_without_a_twin(
    calendar: WorkCalendar,
) -> None:
    applied = dt.datetime(2026, 5, 29, 17, 9)
    plan = _plan("FREQ=DAILY", applied, HolidayPolicy.IGNORE)
    visits = list(generate(plan, calendar, dt.date(2026, 5, 29), dt.date(2026, 6, 2)))
    assert [o.due.day for o in visits] == [29, 30, 31, 1]
    assert not any(r.code is ReasonCode.FIRST_VISIT_MOVED for o in visits for r in o.reasons)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rule=st.sampled_from(RULES),
    day=st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)),
    minutes=st.integers(9 * 60 + 1, 23 * 60 + 59),
    policy=st.sampled_from(HolidayPolicy),
    ceiling=st.sampled_from([None, 15]),
)
def test_a_plan_applied_at_any_hour_is_first_due_today_or_by_the_next_working_day(
    rule: str,
    day: dt.date,
    minutes: int,
    policy: HolidayPolicy,
    ceiling: int | None,
    calendar: WorkCalendar,
) -> None:
    applied = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)
    plan = _plan(rule, applied, policy, ceiling_days=ceiling)
    first = _first_after(plan, calendar, applied)
    latest = day + dt.timedelta(days=1)
    if policy is not HolidayPolicy.IGNORE:
        latest = calendar.next_workday(latest, not_after=latest + dt.timedelta(days=30)) or latest
    assert first.date() <= latest, (applied, first)


def _stored(plan: Plan, calendar: WorkCalendar, applied: dt.datetime) -> list[Occurrence]:
    """What the app keeps of a fresh plan: its occurrences due after it was applied."""
    first, last = applied.date() - dt.timedelta(days=40), applied.date() + dt.timedelta(days=60)
    visits = generate(plan, calendar, first, last)
    return [o for o in visits if o.due.replace(tzinfo=None) > applied]


def _next_workday(calendar: WorkCalendar, day: dt.date) -> dt.date:
    later = day + dt.timedelta(days=1)
    return calendar.next_workday(later, not_after=later + dt.timedelta(days=30)) or later


def test_a_lift_plan_applied_on_new_years_morning_is_first_due_the_next_working_day(
    calendar: WorkCalendar,
) -> None:
    """Applied at 08:38 for 09:00 on a holiday, the nearest working day was the 31st, before
    the plan existed: that visit was never stored, and the 15-day ceiling counting from it
    put the first real visit on 01-15, two weeks late."""
    applied = dt.datetime(2021, 1, 1, 8, 38)
    plan = _plan("FREQ=DAILY;INTERVAL=15", applied, HolidayPolicy.NEAREST, ceiling_days=15)
    first, second = planned(_stored(plan, calendar, applied))[:2]
    assert first.due.replace(tzinfo=None) == dt.datetime(2021, 1, 4, 9)
    assert first.reasons[-1].code is ReasonCode.HOLIDAY_MOVED
    assert "2021-01-04" in first.reasons[-1].render("zh")
    assert (second.due.date() - first.due.date()).days <= 15


def test_a_weekly_statutory_check_applied_on_a_friday_evening_is_first_due_on_monday(
    calendar: WorkCalendar,
) -> None:
    """The week's own last working day is already past; its weekend is no place for it."""
    applied = dt.datetime(2026, 5, 29, 17, 9)  # a Friday
    plan = _plan("FREQ=WEEKLY", applied, HolidayPolicy.NEXT, each_period=Period.ISO_WEEK)
    first = planned(_stored(plan, calendar, applied))[0]
    assert first.due.replace(tzinfo=None) == dt.datetime(2026, 6, 1, 9)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rule=st.sampled_from(RULES),
    day=st.dates(dt.date(2004, 1, 1), dt.date(2027, 12, 31)),
    minutes=st.integers(0, 24 * 60 - 1),
    policy=st.sampled_from(HolidayPolicy),
    limits=st.sampled_from(
        [(None, None), (15, None), (None, Period.ISO_WEEK), (None, Period.MONTH)]
    ),
)
# applied at the rule's very minute, on a holiday: that visit is not stored (only later
# ones are), so the first-visit rule must move it as if the minute had passed
@example(
    rule="FREQ=WEEKLY",
    day=dt.date(2004, 1, 1),
    minutes=9 * 60,
    policy=HolidayPolicy.SKIP,
    limits=(None, None),
)
@example(
    rule="FREQ=WEEKLY",
    day=dt.date(2004, 1, 1),
    minutes=9 * 60,
    policy=HolidayPolicy.IGNORE,
    limits=(None, None),
)
def test_a_fresh_plan_applied_at_any_minute_is_first_due_by_the_next_working_day(
    rule: str,
    day: dt.date,
    minutes: int,
    policy: HolidayPolicy,
    limits: tuple[int | None, Period | None],
    calendar: WorkCalendar,
) -> None:
    """Applied at any minute, before or after the rule's time of day, on a holiday or
    not: the first visit the app stores is due by the next working day, and a plan with a
    ceiling has a planned one by then (a visit moved before the moment of applying is
    never stored, so a ceiling counting from it comes too late)."""
    applied = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)
    ceiling, period = limits
    plan = _plan(rule, applied, policy, ceiling_days=ceiling, each_period=period)
    latest = day + dt.timedelta(days=1)
    if policy is not HolidayPolicy.IGNORE:
        latest = _next_workday(calendar, day)
    stored = _stored(plan, calendar, applied)
    assert stored[0].due.date() <= latest, (applied, stored[0])
    if ceiling is not None:
        first = planned(stored)[0]
        assert first.due.date() <= latest, (applied, first)
