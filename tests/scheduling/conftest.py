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
from flask import Flask

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
def world(app: Flask) -> World:
    site = Site(code="SUN", name="阳光花园", timezone="Asia/Shanghai")
    db.session.add(site)
    db.session.flush()
    building = Location(site_id=site.id, code="B1", name="1号楼", kind="building")
    db.session.add(building)
    db.session.flush()
    room = Location(
        site_id=site.id, parent_id=building.id, code="B1-MR", name="电梯机房", kind="room"
    )
    db.session.add(room)
    db.session.flush()
    elevator = Equipment(
        site_id=site.id,
        asset_code="EL-02",
        name="2#客梯",
        category="elevator",
        location_id=room.id,
        commissioned_on=dt.date(2015, 6, 1),
    )
    db.session.add(elevator)
    db.session.commit()
    return World(site, building, room, elevator)


@pytest.fixture
def make_plan(world: World) -> Callable[..., Plan]:
    def make(**fields: Any) -> Plan:
        values: dict[str, Any] = {
            "site_id": world.site.id,
            "name": "巡检",
            "rrule": "FREQ=DAILY",
            "starts_on": dt.date(2026, 1, 1),
            "time_of_day": dt.time(9, 0),
            "holiday_policy": "next",
        }
        values.update(fields)
        plan = Plan(**values)
        db.session.add(plan)
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
def make_staff(world: World) -> Callable[..., User]:
    def make(
        username: str,
        name: str,
        *,
        team: Team | None = None,
        offset: int = 0,
        licences: tuple[tuple[str, dt.date | None], ...] = (),
    ) -> User:
        user = User(username=username, name=name)
        db.session.add(user)
        db.session.flush()
        if team is not None:
            db.session.add(TeamMembership(team_id=team.id, user_id=user.id, rotation_offset=offset))
        for kind, expires in licences:
            db.session.add(Licence(user_id=user.id, kind=kind, expires_on=expires))
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_team(world: World) -> Callable[..., Team]:
    def make(code: str, pattern: str | None, kind: str = "engineering") -> Team:
        team = Team(site_id=world.site.id, code=code, name=code, kind=kind, shift_pattern=pattern)
        db.session.add(team)
        db.session.commit()
        return team

    return make
