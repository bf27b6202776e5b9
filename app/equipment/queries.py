"""Reads of equipment for pages and pick-lists, named for what they fetch."""

from collections.abc import Sequence

from sqlalchemy import func, select

from app.equipment.models import Equipment, EquipmentStatus
from app.extensions import db


def equipment_of_site(site_id: int) -> Sequence[Equipment]:
    """A site's assets by asset code, for a plan's pick-list."""
    stmt = select(Equipment).where(Equipment.site_id == site_id).order_by(Equipment.asset_code)
    return db.session.scalars(stmt).all()


def equipment_count_by_status() -> dict[EquipmentStatus, int]:
    """How many assets are in each status, for the home page's overview."""
    rows = db.session.execute(select(Equipment.status, func.count()).group_by(Equipment.status))
    return {status: count for status, count in rows}
