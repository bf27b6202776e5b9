"""Cleaning (保洁) and greening (绿化) task lists per cleaner per day.

The catalog gives, per task, a frequency for each service level (一级/二级/三级 as
keys "1", "2", "3"); each area has a kind, a level and the cleaner it belongs to.
A frequency is an RRULE on dates (phase counted from `epoch`) with a number of times
per day and optional season windows (e.g. summer mowing). The result is what a
cleaner's printed sheet for the day lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from schedules.recurrence import expand, parse_rule
from schedules.seasons import SeasonWindow, in_any_season


class ServiceLevel(StrEnum):
    ONE = "1"
    TWO = "2"
    THREE = "3"


@dataclass(frozen=True, slots=True)
class Frequency:
    """`times_per_day` on each day of `rule` (e.g. "FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO")."""

    rule: str
    times_per_day: int = 1
    seasons: tuple[SeasonWindow, ...] = ()


@dataclass(frozen=True, slots=True)
class CleaningTask:
    """A task for areas of the given kinds, with a frequency per service level.

    A level missing from `frequencies` means the task is not done at that level.
    """

    key: str
    name_zh: str
    area_kinds: frozenset[str]
    frequencies: tuple[tuple[ServiceLevel, Frequency], ...]

    def frequency(self, level: ServiceLevel) -> Frequency | None:
        return dict(self.frequencies).get(level)


@dataclass(frozen=True, slots=True)
class Area:
    key: str
    kind: str
    level: ServiceLevel
    cleaner: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class TaskLine:
    """One line of a cleaner's daily sheet."""

    area: str
    task: str
    times: int


def daily_task_lists(
    areas: Iterable[Area],
    tasks: Iterable[CleaningTask],
    first_day: dt.date,
    last_day: dt.date,
    *,
    epoch: dt.date,
) -> dict[tuple[str, dt.date], tuple[TaskLine, ...]]:
    """{(cleaner, day): lines} for every day in [first_day, last_day] with work."""
    tasks = tuple(tasks)
    lines: dict[tuple[str, dt.date], list[TaskLine]] = {}
    for area in areas:
        for task in tasks:
            if area.kind not in task.area_kinds:
                continue
            frequency = task.frequency(area.level)
            if frequency is None:
                continue
            for day in _days(frequency, first_day, last_day, epoch):
                lines.setdefault((area.cleaner, day), []).append(
                    TaskLine(area.key, task.key, frequency.times_per_day)
                )
    return {key: tuple(value) for key, value in sorted(lines.items())}


def _days(
    frequency: Frequency, first_day: dt.date, last_day: dt.date, epoch: dt.date
) -> list[dt.date]:
    instances = expand(
        parse_rule(frequency.rule),
        dt.datetime.combine(epoch, dt.time()),
        dt.datetime.combine(first_day, dt.time()),
        dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time()),
    )
    days = [instance.date() for instance in instances]
    if frequency.seasons:
        days = [d for d in days if in_any_season(d, frequency.seasons)]
    return days


def tasks_by_level(tasks: Iterable[CleaningTask], level: ServiceLevel) -> Mapping[str, Frequency]:
    """The catalog as seen at one service level (for previews)."""
    return {t.key: f for t in tasks if (f := t.frequency(level)) is not None}
