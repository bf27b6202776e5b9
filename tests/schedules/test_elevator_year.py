"""A demo elevator under TSG T5002: half-monthly visits with tiers standing in place."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from schedules_testkit import ELEVATOR_TIERS, gaps_in_days, planned

from schedules import (
    Anchor,
    HolidayPolicy,
    LastVisit,
    Occurrence,
    Plan,
    ReasonCode,
    WorkCalendar,
    generate,
)

TIER_ORDER = [t.key for t in ELEVATOR_TIERS]


def demo_elevator_year(calendar: WorkCalendar) -> tuple[list[Occurrence], dt.date]:
    plan = Plan(
        "lift-A1",
        "FREQ=DAILY;INTERVAL=14",
        dt.datetime(2026, 1, 1, 9),
        holiday_policy=HolidayPolicy.NEAREST,
        ceiling_days=15,
        tolerance_before=dt.timedelta(days=2),
        tolerance_after=dt.timedelta(days=2),
        tiers=ELEVATOR_TIERS,
    )
    last = LastVisit(at=dt.datetime(2025, 12, 19, 15))
    visits = list(
        generate(plan, calendar, dt.date(2026, 1, 1), dt.date(2027, 1, 1), last_visit=last)
    )
    return planned(visits), last.at.date()


def test_a_demo_elevator_year_never_leaves_more_than_15_days_between_visits(
    calendar: WorkCalendar,
) -> None:
    visits, previous = demo_elevator_year(calendar)
    assert max(gaps_in_days(previous, visits)) <= 15
    assert len(visits) >= 25
    assert all(calendar.is_workday(v.due.date()) for v in visits)


def test_higher_tiers_replace_the_half_monthly_visit_instead_of_adding_one(
    calendar: WorkCalendar,
) -> None:
    visits, _ = demo_elevator_year(calendar)
    rank = Counter(TIER_ORDER.index(v.tier) for v in visits)
    at_least = {level: sum(n for r, n in rank.items() if r >= level) for level in range(4)}
    assert at_least[1] == 4  # quarterly or higher
    assert at_least[2] == 2  # half-yearly or higher
    assert at_least[3] == 1  # annual
    assert len({v.due.date() for v in visits}) == len(visits)  # one visit per day at most


def test_each_tiered_visit_carries_the_items_of_every_lower_tier(calendar: WorkCalendar) -> None:
    visits, _ = demo_elevator_year(calendar)
    annual = next(v for v in visits if v.tier == "annual")
    assert annual.includes == ("half_monthly", "quarterly", "half_yearly", "annual")
    assert annual.due.month == 7
    merged = [r for r in annual.reasons if r.code is ReasonCode.TIER_MERGED]
    assert {r.params["tier"] for r in merged} == {"quarterly", "half_yearly", "annual"}
    assert "年度保养" in merged[-1].render("zh") and "one visit, not two" in merged[-1].render("en")
    plain = next(v for v in visits if v.tier == "half_monthly")
    assert plain.includes == ("half_monthly",)


def test_an_ended_plan_schedules_no_tier_visit_after_its_end(calendar: WorkCalendar) -> None:
    plan = Plan(
        "lift-retired",
        "FREQ=DAILY;INTERVAL=14",
        dt.datetime(2026, 1, 1, 9),
        tiers=ELEVATOR_TIERS,
        ends=dt.datetime(2026, 6, 30, 23),
    )
    visits = list(generate(plan, calendar, dt.date(2026, 1, 1), dt.date(2027, 1, 1)))
    assert visits and max(v.slot.date() for v in visits) <= dt.date(2026, 6, 30)
    assert not any(v.tier == "annual" for v in visits)


def fortnightly_elevator(**changes: object) -> Plan:
    fields: dict[str, object] = dict(
        key="lift-B2",
        rule="FREQ=DAILY;INTERVAL=14",
        starts=dt.datetime(2026, 1, 1, 9),
        holiday_policy=HolidayPolicy.NEAREST,
        ceiling_days=15,
        tolerance_before=dt.timedelta(days=5),
        tiers=ELEVATOR_TIERS,
    )
    fields.update(changes)
    return Plan(**fields)  # type: ignore[arg-type]


def year_and_its_april_quarterly(
    plan: Plan, calendar: WorkCalendar
) -> tuple[list[Occurrence], Occurrence]:
    year = planned(list(generate(plan, calendar, dt.date(2026, 1, 1), dt.date(2027, 1, 1))))
    return year, next(v for v in year if v.tier == "quarterly" and v.due.month == 4)


def rest_of_year(plan: Plan, calendar: WorkCalendar, last: LastVisit) -> list[Occurrence]:
    start = last.at.date() + dt.timedelta(days=1)
    return planned(list(generate(plan, calendar, start, dt.date(2027, 1, 1), last_visit=last)))


def test_a_quarterly_visit_done_late_is_not_due_again_at_the_next_visit(
    calendar: WorkCalendar,
) -> None:
    plan = fortnightly_elevator()
    _, april = year_and_its_april_quarterly(plan, calendar)
    late = LastVisit(at=april.due + dt.timedelta(days=7), slot=april.slot, tier="quarterly")
    after = rest_of_year(plan, calendar, late)
    before_july = {v.tier for v in after if v.due.month < 7}
    assert before_july == {"half_monthly"}
    assert max(gaps_in_days(late.at.date(), after)) <= 15


def test_a_completion_anchored_elevator_done_late_restarts_its_ceiling_and_keeps_its_tiers(
    calendar: WorkCalendar,
) -> None:
    plan = fortnightly_elevator(rule="FREQ=DAILY;INTERVAL=15", anchor=Anchor.COMPLETION)
    late = LastVisit(at=dt.datetime(2026, 4, 16, 16), tier="quarterly")
    after = rest_of_year(plan, calendar, late)
    assert after[0].due.date() <= dt.date(2026, 5, 1)
    assert max(gaps_in_days(late.at.date(), after)) <= 15
    quarterly_or_more = [v.due.month for v in after if v.tier != "half_monthly"]
    assert quarterly_or_more and min(quarterly_or_more) >= 7  # April's was done on 16 April


def test_a_quarterly_visit_swallowed_by_a_late_completion_is_owed_by_the_next_visit(
    calendar: WorkCalendar,
) -> None:
    plan = fortnightly_elevator()
    year, april = year_and_its_april_quarterly(plan, calendar)
    before = year[year.index(april) - 1]
    # The visit before the quarterly one was done so late that the quarterly one
    # merges into it; its items were never done and must not be lost.
    late = LastVisit(at=april.due + dt.timedelta(days=1), slot=before.slot, tier="half_monthly")
    after = rest_of_year(plan, calendar, late)
    assert after[0].tier == "quarterly"
    carried = [r for r in after[0].reasons if r.code is ReasonCode.TIER_CARRIED]
    assert carried and "季度保养" in carried[0].render("zh")
    assert carried[0].params["tier_slot"] == april.slot.date().isoformat()
    assert max(gaps_in_days(late.at.date(), after)) <= 15
