"""A small property to put equipment in: two sites, a location tree, teams and a contractor.

Built with the shared factories (models directly), so these tests do not depend on the
sites and people services.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.contractors.models import Contractor
from app.equipment.models import Equipment
from app.equipment.services import EquipmentInput, create_equipment
from app.extensions import db
from app.people.models import Team, User
from app.people.tokens import issue_api_token
from app.sites.models import Location, Site


@dataclass
class Ledger:
    site: Site
    other_site: Site
    building1: Location
    basement: Location
    pump_room: Location
    switch_room: Location
    building2: Location
    other_building: Location
    team: Team
    other_team: Team
    contractor: Contractor


@pytest.fixture
def ledger(
    create_site: Callable[..., Site],
    create_location: Callable[..., Location],
    create_team: Callable[..., Team],
    create_contractor: Callable[..., Contractor],
) -> Ledger:
    site = create_site("YG", "阳光花园")
    other = create_site("XH", "星河湾")

    def location(site: Site, code: str, name: str, kind: str, parent: Location | None) -> Location:
        return create_location(site, code, name, kind, parent=parent, sort_key=code)

    b1 = location(site, "B1-BLD", "1号楼", "building", None)
    basement = location(site, "B1-B1", "B1", "floor", b1)
    pump = location(site, "B1-B1-PUMP", "水泵房", "plant_room", basement)
    floor3 = location(site, "B1-3F", "3F", "floor", b1)
    switch = location(site, "B1-3F-SW", "配电房", "plant_room", floor3)
    b2 = location(site, "B2-BLD", "2号楼", "building", None)
    other_b = location(other, "XH-1", "1号楼", "building", None)
    team = create_team(site, "ENG", "工程部", "engineering")
    other_team = create_team(other, "ENG", "星河工程部", "engineering")
    contractor = create_contractor("上海三菱电梯维保")
    db.session.commit()
    return Ledger(
        site, other, b1, basement, pump, switch, b2, other_b, team, other_team, contractor
    )


@pytest.fixture
def make_equipment(ledger: Ledger) -> Callable[..., Equipment]:
    """`make_equipment("WP-01", name=..., ...)` creates and commits a valid record."""

    def make(asset_code: str, **values: Any) -> Equipment:
        data = EquipmentInput(
            site_id=ledger.site.id,
            asset_code=asset_code,
            name=f"设备 {asset_code}",
            category="water",
        ).updated(values)
        eq = create_equipment(data)
        db.session.commit()
        return eq

    return make


@pytest.fixture
def login_en(login: Callable[[str], FlaskClient]) -> Callable[[str], FlaskClient]:
    """Like `login`, but the user reads English, so assertions use the message ids."""

    def log_in(role: str) -> FlaskClient:
        client = login(role)
        assert client.post("/lang/en", data={"next": "/"}).status_code == 302
        return client

    return log_in


class ApiClient:
    """A test client that sends a bearer token, as scripts and integrations do."""

    def __init__(self, client: FlaskClient, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, url: str) -> TestResponse:
        return self.client.get(url, headers=self.headers)

    def post(self, url: str, json: Any) -> TestResponse:
        return self.client.post(url, json=json, headers=self.headers)

    def patch(self, url: str, json: Any) -> TestResponse:
        return self.client.patch(url, json=json, headers=self.headers)


@pytest.fixture
def api_as(app: Flask, make_user: Callable[..., User]) -> Callable[[str], ApiClient]:
    def make(role: str) -> ApiClient:
        token = issue_api_token(make_user(role))
        db.session.commit()
        return ApiClient(app.test_client(), token)

    return make
