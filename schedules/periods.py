"""Implied statutory ceilings: what a frequency promises when the catalog names no ceiling.

* weekly work: no ISO week without a visit; monthly work: no calendar month without
  one. Both are calendar periods, not gaps (Monday of one week to Sunday of the next
  is 13 days and loses a week), so a plan carries `each_period` and the engine keeps a
  visit inside its period when a holiday would move it out or skip it;
* quarterly, half-yearly and yearly work: at most the period plus its tolerance
  between visits, an ordinary `ceiling_days`.

The generation layer calls `implied_limits` for statutory tasks without an explicit
ceiling and passes the results into `Plan`.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from dateutil import rrule as du

from schedules.recurrence import RecurrenceRule, parse_rule


class Period(StrEnum):
    """A calendar period every one of which must hold a visit."""

    ISO_WEEK = "iso_week"
    MONTH = "month"

    def of(self, day: dt.date) -> tuple[int, int]:
        if self is Period.ISO_WEEK:
            year, week, _ = day.isocalendar()
            return year, week
        return day.year, day.month

    def bounds(self, day: dt.date) -> tuple[dt.date, dt.date]:
        """First and last day of the period holding `day`."""
        if self is Period.ISO_WEEK:
            first = day - dt.timedelta(days=day.weekday())
            return first, first + dt.timedelta(days=6)
        first = day.replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        return first, following - dt.timedelta(days=1)


def implied_limits(rule: str, tolerance_after_days: int = 0) -> tuple[int | None, Period | None]:
    """(ceiling_days, each_period) a statutory task of this frequency implies.

    Weekly → every ISO week; monthly → every calendar month; every n ≥ 2 months or
    years → the longest such span of the calendar plus the tolerance. Anything more
    frequent than weekly or irregular implies nothing.
    """
    parsed = parse_rule(rule)
    months = _months_per_period(parsed)
    if parsed.freq == du.WEEKLY and parsed.interval == 1:
        return None, Period.ISO_WEEK
    if parsed.freq == du.DAILY and parsed.interval == 7:
        return None, Period.ISO_WEEK
    if months == 1:
        return None, Period.MONTH
    if months is not None and months >= 2:
        return _longest_span(months) + tolerance_after_days, None
    return None, None


def _months_per_period(rule: RecurrenceRule) -> int | None:
    if rule.freq == du.MONTHLY and len(rule.bymonthday) <= 1 and not rule.byday:
        return rule.interval
    if rule.freq == du.YEARLY and not rule.bymonth[1:]:
        return 12 * rule.interval
    return None


def _longest_span(months: int) -> int:
    """Most days `months` calendar months can span (3 → 92, 6 → 184, 12 → 366)."""
    longest = 0
    for year in (2023, 2024):  # a common and a leap year cover every case
        for month in range(1, 13):
            index = year * 12 + month - 1 + months
            later = dt.date(index // 12, index % 12 + 1, 1)
            longest = max(longest, (later - dt.date(year, month, 1)).days)
    return longest
