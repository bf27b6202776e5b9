"""Statutory inspections follow the asset's age and the ledger's date, not the plan start.

TSG T7001-2023 inspects a lift in service years 1, 4, 7, 9, 11, 13 and 15, every
year after 15 [B], and TSG T7008 wants a self-test in every other year; the years
count from the asset. The ledger's 下次法定检验 is the legal date the next inspection
must meet. Issue 12 found the bands phased on the plan start and the last band left
open, so a 17-year-old lift got a self-test and an inspection on the same day.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from schedules import AgeBand, HolidayPolicy, Plan, WorkCalendar, generate, ledger_phased

D = dt.date
T = dt.datetime

# The engine form of the catalog's TSG T7001 bands (app.plans.programmes.units.engine_age_bands).
INSPECTION = (
    AgeBand(0, "FREQ=YEARLY;INTERVAL=3"),
    AgeBand(3, "FREQ=YEARLY;INTERVAL=3"),
    AgeBand(6, "FREQ=YEARLY;INTERVAL=2"),
    AgeBand(8, "FREQ=YEARLY;INTERVAL=2"),
    AgeBand(10, "FREQ=YEARLY;INTERVAL=2"),
    AgeBand(12, "FREQ=YEARLY;INTERVAL=2"),
    AgeBand(14, "FREQ=YEARLY"),
    AgeBand(15, "FREQ=YEARLY"),
)
SELF_TEST = (
    AgeBand(1, "FREQ=YEARLY"),
    AgeBand(2, "FREQ=YEARLY;INTERVAL=2"),
    AgeBand(4, "FREQ=YEARLY"),
    AgeBand(5, "FREQ=YEARLY;INTERVAL=2"),
    AgeBand(7, "FREQ=YEARLY;INTERVAL=2"),
    AgeBand(9, "FREQ=YEARLY;INTERVAL=2"),
    AgeBand(11, "FREQ=YEARLY;INTERVAL=2"),
    AgeBand(13, "FREQ=YEARLY;INTERVAL=100"),
    AgeBand(15, ""),  # no self-test from 15 on: closes the band before it
)
NO_HOLIDAYS = WorkCalendar()  # the ignore policy never asks it


def lift_plan(
    key: str,
    bands: tuple[AgeBand, ...],
    commissioned: dt.date,
    starts: dt.date,
    due: dt.date | None = None,
) -> Plan:
    return Plan(
        key,
        "FREQ=YEARLY",
        T.combine(starts, dt.time(9)),
        age_bands=bands,
        commissioned=commissioned,
        statutory_due=due,
    )


def days(plan: Plan, start: dt.date, end: dt.date) -> list[dt.date]:
    return [o.slot.date() for o in generate(plan, NO_HOLIDAYS, start, end)]


def age_on(commissioned: dt.date, day: dt.date) -> int:
    years = day.year - commissioned.year
    return years - ((day.month, day.day) < (commissioned.month, commissioned.day))


def test_a_17_year_old_lift_gets_one_inspection_a_year_and_no_self_test() -> None:
    commissioned, starts = D(2009, 6, 10), D(2026, 1, 5)
    inspections = days(lift_plan("pi", INSPECTION, commissioned, starts), starts, D(2029, 1, 1))
    self_tests = days(lift_plan("st", SELF_TEST, commissioned, starts), starts, D(2029, 1, 1))
    assert inspections == [D(2026, 6, 10), D(2027, 6, 10), D(2028, 6, 10)]
    assert self_tests == []


def test_a_band_starts_on_the_anniversary_not_on_the_plan_start() -> None:
    # Turns 14 on 2026-06-10: inspection year 15 falls then, whenever the plan began.
    plan = lift_plan("pi", INSPECTION, D(2012, 6, 10), starts=D(2026, 1, 5))
    assert days(plan, D(2026, 1, 1), D(2028, 1, 1)) == [D(2026, 6, 10), D(2027, 6, 10)]


def test_the_ledgers_next_inspection_date_sets_the_day_and_the_cycle_goes_on_from_it() -> None:
    # 会所自动扶梯: ledger 2026-04-09, commissioned in May 2009 (17 years old).
    plan = lift_plan("pi", INSPECTION, D(2009, 5, 20), D(2026, 1, 5), due=D(2026, 4, 9))
    assert days(plan, D(2026, 1, 1), D(2028, 12, 31)) == [
        D(2026, 4, 9),
        D(2027, 4, 9),
        D(2028, 4, 9),
    ]


def test_a_plain_yearly_inspection_follows_the_ledger_not_the_plan_start() -> None:
    plan = Plan("power", "FREQ=YEARLY", T(2026, 1, 5, 9), statutory_due=D(2026, 4, 15))
    assert days(plan, D(2026, 1, 1), D(2028, 1, 1)) == [D(2026, 4, 15), D(2027, 4, 15)]


def test_the_phase_moves_to_the_ledgers_month_and_day_by_less_than_half_a_year() -> None:
    assert ledger_phased(D(2009, 5, 20), D(2026, 4, 9)) == D(2009, 4, 9)
    assert ledger_phased(D(2009, 1, 10), D(2026, 12, 20)) == D(2008, 12, 20)
    assert ledger_phased(D(2012, 3, 1), D(2027, 2, 29 - 1)) == D(2012, 2, 28)


commissioning_days = st.dates(D(1995, 1, 1), D(2025, 12, 31))
window_starts = st.dates(D(2020, 1, 1), D(2030, 12, 31))


@settings(max_examples=60, deadline=None)
@given(commissioned=commissioning_days, start=window_starts, entered=window_starts)
def test_each_year_of_age_has_exactly_one_inspection_or_self_test_never_both(
    commissioned: dt.date, start: dt.date, entered: dt.date
) -> None:
    end = start + dt.timedelta(days=6 * 365)
    starts = min(start, entered)  # whenever the plan was entered, only the asset's age counts
    inspections = days(lift_plan("pi", INSPECTION, commissioned, starts), start, end)
    self_tests = days(lift_plan("st", SELF_TEST, commissioned, starts), start, end)
    assert not set(inspections) & set(self_tests)
    assert all(age_on(commissioned, d) < 15 for d in self_tests), self_tests
    per_age = Counter(age_on(commissioned, d) for d in inspections + self_tests)
    first = max(age_on(commissioned, start), age_on(commissioned, starts)) + 1
    last = age_on(commissioned, end) - 1
    for age in range(max(first, 0), last):
        assert per_age[age] == 1, (age, inspections, self_tests)


@settings(max_examples=60, deadline=None)
@given(
    commissioned=commissioning_days,
    starts=window_starts,
    ledger_after=st.integers(0, 2 * 365),
)
def test_no_inspection_falls_in_the_year_before_the_ledger_date_and_one_falls_on_it(
    commissioned: dt.date, starts: dt.date, ledger_after: int
) -> None:
    due = starts + dt.timedelta(days=ledger_after)
    plan = lift_plan("pi", INSPECTION, commissioned, starts, due=due)
    inspections = days(plan, due - dt.timedelta(days=365), due + dt.timedelta(days=4 * 365))
    assert inspections[0] == due
    later = inspections[1:]
    assert all((d.month, d.day) == (due.month, due.day) or d.day == 28 for d in later), later
    assert all((b - a).days >= 365 for a, b in zip(inspections, later, strict=False))


@settings(max_examples=60, deadline=None)
@given(
    due=st.dates(D(2024, 1, 1), D(2027, 12, 31)),
    policy=st.sampled_from([HolidayPolicy.NEXT, HolidayPolicy.SKIP, HolidayPolicy.NEAREST]),
)
def test_a_holiday_never_moves_an_inspection_past_its_legal_date(
    calendar: WorkCalendar, due: dt.date, policy: HolidayPolicy
) -> None:
    plan = Plan(
        "pi",
        "FREQ=YEARLY",
        T(2023, 6, 1, 9),
        holiday_policy=policy,
        age_bands=INSPECTION,
        commissioned=D(2008, 6, 1),
        statutory_due=due,
    )
    visits = list(
        generate(plan, calendar, due - dt.timedelta(days=40), due + dt.timedelta(days=800))
    )
    assert visits[0].slot.date() == due
    for visit in visits:
        assert visit.due.date() <= visit.slot.date()
        assert calendar.is_workday(visit.due.date())
