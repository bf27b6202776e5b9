"""One site's context: its calendar (shared between runs), places, staff and equipment."""

from __future__ import annotations

import datetime as dt
import logging
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from threading import Lock
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import (
    CompoundSelect,
    select,
    union,
)

from app.calendars.services import site_calendar
from app.equipment.models import Equipment
from app.equipment.parsing import COMPONENT_DATES
from app.extensions import db
from app.people.models import Team
from app.rosters.services import StaffPool, staff_pool
from app.scheduling.generation.results import PLAN_TABLE, PlanProblem
from app.scheduling.generation.rows import team_of
from app.scheduling.mapping import (
    EquipmentFacts,
    MappingError,
    Places,
    PlanFacts,
    Unit,
    base_of,
    build_unit,
    component_dates,
)
from app.sites.models import Location, Site
from schedules import (
    WorkCalendar,
)

log = logging.getLogger("app.scheduling.generation")


def horizon_end(until: dt.date | dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """`until` as an aware instant: a date means midnight in the company time zone."""
    if until is None:
        return now + dt.timedelta(days=int(current_app.config["ROUNDS_HORIZON_DAYS"]))
    if isinstance(until, dt.datetime):
        if until.tzinfo is None:
            raise ValueError("until needs a time zone")
        return until
    return dt.datetime.combine(until, dt.time(), ZoneInfo(current_app.config["ROUNDS_TIMEZONE"]))


_CALENDARS: OrderedDict[Hashable, WorkCalendar] = OrderedDict()
_CALENDARS_KEPT = 32
_CALENDARS_LOCK = Lock()


def shared_calendar(site: Site) -> WorkCalendar:
    """The site's calendar, reusing an equal one built before (with its year tables).

    A calendar is fixed by its overrides and the years declared complete; building a
    year from the holiday libraries costs milliseconds, which one edited plan should
    not pay again and again.
    """
    fresh = site_calendar(site)
    key = fresh.overrides  # the days and the years declared complete
    with _CALENDARS_LOCK:
        cached = _CALENDARS.get(key)
        if cached is not None:
            _CALENDARS.move_to_end(key)
            return cached
        _CALENDARS[key] = fresh
        while len(_CALENDARS) > _CALENDARS_KEPT:
            _CALENDARS.popitem(last=False)
    return fresh


class SiteContext:
    """What every plan of one site shares: zone, calendar, place names, staff."""

    def __init__(self, site: Site) -> None:
        self.site_id = site.id
        self.timezone = site.timezone
        self.calendar: WorkCalendar = shared_calendar(site)
        self.places = Places(
            db.session.execute(
                select(Location.id, Location.parent_id, Location.name).where(
                    Location.site_id == site.id
                )
            )
        )
        self._site_pool: StaffPool | None = None

    def site_pool(self) -> StaffPool:
        """Staff for every team and named assignee of the site, built once per run."""
        if self._site_pool is None:
            teams = set(db.session.scalars(_team_ids_of_site(self.site_id)))
            assignees = set(
                db.session.scalars(
                    select(PLAN_TABLE.c.assignee_id)
                    .where(
                        PLAN_TABLE.c.site_id == self.site_id, PLAN_TABLE.c.assignee_id.is_not(None)
                    )
                    .distinct()
                )
            )
            self._site_pool = self.pool_for(teams, assignees)
        return self._site_pool

    def pool_for_units(self, units: Sequence[Unit]) -> StaffPool | None:
        """Staff for just these units: the teams and people they name (one edited plan)."""
        staffed = [u for u in units if u.base.staffed]
        if not staffed:
            return None
        teams = {team for u in staffed if (team := team_of(u)) is not None}
        users = {u.base.assignee_id for u in staffed if u.base.assignee_id is not None}
        return self.pool_for(teams, users)

    def pool_for(self, team_ids: set[int], user_ids: set[int]) -> StaffPool:
        return staff_pool(
            team_ids=team_ids, user_ids=user_ids, timezone=self.timezone, calendar=self.calendar
        )

    def units(
        self, members_by_base: Sequence[Sequence[PlanFacts]], problems: list[PlanProblem]
    ) -> list[Unit]:
        """Map plan groups to units; a plan the engine refuses becomes a problem, not a crash."""
        equipment = _equipment(
            {m[0].equipment_id for m in members_by_base if m[0].equipment_id is not None}
        )
        units = []
        for members in members_by_base:
            base = base_of(members)
            try:
                units.append(
                    build_unit(
                        members,
                        timezone=self.timezone,
                        equipment=equipment.get(base.equipment_id) if base.equipment_id else None,
                        places=self.places,
                    )
                )
            except MappingError as error:
                problems.append(PlanProblem(base.id, str(error)))
                log.warning("not scheduled: %s", error)
        return units


def _team_ids_of_site(site_id: int) -> CompoundSelect[tuple[int]]:
    """Teams of the site, plus teams its plans and equipment name (maybe another site's)."""
    return union(
        select(Team.id).where(Team.site_id == site_id),
        select(PLAN_TABLE.c.team_id).where(
            PLAN_TABLE.c.site_id == site_id, PLAN_TABLE.c.team_id.is_not(None)
        ),
        select(Equipment.maintainer_team_id).where(
            Equipment.site_id == site_id, Equipment.maintainer_team_id.is_not(None)
        ),
    )


def _equipment(ids: set[int]) -> dict[int, EquipmentFacts]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            Equipment.id,
            Equipment.asset_code,
            Equipment.name,
            Equipment.location_id,
            Equipment.commissioned_on,
            Equipment.installed_on,
            Equipment.maintainer_team_id,
            Equipment.next_inspection_on,
            Equipment.attributes,
        ).where(Equipment.id.in_(list(ids)))
    )
    return {
        row.id: EquipmentFacts(
            row.id,
            row.asset_code,
            row.name,
            row.location_id,
            row.commissioned_on or row.installed_on,
            row.maintainer_team_id,
            component_dates((row.attributes or {}).get(COMPONENT_DATES)),
            row.next_inspection_on,
        )
        for row in rows
    }
