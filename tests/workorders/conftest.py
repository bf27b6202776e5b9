"""A small property with work to do: a pump with readings, an elevator, a team and its people.

Work orders are created directly (not by the scheduler), so these tests only
depend on the work-order code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from flask_babel import refresh

from app.contractors.models import Contractor
from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import Team, TeamMembership, User
from app.people.services import set_password
from app.people.tokens import issue_api_token
from app.plans.models import Plan
from app.sites.models import Location, Site
from app.workorders.models import WorkOrder, WorkOrderStatus
from tests.conftest import PINNED_NOW, TEST_PASSWORD, ReadingClient

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = PINNED_NOW  # Monday 2026-03-02 09:00 in Shanghai

PUMP_CHECKLIST: list[dict[str, Any]] = [
    {
        "key": "d01",
        "names": {"zh": "出水压力", "en": "Discharge pressure"},
        "kind": "reading",
        "unit": "MPa",
        "min": 0.3,
        "max": 0.6,
    },
    {
        "key": "d02",
        "names": {"zh": "运行电流", "en": "Running current"},
        "kind": "reading",
        "unit": "A",
    },
    {"key": "d03", "names": {"zh": "无异常声响、渗漏", "en": "No noise or leaks"}, "kind": "check"},
    {
        "key": "d04",
        "names": {"zh": "止回阀工作正常", "en": "Check valve works"},
        "kind": "check",
        "key_item": True,
    },
    {
        "key": "d05",
        "names": {"zh": "阀门状态", "en": "Valve position"},
        "kind": "choice",
        "choices": [
            {"key": "open", "names": {"zh": "开", "en": "open"}},
            {"key": "closed", "names": {"zh": "关", "en": "closed"}},
        ],
    },
    {"key": "d06", "names": {"zh": "备注", "en": "Remarks"}, "kind": "text"},
]


@dataclass
class Place:
    site: Site
    pump_room: Location
    team: Team
    other_team: Team
    tech: User
    other_tech: User
    lead: User
    supervisor: User
    contractor: Contractor
    pump: Equipment
    elevator: Equipment
    pump_plan: Plan


@pytest.fixture
def place(
    create_site: Callable[..., Site],
    create_location: Callable[..., Location],
    create_team: Callable[..., Team],
    create_contractor: Callable[..., Contractor],
    create_user: Callable[..., User],
    create_membership: Callable[..., TeamMembership],
    create_equipment: Callable[..., Equipment],
    create_plan: Callable[..., Plan],
) -> Place:
    """Users have no password (hashing is slow); `login_as` sets one when a test logs in."""
    site = create_site("YG", "阳光花园")
    building = create_location(site, "B1", "1号楼", "building")
    pump_room = create_location(site, "B1-PUMP", "水泵房", "plant_room", parent=building)
    team = create_team(site, "ENG", "工程部", "engineering")
    other_team = create_team(site, "CLN", "保洁部", "cleaning")
    contractor = create_contractor("迅达电梯维保")
    tech = create_user("wang", "王师傅", "technician")
    other_tech = create_user("li", "李师傅", "technician")
    lead = create_user("zhao", "赵班长", "cleaning_lead")
    supervisor = create_user("chen", "陈主管", "supervisor")
    create_membership(team, tech)
    create_membership(other_team, other_tech)
    create_membership(other_team, lead, is_lead=True)
    pump = create_equipment(
        site, "WP-01", "1号生活水泵", "water", location=pump_room, maintainer_team_id=team.id
    )
    elevator = create_equipment(
        site, "T1-L1", "1号楼1号客梯", "elevator", location=building,
        maintainer_contractor_id=contractor.id,
    )  # fmt: skip
    pump_plan = create_plan(
        site, "水泵日巡检", rrule="FREQ=DAILY", starts_on=date(2025, 1, 1), equipment_id=pump.id,
        kind="inspection", ceiling_days=2, team_id=team.id, checklist=PUMP_CHECKLIST,
    )  # fmt: skip
    db.session.commit()
    return Place(
        site, pump_room, team, other_team, tech, other_tech, lead, supervisor, contractor,
        pump, elevator, pump_plan,
    )  # fmt: skip


def local(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture
def make_work(place: Place) -> Callable[..., WorkOrder]:
    """`make_work(due=local(...), assignee=user, plan=plan, window_days=1)`: one planned row."""

    def make(
        due: datetime | None = None,
        *,
        plan: Plan | None = None,
        assignee: User | None = None,
        team: Team | None = None,
        status: str | None = None,
        window_days: float = 1,
        equipment: Equipment | None = None,
        **values: Any,
    ) -> WorkOrder:
        plan = plan or place.pump_plan
        due = due or NOW
        row = WorkOrder(
            plan_id=plan.id,
            slot=values.pop("slot", due),
            site_id=place.site.id,
            equipment_id=(equipment or plan.equipment or place.pump).id,
            title=values.pop("title", f"{plan.name} {due:%m-%d}"),
            due_at=due,
            ends_at=due + timedelta(hours=1),
            window_start=due - timedelta(days=window_days),
            window_end=due + timedelta(days=window_days),
            status=status
            or (WorkOrderStatus.ASSIGNED if assignee else WorkOrderStatus.PLANNED).value,
            assignee_id=assignee.id if assignee else None,
            team_id=(team or place.team).id,
            includes=values.pop("includes", []),
            reasons=[],
            **values,
        )
        db.session.add(row)
        db.session.commit()
        return row

    return make


class OwnUserClient(ReadingClient):
    """A client that is always its own user.

    The test's app context outlives requests, so Flask-Login's cached user (in `g`) is
    dropped before each request: otherwise a second person's request would run as the first
    (and in the first person's language).
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        g.pop("_login_user", None)
        refresh()  # and Flask-Babel's cached locale
        return super().open(*args, **kwargs)


def client_for(app: Flask) -> FlaskClient:
    return OwnUserClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def login_as(app: Flask) -> Callable[[User], FlaskClient]:
    """A test client logged in as an existing user."""

    def log_in(user: User) -> FlaskClient:
        if user.password_hash is None:
            set_password(user, TEST_PASSWORD)
            db.session.commit()
        client = client_for(app)
        response = client.post(
            "/login", data={"username": user.username, "password": TEST_PASSWORD}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return log_in


@pytest.fixture
def english(app: Flask) -> Callable[[FlaskClient], FlaskClient]:
    def switch(client: FlaskClient) -> FlaskClient:
        assert client.post("/lang/en", data={"next": "/"}).status_code == 302
        return client

    return switch


@dataclass
class TokenClient:
    client: FlaskClient
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, url: str) -> Any:
        return self.client.get(url, headers=self.headers)

    def post(self, url: str, json: Any) -> Any:
        return self.client.post(url, json=json, headers=self.headers)


@pytest.fixture
def api_for(app: Flask) -> Callable[[User], TokenClient]:
    def make(user: User) -> TokenClient:
        token = issue_api_token(user)
        db.session.commit()
        return TokenClient(client_for(app), token)

    return make


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 32
PDF = b"%PDF-1.7\n" + b"0" * 64
