"""Wall-clock times in a site's IANA zone → aware datetimes, deliberately across DST.

Plans are written in wall time ("08:00 every day"), so expansion happens on naive
wall times and the zone is attached last. Two edge cases are decided here:

* a wall time inside a spring-forward gap (e.g. 02:30 on the night clocks jump from
  02:00 to 03:00) does not exist. RFC 5545 would drop the instance; a maintenance
  visit must not vanish, so it is moved forward by the length of the gap (02:30 →
  03:30), the instant a wall clock that had not jumped would show;
* a wall time that occurs twice in a fall-back overlap takes the first (earlier,
  summer-time) instant (`fold=0`).

Checking for gaps costs a UTC round trip, so only days on which the zone changes
offset (found once per zone and year) pay it.
"""

from __future__ import annotations

import datetime as dt
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

_UTC = dt.UTC


@cache
def zone(name: str) -> ZoneInfo:
    """Shared `ZoneInfo` per name, so aware datetimes compare and subtract as wall time."""
    return ZoneInfo(name)


@lru_cache(maxsize=4096)
def transition_days(zone_name: str, year: int) -> frozenset[dt.date]:
    """Dates in `year` whose UTC offset at midnight differs from the next midnight's."""
    tz = zone(zone_name)
    days = set()
    day = dt.date(year, 1, 1)
    offset = dt.datetime(year, 1, 1, tzinfo=tz).utcoffset()
    while day.year == year:
        following = day + dt.timedelta(days=1)
        next_offset = dt.datetime.combine(following, dt.time(), tzinfo=tz).utcoffset()
        if next_offset != offset:
            days.add(day)
        day, offset = following, next_offset
    return frozenset(days)


def localize(wall: dt.datetime, tz: ZoneInfo, zone_name: str) -> dt.datetime:
    """Attach `tz` to a naive wall time, moving gap times forward (see module doc)."""
    aware = wall.replace(tzinfo=tz)
    if wall.date() not in transition_days(zone_name, wall.year):
        return aware
    return aware.astimezone(_UTC).astimezone(tz)


def to_wall(value: dt.datetime, zone_name: str) -> dt.datetime:
    """Naive wall time in the zone; aware inputs are converted first."""
    if value.tzinfo is None:
        return value
    return value.astimezone(zone(zone_name)).replace(tzinfo=None)
