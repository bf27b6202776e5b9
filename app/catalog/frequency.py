"""The frequency grammar: ``"<n> <unit>"`` or an RRULE.

Kept tiny and strict because a typo here silently changes how often a fire
pump gets tested; every rejection names the offending word.
"""

import re
from collections.abc import Mapping
from datetime import datetime
from functools import cache

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr

from app.catalog.model import Frequency, Unit

UNIT_WORDS: Mapping[str, Unit] = {
    **{unit.value: unit for unit in Unit},
    **{f"{unit.value}s": unit for unit in Unit},
}
ALLOWED_RRULE_FREQS = ("HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")
PLAN_OWNED_RRULE_PARTS = ("DTSTART", "UNTIL", "COUNT")
_INTERVAL_FREQ = {
    Unit.HOUR: "HOURLY",
    Unit.DAY: "DAILY",
    Unit.WEEK: "WEEKLY",
    Unit.MONTH: "MONTHLY",
    Unit.YEAR: "YEARLY",
}
_INTERVAL_TEXT = re.compile(r"^(\d+) ([A-Za-z_]+)$")
# A fixed reference year range: long enough to see leap days and yearly rules.
_PROBE_START = datetime(2026, 1, 1)
_PROBE_END = datetime(2030, 1, 1)
_PROBE_DAYS = (_PROBE_END - _PROBE_START).days


class FrequencyError(ValueError):
    """The text is not a valid frequency; the message says why."""


@cache
def parse_interval(text: str) -> Frequency:
    """Parse ``"<n> <unit>"`` such as ``"15 days"`` or ``"1 year"``."""
    match = _INTERVAL_TEXT.match(text)
    if match is None:
        raise FrequencyError(
            f'"{text}" is not "<n> <unit>" (e.g. "2 weeks"); for anything else use rrule'
        )
    count, word = int(match[1]), match[2]
    unit = UNIT_WORDS.get(word)
    if unit is None:
        raise FrequencyError(f'unknown unit "{word}"')
    if count < 1:
        raise FrequencyError(f'"{text}": the count must be at least 1')
    step = relativedelta(**{f"{unit.value}s": count})
    approx_days = ((_PROBE_START + step) - _PROBE_START).total_seconds() / 86400
    return Frequency(
        text=text,
        rrule=f"FREQ={_INTERVAL_FREQ[unit]};INTERVAL={count}",
        approx_days=approx_days,
        count=count,
        unit=unit,
    )


@cache
def parse_rrule(text: str) -> Frequency:
    """Parse an RRULE template; plans add DTSTART, so the catalog may not fix it."""
    parts: dict[str, str] = {}
    for part in text.split(";"):
        name, equals, value = part.partition("=")
        if not equals or not name or not value:
            raise FrequencyError(f'bad RRULE "{text}": "{part}" is not NAME=VALUE')
        parts[name.upper()] = value
    fixed = [name for name in PLAN_OWNED_RRULE_PARTS if name in parts]
    if fixed:
        raise FrequencyError(
            f'bad RRULE "{text}": {", ".join(fixed)} belongs to a plan, not to the catalog'
        )
    freq = parts.get("FREQ")
    if freq is None:
        raise FrequencyError(f'bad RRULE "{text}": FREQ is missing')
    if freq.upper() not in ALLOWED_RRULE_FREQS:
        raise FrequencyError(
            f'bad RRULE "{text}": FREQ must be one of {", ".join(ALLOWED_RRULE_FREQS)}'
        )
    try:
        rule = rrulestr(text, dtstart=_PROBE_START)
        occurrences = len(rule.between(_PROBE_START, _PROBE_END, inc=True))
    except (ValueError, TypeError) as error:
        raise FrequencyError(f'bad RRULE "{text}": {error}') from error
    if occurrences == 0:
        raise FrequencyError(f'bad RRULE "{text}": it never occurs')
    return Frequency(text=text, rrule=text, approx_days=_PROBE_DAYS / occurrences)


def parse_frequency(value: str | Mapping[str, str]) -> Frequency:
    """A catalog ``frequency`` value: a string interval or ``{rrule: "..."}``."""
    if isinstance(value, Mapping):
        return parse_rrule(value["rrule"])
    return parse_interval(value)
