"""Builders for scheduling tests: a site with a building, an elevator, staff and plans.

Rows are made directly (not through forms) so each test states exactly the plan it
schedules. Every date is pinned; nothing reads the real clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import Licence, Team, TeamMembership, User
from app.plans.models import Plan
from app.sites.models import Location, Site

from .kit import ELEVATOR_TIERS


@dataclass
class World:
    site: Site
    building: Location
    machine_room: Location
    elevator: Equipment


@pytest.fixture
def world(
    create_site: Callable[..., Site],
    create_location: Callable[..., Location],
    create_equipment: Callable[..., Equipment],
) -> World:
    site = create_site("SUN", "阳光花园")
    building = create_location(site, "B1", "1号楼", "building")
    room = create_location(site, "B1-MR", "电梯机房", "room", parent=building)
    elevator = create_equipment(
        site, "EL-02", "2#客梯", "elevator", location=room, commissioned_on=dt.date(2015, 6, 1)
    )
    db.session.commit()
    return World(site, building, room, elevator)


@pytest.fixture
def make_plan(world: World, create_plan: Callable[..., Plan]) -> Callable[..., Plan]:
    """A daily 09:00 plan of the world's site (holidays: next working day), committed."""

    def make(**fields: Any) -> Plan:
        site = db.session.get(Site, fields.pop("site_id", world.site.id))
        values: dict[str, Any] = {"time_of_day": dt.time(9, 0), "holiday_policy": "next"}
        values.update(fields)
        plan = create_plan(site, **values)
        db.session.commit()
        return plan

    return make


@pytest.fixture
def elevator_group(world: World, make_plan: Callable[..., Plan]) -> list[Plan]:
    """TSG T5002: half-monthly every 15 days ⊂ quarterly ⊂ half-yearly ⊂ annual, ceiling 15."""
    return [
        make_plan(
            name=name,
            rrule=rule,
            equipment_id=world.elevator.id,
            tier_group="tsg-t5002",
            tier_level=level,
            ceiling_days=15,
            holiday_policy="next",
            performer="licensed_contractor",
        )
        for name, rule, level in ELEVATOR_TIERS
    ]


@pytest.fixture
def make_staff(
    world: World,
    create_user: Callable[..., User],
    create_membership: Callable[..., TeamMembership],
) -> Callable[..., User]:
    def make(
        username: str,
        name: str,
        *,
        team: Team | None = None,
        offset: int = 0,
        licences: tuple[tuple[str, dt.date | None], ...] = (),
    ) -> User:
        user = create_user(username, name)
        if team is not None:
            create_membership(team, user, rotation_offset=offset)
        for kind, expires in licences:
            db.session.add(Licence(user_id=user.id, kind=kind, expires_on=expires))
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_team(world: World, create_team: Callable[..., Team]) -> Callable[..., Team]:
    def make(code: str, pattern: str | None, kind: str = "engineering") -> Team:
        team = create_team(world.site, code, code, kind, shift_pattern=pattern)
        db.session.commit()
        return team

    return make
