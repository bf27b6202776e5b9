"""A site's shared load ledger: who already carries how much work, on a day and in a week.

"Least loaded" counted per plan sent every plan's first visit to the pool's first
member (one supervisor got 60 jobs on a day). The generation layer creates one ledger
per site and run, seeds it with the stored work it keeps, and passes it to every
plan's `StaffAssigner`; every assignment of every strategy is recorded in it, and
least-loaded plans pick whoever has the least working time that day, then that ISO
week. Working time is the visit's duration in minutes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict


class LoadLedger:
    """Minutes of work per (member, day) and (member, ISO week); plain counters."""

    __slots__ = ("_days", "_weeks")

    def __init__(self) -> None:
        self._days: defaultdict[tuple[str, dt.date], int] = defaultdict(int)
        self._weeks: defaultdict[tuple[str, int, int], int] = defaultdict(int)

    def add(self, member: str, due: dt.datetime, minutes: int) -> None:
        """Record work for `member` on the day of `due` (in its own zone)."""
        day = due.date()
        year, week, _ = day.isocalendar()
        self._days[member, day] += minutes
        self._weeks[member, year, week] += minutes

    def remove(self, member: str, due: dt.datetime, minutes: int) -> None:
        """Take back work recorded for `member`: a stored visit that a re-plan redoes."""
        self.add(member, due, -minutes)

    def load(self, member: str, due: dt.datetime) -> tuple[int, int]:
        """(minutes that day, minutes that ISO week): least loaded sorts on this."""
        day = due.date()
        year, week, _ = day.isocalendar()
        return self._days.get((member, day), 0), self._weeks.get((member, year, week), 0)

    def minutes_on(self, member: str, day: dt.date) -> int:
        return self._days.get((member, day), 0)
