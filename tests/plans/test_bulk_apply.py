"""Bulk apply: one selection, one preview, level start days and a coverage check."""

import re
from collections.abc import Callable
from datetime import date, time

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.contractors.models import Contractor
from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import Licence, Team, User
from app.plans.models import Plan
from app.plans.programmes.bulk import (
    BulkError,
    Scope,
    Selection,
    StartMode,
    apply_bulk,
    period_days,
    preview_bulk,
)
from app.plans.programmes.coverage import GapCause, covers
from app.sites.models import Location, Site
from app.workorders.models import WorkOrder
from tests.sites.conftest import Api


@pytest.fixture
def pumps(
    site: Site,
    engineering: Team,
    create_location: Callable[..., Location],
    create_equipment: Callable[..., Equipment],
) -> list[Equipment]:
    """Twelve booster pump sets in two buildings' pump rooms, all maintained by 工程部."""
    made = []
    for building in ("T1", "T2"):
        top = create_location(site, building, f"{building}楼", "building")
        room = create_location(site, f"{building}-PR", f"{building}水泵房", "room", parent=top)
        for n in range(6):
            made.append(
                create_equipment(
                    site, f"{building}-P{n}", f"{building}加压泵{n}", "water",
                    location=room, type_key="booster_pump_set",
                    maintainer_team_id=engineering.id,
                )
            )  # fmt: skip
    return made


def _count(equipment_ids: list[int]) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Plan).where(Plan.equipment_id.in_(equipment_ids))
    )


def test_one_preview_covers_every_unplanned_asset_and_confirming_creates_exactly_its_rows(
    site: Site, pumps: list[Equipment], elevator: Equipment
) -> None:
    selection = Selection(site.id)
    preview = preview_bulk(selection)
    assert preview.asset_count == 13
    created = apply_bulk(selection)
    assert len(created) == len(preview.rows)
    assert _count([e.id for e in [*pumps, elevator]]) == len(created)
    assert preview_bulk(selection).rows == []  # nothing left unplanned


def test_a_category_selects_only_that_category(
    site: Site, pumps: list[Equipment], elevator: Equipment
) -> None:
    preview = preview_bulk(Selection(site.id, Scope.CATEGORY, category="elevator"))
    assert {row.equipment.id for row in preview.rows} == {elevator.id}


def test_a_location_selects_the_assets_below_it(site: Site, pumps: list[Equipment]) -> None:
    building = db.session.scalar(select(Location).where(Location.code == "T2"))
    preview = preview_bulk(Selection(site.id, Scope.LOCATION, location_id=building.id))
    assert {row.equipment.asset_code[:2] for row in preview.rows} == {"T2"}
    assert preview.asset_count == 6


def test_a_location_of_another_site_is_refused(
    site: Site, pumps: list[Equipment], create_site: Callable[..., Site]
) -> None:
    other = create_site("OTH", "别的项目")
    building = db.session.scalar(select(Location).where(Location.code == "T1"))
    with pytest.raises(BulkError) as caught:
        preview_bulk(Selection(other.id, Scope.LOCATION, location_id=building.id))
    assert "location_id" in caught.value.fields


def test_start_days_are_spread_so_no_day_of_the_first_four_weeks_carries_a_pile(
    site: Site, pumps: list[Equipment]
) -> None:
    preview = preview_bulk(Selection(site.id))
    loads = [count for _day, count in preview.daily_load]
    first_days = {row.starts_on for row in preview.rows}
    assert len(first_days) > 5
    assert max(loads) <= 2 * (sum(loads) / len(loads)) + 2, loads
    for row in preview.rows:
        period = period_days(row.proposal.unit.fields["rrule"])
        if period is not None:
            assert (row.starts_on - preview.today).days < max(period, 1)


def test_anchoring_to_last_done_dates_starts_one_period_after_the_sheets_date(
    site: Site, pumps: list[Equipment]
) -> None:
    pump = pumps[0]
    pump.attributes = {"上次保养": "2026-02-20"}
    db.session.flush()
    preview = preview_bulk(Selection(site.id, starts=StartMode.LAST_DONE))
    rows = [r for r in preview.rows if r.equipment.id == pump.id]
    monthly = [r for r in rows if period_days(r.proposal.unit.fields["rrule"]) == 30]
    assert monthly, [r.proposal.unit.fields["rrule"] for r in rows]
    assert all(r.from_last_done and r.starts_on == date(2026, 3, 20) for r in monthly)
    others = [r for r in preview.rows if r.equipment.id != pump.id]
    assert not any(r.from_last_done for r in others)


def test_contracted_work_without_a_contractor_is_flagged_before_confirming(
    site: Site, engineering: Team, create_equipment: Callable[..., Equipment]
) -> None:
    create_equipment(
        site, "L9", "9号梯", "elevator", type_key="traction_elevator",
        commissioned_on=date(2018, 6, 1), maintainer_team_id=engineering.id,
    )  # fmt: skip
    preview = preview_bulk(Selection(site.id))
    causes = {row.gap.cause for row in preview.gaps}
    assert GapCause.NO_CONTRACTOR in causes


def test_an_elevator_with_its_contractor_has_no_contractor_gap(
    site: Site, elevator: Equipment, lift_company: Contractor
) -> None:
    preview = preview_bulk(Selection(site.id))
    assert all(row.gap is None or row.gap.cause != GapCause.NO_CONTRACTOR for row in preview.rows)


def test_an_office_hours_team_does_not_cover_round_the_clock_duty() -> None:
    assert not covers("office_week", time(9), every_day=True)
    assert not covers("office_week", time(22), every_day=False)
    assert covers("office_week", time(10), every_day=False)
    assert covers("four_team_three_shift", time(2), every_day=True)
    assert covers("three_team_two_shift", time(21), every_day=True)


# --- the page ----------------------------------------------------------------------------


def test_the_bulk_page_previews_with_coverage_and_one_confirmation_creates_every_plan(
    site: Site, pumps: list[Equipment], elevator: Equipment, login: Callable[[str], FlaskClient]
) -> None:
    db.session.commit()
    client = login("supervisor")
    page = client.get(f"/plans/apply-bulk?site_id={site.id}&scope=unplanned&starts=level")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "13" in re.search(r"<h2[^>]*>([^<]+)</h2>", text).group(1)  # plans for 13 assets
    assert 'id="coverage"' in text and 'id="daily-load"' in text
    planned = int(re.search(r'id="bulk-confirm".*?<button[^>]*>\D*(\d+)', text, re.S).group(1))
    response = client.post(
        "/plans/apply-bulk",
        data={"site_id": site.id, "scope": "unplanned", "starts": "level"},
    )
    assert response.status_code == 302
    assert _count([e.id for e in [*pumps, elevator]]) == planned


def test_a_gap_on_the_page_links_to_where_it_is_fixed(
    site: Site,
    engineering: Team,
    create_equipment: Callable[..., Equipment],
    login: Callable[[str], FlaskClient],
) -> None:
    lift = create_equipment(
        site, "L9", "9号梯", "elevator", type_key="traction_elevator",
        commissioned_on=date(2018, 6, 1), maintainer_team_id=engineering.id,
    )  # fmt: skip
    db.session.commit()
    text = login("supervisor").get(f"/plans/apply-bulk?site_id={site.id}").get_data(as_text=True)
    assert 'data-cause="no_contractor"' in text
    assert f'href="/equipment/{lift.id}/edit"' in text


def test_an_unreadable_scope_is_a_422_that_creates_nothing(
    site: Site, pumps: list[Equipment], login: Callable[[str], FlaskClient]
) -> None:
    db.session.commit()
    client = login("supervisor")
    response = client.post("/plans/apply-bulk", data={"site_id": site.id, "scope": "everything"})
    assert response.status_code == 422
    assert _count([e.id for e in pumps]) == 0


def test_a_viewer_may_not_open_the_bulk_page(
    site: Site, login: Callable[[str], FlaskClient]
) -> None:
    db.session.commit()
    assert login("viewer").get(f"/plans/apply-bulk?site_id={site.id}").status_code == 403


# --- the API -----------------------------------------------------------------------------


def test_the_api_previews_then_applies_a_category_in_one_call(
    site: Site, pumps: list[Equipment], elevator: Equipment, api: Callable[[str], Api]
) -> None:
    client = api("supervisor")
    body = {"site_id": site.id, "scope": "category", "category": "water"}
    preview = client.post("/programmes/preview", body)
    assert preview.status_code == 200, preview.json
    assert preview.json["assets"] == 12
    assert {p["equipment_id"] for p in preview.json["plans"]} == {p.id for p in pumps}
    applied = client.post("/programmes/apply", body)
    assert applied.status_code == 201, applied.json
    assert applied.json["created"] == len(preview.json["plans"])
    assert _count([p.id for p in pumps]) == applied.json["created"]
    assert _count([elevator.id]) == 0


def test_the_api_applies_one_assets_programme_and_a_second_call_adds_nothing(
    elevator: Equipment, api: Callable[[str], Api]
) -> None:
    client = api("supervisor")
    first = client.post(f"/equipment/{elevator.id}/programme", {})
    assert first.status_code == 201, first.json
    assert first.json["created"] >= 6
    again = client.post(f"/equipment/{elevator.id}/programme", {"starts": "last_done"})
    assert again.status_code == 201
    assert again.json["created"] == 0


def test_the_api_refuses_bad_selections_with_field_errors_and_a_viewer_with_403(
    site: Site, pumps: list[Equipment], api: Callable[[str], Api]
) -> None:
    client = api("supervisor")
    bad = client.post("/programmes/apply", {"site_id": site.id, "scope": "sideways"})
    assert bad.status_code == 422 and "scope" in bad.json["error"]["fields"]
    missing = client.post("/programmes/preview", {"site_id": site.id, "scope": "location"})
    assert missing.status_code == 422 and "location_id" in missing.json["error"]["fields"]
    assert client.post("/equipment/999999/programme", {}).status_code == 404
    denied = api("viewer").post("/programmes/apply", {"site_id": site.id})
    assert denied.status_code == 403
    assert _count([p.id for p in pumps]) == 0


def test_the_openapi_document_describes_the_programme_endpoints_with_security_and_errors(
    client: FlaskClient,
) -> None:
    document = client.get("/api/v1/openapi.json").json
    operation = document["paths"]["/api/v1/programmes/apply"]["post"]
    assert operation["security"] and operation["x-permission"] == "plans.edit"
    assert {"201", "401", "403", "422"} <= set(operation["responses"])
    assert "/api/v1/equipment/{equipment_id}/programme" in document["paths"]


def test_the_coverage_check_predicts_which_plans_work_comes_out_unassigned(
    site: Site, pumps: list[Equipment]
) -> None:
    """工程部 works round the clock but nobody holds 低压电工作业证: the licensed tasks are
    flagged before confirming, and exactly those come out of the scheduler unassigned."""
    preview = preview_bulk(Selection(site.id))
    flagged = {(r.equipment.id, r.proposal.unit.task_key) for r in preview.gaps}
    assert {r.gap.cause for r in preview.gaps} == {GapCause.NO_LICENCE}
    assert {task for _id, task in flagged} == {"quarterly_service", "annual_overhaul"}
    created = apply_bulk(Selection(site.id))
    orders = db.session.scalars(
        select(WorkOrder).where(WorkOrder.plan_id.in_([p.id for p in created]))
    ).all()
    assert orders
    for order in orders:
        plan = order.plan
        predicted = (plan.equipment_id, plan.catalog_task_key) in flagged
        assert (order.assignee_id is None) == predicted, (plan.name, order.reasons)


def test_round_the_clock_duty_given_to_an_office_hours_team_is_flagged_and_is_really_unassigned(
    site: Site,
    create_team: Callable[..., Team],
    add_staff: Callable[..., list[User]],
    create_equipment: Callable[..., Equipment],
) -> None:
    office = create_team(site, "FCC", "消防中控", "engineering", shift_pattern="office_week")
    for person in add_staff(office, "op", "值班员", 2, 0):
        db.session.add(Licence(user_id=person.id, kind="fire_facility_operator", number="X1"))
    room = create_equipment(
        site, "FCR", "消防控制室", "fire", type_key="fire_control_room",
        maintainer_team_id=office.id,
    )  # fmt: skip
    db.session.flush()
    preview = preview_bulk(Selection(site.id))
    assert [r.gap.cause for r in preview.rows] == [GapCause.SHIFT, GapCause.SHIFT]
    created = apply_bulk(Selection(site.id))
    for plan in created:
        orders = db.session.scalars(select(WorkOrder).where(WorkOrder.plan_id == plan.id)).all()
        assert any(order.assignee_id is None for order in orders), plan.name
    assert room.id == created[0].equipment_id


@pytest.mark.parametrize("role", ["cleaning_lead", "security_lead"])
def test_a_lead_of_another_trade_cannot_apply_the_elevators_statutory_programme(
    elevator: Equipment, api: Callable[[str], Api], role: str
) -> None:
    client = api(role)
    refused = client.post(f"/equipment/{elevator.id}/programme", {})
    assert refused.status_code == 422, refused.json
    assert "programme" in refused.json["error"]["fields"]
    many = client.post(
        "/programmes/apply",
        {"site_id": elevator.site_id, "scope": "category", "category": "elevator"},
    )
    assert many.status_code == 422, many.json
    assert _count([elevator.id]) == 0  # nothing of either apply was kept
