"""Reads of equipment for pages and pick-lists, named for what they fetch."""

from collections.abc import Sequence

from sqlalchemy import select

from app.equipment.models import Equipment
from app.extensions import db


def equipment_of_site(site_id: int) -> Sequence[Equipment]:
    """A site's assets by asset code, for a plan's pick-list."""
    stmt = select(Equipment).where(Equipment.site_id == site_id).order_by(Equipment.asset_code)
    return db.session.scalars(stmt).all()
