"""Reads of sites and locations for pages and pick-lists, named for what they fetch."""

from collections.abc import Sequence

from sqlalchemy import select

from app.extensions import db
from app.sites.models import Location, Site


def sites_by_code() -> Sequence[Site]:
    return db.session.scalars(select(Site).order_by(Site.code)).all()


def site_with_code(code: str) -> Site | None:
    return db.session.scalar(select(Site).where(Site.code == code))


def top_level_locations(site_id: int | None = None) -> Sequence[Location]:
    """Buildings and outdoor areas (locations without a parent) of one site or all, in order."""
    stmt = select(Location).where(Location.parent_id.is_(None))
    if site_id is not None:
        stmt = stmt.where(Location.site_id == site_id)
    return db.session.scalars(stmt.order_by(Location.sort_key)).all()
