"""Least loaded balances a pool's whole work, not one plan's: a shared `LoadLedger`.

Counted per plan, every plan's first visit went to the pool's first member: one
cleaner got all 42 of a day's tasks while the others on duty got none. The generation
layer passes one ledger to every plan of a site in a run.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from schedules import (
    AssignmentRule,
    LoadLedger,
    Plan,
    StaffAssigner,
    StaffMember,
    Strategy,
    WorkCalendar,
    generate,
)

CLEANERS = ("zhang", "wang", "li")
STAFF = {m: StaffMember(m, m) for m in (*CLEANERS, "zhou", "sun")}
WEEK = (dt.date(2026, 3, 2), dt.date(2026, 3, 9))


def task(key: str, minutes: int = 30, rule: str = "FREQ=DAILY") -> Plan:
    return Plan(key, rule, dt.datetime(2026, 3, 2, 8), duration=dt.timedelta(minutes=minutes))


def run(
    plans: list[tuple[Plan, AssignmentRule]], calendar: WorkCalendar, ledger: LoadLedger | None
) -> list[tuple[str, dt.date, int]]:
    """(assignee, day, minutes) of every visit, plans generated one after another."""
    done = []
    for plan, rule in plans:
        assigner = StaffAssigner(rule, STAFF, None, ledger=ledger)
        for visit in generate(plan, calendar, *WEEK, assigner=assigner):
            minutes = int(plan.duration.total_seconds() // 60)
            done.append((visit.assignee or "", visit.due.date(), minutes))
    return done


def test_a_days_42_cleaning_tasks_are_shared_14_each_between_three_cleaners(
    calendar: WorkCalendar,
) -> None:
    rule = AssignmentRule(Strategy.LEAST_LOADED, CLEANERS)
    plans = [(task(f"t{n}"), rule) for n in range(42)]
    per_day = Counter((who, day) for who, day, _ in run(plans, calendar, LoadLedger()))
    assert set(per_day.values()) == {14}


def test_without_a_shared_ledger_each_plan_starts_from_the_first_cleaner(
    calendar: WorkCalendar,
) -> None:
    """The old per-plan count, kept for callers that pass no ledger."""
    rule = AssignmentRule(Strategy.LEAST_LOADED, CLEANERS)
    plans = [(task(f"t{n}"), rule) for n in range(6)]
    first_day = [who for who, day, _ in run(plans, calendar, None) if day == WEEK[0]]
    assert first_day == ["zhang"] * 6


def test_fixed_plans_keep_their_person_and_least_loaded_work_goes_around_them(
    calendar: WorkCalendar,
) -> None:
    fixed = AssignmentRule(Strategy.FIXED, CLEANERS)
    shared = AssignmentRule(Strategy.LEAST_LOADED, CLEANERS)
    plans = [(task(f"f{n}"), fixed) for n in range(3)] + [(task(f"s{n}"), shared) for n in range(3)]
    done = run(plans, calendar, LoadLedger())
    assert {who for who, _, _ in done[: 3 * 7]} == {"zhang"}
    first_day = Counter(who for who, day, _ in done if day == WEEK[0])
    assert first_day == {"zhang": 3, "wang": 2, "li": 1}


def test_least_loaded_weighs_working_time_not_visit_counts(calendar: WorkCalendar) -> None:
    rule = AssignmentRule(Strategy.LEAST_LOADED, ("zhang", "wang"))
    plans = [(task("deep-clean", 240), rule), *((task(f"t{n}", 30), rule) for n in range(6))]
    minutes: defaultdict[str, int] = defaultdict(int)
    for who, day, spent in run(plans, calendar, LoadLedger()):
        if day == WEEK[0]:
            minutes[who] += spent
    assert minutes == {"zhang": 240, "wang": 180}


PLANS = st.lists(
    st.tuples(
        st.sampled_from([30, 45, 60, 120]),
        st.sampled_from(["FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,WE,FR", "FREQ=DAILY;INTERVAL=2"]),
        st.integers(7, 17),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=50, deadline=None)
@given(plans=PLANS, pool_size=st.integers(2, 5))
def test_nobody_carries_more_than_the_even_share_plus_one_task_on_any_day(
    plans: list[tuple[int, str, int]], pool_size: int, calendar: WorkCalendar
) -> None:
    pool = tuple(STAFF)[:pool_size]
    rule = AssignmentRule(Strategy.LEAST_LOADED, pool)
    built = [
        (
            Plan(
                f"p{n}",
                every,
                dt.datetime(2026, 3, 2, hour),
                duration=dt.timedelta(minutes=minutes),
            ),
            rule,
        )
        for n, (minutes, every, hour) in enumerate(plans)
    ]
    longest = max(minutes for minutes, _, _ in plans)
    per_day: defaultdict[dt.date, Counter[str]] = defaultdict(Counter)
    for who, day, spent in run(built, calendar, LoadLedger()):
        per_day[day][who] += spent
    for day, minutes in per_day.items():
        share = sum(minutes.values()) / pool_size
        assert max(minutes.values()) <= share + longest, (day, minutes)
