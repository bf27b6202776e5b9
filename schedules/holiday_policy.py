"""Applying a plan's holiday policy to one nominal day, with the reason why."""

from __future__ import annotations

import datetime as dt

from schedules.calendar import WorkCalendar
from schedules.plans import HolidayPolicy
from schedules.reasons import Reason, ReasonCode

SEARCH_DAYS = 30
"""How far previous/next/nearest look; China's longest break is 8–9 days."""

_ONE_DAY = dt.timedelta(days=1)


def apply_policy(
    policy: HolidayPolicy, day: dt.date, calendar: WorkCalendar
) -> tuple[dt.date | None, Reason | None]:
    """(day to use or None to skip, reason if the day changed or was dropped)."""
    if policy is HolidayPolicy.IGNORE or calendar.is_workday(day):
        return day, None
    if policy is HolidayPolicy.SKIP:
        return None, Reason.of(ReasonCode.HOLIDAY_SKIPPED, **day_params("from", day, calendar))
    moved = _search(policy, day, calendar)
    if moved is None:
        reason = Reason.of(
            ReasonCode.NO_WORKDAY_FOUND,
            searched_days=SEARCH_DAYS,
            **day_params("from", day, calendar),
        )
        return day, reason
    reason = Reason.of(
        ReasonCode.HOLIDAY_MOVED, to=moved.isoformat(), **day_params("from", day, calendar)
    )
    return moved, reason


def _search(policy: HolidayPolicy, day: dt.date, calendar: WorkCalendar) -> dt.date | None:
    span = dt.timedelta(days=SEARCH_DAYS)
    if policy is HolidayPolicy.PREVIOUS:
        return calendar.previous_workday(day, not_before=day - span)
    if policy is HolidayPolicy.NEXT:
        return calendar.next_workday(day, not_after=day + span)
    for distance in range(1, SEARCH_DAYS + 1):
        for candidate in (day - dt.timedelta(days=distance), day + dt.timedelta(days=distance)):
            if calendar.is_workday(candidate):
                return candidate
    return None


def day_params(prefix: str, day: dt.date, calendar: WorkCalendar) -> dict[str, str | None]:
    """`prefix`, `prefix_label_zh`, `prefix_label_en` for reason rendering."""
    return {
        prefix: day.isoformat(),
        f"{prefix}_label_zh": calendar.day_label(day, "zh"),
        f"{prefix}_label_en": calendar.day_label(day, "en"),
    }
