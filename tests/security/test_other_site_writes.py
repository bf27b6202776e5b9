"""Reaching another site through ids in a request body, as an attacker would (issue 14).

The site matrix puts other-site ids in the path, `test_other_site_reach` in the query.
Here a supervisor of 阳光花园 (SUN) sends an otherwise good API body, of her own site,
with one id pointing into 翠湖 (CUI): a new plan for CUI's pump, SUN's pump moved to a
CUI building, a SUN visit handed to CUI's team. Each must be refused with a 4xx and
change nothing; the same body with her own site's id is accepted, so the refusal is the
foreign id's doing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from typing import Any

import pytest
from flask import Flask

from app.equipment.models import Equipment
from app.extensions import db
from app.people.services import create_user
from app.people.tokens import issue_api_token
from app.plans.models import Plan
from app.workorders.models import WorkOrder
from tests.attack_counts import tally
from tests.security.conftest import changed_tables, snapshot
from tests.sites.conftest import Api
from tests.test_site_matrix import _site_rows

Ids = dict[str, Any]
_serial = count(1)


def _version(model: type, row_id: object) -> int:
    db.session.expire_all()
    return db.session.get(model, row_id).version  # type: ignore[union-attr]


def _new_equipment(own: Ids) -> dict[str, Any]:
    n = next(_serial)
    return {
        "site_id": own["site_id"],
        "asset_code": f"NEW-{n}",
        "name": "新设备",
        "category": "water",
    }


def _new_plan(own: Ids) -> dict[str, Any]:
    return {
        "name": f"水箱清洗{next(_serial)}", "preset": "half_yearly", "starts_on": "2026-04-01",
        "site_id": own["site_id"], "team_id": own["team_id"],
    }  # fmt: skip


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # formatted with the own site's ids
    body: Callable[[Ids], dict[str, Any]]
    field: str  # set to the other site's `source`
    source: str
    many: bool = False  # a list of ids

    def url(self, own: Ids) -> str:
        return self.path.format(**own)

    def with_value(self, own: Ids, values: Ids) -> dict[str, Any]:
        value = values[self.source]
        return {**self.body(own), self.field: [value] if self.many else value}


CASES = [
    *(Case("POST", "/equipment", _new_equipment, f, s) for f, s in [
        ("site_id", "site_id"), ("location_id", "location_id"),
        ("maintainer_team_id", "team_id"),
    ]),
    *(Case("PATCH", "/equipment/{equipment_id}",
           lambda own: {"version": _version(Equipment, own["equipment_id"])}, f, s) for f, s in [
        ("location_id", "location_id"), ("maintainer_team_id", "team_id"),
    ]),
    Case("POST", "/teams",
         lambda own: {"site_id": own["site_id"], "code": f"T{next(_serial)}", "name": "保洁部",
                      "kind": "cleaning"}, "site_id", "site_id"),
    *(Case("POST", "/plans", _new_plan, f, s) for f, s in [
        ("site_id", "site_id"), ("equipment_id", "equipment_id"),
        ("location_id", "location_id"), ("team_id", "team_id"), ("assignee_id", "user_id"),
    ]),
    *(Case("PATCH", "/plans/{plan_id}",
           lambda own: {"version": _version(Plan, own["plan_id"])}, f, s) for f, s in [
        ("equipment_id", "equipment_id"), ("location_id", "location_id"),
        ("team_id", "team_id"), ("assignee_id", "user_id"),
    ]),
    Case("POST", "/sites/{site_id}/locations",
         lambda own: {"code": f"F{next(_serial)}", "name": "2层", "kind": "floor"},
         "parent_id", "location_id"),
    Case("POST", "/work/{work_order_id}/reassign",
         lambda own: {"version": _version(WorkOrder, own["work_order_id"])},
         "team_id", "team_id"),
    Case("POST", "/work/{work_order_id}/reassign",
         lambda own: {"version": _version(WorkOrder, own["work_order_id"])},
         "assignee_id", "user_id"),
]  # fmt: skip
IDS = [f"{c.method} {c.path} {c.field}" for c in CASES]


@dataclass(frozen=True)
class Sites:
    own: Ids
    other: Ids
    api: Api


@pytest.fixture
def sites(app: Flask) -> Sites:
    own, other = _site_rows("SUN", "阳光花园"), _site_rows("CUI", "翠湖")
    supervisor = create_user("sun-sup", "孙主管", ["supervisor"], site_ids=[own["site_id"]])  # type: ignore[list-item]
    token = issue_api_token(supervisor, "tests")
    db.session.commit()
    api = Api(app.test_client(), token)
    api.get("/me")  # stamps the token's last use once, so snapshots compare equal after
    return Sites(own, other, api)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_an_id_of_another_site_in_a_body_is_refused_and_changes_nothing(
    sites: Sites, case: Case
) -> None:
    before = snapshot()
    response = sites.api.call(
        case.method, case.url(sites.own), case.with_value(sites.own, sites.other)
    )
    tally("access", 1, int(response.status_code < 400))
    assert 400 <= response.status_code < 500, (response.status_code, response.get_json())
    assert changed_tables(before, snapshot()) == []


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_same_body_with_the_own_sites_id_is_accepted(sites: Sites, case: Case) -> None:
    response = sites.api.call(
        case.method, case.url(sites.own), case.with_value(sites.own, sites.own)
    )
    assert response.status_code in (200, 201), response.get_json()
