"""What a programme proposes for a piece of equipment or a location, with default teams."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from sqlalchemy import and_, or_, select

from app.catalog.current import current_catalog
from app.catalog.model import (
    EquipmentType,
)
from app.core import clock
from app.core.validation import N_, UNSET, Unset, ValidationError
from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import Licence, Team, TeamMembership
from app.plans.models import Plan, PlanKind
from app.plans.programmes.patrols import location_units
from app.plans.programmes.units import OFFICE_WEEK, TEAM_KIND_FOR, CatalogUnit, equipment_units
from app.sites.models import Location, Site
from schedules import HolidayPolicy


@dataclass(frozen=True)
class TaskChoice:
    """What the user adjusted for one proposed plan on the apply page."""

    include: bool = True
    time_of_day: time | None = None
    starts_on: date | None = None
    team_id: int | Unset | None = UNSET
    assignee_id: int | Unset | None = UNSET
    performer: str | None = None
    holiday_policy: str | None = None


@dataclass(frozen=True)
class ProposedPlan:
    """One row of the apply page: the unit, its defaults and the plan it already has."""

    unit: CatalogUnit
    existing: Plan | None
    in_house_team_id: int | None
    contractor_id: int | None
    time_of_day: time
    holiday_policy: str

    @property
    def team_id(self) -> int | None:
        """Contracted work goes to the contractor, not to a team of ours."""
        return None if self.unit.contracted else self.in_house_team_id


@dataclass
class Target:
    site: Site
    equipment: Equipment | None = None
    location: Location | None = None
    units: list[CatalogUnit] = field(default_factory=list)


class ProgrammeError(ValidationError):
    """The programme cannot be applied as asked; one message per field."""


def equipment_type_for(equipment: Equipment, type_key: str | None = None) -> EquipmentType:
    key = type_key or equipment.type_key
    if not key:
        raise ProgrammeError({"type_key": N_("This equipment has no catalog type yet.")})
    try:
        return current_catalog().type(key)
    except KeyError:
        raise ProgrammeError(
            {"type_key": N_("The catalog has no equipment type %(key)s.", key=key)}
        ) from None


def _existing(target: Target) -> dict[tuple[str, str], Plan]:
    stmt = select(Plan).where(Plan.catalog_task_key.is_not(None))
    if target.equipment is not None:
        stmt = stmt.where(Plan.equipment_id == target.equipment.id)
    else:
        assert target.location is not None
        # A patrol route crosses many areas but is walked once per site.
        stmt = stmt.where(
            Plan.equipment_id.is_(None),
            or_(
                Plan.location_id == target.location.id,
                and_(Plan.site_id == target.site.id, Plan.kind == PlanKind.PATROL.value),
            ),
        )
    return {
        (plan.catalog_type_key or "", plan.catalog_task_key or ""): plan
        for plan in db.session.scalars(stmt)
    }


@dataclass(frozen=True)
class TeamFacts:
    id: int
    kind: str
    shift_pattern: str | None
    licences: frozenset[str]

    def can_do(self, unit: CatalogUnit) -> bool:
        """Holds the licence, and is on duty every day when the work runs every day."""
        licence = unit.fields["licence_kind"]
        if licence is not None and licence not in self.licences:
            return False
        runs_every_day = unit.default_policy == HolidayPolicy.IGNORE.value
        return not runs_every_day or self.shift_pattern not in (None, OFFICE_WEEK)


def site_teams(site: Site) -> list[TeamFacts]:
    today = clock.local_today(site.timezone)
    licences: dict[int, set[str]] = {}
    rows = db.session.execute(
        select(TeamMembership.team_id, Licence.kind)
        .join(Licence, Licence.user_id == TeamMembership.user_id)
        .join(Team, Team.id == TeamMembership.team_id)
        .where(
            Team.site_id == site.id,
            or_(Licence.expires_on.is_(None), Licence.expires_on >= today),
        )
    )
    for team_id, kind in rows:
        licences.setdefault(team_id, set()).add(kind)
    teams = db.session.scalars(select(Team).where(Team.site_id == site.id).order_by(Team.id))
    return [
        TeamFacts(t.id, t.kind, t.shift_pattern, frozenset(licences.get(t.id, ()))) for t in teams
    ]


def _default_team(
    teams: list[TeamFacts], preferred_id: int | None, kind: str | None, unit: CatalogUnit
) -> int | None:
    """The team that can really do the work: the preferred one if it can, else one of the
    same kind, else any team of the site that can (e.g. the 24 h duty electricians for a
    daily switch-room round, the control room's licensed operators for a fire pump test).
    The supervisor still adjusts it on the apply page."""
    preferred = next((t for t in teams if t.id == preferred_id), None)
    if preferred is not None and preferred.can_do(unit):
        return preferred.id
    wanted_kind = preferred.kind if preferred is not None else kind
    able = [t for t in teams if t.can_do(unit)]
    for team in able:
        if team.kind == wanted_kind:
            return team.id
    if able:
        return able[0].id
    if preferred is not None:
        return preferred.id
    return next((t.id for t in teams if t.kind == wanted_kind), None)


def _proposals(target: Target) -> list[ProposedPlan]:
    existing = _existing(target)
    teams = site_teams(target.site)
    rows = []
    for unit in target.units:
        if target.equipment is not None:
            preferred = target.equipment.maintainer_team_id
            team_id = _default_team(teams, preferred, "engineering", unit)
            contractor_id = target.equipment.maintainer_contractor_id
        else:
            team_id = _default_team(teams, None, TEAM_KIND_FOR.get(unit.kind), unit)
            contractor_id = None
        rows.append(
            ProposedPlan(
                unit=unit,
                existing=existing.get((unit.type_key, unit.task_key)),
                in_house_team_id=team_id,
                contractor_id=contractor_id,
                time_of_day=unit.default_time,
                holiday_policy=unit.default_policy,
            )
        )
    return rows


def programme_for(equipment: Equipment, type_key: str | None = None) -> list[ProposedPlan]:
    """What applying the catalog type to this asset would create (and what it already has)."""
    equipment_type = equipment_type_for(equipment, type_key)
    return _proposals(Target(equipment.site, equipment, units=equipment_units(equipment_type)))


def area_programme_for(location: Location) -> list[ProposedPlan]:
    """What applying cleaning, greening and patrols to this location would create."""
    return _proposals(Target(location.site, location=location, units=location_units(location)))
