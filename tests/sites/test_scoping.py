"""Site scoping from the outside: staff of one site find nothing of another, by any route.

Two sites, 阳光花园 (A) and 翠湖 (B), each with equipment, a plan and a work order. B's
supervisor and technician hold memberships of B only; the company administrator holds
"all sites". Each request starts from an empty session, as in production, so nothing
loaded while setting up can leak through SQLAlchemy's identity map.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from app.access.scoping import UNSCOPED, Scope, scoped_to, site_visible
from app.equipment.models import Equipment
from app.extensions import db
from app.feeds.build import feed_rows
from app.feeds.models import FeedScope
from app.feeds.scopes import Selection, TargetError, Window, resolve
from app.people.models import User
from app.people.services import create_user
from app.people.tokens import issue_api_token
from app.sites.models import Site, SiteMembership
from app.workorders.models import WorkOrder
from tests.conftest import TEST_PASSWORD


@dataclass
class World:
    site_a: int
    site_b: int
    pump_a: int
    pump_b: int
    work_a: int
    work_b: int


@pytest.fixture
def world(app: Flask, create_site, create_equipment, create_plan, create_work_order) -> World:  # type: ignore[no-untyped-def]
    a, b = create_site("SUN", "阳光花园"), create_site("CUI", "翠湖商务中心")
    pump_a, pump_b = (
        create_equipment(a, "WP-01", "A生活水泵"),
        create_equipment(b, "WP-01", "B水泵"),
    )
    due = datetime(2026, 3, 3, 1, 0, tzinfo=UTC)
    work_a = create_work_order(create_plan(a, "A巡检", equipment_id=pump_a.id), due)
    work_b = create_work_order(create_plan(b, "B巡检", equipment_id=pump_b.id), due)
    db.session.commit()
    return World(a.id, b.id, pump_a.id, pump_b.id, work_a.id, work_b.id)


def _member(username: str, role: str, site_ids: list[int] | None) -> str:
    """A user of `site_ids` (None: all sites) with a password and an API token."""
    user = create_user(username, username, [role], password=TEST_PASSWORD, site_ids=site_ids)
    token = issue_api_token(user, "tests")
    db.session.commit()
    return token


def _api(app: Flask, token: str, method: str, url: str, body: object = None) -> TestResponse:
    g.pop("_login_user", None)
    db.session.expunge_all()  # production starts every request with an empty session
    return app.test_client().open(
        f"/api/v1{url}", method=method, json=body, headers={"Authorization": f"Bearer {token}"}
    )


def _browser(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    g.pop("_login_user", None)
    response = client.post("/login", data={"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def _web(client: FlaskClient, method: str, url: str, **data: str) -> TestResponse:
    g.pop("_login_user", None)
    db.session.expunge_all()
    return client.open(url, method=method, data=data or None)


def test_a_second_sites_supervisor_cannot_read_or_change_the_first_sites_equipment(
    app: Flask, world: World
) -> None:
    token = _member("sup-b", "supervisor", [world.site_b])
    assert _api(app, token, "GET", f"/equipment/{world.pump_a}").status_code == 404
    patched = _api(app, token, "PATCH", f"/equipment/{world.pump_a}", {"name": "x", "version": 1})
    assert patched.status_code == 404
    assert db.session.get(Equipment, world.pump_a).name == "A生活水泵"  # type: ignore[union-attr]
    assert _api(app, token, "GET", f"/equipment/{world.pump_b}").status_code == 200


def test_lists_show_only_the_users_sites(app: Flask, world: World) -> None:
    token = _member("tech-b", "technician", [world.site_b])
    equipment = _api(app, token, "GET", "/equipment").get_json()
    assert [item["id"] for item in equipment["items"]] == [world.pump_b]
    sites = _api(app, token, "GET", "/sites").get_json()
    assert [item["id"] for item in sites["items"]] == [world.site_b]


def test_the_company_administrator_sees_every_site(app: Flask, world: World) -> None:
    token = _member("boss", "admin", None)
    sites = _api(app, token, "GET", "/sites").get_json()
    assert {item["id"] for item in sites["items"]} == {world.site_a, world.site_b}


def test_another_sites_work_order_answers_404_on_every_page_and_action(
    app: Flask, world: World
) -> None:
    _member("sup-b", "supervisor", [world.site_b])
    client = _browser(app, "sup-b")
    assert _web(client, "GET", f"/work/{world.work_a}").status_code == 404
    cancelled = _web(client, "POST", f"/work/{world.work_a}/cancel", reason="x", version="1")
    assert cancelled.status_code == 404
    assert db.session.get(WorkOrder, world.work_a).status == "planned"  # type: ignore[union-attr]
    assert _web(client, "GET", f"/work/{world.work_b}").status_code == 200


def test_another_sites_calendar_cannot_be_subscribed_to(app: Flask, world: World) -> None:
    _member("sup-b", "supervisor", [world.site_b])
    owner = db.session.scalar(select(User).where(User.username == "sup-b"))
    assert owner is not None
    with scoped_to(Scope(owner.id, frozenset({world.site_b}))), pytest.raises(TargetError):
        resolve(FeedScope.SITE, "SUN", owner)
    assert not site_visible(owner, world.site_a)
    assert site_visible(owner, world.site_b)


def test_a_supervisor_creates_a_site_and_becomes_its_member(app: Flask, world: World) -> None:
    token = _member("sup-b", "supervisor", [world.site_b])
    created = _api(app, token, "POST", "/sites", {"code": "NEW", "name": "新项目"})
    assert created.status_code == 201
    new_id = created.get_json()["id"]
    assert _api(app, token, "GET", f"/sites/{new_id}").status_code == 200
    sites = _api(app, token, "GET", "/sites").get_json()
    assert {item["id"] for item in sites["items"]} == {world.site_b, new_id}


def test_a_site_code_taken_by_an_unseen_site_is_a_422_not_a_500(app: Flask, world: World) -> None:
    token = _member("sup-b", "supervisor", [world.site_b])
    taken = _api(app, token, "POST", "/sites", {"code": "SUN", "name": "重复"})
    assert taken.status_code == 422


def test_a_supervisor_adds_staff_to_their_own_sites_but_no_administrator(
    app: Flask, world: World
) -> None:
    token = _member("sup-b", "supervisor", [world.site_b])
    body = {"username": "wang", "name": "王师傅", "roles": ["technician"]}
    assert _api(app, token, "POST", "/staff", body).status_code == 201
    with scoped_to(UNSCOPED):
        memberships = db.session.scalars(
            select(SiteMembership.site_id)
            .join(User, User.id == SiteMembership.user_id)
            .where(User.username == "wang")
        ).all()
    assert memberships == [world.site_b]
    admin = {"username": "evil", "name": "Evil", "roles": ["admin"]}
    assert _api(app, token, "POST", "/staff", admin).status_code == 422


def test_a_site_supervisor_sees_only_their_sites_staff(app: Flask, world: World) -> None:
    token = _member("sup-b", "supervisor", [world.site_b])
    _member("sup-a", "supervisor", [world.site_a])
    staff = _api(app, token, "GET", "/staff?per_page=100").get_json()
    assert "sup-a" not in {item["username"] for item in staff["items"]}


def test_staff_created_without_a_site_by_the_cli_see_every_site(
    app: Flask, world: World, make_user: Callable[..., User]
) -> None:
    user = make_user("viewer")
    assert user.visible_site_ids is None
    assert site_visible(user, world.site_a) and site_visible(user, world.site_b)
    assert isinstance(db.session.get(Site, world.site_a), Site)


def test_a_supervisor_creates_teams_and_equipment_only_in_their_own_sites(
    app: Flask, world: World
) -> None:
    token = _member("sup-b", "supervisor", [world.site_b])
    team = {"code": "ENG", "name": "工程部", "kind": "engineering"}
    assert _api(app, token, "POST", "/teams", {**team, "site_id": world.site_b}).status_code == 201
    foreign = _api(app, token, "POST", "/teams", {**team, "site_id": world.site_a})
    assert foreign.status_code == 422
    pump = {"asset_code": "WP-09", "name": "水泵", "category": "water"}
    foreign = _api(app, token, "POST", "/equipment", {**pump, "site_id": world.site_a})
    assert foreign.status_code == 422
    own = _api(app, token, "POST", "/equipment", {**pump, "site_id": world.site_b})
    assert own.status_code == 201
    with scoped_to(UNSCOPED):
        assert (
            db.session.scalar(select(Equipment).where(Equipment.asset_code == "WP-09")).site_id
            == world.site_b
        )  # type: ignore[union-attr]


def test_a_person_feed_shows_only_the_feed_owners_sites(
    app: Flask, world: World, make_user: Callable[..., User]
) -> None:
    both = make_user("technician", "both-sites")  # a company-level technician
    for work_id in (world.work_a, world.work_b):
        db.session.get(WorkOrder, work_id).assignee_id = both.id  # type: ignore[union-attr]
    db.session.commit()
    window = Window(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=UTC))
    selection = Selection("person", both.id, window)
    assert {row.id for row in feed_rows(selection)} == {world.work_a, world.work_b}
    with scoped_to(Scope(None, frozenset({world.site_b}))):
        assert [row.id for row in feed_rows(selection)] == [world.work_b]
