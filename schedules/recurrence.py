"""RFC 5545 RRULE expansion on naive wall-clock times, fast for the common rules.

The engine asks "which instances of this rule fall in [start, end)?" millions of
times, so:

* plain DAILY, WEEKLY-by-weekday, MONTHLY-by-month-day and plain YEARLY rules (any
  INTERVAL, with or without UNTIL, no COUNT) are computed by calendar arithmetic, no
  dateutil. A monthly or yearly day taken from DTSTART is clamped to the month's last
  day where the month is shorter (RFC 5545 would drop the month; see `clamps_month_end`);
* every other rule goes to dateutil with DTSTART re-anchored to the start of the
  interval period just before the query (tech-notes §5.1: `between()` walks from
  DTSTART, so a 10-year-old DTSTART costs ~10× more). The defaults dateutil would
  take from DTSTART (month day, weekday, time of day) are made explicit first, so
  moving DTSTART keeps the phase. Rules with COUNT must be counted from the real
  DTSTART and are not re-anchored;
* results are cached per (rule, dtstart, range): many plans share a rule and start.

Times are naive wall times in the plan's zone; `schedules.wallclock` attaches it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from dateutil import rrule as du

_FREQS = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY")
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_INT_LISTS = (
    "BYMONTH",
    "BYMONTHDAY",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYHOUR",
    "BYMINUTE",
    "BYSECOND",
    "BYSETPOS",
)
_ONE_DAY = dt.timedelta(days=1)


class RuleError(ValueError):
    """An RRULE string this engine cannot honour; the message names the part."""


@dataclass(frozen=True, slots=True)
class RecurrenceRule:
    """A parsed RRULE. `byday` holds (ordinal or 0, weekday 0=Monday) pairs."""

    text: str
    freq: int
    interval: int = 1
    count: int | None = None
    until: dt.datetime | None = None
    wkst: int = 0
    byday: tuple[tuple[int, int], ...] = ()
    bymonth: tuple[int, ...] = ()
    bymonthday: tuple[int, ...] = ()
    byyearday: tuple[int, ...] = ()
    byweekno: tuple[int, ...] = ()
    byhour: tuple[int, ...] = ()
    byminute: tuple[int, ...] = ()
    bysecond: tuple[int, ...] = ()
    bysetpos: tuple[int, ...] = ()

    @property
    def is_daily_simple(self) -> bool:
        return self.freq == du.DAILY and self._only()

    @property
    def is_weekly_simple(self) -> bool:
        return self.freq == du.WEEKLY and self._only("byday") and all(n == 0 for n, _ in self.byday)

    @property
    def is_monthly_simple(self) -> bool:
        return self.freq == du.MONTHLY and self._only("bymonthday")

    @property
    def is_yearly_simple(self) -> bool:
        """Yearly on the start's own month and day (the one a plan started on 29 Feb
        needs clamped); other yearly rules go to dateutil."""
        return self.freq == du.YEARLY and self._only()

    def _only(self, *allowed: str) -> bool:
        if self.count is not None:
            return False
        fields = (
            "byday",
            "bymonth",
            "bymonthday",
            "byyearday",
            "byweekno",
            "byhour",
            "byminute",
            "bysecond",
            "bysetpos",
        )
        return all(not getattr(self, f) for f in fields if f not in allowed)


@lru_cache(maxsize=4096)
def parse_rule(text: str) -> RecurrenceRule:
    """Parse "FREQ=WEEKLY;BYDAY=MO,TH" (an optional "RRULE:" prefix is accepted).

    UNTIL is read as wall time in the plan's zone; a trailing "Z" is not supported
    because wall-clock plans have no use for a UTC bound.
    """
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    parts: dict[str, str] = {}
    for part in filter(None, body.split(";")):
        key, sep, value = part.partition("=")
        if not sep or not value:
            raise RuleError(f"{text!r}: {part!r} is not NAME=VALUE")
        parts[key.strip().upper()] = value.strip().upper()
    freq_name = parts.pop("FREQ", None)
    if freq_name not in _FREQS:
        raise RuleError(f"{text!r}: FREQ must be one of {', '.join(_FREQS)}")
    kwargs: dict[str, object] = {"freq": _FREQS.index(freq_name)}
    if "INTERVAL" in parts:
        kwargs["interval"] = _positive(text, "INTERVAL", parts.pop("INTERVAL"))
    if "COUNT" in parts:
        kwargs["count"] = _positive(text, "COUNT", parts.pop("COUNT"))
    if "UNTIL" in parts:
        kwargs["until"] = _until(text, parts.pop("UNTIL"))
    if "WKST" in parts:
        kwargs["wkst"] = _weekday(text, parts.pop("WKST"))
    if "BYDAY" in parts:
        kwargs["byday"] = tuple(_nth_weekday(text, v) for v in parts.pop("BYDAY").split(","))
    for key in _INT_LISTS:
        if key in parts:
            kwargs[key.lower()] = tuple(_integer(text, key, v) for v in parts.pop(key).split(","))
    if parts:
        raise RuleError(f"{text!r}: unsupported part(s) {', '.join(sorted(parts))}")
    return RecurrenceRule(text=text, **kwargs)  # type: ignore[arg-type]


def _positive(text: str, key: str, value: str) -> int:
    number = _integer(text, key, value)
    if number < 1:
        raise RuleError(f"{text!r}: {key} must be at least 1")
    return number


def _integer(text: str, key: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise RuleError(f"{text!r}: {key} value {value!r} is not a number") from None


def _weekday(text: str, value: str) -> int:
    if value not in _WEEKDAYS:
        raise RuleError(f"{text!r}: {value!r} is not a weekday (MO..SU)")
    return _WEEKDAYS.index(value)


def _nth_weekday(text: str, value: str) -> tuple[int, int]:
    day = _weekday(text, value[-2:])
    nth = value[:-2]
    return (_integer(text, "BYDAY", nth) if nth not in ("", "+") else 0, day)


def _until(text: str, value: str) -> dt.datetime:
    if value.endswith("Z"):
        raise RuleError(f"{text!r}: give UNTIL as local wall time, without Z")
    for fmt in ("%Y%m%dT%H%M%S", "%Y%m%d"):
        try:
            parsed = dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
        return parsed if "T" in value else parsed.replace(hour=23, minute=59, second=59)
    raise RuleError(f"{text!r}: UNTIL {value!r} is not YYYYMMDD or YYYYMMDDTHHMMSS")


# --- expansion ---------------------------------------------------------------------------


def expand(
    rule: RecurrenceRule, dtstart: dt.datetime, start: dt.datetime, end: dt.datetime
) -> tuple[dt.datetime, ...]:
    """Instances of `rule` (first instance rules as dateutil's) in [start, end)."""
    if rule.until is not None and rule.until < end:
        end = rule.until + dt.timedelta(microseconds=1)
    if start < dtstart:
        start = dtstart
    if start >= end:
        return ()
    return _expand_cached(rule, dtstart, start, end)


@lru_cache(maxsize=8192)
def _expand_cached(
    rule: RecurrenceRule, dtstart: dt.datetime, start: dt.datetime, end: dt.datetime
) -> tuple[dt.datetime, ...]:
    if rule.is_daily_simple:
        return _daily(rule.interval, dtstart, start, end)
    if rule.is_weekly_simple:
        weekdays = tuple(sorted({d for _, d in rule.byday})) or (dtstart.weekday(),)
        return _weekly(rule.interval, rule.wkst, weekdays, dtstart, start, end)
    if rule.is_monthly_simple:
        if rule.bymonthday:
            return _monthly(rule.interval, rule.bymonthday, dtstart, start, end)
        return _monthly(rule.interval, (dtstart.day,), dtstart, start, end, clamp=True)
    if rule.is_yearly_simple:
        return _monthly(12 * rule.interval, (dtstart.day,), dtstart, start, end, clamp=True)
    return _with_dateutil(rule, dtstart, start, end)


def clamps_month_end(rule: RecurrenceRule, dtstart: dt.datetime) -> bool:
    """True when a month without the start's day gets the month's last day instead.

    RFC 5545 drops such months; a plan started on 31 January must still be done in
    February, so a day taken from DTSTART (no BYMONTHDAY) is clamped. An explicit
    BYMONTHDAY=31 keeps RFC meaning (use -1 for "the last day").
    """
    return (
        dtstart.day >= 29
        and (rule.is_monthly_simple or rule.is_yearly_simple)
        and (not rule.bymonthday)
    )


def _daily(
    interval: int, dtstart: dt.datetime, start: dt.datetime, end: dt.datetime
) -> tuple[dt.datetime, ...]:
    lag = (start.date() - dtstart.date()).days
    first = dtstart + dt.timedelta(days=-(-lag // interval) * interval)
    if first < start:
        first += dt.timedelta(days=interval)
    step = dt.timedelta(days=interval)
    out = []
    current = first
    while current < end:
        out.append(current)
        current += step
    return tuple(out)


def _week_start(day: dt.date, wkst: int) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - wkst) % 7)


def _weekly(
    interval: int,
    wkst: int,
    weekdays: tuple[int, ...],
    dtstart: dt.datetime,
    start: dt.datetime,
    end: dt.datetime,
) -> tuple[dt.datetime, ...]:
    offsets = sorted((d - wkst) % 7 for d in weekdays)
    origin = _week_start(dtstart.date(), wkst)
    weeks = (_week_start(start.date(), wkst) - origin).days // 7
    week = origin + dt.timedelta(weeks=weeks // interval * interval)
    time_of_day = dtstart.time()
    out = []
    while True:
        for offset in offsets:
            instance = dt.datetime.combine(week + dt.timedelta(days=offset), time_of_day)
            if instance >= end:
                return tuple(out)
            if instance >= start:
                out.append(instance)
        week += dt.timedelta(weeks=interval)


def _monthly(
    interval: int,
    monthdays: tuple[int, ...],
    dtstart: dt.datetime,
    start: dt.datetime,
    end: dt.datetime,
    *,
    clamp: bool = False,
) -> tuple[dt.datetime, ...]:
    """Month days per `interval` months; `clamp` puts a missing day on the month's last."""
    origin = dtstart.year * 12 + dtstart.month - 1
    month = start.year * 12 + start.month - 1
    month = origin + (month - origin) // interval * interval
    time_of_day = dtstart.time()
    out = []
    while True:
        year, month0 = divmod(month, 12)
        length = _month_length(year, month0 + 1)
        if clamp:
            days = [min(monthdays[0], length)]
        else:
            days = sorted(
                {d if d > 0 else length + 1 + d for d in monthdays if -length <= d <= length}
            )
        for day in days:
            if day < 1:
                continue
            instance = dt.datetime.combine(dt.date(year, month0 + 1, day), time_of_day)
            if instance >= end:
                return tuple(out)
            if instance >= start:
                out.append(instance)
        month += interval


def _month_length(year: int, month: int) -> int:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


def _with_dateutil(
    rule: RecurrenceRule, dtstart: dt.datetime, start: dt.datetime, end: dt.datetime
) -> tuple[dt.datetime, ...]:
    anchor = dtstart if rule.count is not None else _reanchor(rule, dtstart, start)
    expanded = du.rrule(
        rule.freq,
        dtstart=anchor,
        interval=rule.interval,
        wkst=rule.wkst,
        count=rule.count,
        until=rule.until,
        **_explicit_by_parts(rule, dtstart),
    )
    return tuple(t for t in expanded.between(start, end, inc=True) if start <= t < end)


def _explicit_by_parts(rule: RecurrenceRule, dtstart: dt.datetime) -> dict[str, object]:
    """The BY* parts with dateutil's DTSTART-derived defaults written out."""
    parts: dict[str, object] = {
        "bymonth": rule.bymonth or None,
        "bymonthday": rule.bymonthday or None,
        "byyearday": rule.byyearday or None,
        "byweekno": rule.byweekno or None,
        "bysetpos": rule.bysetpos or None,
        "byweekday": tuple(du.weekday(d, n or None) for n, d in rule.byday) or None,
        "byhour": rule.byhour or None,
        "byminute": rule.byminute or None,
        "bysecond": rule.bysecond or None,
    }
    if not (rule.byweekno or rule.byyearday or rule.bymonthday or rule.byday):
        if rule.freq == du.YEARLY:
            parts["bymonth"] = rule.bymonth or (dtstart.month,)
            parts["bymonthday"] = (dtstart.day,)
        elif rule.freq == du.MONTHLY:
            parts["bymonthday"] = (dtstart.day,)
        elif rule.freq == du.WEEKLY:
            parts["byweekday"] = (dtstart.weekday(),)
    if rule.freq < du.HOURLY and not rule.byhour:
        parts["byhour"] = (dtstart.hour,)
    if rule.freq < du.MINUTELY and not rule.byminute:
        parts["byminute"] = (dtstart.minute,)
    if rule.freq < du.SECONDLY and not rule.bysecond:
        parts["bysecond"] = (dtstart.second,)
    return parts


def _reanchor(rule: RecurrenceRule, dtstart: dt.datetime, start: dt.datetime) -> dt.datetime:
    """Start of the latest interval period ≤ `start` that keeps the rule's phase."""
    n = rule.interval
    if rule.freq == du.YEARLY:
        year = dtstart.year + (start.year - dtstart.year) // n * n
        anchor = dt.datetime(year, 1, 1)
    elif rule.freq == du.MONTHLY:
        origin = dtstart.year * 12 + dtstart.month - 1
        month = origin + (start.year * 12 + start.month - 1 - origin) // n * n
        anchor = dt.datetime(month // 12, month % 12 + 1, 1)
    elif rule.freq == du.WEEKLY:
        origin = _week_start(dtstart.date(), rule.wkst)
        weeks = (_week_start(start.date(), rule.wkst) - origin).days // 7 // n * n
        anchor = dt.datetime.combine(origin + dt.timedelta(weeks=weeks), dt.time())
    elif rule.freq == du.DAILY:
        days = (start.date() - dtstart.date()).days // n * n
        anchor = dt.datetime.combine(dtstart.date() + dt.timedelta(days=days), dt.time())
    else:
        unit = {du.HOURLY: 3600, du.MINUTELY: 60, du.SECONDLY: 1}[rule.freq] * n
        steps = int((start - dtstart).total_seconds() // unit)
        anchor = dtstart + dt.timedelta(seconds=steps * unit)
    return anchor if anchor > dtstart else dtstart
