"""A small estate, an admin API caller and a snapshot of every table, for bad-input tests."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.equipment.models import Equipment
from app.equipment.services import EquipmentInput, create_equipment
from app.extensions import db
from app.people.models import Team, User
from app.people.tokens import issue_api_token
from app.sites.models import Location, Site
from tests.attack_counts import tally
from tests.conftest import TEST_PASSWORD
from tests.sites.conftest import Api
from tests.workorders.conftest import (  # noqa: F401  (fixtures for test_trades_and_records)
    api_for,
    english,
    login_as,
    make_work,
    place,
)

Snapshot = dict[str, list[tuple[Any, ...]]]


@dataclass
class Estate:
    site: Site
    building: Location
    team: Team
    pump: Equipment


@pytest.fixture
def estate(app: Flask) -> Estate:
    site = Site(code="YG", name="阳光花园", timezone="Asia/Shanghai")
    db.session.add(site)
    db.session.flush()
    building = Location(site=site, code="B1", name="1号楼", kind="building", sort_key="B1")
    team = Team(site_id=site.id, code="ENG", name="工程部", kind="engineering")
    db.session.add_all([building, team])
    db.session.flush()
    pump = create_equipment(
        EquipmentInput(
            site_id=site.id, asset_code="PUMP-01", name="生活水泵", category="water",
            location_id=building.id,
        )
    )  # fmt: skip
    db.session.commit()
    return Estate(site, building, team, pump)


@pytest.fixture
def admin_api(app: Flask, make_user: Callable[..., User]) -> Api:
    """An administrator's bearer token: the widest reach, so refusals come from validation."""
    user = make_user("admin", "api-admin")
    token = issue_api_token(user, "tests")
    db.session.commit()
    caller = Api(app.test_client(), token)
    caller.get("/me")  # stamps the token's last use once, so snapshots compare equal after
    return caller


@pytest.fixture
def admin_web(app: Flask, make_user: Callable[..., User]) -> FlaskClient:
    user = make_user("admin", "web-admin")
    client = app.test_client()
    response = client.post("/login", data={"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def snapshot() -> Snapshot:
    """Every row of every table, in a stable order: a refused request must leave it equal."""
    db.session.expire_all()
    tables: Snapshot = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        tables[table.name] = [tuple(row) for row in rows]
    db.session.rollback()
    return tables


def changed_tables(before: Snapshot, after: Snapshot) -> list[str]:
    """The tables a refused request changed; each comparison is one hostile-input case."""
    changed = [name for name in before if before[name] != after.get(name)]
    tally("corpus", bad=int(bool(changed)))
    return changed
