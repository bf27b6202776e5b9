"""Every route and API operation × every role × own site / other site, from the route table.

Two sites each hold one of everything a URL can name (location, team, staff member with
a licence and leave, equipment, plan, work order with an attachment, calendar override).
Each role logs in as a member of the first site only. A route is walked once with the
first site's ids ("own") and, when it names anything site-owned, once with the second
site's ids ("other"). What must happen follows from two rules:

- the permission table: a role without the route's permission gets 403, wherever;
- the scoping rule: with the permission, another site's row answers exactly as a row that
  does not exist (404, or the same 400/422 when the body is refused before any lookup),
  never 2xx, 3xx or 403; on the own site the request is never refused as unauthorised
  nor a server error.

A route argument the matrix does not know, or an API operation that is not a route it
walks, fails the test: a new route is covered without anyone writing a row.
`tests/test_role_matrix.py` walks the same table with ids that do not exist.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from app.access.roles import PUBLIC, ROLES, can
from app.api.spec import REGISTRY
from app.auth.permissions import required_permission
from app.calendars.models import CalendarOverride
from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import Licence, Team, TeamMembership
from app.people.services import create_user
from app.plans.models import Plan
from app.rosters.models import StaffLeave
from app.sites.models import Location, Site
from app.workorders.models import WorkAttachment, WorkOrder
from tests.attack_counts import tally
from tests.conftest import TEST_PASSWORD

SKIPPED_METHODS = {"HEAD", "OPTIONS"}
SESSION_ENDING = {"auth.logout"}
ALWAYS_PUBLIC = {"static", "bootstrap.static"}
# Arguments that name something of one site, and those that do not (shared by every site,
# or the caller's own, such as their API tokens and feeds).
SITE_ARGUMENTS = {
    "site_id", "site_code", "location_id", "team_id", "user_id", "licence_id", "leave_id",
    "equipment_id", "asset_code", "plan_id", "work_order_id", "attachment_id", "override_id",
}  # fmt: skip
SHARED_ARGUMENTS = {
    "contractor_id", "feed_id", "token_id", "code", "fmt", "library_key", "type_key",
    "filename", "reference", "slug", "token",
}  # fmt: skip


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    rule: Rule
    permission: str

    @property
    def site_owned(self) -> bool:
        return bool(set(self.rule.arguments) & SITE_ARGUMENTS)


def _site_rows(code: str, name: str) -> dict[str, object]:
    """One of everything a URL can name, in a new site; returns the URL values."""
    site = Site(code=code, name=name)
    db.session.add(site)
    db.session.flush()
    building = Location(site_id=site.id, code="B1", name="1号楼", kind="building")
    team = Team(site_id=site.id, code="ENG", name="工程部", kind="engineering")
    db.session.add_all([building, team])
    db.session.flush()
    staff = create_user(f"staff-{code}", f"{name}员工", ["technician"], site_ids=[site.id])
    db.session.add(TeamMembership(team_id=team.id, user_id=staff.id))
    licence = Licence(user_id=staff.id, kind="electrician_lv", number="T31")
    leave = StaffLeave(user_id=staff.id, starts_on=date(2026, 3, 9), ends_on=date(2026, 3, 10))
    pump = Equipment(
        site_id=site.id, asset_code="WP-01", name="生活水泵", category="water",
        location_id=building.id, maintainer_team_id=team.id,
    )  # fmt: skip
    override = CalendarOverride(site_id=site.id, day=date(2026, 5, 1), kind="holiday")
    db.session.add_all([licence, leave, pump, override])
    db.session.flush()
    plan = Plan(
        site_id=site.id, name="水泵巡检", rrule="FREQ=WEEKLY", starts_on=date(2026, 1, 1),
        equipment_id=pump.id, team_id=team.id,
    )  # fmt: skip
    db.session.add(plan)
    db.session.flush()
    due = datetime(2026, 3, 3, 1, 0, tzinfo=UTC)
    work = WorkOrder(
        plan_id=plan.id, slot=due, site_id=site.id, equipment_id=pump.id, team_id=team.id,
        title="水泵巡检", due_at=due, ends_at=due, window_start=due, window_end=due,
        status="planned", includes=[], touched=True,
    )  # fmt: skip
    db.session.add(work)
    db.session.flush()
    attachment = WorkAttachment(
        work_order_id=work.id, stored_path=f"{code}/photo.jpg", content_type="image/jpeg",
        size=1, sha256="0" * 64, filename="photo.jpg",
    )  # fmt: skip
    db.session.add(attachment)
    db.session.flush()
    return {
        "site_id": site.id, "site_code": site.code, "location_id": building.id,
        "team_id": team.id, "user_id": staff.id, "licence_id": licence.id,
        "leave_id": leave.id, "equipment_id": pump.id, "asset_code": pump.asset_code,
        "plan_id": plan.id, "work_order_id": work.id, "attachment_id": attachment.id,
        "override_id": override.id,
    }  # fmt: skip


@dataclass(frozen=True)
class World:
    own: dict[str, object]
    other: dict[str, object]


@pytest.fixture
def world(app: Flask) -> World:
    own, other = _site_rows("SUN", "阳光花园"), _site_rows("CUI", "翠湖")
    db.session.commit()
    return World(own, other)


def _routes(app: Flask) -> Iterator[Route]:
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
            if rule.endpoint in ALWAYS_PUBLIC | SESSION_ENDING:
                continue
            permission = required_permission(rule.endpoint)
            assert permission is not None, rule.endpoint
            for method in sorted((rule.methods or set()) - SKIPPED_METHODS):
                yield Route(rule.endpoint, method, rule, permission)


def _url(route: Route, values: dict[str, object]) -> str:
    unknown = set(route.rule.arguments) - SITE_ARGUMENTS - SHARED_ARGUMENTS
    assert not unknown, f"{route.rule.rule}: the matrix does not know {sorted(unknown)}"
    filled = {name: values.get(name, 987654 if name.endswith("_id") else "missing")
              for name in route.rule.arguments}  # fmt: skip
    return route.rule.build(filled)[1]  # type: ignore[index]


def _member_of_own_site(app: Flask, role: str, site_id: object) -> FlaskClient:
    create_user(f"m-{role}", role, [role], password=TEST_PASSWORD, site_ids=[site_id])  # type: ignore[list-item]
    db.session.commit()
    client = app.test_client()
    g.pop("_login_user", None)
    response = client.post("/login", data={"username": f"m-{role}", "password": TEST_PASSWORD})
    assert response.status_code == 302, role
    return client


def _call(client: FlaskClient, route: Route, url: str) -> int:
    g.pop("_login_user", None)
    db.session.expunge_all()  # as in production, each request starts with an empty session
    body = {} if route.method != "GET" else None
    return client.open(url, method=route.method, json=body).status_code


def test_every_api_operation_is_a_route_the_matrix_walks(app: Flask) -> None:
    walked = {(r.endpoint, r.method) for r in _routes(app)}
    missing = [
        (op.method.upper(), op.path)
        for op in REGISTRY.operations
        if (op.endpoint, op.method.upper()) not in walked
    ]
    assert missing == []


@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_role_reaches_its_own_site_as_the_table_allows_and_never_another(
    app: Flask, world: World, role: str
) -> None:
    client = _member_of_own_site(app, role, world.own["site_id"])
    problems = []
    for route in _routes(app):
        allowed = route.permission == PUBLIC or can(frozenset({role}), route.permission)
        sides = [("own", world.own)] + ([("other", world.other)] if route.site_owned else [])
        for side, values in sides:
            url = _url(route, values)
            status = _call(client, route, url)
            where = (route.method, url, side, status)
            if status >= 500:
                problems.append((*where, "server error"))
            elif not allowed and status != 403:
                problems.append((*where, "LEAK: reachable although the table denies it"))
            elif allowed and side == "own" and status == 401:
                problems.append((*where, "refused on the own site although allowed"))
            elif allowed and side == "other" and route.permission != PUBLIC:
                missing = _call(client, route, _url(route, {}))
                if status != missing or status in (200, 201, 204, 302, 403):
                    problems.append((*where, f"LEAK: answered unlike a missing row ({missing})"))
    leaks = sum("LEAK" in problem[-1] for problem in problems)
    tally("access", sum(1 + route.site_owned for route in _routes(app)), leaks)
    assert problems == []
