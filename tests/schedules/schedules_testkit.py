"""Shared builders for the engine tests (kept out of conftest so tests can import them)."""

from __future__ import annotations

import datetime as dt
import itertools

from schedules import Occurrence, Status, Tier

ELEVATOR_TIERS = (
    Tier("half_monthly", name_zh="半月保养", name_en="half-monthly"),
    Tier("quarterly", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15", "季度保养", "quarterly"),
    Tier("half_yearly", "FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=15", "半年保养", "half-yearly"),
    Tier("annual", "FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=15", "年度保养", "annual"),
)


def planned(occurrences: list[Occurrence]) -> list[Occurrence]:
    return [o for o in occurrences if o.status is Status.PLANNED]


def gaps_in_days(previous: dt.date | None, occurrences: list[Occurrence]) -> list[int]:
    """Days between consecutive planned visits, starting from `previous` if given."""
    days = [o.due.date() for o in planned(occurrences)]
    if previous is not None:
        days.insert(0, previous)
    return [(later - earlier).days for earlier, later in itertools.pairwise(days)]
