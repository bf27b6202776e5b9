"""Security patrol rounds: every N hours inside each shift, checkpoints in order.

A round starts at the shift start and then every `every`; a round is only planned
if its last checkpoint is still inside the shift, so a guard never owes a round the
next shift has to finish. Times are counted in elapsed (UTC) time, so a round every
hour stays an hour apart even on a DST night.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from schedules.shifts import Shift
from schedules.wallclock import localize, zone

_UTC = dt.UTC


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A patrol point (巡更点) reached `offset` after the round starts."""

    key: str
    offset: dt.timedelta
    name: str = ""


@dataclass(frozen=True, slots=True)
class PatrolRoute:
    key: str
    checkpoints: tuple[Checkpoint, ...]

    def __post_init__(self) -> None:
        offsets = [c.offset for c in self.checkpoints]
        if not offsets or offsets != sorted(offsets) or offsets[0] < dt.timedelta(0):
            raise ValueError(f"route {self.key}: checkpoints need ascending offsets from 0")

    @property
    def duration(self) -> dt.timedelta:
        return self.checkpoints[-1].offset


@dataclass(frozen=True, slots=True)
class PatrolRound:
    """One round: `stops` pairs each checkpoint key with its aware due time."""

    route: str
    shift: str
    shift_day: dt.date
    index: int
    starts: dt.datetime
    stops: tuple[tuple[str, dt.datetime], ...]


def patrol_rounds(
    route: PatrolRoute,
    shifts: Sequence[Shift],
    first_day: dt.date,
    last_day: dt.date,
    *,
    every: dt.timedelta,
    timezone: str = "Asia/Shanghai",
) -> Iterator[PatrolRound]:
    """Rounds of `route` for each shift starting on each day in [first_day, last_day]."""
    if every <= dt.timedelta(0):
        raise ValueError("patrol interval must be positive")
    tz = zone(timezone)
    day = first_day
    while day <= last_day:
        for shift in shifts:
            shift_start = localize(dt.datetime.combine(day, shift.start), tz, timezone)
            start_utc = shift_start.astimezone(_UTC)
            end_utc = start_utc + shift.duration
            index = 0
            round_start = start_utc
            while round_start + route.duration <= end_utc:
                yield PatrolRound(
                    route=route.key,
                    shift=shift.key,
                    shift_day=day,
                    index=index,
                    starts=round_start.astimezone(tz),
                    stops=tuple(
                        (c.key, (round_start + c.offset).astimezone(tz)) for c in route.checkpoints
                    ),
                )
                index += 1
                round_start = start_utc + every * index
        day += dt.timedelta(days=1)
