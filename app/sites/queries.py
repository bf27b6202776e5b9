"""Reads of sites and locations for pages and pick-lists, named for what they fetch."""

from collections.abc import Sequence

from sqlalchemy import Select, select

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


def sites_in_order() -> Select[tuple[Site]]:
    """Every site by code, as a statement the API pages through."""
    return select(Site).order_by(Site.code, Site.id)


def locations_of(
    site: Site, *, only_id: int | None = None, parent_id: int | None = None
) -> Select[tuple[Location]]:
    """A site's locations in tree order, optionally one of them or one parent's children."""
    stmt = (
        select(Location)
        .where(Location.site_id == site.id)
        .order_by(Location.sort_key, Location.name, Location.id)
    )
    if only_id is not None:
        stmt = stmt.where(Location.id == only_id)
    if parent_id is not None:
        stmt = stmt.where(Location.parent_id == parent_id)
    return stmt
