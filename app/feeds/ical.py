"""Plain event values → iCalendar bytes, with icalendar 7.

Byte-stable by construction: events are sorted, DTSTAMP and LAST-MODIFIED come from
the row (RFC 5545 §3.8.7.2: without METHOD they mean the same), the calendar UID is
fixed, and nothing reads the clock. One VTIMEZONE for the one TZID used, generated
from a recent `first_date` so Asia/Shanghai is a single STANDARD block.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone, vDuration

from app.core.text import clean_text, one_line

log = logging.getLogger(__name__)

PRODID = "-//Rounds//Calendar feeds//ZH"
TTL = timedelta(hours=1)
EVENT_CACHE_SIZE = 8192  # at most ~20 MB of events and their keys per worker
CALENDAR_END = b"END:VCALENDAR\r\n"
TZ_FIRST_DATE = date(2020, 1, 1)
"""Recent enough to leave out China's 1986–1991 summer time; before any visit a feed shows."""


@dataclass(frozen=True)
class EventData:
    """One visit as the calendar shows it."""

    uid: str
    start: datetime  # aware; written in the calendar's zone
    end: datetime
    stamp: datetime  # the row's updated_at: DTSTAMP and LAST-MODIFIED
    sequence: int
    summary: str
    location: str
    description: str
    categories: tuple[str, ...]
    status: str  # TENTATIVE | CONFIRMED
    order: int = 0  # ties on time are broken by this (the row id), never by chance
    url: str | None = None
    transparent: bool = False


@dataclass(frozen=True)
class CalendarData:
    """The calendar around the events."""

    uid: str
    name: str
    description: str
    timezone: str
    subscription: bool = True  # adds REFRESH-INTERVAL / X-PUBLISHED-TTL
    alarm_minutes: int | None = None
    color: str | None = None


@lru_cache(maxsize=32)
def vtimezone(timezone: str) -> Timezone:
    """Built once per zone; without the COMMENT that libical's checker flags."""
    component = Timezone.from_tzinfo(ZoneInfo(timezone), tzid=timezone, first_date=TZ_FIRST_DATE)
    component.pop("COMMENT", None)
    return component


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(microsecond=0)


def _event(data: EventData, zone: ZoneInfo, alarm_minutes: int | None) -> Event:
    """One VEVENT; the time zone is the calendar's, so the feed uses exactly one TZID."""
    start = data.start.astimezone(zone).replace(microsecond=0)
    end = data.end.astimezone(zone).replace(microsecond=0)
    if end <= start:  # a zero-length visit still needs DTEND after DTSTART
        end = start + timedelta(minutes=15)
    event = Event.new(
        uid=data.uid,
        stamp=_utc(data.stamp),
        last_modified=_utc(data.stamp),
        sequence=data.sequence,
        start=start,
        end=end,
        summary=one_line(data.summary),
        location=one_line(data.location) or None,
        description=clean_text(data.description) or None,
        categories=[one_line(category) for category in data.categories],
        status=data.status,
        transparency="TRANSPARENT" if data.transparent else "OPAQUE",
        url=data.url,
    )
    if alarm_minutes is not None:
        alarm = Alarm.new(description=one_line(data.summary))
        alarm.add("ACTION", "DISPLAY")
        alarm.add("TRIGGER", timedelta(minutes=-alarm_minutes))
        event.add_component(alarm)
    return event


@lru_cache(maxsize=EVENT_CACHE_SIZE)
def event_bytes(data: EventData, timezone: str, alarm_minutes: int | None) -> bytes:
    """A VEVENT's lines, kept per worker: after one edit a feed re-serialises one event,
    not all of them (the value itself is the key, so a changed row can never hit)."""
    return bytes(_event(data, ZoneInfo(timezone), alarm_minutes).to_ical())


def sort_key(data: EventData) -> tuple[datetime, datetime, int, str]:
    return (data.start, data.end, data.order, data.uid)


def render(calendar: CalendarData, events: Sequence[EventData]) -> bytes:
    """The whole VCALENDAR; same input, same bytes."""
    cal = Calendar.new(
        uid=calendar.uid,
        prodid=PRODID,
        name=one_line(calendar.name),
        description=clean_text(calendar.description) or None,
        refresh_interval=TTL if calendar.subscription else None,
        color=calendar.color,
    )
    if calendar.subscription:
        cal["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"  # required by RFC 7986 §5.7
        cal.add("X-PUBLISHED-TTL", vDuration(TTL))  # a bare timedelta would be text
    cal.add("X-WR-TIMEZONE", calendar.timezone)
    cal.add_component(vtimezone(calendar.timezone))
    head = cal.to_ical()
    assert head.endswith(CALENDAR_END)
    lines = (_event_or_nothing(data, calendar) for data in sorted(events, key=sort_key))
    return head[: -len(CALENDAR_END)] + b"".join(lines) + CALENDAR_END


def _event_or_nothing(data: EventData, calendar: CalendarData) -> bytes:
    """One event's bytes; a row icalendar refuses is left out and logged, so subscribers
    keep getting every other visit instead of a feed that fails until someone notices."""
    try:
        return event_bytes(data, calendar.timezone, calendar.alarm_minutes)
    except Exception:  # icalendar raises assertions and ValueErrors on odd text
        log.exception("feed %s left out event %s", calendar.uid, data.uid)
        return b""
