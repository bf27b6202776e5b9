"""Reads of calendar overrides for pages, named for what they fetch."""

from collections.abc import Sequence

from sqlalchemy import select

from app.calendars.models import CalendarOverride
from app.extensions import db
from app.sites.models import Site


def overrides_of(site: Site | None) -> Sequence[CalendarOverride]:
    """The days one site (or, for None, the whole company) overrides, by date."""
    stmt = select(CalendarOverride).where(CalendarOverride.site_id == (site.id if site else None))
    return db.session.scalars(stmt.order_by(CalendarOverride.day)).all()
