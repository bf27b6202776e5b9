"""Reading values as people write them: labels in either language, dates, parameters, paths."""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from app.core.bounds import MAX_JSON_BYTES, structure_problem
from app.core.text import clean_code, clean_text
from app.core.validation import N_, Msg
from app.equipment.inputs import DateInput
from app.equipment.models import CRITICALITY_LABELS, STATUS_LABELS
from app.sites.services import PATH_SEPARATOR, split_path
from app.vocab.categories import CATEGORIES

CATEGORY_LABELS: dict[str, tuple[str, str]] = {k: (c.zh, c.en) for k, c in CATEGORIES.items()}
STATUS_CHOICES: dict[str, tuple[str, str]] = {s.value: lbl for s, lbl in STATUS_LABELS.items()}
CRITICALITY_CHOICES: dict[str, tuple[str, str]] = {
    c.value: lbl for c, lbl in CRITICALITY_LABELS.items()
}

MAX_LENGTHS = {
    "asset_code": 64,
    "name": 200,
    "type_key": 64,
    "manufacturer": 200,
    "model": 200,
    "serial_number": 200,
    "registration_number": 64,
    "registration_code": 20,
}
TEXT_FIELDS = (
    "asset_code",
    "name",
    "type_key",
    "manufacturer",
    "model",
    "serial_number",
    "registration_number",
    "registration_code",
    "notes",
)
MULTILINE_FIELDS = frozenset({"notes"})
"""Every other text field is one line: it ends up in calendar lines, CSV cells and titles."""
CLEANERS = {
    "notes": clean_text,
    "asset_code": clean_code,
    "type_key": clean_code,
    "serial_number": clean_code,
    "registration_number": clean_code,
    "registration_code": clean_code,
}
"""How each text field is cleaned; the rest are names (see app/core/text.py)."""
COMPONENT_DATES = "component_dates"
"""Attribute mapping a catalog age rule's component (governor, manufacture) to its ISO date."""
DATE_FIELDS = ("installed_on", "commissioned_on", "warranty_until", "next_inspection_on")
_SEPARATOR_VARIANTS = re.compile(r"[／\\]")
_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]0{1,2}:00(?::00)?)?$"
)


def choice_text(choices: Mapping[str, tuple[str, str]]) -> str:
    return ", ".join(f"{key} ({zh})" for key, (zh, _en) in choices.items())


def normalise_choice(raw: str, choices: Mapping[str, tuple[str, str]]) -> str | None:
    """Accept a key or its zh/en label, as people write either in spreadsheets."""
    text = raw.strip()
    folded = text.casefold()
    for key, (zh, en) in choices.items():
        if folded in (key.casefold(), en.casefold()) or text == zh:
            return key
    return None


def parse_date(raw: DateInput | datetime) -> tuple[date | None, Msg | None]:
    """A real calendar date from a date, or from text such as 2026-03-01, 2026/3/1, 2026年3月1日."""
    if raw is None:
        return None, None
    if isinstance(raw, datetime):
        return raw.date(), None
    if isinstance(raw, date):
        return raw, None
    text = str(raw).strip()
    if not text:
        return None, None
    match = _DATE_RE.match(text)
    if match is None:
        return None, N_(
            "%(value)s is not a date; write it as YYYY-MM-DD, e.g. 2026-03-01", value=text
        )
    year, month, day = (int(g) for g in match.groups())
    if not 1 <= month <= 12:
        return None, N_(
            "%(value)s is not a real date: there is no month %(month)d", value=text, month=month
        )
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return None, N_(
            "%(value)s is not a real date: %(month)s has only %(days)d days",
            value=text,
            month=f"{year}-{month:02d}",
            days=days,
        )
    if not 1900 <= year <= 2199:
        return None, N_("%(value)s: the year %(year)d looks wrong", value=text, year=year)
    return date(year, month, day), None


def parse_attributes(raw: Mapping[str, Any] | str | None) -> tuple[dict[str, Any], Msg | None]:
    """Technical parameters: a JSON object, or one `key=value` per line (or separated by ;)."""
    if raw is None:
        return {}, None
    if isinstance(raw, Mapping):
        data: Any = dict(raw)
    else:
        text = raw.strip()
        if not text:
            return {}, None
        if text.startswith("{"):
            if len(text.encode()) > MAX_JSON_BYTES:
                return {}, N_("too large: at most %(n)d bytes", n=MAX_JSON_BYTES)
            try:
                data = json.loads(text)
            except (ValueError, RecursionError):
                return {}, N_("this is not valid JSON; write one key=value per line instead")
        else:
            data = {}
            for part in re.split(r"[;；\n]", text):
                if not part.strip():
                    continue
                key, sep, value = part.partition("=")
                if not sep or not key.strip():
                    return {}, N_(
                        "%(part)s is not key=value; write one key=value per line",
                        part=part.strip(),
                    )
                data[key.strip()] = value.strip()
    if not isinstance(data, dict):
        return {}, N_("technical parameters must be key=value pairs")
    problem = structure_problem(data)
    if problem is not None:
        return {}, problem
    if len(json.dumps(data, ensure_ascii=False).encode()) > MAX_JSON_BYTES:
        return {}, N_("too large: at most %(n)d bytes", n=MAX_JSON_BYTES)
    if not _is_json(data):
        return {}, N_("technical parameters must be text, numbers, lists or objects (JSON)")
    return data, _component_dates_problem(data.get(COMPONENT_DATES))


def _is_json(value: Any) -> bool:
    if value is None or isinstance(value, str | int | float | bool):
        return True
    if isinstance(value, list):
        return all(_is_json(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_json(v) for k, v in value.items())
    return False


def _component_dates_problem(value: Any) -> Msg | None:
    """`component_dates` feeds the catalog's age rules (governor age...): dates must be real."""
    if value is None:
        return None
    if not isinstance(value, dict):
        return N_(
            '%(key)s must map each component to a date, e.g. {"governor": "2019-07-02"}',
            key=COMPONENT_DATES,
        )
    for component, written in value.items():
        day, problem = parse_date(written if isinstance(written, str) else str(written))
        if problem is not None:
            return N_(
                "%(key)s.%(component)s: %(problem)s",
                key=COMPONENT_DATES,
                component=component,
                problem=str(problem),
            )
        if day is None or written != day.isoformat():
            return N_(
                "%(key)s.%(component)s: write the date as YYYY-MM-DD, e.g. 2019-07-02",
                key=COMPONENT_DATES,
                component=component,
            )
    return None


def split_location_path(path: str) -> list[str]:
    """Levels of a written path; full-width ／ and \\ count as / (Chinese keyboards)."""
    return split_path(_SEPARATOR_VARIANTS.sub(PATH_SEPARATOR, path))
