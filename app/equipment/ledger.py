"""The equipment ledger list: filters, search and a stable order, for the page and the API."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select

from app.equipment.models import Equipment, EquipmentStatus
from app.extensions import db
from app.sites.models import Location, Site

ACTIVE = "active"
"""Status filter meaning "everything except retired", the ledger's default view."""

SORTS = {
    "code": (Equipment.asset_code,),
    "name": (Equipment.name,),
    "category": (Equipment.category,),
    "status": (Equipment.status,),
    "next_inspection": (Equipment.next_inspection_on,),
}


@dataclass
class LedgerFilter:
    site_id: int | None = None
    site_code: str | None = None
    building_id: int | None = None
    category: str | None = None
    status: str | None = None
    q: str | None = None
    sort: str = "code"


def descendant_ids(root: Location) -> list[int]:
    """The location and everything below it, loaded with one query per site."""
    rows = db.session.execute(
        select(Location.id, Location.parent_id).where(Location.site_id == root.site_id)
    ).all()
    children: dict[int, list[int]] = {}
    for loc_id, parent_id in rows:
        if parent_id is not None:
            children.setdefault(parent_id, []).append(loc_id)
    found, stack = [], [root.id]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


def ledger_query(flt: LedgerFilter) -> Select[tuple[Equipment]]:
    """The ledger list for the page and the API: filters, search and a stable order."""
    stmt = select(Equipment)
    if flt.site_id is not None:
        stmt = stmt.where(Equipment.site_id == flt.site_id)
    if flt.site_code:
        stmt = stmt.join(Site, Site.id == Equipment.site_id).where(Site.code == flt.site_code)
    if flt.building_id is not None:
        building = db.session.get(Location, flt.building_id)
        ids = descendant_ids(building) if building else []
        stmt = stmt.where(Equipment.location_id.in_(ids))
    if flt.category:
        stmt = stmt.where(Equipment.category == flt.category)
    if flt.status == ACTIVE:
        stmt = stmt.where(Equipment.status != EquipmentStatus.RETIRED)
    elif flt.status:
        stmt = stmt.where(Equipment.status == flt.status)
    if flt.q and flt.q.strip():
        needle = flt.q.strip().lower()
        columns: Iterable[Any] = (
            Equipment.asset_code,
            Equipment.name,
            Equipment.model,
            Equipment.serial_number,
            Equipment.registration_number,
            Equipment.registration_code,
        )
        stmt = stmt.where(or_(*(func.lower(c).contains(needle, autoescape=True) for c in columns)))
    descending = flt.sort.startswith("-")
    columns_for_sort = SORTS.get(flt.sort.lstrip("-"), SORTS["code"])
    order: list[Any] = []
    for column in columns_for_sort:
        if column is Equipment.next_inspection_on:
            order.append(column.is_(None))
        order.append(column.desc() if descending else column.asc())
    order += [Equipment.asset_code, Equipment.id]
    return stmt.order_by(*order)
