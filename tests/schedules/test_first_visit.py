"""A plan applied after its time of day gets its first visit the next working day.

The plan starts today at 09:00, but the programme was applied at 17:09: the 09:00 slot
is already past. It used to pass silently, so a half-yearly tank cleaning's first visit
came six months later and a yearly inspection a year later.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schedules import HolidayPolicy, Plan, ReasonCode, Status, WorkCalendar, generate

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
