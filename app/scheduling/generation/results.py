"""Constants of a run and what it reports back: counts, problems, batch progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from app.plans.models import Plan
from app.workorders.models import WorkOrder, WorkOrderStatus
from schedules import ReasonCode

ROW_BATCH = 2000
PLAN_BATCH = 500
LOOKBACK_DAYS = 31
"""A holiday move is at most 30 days (`schedules.holiday_policy.SEARCH_DAYS`)."""
CEILING_LOOKBACK_DAYS = 62
"""A ceiling looks back at most this far: an implied yearly ceiling (366) would replay a
year per plan; the stored last visit (see `unit_history`) carries the chain instead."""
NEXT_VISIT_REACH = dt.timedelta(days=5 * 366)
"""How far past the horizon to look for the next visit of a yearly (or rarer) plan."""

REPLACEABLE = (
    WorkOrderStatus.PLANNED.value,
    WorkOrderStatus.ASSIGNED.value,
    WorkOrderStatus.SKIPPED.value,
)
DONE = (WorkOrderStatus.DONE.value, WorkOrderStatus.DONE_LATE.value)
NOT_VISITS = (WorkOrderStatus.SKIPPED.value, WorkOrderStatus.CANCELLED.value)
COMPARED = (
    "site_id",
    "equipment_id",
    "location_id",
    "title",
    "tier",
    "includes",
    "due_at",
    "ends_at",
    "window_start",
    "window_end",
    "status",
    "assignee_id",
    "team_id",
    "unassigned",
    "reasons",
    "provisional_calendar",
)
"""The columns generation owns; a change in any of them is a new revision."""

WO_TABLE = WorkOrder.__table__


def first_due(due_at: dt.datetime, reasons: list[dict[str, Any]] | None) -> dt.datetime:
    """When a stored visit fell due: its due time, or the time it had before it was
    staggered around another outage, whichever came first.

    A visit moved from 09:00 to 13:00 and re-planned at 10:00 is no longer what the
    rule makes (its 09:00 has passed, so the rule makes nothing): a run keeps it as it
    is, like any visit already due. Re-planned as new, it was deleted, and a
    transformer lost its yearly service."""
    for reason in reasons or ():
        if reason.get("code") == ReasonCode.OUTAGE_STAGGERED.value:
            planned = dt.datetime.fromisoformat(str(reason["params"]["from"]))
            return min(due_at, planned)
    return due_at


PLAN_TABLE = Plan.__table__


class Mode(StrEnum):
    INSERT = "insert"  # add what is missing, never change a stored row
    REPLACE = "replace"  # also bring untouched future rows up to date


@dataclass(frozen=True)
class BatchProgress:
    """Told to `on_batch` after every committed batch (progress bars, crash tests)."""

    plans_done: int
    plans_total: int
    rows_written: int


@dataclass(frozen=True)
class PlanProblem:
    plan_id: int | None
    message: str


@dataclass
class GenerationResult:
    now: dt.datetime
    until: dt.datetime
    plans: int = 0
    units: int = 0
    occurrences: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    batches: int = 0
    problems: list[PlanProblem] = field(default_factory=list)


OnBatch = Callable[[BatchProgress], None]
