"""Factory fixtures shared by every test package (a pytest plugin, see tests/conftest.py).

Each fixture returns a function that makes one row with sensible defaults and flushes,
so a test or a package's world names only what matters to it: `create_site()`,
`create_location(site, "B1", "1号楼")`, `create_plan(site, equipment_id=pump.id)`.
Nothing commits here; the caller does when its test needs a clean session.

Rows are made with the models directly, so a fixture never depends on the rules under
test; users are the exception, made by `people.services.create_user`, where roles and
password hashing live (a user without a password costs no hashing).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

import pytest
from flask import Flask

from app.contractors.models import Contractor
from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import Team, TeamMembership, User
from app.people.services import create_user as create_user_service
from app.plans.models import Plan
from app.sites.models import Location, Site
from app.workorders.models import WorkOrder

PLAN_START = date(2026, 1, 1)
Row = TypeVar("Row")


def _saved(row: Row) -> Row:
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def create_site(app: Flask) -> Callable[..., Site]:
    """`create_site(code="SUN", name="阳光花园")`: a site in Shanghai time."""

    def create(
        code: str = "SUN", name: str = "阳光花园", *, timezone: str = "Asia/Shanghai", **values: Any
    ) -> Site:
        return _saved(Site(code=code, name=name, timezone=timezone, **values))

    return create


@pytest.fixture
def create_location(app: Flask) -> Callable[..., Location]:
    """`create_location(site, "B1", "1号楼", "building", parent=None)`."""

    def create(
        site: Site,
        code: str,
        name: str,
        kind: str = "building",
        *,
        parent: Location | None = None,
        **values: Any,
    ) -> Location:
        parent_id = parent.id if parent is not None else None
        return _saved(
            Location(
                site_id=site.id, code=code, name=name, kind=kind, parent_id=parent_id, **values
            )
        )

    return create


@pytest.fixture
def create_team(app: Flask) -> Callable[..., Team]:
    """`create_team(site, "ENG", "工程部", "engineering")`."""

    def create(
        site: Site,
        code: str = "ENG",
        name: str = "工程部",
        kind: str = "engineering",
        **values: Any,
    ) -> Team:
        return _saved(Team(site_id=site.id, code=code, name=name, kind=kind, **values))

    return create


@pytest.fixture
def create_user(app: Flask) -> Callable[..., User]:
    """`create_user("wang", "王师傅", "technician")`: no password unless given (hashing is slow)."""

    def create(
        username: str,
        name: str = "",
        role: str | None = None,
        *,
        password: str | None = None,
        locale: str | None = None,
    ) -> User:
        user = create_user_service(username, name, [role] if role else [], password=password)
        if locale is not None:
            user.locale = locale
        return user

    return create


@pytest.fixture
def create_membership(app: Flask) -> Callable[..., TeamMembership]:
    """`create_membership(team, user, is_lead=False, rotation_offset=0)`."""

    def create(team: Team, user: User, **values: Any) -> TeamMembership:
        return _saved(TeamMembership(team_id=team.id, user_id=user.id, **values))

    return create


@pytest.fixture
def create_contractor(app: Flask) -> Callable[..., Contractor]:
    """`create_contractor("迅达电梯维保")`."""

    def create(name: str = "迅达电梯维保", **values: Any) -> Contractor:
        return _saved(Contractor(name=name, **values))

    return create


@pytest.fixture
def create_equipment(app: Flask) -> Callable[..., Equipment]:
    """`create_equipment(site, "WP-01", "1号生活水泵", "water", location=pump_room)`."""

    def create(
        site: Site,
        asset_code: str,
        name: str = "",
        category: str = "water",
        *,
        location: Location | None = None,
        **values: Any,
    ) -> Equipment:
        location_id = location.id if location is not None else None
        equipment = Equipment(
            site_id=site.id,
            asset_code=asset_code,
            name=name or asset_code,
            category=category,
            location_id=location_id,
            **values,
        )
        return _saved(equipment)

    return create


@pytest.fixture
def create_plan(app: Flask) -> Callable[..., Plan]:
    """`create_plan(site, "巡检", rrule="FREQ=DAILY", starts_on=2026-01-01, **fields)`."""

    def create(
        site: Site,
        name: str = "巡检",
        *,
        rrule: str = "FREQ=DAILY",
        starts_on: date = PLAN_START,
        **values: Any,
    ) -> Plan:
        return _saved(Plan(site_id=site.id, name=name, rrule=rrule, starts_on=starts_on, **values))

    return create


@pytest.fixture
def create_work_order(app: Flask) -> Callable[..., WorkOrder]:
    """`create_work_order(plan, due, title=...)`: one row as the engine would store it.

    Defaults: the plan's site and equipment, an hour's work, a window from `due` to a day
    later, status planned; any column can be given.
    """

    def create(
        plan: Plan,
        due: datetime,
        *,
        title: str | None = None,
        duration: timedelta = timedelta(hours=1),
        **values: Any,
    ) -> WorkOrder:
        columns: dict[str, Any] = {
            "slot": due,
            "site_id": plan.site_id,
            "equipment_id": plan.equipment_id,
            "ends_at": due + duration,
            "window_start": due,
            "window_end": due + timedelta(days=1),
            "status": "planned",
            "includes": [],
        }
        columns.update(values)
        order = WorkOrder(plan_id=plan.id, title=title or plan.name, due_at=due, **columns)
        return _saved(order)

    return create
