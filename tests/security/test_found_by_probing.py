"""Server errors found by probing forms with the corpus, kept as regressions."""

from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.plans.models import Plan
from app.workorders.models import WorkOrder
from tests.security.conftest import Estate

PLAN_FORM = {
    "name": "水泵月保", "kind": "maintenance", "preset": "every_n_days", "interval": "7",
    "starts_on": "2026-04-01", "time_of_day": "08:30", "duration_minutes": "60",
    "holiday_policy": "next", "assignment_strategy": "fixed", "tolerance_before_days": "0",
    "tolerance_after_days": "0", "location_id": "", "submit": "1",
}  # fmt: skip


def test_a_plan_for_a_team_with_nobody_on_it_saves_with_unassigned_visits(
    estate: Estate, admin_web: FlaskClient
) -> None:
    form = {**PLAN_FORM, "team_id": str(estate.team.id), "equipment_id": str(estate.pump.id)}
    response = admin_web.post("/plans/new", data=form)
    assert response.status_code == 302, response.status_code
    plan = db.session.scalars(select(Plan).where(Plan.name == "水泵月保")).one()
    orders = db.session.scalars(select(WorkOrder).where(WorkOrder.plan_id == plan.id)).all()
    assert orders and all(order.assignee_id is None for order in orders)


def test_a_plan_form_with_integers_no_database_holds_is_refused(
    estate: Estate, admin_web: FlaskClient
) -> None:
    form = {**PLAN_FORM, "team_id": str(estate.team.id), "equipment_id": str(estate.pump.id)}
    for field in ("interval", "duration_minutes", "tolerance_after_days", "ceiling_days"):
        response = admin_web.post("/plans/new", data={**form, field: str(2**63)})
        assert response.status_code == 422, field
    assert db.session.scalars(select(Plan)).all() == []
