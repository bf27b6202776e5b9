"""What a simulated year leaves behind, for `invariants.py` to judge: plain data only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from app.plans.models import Plan
from app.workorders.models import WorkOrderStatus
from schedules import WorkCalendar

TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Scenario:
    seed: int
    policy: str  # the holiday policy chosen for every task that offers the choice
    year: int
    horizon_days: int = 7
    days: int = 365  # shorter runs for profiling

    @property
    def name(self) -> str:
        return f"seed{self.seed}-{self.policy}-{self.year}"


@dataclass(frozen=True)
class Row:
    """One stored work order at the end of the run."""

    id: int
    kind: str
    plan_id: int | None
    equipment_id: int | None
    slot: dt.datetime | None
    due: dt.datetime
    ends: dt.datetime
    window_end: dt.datetime
    status: str
    tier: str | None
    includes: tuple[str, ...]
    assignee_id: int | None
    team_id: int | None
    unassigned: bool
    reasons: tuple[dict[str, Any], ...]
    completed: dt.datetime | None
    equipment_down: bool

    @property
    def day(self) -> dt.date:
        """The day of the visit: when it was done, else when it is (was) due."""
        when = self.completed or self.due
        return when.astimezone(TZ).date()

    @property
    def due_day(self) -> dt.date:
        return self.due.astimezone(TZ).date()

    @property
    def is_visit(self) -> bool:
        return self.status not in (WorkOrderStatus.SKIPPED.value, WorkOrderStatus.CANCELLED.value)


@dataclass(frozen=True)
class EquipmentFacts:
    code: str
    name: str
    type_key: str | None
    building_id: int | None
    building: str
    fire_lift: bool
    next_inspection_on: dt.date | None


@dataclass
class Record:
    scenario: Scenario
    start: dt.date
    end: dt.date  # last simulated day
    site_id: int = 0
    rows: list[Row] = field(default_factory=list)
    plans: dict[int, Plan] = field(default_factory=dict)  # detached snapshots at the end
    equipment: dict[int, EquipmentFacts] = field(default_factory=dict)
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    on_duty: dict[tuple[int, dt.date], frozenset[int]] = field(default_factory=dict)
    applied: dict[int, dt.datetime] = field(default_factory=dict)  # plan id → applied at
    # (row id, day) → (assignee, reasons) of every future untouched row, day by day
    assignments: dict[int, list[tuple[dt.date, int | None, tuple[Any, ...]]]] = field(
        default_factory=dict
    )
    crash_diff: list[str] = field(default_factory=list)
    crash_day: dt.date | None = None
    crash_killed: bool = False  # the first import's re-plan really died midway
    level_change: tuple[dt.date, int, int] | None = None
    stale_after_level: list[str] = field(default_factory=list)
    fates: dict[str, int] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)
