"""Corrective work (维修): raised by a failed checklist item or a repair request.

One failure makes one job. The pair (visit, item) is unique in the database, and
while a job for the same asset and item is still open, a new failure of that item
is linked to it instead of piling up duplicates. The due time comes from the
priority's SLA; the job goes to whoever maintains the asset (team or contractor).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from app.core import clock
from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import Team
from app.sites.models import Location, Site
from app.workorders.models import (
    OPEN_STATUSES,
    Priority,
    WorkOrder,
    WorkOrderKind,
    WorkOrderStatus,
)

SLA_HOURS: dict[str, int] = {Priority.URGENT: 2, Priority.HIGH: 24, Priority.NORMAL: 72}
TITLE_MAX = 300
ENGINEERING = "engineering"


def due_for(priority: str, raised_at: datetime) -> datetime:
    return raised_at + timedelta(hours=SLA_HOURS[priority])


def priority_for_failure(answer: Mapping[str, Any]) -> str:
    """Key items (关键项) are high priority; anything else that failed is normal."""
    return Priority.HIGH.value if answer.get("key_item") else Priority.NORMAL.value


def _fallback_team(site_id: int) -> Team | None:
    """The site's engineering team, for jobs on places rather than maintained assets."""
    stmt = select(Team).where(Team.site_id == site_id, Team.kind == ENGINEERING).order_by(Team.id)
    return db.session.scalars(stmt).first()


def _maintainer(
    site_id: int, equipment: Equipment | None, fallback_team_id: int | None
) -> tuple[int | None, int | None]:
    """(team id, contractor id) of whoever maintains the asset."""
    if equipment is not None and equipment.maintainer_contractor_id is not None:
        return None, equipment.maintainer_contractor_id
    if equipment is not None and equipment.maintainer_team_id is not None:
        return equipment.maintainer_team_id, None
    if fallback_team_id is not None:
        return fallback_team_id, None
    team = _fallback_team(site_id)
    return (team.id if team else None), None


def create_corrective(
    *,
    site: Site,
    title: str,
    description: str,
    priority: str,
    equipment: Equipment | None = None,
    location: Location | None = None,
    source: WorkOrder | None = None,
    item_key: str | None = None,
    equipment_down: bool = False,
    raised_at: datetime | None = None,
) -> WorkOrder:
    """Add one corrective job, due by the priority's SLA, assigned to the asset's maintainer."""
    if priority not in SLA_HOURS:
        raise ValueError(f"unknown priority {priority!r}")
    now = raised_at or clock.utcnow()
    due = due_for(priority, now)
    team_id, contractor_id = _maintainer(
        site.id, equipment, source.team_id if source is not None else None
    )
    location_id = location.id if location else (equipment.location_id if equipment else None)
    work_order = WorkOrder(
        kind=WorkOrderKind.CORRECTIVE.value,
        site_id=site.id,
        equipment_id=equipment.id if equipment else None,
        location_id=location_id,
        title=title[:TITLE_MAX],
        description=description,
        priority=priority,
        due_at=due,
        ends_at=due,
        window_start=now,
        window_end=due,
        status=WorkOrderStatus.PLANNED.value,
        team_id=team_id,
        contractor_id=contractor_id,
        unassigned=team_id is None and contractor_id is None,
        source_work_order_id=source.id if source else None,
        source_item_key=item_key,
        equipment_down=equipment_down,
        touched=True,
        includes=[],
        reasons=[],
    )
    db.session.add(work_order)
    return work_order


def open_corrective_for(equipment_id: int, item_key: str) -> WorkOrder | None:
    """A job still open for the same asset and item, raised by an earlier visit."""
    stmt = (
        select(WorkOrder)
        .where(
            WorkOrder.kind == WorkOrderKind.CORRECTIVE.value,
            WorkOrder.equipment_id == equipment_id,
            WorkOrder.source_item_key == item_key,
            WorkOrder.status.in_([s.value for s in OPEN_STATUSES]),
        )
        .order_by(WorkOrder.id)
        .limit(1)
    )
    return db.session.scalar(stmt)


def _failure_text(answer: Mapping[str, Any]) -> str:
    names = answer.get("names") or {}
    text = str(names.get("zh") or names.get("en") or answer.get("key"))
    if answer.get("kind") == "reading" and answer.get("value") is not None:
        unit = f" {answer['unit']}" if answer.get("unit") else ""
        low = answer.get("min")
        high = answer.get("max")
        band = f"{'' if low is None else low}–{'' if high is None else high}{unit}"
        text += f"：{answer['value']}{unit}（{band}）"
    if answer.get("note"):
        text += f"。{answer['note']}"
    return text


def raise_for_failures(source: WorkOrder, answers: list[dict[str, Any]]) -> list[WorkOrder]:
    """One job per failed item (or out-of-range reading); sets `corrective_id` on each answer.

    The caller flushes once afterwards, together with the completion.
    """
    jobs: list[WorkOrder] = []
    for answer in answers:
        if answer.get("result") != "fail":
            continue
        existing = None
        if source.equipment_id is not None:
            existing = open_corrective_for(source.equipment_id, answer["key"])
        if existing is not None:
            answer["corrective_id"] = existing.id
            continue
        place = source.equipment.name if source.equipment else (source.location or "")
        job = create_corrective(
            site=source.site,
            title=f"{place} {answer['names'].get('zh') or answer['key']}".strip(),
            description=_failure_text(answer),
            priority=priority_for_failure(answer),
            equipment=source.equipment,
            location=source.location,
            source=source,
            item_key=answer["key"],
        )
        jobs.append(job)
    return jobs


def link_new_jobs(answers: list[dict[str, Any]], jobs: list[WorkOrder]) -> list[dict[str, Any]]:
    """Answers with the ids of the jobs created for them (ids exist after the flush)."""
    by_key = {job.source_item_key: job.id for job in jobs}
    return [
        {**a, "corrective_id": by_key[a["key"]]} if a["key"] in by_key else dict(a) for a in answers
    ]
