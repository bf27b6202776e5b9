"""Trade-scoped plans and object-level checks (issue 14), as each user sees them.

The place is the work-order tests' 阳光花园 (its fixtures come in through this package's
conftest): a statutory elevator plan done by a licensed
contractor, a cleaning plan, and the pump plan of 工程部; 赵班长 leads cleaning.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.access.objects import NoRule, may_view
from app.audit.models import AuditEntry
from app.extensions import db
from app.people.models import User
from app.people.services import create_user
from app.plans.models import Plan
from app.repairs.models import RepairRequest
from app.workorders.models import WorkOrder
from tests.workorders.conftest import NOW, Place, TokenClient

Login = Callable[[User], FlaskClient]
English = Callable[[FlaskClient], FlaskClient]
MakeWork = Callable[..., WorkOrder]


@pytest.fixture
def elevator_plan(place: Place, create_plan: Callable[..., Plan]) -> Plan:
    """The statutory half-monthly elevator maintenance (TSG T5002), by the contractor."""
    plan = create_plan(
        place.site, "电梯半月维保", rrule="FREQ=DAILY;INTERVAL=15", equipment_id=place.elevator.id,
        kind="maintenance", criticality="statutory", performer="licensed_contractor",
        contractor_id=place.contractor.id, team_id=place.team.id,
    )  # fmt: skip
    db.session.commit()
    return plan


@pytest.fixture
def cleaning_plan(place: Place, create_plan: Callable[..., Plan]) -> Plan:
    plan = create_plan(place.site, "大堂保洁", kind="cleaning", team_id=place.other_team.id)
    db.session.commit()
    return plan


def _user(username: str, role: str) -> User:
    user = create_user(username, username, [role])
    db.session.commit()
    return user


def _future_visits(plan: Plan, make_work: MakeWork, count: int) -> None:
    for day in range(1, count + 1):
        make_work(NOW + timedelta(days=15 * day), plan=plan, equipment=plan.equipment)


def _visits_of(plan: Plan) -> int:
    return db.session.scalar(select(func.count()).where(WorkOrder.plan_id == plan.id)) or 0


# --- 1. a lead edits only their trades; statutory plans only as the performer allows ----------


@pytest.mark.parametrize("role", ["cleaning_lead", "security_lead"])
def test_a_cleaning_or_security_lead_can_neither_edit_nor_stop_the_statutory_elevator_plan(
    place: Place, elevator_plan: Plan, make_work: MakeWork, login_as: Login, role: str
) -> None:
    _future_visits(elevator_plan, make_work, 3)
    client = login_as(_user(f"lead-{role}", role))

    detail = client.get(f"/plans/{elevator_plan.id}").get_data(as_text=True)
    assert f"/plans/{elevator_plan.id}/edit" not in detail
    assert f"/plans/{elevator_plan.id}/deactivate" not in detail
    assert client.get(f"/plans/{elevator_plan.id}/edit").status_code == 403
    assert client.get(f"/plans/{elevator_plan.id}/deactivate").status_code == 403
    stop = client.post(
        f"/plans/{elevator_plan.id}/deactivate",
        data={"version": elevator_plan.version, "reason": "不需要了"},
    )
    assert stop.status_code == 403
    db.session.expire_all()
    assert elevator_plan.active and _visits_of(elevator_plan) == 3


def test_a_cleaning_lead_edits_the_cleaning_plan_but_not_the_pump_plan(
    place: Place, cleaning_plan: Plan, login_as: Login
) -> None:
    client = login_as(place.lead)

    assert client.get(f"/plans/{cleaning_plan.id}/edit").status_code == 200
    assert client.get(f"/plans/{place.pump_plan.id}/edit").status_code == 403


def test_through_the_api_a_security_lead_cannot_change_the_elevator_plan(
    elevator_plan: Plan, api_for: Callable[[User], TokenClient]
) -> None:
    api = api_for(_user("baoan", "security_lead"))
    response = api.client.patch(
        f"/api/v1/plans/{elevator_plan.id}",
        json={"version": elevator_plan.version, "name": "改掉"},
        headers=api.headers,
    )

    assert response.status_code == 403
    db.session.expire_all()
    assert elevator_plan.name == "电梯半月维保"


def test_a_cleaning_lead_can_neither_cancel_nor_sign_off_an_elevator_visit(
    place: Place,
    elevator_plan: Plan,
    make_work: MakeWork,
    login_as: Login,
    api_for: Callable[[User], TokenClient],
) -> None:
    visit = make_work(NOW, plan=elevator_plan, equipment=place.elevator)
    client = login_as(place.lead)

    assert client.get(f"/work/{visit.id}").status_code == 200  # leads see the whole board
    assert client.get(f"/work/{visit.id}/sign-off").status_code == 403
    assert client.get(f"/work/{visit.id}/cancel").status_code == 403
    reassign = api_for(place.lead).post(
        f"/api/v1/work/{visit.id}/reassign",
        json={"version": visit.version, "team_id": place.other_team.id},
    )
    assert reassign.status_code == 403
    assert client.post(f"/work/{visit.id}/cancel", data={"reason": "x"}).status_code == 403
    db.session.expire_all()
    assert visit.status == "planned"


# --- 2. stopping a statutory plan: the cost first, then a reason, then the log -----------------


def test_a_supervisor_sees_how_many_visits_go_and_must_say_why_before_a_statutory_plan_stops(
    place: Place,
    elevator_plan: Plan,
    make_work: MakeWork,
    login_as: Login,
    english: English,
) -> None:
    _future_visits(elevator_plan, make_work, 3)
    client = english(login_as(place.supervisor))
    url = f"/plans/{elevator_plan.id}/deactivate"

    preview = client.get(url)
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "Future visits this deletes: 3." in page and "statutory plan" in page

    silent = client.post(url, data={"version": elevator_plan.version, "reason": "  "})
    assert silent.status_code == 422
    assert "Say why this statutory plan stops." in silent.get_data(as_text=True)
    db.session.expire_all()
    assert elevator_plan.active and _visits_of(elevator_plan) == 3

    reason = "电梯停用，已报市场监管局办理停用登记"
    stopped = client.post(url, data={"version": elevator_plan.version, "reason": reason})
    assert stopped.status_code == 302
    db.session.expire_all()
    assert not elevator_plan.active and _visits_of(elevator_plan) == 0
    [entry] = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "plan", AuditEntry.action == "deactivate")
    )
    assert entry.user_id == place.supervisor.id
    assert entry.changes == {"reason": reason, "future_visits_deleted": 3}


# --- 3. object-level checks: the printed record, the front desk ------------------------------


def test_a_technician_refused_a_work_order_is_refused_its_printed_record_too(
    place: Place, make_work: MakeWork, login_as: Login
) -> None:
    theirs = make_work(NOW, assignee=place.supervisor, status="assigned")
    mine = make_work(NOW + timedelta(hours=2), assignee=place.tech)
    client = login_as(place.other_tech)

    assert client.get(f"/work/{theirs.id}").status_code == 403
    assert client.get(f"/print/record/{theirs.id}").status_code == 403
    assert client.get(f"/print/record/{theirs.id}.pdf").status_code == 403
    owner = login_as(place.tech)
    assert owner.get(f"/print/record/{mine.id}").status_code == 200


def test_the_front_desk_lands_on_a_page_it_may_see_after_filing_a_repair(
    place: Place, login_as: Login
) -> None:
    client = login_as(_user("kefu", "customer_service"))
    form = {
        "site_id": str(place.site.id),
        "asset_code": "WP-01",
        "description": "水泵异响",
        "urgency": "normal",
        "reporter_name": "3-201 王先生",
        "reporter_phone": "13900001111",
    }

    filed = client.post("/repairs/new", data=form)
    assert filed.status_code == 302
    landing = client.get(filed.headers["Location"])
    assert landing.status_code == 200
    [repair] = db.session.scalars(select(RepairRequest))
    assert repair.reference in landing.get_data(as_text=True)


# --- 4. residents' phone numbers only for those who call back ---------------------------------


@pytest.mark.parametrize(
    ("role", "sees_phone"),
    [("customer_service", True), ("supervisor", True), ("technician", False), ("viewer", False)],
)
def test_residents_phone_numbers_show_only_to_roles_that_call_back(
    place: Place,
    login_as: Login,
    api_for: Callable[[User], TokenClient],
    role: str,
    sees_phone: bool,
) -> None:
    desk = login_as(_user("kefu", "customer_service"))
    desk.post(
        "/repairs/new",
        data={
            "site_id": str(place.site.id),
            "asset_code": "WP-01",
            "description": "漏水",
            "urgency": "normal",
            "reporter_name": "刘女士",
            "reporter_phone": "13800138000",
        },
    )
    [repair] = db.session.scalars(select(RepairRequest))
    user = db.session.scalar(select(User).where(User.username == "kefu"))
    if role != "customer_service":
        user = _user(f"who-{role}", role)

    page = login_as(user).get("/repairs/").get_data(as_text=True)
    assert "刘女士" in page
    assert ("13800138000" in page) is sees_phone
    api = api_for(user).get(f"/api/v1/repairs/{repair.reference}").get_json()
    assert (api["reporter_phone"] == "13800138000") is sees_phone


def test_a_cleaning_lead_cannot_move_a_cleaning_plan_to_the_engineering_team(
    place: Place, cleaning_plan: Plan, api_for: Callable[[User], TokenClient]
) -> None:
    api = api_for(place.lead)
    response = api.client.patch(
        f"/api/v1/plans/{cleaning_plan.id}",
        json={"version": cleaning_plan.version, "kind": "custom", "team_id": place.team.id},
        headers=api.headers,
    )

    assert response.status_code == 422
    assert "team_id" in response.get_json()["error"]["fields"]
    db.session.expire_all()
    assert (cleaning_plan.kind, cleaning_plan.team_id) == ("cleaning", place.other_team.id)


def test_a_record_of_a_kind_without_a_rule_is_refused_rather_than_shown(
    place: Place,
) -> None:
    class Unruled:
        pass

    with pytest.raises(NoRule):
        may_view(place.supervisor, Unruled())
    assert not may_view(None, place.pump_plan)
