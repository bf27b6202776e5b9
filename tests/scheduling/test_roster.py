"""The app's lazy roster answers exactly what the engine's `build_roster` would."""

from __future__ import annotations

import datetime as dt

import pytest

from app.rosters.services import ROSTER_EPOCH, LazyRoster
from schedules import PRESETS, Leave, Team, WorkCalendar, build_roster

FIRST, LAST = dt.date(2026, 2, 1), dt.date(2026, 3, 20)  # Spring Festival, 调休, a DST change
OFFSETS = (0, 1, 2, 5, 7)
MEMBERS = [f"m{offset}{x}" for offset in OFFSETS for x in "ab"]


@pytest.mark.parametrize("zone_name", ["Asia/Shanghai", "America/New_York"])
@pytest.mark.parametrize("pattern", sorted(PRESETS))
def test_the_lazy_roster_matches_build_roster_day_by_day_and_hour_by_hour(
    pattern: str, zone_name: str
) -> None:
    calendar = WorkCalendar()
    crews = [
        Team(f"{pattern}@{offset}", (f"m{offset}a", f"m{offset}b"), pattern, offset)
        for offset in OFFSETS
    ]
    crews.append(Team(f"{pattern}@3", ("m0a", "m1b"), pattern, 3))  # in two teams
    leaves = [Leave("m0a", dt.date(2026, 2, 10), dt.date(2026, 2, 20)), Leave("m2b", LAST, LAST)]
    expected = build_roster(
        crews, FIRST, LAST, epoch=ROSTER_EPOCH, timezone=zone_name, calendar=calendar,
        leaves=leaves,
    )  # fmt: skip
    lazy = LazyRoster(crews, leaves, zone_name, calendar)

    day = FIRST
    while day <= LAST:
        assert set(lazy.duties_on(day)) == set(expected.duties_on(day)), day
        assert lazy.on_leave("m0a", day) == expected.on_leave("m0a", day)
        day += dt.timedelta(days=1)
    instant = dt.datetime.combine(FIRST + dt.timedelta(days=1), dt.time(), dt.UTC)
    while instant.date() < LAST:
        on_duty = expected.members_on_duty(instant)
        assert {m for m in MEMBERS if lazy.is_on_duty(m, instant)} == on_duty, instant
        assert lazy.members_on_duty(instant) == on_duty, instant
        assert set(lazy.on_duty(instant)) == set(expected.on_duty(instant)), instant
        instant += dt.timedelta(minutes=50)
