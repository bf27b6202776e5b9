"""Yearly tasks with a season window are done inside it every year, whatever the start.

The lightning-protection test is due "before the rainy season". Filtering a yearly
rule by season dropped every visit when the plan started outside the window; the
engine now anchors such a plan to the window and says which window it follows.
"""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from schedules import (
    HolidayPolicy,
    Plan,
    ReasonCode,
    SeasonWindow,
    Status,
    WorkCalendar,
    generate,
)

RAINY = SeasonWindow((4, 1), (5, 31), label_zh="雨季前", label_en="before the rainy season")
WINDOWS = [RAINY, SeasonWindow.parse("10-01..11-30"), SeasonWindow.parse("11-15..02-28")]


def yearly(
    starts: dt.date, window: SeasonWindow, policy: HolidayPolicy = HolidayPolicy.IGNORE
) -> Plan:
    return Plan(
        "lightning",
        "FREQ=YEARLY",
        dt.datetime.combine(starts, dt.time(9)),
        holiday_policy=policy,
        seasons=(window,),
    )


def test_a_lightning_test_started_in_july_comes_before_the_rainy_season_every_year(
    calendar: WorkCalendar,
) -> None:
    plan = yearly(dt.date(2026, 7, 20), RAINY, HolidayPolicy.NEAREST)
    visits = list(generate(plan, calendar, dt.date(2026, 7, 1), dt.date(2031, 7, 1)))
    assert [v.due.year for v in visits] == [2027, 2028, 2029, 2030, 2031]
    assert all(RAINY.contains(v.due.date()) for v in visits)
    anchored = [r for r in visits[0].reasons if r.code is ReasonCode.SEASON_ANCHORED]
    assert anchored[0].render("zh") == "按季节窗口 04-01..05-31（雨季前）安排，每年在窗口内进行"
    assert "before the rainy season" in anchored[0].render("en")


def test_a_yearly_visit_already_inside_its_window_keeps_its_day(calendar: WorkCalendar) -> None:
    plan = yearly(dt.date(2026, 4, 20), RAINY)
    visits = list(generate(plan, calendar, dt.date(2026, 1, 1), dt.date(2028, 1, 1)))
    assert [v.slot.date() for v in visits] == [dt.date(2026, 4, 20), dt.date(2027, 4, 20)]


def test_frequent_seasonal_work_is_still_filtered_by_the_window(calendar: WorkCalendar) -> None:
    plan = Plan("sump", "FREQ=WEEKLY", dt.datetime(2026, 1, 5, 9), seasons=(RAINY,))
    visits = list(generate(plan, calendar, dt.date(2026, 1, 1), dt.date(2027, 1, 1)))
    assert visits and all(RAINY.contains(v.slot.date()) for v in visits)
    assert not any(r.code is ReasonCode.SEASON_ANCHORED for v in visits for r in v.reasons)


@settings(max_examples=60, deadline=None)
@given(
    starts=st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
    window=st.sampled_from(WINDOWS),
    every=st.sampled_from(["FREQ=YEARLY", "FREQ=MONTHLY;INTERVAL=12"]),
)
def test_a_seasonal_yearly_plan_gets_one_visit_inside_its_window_every_year(
    starts: dt.date, window: SeasonWindow, every: str, calendar: WorkCalendar
) -> None:
    plan = Plan("seasonal", every, dt.datetime.combine(starts, dt.time(9)), seasons=(window,))
    first, last = starts + dt.timedelta(days=366), starts + dt.timedelta(days=5 * 366)
    visits = list(generate(plan, calendar, first, last))
    days = [v.due.date() for v in visits]
    assert all(window.contains(day) for day in days)
    assert len(days) in (4, 5)  # one a year over about five years
    assert all(300 <= (b - a).days <= 430 for a, b in itertools.pairwise(days))
    assert all(any(r.code is ReasonCode.SEASON_ANCHORED for r in v.reasons) for v in visits)


@settings(max_examples=60, deadline=None)
@given(
    starts=st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
    window=st.sampled_from([*WINDOWS, SeasonWindow.parse("03-01..03-31")]),
    policy=st.sampled_from(HolidayPolicy),
)
def test_whatever_the_holiday_policy_a_seasonal_visit_is_planned_inside_its_window_every_year(
    starts: dt.date, window: SeasonWindow, policy: HolidayPolicy, calendar: WorkCalendar
) -> None:
    """Skipped on a Sunday, or moved past the window's end, the visit was lost that year."""
    plan = yearly(starts, window, policy)
    first, last = starts + dt.timedelta(days=366), starts + dt.timedelta(days=5 * 366)
    visits = [v for v in generate(plan, calendar, first, last) if v.status is Status.PLANNED]
    days = [v.due.date() for v in visits]
    assert all(window.contains(day) for day in days), days
    assert len(days) in (4, 5), days
    if policy is not HolidayPolicy.IGNORE:
        assert all(calendar.is_workday(day) for day in days), days


FREQUENT = ["FREQ=WEEKLY", "FREQ=WEEKLY;INTERVAL=2", "FREQ=WEEKLY;INTERVAL=3", "FREQ=MONTHLY"]
SEASONS = [RAINY, SeasonWindow.parse("06-01..08-31"), SeasonWindow.parse("10-15..12-15")]


def frequent(starts: dt.date, rule: str, window: SeasonWindow, policy: HolidayPolicy) -> Plan:
    return Plan(
        "mowing",
        rule,
        dt.datetime.combine(starts, dt.time(9)),
        holiday_policy=policy,
        seasons=(window,),
    )


def _windows_between(window: SeasonWindow, first: dt.date, last: dt.date) -> list[tuple]:
    bounds = {window.around(day) for day in _days(first, last) if window.contains(day)}
    return sorted(b for b in bounds if first <= b[0] and b[1] < last)


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days)]


def test_summer_mowing_anchored_on_a_saturday_is_kept_once_in_its_season_under_skip(
    calendar: WorkCalendar,
) -> None:
    """Every Saturday is skipped; the season's last one moves to the nearest working day."""
    plan = frequent(dt.date(2022, 1, 1), "FREQ=WEEKLY", SEASONS[1], HolidayPolicy.SKIP)
    visits = list(generate(plan, calendar, dt.date(2022, 1, 1), dt.date(2023, 1, 1)))
    planned = [v for v in visits if v.status is Status.PLANNED]
    assert [v.due.date() for v in planned] == [dt.date(2022, 8, 26)]
    kept = [r for r in planned[0].reasons if r.code is ReasonCode.SEASON_KEPT]
    assert kept[0].render("zh") == (
        "由 2022-08-27（周六）改在 2022-08-26：季节窗口 06-01..08-31 内至少进行一次"
    )


@settings(max_examples=80, deadline=None)
@given(
    starts=st.dates(dt.date(2004, 1, 1), dt.date(2026, 12, 31)),
    rule=st.sampled_from(FREQUENT),
    window=st.sampled_from(SEASONS),
    policy=st.sampled_from(HolidayPolicy),
)
def test_frequent_seasonal_work_has_a_working_day_visit_in_every_season_whatever_the_policy(
    starts: dt.date, rule: str, window: SeasonWindow, policy: HolidayPolicy, calendar: WorkCalendar
) -> None:
    """Skip on a rule whose days were all holidays (the 4th in April and May, a Saturday
    anchor) left a whole season without the work; generated night by night, as the app
    extends its horizon, the plan is the same."""
    plan = frequent(starts, rule, window, policy)
    first, last = starts, starts + dt.timedelta(days=2 * 366)
    whole = [v for v in generate(plan, calendar, first, last) if v.status is Status.PLANNED]
    for opens, closes in _windows_between(window, first, last):
        assert any(opens <= v.due.date() <= closes for v in whole), (opens, closes)
    assert all(window.contains(v.due.date()) for v in whole)
    nightly = [
        v
        for day in _days(first, last)[::7]
        for v in generate(plan, calendar, day, day + dt.timedelta(days=7))
        if v.status is Status.PLANNED
    ]
    assert [(v.slot, v.due) for v in nightly] == [(v.slot, v.due) for v in whole]
