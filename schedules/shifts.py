"""Shift definitions and rotation patterns (排班), as data with stable preset keys.

A pattern is a cycle of day entries (a shift key, or None for a rest day) that every
team walks through, each team starting `team_step` days further along, so the teams
together cover every shift of every day. `office_week` (行政班) has no cycle: it works
on the calendar's working days, 调休 Saturdays and Sundays included.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Shift:
    """A shift of `hours` starting at wall time `start`; a night shift crosses midnight."""

    key: str
    name_zh: str
    name_en: str
    start: dt.time
    hours: float

    @property
    def duration(self) -> dt.timedelta:
        return dt.timedelta(hours=self.hours)

    @property
    def crosses_midnight(self) -> bool:
        start = dt.datetime.combine(dt.date(2000, 1, 1), self.start)
        return (start + self.duration).date() != start.date()


@dataclass(frozen=True, slots=True)
class RotationPattern:
    """Cycle of shift keys (None = rest) that `team_count` teams walk, `team_step` apart."""

    key: str
    name_zh: str
    name_en: str
    shifts: tuple[Shift, ...]
    cycle: tuple[str | None, ...]
    team_count: int
    team_step: int
    follows_workdays: bool = False

    def __post_init__(self) -> None:
        known = {s.key for s in self.shifts}
        unknown = {k for k in self.cycle if k is not None} - known
        if unknown:
            raise ValueError(f"pattern {self.key}: unknown shift keys {sorted(unknown)}")

    def shift(self, key: str) -> Shift:
        return next(s for s in self.shifts if s.key == key)

    def entry(self, day_number: int, team_offset: int) -> str | None:
        """Shift key (or None) for a team `team_offset` days along, on day `day_number`."""
        return self.cycle[(day_number + team_offset) % len(self.cycle)]


EARLY = Shift("early", "早班", "early", dt.time(7), 8)
MIDDLE = Shift("middle", "中班", "middle", dt.time(15), 8)
NIGHT = Shift("night", "夜班", "night", dt.time(23), 8)
DAY_12H = Shift("day12", "白班", "day (12 h)", dt.time(8), 12)
NIGHT_12H = Shift("night12", "夜班", "night (12 h)", dt.time(20), 12)
OFFICE = Shift("office", "行政班", "office hours", dt.time(9), 9)
DAY_SHIFT = Shift("day", "白班", "day", dt.time(7), 9)

PRESETS: dict[str, RotationPattern] = {
    p.key: p
    for p in (
        RotationPattern(
            "three_shift", "三班倒", "three shifts, three teams",
            (EARLY, MIDDLE, NIGHT),
            ("early", "early", "middle", "middle", "night", "night"),
            team_count=3, team_step=2,
        ),
        RotationPattern(
            "four_team_three_shift", "四班三运转", "four teams, three shifts",
            (EARLY, MIDDLE, NIGHT),
            ("early", "early", "middle", "middle", "night", "night", None, None),
            team_count=4, team_step=2,
        ),
        RotationPattern(
            "three_team_two_shift", "三班两运转", "three teams, two 12-hour shifts",
            (DAY_12H, NIGHT_12H),
            ("day12", "day12", "night12", "night12", None, None),
            team_count=3, team_step=2,
        ),
        RotationPattern(
            "two_shift", "两班倒", "two teams, 12-hour day/night, weekly swap",
            (DAY_12H, NIGHT_12H),
            ("day12",) * 7 + ("night12",) * 7,
            team_count=2, team_step=7,
        ),
        RotationPattern(
            "six_on_one_off", "做六休一（轮休）", "six days on, one off, staggered",
            (DAY_SHIFT,),
            ("day",) * 6 + (None,),
            team_count=7, team_step=1,
        ),
        RotationPattern(
            "office_week", "行政班", "office week (working days)",
            (OFFICE,), ("office",), team_count=1, team_step=0, follows_workdays=True,
        ),
    )
}  # fmt: skip
