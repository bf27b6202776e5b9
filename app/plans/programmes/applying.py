"""Applying a programme: the chosen units become plans, and their schedule follows."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time, timedelta
from typing import Any

from app.calendars.services import site_calendar
from app.catalog.model import (
    Performer,
)
from app.core import clock
from app.core.signals import plan_changed
from app.core.validation import N_, Problems, pick
from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import Team, User
from app.plans.models import AssignmentStrategy, Plan
from app.plans.programmes.proposals import (
    ProgrammeError,
    ProposedPlan,
    Target,
    TaskChoice,
    area_programme_for,
    programme_for,
)
from app.plans.programmes.units import CONTRACTED, CatalogUnit
from app.sites.models import Location
from schedules import HolidayPolicy, WorkCalendar


def apply_programme(
    equipment: Equipment,
    type_key: str | None = None,
    overrides: Mapping[str, TaskChoice] | None = None,
) -> list[Plan]:
    """Create the asset's plans from its catalog type; returns the new plans.

    Re-applying never duplicates: a task the asset already has a plan for is kept
    as it is. The levels of one tier chain (TSG T5002 半月/季度/半年/年度) share a
    `tier_group` and one start, so the higher levels stand in for a base visit.
    """
    proposals = programme_for(equipment, type_key)
    target = Target(equipment.site, equipment)
    return _apply(target, proposals, overrides or {})


def apply_area_programme(
    location: Location, overrides: Mapping[str, TaskChoice] | None = None
) -> list[Plan]:
    """Create a location's cleaning, greening and patrol plans at the site's service level.

    Optional rows (site-wide tasks, routes not passing this area) are only created
    when `overrides` includes them.
    """
    proposals = area_programme_for(location)
    target = Target(location.site, location=location)
    return _apply(target, proposals, overrides or {})


def choice_key(unit: CatalogUnit) -> str:
    """How forms and overrides name a proposed plan (unique per target)."""
    return f"{unit.type_key}:{unit.task_key}"


def _apply(
    target: Target, proposals: list[ProposedPlan], overrides: Mapping[str, TaskChoice]
) -> list[Plan]:
    problems = Problems()
    today = clock.local_today(target.site.timezone)
    calendar = site_calendar(target.site)
    chain_start: dict[str, tuple[date, time]] = {}
    created: list[Plan] = []
    for row in proposals:
        key = choice_key(row.unit)
        choice = overrides.get(key, TaskChoice(include=not row.unit.optional))
        if row.existing is not None or not choice.include:
            continue
        values = _scheduling_values(target, row, choice, key, problems)
        if row.unit.fields["age_bands"] and not _commissioned(target):
            problems.add(
                f"{key}.include",
                N_("Enter the equipment's commissioning date first: this task depends on age."),
            )
        first = choice.starts_on or first_start(calendar, today, values["holiday_policy"])
        group = row.unit.fields["tier_group"]
        if group is not None:
            # One chain, one grid: the higher levels start with the base level.
            start = chain_start.setdefault(group, (first, values["time"]))
        else:
            start = (first, values["time"])
        plan = _new_plan(target, row.unit, values, start)
        created.append(plan)
    problems.raise_if_any(ProgrammeError)
    for plan in created:
        db.session.add(plan)
    db.session.flush()
    regenerated: set[str] = set()
    for plan in created:
        if plan.tier_group is not None:
            if plan.tier_group in regenerated:
                continue  # one run redoes the whole tier group
            regenerated.add(plan.tier_group)
        plan_changed.send(None, plans=[plan])
    return created


_START_SEARCH = timedelta(days=31)  # longer than any run of rest days (Spring Festival: 9)


def first_start(calendar: WorkCalendar, today: date, holiday_policy: str) -> date:
    """The default first date of a new plan: today, or the next working day when today is a
    rest day and the plan follows the calendar.

    A rule without its own weekdays repeats on the weekday it starts on: applied on a
    Saturday under the skip policy, fortnightly summer mowing fell on Saturdays only and
    was skipped all season (2022 and 2012 began on a weekend and lost the greening plans).
    """
    if holiday_policy == HolidayPolicy.IGNORE.value or calendar.is_workday(today):
        return today
    return calendar.next_workday(today, not_after=today + _START_SEARCH) or today


def _commissioned(target: Target) -> bool:
    equipment = target.equipment
    return equipment is not None and bool(equipment.commissioned_on or equipment.installed_on)


def _scheduling_values(
    target: Target, row: ProposedPlan, choice: TaskChoice, key: str, problems: Problems
) -> dict[str, Any]:
    unit = row.unit
    performer = choice.performer or unit.fields["performer"]
    if performer not in Performer.__members__.values():
        problems.add(f"{key}.performer", N_("Choose who does the work."))
        performer = unit.fields["performer"]
    contracted = performer in CONTRACTED
    team_id = pick(choice.team_id, None if contracted else row.in_house_team_id)
    if team_id is not None:
        team = db.session.get(Team, team_id)
        if team is None or team.site_id != target.site.id:
            problems.add(f"{key}.team_id", N_("Choose a team of this site."))
    assignee_id = pick(choice.assignee_id, None)
    if assignee_id is not None:
        person = db.session.get(User, assignee_id)
        if person is None or not person.active:
            problems.add(f"{key}.assignee_id", N_("Choose an active member of staff."))
    policy = choice.holiday_policy or row.holiday_policy
    if policy not in HolidayPolicy.__members__.values():
        problems.add(f"{key}.holiday_policy", N_("Choose what happens on holidays."))
    if assignee_id is not None:
        strategy = AssignmentStrategy.FIXED.value
    elif team_id is not None:
        strategy = AssignmentStrategy.LEAST_LOADED.value
    else:
        strategy = AssignmentStrategy.FIXED.value
    return {
        "performer": performer,
        "team_id": team_id,
        "assignee_id": assignee_id,
        "contractor_id": row.contractor_id if contracted else None,
        "holiday_policy": policy,
        "assignment_strategy": strategy,
        "time": choice.time_of_day or row.time_of_day,
    }


def _plan_name(target: Target, unit: CatalogUnit) -> str:
    owner = target.equipment.name if target.equipment is not None else target.location.name  # type: ignore[union-attr]
    season = f"（{unit.season.label.zh}）" if unit.season is not None else ""
    return f"{owner} {unit.names.zh}{season}"[:200]


def _new_plan(
    target: Target, unit: CatalogUnit, values: dict[str, Any], start: tuple[date, time]
) -> Plan:
    fields = dict(unit.fields)
    fields["performer"] = values["performer"]
    return Plan(
        site_id=target.site.id,
        equipment_id=target.equipment.id if target.equipment else None,
        location_id=(
            target.location.id
            if target.location is not None
            else (target.equipment.location_id if target.equipment else None)
        ),
        name=_plan_name(target, unit),
        kind=unit.kind,
        catalog_type_key=unit.type_key,
        catalog_task_key=unit.task_key,
        catalog_version=unit.version,
        starts_on=start[0],
        time_of_day=start[1],
        holiday_policy=values["holiday_policy"],
        team_id=values["team_id"],
        assignee_id=values["assignee_id"],
        contractor_id=values["contractor_id"],
        assignment_strategy=values["assignment_strategy"],
        notes="",
        active=True,
        **fields,
    )


# --- catalog updates -----------------------------------------------------------------------
