"""Finding what to print from the codes people type (CLI options, form fields, query strings).

Each failure is a `PrintInputError` naming the field, so the CLI prints one line
and a form shows the message next to the field.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.core.validation import N_
from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import Team, User
from app.printing.sheet import PrintInputError
from app.sites.models import Location, Site
from app.workorders.models import WorkOrder

MAX_PERIOD_DAYS = 400


def find_site(code: str | None) -> Site:
    """The site with this code; without a code, the only site there is."""
    if code:
        site = db.session.scalar(select(Site).where(Site.code == code))
        if site is None:
            raise PrintInputError({"site": N_("There is no site with code %(code)s.", code=code)})
        return site
    sites = list(db.session.scalars(select(Site).order_by(Site.code).limit(2)))
    if len(sites) != 1:
        raise PrintInputError({"site": N_("Choose a site.")})
    return sites[0]


def find_team(site: Site, code: str) -> Team:
    team = db.session.scalar(select(Team).where(Team.site_id == site.id, Team.code == code))
    if team is None:
        raise PrintInputError(
            {"team": N_("Site %(site)s has no team %(code)s.", site=site.code, code=code)}
        )
    return team


def find_worker(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise PrintInputError(
            {"worker": N_("There is nobody with username %(name)s.", name=username)}
        )
    return user


def find_area(site: Site, code: str) -> Location:
    area = db.session.scalar(
        select(Location).where(Location.site_id == site.id, Location.code == code)
    )
    if area is None:
        raise PrintInputError(
            {"area": N_("Site %(site)s has no location %(code)s.", site=site.code, code=code)}
        )
    return area


def find_work_order(work_order_id: int) -> WorkOrder:
    work_order = db.session.get(WorkOrder, work_order_id)
    if work_order is None:
        raise PrintInputError(
            {"work_order": N_("There is no work order %(id)s.", id=work_order_id)}
        )
    return work_order


def find_equipment(site: Site, asset_code: str) -> Equipment:
    equipment = db.session.scalar(
        select(Equipment).where(Equipment.site_id == site.id, Equipment.asset_code == asset_code)
    )
    if equipment is None:
        raise PrintInputError(
            {
                "equipment": N_(
                    "Site %(site)s has no asset %(code)s.", site=site.code, code=asset_code
                )
            }
        )
    return equipment


def check_period(first_day: date | None, last_day: date | None) -> tuple[date, date]:
    """Both ends given, in order, and not longer than about a year."""
    if first_day is None or last_day is None:
        raise PrintInputError({"period": N_("Give both the first and the last day.")})
    if last_day < first_day:
        raise PrintInputError({"period": N_("The last day is before the first day.")})
    if (last_day - first_day).days > MAX_PERIOD_DAYS:
        raise PrintInputError(
            {"period": N_("Print at most %(days)s days at a time.", days=MAX_PERIOD_DAYS)}
        )
    return first_day, last_day


def parse_day(text: str | None, field: str = "date") -> date | None:
    """ "2026-03-03" → a date; None for nothing; a clear error for anything else."""
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise PrintInputError(
            {field: N_("%(text)s is not a date; write it as YYYY-MM-DD.", text=text)}
        ) from None
