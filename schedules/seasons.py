"""Season windows: month-day ranges such as "before the rainy season" (04-01..05-31).

A window may wrap the year end (11-15..02-28 = winter). Both ends are inclusive.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SeasonWindow:
    """Inclusive month-day range; `start > end` means it wraps past 31 Dec."""

    start: tuple[int, int]
    end: tuple[int, int]
    label_zh: str = field(default="", compare=False)
    label_en: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        for month, day in (self.start, self.end):
            dt.date(2024, month, day)  # raises on 02-30, 13-01 …; 2024 allows 02-29

    @classmethod
    def parse(cls, text: str) -> SeasonWindow:
        """ "04-01..05-31" → SeasonWindow((4, 1), (5, 31))."""
        first, sep, last = text.partition("..")
        if not sep:
            raise ValueError(f"season {text!r}: expected MM-DD..MM-DD")
        return cls(_month_day(first), _month_day(last))

    def contains(self, day: dt.date) -> bool:
        key = (day.month, day.day)
        if self.start <= self.end:
            return self.start <= key <= self.end
        return key >= self.start or key <= self.end

    def __str__(self) -> str:
        return f"{self.start[0]:02d}-{self.start[1]:02d}..{self.end[0]:02d}-{self.end[1]:02d}"

    def next_anchor(self, after: dt.date) -> dt.date:
        """The day a yearly visit anchored to this window falls on, first after `after`.

        A week into the window (or its middle, if shorter than three weeks), so a
        holiday move to the nearest working day still lands inside it.
        """
        for year in (after.year - 1, after.year, after.year + 1):
            first = _month_day_in(year, self.start)
            last = _month_day_in(year + (self.start > self.end), self.end)
            anchor = first + dt.timedelta(days=min(7, (last - first).days // 2))
            if anchor > after:
                return anchor
        raise AssertionError("a window recurs every year")

    def around(self, day: dt.date) -> tuple[dt.date, dt.date]:
        """First and last day of this window's instance holding `day` (inside the window)."""
        year = day.year
        if self.start > self.end and (day.month, day.day) <= self.end:
            year -= 1  # the winter that began last year
        return _month_day_in(year, self.start), _month_day_in(
            year + (self.start > self.end), self.end
        )

    def label(self, locale: str) -> str:
        return self.label_zh if locale == "zh" else self.label_en


def _month_day_in(year: int, month_day: tuple[int, int]) -> dt.date:
    month, day = month_day
    if (month, day) == (2, 29) and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        day = 28
    return dt.date(year, month, day)


def in_any_season(day: dt.date, seasons: Iterable[SeasonWindow]) -> bool:
    return any(season.contains(day) for season in seasons)


def season_breaks_between(first: dt.date, last: dt.date, seasons: tuple[SeasonWindow, ...]) -> bool:
    """True if some day strictly between `first` and `last` lies outside every window."""
    day = first + dt.timedelta(days=1)
    while day < last:
        if not in_any_season(day, seasons):
            return True
        day += dt.timedelta(days=1)
    return False


def _month_day(text: str) -> tuple[int, int]:
    month, sep, day = text.strip().partition("-")
    if not (sep and month.isdigit() and day.isdigit()):
        raise ValueError(f"season bound {text!r}: expected MM-DD")
    return int(month), int(day)
