"""China's working-day calendar: public holidays, 调休 make-up days and site overrides.

Sources, in order of precedence:
1. per-site overrides (date → holiday/workday with a note), e.g. imported from a file;
2. `chinese_calendar` for the years it has official State Council data (2004–2026 in
   1.11; a newer release extends this automatically);
3. `holidays` (CN) for any other year: rule-based guesses with no 调休, so such years
   are *provisional* unless the overrides declare the year complete.

Lookups run millions of times during generation, so each year is turned into one
dict of exceptional days the first time it is touched; plain weekdays and weekends
need no entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

import chinese_calendar
import holidays as holidays_lib
from chinese_calendar import constants as chinese_calendar_data

from schedules.holiday_names import WEEKEND_NAMES, HolidayName, from_chinese_calendar, from_zh

Locale = Literal["zh", "en"]


class DayKind(StrEnum):
    HOLIDAY = "holiday"
    WORKDAY = "workday"


@dataclass(frozen=True, slots=True)
class DayOverride:
    """A site's own ruling on one date; wins over both libraries."""

    day: dt.date
    kind: DayKind
    note: str = ""


@dataclass(frozen=True, slots=True)
class CalendarOverrides:
    """What an override file holds: the days, and the years it declares complete."""

    days: tuple[DayOverride, ...] = ()
    complete_years: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class _DayInfo:
    workday: bool
    makeup: bool = False
    name: HolidayName | None = None


@dataclass(slots=True)
class _Year:
    official: bool
    exceptions: dict[dt.date, _DayInfo]


def _official_year_data(year: int) -> dict[dt.date, _DayInfo] | None:
    """Exceptional days of `year` from `chinese_calendar`, or None if it has no data."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return None
    days: dict[dt.date, _DayInfo] = {}
    for day, name in chinese_calendar_data.holidays.items():
        if day.year == year:
            days[day] = _DayInfo(workday=False, name=from_chinese_calendar(name))
    for day, name in chinese_calendar_data.workdays.items():
        if day.year == year:
            days[day] = _DayInfo(workday=True, makeup=True, name=from_chinese_calendar(name))
    return days


def _provisional_year_data(year: int) -> dict[dt.date, _DayInfo]:
    """Rule-based guesses from `holidays`; its 调休 list is empty for such years."""
    zh = holidays_lib.country_holidays("CN", years=year, language="zh_CN")
    en = holidays_lib.country_holidays("CN", years=year, language="en_US")
    days: dict[dt.date, _DayInfo] = {
        day: _DayInfo(workday=False, name=from_zh(name, en.get(day))) for day, name in zh.items()
    }
    for day in zh.weekend_workdays:
        if day.year == year:
            days[day] = _DayInfo(workday=True, makeup=True)
    return days


class WorkCalendar:
    """Is a date a working day in mainland China, for one site?

    Weekends are rest days unless 调休 makes them make-up working days.
    """

    def __init__(self, overrides: CalendarOverrides | Iterable[DayOverride] = ()) -> None:
        if not isinstance(overrides, CalendarOverrides):
            overrides = CalendarOverrides(days=tuple(overrides))
        self._overrides = {o.day: o for o in overrides.days}
        self._complete_years = overrides.complete_years
        self._years: dict[int, _Year] = {}
        self._workday_cache: dict[dt.date, bool] = {}

    @property
    def overrides(self) -> tuple[DayOverride, ...]:
        return tuple(self._overrides[d] for d in sorted(self._overrides))

    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is None:
            official = _official_year_data(year)
            exceptions = official if official is not None else _provisional_year_data(year)
            for day, override in self._overrides.items():
                if day.year == year:
                    exceptions[day] = self._from_override(day, override, exceptions.get(day))
            table = self._years[year] = _Year(official is not None, exceptions)
        return table

    @staticmethod
    def _from_override(day: dt.date, override: DayOverride, base: _DayInfo | None) -> _DayInfo:
        if override.kind is DayKind.HOLIDAY:
            name = from_zh(override.note) if override.note else base.name if base else None
            return _DayInfo(workday=False, name=name)
        return _DayInfo(workday=True, makeup=day.weekday() >= 5)

    def is_workday(self, day: dt.date) -> bool:
        """True on Monday–Friday that are not holidays, and on 调休 make-up days."""
        cached = self._workday_cache.get(day)
        if cached is None:
            info = self._year(day.year).exceptions.get(day)
            cached = info.workday if info is not None else day.weekday() < 5
            self._workday_cache[day] = cached
        return cached

    def is_makeup_workday(self, day: dt.date) -> bool:
        """A weekend day that is a working day (调休上班)."""
        info = self._year(day.year).exceptions.get(day)
        return info is not None and info.workday and day.weekday() >= 5

    def holiday_name(self, day: dt.date, locale: Locale = "zh") -> str | None:
        """Name of the public holiday on a rest day (e.g. 国庆节), else None."""
        info = self._year(day.year).exceptions.get(day)
        if info is None or info.workday or info.name is None:
            return None
        return info.name.zh if locale == "zh" else info.name.en

    def day_label(self, day: dt.date, locale: Locale = "zh") -> str | None:
        """What makes a day non-working, for reasons: a holiday name or 周六/周日."""
        if self.is_workday(day):
            return None
        name = self.holiday_name(day, locale)
        if name:
            return name
        weekend = WEEKEND_NAMES.get(day.weekday())
        if weekend:
            return weekend.zh if locale == "zh" else weekend.en
        return "休息日" if locale == "zh" else "rest day"

    def is_provisional(self, year: int) -> bool:
        """True when no official schedule backs `year` and no override completes it."""
        return not self._year(year).official and year not in self._complete_years

    def previous_workday(self, day: dt.date, *, not_before: dt.date) -> dt.date | None:
        """Latest working day ≤ `day` and ≥ `not_before`."""
        while day >= not_before:
            if self.is_workday(day):
                return day
            day -= _ONE_DAY
        return None

    def next_workday(self, day: dt.date, *, not_after: dt.date) -> dt.date | None:
        """Earliest working day ≥ `day` and ≤ `not_after`."""
        while day <= not_after:
            if self.is_workday(day):
                return day
            day += _ONE_DAY
        return None

    def workdays(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """Working days in [start, end] inclusive."""
        days = []
        day = start
        while day <= end:
            if self.is_workday(day):
                days.append(day)
            day += _ONE_DAY
        return days


_ONE_DAY = dt.timedelta(days=1)
