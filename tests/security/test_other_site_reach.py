"""Probing from one site into another by id and by code, reading every answer (issue 14).

`tests/test_site_matrix.py` proves the *status* of every route for another site's ids in
the URL path. An attacker also types ids and codes into query strings (`?site=`,
`?equipment_id=`, `?asset=`, a print form's site code), asks for calendar feeds of
another site's team, asset or place, and reads what comes back, PDFs included. Here a
member of 阳光花园 (SUN) tries all of that against 翠湖 (CUI), whose every name carries
`MARK`: no answer may be a 5xx or contain the mark.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from app.access.roles import PUBLIC
from app.auth.permissions import required_permission
from app.equipment.models import Equipment
from app.extensions import db
from app.feeds.models import CalendarFeed
from app.people.models import Team
from app.people.services import create_user
from app.plans.models import Plan
from app.sites.models import Location, Site
from app.workorders.models import WorkCompletion, WorkOrder
from tests.attack_counts import tally
from tests.conftest import TEST_PASSWORD
from tests.test_site_matrix import _site_rows

MARK = "翠湖"
"""In every name of the other site: its name, building, team, staff, asset, plan, visit,
and the signature and remark of its finished visit."""
NOT_PROBED = {"static", "bootstrap.static", "auth.logout", "feeds.feed"}
"""Files, the session's end, and the token-only feed (its tokens are the owner's)."""
ROLES_PROBING = ("supervisor", "technician", "cleaning_lead", "viewer")
DAY = "2026-03-03"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Sites:
    own: dict[str, object]
    other: dict[str, object]


def _mark_every_name(values: dict[str, object]) -> None:
    """Give the other site's rows names that say whose they are, and a signed visit."""
    db.session.get(Site, values["site_id"]).name = f"{MARK}商务中心"  # type: ignore[union-attr]
    db.session.get(Location, values["location_id"]).name = f"{MARK}1号楼"  # type: ignore[union-attr]
    db.session.get(Team, values["team_id"]).name = f"{MARK}工程部"  # type: ignore[union-attr]
    db.session.get(Equipment, values["equipment_id"]).name = f"{MARK}水泵"  # type: ignore[union-attr]
    db.session.get(Plan, values["plan_id"]).name = f"{MARK}巡检"  # type: ignore[union-attr]
    work = db.session.get(WorkOrder, values["work_order_id"])
    assert work is not None
    work.title, work.status, work.completed_at = f"{MARK}巡检工单", "done", work.due_at
    work.completion = WorkCompletion(
        finished_at=work.due_at, answers=[], signature_name=f"{MARK}签名", note=f"{MARK}备注"
    )


@pytest.fixture
def sites(app: Flask) -> Sites:
    own, other = _site_rows("SUN", "阳光花园"), _site_rows("CUI", f"{MARK}商务中心")
    _mark_every_name(other)
    db.session.commit()
    return Sites(own, other)


def _by_id(other: dict[str, object]) -> dict[str, object]:
    """The query arguments pages and the API read as ids, all pointing into the other site."""
    return {
        "site": other["site_id"], "site_id": other["site_id"], "team": other["team_id"],
        "team_id": other["team_id"], "equipment_id": other["equipment_id"],
        "location": other["location_id"], "location_id": other["location_id"],
        "building": other["location_id"], "parent_id": other["location_id"],
        "plan_id": other["plan_id"], "assignee_id": other["user_id"],
        "user_id": other["user_id"], "work_order": other["work_order_id"], "day": DAY,
        "state": "all",
    }  # fmt: skip


def _by_code(other: dict[str, object]) -> list[dict[str, object]]:
    """The same by code, as the print forms and the ledger read them: one way of choosing
    at a time, so a form's "choose one" never answers before the site is looked up."""
    site = other["site_code"]
    return [
        {"site": site, "team": "ENG", "date": DAY, "start": DAY, "span": "week", "lang": "zh"},
        {"site": site, "worker": f"staff-{site}", "date": DAY, "q": "WP"},
        {"site": site, "area": "B1", "date": DAY},
        {"site": site, "asset": other["asset_code"], "start": DAY, "end": DAY},
        {"site": site, "category": "water", "start": DAY, "end": DAY},
    ]


def _member(app: Flask, role: str, site_id: object) -> FlaskClient:
    create_user(f"p-{role}", role, [role], password=TEST_PASSWORD, site_ids=[site_id])  # type: ignore[list-item]
    db.session.commit()
    client = app.test_client()
    g.pop("_login_user", None)
    response = client.post("/login", data={"username": f"p-{role}", "password": TEST_PASSWORD})
    assert response.status_code == 302, role
    return client


def _get_rules(app: Flask) -> Iterator[Rule]:
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint not in NOT_PROBED and "GET" in (rule.methods or set()):
            yield rule


def _urls(rule: Rule, sites: Sites) -> Iterator[str]:
    """A page naming one record: the other site's record, and the own one with the other's
    ids in the query. A page naming none (lists, print forms, exports, the API's
    collections): bare, then with the other site's ids, then with each way of choosing by
    code."""
    if rule.arguments:
        other_path = {n: sites.other.get(n, 987654) for n in rule.arguments}
        own_path = {n: sites.own.get(n, 987654) for n in rule.arguments}
        yield rule.build(other_path)[1]  # type: ignore[index]
        yield rule.build({**own_path, **_by_id(sites.other)})[1]  # type: ignore[index]
        return
    yield rule.rule
    for query in (_by_id(sites.other), *_by_code(sites.other)):
        yield rule.build(query)[1]  # type: ignore[index]


def _text(response: TestResponse) -> str:
    """What a reader of the answer sees: the page, the JSON, the calendar or the PDF's text."""
    if response.mimetype == "application/pdf":
        return "".join(page.extract_text() for page in PdfReader(BytesIO(response.data)).pages)
    if response.mimetype == XLSX:
        book = load_workbook(BytesIO(response.data), read_only=True)
        return " ".join(str(v) for sheet in book for row in sheet.values for v in row)
    if response.mimetype.startswith("image/") and response.mimetype != "image/svg+xml":
        return ""  # a photo or a QR code carries no names
    return response.data.decode("utf-8", errors="replace")


def _get(client: FlaskClient, url: str) -> TestResponse:
    g.pop("_login_user", None)
    db.session.expunge_all()  # as in production, each request starts with an empty session
    return client.get(url)


@pytest.mark.parametrize("role", ROLES_PROBING)
def test_a_member_of_one_site_reads_nothing_of_another_by_any_id_or_code_on_any_page(
    app: Flask, sites: Sites, role: str
) -> None:
    client = _member(app, role, sites.own["site_id"])
    problems: list[tuple[str, int, str]] = []
    checks = 0
    public = {r.endpoint for r in _get_rules(app) if required_permission(r.endpoint) == PUBLIC}
    for rule in _get_rules(app):
        for url in _urls(rule, sites):
            response = _get(client, url)
            checks += 1
            if response.status_code >= 500:
                problems.append((url, response.status_code, "server error"))
            elif rule.endpoint in public:
                continue  # a resident's QR page names its place to anyone, by design
            elif response.status_code == 200 and MARK in _text(response):
                problems.append((url, response.status_code, "LEAK: the other site's data"))
    tally("access", checks, sum("LEAK" in problem[-1] for problem in problems))
    assert problems == [], "\n".join(map(str, problems))


def test_the_probe_would_see_the_other_sites_data_if_it_leaked(app: Flask, sites: Sites) -> None:
    """The mark is where the probe looks: a company-level supervisor finds it."""
    create_user("all-sites", "all", ["supervisor"], password=TEST_PASSWORD, site_ids=None)
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"username": "all-sites", "password": TEST_PASSWORD})
    pump = f"/equipment/{sites.other['equipment_id']}"
    assert MARK in _text(_get(client, pump))
    history = f"/print/history.pdf?site=CUI&asset=WP-01&start={DAY}&end={DAY}&lang=zh"
    assert MARK in _text(_get(client, history))


def _feeds() -> int:
    return db.session.scalar(select(func.count()).select_from(CalendarFeed)) or 0


@pytest.mark.parametrize(
    ("scope", "code"),
    [
        ("site", "{site}"),
        ("team", "{site}:ENG"),
        ("equipment", "{site}:WP-01"),
        ("location", "{site}:B1"),
        ("building", "{site}:B1"),
        ("person", "staff-{site}"),
    ],
)
def test_no_calendar_feed_of_another_sites_team_asset_place_or_staff_can_be_made(
    app: Flask, sites: Sites, scope: str, code: str
) -> None:
    client = _member(app, "supervisor", sites.own["site_id"])
    other = client.post(
        "/feeds/new", data={"feed-scope": scope, "feed-code": code.format(site="CUI")}
    )
    assert other.status_code == 422
    assert MARK not in other.get_data(as_text=True)
    assert _feeds() == 0

    own = client.post(
        "/feeds/new", data={"feed-scope": scope, "feed-code": code.format(site="SUN")}
    )
    assert own.status_code == 201 and _feeds() == 1  # the same form works on the own site
