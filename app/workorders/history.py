"""An asset's record: its planned and corrective work with results, reading trends, downtime.

Everything is read from what was recorded (work orders, completions, the audit
log of the asset's status), so the history cannot disagree with the records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.access.objects import Person, may_view
from app.audit.models import AuditEntry
from app.core import clock
from app.equipment.models import Equipment, EquipmentStatus
from app.extensions import db
from app.workorders.models import WorkCompletion, WorkOrder, WorkOrderKind

YEAR = timedelta(days=365)
FAULT = EquipmentStatus.FAULT.value


@dataclass(frozen=True)
class HistoryRow:
    """One visit; `withheld` when the viewer may not open it (`may_view`, as `/work/<id>`):
    they see that it happened and when, not its results, remarks or who signed."""

    work_order: WorkOrder
    completion: WorkCompletion | None
    withheld: bool = False

    @property
    def failed(self) -> int:
        return len(self.completion.failed_answers) if self.completion else 0

    @property
    def checked(self) -> int:
        if self.completion is None:
            return 0
        return sum(1 for a in self.completion.answers if a.get("result") != "na")


@dataclass(frozen=True)
class Point:
    at: datetime
    value: float
    out_of_range: bool


@dataclass
class Series:
    """One reading item over time, e.g. the pump's discharge pressure, with its band."""

    key: str
    names: dict[str, str]
    unit: str | None
    min: float | None
    max: float | None
    points: list[Point] = field(default_factory=list)

    @property
    def label_pair(self) -> tuple[str, str]:
        zh = self.names.get("zh") or self.names.get("en") or self.key
        return zh, self.names.get("en") or zh


@dataclass(frozen=True)
class Period:
    """The asset was out of service from `start` to `end` (None: still is)."""

    start: datetime
    end: datetime | None
    sources: tuple[str, ...]  # "status" (ledger set to fault) and/or "repair" (a job)

    def hours(self, now: datetime) -> float:
        return ((self.end or now) - self.start).total_seconds() / 3600


@dataclass(frozen=True)
class EquipmentHistory:
    equipment: Equipment
    since: datetime
    until: datetime
    rows: Sequence[HistoryRow]
    total: int
    series: Sequence[Series]
    downtime: Sequence[Period]

    @property
    def downtime_hours(self) -> float:
        return sum(p.hours(self.until) for p in self.downtime)

    @property
    def open_corrective(self) -> int:
        return sum(
            1
            for r in self.rows
            if r.work_order.kind == WorkOrderKind.CORRECTIVE and r.work_order.completion is None
        )


def _rows_query(equipment_id: int, since: datetime, until: datetime) -> Any:
    """Work due in the period whose window had opened by `until` (a repair raised today
    is listed although its SLA due time lies ahead; next month's visits are not)."""
    return select(WorkOrder).where(
        WorkOrder.equipment_id == equipment_id,
        WorkOrder.due_at >= since,
        WorkOrder.window_start <= until,
    )


def visible_to(viewer: Person | None, work_order: WorkOrder) -> bool:
    """Whether the viewer may see this visit's results; None is the company (CLI, jobs)."""
    return viewer is None or may_view(viewer, work_order)


def _row(work_order: WorkOrder, viewer: Person | None) -> HistoryRow:
    if visible_to(viewer, work_order):
        return HistoryRow(work_order, work_order.completion)
    return HistoryRow(work_order, None, withheld=True)


def work_rows(
    equipment_id: int,
    since: datetime,
    until: datetime,
    limit: int | None,
    offset: int = 0,
    *,
    viewer: Person | None,
) -> tuple[list[HistoryRow], int]:
    """Planned and corrective work due in the period, newest first, with the completions
    the viewer may see."""
    base = _rows_query(equipment_id, since, until)
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    stmt = (
        base.options(joinedload(WorkOrder.completion))
        .order_by(WorkOrder.due_at.desc(), WorkOrder.id.desc())
        .offset(offset)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = [_row(wo, viewer) for wo in db.session.scalars(stmt).unique()]
    return rows, total


def reading_series(
    equipment_id: int, since: datetime, until: datetime, *, viewer: Person | None
) -> list[Series]:
    """Every reading the viewer may see recorded on the asset in the period, one series
    per item key (a reading is a visit's result, so it follows `may_view` too)."""
    stmt = (
        select(WorkCompletion)
        .join(WorkOrder, WorkCompletion.work_order_id == WorkOrder.id)
        .where(
            WorkOrder.equipment_id == equipment_id,
            WorkCompletion.finished_at >= since,
            WorkCompletion.finished_at <= until,
        )
        .order_by(WorkCompletion.finished_at)
    )
    series: dict[str, Series] = {}
    for record in db.session.scalars(stmt):
        if not visible_to(viewer, record.work_order):
            continue
        for answer in record.answers:
            if answer.get("kind") != "reading" or answer.get("value") is None:
                continue
            entry = series.get(answer["key"])
            if entry is None:
                entry = series[answer["key"]] = Series(
                    key=answer["key"],
                    names=dict(answer.get("names") or {}),
                    unit=answer.get("unit"),
                    min=answer.get("min"),
                    max=answer.get("max"),
                )
            entry.points.append(
                Point(record.finished_at, float(answer["value"]), bool(answer.get("out_of_range")))
            )
    return list(series.values())


def _status_periods(equipment_id: int, until: datetime) -> list[Period]:
    """Fault periods from the ledger's status changes (the audit log keeps every one)."""
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.entity == Equipment.__tablename__, AuditEntry.entity_id == equipment_id)
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    periods: list[Period] = []
    started: datetime | None = None
    for entry in db.session.scalars(stmt):
        change = (entry.changes or {}).get("status")
        if not change:
            continue
        after = change[1]
        if after == FAULT and started is None:
            started = entry.at
        elif after != FAULT and started is not None:
            periods.append(Period(started, entry.at, ("status",)))
            started = None
    if started is not None and started <= until:
        periods.append(Period(started, None, ("status",)))
    return periods


def _repair_periods(equipment_id: int) -> list[Period]:
    """Corrective jobs that put the asset out of service, from report to repair."""
    stmt = select(WorkOrder).where(
        WorkOrder.equipment_id == equipment_id,
        WorkOrder.kind == WorkOrderKind.CORRECTIVE.value,
        WorkOrder.equipment_down.is_(True),
    )
    return [
        Period(row.window_start, row.completed_at, ("repair",))
        for row in db.session.scalars(stmt)
        if row.status != "cancelled"
    ]


def merge_periods(periods: Iterable[Period], since: datetime, until: datetime) -> list[Period]:
    """Overlapping periods become one (a fault reported and set in the ledger is one outage)."""
    clipped = []
    for p in periods:
        end = p.end if p.end is not None else None
        if (end is not None and end <= since) or p.start >= until:
            continue
        clipped.append(Period(max(p.start, since), end, p.sources))
    clipped.sort(key=lambda p: p.start)
    merged: list[Period] = []
    for p in clipped:
        if merged:
            last = merged[-1]
            last_end = last.end or until
            if p.start <= last_end:
                end = None if last.end is None or p.end is None else max(last.end, p.end)
                sources = tuple(dict.fromkeys((*last.sources, *p.sources)))
                merged[-1] = Period(last.start, end, sources)
                continue
        merged.append(p)
    return merged


def downtime(equipment_id: int, since: datetime, until: datetime) -> list[Period]:
    periods = [*_status_periods(equipment_id, until), *_repair_periods(equipment_id)]
    return merge_periods(periods, since, until)


def equipment_history(
    equipment: Equipment,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
    offset: int = 0,
    *,
    viewer: Person | None,
) -> EquipmentHistory:
    """The last year (by default) of an asset's work, readings and outages, with the
    results `viewer` may see (None: all of them, for the CLI and jobs)."""
    until = until or clock.utcnow()
    since = since or until - YEAR
    rows, total = work_rows(equipment.id, since, until, limit, offset, viewer=viewer)
    return EquipmentHistory(
        equipment=equipment,
        since=since,
        until=until,
        rows=rows,
        total=total,
        series=reading_series(equipment.id, since, until, viewer=viewer),
        downtime=downtime(equipment.id, since, until),
    )
