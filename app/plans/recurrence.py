"""Recurrence presets: how a user picks a plan's rhythm without ever typing an RRULE.

A `RulePreset` is what the form and the API send (daily, every N days, weekly on
chosen weekdays, monthly on day N or the last day...). `rrule_from_preset` turns it
into the RRULE the engine reads, `preset_from_rrule` goes back for editing, and
`describe_rrule` says any stored rule in words ("每月最后一天" / "every last day of
the month"), also for catalog rules that are not presets. Plain Python, no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from schedules import RuleError, parse_rule
from schedules.recurrence import RecurrenceRule

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY_NAMES: tuple[tuple[str, str], ...] = (
    ("周一", "Monday"),
    ("周二", "Tuesday"),
    ("周三", "Wednesday"),
    ("周四", "Thursday"),
    ("周五", "Friday"),
    ("周六", "Saturday"),
    ("周日", "Sunday"),
)
LAST = -1
MAX_EVERY_N_DAYS = 366

# dateutil frequency numbers, as `parse_rule` reports them.
_YEARLY, _MONTHLY, _WEEKLY, _DAILY, _HOURLY, _MINUTELY = 0, 1, 2, 3, 4, 5


class Preset(StrEnum):
    DAILY = "daily"
    EVERY_N_DAYS = "every_n_days"
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY_DAY = "monthly_day"
    MONTHLY_WEEKDAY = "monthly_weekday"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"


PRESET_LABELS: dict[Preset, tuple[str, str]] = {
    Preset.DAILY: ("每天", "Daily"),
    Preset.EVERY_N_DAYS: ("每 N 天", "Every N days"),
    Preset.WEEKLY: ("每周（选星期几）", "Weekly on chosen weekdays"),
    Preset.BIWEEKLY: ("每两周", "Every 2 weeks"),
    Preset.MONTHLY_DAY: ("每月某日", "Monthly on a day"),
    Preset.MONTHLY_WEEKDAY: ("每月第几个星期几", "Monthly on the Nth weekday"),
    Preset.QUARTERLY: ("每季度", "Quarterly"),
    Preset.HALF_YEARLY: ("每半年", "Half-yearly"),
    Preset.YEARLY: ("每年", "Yearly"),
}

_MONTH_STEPS = {Preset.QUARTERLY: 3, Preset.HALF_YEARLY: 6}


class PresetError(ValueError):
    """A preset with missing or impossible values; `field` names the bad part."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class RulePreset:
    """One recurrence as the user chose it.

    `interval` is N of "every N days"; `weekdays` are 0=Monday..6=Sunday;
    `month_day` is 1..31 or -1 (last day); `nth` is 1..4 or -1 (last) with `weekday`.
    """

    preset: Preset
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    month_day: int | None = None
    nth: int | None = None
    weekday: int | None = None


def check_preset(spec: RulePreset) -> None:
    """Raise `PresetError` naming the field when the preset cannot become a rule."""
    if spec.preset is Preset.EVERY_N_DAYS and not 2 <= spec.interval <= MAX_EVERY_N_DAYS:
        raise PresetError("interval", f"every N days needs N from 2 to {MAX_EVERY_N_DAYS}")
    if spec.preset in (Preset.WEEKLY, Preset.BIWEEKLY):
        if not spec.weekdays:
            raise PresetError("weekdays", "choose at least one weekday")
        if any(not 0 <= d <= 6 for d in spec.weekdays):
            raise PresetError("weekdays", "weekdays are 0 (Monday) to 6 (Sunday)")
    if spec.preset is Preset.MONTHLY_DAY and (
        spec.month_day is None or not (1 <= spec.month_day <= 31 or spec.month_day == LAST)
    ):
        raise PresetError("month_day", "the day of the month is 1 to 31, or the last day")
    if spec.preset is Preset.MONTHLY_WEEKDAY:
        if spec.nth is None or not (1 <= spec.nth <= 4 or spec.nth == LAST):
            raise PresetError("nth", "choose the 1st to 4th or the last")
        if spec.weekday is None or not 0 <= spec.weekday <= 6:
            raise PresetError("weekday", "choose a weekday")


def rrule_from_preset(spec: RulePreset) -> str:
    """The RRULE for a preset; the start date gives the phase and the time of day."""
    check_preset(spec)
    match spec.preset:
        case Preset.DAILY:
            return "FREQ=DAILY"
        case Preset.EVERY_N_DAYS:
            return f"FREQ=DAILY;INTERVAL={spec.interval}"
        case Preset.WEEKLY:
            return f"FREQ=WEEKLY;BYDAY={_days(spec.weekdays)}"
        case Preset.BIWEEKLY:
            return f"FREQ=WEEKLY;INTERVAL=2;BYDAY={_days(spec.weekdays)}"
        case Preset.MONTHLY_DAY:
            return f"FREQ=MONTHLY;BYMONTHDAY={spec.month_day}"
        case Preset.MONTHLY_WEEKDAY:
            assert spec.weekday is not None
            return f"FREQ=MONTHLY;BYDAY={spec.nth}{WEEKDAY_CODES[spec.weekday]}"
        case Preset.QUARTERLY | Preset.HALF_YEARLY:
            return f"FREQ=MONTHLY;INTERVAL={_MONTH_STEPS[spec.preset]}"
        case Preset.YEARLY:
            return "FREQ=YEARLY"
    raise PresetError("preset", f"unknown preset {spec.preset!r}")  # pragma: no cover


def _days(weekdays: tuple[int, ...]) -> str:
    return ",".join(WEEKDAY_CODES[d] for d in sorted(set(weekdays)))


def preset_from_rrule(rrule: str) -> RulePreset | None:
    """The preset that produces exactly `rrule`, or None (e.g. a catalog "every 2 years")."""
    try:
        rule = parse_rule(rrule)
    except RuleError:
        return None
    if rule.count is not None or rule.until is not None or rule.bymonth or rule.byhour:
        return None
    candidate = _guess(rule)
    if candidate is None:
        return None
    try:
        return candidate if rrule_from_preset(candidate) == _canonical(rrule) else None
    except PresetError:
        return None


def _guess(rule: RecurrenceRule) -> RulePreset | None:
    freq, interval, byday, bymonthday = rule.freq, rule.interval, rule.byday, rule.bymonthday
    if freq == _DAILY:
        return (
            RulePreset(Preset.DAILY) if interval == 1 else RulePreset(Preset.EVERY_N_DAYS, interval)
        )
    if freq == _WEEKLY and byday and all(n == 0 for n, _ in byday):
        preset = {1: Preset.WEEKLY, 2: Preset.BIWEEKLY}.get(interval)
        return RulePreset(preset, weekdays=tuple(d for _, d in byday)) if preset else None
    if freq == _MONTHLY and interval == 1 and len(bymonthday) == 1 and not byday:
        return RulePreset(Preset.MONTHLY_DAY, month_day=bymonthday[0])
    if freq == _MONTHLY and interval == 1 and len(byday) == 1 and not bymonthday:
        nth, weekday = byday[0]
        return RulePreset(Preset.MONTHLY_WEEKDAY, nth=nth, weekday=weekday)
    if freq == _MONTHLY and not byday and not bymonthday:
        preset = {3: Preset.QUARTERLY, 6: Preset.HALF_YEARLY}.get(interval)
        return RulePreset(preset) if preset else None
    if freq == _YEARLY and interval == 1 and not byday and not bymonthday:
        return RulePreset(Preset.YEARLY)
    return None


def _canonical(rrule: str) -> str:
    """Compare rules by their parts in our order, ignoring an INTERVAL=1 and a prefix."""
    body = rrule.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    parts = dict(p.upper().split("=", 1) for p in body.split(";") if p)
    if parts.get("INTERVAL") == "1":
        del parts["INTERVAL"]
    if "BYDAY" in parts and "," in parts["BYDAY"]:
        days = parts["BYDAY"].split(",")
        parts["BYDAY"] = ",".join(sorted(days, key=lambda d: WEEKDAY_CODES.index(d[-2:])))
    order = ("FREQ", "INTERVAL", "BYMONTHDAY", "BYDAY")
    keys = [k for k in order if k in parts] + sorted(k for k in parts if k not in order)
    return ";".join(f"{k}={parts[k]}" for k in keys)


# --- in words ----------------------------------------------------------------------------


def describe_rrule(rrule: str, locale: str = "zh") -> str:
    """The rule in the user's language; an unusual rule falls back to its text."""
    english = locale.lower().startswith("en")
    try:
        rule = parse_rule(rrule)
    except RuleError:
        return rrule
    text = _describe(rule, english)
    return text if text is not None else rrule


def _describe(rule: RecurrenceRule, en: bool) -> str | None:
    freq, n, byday, bymonthday = rule.freq, rule.interval, rule.byday, rule.bymonthday
    bymonth, byhour = rule.bymonth, rule.byhour
    if freq == _HOURLY and not (byday or bymonthday or bymonth):
        return ("every hour" if n == 1 else f"every {n} hours") if en else f"每{_n(n)}小时"
    if freq == _MINUTELY:
        return f"every {n} minutes" if en else f"每{n}分钟"
    if freq == _DAILY and not (byday or bymonthday or bymonth):
        base = ("every day" if n == 1 else f"every {n} days") if en else f"每{_n(n)}天"
        return base + _hours(byhour, rule.byminute, en)
    if freq == _WEEKLY and not (bymonthday or bymonth):
        return _weekly(n, byday, en)
    if freq == _MONTHLY and not bymonth:
        return _monthly(n, byday, bymonthday, en)
    if freq == _YEARLY:
        return _yearly(n, bymonth, bymonthday, byday, en)
    return None


def _n(n: int) -> str:
    return "" if n == 1 else str(n)


def _hours(byhour: tuple[int, ...], byminute: tuple[int, ...], en: bool) -> str:
    if not byhour:
        return ""
    minutes = byminute or (0,)
    times = ", ".join(f"{h:02d}:{m:02d}" for h in sorted(byhour) for m in sorted(minutes))
    return f" at {times}" if en else f" {times}"


def _weekday_list(byday: tuple[tuple[int, int], ...], en: bool) -> str:
    names = [WEEKDAY_NAMES[d][1 if en else 0] for _, d in sorted(byday, key=lambda p: p[1])]
    return ", ".join(names) if en else "、".join(names)


def _weekly(n: int, byday: tuple[tuple[int, int], ...], en: bool) -> str | None:
    if any(nth for nth, _ in byday):
        return None
    if en:
        base = "every week" if n == 1 else f"every {n} weeks"
        return f"{base} on {_weekday_list(byday, en)}" if byday else base
    if not byday:
        return "每周" if n == 1 else f"每{n}周"
    days = _weekday_list(byday, en)
    return f"每{days}" if n == 1 else f"每{n}周的{days}"


_SUFFIXES = {1: "st", 2: "nd", 3: "rd"}


def _ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{_SUFFIXES.get(number % 10, 'th')}"


def _month_period(n: int, en: bool) -> str:
    if en:
        return {1: "every month", 3: "every quarter", 6: "every half year"}.get(
            n, f"every {n} months"
        )
    return {1: "每月", 3: "每季度", 6: "每半年"}.get(n, f"每{n}个月")


def _monthly(
    n: int, byday: tuple[tuple[int, int], ...], bymonthday: tuple[int, ...], en: bool
) -> str | None:
    period = _month_period(n, en)
    if not byday and not bymonthday:
        return period
    if bymonthday and not byday:
        if bymonthday == (LAST,):
            if en:
                return (
                    "every last day of the month"
                    if n == 1
                    else f"{period} on the last day of the month"
                )
            return f"{period}最后一天" if n == 1 else f"{period}的最后一天"
        if any(d < 0 for d in bymonthday):
            return None
        if en:
            return f"{period} on day {', '.join(str(d) for d in bymonthday)}"
        joiner = "" if n == 1 else "的"
        return f"{period}{joiner}{'、'.join(f'{d}日' for d in bymonthday)}"
    if byday and not bymonthday and len(byday) == 1:
        nth, day = byday[0]
        if nth == 0:
            return None
        zh_day, en_day = WEEKDAY_NAMES[day]
        if en:
            which = "last" if nth == LAST else _ordinal(nth)
            return f"{period} on the {which} {en_day}"
        which = "最后一个" if nth == LAST else f"第{nth}个"
        joiner = "" if n == 1 else "的"
        return f"{period}{joiner}{which}{zh_day}"
    return None


def _yearly(
    n: int,
    bymonth: tuple[int, ...],
    bymonthday: tuple[int, ...],
    byday: tuple[tuple[int, int], ...],
    en: bool,
) -> str | None:
    base = ("every year" if n == 1 else f"every {n} years") if en else f"每{_n(n)}年"
    if byday:
        return None
    if not bymonth and not bymonthday:
        return base
    if len(bymonth) == 1 and len(bymonthday) == 1 and bymonthday[0] > 0:
        month, day = bymonth[0], bymonthday[0]
        return f"{base} on {month:02d}-{day:02d}" if en else f"{base}{month}月{day}日"
    if bymonth and not bymonthday:
        months = ", ".join(str(m) for m in bymonth)
        return (
            f"{base} in month {months}" if en else f"{base}{'、'.join(f'{m}月' for m in bymonth)}"
        )
    return None
