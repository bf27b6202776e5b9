"""The past visits of one plan: done (mostly in time), late or missed, with their completion."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.demo.history.answers import answers_for
from app.demo.history.book import Book, Visit, completion_row, minute
from app.demo.history.tables import (
    HISTORY,
    LATE_DAYS,
    LATE_RATE,
    MISSED_RATE,
    REPORT_PREFIX,
    SIGN_OFF_DAYS,
    SIGN_OFF_FROM,
)
from app.demo.history.units import KeptOnly, Thinning, is_frequent
from app.scheduling.generation import assigner_for, row_for, team_of
from app.scheduling.mapping import Unit
from app.workorders.completion import RecordRules
from app.workorders.models import WorkOrderStatus
from schedules import Assigner, Occurrence, Status
from schedules import generate as engine_generate


def past_visits(book: Book, unit: Unit) -> Iterator[Visit]:
    """The unit's stored visits of the past year, recorded as they went."""
    equipment = book.equipment[unit.base.equipment_id or 0]
    rng = book.rng(equipment.asset_code)
    thinning = Thinning(book.today, book.tz) if is_frequent(unit.base.rrule) else None
    assigner: Assigner | None = assigner_for(unit, book.pool, None)
    if assigner is not None and thinning is not None:
        assigner = KeptOnly(assigner, thinning)
    start = book.now - HISTORY
    end = book.now + timedelta(microseconds=1)  # a visit due right now is today's work
    for occurrence in engine_generate(
        unit.plan, book.context.calendar, start, end, assigner=assigner
    ):
        if occurrence.due > book.now:
            continue  # generation stores it with the future
        if thinning is not None and not thinning.keep(occurrence.due):
            continue
        visit = Visit({**row_for(unit, occurrence, book.now), "started_at": None})
        if occurrence.status is Status.PLANNED:
            _record(book, unit, occurrence, visit, rng)
        yield visit


def _record(
    book: Book, unit: Unit, occurrence: Occurrence, visit: Visit, rng: random.Random
) -> None:
    """Done (mostly in time), late or missed; a visit not finished by now stays open."""
    plan = book.plans[unit.base.id or 0]
    checklist = book.checklist(unit, occurrence)
    strict = bool(plan.ceiling_days) or checklist.rules.statutory
    frequent = is_frequent(unit.base.rrule)
    roll = rng.random()
    duration = occurrence.ends - occurrence.due
    lead = rng.uniform(0, 0.25)
    work = rng.uniform(0.6, 1.0) * (1 - lead)
    started = max(occurrence.due, minute(occurrence.due + duration * lead))
    finished = minute(occurrence.due + duration * (lead + work))
    row = visit.row
    if not strict and roll < MISSED_RATE and occurrence.window_end < book.now:
        row.update(status=WorkOrderStatus.MISSED.value, revision=1)
        return
    late = not strict and not frequent and roll < MISSED_RATE + LATE_RATE
    if late:
        delay = timedelta(days=rng.randint(*LATE_DAYS))
        if finished + delay <= book.now:
            started, finished = started + delay, finished + delay
        else:
            late = False
    if finished > book.now:
        return  # today's work, not done yet
    report = _report_number(finished, rng)
    answers, failure = answers_for(book, unit, occurrence, checklist, finished, report, rng)
    visit.failure = failure
    status = WorkOrderStatus.DONE_LATE if late else WorkOrderStatus.DONE
    row.update(
        status=status.value,
        started_at=started,
        completed_at=finished,
        touched=True,
        revision=1,
    )
    visit.completion = _completion(
        book, unit, occurrence, checklist.rules, answers, started, finished, late, report, rng
    )


def _completion(
    book: Book,
    unit: Unit,
    occurrence: Occurrence,
    rules: RecordRules,
    answers: list[dict[str, Any]],
    started: datetime,
    finished: datetime,
    late: bool,
    report: str,
    rng: random.Random,
) -> dict[str, Any]:
    """The completion row: who did it, who signed, and the statutory record fields."""
    plan = book.plans[unit.base.id or 0]
    size = max(rules.min_crew, plan.crew_size or 1)
    outside = book.outside_crew(unit)
    team_id = team_of(unit)
    if outside is not None:
        names = rng.sample(outside, min(size, len(outside)))
        recorder = book.member(team_id, rng) or book.safety_manager.id
        crew = [{"user_id": None, "name": name} for name in names]
        signature = names[0]
    else:
        lead = int(occurrence.assignee) if occurrence.assignee else book.member(team_id, rng)
        recorder = lead or book.safety_manager.id
        others = [m for m in book.pool.members_of(team_id or 0) if m != recorder]
        helpers = rng.sample(others, min(size - 1, len(others)))
        crew = [{"user_id": u, "name": book.names.get(u, "")} for u in (recorder, *helpers)]
        signature = book.names.get(recorder, "")
    signed_off = _sign_off(finished, book.tz, rng)
    elevator = rules.elevator
    return {
        **completion_row(recorder, started, finished, crew=crew, signature=signature),
        "late": late,
        "answers": answers,
        "statutory": rules.statutory,
        "maintenance_unit": book.maintenance_unit(unit) if elevator else "",
        "safety_manager_name": book.safety_manager.name if elevator else "",
        "safety_manager_signed_at": signed_off if elevator and signed_off <= book.now else None,
        "report_number": report if rules.needs_report else "",
    }


def _sign_off(finished: datetime, tz: ZoneInfo, rng: random.Random) -> datetime:
    """The safety manager countersigns in office hours a day or so after the visit."""
    day = finished.astimezone(tz).date() + timedelta(days=rng.randint(*SIGN_OFF_DAYS))
    at = datetime.combine(day, SIGN_OFF_FROM, tz) + timedelta(minutes=rng.randint(0, 360))
    return at.astimezone(UTC)


def _report_number(finished: datetime, rng: random.Random) -> str:
    return f"{REPORT_PREFIX}-{finished:%Y%m%d}-{rng.randint(100, 999)}"
