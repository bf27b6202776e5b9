"""Implied statutory ceilings hold through Spring Festival, National Day and nightly
extensions of the horizon.

Weekly statutory work needs a visit in every ISO week, monthly work one in every
calendar month, rarer work at most its period plus tolerance between visits
(`implied_limits`). A holiday skip decided at the horizon's edge must not leave a gap
once the horizon is extended night by night, the way the app stores rows.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schedules import HolidayPolicy, LastVisit, Occurrence, Plan, Status, WorkCalendar, generate
from schedules.calendar import DayKind, DayOverride
from schedules.periods import Period, implied_limits

POLICIES = st.sampled_from(
    [HolidayPolicy.SKIP, HolidayPolicy.NEXT, HolidayPolicy.PREVIOUS, HolidayPolicy.NEAREST]
)


def planned_days(visits: list[Occurrence]) -> list[dt.date]:
    return sorted(v.due.date() for v in visits if v.status is Status.PLANNED)


def test_frequencies_imply_their_ceilings() -> None:
    assert implied_limits("FREQ=WEEKLY;BYDAY=MO") == (None, Period.ISO_WEEK)
    assert implied_limits("FREQ=MONTHLY;BYMONTHDAY=5") == (None, Period.MONTH)
    assert implied_limits("FREQ=MONTHLY;INTERVAL=3", 7) == (99, None)
    assert implied_limits("FREQ=MONTHLY;INTERVAL=6", 7) == (191, None)
    assert implied_limits("FREQ=YEARLY") == (366, None)
    assert implied_limits("FREQ=DAILY") == (None, None)


def test_a_weekly_fire_check_keeps_a_visit_in_the_spring_festival_week(
    calendar: WorkCalendar,
) -> None:
    plan = Plan(
        "hydrants",
        "FREQ=WEEKLY;BYDAY=MO",
        dt.datetime(2026, 1, 5, 9),
        holiday_policy=HolidayPolicy.SKIP,
        each_period=Period.ISO_WEEK,
    )
    visits = list(generate(plan, calendar, dt.date(2026, 2, 9), dt.date(2026, 3, 2)))
    by_week = {v.due.isocalendar()[1]: v for v in visits if v.status is Status.PLANNED}
    assert sorted(by_week) == [7, 8, 9]
    festival = by_week[8]  # 16–22 Feb 2026: every day a holiday
    assert festival.due.date() == dt.date(2026, 2, 16)
    assert "法定频次要求本周内必须完成一次" in festival.reasons[-1].render("zh")
    after = by_week[9]
    assert after.due.date() == dt.date(2026, 2, 24)  # 23 Feb still a holiday, kept in week 9


def test_without_the_period_the_skip_policy_loses_the_week(calendar: WorkCalendar) -> None:
    plan = Plan(
        "hydrants",
        "FREQ=WEEKLY;BYDAY=MO",
        dt.datetime(2026, 1, 5, 9),
        holiday_policy=HolidayPolicy.SKIP,
    )
    visits = list(generate(plan, calendar, dt.date(2026, 2, 9), dt.date(2026, 3, 2)))
    weeks = {v.due.isocalendar()[1] for v in visits if v.status is Status.PLANNED}
    assert 8 not in weeks


@settings(max_examples=60, deadline=None)
@given(
    year=st.integers(2004, 2027),
    weekday=st.integers(0, 6),
    policy=POLICIES,
)
def test_weekly_statutory_work_never_misses_an_iso_week(
    year: int, weekday: int, policy: HolidayPolicy, calendar: WorkCalendar
) -> None:
    first = dt.date(year, 1, 1)
    starts = first + dt.timedelta(days=(weekday - first.weekday()) % 7)
    plan = Plan(
        "weekly",
        "FREQ=WEEKLY",
        dt.datetime.combine(starts, dt.time(9)),
        holiday_policy=policy,
        each_period=Period.ISO_WEEK,
    )
    days = planned_days(list(generate(plan, calendar, first, dt.date(year + 1, 1, 1))))
    weeks = {d.isocalendar()[:2] for d in days}
    monday = starts - dt.timedelta(days=starts.weekday()) + dt.timedelta(days=7)
    while monday + dt.timedelta(days=13) < dt.date(year + 1, 1, 1):
        assert monday.isocalendar()[:2] in weeks, (monday, policy)
        monday += dt.timedelta(days=7)


@settings(max_examples=60, deadline=None)
@given(year=st.integers(2004, 2027), day=st.integers(1, 31), policy=POLICIES)
def test_monthly_statutory_work_never_misses_a_calendar_month(
    year: int, day: int, policy: HolidayPolicy, calendar: WorkCalendar
) -> None:
    starts = dt.date(year, 1, min(day, 31))
    plan = Plan(
        "monthly",
        "FREQ=MONTHLY",
        dt.datetime.combine(starts, dt.time(9)),
        holiday_policy=policy,
        each_period=Period.MONTH,
    )
    days = planned_days(list(generate(plan, calendar, starts, dt.date(year + 1, 1, 1))))
    assert sorted({d.month for d in days}) == list(range(1, 13))


@settings(max_examples=40, deadline=None)
@given(
    year=st.integers(2004, 2027),
    months=st.sampled_from([3, 6, 12]),
    day=st.integers(1, 28),
    policy=POLICIES,
)
def test_rarer_statutory_work_stays_within_its_period_plus_tolerance(
    year: int, months: int, day: int, policy: HolidayPolicy, calendar: WorkCalendar
) -> None:
    rule = f"FREQ=MONTHLY;INTERVAL={months}"
    ceiling, _ = implied_limits(rule, 7)
    assert ceiling is not None
    plan = Plan(
        "rare",
        rule,
        dt.datetime(year, 1, day, 9),
        holiday_policy=policy,
        ceiling_days=ceiling,
        tolerance_after=dt.timedelta(days=7),
    )
    days = planned_days(
        list(generate(plan, calendar, dt.date(year, 1, 1), dt.date(year + 3, 1, 1)))
    )
    assert all((b - a).days <= ceiling for a, b in itertools.pairwise(days))


def extend_nightly(plan: Plan, calendar: WorkCalendar, first: dt.date, nights: int) -> dict:
    """What the nightly job stores: insert-only, continuing from the latest stored visit."""
    stored: dict[dt.datetime, Occurrence] = {}
    for night in range(nights):
        now = dt.datetime.combine(first + dt.timedelta(days=night), dt.time(2))
        visits = [o for o in stored.values() if o.status is Status.PLANNED]
        latest = max(visits, key=lambda o: o.slot, default=None)
        last = (
            LastVisit(latest.due.replace(tzinfo=None), latest.slot.replace(tzinfo=None))
            if latest is not None
            else None
        )
        start = now - dt.timedelta(days=max(31, (plan.ceiling_days or 0) + 1))
        for occurrence in generate(plan, calendar, start, now + dt.timedelta(days=60),
                                   last_visit=last):  # fmt: skip
            if occurrence.due.replace(tzinfo=None) > now:
                stored.setdefault(occurrence.slot, occurrence)
    return stored


def test_a_skip_decided_at_the_horizon_edge_leaves_no_gap_once_extended(
    calendar: WorkCalendar,
) -> None:
    plan = Plan(
        "monthly-15",
        "FREQ=MONTHLY",
        dt.datetime(2025, 1, 1, 9),
        holiday_policy=HolidayPolicy.SKIP,
        ceiling_days=15,
    )
    stored = extend_nightly(plan, calendar, dt.date(2025, 1, 1), 365)
    days = planned_days(list(stored.values()))
    assert max((b - a).days for a, b in itertools.pairwise(days)) <= 15


@settings(max_examples=8, deadline=None)
@given(
    year=st.integers(2004, 2027),
    rule=st.sampled_from(["FREQ=MONTHLY;BYMONTHDAY=1,16", "FREQ=DAILY;INTERVAL=14"]),
    policy=POLICIES,
)
def test_nightly_extension_keeps_every_ceiling(
    year: int, rule: str, policy: HolidayPolicy, calendar: WorkCalendar
) -> None:
    plan = Plan("lift", rule, dt.datetime(year, 1, 1, 9), holiday_policy=policy, ceiling_days=15)
    stored = extend_nightly(plan, calendar, dt.date(year, 1, 1), 120)
    days = planned_days(list(stored.values()))
    assert max((b - a).days for a, b in itertools.pairwise(days)) <= 15


@settings(max_examples=60, deadline=None)
@given(
    year=st.integers(2004, 2027),
    last_day=st.integers(0, 300),
    notice=st.integers(1, 4),  # days before the ceiling's last day it is made a holiday
    hour=st.integers(6, 20),
    policy=st.sampled_from([HolidayPolicy.SKIP, HolidayPolicy.NEXT, HolidayPolicy.IGNORE]),
)
def test_a_replan_at_any_hour_keeps_the_next_visit_ahead_and_within_the_ceiling(
    year: int, last_day: int, notice: int, hour: int, policy: HolidayPolicy
) -> None:
    """A holiday announced for the ceiling's last day never pulls the next visit back to
    a time already past, where the app could not store it: the next visit after now
    stays within the ceiling, on the holiday if no working day is left before it."""
    last = dt.datetime(year, 1, 1, 9) + dt.timedelta(days=last_day)
    holiday = last.date() + dt.timedelta(days=15)
    now = dt.datetime.combine(holiday - dt.timedelta(days=notice), dt.time(hour, 30))
    plan = Plan("lift", "FREQ=DAILY;INTERVAL=15", dt.datetime(year, 1, 1, 9),
                holiday_policy=policy, ceiling_days=15)  # fmt: skip

    def planned(calendar: WorkCalendar) -> list[dt.datetime]:
        visits = generate(plan, calendar, now - dt.timedelta(days=31), now + dt.timedelta(days=40),
                          last_visit=LastVisit(last, last), not_before=now)  # fmt: skip
        return [v.due.replace(tzinfo=None) for v in visits if v.status is Status.PLANNED]

    stored = [due for due in planned(WorkCalendar()) if due <= now]  # before the notice
    ahead = [
        due for due in planned(WorkCalendar([DayOverride(holiday, DayKind.HOLIDAY)])) if due > now
    ]
    assert ahead, "no visit after now"
    limit = max([last, *stored]).date() + dt.timedelta(days=15)
    assert ahead[0].date() <= max(limit, now.date() + dt.timedelta(days=1))


@pytest.mark.xfail(strict=True, reason="known defect: the policy itself moves the visit back")
@pytest.mark.parametrize("policy", [HolidayPolicy.NEAREST, HolidayPolicy.PREVIOUS])
def test_a_holiday_notice_that_moves_a_visit_back_into_the_past_keeps_it_ahead(
    policy: HolidayPolicy,
) -> None:
    """Known defect, left for the generation layer: under `nearest` or `previous`, a
    holiday announced on Sunday for Monday moves Monday's stored visit to Friday,
    already past. The engine cannot tell a stored visit from one replayed for
    continuity; the replace run can (it holds the row). Lifts use `next` or `skip`."""
    last = dt.datetime(2005, 1, 2, 9)
    now = dt.datetime(2005, 1, 16, 10, 30)  # Sunday; Monday 01-17 made a holiday
    plan = Plan("lift", "FREQ=DAILY;INTERVAL=15", dt.datetime(2005, 1, 1, 9),
                holiday_policy=policy, ceiling_days=15)  # fmt: skip
    calendar = WorkCalendar([DayOverride(dt.date(2005, 1, 17), DayKind.HOLIDAY)])
    visits = generate(plan, calendar, now - dt.timedelta(days=31), now + dt.timedelta(days=40),
                      last_visit=LastVisit(last, last), not_before=now)  # fmt: skip
    ahead = [v.due.replace(tzinfo=None) for v in visits if v.due.replace(tzinfo=None) > now]
    assert ahead[0].date() <= dt.date(2005, 1, 17)
