"""Checklist answers for a past visit: seasonal readings, and now and then a failure."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from app.core.validation import Problems
from app.demo.history.book import Book, Checklist, Failure, minute
from app.demo.history.tables import (
    FAIL_NOTE,
    FAIL_RATE,
    FREQUENT_FAIL_RATE,
    HISTORY,
    OUT_OF_RANGE_RATE,
    PARTS_WAIT_HOURS,
    PARTS_WAIT_SHARE,
    REPAIR_DEFAULT,
    REPAIR_HOURS,
    REPAIR_HOURS_NORMAL,
    REPAIRS,
    TEXT_ANSWERS,
    TEXT_DEFAULT,
    TYPICAL,
    Repair,
    Typical,
)
from app.demo.history.units import is_frequent
from app.equipment.models import Equipment
from app.scheduling.mapping import Unit
from app.workorders.checklist import Item, RawAnswer, Result, evaluate
from app.workorders.corrective import priority_for_failure
from app.workorders.models import Priority
from schedules import Occurrence


def _season(day: date) -> float:
    """-1 in mid-January, +1 in mid-July."""
    return -math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365.25)


def _typical(type_key: str, item: Item) -> Typical:
    known = TYPICAL.get((type_key, item.key))
    if known is not None:
        return known
    low, high = item.min, item.max
    if low is not None and high is not None:
        span = high - low
        return Typical(low + 0.2 * span, high - 0.2 * span)
    if low is not None:
        return Typical(low * 1.2 if low else 1, low * 1.6 if low else 5)
    if high is not None:
        return Typical(high * 0.3, high * 0.7)
    return Typical(1, 10)


def _reading(typical: Typical, day: date, rng: random.Random) -> float:
    share = 0.5 + 0.5 * typical.season * _season(day) + rng.gauss(0, 0.12)
    share = min(max(share, 0.03), 0.97)
    return round(typical.low + (typical.high - typical.low) * share, typical.decimals)


def _text(value: float, typical: Typical) -> str:
    return f"{value:.{typical.decimals}f}"


def _breach(item: Item, typical: Typical, rng: random.Random) -> float | None:
    """A reading just past a limit that can really be crossed, or None."""
    if item.min is not None and item.min > 0:
        value = round(item.min * rng.uniform(0.7, 0.95), typical.decimals)
    elif item.max is not None and not (item.unit == "%" and item.max >= 100):
        value = round(item.max * rng.uniform(1.05, 1.3) + 10**-typical.decimals, typical.decimals)
    else:
        return None
    return value if item.out_of_range(value) else None


def answers_for(
    book: Book,
    unit: Unit,
    occurrence: Occurrence,
    checklist: Checklist,
    finished: datetime,
    report: str,
    rng: random.Random,
) -> tuple[list[dict[str, Any]], Failure | None]:
    """Answers as the completion code writes them; rarely one item fails."""
    equipment = book.equipment[unit.base.equipment_id or 0]
    type_key = equipment.type_key or ""
    day = occurrence.due.astimezone(book.tz).date()
    raw: dict[str, RawAnswer] = {}
    breaches: dict[str, str] = {}
    for item in checklist.items:
        if item.kind == "reading":
            typical = _typical(type_key, item)
            raw[item.key] = RawAnswer(value=_text(_reading(typical, day, rng), typical))
            if (value := _breach(item, typical, rng)) is not None:
                breaches[item.key] = _text(value, typical)
        elif item.kind == "choice":
            raw[item.key] = RawAnswer(choice=item.choices[0][0] if item.choices else "")
        elif item.kind == "text":
            raw[item.key] = RawAnswer(
                text=TEXT_ANSWERS.get(item.key, TEXT_DEFAULT).format(report=report)
            )
        else:
            raw[item.key] = RawAnswer(result=Result.PASS)
    rate = FREQUENT_FAIL_RATE if is_frequent(unit.base.rrule) else FAIL_RATE
    roll = rng.random()
    failing: list[Item] = []
    if breaches and roll < OUT_OF_RANGE_RATE:
        failing = [i for i in checklist.items if i.key in breaches]
    elif roll >= 1 - rate:
        failing = [i for i in checklist.items if i.kind == "check"]
    failure = _fail(book, equipment, failing, raw, breaches, finished, rng) if failing else None
    photos = {item.key for item in checklist.items if item.photo_required}
    answers = evaluate(checklist.items, raw, photos, Problems()).answers
    return answers, failure


def _fail(
    book: Book,
    equipment: Equipment,
    items: Sequence[Item],
    raw: dict[str, RawAnswer],
    breaches: dict[str, str],
    finished: datetime,
    rng: random.Random,
) -> Failure | None:
    """Fail one of `items` (readings past their limit, or checks) unless a job raised for
    it is still open then: one failure makes one job."""
    free = [i for i in items if book.open_jobs.get((equipment.id, i.key), finished) <= finished]
    if not free:
        return None
    item = rng.choice(free)
    if item.key in breaches:
        raw[item.key] = RawAnswer(value=breaches[item.key], note=FAIL_NOTE)
    else:
        raw[item.key] = RawAnswer(result=Result.FAIL, note=FAIL_NOTE)
    priority = priority_for_failure({"key_item": item.key_item})
    low, high = REPAIR_HOURS.get(priority, REPAIR_HOURS_NORMAL)
    if priority == Priority.NORMAL.value and rng.random() < PARTS_WAIT_SHARE:
        low, high = PARTS_WAIT_HOURS
    fixed = minute(finished + timedelta(hours=rng.uniform(low, high)))
    repaired = fixed if fixed <= book.now else None
    repair = _repair_for(item)
    job_rng = random.Random(f"{equipment.asset_code}:{finished.isoformat()}:{item.key}")
    book.open_jobs[(equipment.id, item.key)] = repaired or book.now + HISTORY
    return Failure(item.key, repaired, repair.cause, repair.parts, repair.stops, job_rng)


def _repair_for(item: Item) -> Repair:
    name = item.label_pair[0]
    return next((r for r in REPAIRS if any(k in name for k in r.keywords)), REPAIR_DEFAULT)
