"""Micro-benchmark of the scheduling engine: occurrences per second on one core.

Run: .venv/bin/python tests/bench/bench_engine.py   (not collected by pytest)

Each scenario generates one year for many plans whose start dates differ, so the
expansion cache helps only as much as it would for a real portfolio of plans. Times
are CPU seconds of this process, so other work on a shared machine disturbs them less
than wall-clock time would. "cold" is the first run (empty expansion cache, as for a
portfolio of distinct plans); "warm" the best of two more (cache hits, as when many
plans share a rule and start, or a range is regenerated).
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from schedules import (
    AssignmentRule,
    HolidayPolicy,
    LastVisit,
    Plan,
    StaffAssigner,
    StaffMember,
    Strategy,
    Team,
    Tier,
    WorkCalendar,
    build_roster,
    generate,
)

YEAR = (dt.date(2026, 1, 1), dt.date(2027, 1, 1))
ELEVATOR_TIERS = (
    Tier("half_monthly"),
    Tier("quarterly", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15"),
    Tier("half_yearly", "FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=15"),
    Tier("annual", "FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=15"),
)


def start_of(i: int) -> dt.datetime:
    return dt.datetime(2025, 1, 1, 8) + dt.timedelta(days=i % 365, minutes=30 * (i % 3))


def daily(i: int) -> Plan:
    return Plan(f"daily-{i}", "FREQ=DAILY", start_of(i), tolerance_after=dt.timedelta(hours=4))


def weekly(i: int) -> Plan:
    return Plan(f"weekly-{i}", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU", start_of(i))


def office_days(i: int) -> Plan:
    return Plan(f"office-{i}", "FREQ=DAILY", start_of(i), holiday_policy=HolidayPolicy.SKIP)


def monthly_last_day(i: int) -> Plan:
    return Plan(f"month-end-{i}", "FREQ=MONTHLY;BYMONTHDAY=-1", start_of(i),
                holiday_policy=HolidayPolicy.PREVIOUS)  # fmt: skip


def elevator(i: int) -> Plan:
    return Plan(f"lift-{i}", "FREQ=DAILY;INTERVAL=14", start_of(i),
                holiday_policy=HolidayPolicy.NEAREST, ceiling_days=15,
                tolerance_before=dt.timedelta(days=2), tolerance_after=dt.timedelta(days=2),
                tiers=ELEVATOR_TIERS)  # fmt: skip


def measure(name: str, make: Callable[[int], Plan], plans: int, **options: object) -> None:
    calendar = WorkCalendar()
    prepared = [make(i) for i in range(plans)]

    def run() -> int:
        count = 0
        for plan in prepared:
            for _ in generate(plan, calendar, *YEAR, **options):  # type: ignore[arg-type]
                count += 1
        return count

    report(name, run)


def report(name: str, run: Callable[[], int]) -> None:
    timings = []
    for _ in range(3):
        began = time.process_time()
        count = run()
        timings.append(time.process_time() - began)
    cold, warm = timings[0], min(timings[1:])
    print(
        f"{name:<44} {count:>9,} occ  cold {count / cold:>9,.0f} /s  warm {count / warm:>9,.0f} /s"
    )


def with_assignment() -> None:
    calendar = WorkCalendar()
    teams = [Team(f"T{i}", tuple(f"g{i}{j}" for j in range(3)), "four_team_three_shift")
             for i in range(4)]  # fmt: skip
    roster = build_roster(teams, dt.date(2025, 12, 31), dt.date(2027, 1, 1),
                          epoch=dt.date(2026, 1, 1))  # fmt: skip
    staff = {m: StaffMember(m) for t in teams for m in t.members}
    rule = AssignmentRule(Strategy.LEAST_LOADED, tuple(staff))

    def run() -> int:
        count = 0
        for i in range(200):
            assigner = StaffAssigner(rule, staff, roster)
            for _ in generate(daily(i), calendar, *YEAR, assigner=assigner):
                count += 1
        return count

    report("daily + least-loaded assignment on a roster", run)


def main() -> None:
    print(f"Python {sys.version.split()[0]}, one year per plan, one core, CPU time")
    measure("daily 08:00, holidays ignored", daily, 2000)
    measure("weekly every day, holidays ignored", weekly, 2000)
    measure("daily, skip non-working days (office)", office_days, 2000)
    measure("monthly last day, previous working day", monthly_last_day, 5000)
    measure("elevator: 14-day, 4 tiers, 15-day ceiling", elevator, 2000)
    measure("elevator, continuing from a last visit", elevator, 2000,
            last_visit=LastVisit(dt.datetime(2025, 12, 20, 10)))  # fmt: skip
    with_assignment()


if __name__ == "__main__":
    main()
