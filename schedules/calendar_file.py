"""Parser for the calendar override file behind `rounds calendar import FILE`.

Format, one entry per line (UTF-8; blank lines and `#` comments ignored)::

    2027-10-01 holiday 国庆节
    2027-09-26 workday 国庆调休
    2027 complete 国务院办公厅 2026 年 11 月通知

A `YYYY complete` line declares that the file carries that year's full official
schedule, so the calendar stops calling the year provisional. Errors name the line
number, because these files are typed by hand from the State Council notice.
"""

from __future__ import annotations

import datetime as dt

from schedules.calendar import CalendarOverrides, DayKind, DayOverride


class CalendarFileError(ValueError):
    """Bad override file; `line_number` is 1-based."""

    def __init__(self, line_number: int, message: str, line: str) -> None:
        super().__init__(f"line {line_number}: {message}: {line.strip()!r}")
        self.line_number = line_number
        self.line = line


def parse_overrides(text: str) -> CalendarOverrides:
    """Parse override file text; the same date twice is an error, not a silent win."""
    days: dict[dt.date, DayOverride] = {}
    complete_years: set[int] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        head, _, rest = line.partition(" ")
        kind_word, _, note = rest.strip().partition(" ")
        if kind_word == "complete":
            complete_years.add(_parse_year(head, number, raw))
            continue
        day = _parse_date(head, number, raw)
        try:
            kind = DayKind(kind_word)
        except ValueError:
            raise CalendarFileError(
                number, f"expected 'holiday' or 'workday' after the date, got {kind_word!r}", raw
            ) from None
        if day in days:
            raise CalendarFileError(number, f"{day} is listed twice", raw)
        days[day] = DayOverride(day, kind, note.strip())
    return CalendarOverrides(
        days=tuple(days[d] for d in sorted(days)), complete_years=frozenset(complete_years)
    )


def _parse_date(text: str, number: int, raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        message = f"expected a date like 2027-10-01, got {text!r}"
        raise CalendarFileError(number, message, raw) from None


def _parse_year(text: str, number: int, raw: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        message = f"expected a year like 2027 before 'complete', got {text!r}"
        raise CalendarFileError(number, message, raw)
    return int(text)
