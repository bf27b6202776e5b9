"""Read a site's stored plan into a `Record`: its rows, plans, equipment, calendar and duty.

The simulation collects its year with it at the end; the demo check collects the year
ahead of a freshly loaded demo. Both are then judged by `invariants.py`.
"""

from __future__ import annotations

from sqlalchemy import select

from app.calendars.services import site_calendar
from app.equipment.models import Equipment
from app.extensions import db
from app.plans.models import Plan
from app.rosters.services import staff_key, staff_pool
from app.sites.models import Location, Site
from app.workorders.models import WorkOrder
from tests.simulation.record import EquipmentFacts, Record, Row


def collect(record: Record) -> None:
    """Fill `record` with everything stored for its site (`record.site_id`)."""
    site_id = record.site_id
    for wo in db.session.scalars(select(WorkOrder).where(WorkOrder.site_id == site_id)):
        record.rows.append(_row(wo))
    for plan in db.session.scalars(select(Plan).where(Plan.site_id == site_id)):
        record.plans[plan.id] = plan
    for equipment in db.session.scalars(select(Equipment).where(Equipment.site_id == site_id)):
        building = _building(equipment.location)
        record.equipment[equipment.id] = EquipmentFacts(
            code=equipment.asset_code,
            name=equipment.name,
            type_key=equipment.type_key,
            building_id=building.id if building else None,
            building=building.name if building else "",
            fire_lift=bool((equipment.attributes or {}).get("fire_lift")),
            next_inspection_on=equipment.next_inspection_on,
        )
    site = db.session.get(Site, site_id)
    assert site is not None
    record.calendar = site_calendar(site)
    _collect_duty(record, site)


def _row(wo: WorkOrder) -> Row:
    return Row(
        id=wo.id,
        kind=wo.kind,
        plan_id=wo.plan_id,
        equipment_id=wo.equipment_id,
        slot=wo.slot,
        due=wo.due_at,
        ends=wo.ends_at,
        window_end=wo.window_end,
        status=wo.status,
        tier=wo.tier,
        includes=tuple(wo.includes or ()),
        assignee_id=wo.assignee_id,
        team_id=wo.team_id,
        unassigned=wo.unassigned,
        reasons=tuple(wo.reasons or ()),
        completed=wo.completed_at,
        equipment_down=wo.equipment_down,
    )


def _collect_duty(record: Record, site: Site) -> None:
    """Who of each team was on duty at the due times of its least-loaded visits."""
    least_loaded = {p.id for p in record.plans.values() if p.assignment_strategy == "least_loaded"}
    rows = [r for r in record.rows if r.plan_id in least_loaded and r.team_id]
    for team_id in sorted({r.team_id for r in rows if r.team_id is not None}):
        pool = staff_pool(team_ids=[team_id], timezone=site.timezone, calendar=record.calendar)
        members = {staff_key(m): m for m in pool.members_of(team_id)}
        for row in rows:
            if row.team_id != team_id:
                continue
            key = (team_id, row.due_day)
            on = {members[k] for k in pool.roster.members_on_duty(row.due) if k in members}
            record.on_duty[key] = record.on_duty.get(key, frozenset()) | on


def _building(location: Location | None) -> Location | None:
    while location is not None and location.kind != "building":
        location = location.parent
    return location
