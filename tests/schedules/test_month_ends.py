"""Plans started on the 29th–31st: every month still gets its visit, on its last day.

RFC 5545 drops months without the start's day, so a monthly extinguisher check begun
on 31 December got 8 visits a year. The engine clamps the day taken from the start
instead, and says so on the visit so the preview can show "改在月末 2月28日".
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from schedules import HolidayPolicy, Plan, ReasonCode, WorkCalendar, generate
from schedules.recurrence import expand, parse_rule


def _last_day(year: int, month: int) -> int:
    return month_calendar.monthrange(year, month)[1]


def months_between(first: dt.date, count: int) -> list[tuple[int, int]]:
    index = first.year * 12 + first.month - 1
    return [divmod(index + n, 12) for n in range(count)]


def test_a_monthly_check_started_on_31_december_is_done_every_month_of_the_next_year(
    calendar: WorkCalendar,
) -> None:
    plan = Plan("extinguishers", "FREQ=MONTHLY", dt.datetime(2026, 12, 31, 9))
    visits = list(generate(plan, calendar, dt.date(2027, 1, 1), dt.date(2028, 1, 1)))
    assert [v.due.month for v in visits] == list(range(1, 13))
    february = visits[1]
    assert february.due.date() == dt.date(2027, 2, 28)
    assert [r.code for r in february.reasons] == [ReasonCode.MONTH_END_CLAMPED]
    assert february.reasons[0].render("zh") == "本月没有 31 日，改在月末 2月28日"
    assert not visits[0].reasons


def test_quarterly_from_31_january_gives_four_visits_a_year(calendar: WorkCalendar) -> None:
    plan = Plan("pump", "FREQ=MONTHLY;INTERVAL=3", dt.datetime(2027, 1, 31, 9))
    visits = list(generate(plan, calendar, dt.date(2027, 1, 1), dt.date(2028, 1, 1)))
    assert [v.slot.date() for v in visits] == [
        dt.date(2027, 1, 31),
        dt.date(2027, 4, 30),
        dt.date(2027, 7, 31),
        dt.date(2027, 10, 31),
    ]


def test_half_yearly_tank_cleaning_from_31_august_comes_back_in_february(
    calendar: WorkCalendar,
) -> None:
    plan = Plan("tank", "FREQ=MONTHLY;INTERVAL=6", dt.datetime(2026, 8, 31, 9))
    visits = list(generate(plan, calendar, dt.date(2026, 8, 1), dt.date(2027, 9, 1)))
    assert [v.slot.date() for v in visits] == [
        dt.date(2026, 8, 31),
        dt.date(2027, 2, 28),
        dt.date(2027, 8, 31),
    ]


def test_a_yearly_rule_started_on_29_february_comes_on_28_february_in_common_years() -> None:
    rule = parse_rule("FREQ=YEARLY")
    slots = expand(
        rule, dt.datetime(2024, 2, 29, 9), dt.datetime(2024, 1, 1), dt.datetime(2029, 1, 1)
    )
    assert [s.date() for s in slots] == [
        dt.date(2024, 2, 29),
        dt.date(2025, 2, 28),
        dt.date(2026, 2, 28),
        dt.date(2027, 2, 28),
        dt.date(2028, 2, 29),
    ]


def test_an_explicit_month_day_keeps_its_rfc_meaning() -> None:
    rule = parse_rule("FREQ=MONTHLY;BYMONTHDAY=31")
    slots = expand(
        rule, dt.datetime(2027, 1, 31, 9), dt.datetime(2027, 1, 1), dt.datetime(2027, 5, 1)
    )
    assert [s.month for s in slots] == [1, 3]


@settings(max_examples=60, deadline=None)
@given(
    starts=st.builds(
        lambda year, month, day: dt.date(year, month, min(day, _last_day(year, month))),
        st.integers(2024, 2027),
        st.integers(1, 12),
        st.integers(29, 31),
    ).filter(lambda d: d.day >= 29),
    interval=st.sampled_from([1, 2, 3, 6, 12]),
    policy=st.sampled_from([HolidayPolicy.IGNORE, HolidayPolicy.NEAREST]),
)
def test_every_period_of_a_month_end_plan_gets_one_visit_clamped_to_its_last_day(
    starts: dt.date, interval: int, policy: HolidayPolicy, calendar: WorkCalendar
) -> None:
    plan = Plan(
        "month-end",
        f"FREQ=MONTHLY;INTERVAL={interval}",
        dt.datetime.combine(starts, dt.time(9)),
        holiday_policy=policy,
    )
    periods = 24 // interval
    end_year, end_month0 = months_between(starts, 25)[-1]  # the month after the 24th
    visits = list(generate(plan, calendar, starts, dt.date(end_year, end_month0 + 1, 1)))
    expected_months = months_between(starts, 24)[::interval][:periods]
    assert [(v.slot.year, v.slot.month - 1) for v in visits] == expected_months
    for visit in visits:
        last = month_calendar.monthrange(visit.slot.year, visit.slot.month)[1]
        assert visit.slot.day == min(starts.day, last)
        clamped = [r for r in visit.reasons if r.code is ReasonCode.MONTH_END_CLAMPED]
        assert bool(clamped) == (visit.slot.day < starts.day)
